"""Unit tests of the small evaluator for formulas on an analyst's own sheets.

Expected values are plain Python arithmetic (or Excel's documented behaviour), never computed
by the module under test.
"""

from __future__ import annotations

import pytest

from modelgen.regenerate.analyst_formulas import Unsupported, XLError, evaluate_formula

CELLS = {
    "A1": 10.0,
    "A2": 4.0,
    "A3": None,
    "B1": "text",
    "'Profit Impact'!F4": 250.0,
    "E": XLError("#REF!"),
}
RANGES = {
    "A1:A3": [10.0, 4.0, None],
    "B1:B4": [2.0, "skip", True, 6.0],
    "C1:C2": [1.0, XLError("#N/A")],
    "'Profit Impact'!F4:H4": [250.0, 260.0, 270.0],
}


def resolve(text: str):
    if text in RANGES:
        return list(RANGES[text])
    if text == "#REF!":
        return XLError("#REF!")
    return CELLS[text]


def ev(formula: str):
    return evaluate_formula(formula, resolve)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=1+2*3", 1 + 2 * 3),
        ("=(1+2)*3", (1 + 2) * 3),
        ("=10-2-3", (10 - 2) - 3),
        ("=12/3/2", (12 / 3) / 2),
        ("=2*3^2", 2 * 3**2),
        ("=-3+5", 2.0),
        ("=2*-3", -6.0),
        ("=-2^2", 4.0),  # Excel: negation binds tighter than ^
        ("=--4", 4.0),
        ("=50%", 0.5),
        ("=200*10%", 20.0),
        ("=1+50%*2", 2.0),
        ("=A1*A2+A3", 10.0 * 4.0 + 0.0),  # an empty cell counts as 0
        ("='Profit Impact'!F4/A1", 25.0),
        ('="3"+4', 7.0),  # numeric text is coerced
        ("=TRUE+1", 2.0),
    ],
)
def test_arithmetic(formula: str, expected: float) -> None:
    assert ev(formula) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=1<2", True),
        ("=2<=2", True),
        ("=3>4", False),
        ("=A1>=10", True),
        ("=1=1", True),
        ("=1<>1", False),
        ('="abc"="ABC"', True),  # text comparison ignores case
        ('="a"<"b"', True),
        ('=1<"a"', True),  # numbers sort before text
        ('="zzz"<TRUE', True),  # text sorts before logicals
        ("=1+1=2", True),  # comparison binds loosest
    ],
)
def test_comparisons(formula: str, expected: bool) -> None:
    assert ev(formula) is expected


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ('="Q"&1', "Q1"),  # a whole number prints without ".0"
        ('="x="&2.5', "x=2.5"),
        ('="a"&TRUE', "aTRUE"),
        ('="a"&A3&"b"', "ab"),  # an empty cell is ""
        ('="say ""hi"""', 'say "hi"'),
        ('="n"&1+2', "n3"),  # & binds looser than +
        ('=B1&"!"', "text!"),
    ],
)
def test_text(formula: str, expected: str) -> None:
    assert ev(formula) == expected


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=SUM(A1:A3)", 10.0 + 4.0),
        ("=SUM(B1:B4)", 2.0 + 6.0),  # text and logicals in a range are skipped
        ("=SUM(A1:A3,5,A1)", 14.0 + 5.0 + 10.0),
        ("=SUM()", 0.0),
        ("=AVERAGE('Profit Impact'!F4:H4)", (250 + 260 + 270) / 3),
        ("=AVERAGE(B1:B4)", (2.0 + 6.0) / 2),
        ("=MIN(A1:A3,7)", 4.0),
        ("=MAX(A1:A3,7)", 10.0),
        ("=MIN(B1)", 0.0),  # no numbers at all
        ("=COUNT(B1:B4)", 2.0),
        ("=ABS(-3.5)", 3.5),
        ("=ROUND(2.5,0)", 3.0),  # half away from zero, not banker's
        ("=ROUND(-2.5,0)", -3.0),
        ("=ROUND(3.14159,2)", 3.14),
        ("=ROUND(1234,-2)", 1200.0),
        ("=ROUND(2.4)", 2.0),
        ("=IF(A1>5,1,2)", 1.0),
        ("=IF(A1>50,1,2)", 2.0),
        ("=IF(A1>50,1)", False),
        ('=IF(A2,"yes","no")', "yes"),
        ("=IF(TRUE,1,1/0)", 1.0),  # the branch not taken does not matter
        ("=IFERROR(1/0,-1)", -1.0),
        ("=IFERROR(A1/2,-1)", 5.0),
        ("=IFERROR(E,0)", 0.0),
        ("=IFERROR(SUM(C1:C2),99)", 99.0),
        ("=AND(1,TRUE,A1>5)", True),
        ("=AND(1,0)", False),
        ("=OR(0,FALSE,A2)", True),
        ("=NOT(A1>5)", False),
        ("=sum(1,2)", 3.0),  # function names are case-insensitive
        ("=SUM(MAX(1,2),MIN(3,4))*2", (2 + 3) * 2),
    ],
)
def test_functions(formula: str, expected: object) -> None:
    got = ev(formula)
    if isinstance(expected, bool):
        assert got is expected
    else:
        assert got == pytest.approx(expected)


@pytest.mark.parametrize(
    ("formula", "error"),
    [
        ("=1/0", "#DIV/0!"),
        ("=A1/(A2-4)", "#DIV/0!"),
        ("=1/0+1", "#DIV/0!"),  # propagates through arithmetic
        ('="a"&1/0', "#DIV/0!"),
        ("=SUM(1,1/0)", "#DIV/0!"),
        ("=E*2", "#REF!"),  # an error value read through resolve
        ("=#REF!+1", "#REF!"),  # a repointer-written #REF! operand
        ("=SUM(C1:C2)", "#N/A"),  # an error inside a range
        ("=AVERAGE(B1)", "#DIV/0!"),  # no numbers to average
        ("=IF(1/0,1,2)", "#DIV/0!"),
        ('="x"+1', "#VALUE!"),
        ("=A1:A3", "#VALUE!"),  # a bare range is not a value
        ("=1E308*10", "#NUM!"),
    ],
)
def test_errors(formula: str, error: str) -> None:
    got = ev(formula)
    assert isinstance(got, XLError)
    assert got == error


@pytest.mark.parametrize(
    "formula",
    ["=VLOOKUP(1,A1:A3,1)", "=SUMPRODUCT(A1:A3,A1:A3)", "=IF(1,2,3,4)", "=TODAY()"],
)
def test_unsupported(formula: str) -> None:
    with pytest.raises(Unsupported):
        ev(formula)


def test_unsupported_inside_iferror_is_not_swallowed() -> None:
    with pytest.raises(Unsupported):
        ev("=IFERROR(INDEX(A1:A3,1),0)")


# Excel and LibreOffice: ^ works left to right, and impossible powers are error values
def test_power_is_left_associative() -> None:
    assert ev("=2^3^2") == (2**3) ** 2


@pytest.mark.parametrize("formula", ["=10^400", "=0^-1", "=(-8)^(1/3)"])
def test_power_domain_errors_are_error_values(formula: str) -> None:
    assert isinstance(ev(formula), XLError)
