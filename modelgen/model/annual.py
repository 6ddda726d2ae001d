"""The Annual sheet: fiscal-year roll-ups and calendar years, so that companies with
different fiscal years compare on one basis, as the article does.

Its columns are years. Fiscal years sum the model's periods with `SUMIFS` over the
`fiscal_year` timeline row. Calendar years are exact from quarters (those ending in the
year); from fiscal years alone they are the standard approximation, the two fiscal years
that overlap the calendar year weighted by their months in it, and marked as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr, Ref
from modelgen.formulas.functions import AND, IF, MIN, SUM, SUMIFS, SUMPRODUCT, ratio
from modelgen.formulas.rows import Row, block, span
from modelgen.inputs.timeline import Period, quarter_end_calendar_year
from modelgen.keys import TOTAL, RowKey, row_key
from modelgen.rowspec import flows
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model

# (key prefix on the Annual sheet, sheet of the period rows)
FLOWS = flows()  # (kind, sheet) rolled up into years, as declared in modelgen.rowspec


def build(model: Model) -> None:
    inp = model.sheets[SheetName.INPUTS]
    years = model.timeline.fiscal_years
    sheet = model.new_sheet(SheetName.ANNUAL, [str(y) for y in years])
    tickers, lbl = model.inputs.tickers, model.label
    fy = inp["fiscal_year"]
    year = sheet.add("year", lbl("year"), const_formula=MIN(span(fy)) - 1)
    year.formula = year.prev + 1

    sheet.blank()
    sheet.header("Fiscal years: the sum of each year's periods")
    rolled: dict[tuple[str, str], Row] = {}
    for kind, source in FLOWS:
        src = model.sheets[source]
        for t in [*tickers, TOTAL]:
            label = lbl(f"{kind}_fy", t) if t != TOTAL else lbl(f"{kind}_fy_total")
            rolled[(kind, t)] = sheet.add(
                row_key(kind, basis="FY", ticker=t),
                label,
                formula=SUMIFS(span(src[row_key(kind, ticker=t)]), span(fy), year.cur),
            )
    for t in [*tickers, TOTAL]:
        cap = rolled[("capex", t)]
        sheet.add(
            row_key("capex_yoy", basis="FY", ticker=t),
            lbl("capex_yoy_fy", t) if t != TOTAL else lbl("capex_yoy_fy_total"),
            formula=IF(cap.prev > 0, cap.cur / cap.prev - 1, ""),
        )
    for t in [*tickers, TOTAL]:
        sheet.add(
            row_key("depreciation_pct_net_income", basis="FY", ticker=t),
            lbl("depreciation_pct_net_income_fy", t)
            if t != TOTAL
            else lbl("depreciation_pct_net_income_fy_total"),
            formula=ratio(
                rolled[("depreciation_and_amortization", t)].cur, rolled[("net_income", t)].cur
            ),
        )
    profit = model.sheets[SheetName.PROFIT]
    for t in tickers:  # empty, as on Profit Impact, for a company without shares
        impact, shares = (
            profit[row_key("eps_impact_incremental_da", ticker=t)],
            profit[row_key("diluted_shares", ticker=t)],
        )
        sheet.add(
            row_key("eps_impact_incremental_da", basis="FY", ticker=t),
            lbl("eps_impact_incremental_da_fy", t),
            formula=IF(
                SUMIFS(span(shares), span(fy), year.cur) > 0,
                SUMIFS(span(impact), span(fy), year.cur),
                "",
            ),
        )
    in_year = SUMPRODUCT((span(fy).eq(year.cur)) * 1)
    for t in tickers:
        actual = inp[row_key("capex_actual", ticker=t)]
        reported = SUMPRODUCT((span(fy).eq(year.cur)) * span(actual).is_set())
        sheet.add(
            row_key("forecast_periods", basis="FY", ticker=t),
            lbl("forecast_periods_fy", t),
            formula=in_year - reported,
        )

    sheet.blank()
    sheet.header("Calendar years (January to December)")
    if model.per_year > 1:
        _calendar_from_quarters(model, sheet, year)
    else:
        _calendar_from_years(model, sheet, rolled)
    _article_measure(model, sheet)


def _article_measure(model: Model, sheet) -> None:
    """The article's table, in its calendar years: calendar capex / its 5-year average life
    (`run_rate_factor` on Profit Impact) against calendar net income; empty where a calendar
    year cannot be computed."""
    profit = model.sheets[SheetName.PROFIT]
    tickers, lbl = model.inputs.tickers, model.label
    sheet.blank()
    sheet.header(
        "The article's measure in calendar years: run-rate depreciation (capex / 5) over net income"
    )
    rr = {}
    for t in tickers:
        capex = sheet[row_key("capex", basis="CY", ticker=t)].cur
        rr[t] = sheet.add(
            row_key("run_rate_depreciation", basis="CY", ticker=t),
            lbl("run_rate_depreciation_cy", t),
            formula=IF(capex.is_set(), capex * profit[row_key("run_rate_factor", ticker=t)].d, ""),
        )
    for t in tickers:
        ni = sheet[row_key("net_income", basis="CY", ticker=t)].cur
        sheet.add(
            row_key("run_rate_depreciation_pct_net_income", basis="CY", ticker=t),
            lbl("run_rate_depreciation_pct_net_income_cy", t),
            formula=IF(AND(rr[t].cur.is_set(), ni.is_set()), ratio(rr[t].cur, ni), ""),
        )


def _calendar_from_quarters(model: Model, sheet, year: Row) -> None:
    """Exact: the quarters whose last month falls in the year; empty where one is missing."""
    inp, cap = model.sheets[SheetName.INPUTS], model.sheets[SheetName.CAPEX]
    tickers, lbl = model.inputs.tickers, model.label
    fy, fq = inp["fiscal_year"], inp["fiscal_quarter"]
    cap.blank()
    cap.header("Calendar year in which each quarter ends", level=1)
    cal = {}
    for t in tickers:
        month = inp[row_key("fiscal_year_end_month", ticker=t)].d
        cal[t] = cap.add(
            row_key("calendar_year", ticker=t),
            lbl("calendar_year", t),
            level=1,
            formula=fy.cur - IF(month - 3 * (4 - fq.cur) <= 0, 1, 0),
        )
    count = {
        t: sheet.add(
            row_key("quarters_in_year", basis="CY", ticker=t),
            lbl("quarters_in_year_cy", t),
            formula=SUMPRODUCT((span(cal[t]).eq(year.cur)) * 1),
        )
        for t in tickers
    }
    for kind, source in FLOWS:
        src = model.sheets[source]
        rows = [
            sheet.add(
                row_key(kind, basis="CY", ticker=t),
                lbl(f"{kind}_cy", t),
                formula=IF(
                    count[t].cur.eq(4),
                    SUMIFS(span(src[row_key(kind, ticker=t)]), span(cal[t]), year.cur),
                    "",
                ),
            )
            for t in tickers
        ]
        sheet.add(
            row_key(kind, basis="CY", ticker=TOTAL),
            lbl(f"{kind}_cy_total"),
            formula=IF(MIN(block(list(count.values()))).eq(4), SUM(block(rows)), ""),
        )


def _calendar_from_years(model: Model, sheet, rolled: dict[tuple[str, str], Row]) -> None:
    """Months-weighted fiscal years; exact from reported quarters where all are there."""
    inp = model.sheets[SheetName.INPUTS]
    tickers, lbl = model.inputs.tickers, model.label
    basis = {}
    for kind, _ in FLOWS:
        rows, weighted = [], {}
        for t in tickers:
            month = inp[row_key("fiscal_year_end_month", ticker=t)].d
            fyr = rolled[(kind, t)]
            approx = IF(
                month.eq(12),
                fyr.cur,
                IF(fyr.next.is_set(), month / 12 * fyr.cur + (1 - month / 12) * fyr.next, ""),
            )
            if _exact_from_detail(model, kind, t) is None:
                weighted[t] = approx
            else:  # a row of its own: the exact sum takes its place where quarters are reported
                weighted[t] = sheet.add(
                    row_key(f"{kind}_weighted", basis="CY", ticker=t),
                    lbl(f"{kind}_cy_weighted", t),
                    level=1,
                    formula=approx,
                ).cur
                weighted[t] = IF(weighted[t].is_set(), weighted[t], "")  # "" shows as ""
        for t in tickers:
            approx = weighted[t]
            exact = _exact_from_detail(model, kind, t)
            if exact is not None:
                terms, complete = exact
                formula = IF(complete, terms, approx)
                if kind == "capex":
                    basis[t] = IF(complete, 1, 0)
            else:
                formula = approx
            rows.append(
                sheet.add(
                    row_key(kind, basis="CY", ticker=t),
                    lbl(f"{kind}_cy_approx", t),
                    formula=formula,
                )
            )
        gaps = SUMPRODUCT(block(rows).is_blank() * 1)  # a company's year not computable
        total = sheet.add(row_key(kind, basis="CY", ticker=TOTAL), lbl(f"{kind}_cy_total"))
        total.formula = IF(gaps > 0, "", SUM(block(rows)))
    for t in tickers:
        flag = basis.get(t)
        if flag is not None:
            sheet.add(
                row_key("capex_exact", basis="CY", ticker=t),
                lbl("capex_exact_cy", t),
                formula=flag,
            )


def _exact_from_detail(model: Model, kind: str, ticker: str) -> tuple[Expr, Expr] | None:
    """Sum of reported quarters ending in the calendar year (this fiscal year's or the next's)."""
    inp = model.sheets[SheetName.INPUTS]
    quarters = [RowKey(f"{kind}_actual", ticker=ticker, index=(f"Q{q}",)) for q in range(1, 5)]
    if not all(q.is_declared(SheetName.INPUTS) for q in quarters):
        return None  # no quarters are recorded for this figure
    keys = [str(q) for q in quarters]
    if not all(k in inp.by_key for k in keys):
        return None
    month = model.inputs.company(ticker).fiscal_year_end_month
    cells = []
    for q, k in enumerate(keys, start=1):
        # a quarter ending in the fiscal year's own calendar year counts there, else the year before
        same = quarter_end_calendar_year(Period(2000, q), month) == 2000
        cells.append(inp[k].cur if same else Ref(inp[k], "rel", 1))
    total = cells[0] + cells[1] + cells[2] + cells[3]
    return total, AND(*(c.is_set() for c in cells))
