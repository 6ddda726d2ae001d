"""Depreciation: straight line by vintage and asset class, one formula for the whole grid.

The charge of vintage `v` (share `s`, life `L`) in period `[t, t_end)` is
`capex_v * s / L * MAX(0, MIN(t_end, v + o + L) - MAX(t, v + o))`, where `o` is when the
asset enters service (the convention). Fractional lives and every convention fall out of
the overlap of two intervals; `v` and `t` come from the timeline rows.

The grid is quadratic in periods: it is the transparent view of small models. Large ones
(setting `depreciation_view`, `auto` by size) compute each class's charge per period in
closed form instead (`modelgen.model.closed_form`), proven equal to the grid in the tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import IF, MAX, MIN, OR, SUM
from modelgen.model.closed_form import add_class_rows, depreciation_view
from modelgen.rows import Row, Sheet, block, span

if TYPE_CHECKING:
    from modelgen.model import Model


def build(model: Model) -> None:
    inp = model.sheets["Inputs"]
    sheet = model.new_sheet("Depreciation")
    lbl = model.label
    start, length = inp["period_start"], inp["period_length"].d
    conv = inp["depreciation_convention"].d

    sheet.header("Timeline")
    end = sheet.add(
        "period_end", lbl("period_end"), "year", fmt="years", formula=start.cur + length
    )
    number = sheet.add("period_number", lbl("period_number"), "count", fmt="count")
    number.formula = number.prev + 1
    sheet.add(
        "service_offset",
        lbl("service_offset"),
        "years",
        fmt="years",
        const_formula=IF(
            OR(conv.eq("half_year"), conv.eq("mid_period")),
            0.5,
            IF(OR(conv.eq("next_year"), conv.eq("next_period")), 1, 0),
        )
        * length,
    )
    sheet.add(
        "timeline_end", lbl("timeline_end"), "year", fmt="years", const_formula=MAX(span(end))
    )

    if depreciation_view(model) == "grid":
        class_rows = _grid(model, sheet)
    else:
        class_rows = add_class_rows(model, sheet)
    by_class: dict[str, list] = {}
    for (t, _), row in class_rows.items():
        by_class.setdefault(t, []).append(row)
    _totals(model, sheet, by_class)


def _grid(model: Model, sheet: Sheet) -> dict[tuple[str, str], Row]:
    """The transparent view: one row per vintage, summed by asset class."""
    inp, cap = model.sheets["Inputs"], model.sheets["Capex"]
    tickers, lbl, unit = model.inputs.tickers, model.label, model.unit
    start, end, offset = inp["period_start"], sheet["period_end"], sheet["service_offset"]
    sheet.blank()
    sheet.header("Vintage grid: the charge of each period's capex (rows) in each period (columns)")
    grid: dict[tuple[str, str], list] = {}
    for t in tickers:
        capex = cap[f"capex:{t}"]
        for a in model.inputs.asset_classes[t]:
            share, life = inp[f"share:{t}:{a.name}"].d, inp[f"useful_life:{t}:{a.name}"].d
            rows = []
            for i, v_label in enumerate(model.periods):
                v = start.at(i) + offset.d
                row = sheet.add(
                    f"depreciation_vintage:{t}:{a.name}:{v_label}",
                    lbl("depreciation_vintage", t, asset_class=a.name, vintage=v_label),
                    unit,
                    fmt="amount",
                    level=1,
                    formula=capex.at(i)
                    * share
                    / life
                    * MAX(0, MIN(end.cur, v + life) - MAX(start.cur, v)),
                )
                row.const_formula = SUM(span(row))
                rows.append(row)
            grid[(t, a.name)] = rows

    sheet.blank()
    sheet.header("Depreciation by asset class")
    return {
        (t, a.name): sheet.add(
            f"depreciation_class:{t}:{a.name}",
            lbl("depreciation_class", t, asset_class=a.name),
            unit,
            fmt="amount",
            formula=SUM(block(grid[(t, a.name)])),
        )
        for t in tickers
        for a in model.inputs.asset_classes[t]
    }


def _totals(model: Model, sheet: Sheet, by_class: dict[str, list[Row]]) -> None:
    """Depreciation by company and in total; accumulated depreciation, net book value."""
    cap, tickers, lbl, unit = model.sheets["Capex"], model.inputs.tickers, model.label, model.unit
    sheet.blank()
    sheet.header("Depreciation")
    dep = {
        t: sheet.add(
            f"depreciation:{t}",
            lbl("depreciation", t),
            unit,
            fmt="amount",
            formula=SUM(block(by_class[t])),
        )
        for t in tickers
    }
    sheet.add(
        "depreciation:TOTAL",
        lbl("depreciation_total"),
        unit,
        fmt="amount",
        formula=SUM(block(list(dep.values()))),
    )

    sheet.blank()
    sheet.header("Accumulated depreciation and net book value")
    for t in tickers:
        cum = sheet.add(f"cumulative_capex:{t}", lbl("cumulative_capex", t), unit, fmt="amount")
        cum.formula = cum.prev + cap[f"capex:{t}"].cur
        acc = sheet.add(
            f"accumulated_depreciation:{t}", lbl("accumulated_depreciation", t), unit, fmt="amount"
        )
        acc.formula = acc.prev + dep[t].cur
        sheet.add(
            f"net_book_value:{t}",
            lbl("net_book_value", t),
            unit,
            fmt="amount",
            formula=cum.cur - acc.cur,
        )
