"""Profit impact: from depreciation to net income and EPS, as an income statement reads.

Earnings before D&A are net income with D&A after tax added back, where net income is
actual; after it they follow revenue at the last actual margin (companies without revenue:
grown at `earnings_growth`; modelgen.model.earnings), and net income is what D&A after tax
leaves of them, so every unit of extra depreciation lowers it. Revenue and diluted shares
grow at their own rates. docs/profit-bridge.md is the contract of the rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.functions import IF, SUM, ratio
from modelgen.formulas.rows import block
from modelgen.keys import TOTAL, row_key
from modelgen.model.earnings import (
    earnings_before_da,
    follows_revenue,
    grown_earnings,
    margin_earnings,
    margin_in_use,
    margin_rows,
)
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from collections.abc import Callable

    from modelgen.formulas.expressions import Expr
    from modelgen.formulas.rows import Row
    from modelgen.model import Model


def grown(model: Model, row: Row, actual: Expr, growth: Expr) -> Expr:
    """The actual, else a year earlier grown at `growth` (the same quarter, in quarters)."""
    return IF(actual.is_set(), actual, model.year_ago(row) * (1 + growth))


def company_earnings(
    model: Model,
    ticker: str,
    row: Row,
    after_tax: Expr,
    growth: Expr,
    revenue: Expr,
    margin: Expr | None,
) -> Expr:
    """`earnings_before_da` of a company, from its net income actuals; after them by its
    rule: `revenue` x `margin` where it follows revenue, else grown at `growth`."""
    actual = model.sheets[SheetName.INPUTS][row_key("net_income_actual", ticker=ticker)].cur
    if follows_revenue(model, ticker):
        assert margin is not None, ticker
        known = model.sheets[SheetName.PROFIT][row_key("earnings_is_known", ticker=ticker)].cur
        forecast = margin_earnings(known, revenue, margin)
    else:
        forecast = grown_earnings(model, row, growth)
    return earnings_before_da(actual.is_set(), actual, after_tax, forecast)


def net_income(model: Model, ticker: str, earnings: Expr, after_tax: Expr) -> Expr:
    """The actual; else what D&A after tax leaves of earnings (0 before any earnings)."""
    actual = model.sheets[SheetName.INPUTS][row_key("net_income_actual", ticker=ticker)].cur
    known = model.sheets[SheetName.PROFIT][row_key("earnings_is_known", ticker=ticker)].cur
    return IF(actual.is_set(), actual, IF(known.eq(1), earnings - after_tax, 0))


def carried_from_actual(row: Row, is_actual: Expr, value: Expr) -> Expr:
    """`value` where capex is actual, else the last such (D&A at the last actual)."""
    return IF(is_actual, value, row.prev)


def company_tax(model: Model, ticker: str, scenario: str | None = None) -> Expr:
    """The company's tax rate: its own, else the setting (in `scenario`, the scenario's)."""
    from modelgen.model.scenario_inputs import param

    if scenario is None or model.inputs.company(ticker).tax_rate is not None:
        return model.sheets[SheetName.INPUTS][row_key("tax_rate", ticker=ticker)].d
    return param(model, "tax_rate", scenario).d


def after_tax_at(amount: Expr, tax_rate: Expr) -> Expr:
    """An expense net of the tax it saves at `tax_rate` (D&A after tax)."""
    return amount * (1 - tax_rate)


def net_of_tax(model: Model, ticker: str, amount: Expr, scenario: str | None = None) -> Expr:
    """An expense net of the tax it saves, at the company's rate (in `scenario`, its rate)."""
    return after_tax_at(amount, company_tax(model, ticker, scenario))


