"""Native Excel charts on the Charts sheet, drawn from the model's cells so they stay live.

Four charts, each in its band of the Charts sheet (`modelgen.model.charts_sheet`):

- capex by company, stacked columns: each company's reported capex solid, its guided or
  forecast capex hatched in the same colour (two series per company, from Charts rows that
  split capex by the `capex_reported` flag, so an actual typed into Inputs turns solid);
- capex growth year on year by company (lines, from the Growth sheet) with the peak-cycle
  line (a series of the threshold on the Charts sheet);
- depreciation as a share of net income by company (lines, from Profit Impact);
- the chosen company's depreciation by vintage year, stacked (from the Charts rows that
  pick the company's vintages from the Depreciation grid); its title is the chosen ticker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.addresses import CONST_COL, FIRST_PERIOD_COL, absolute, area, ref
from modelgen.keys import RowKey, kind_of, row_key
from modelgen.model import charts_sheet
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from modelgen.formulas.rows import Row
    from modelgen.model import Model

PALETTE = (
    "#1F4E79",
    "#C55A11",
    "#548235",
    "#7030A0",
    "#BF9000",
    "#2E75B6",
    "#843C0C",
    "#375623",
    "#C00000",
    "#7F7F7F",
)
WIDTH, HEIGHT = 760, 310  # pixels: a band of the Charts sheet is 16 rows of 20 px
ANCHOR_COL = 1  # column B: the charts sit left, under their headers


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def span_ref(row: Row, first: int = 0) -> str:
    """`=Growth!$F$9:$K$9`: the row's period cells from period index `first`."""
    a = absolute(FIRST_PERIOD_COL + first, row.number)
    b = absolute(FIRST_PERIOD_COL + row.width - 1, row.number)
    return "=" + ref(row.sheet, area(a, b))


def series_name(model: Model, ticker: str) -> str:
    """The company's name for a legend; its ticker if the name holds a `!`: xlsxwriter takes
    any series name like `x!A1` (with or without `=`) for a cell reference, and a name from
    a CSV must stay text."""
    name = model.company_name(ticker)
    return ticker if "!" in name else name


def _blues(n: int) -> list[str]:
    """`n` blues from pale (oldest vintage) to dark (newest)."""
    light, dark = (0xBD, 0xD7, 0xEE), (0x1F, 0x38, 0x64)
    out = []
    for i in range(n):
        f = i / max(n - 1, 1)
        rgb = (round(lo + (hi - lo) * f) for lo, hi in zip(light, dark, strict=True))
        out.append("#" + "".join(f"{c:02X}" for c in rgb))
    return out


