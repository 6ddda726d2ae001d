"""`modelgen explain`: one cell's formula in words and numbers. The precedents it names are
read back by key and period, and their values, combined with the operators it shows by
arithmetic written here, give the cell's value; on an analyst's edited copy too."""

from __future__ import annotations

import json
import math
import operator
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import modelgen
from modelgen.cli import app
from modelgen.compare.explain import ExplainableWorkbook, Explanation, Term
from modelgen.words import UnknownNameError


@pytest.fixture(scope="module")
def book(shipped_book: Path) -> ExplainableWorkbook:
    return modelgen.read_workbook(shipped_book)


def _cells(terms: list[Term]) -> list[Term]:
    return [t for t in terms if t.kind == "cell"]


def test_a_plain_sum_lists_each_precedent_with_its_operator(book):
    found = book.explain("depreciation_opening:MSFT", "2025")
    classes = ("servers", "buildings", "equipment", "land", "all_assets")
    assert [t.op for t in found.terms] == ["", "+", "+", "+", "+"]
    assert [t.cell.key for t in found.terms] == [f"depreciation_opening:MSFT:{k}" for k in classes]
    for t in found.terms:  # each read back by its key and period
        assert t.cell.period == "2025" and t.cell.sheet == "Depreciation"
        assert t.cell.value == book.value("Depreciation", t.cell.key, "2025")
        assert t.cell.label == book.sheets["Depreciation"].rows[t.cell.key].label
    total = math.fsum(t.cell.value for t in found.terms)
    assert found.target.value == pytest.approx(total, rel=1e-12)
    assert found.target.value == book.value("Depreciation", "depreciation_opening:MSFT", "2025")
    text = found.lines()
    assert text[0].startswith("depreciation_opening:MSFT 2025 = ")
    assert text[0].endswith("(USD bn)")
    assert (
        text[-1]
        == f"(Depreciation sheet, row {book.sheets['Depreciation'].rows['depreciation_opening:MSFT'].row})"
    )
    assert text[1].lstrip().startswith("=") and text[2].lstrip().startswith("+")


def test_a_running_total_names_the_period_before(book):
    found = book.explain("cumulative_capex:AMZN", "2026")
    before, capex = found.terms
    assert (before.op, before.cell.key, before.cell.period) == ("", "cumulative_capex:AMZN", "2025")
    assert (capex.op, capex.cell.key, capex.cell.period, capex.cell.sheet) == (
        "+",
        "capex:AMZN",
        "2026",
        "Capex",
    )
    assert capex.cell.value == book.value("Capex", "capex:AMZN", "2026")
    assert found.target.value == pytest.approx(before.cell.value + capex.cell.value, rel=1e-12)


def test_a_function_shows_its_arguments_and_a_range_its_cells(book):
    found = book.explain("depreciation:AMZN", "2025")
    (call,) = found.terms
    assert (call.kind, call.text) == ("function", "SUM")
    (rng,) = call.terms
    assert rng.kind == "range" and rng.text.startswith("Depreciation!")
    keys = [t.cell.key for t in rng.terms]
    assert all(k.startswith("depreciation_class:AMZN:") for k in keys), keys
    assert {t.cell.period for t in rng.terms} == {"2025"}
    assert found.target.value == pytest.approx(math.fsum(t.cell.value for t in rng.terms))


def test_if_shows_its_condition_and_both_branches(book):
    found = book.explain("capex_yoy:MSFT", "2025")
    (call,) = found.terms
    assert call.text == "IF" and [t.op for t in call.terms] == ["if", "then", "else"]
    condition, then, _ = call.terms
    assert [(t.op, t.kind) for t in condition.terms] == [("", "cell"), (">", "number")]
    ratio, one = then.terms  # (this / last) - 1: the division binds first
    assert (ratio.kind, one.op, one.text) == ("group", "-", "1")
    assert [(t.op, t.cell.key, t.cell.period) for t in ratio.terms] == [
        ("", "capex:MSFT", "2025"),
        ("/", "capex:MSFT", "2024"),
    ]
    this, last = (t.cell.value for t in ratio.terms)
    assert found.target.value == pytest.approx(this / last - 1, rel=1e-12)
    assert "%" in found.lines()[0]


# --- every formula of the calculation sheets, re-done from what explain shows ----------------

_OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


class Unsupported(Exception):
    """A function this test's arithmetic does not do."""


def _number(value: object) -> object:
    return 0 if value is None else value


def _blank(value: object, other: object) -> object:
    """An empty cell: "" beside text (a test for an empty cell), else 0, as in Excel."""
    return ("" if isinstance(other, str) else 0) if value is None else value


