"""Growth: capex year on year and each company's share of the total."""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import IF

if TYPE_CHECKING:
    from modelgen.model import Model
    from modelgen.rows import Row


def yoy(row: Row):
    """`this / previous - 1`, empty where there is no previous figure to grow from."""
    return IF(row.prev > 0, row.cur / row.prev - 1, "")


def build(model: Model) -> None:
    cap = model.sheets["Capex"]
    sheet = model.new_sheet("Growth")
    tickers, lbl = model.inputs.tickers, model.label
    sheet.header("Capex growth year on year")
    for t in tickers:
        sheet.add(
            f"capex_yoy:{t}", lbl("capex_yoy", t), "%", fmt="pct", formula=yoy(cap[f"capex:{t}"])
        )
    sheet.add(
        "capex_yoy:TOTAL", lbl("capex_yoy_total"), "%", fmt="pct", formula=yoy(cap["capex:TOTAL"])
    )
    sheet.blank()
    sheet.header("Share of total capex")
    total = cap["capex:TOTAL"].cur
    for t in tickers:
        sheet.add(
            f"capex_share:{t}",
            lbl("capex_share", t),
            "%",
            fmt="pct",
            formula=IF(total > 0, cap[f"capex:{t}"].cur / total, ""),
        )
