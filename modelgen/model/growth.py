"""Growth: capex year on year and each company's share of the total."""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.functions import IF
from modelgen.keys import TOTAL, row_key
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.formulas.rows import Row
    from modelgen.model import Model


def change(row: Row, earlier):
    """`this / earlier - 1`, empty where there is no earlier figure to grow from."""
    return IF(earlier > 0, row.cur / earlier - 1, "")


def build(model: Model) -> None:
    cap = model.sheets[SheetName.CAPEX]
    sheet = model.new_sheet(SheetName.GROWTH)
    tickers, lbl = model.inputs.tickers, model.label
    quarterly = model.per_year > 1
    sheet.header(
        "Capex growth year on year" + (" (on the same quarter a year earlier)" if quarterly else "")
    )
    for t in [*tickers, TOTAL]:
        row = cap[row_key("capex", ticker=t)]
        label = lbl("capex_yoy_total") if t == TOTAL else lbl("capex_yoy", t)
        sheet.add(
            row_key("capex_yoy", ticker=t),
            label,
            formula=change(row, model.year_ago(row)),
        )
    if quarterly:
        sheet.blank()
        sheet.header("Capex growth quarter on quarter")
        for t in [*tickers, TOTAL]:
            row = cap[row_key("capex", ticker=t)]
            label = lbl("capex_qoq_total") if t == TOTAL else lbl("capex_qoq", t)
            sheet.add(row_key("capex_qoq", ticker=t), label, formula=change(row, row.prev))
    sheet.blank()
    sheet.header("Share of total capex")
    total = cap["capex:TOTAL"].cur
    for t in tickers:
        sheet.add(
            row_key("capex_share", ticker=t),
            lbl("capex_share", t),
            formula=IF(total > 0, cap[row_key("capex", ticker=t)].cur / total, ""),
        )