def _value(term: Term) -> object:
    if term.kind == "cell":
        return term.cell.value
    if term.kind == "number":
        return float(term.text)
    if term.kind == "text":
        return term.text[1:-1].replace('""', '"')
    if term.kind == "range":
        return [_number(t.cell.value) for t in term.terms]
    if term.kind == "group":
        value = _chain(term.terms)
        return -value if term.text == "-" else value
    if term.kind == "function":
        return _function(term)
    raise Unsupported(term.kind)


def _chain(terms: list[Term]) -> object:
    value = _value(terms[0])
    for t in terms[1:]:
        other = _value(t)
        if isinstance(value, list) or isinstance(other, list) or t.op not in _OPS:
            raise Unsupported("arithmetic over a range")
        value = _OPS[t.op](_blank(value, other), _blank(other, value))
    return value


def _flat(values: list[object]) -> list[float]:
    out: list[float] = []
    for v in values:
        out += _flat(v) if isinstance(v, list) else [v]
    return [v for v in out if isinstance(v, int | float)]


def _function(term: Term) -> object:
    name = term.text
    if name not in ("IF", "SUM", "MAX", "MIN", "ABS", "AND"):
        raise Unsupported(name)
    if name == "IF":
        condition, *branches = term.terms
        branches += [Term("", "number", "0")] * (2 - len(branches))
        return _value(branches[0] if _number(_value(condition)) else branches[1])
    args = [_value(t) for t in term.terms]
    if name == "SUM":
        return math.fsum(_flat(args))
    if name in ("MAX", "MIN"):
        return (max if name == "MAX" else min)(_flat(args))
    if name == "ABS":
        return abs(_number(args[0]))
    return all(_flat(args))  # AND


def test_every_formula_is_what_its_terms_compute(book):
    """The terms explain shows reproduce every formula of the calculation sheets (those of
    + - * / comparisons, SUM, MAX, MIN, IF, ABS, AND) in every period."""
    checked, skipped, wrong = 0, 0, []
    for name in ("Capex", "Growth", "Depreciation", "Profit Impact", "PP&E"):
        sheet = book.sheets[name]
        for key in sheet.rows:
            if key == "period":
                continue
            for period in (*sheet.periods[:3], "D"):
                found = book.explain(key, period)
                if found.target.formula is None:
                    continue
                try:
                    value = _number(_chain(found.terms))
                except Unsupported:
                    skipped += 1
                    continue
                want = found.target.value
                same = (
                    (want or "") == value
                    if isinstance(want, str) or isinstance(value, str)
                    else math.isclose(want or 0, value, rel_tol=1e-9, abs_tol=1e-9)
                )
                if not same:
                    wrong.append((name, key, period, want, value, found.target.formula))
                checked += 1
    assert not wrong, wrong[:5]
    assert checked > 1000 and checked > 5 * skipped, (checked, skipped)


# --- depth, JSON, edits, errors ---------------------------------------------------------------


def test_depth_explains_the_precedents_own_formulas(book):
    shallow = book.explain("cumulative_capex:AMZN", "2026")
    deep = book.explain("cumulative_capex:AMZN", "2026", depth=2)
    assert all(t.terms == [] for t in shallow.terms)
    before = deep.terms[0]
    assert [(t.op, t.cell.key, t.cell.period) for t in _cells(before.terms)] == [
        ("", "cumulative_capex:AMZN", "2024"),
        ("+", "capex:AMZN", "2025"),
    ]
    assert len(deep.lines()) > len(shallow.lines())
    three = book.explain("cumulative_capex:AMZN", "2026", depth=3)
    assert _cells(three.terms[0].terms)[0].terms  # 2024 explained in turn


def test_json_for_scripts(shipped_book):
    run = CliRunner().invoke(
        app, ["explain", str(shipped_book), "cumulative_capex:AMZN", "2026", "--json"]
    )
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["values_from"] == "cached"
    assert data["target"]["key"] == "cumulative_capex:AMZN" and data["target"]["period"] == "2026"
    ops = [(t["op"], t["cell"]["key"], t["cell"]["period"]) for t in data["terms"]]
    assert ops == [("", "cumulative_capex:AMZN", "2025"), ("+", "capex:AMZN", "2026")]
    values = [t["cell"]["value"] for t in data["terms"]]
    assert data["target"]["value"] == pytest.approx(sum(values), rel=1e-12)


def test_the_command_prints_the_lines(shipped_book, book):
    run = CliRunner().invoke(app, ["explain", str(shipped_book), "cumulative_capex:AMZN", "2026"])
    assert run.exit_code == 0, run.output
    assert run.output.splitlines() == book.explain("cumulative_capex:AMZN", "2026").lines()
    lines = run.output.splitlines()
    assert "capex:AMZN" in lines[2] and "2026" in lines[2] and lines[2].lstrip().startswith("+")