def build(model: Model) -> None:
    inp, cap, ppe = (model.sheets[n] for n in (SheetName.INPUTS, SheetName.CAPEX, SheetName.PPE))
    sheet = model.new_sheet(SheetName.PROFIT)
    sheet.header(model.label("profit_impact_note"))
    tickers, lbl = model.inputs.tickers, model.label
    scale = inp["per_share_scale"].d
    da = {t: ppe[row_key("depreciation_and_amortization", ticker=t)] for t in tickers}
    da[TOTAL] = ppe["depreciation_and_amortization:TOTAL"]
    capex = {t: cap[row_key("capex", ticker=t)] for t in [*tickers, TOTAL]}

    def rows(
        title: str,
        kind: str,
        formula: Callable[[str, Row], Expr],
        total: Callable[[dict[str, Row]], Expr] | None = None,
        level: int = 0,
    ) -> dict[str, Row]:
        """A block of one row per company, and its total where a total means something."""
        sheet.blank()
        sheet.header(title)
        out = {t: sheet.add(row_key(kind, ticker=t), lbl(kind, t), level=level) for t in tickers}
        for t, row in out.items():
            row.formula = formula(t, row)
        if total is not None:
            out[TOTAL] = sheet.add(
                row_key(kind, ticker=TOTAL), lbl(f"{kind}_total"), formula=total(out)
            )
        return out

    def summed(out: dict[str, Row]) -> Expr:
        return SUM(block([out[t] for t in tickers]))

    def of_totals(part: dict[str, Row], whole: dict[str, Row]) -> Callable:
        return lambda _: ratio(part[TOTAL].cur, whole[TOTAL].cur)

    revenue = rows(
        "Revenue: actual, else grown at the revenue growth",
        "revenue",
        lambda t, r: grown(
            model, r, inp[row_key("revenue_actual", ticker=t)].cur, inp["revenue_growth"].d
        ),
        summed,
    )
    after_tax = rows(
        "D&A after tax: D&A (PP&E sheet) less the tax it saves, at the company's rate",
        "after_tax_depreciation",
        lambda t, r: net_of_tax(model, t, da[t].cur),
        summed,
    )
    rows(
        "Earnings are known: an actual net income here or a year earlier (1)",
        "earnings_is_known",
        lambda t, r: IF(
            inp[row_key("net_income_actual", ticker=t)].cur.is_set(), 1, model.year_ago(r)
        ),
        level=1,
    )
    last = margin_rows(model, sheet, {t: after_tax[t].cur for t in tickers})
    margin = {}
    for t, row in last.items():
        inp[row_key("ebda_margin", ticker=t)].const_formula = margin_in_use(model, t, row)
        margin[t] = inp[row_key("ebda_margin", ticker=t)].d
    growth = inp["earnings_growth"].d
    earnings = rows(
        "Earnings before D&A: net income plus D&A after tax where actual, else revenue × margin "
        "(without revenue: grown at the earnings growth)",
        "earnings_before_da",
        lambda t, r: company_earnings(
            model, t, r, after_tax[t].cur, growth, revenue[t].cur, margin.get(t)
        ),
        summed,
    )
    ni = rows(
        "Net income: actual, else earnings before D&A less D&A after tax",
        "net_income",
        lambda t, r: net_income(model, t, earnings[t].cur, after_tax[t].cur),
        summed,
    )
    rows(
        "D&A as a share of net income",
        "depreciation_pct_net_income",
        lambda t, r: ratio(da[t].cur, ni[t].cur),
        of_totals(da, ni),
    )
    rows(
        "D&A after tax as a share of net income",
        "after_tax_depreciation_pct_net_income",
        lambda t, r: ratio(after_tax[t].cur, ni[t].cur),
        of_totals(after_tax, ni),
    )
    for kind, part, title in (
        ("capex_pct_revenue", capex, "Capex as a share of revenue"),
        ("depreciation_pct_revenue", da, "D&A as a share of revenue"),
    ):
        rows(
            title,
            kind,
            lambda t, r, part=part: ratio(part[t].cur, revenue[t].cur),
            of_totals(part, revenue),
        )
    rows(
        "Capex over D&A: how many times the year's depreciation the company spends",
        "capex_to_depreciation",
        lambda t, r: ratio(capex[t].cur, da[t].cur),
        of_totals(capex, da),
    )
    shares = rows(
        "Diluted shares: actual, else grown at the share count growth",
        "diluted_shares",
        lambda t, r: grown(
            model,
            r,
            inp[row_key("diluted_shares_actual", ticker=t)].cur,
            inp["share_count_growth"].d,
        ),
    )
    rows(
        "Earnings per share (diluted; empty without shares)",
        "eps",
        lambda t, r: IF(shares[t].cur > 0, ni[t].cur * scale / shares[t].cur, ""),
    )
    base = rows(
        "D&A of the latest period with actual capex, carried forward",
        "depreciation_at_last_actual",
        lambda t, r: carried_from_actual(
            r, inp[row_key("capex_actual", ticker=t)].cur.is_set(), da[t].cur
        ),
        level=1,
    )
    rows(
        "EPS impact of the D&A added since the last actual: what the capex cycle costs each share",
        "eps_impact_incremental_da",
        lambda t, r: IF(
            shares[t].cur > 0,
            net_of_tax(model, t, base[t].cur - da[t].cur) * scale / shares[t].cur,
            "",
        ),
    )
    _run_rate(model, sheet, ni)


def _run_rate(model: Model, sheet, ni: dict[str, Row]) -> None:
    """The article's measure, in every case: a year's capex spread over its average life
    (`run_rate_life_years`, 5), against net income. Not the model's depreciation: the yearly
    charge one year's spending adds, as the article computes it (fiscal years here; the
    Annual sheet has it in calendar years, as the article's table)."""
    inp, cap = model.sheets[SheetName.INPUTS], model.sheets[SheetName.CAPEX]
    tickers, lbl = model.inputs.tickers, model.label
    sheet.blank()
    sheet.header(
        "The article's measure: run-rate depreciation, a year's capex / its 5-year average "
        "life, against net income (fiscal years)"
    )
    factor = {
        t: sheet.add(
            row_key("run_rate_factor", ticker=t),
            lbl("run_rate_factor", t),
            const_formula=1 / inp["run_rate_life_years"].d,
        )
        for t in tickers
    }
    rr = {
        t: sheet.add(
            row_key("run_rate_depreciation", ticker=t),
            lbl("run_rate_depreciation", t),
            formula=cap[row_key("capex", ticker=t)].cur * factor[t].d,
        )
        for t in tickers
    }
    for t in tickers:
        sheet.add(
            row_key("run_rate_depreciation_pct_net_income", ticker=t),
            lbl("run_rate_depreciation_pct_net_income", t),
            formula=ratio(rr[t].cur, ni[t].cur),
        )
