"""A row's formula rendered once for all columns equals rendering each column."""

from __future__ import annotations

import dataclasses

import pytest

from modelgen.formulas.addresses import col_letter
from modelgen.formulas.expressions import RenderContext, Text
from modelgen.formulas.fill_right import _SENTINEL, column_texts
from modelgen.formulas.functions import IF, SUM
from modelgen.formulas.rows import Sheet, block, span
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import build_model


def _each(formula, sheet: str, n: int) -> list[str]:
    return [formula.render(RenderContext(sheet, i, n)) for i in range(n)]


@pytest.mark.parametrize("view", ["grid", "closed_form"])
@pytest.mark.parametrize("which", ["shipped_inputs", "varied_inputs", "quarterly_inputs"])
def test_every_row_of_a_model(which, view, request):
    inputs = load_inputs(request.getfixturevalue(which))
    inputs.settings = dataclasses.replace(inputs.settings, depreciation_view=view)
    model = build_model(inputs, load_template())
    rows = [r for r in model.all_rows() if r.formula is not None]
    assert len(rows) > 100
    for row in rows:
        assert column_texts(row.formula, row.sheet, row.width) == _each(
            row.formula, row.sheet, row.width
        ), row.key


def test_references_across_sheets_offsets_and_ranges():
    a, b = Sheet("Profit Impact", "t", width=40), Sheet("Calc", "t", width=40)
    x, y, z = (a.add(k) for k in ("x", "y", "z"))
    w = b.add("w")
    w.formula = IF(x.prev > 0, y.cur / x.prev - 1, SUM(block([x, y, z]))) + SUM(span(z)) + w.prev
    texts = column_texts(w.formula, "Calc", 40)
    assert texts == _each(w.formula, "Calc", 40)
    assert texts[0].startswith("IF('Profit Impact'!D1>0,'Profit Impact'!E2/'Profit Impact'!D1-1")
    assert texts[39].endswith("+AQ1")  # w.prev in the 40th period column (AR)


def test_text_that_looks_like_a_reference_falls_back_to_rendering_each_column():
    s = Sheet("S", "t", width=5)
    x = s.add("x")
    near = col_letter(_SENTINEL + 4 + 2)  # what a reference two columns right would read
    y = s.add("y", formula=IF(x.cur.eq(Text(f"{near}7")), x.prev, 0))
    assert column_texts(y.formula, "S", 5) == _each(y.formula, "S", 5)
    assert f'"{near}7"' in column_texts(y.formula, "S", 5)[3]