def _edited(shipped_book: Path, tmp_path: Path) -> Path:
    """The shipped workbook as an analyst leaves it after editing in a program that does not
    calculate (openpyxl): a sheet of their own whose cell a formula now adds, a typed-over
    formula, a formula over a defined name, and no cached value anywhere."""
    path = tmp_path / "edited.xlsx"
    shutil.copy(shipped_book, path)
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("Notes")
    notes["B2"] = 10
    ppe = wb["PP&E"]
    cumulative = modelgen.read_workbook(shipped_book).sheets["PP&E"].rows["cumulative_capex:AMZN"]
    cell = ppe[cumulative.cells["2026"]]
    cell.value = f"{cell.value}+Notes!B2"
    ppe[cumulative.cells["2027"]].value = 500
    ppe[cumulative.cells["2028"]].value = "=SUM(Capex_Actual_AMZN)"  # a name modelgen defines
    wb.save(path)
    return path


def test_an_analysts_edits_are_explained_with_values_ironcalc_computes(shipped_book, tmp_path):
    edited = modelgen.read_workbook(_edited(shipped_book, tmp_path))
    found = edited.explain("cumulative_capex:AMZN", "2026")
    assert found.values_from == "IronCalc"
    before, capex, extra = found.terms
    assert (extra.op, extra.cell.key, extra.cell.name()) == ("+", None, "Notes!B2")
    assert extra.cell.value == 10
    assert found.target.value == pytest.approx(before.cell.value + capex.cell.value + 10)
    assert "Notes!B2" in "\n".join(found.lines())
    assert found.lines()[-1].startswith("(the workbook has no computed values: IronCalc")
    typed = edited.explain("cumulative_capex:AMZN", "2027")
    assert typed.target.formula is None and typed.terms == [] and typed.target.value == 500
    assert "a typed value, no formula" in "\n".join(typed.lines())


def test_a_defined_name_is_shown_as_the_cells_it_names(shipped_book, tmp_path):
    edited = modelgen.read_workbook(_edited(shipped_book, tmp_path))
    found = edited.explain("cumulative_capex:AMZN", "2028")
    (call,) = found.terms
    (named,) = call.terms
    assert named.kind == "range" and named.text.startswith("Capex_Actual_AMZN = Inputs!")
    assert {t.cell.key for t in named.terms} == {"capex_actual:AMZN"}
    assert [t.cell.period for t in named.terms] == edited.sheets["Inputs"].periods
    actual = [t.cell.value for t in named.terms if t.cell.value is not None]
    assert actual and found.target.value == pytest.approx(math.fsum(actual))


def test_an_unknown_key_names_the_nearest(book, shipped_book):
    with pytest.raises(UnknownNameError, match="did you mean depreciation:AMZN"):
        book.explain("depreciaton:AMZN", "2025")
    run = CliRunner().invoke(app, ["explain", str(shipped_book), "depreciaton:AMZN", "2025"])
    assert run.exit_code == 2
    assert 'no row key "depreciaton:AMZN"' in run.output and "depreciation:AMZN" in run.output
    assert "Traceback" not in run.output


def test_an_unknown_period_names_the_periods(shipped_book):
    run = CliRunner().invoke(app, ["explain", str(shipped_book), "depreciation:AMZN", "2052"])
    assert run.exit_code == 2
    assert 'no period "2052"' in run.output and "2025" in run.output


def test_a_missing_file_and_a_bad_depth_exit_2(tmp_path, shipped_book):
    run = CliRunner().invoke(app, ["explain", str(tmp_path / "no.xlsx"), "capex:MSFT", "2025"])
    assert run.exit_code == 2 and "no.xlsx" in run.output
    run = CliRunner().invoke(
        app, ["explain", str(shipped_book), "capex:MSFT", "2025", "--depth", "0"]
    )
    assert run.exit_code == 2


def test_explanation_is_exported(book):
    assert isinstance(book.explain("capex:MSFT", "2025"), Explanation)


def test_an_input_is_a_typed_value_and_a_gap_an_empty_cell(book):
    inputs = book.sheets["Inputs"]
    typed = book.explain("capex_actual:MSFT", inputs.periods[0])
    assert typed.terms == [] and typed.target.value == book.value(
        "Inputs", "capex_actual:MSFT", inputs.periods[0]
    )
    assert typed.lines()[1].strip() == "a typed value, no formula"
    gap = book.explain("capex_actual:MSFT", inputs.periods[-1])  # a forecast year
    assert gap.target.value is None and gap.lines()[1].strip() == "an empty cell"
