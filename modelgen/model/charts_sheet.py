"""The Charts sheet: two presentation inputs, room for the charts, and the rows they read.

It follows the workbook contract (key, label, unit, D, periods). Its inputs change no number
of the model: the company whose depreciation the vintage chart stacks, and the peak-cycle
growth line (the article's 30%), which the Growth sheet's highlight also uses. Its rows:

- `capex_reported:T`: 1 where Inputs has the company's capex actual; `forecast_period` is 1
  where any company is not yet reported, and the forecast shading of every calculation
  sheet follows it (so it follows an actual typed into Inputs);
- `chart_capex_actual:T` and `chart_capex_forecast:T`: capex split by that flag, so that the
  stacked capex chart tells actual from forecast live;
- `peak_growth_line`: the threshold in every period, a constant series for the growth chart;
- `chart_vintage_company:Y:T`: each company's depreciation by vintage year, summed over asset
  classes (and quarters) from the Depreciation sheet's vintage grid; `chart_pick:T` (D: 1 for
  the chosen company) and `chart_vintage:Y`: the chosen company's, so the waterfall chart
  follows the choice live.

The charts themselves are drawn by `modelgen.xlsx.charts` in the blank bands below the inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr, Num
from modelgen.formulas.functions import IF, MIN, SUM, SUMPRODUCT, plus
from modelgen.formulas.rows import Row, Sheet, block
from modelgen.keys import row_key
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model

SHEET = SheetName.CHARTS
TITLE = "Charts: capex, growth, depreciation and profit impact at a glance"
PEAK_GROWTH = 0.30  # the article's peak-cycle growth
BAND_ROWS = 16  # rows a chart covers, below its header
MAX_CHARTED = 12  # companies drawn by company: more is no longer readable (Excel: 255 series)
MAX_FORMULA, TERM_CHARS = 8000, 48  # Excel's formula length (8,192), a term's length at most
CHARTS = ("capex", "growth", "depreciation_share", "bridge", "waterfall")
LABELS = {
    "chart_company": "Company in the vintage chart (a ticker)",
    "peak_growth_threshold": "Peak-cycle growth line (the article's 30%)",
    "band_capex": "Capex by company (solid: reported; hatched: guidance and forecast)",
    "band_growth": "Capex growth year on year, with the peak-cycle line",
    "band_depreciation_share": "D&A as a share of net income",
    "band_bridge": "Earnings before D&A: what D&A after tax takes, and the net income left",
    "band_waterfall": "Depreciation by vintage year, for the company chosen above",
    "band_waterfall_none": "Depreciation by vintage: needs the vintage grid (depreciation_view grid)",
    "capex_reported": "{name}: 1 if capex is reported",
    "forecast_period": "1 if a company is not yet reported (shaded)",
    "chart_capex_actual": "{name}: capex reported",
    "chart_capex_forecast": "{name}: capex guided or forecast",
    "peak_growth_line": "Peak-cycle growth line",
    "chart_pick": "{name}: 1 if chosen for the vintage chart",
    "chart_vintage": "Chosen company: depreciation of vintage {vintage}",
    "chart_vintage_company": "{name}: depreciation of vintage {vintage}",
    "chart_vintage_opening": "Chosen company: depreciation of the opening base",
    "chart_depreciation": "Chosen company: depreciation",
}


def label(model: Model, kind: str, ticker: str = "", **fields: str) -> str:
    """The template's label for `kind` if it has one, else this module's."""
    if kind in model.template.labels:
        return model.label(kind, ticker, **fields)
    name = model.company_name(ticker) if ticker else ""
    return LABELS[kind].format(name=name, ticker=ticker, **fields)


def build(model: Model) -> None:
    """Add the Charts sheet (after the calculation sheets, before Checks)."""
    inp, cap = model.sheets[SheetName.INPUTS], model.sheets[SheetName.CAPEX]
    tickers = model.inputs.tickers
    sheet = model.new_sheet(SHEET)
    if SHEET not in model.template.titles:
        sheet.title = sheet.rows[0].label = TITLE
    sheet.blank()
    sheet.header("Chart settings (presentation only: no number of the model depends on them)")
    company = sheet.add(
        "chart_company",
        label(model, "chart_company"),
        kind="input",
        const=tickers[0],
    )
    sheet.add(
        "peak_growth_threshold",
        label(model, "peak_growth_threshold"),
        kind="input",
        const=PEAK_GROWTH,
    )
    vintages = _vintage_rows(model)
    for chart in CHARTS:
        sheet.blank()
        band = "waterfall_none" if chart == "waterfall" and not vintages else chart
        sheet.header(label(model, f"band_{band}"))
        for _ in range(BAND_ROWS):
            sheet.blank()

    sheet.blank()
    sheet.header("Chart data: formulas the charts read")
    reported = {
        t: sheet.add(
            row_key("capex_reported", ticker=t),
            label(model, "capex_reported", t),
            formula=IF(inp[row_key("capex_actual", ticker=t)].cur.is_set(), 1, 0),
        )
        for t in tickers
    }
    sheet.add(
        "forecast_period",
        label(model, "forecast_period"),
        formula=1 - MIN(block(list(reported.values()))),
    )
    actual = {}
    for t in charted(model):
        capex = cap[row_key("capex", ticker=t)].cur
        actual[t] = sheet.add(
            row_key("chart_capex_actual", ticker=t),
            label(model, "chart_capex_actual", t),
            formula=capex * reported[t].cur,
        )
    for t in charted(model):
        sheet.add(
            row_key("chart_capex_forecast", ticker=t),
            label(model, "chart_capex_forecast", t),
            formula=cap[row_key("capex", ticker=t)].cur - actual[t].cur,
        )
    sheet.add(
        "peak_growth_line",
        label(model, "peak_growth_line"),
        formula=sheet["peak_growth_threshold"].d,
    )
    if vintages:
        _waterfall(model, sheet, company, vintages)


def charted(model: Model) -> list[str]:
    """The companies drawn one by one in the charts: the first MAX_CHARTED."""
    return model.inputs.tickers[:MAX_CHARTED]


def _vintage_rows(model: Model) -> dict[str, dict[str, list[Row]]]:
    """Vintage year -> ticker -> the Depreciation grid's rows of that year (all classes).

    Empty when the Depreciation sheet has no vintage grid (its closed-form view)."""
    dep = model.sheets[SheetName.DEPRECIATION]
    years: dict[str, dict[str, list[Row]]] = {}
    for t in model.inputs.tickers:
        for a in model.inputs.asset_classes[t]:
            for p in model.timeline.periods:
                row = dep.by_key.get(
                    row_key("depreciation_vintage", ticker=t, asset_class=a.name, index=(p.label,))
                )
                if row is None:
                    return {}
                years.setdefault(str(p.year), {}).setdefault(t, []).append(row)
    return years


def _choosable(model: Model, vintages: dict[str, dict[str, list[Row]]]) -> list[str]:
    """The companies the vintage chart can show: the charted ones, fewer if their terms
    would take a vintage's formula past Excel's 8,192 characters (many asset classes)."""
    chosen: list[str] = []
    terms = 0
    for t in charted(model):
        most = max(len(_runs(by.get(t, []))) for by in vintages.values())
        if chosen and (terms + most) * TERM_CHARS > MAX_FORMULA:
            break
        chosen.append(t)
        terms += most
    return chosen


def _runs(rows: list[Row]) -> list[list[Row]]:
    """Rows split into runs of consecutive row numbers (each a contiguous range)."""
    runs: list[list[Row]] = []
    for row in rows:
        if runs and runs[-1][-1].number + 1 == row.number:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _waterfall(
    model: Model, sheet: Sheet, company: Row, vintages: dict[str, dict[str, list[Row]]]
) -> None:
    inp = model.sheets[SheetName.INPUTS]
    tickers = _choosable(model, vintages)
    vintages = {y: {t: by[t] for t in tickers if t in by} for y, by in vintages.items()}
    sheet.blank()
    sheet.header("The chosen company's depreciation by vintage year (the waterfall chart)")
    pick = {}
    for t in tickers:
        listed = inp.by_key.get(
            row_key("ticker", ticker=t)
        )  # the ticker as a cell, where Inputs lists them
        target: Expr | str = listed.d if listed is not None and listed.const == t else t
        pick[t] = sheet.add(
            row_key("chart_pick", ticker=t),
            label(model, "chart_pick", t),
            const_formula=IF(company.d.eq(target), 1, 0),
        )
    dep = model.sheets[SheetName.DEPRECIATION]
    by_year = {}  # a row per company and vintage year: its classes' charges added up
    for year, by_ticker in vintages.items():
        by_year[year] = []
        for t in tickers:
            found = _runs(by_ticker.get(t, []))
            runs = [run[0].cur if len(run) == 1 else SUM(block(run)) for run in found]
            by_year[year].append(
                sheet.add(
                    row_key("chart_vintage_company", ticker=t, index=(year,)),
                    label(model, "chart_vintage_company", t, vintage=year),
                    level=1,
                    formula=plus(*runs) if runs else Num(0),
                )
            )
    picked = block([pick[t] for t in tickers], "const")
    opening = [pick[t].d * dep[row_key("depreciation_opening", ticker=t)].cur for t in tickers]
    rows = [
        sheet.add(
            "chart_vintage:opening",
            label(model, "chart_vintage_opening"),
            formula=plus(*opening),
        )
    ]
    for year, companies in by_year.items():
        rows.append(
            sheet.add(
                row_key("chart_vintage", index=(year,)),
                label(model, "chart_vintage", vintage=year),
                formula=SUMPRODUCT(picked, block(companies)),
            )
        )
    sheet.add(
        "chart_depreciation",
        label(model, "chart_depreciation"),
        formula=SUM(block(rows)),
    )


def band_row(model: Model, chart: str) -> Row:
    """The header row of `chart`'s band on the Charts sheet (the chart goes just below it)."""
    text = label(model, f"band_{chart}")
    for row in model.sheets[SHEET].rows:
        if row.kind == "header" and row.label == text:
            return row
    raise KeyError(f"no band for the {chart} chart on the {SHEET} sheet")
