"""The expression layer: rendering to A1 text and evaluating with Excel's semantics."""

from __future__ import annotations

import numpy as np
import pytest

from modelgen.formulas.addresses import col_index, col_letter, sheet_prefix
from modelgen.formulas.expressions import RenderContext
from modelgen.formulas.functions import ABS, IF, INDEX, MAX, MIN, SUM, SUMPRODUCT
from modelgen.formulas.rows import Sheet, block, span


class Ctx:
    def __init__(self, n: int) -> None:
        self.cols = np.arange(n)

    def period_values(self, row):
        return row.period_result()


@pytest.fixture
def sheets():
    a = Sheet("Inputs", "t")
    b = Sheet("Profit Impact", "t")
    x = a.add("x", values=np.array([1.0, np.nan, 3.0]), kind="input")
    y = a.add("y", values=np.array([2.0, 4.0, 0.0]), kind="input")
    k = a.add("k", const=10.0, kind="input")
    return a, b, x, y, k


def render(expr, sheet="Inputs", period=0, n=3):
    return expr.render(RenderContext(sheet, period, n))


def test_col_letters():
    assert [col_letter(i) for i in (0, 3, 4, 25, 26, 27, 701, 702)] == [
        "A",
        "D",
        "E",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_sheet_prefix_quotes_names_with_spaces():
    assert sheet_prefix("Capex") == "Capex!"
    assert sheet_prefix("Profit Impact") == "'Profit Impact'!"
    assert sheet_prefix("Bob's") == "'Bob''s'!"


def test_relative_absolute_and_constant_references(sheets):
    a, b, x, y, k = sheets
    assert render(x.cur + y.prev * k.d, period=1) == "F1+E2*$D$3"
    assert render(x.at(2), period=0) == "$G$1"
    assert render(x.cur / k.d, sheet="Profit Impact", period=2) == "Inputs!G1/Inputs!$D$3"
    other = b.add("z")
    assert render(other.cur, sheet="Inputs") == "'Profit Impact'!E1"


def test_parentheses_follow_precedence(sheets):
    _, _, x, y, k = sheets
    assert render((x.cur + y.cur) * k.d) == "(E1+E2)*$D$3"
    assert render(x.cur - (y.cur - k.d)) == "E1-(E2-$D$3)"
    assert render(x.cur / (y.cur * k.d)) == "E1/(E2*$D$3)"
    assert render(x.cur * y.cur / k.d) == "E1*E2/$D$3"
    assert render(1 - x.cur) == "1-E1"
    assert render(-(x.cur + y.cur)) == "-(E1+E2)"


def test_functions_render(sheets):
    _, _, x, y, k = sheets
    expr = IF(x.cur.is_set(), MAX(0, MIN(x.cur, y.cur)), "")
    assert render(expr) == 'IF(E1<>"",MAX(0,MIN(E1,E2)),"")'
    assert render(SUM(block([x, y]))) == "SUM(E$1:E$2)"
    assert (
        render(SUMPRODUCT(block([x, y], "const") / block([k], "const")))
        == "SUMPRODUCT($D$1:$D$2/$D$3)"
    )
    assert render(SUM(span(x))) == "SUM($E$1:$G$1)"
    assert render(ABS(x.cur)) == "ABS(E1)"


def test_blank_is_zero_in_arithmetic_and_equal_to_empty_text(sheets):
    _, _, x, y, _ = sheets
    ctx = Ctx(3)
    np.testing.assert_allclose((x.cur + y.cur).evaluate(ctx), [3.0, 4.0, 3.0])
    np.testing.assert_array_equal(x.cur.is_set().evaluate(ctx), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(x.cur.is_blank().evaluate(ctx), [0.0, 1.0, 0.0])


def test_previous_period_at_the_first_column_is_column_d(sheets):
    _, _, x, _, k = sheets
    k.values = np.array([5.0, 6.0, 7.0])
    np.testing.assert_allclose(k.prev.evaluate(Ctx(3)), [10.0, 5.0, 6.0])
    np.testing.assert_allclose(x.prev.evaluate(Ctx(3))[1:], [1.0, np.nan])


def test_if_min_max_sum_evaluate_like_excel(sheets):
    _, _, x, y, k = sheets
    ctx = Ctx(3)
    out = IF(y.cur.eq(0), "", x.cur / y.cur).evaluate(ctx)
    assert out[0] == 0.5 and out[1] == 0.0 and np.isnan(out[2])  # "" where y is 0
    # MIN ignores a reference to an empty cell, as Excel does
    np.testing.assert_allclose(MAX(0, MIN(x.cur, y.cur)).evaluate(ctx), [1.0, 4.0, 0.0])
    np.testing.assert_allclose(SUM(block([x, y])).evaluate(ctx), [3.0, 4.0, 3.0])
    np.testing.assert_allclose(SUM(span(y)).evaluate(ctx), [6.0, 6.0, 6.0])
    sp = SUMPRODUCT(block([x, y], "const")).evaluate(ctx)
    assert sp.shape == (3,)


def test_index_picks_by_position(sheets):
    a, _, _, _, _ = sheets
    rows = [a.add(f"v{i}", const=float(i * 10), kind="input") for i in range(3)]
    pos = a.add("pos", values=np.array([3.0, 1.0, 2.0]), kind="input")
    np.testing.assert_allclose(
        INDEX(block(rows, "const"), pos.cur).evaluate(Ctx(3)), [20.0, 0.0, 10.0]
    )
    assert render(INDEX(block(rows, "const"), pos.cur)) == "INDEX($D$4:$D$6,E7)"


def test_ranges_must_be_contiguous(sheets):
    a, _, x, _, k = sheets
    with pytest.raises(ValueError, match="not contiguous"):
        block([x, k])


def test_python_bools_are_refused(sheets):
    _, _, x, _, _ = sheets
    with pytest.raises(TypeError):
        IF(x.cur > 0, True, False)


def test_sumifs_sums_where_every_criterion_matches(sheets):
    from modelgen.formulas.functions import SUMIFS

    a, _, x, y, _ = sheets
    year = a.add("year", values=np.array([2024.0, 2024.0, 2025.0]), kind="input")
    flag = a.add("flag", values=np.array([1.0, 0.0, 1.0]), kind="input")
    expr = SUMIFS(span(y), span(year), year.cur)
    assert render(expr) == "SUMIFS($E$2:$G$2,$E$4:$G$4,E4)"
    np.testing.assert_allclose(expr.evaluate(Ctx(3)), [6.0, 6.0, 0.0])
    both = SUMIFS(span(y), span(year), year.cur, span(flag), 1)
    np.testing.assert_allclose(both.evaluate(Ctx(3)), [2.0, 2.0, 0.0])


def test_col_index_inverts_col_letter():
    assert [col_index(col_letter(i)) for i in range(0, 20_000, 7)] == list(range(0, 20_000, 7))
    assert (col_index("A"), col_index("z"), col_index("AA"), col_index("XFD")) == (0, 25, 26, 16383)