def add_charts(wb: Workbook, ws: Worksheet, model: Model) -> int:
    """Draw the charts on the Charts worksheet `ws`; return the last column they cover."""
    sheet = model.sheets[charts_sheet.SHEET]
    tickers = charts_sheet.charted(model)
    names = {t: series_name(model, t) for t in tickers}
    more = len(model.inputs.tickers) - len(tickers)
    note = f" (the first {len(tickers)} of {len(model.inputs.tickers)} companies)" if more else ""
    cats = sheet["period"]
    amount = model.template.number_format("amount")
    pct = model.template.number_format("pct")

    capex = _chart(wb, "column", "stacked", f"Capex by company ({model.unit}){note}", amount)
    for i, t in enumerate(tickers):
        for kind, fill in (
            ("chart_capex_actual", {"fill": {"color": colour(i)}}),
            (
                "chart_capex_forecast",
                {
                    "pattern": {
                        "pattern": "wide_upward_diagonal",
                        "fg_color": colour(i),
                        "bg_color": "#FFFFFF",
                    }
                },
            ),
        ):
            suffix = "" if kind == "chart_capex_actual" else " (guided, forecast)"
            capex.add_series(
                {
                    "name": names[t] + suffix,
                    "categories": span_ref(cats),
                    "values": span_ref(sheet[row_key(kind, ticker=t)]),
                    "border": {"color": colour(i)},
                    "gap": 60,
                    **fill,
                }
            )
    _place(ws, model, "capex", capex)

    start = model.per_year  # the first period with a year-earlier figure to grow from
    if model.n_periods > start:
        growth = _chart(wb, "line", None, "Capex growth year on year" + note, pct)
        grow = model.sheets[SheetName.GROWTH]
        for i, t in enumerate(tickers):
            growth.add_series(
                _line(
                    names[t],
                    span_ref(cats, start),
                    span_ref(grow[row_key("capex_yoy", ticker=t)], start),
                    colour(i),
                )
            )
        peak = _line(
            "Peak-cycle growth",
            span_ref(cats, start),
            span_ref(sheet["peak_growth_line"], start),
            "#C00000",
        )
        peak["line"]["dash_type"] = "dash"
        growth.add_series(peak)
        _place(ws, model, "growth", growth)

    share = _chart(wb, "line", None, "D&A as a share of net income" + note, pct)
    profit = model.sheets[SheetName.PROFIT]
    for i, t in enumerate(tickers):
        share.add_series(
            _line(
                names[t],
                span_ref(cats),
                span_ref(profit[row_key("depreciation_pct_net_income", ticker=t)]),
                colour(i),
            )
        )
    _place(ws, model, "depreciation_share", share)

    bridge = _chart(
        wb, "column", "stacked", f"Earnings before D&A, all companies ({model.unit})", amount
    )
    for key, name, color in (
        ("net_income:TOTAL", "Net income", "#1F3864"),
        ("after_tax_depreciation:TOTAL", "D&A after tax", "#C00000"),
    ):
        bridge.add_series(
            {
                "name": name,
                "categories": span_ref(cats),
                "values": span_ref(profit[key]),
                "fill": {"color": color},
                "border": {"color": color},
                "gap": 60,
            }
        )
    _place(ws, model, "bridge", bridge)

    vintages = [r for r in sheet.rows if r.key and kind_of(r.key) == "chart_vintage"]
    if vintages:
        title_cell = "=" + ref(sheet.name, absolute(CONST_COL, sheet["chart_company"].number))
        fall = _chart(wb, "column", "stacked", title_cell, amount)
        for row, fill in zip(vintages, _blues(len(vintages)), strict=True):
            fall.add_series(
                {
                    "name": _series_name(RowKey.parse(str(row.key)).index[0]),
                    "categories": span_ref(cats),
                    "values": span_ref(row),
                    "fill": {"color": fill},
                    "border": {"color": "#FFFFFF", "width": 0.5},
                    "gap": 40,
                }
            )
        _place(ws, model, "waterfall", fall)
    return _last_column(model)


def _series_name(vintage: str) -> str:
    """`Vintage 2024`, or `Opening base` for the assets owned when the timeline starts."""
    return "Opening base" if vintage == "opening" else f"Vintage {vintage}"


def _chart(wb: Workbook, kind: str, subtype: str | None, title: str, num_format: str):  # noqa: ANN202
    spec = {"type": kind} | ({"subtype": subtype} if subtype else {})
    chart = wb.add_chart(spec)
    chart.set_title({"name": title, "name_font": {"size": 12, "bold": True}})
    chart.set_y_axis(
        {
            "num_format": num_format,
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    chart.set_x_axis({"num_font": {"rotation": 0}})
    chart.set_legend({"position": "right"})
    chart.set_size({"width": WIDTH, "height": HEIGHT})
    chart.show_blanks_as("gap")
    return chart


def _line(name: str, categories: str, values: str, color: str) -> dict:
    return {
        "name": name,
        "categories": categories,
        "values": values,
        "line": {"color": color, "width": 2.25},
        "marker": {
            "type": "circle",
            "size": 5,
            "fill": {"color": color},
            "border": {"color": color},
        },
    }


def _place(ws: Worksheet, model: Model, chart: str, obj) -> None:  # noqa: ANN001
    header = charts_sheet.band_row(model, chart)
    ws.insert_chart(
        header.number, ANCHOR_COL, obj, {"x_offset": 4, "y_offset": 4, "object_position": 1}
    )


def _last_column(model: Model) -> int:
    """The zero-based column in which the charts end (from the template's widths)."""
    w = model.template.widths
    widths = [w.get("label", 46), w.get("unit", 9), w.get("constant", 11)]
    px, col = 4 + WIDTH, ANCHOR_COL
    for width in widths + [w.get("period", 10)] * 200:
        px -= int(width * 7 + 5)
        if px <= 0:
            return col
        col += 1
    return col
