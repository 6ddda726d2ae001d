"""Earnings before D&A (EBDA): the actual, and the two rules that forecast it.

Where net income is actual, EBDA is net income with D&A after tax added back. After it:

- a company with revenue follows its business: EBDA = revenue x `ebda_margin:T`, the margin
  of its last period where net income and revenue are both actual (`ebda_margin_actual:T`
  on Profit Impact shows each), unless the analyst types one (`ebda_margin_override:T`);
  so forecast net income moves with revenue (`revenue_growth`) and with D&A;
- a company without revenue grows EBDA at `earnings_growth`, as the model always did.

The rule is chosen per company when the model is built, from the data, so that every
company's row has one formula across its periods (`earnings_follow_revenue:T` on Inputs
says which). Profit Impact, the Scenarios sheet and the Sensitivity workings build EBDA from
these functions; docs/profit-bridge.md is the contract.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from modelgen.formulas.functions import AND, IF, ratio
from modelgen.keys import row_key
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.formulas.expressions import Expr
    from modelgen.formulas.rows import Row, Sheet
    from modelgen.model import Model


def follows_revenue(model: Model, ticker: str) -> bool:
    """Whether the company's EBDA forecast follows revenue: it has revenue, and a period of
    the timeline where net income and a revenue above 0 are both actual (a margin to start
    from; without one the forecast grows at `earnings_growth`)."""
    inputs, periods = model.inputs, set(model.timeline.periods)
    income, revenue = inputs.net_income.get(ticker, {}), inputs.revenue.get(ticker, {})
    return any(p in periods and p in income and f.value > 0 for p, f in revenue.items())


def actual_earnings(net_income: Expr, after_tax: Expr) -> Expr:
    """EBDA where net income is actual: net income with D&A after tax added back."""
    return net_income + after_tax


def earnings_before_da(is_actual: Expr, actual: Expr, after_tax: Expr, forecast: Expr) -> Expr:
    """The actual EBDA where net income is actual, else `forecast` (one of the rules)."""
    return IF(is_actual, actual_earnings(actual, after_tax), forecast)


def grown_earnings(model: Model, row: Row, growth: Expr) -> Expr:
    """The rule without revenue: EBDA a year earlier grown at `growth`."""
    return model.year_ago(row) * (1 + growth)


def margin_earnings(known: Expr, revenue: Expr, margin: Expr) -> Expr:
    """The rule with revenue: revenue x margin, once earnings are known (0 before the first
    actual net income, as net income is)."""
    return IF(known.eq(1), revenue * margin, 0)


def margin_actual(net_income: Expr, revenue: Expr, after_tax: Expr) -> Expr:
    """EBDA over revenue where net income and revenue are both actual (`net_income` and
    `revenue` the Inputs actuals), else empty; empty too at a revenue of 0."""
    both = AND(net_income.is_set(), revenue.is_set())
    return IF(both, ratio(actual_earnings(net_income, after_tax), revenue), "")


def last_actual(row: Row, value: Expr) -> Expr:
    """`value` where it is set, else the row's own previous period: carried forward, its
    last period holds the last actual value (0 before the first)."""
    return IF(value.is_set(), value, row.prev)


def margin_in_use(model: Model, ticker: str, last: Row) -> Expr:
    """The margin the forecast uses: the analyst's override on Inputs where one is typed,
    else the last actual margin (`last` carried to the last period)."""
    override = model.sheets[SheetName.INPUTS][row_key("ebda_margin_override", ticker=ticker)].d
    return IF(override.is_set(), override, last.at(model.n_periods - 1))


def margin_rows(
    model: Model, sheet: Sheet, after_tax: dict[str, Expr], scenario: str = ""
) -> dict[str, Row]:
    """For each company that follows revenue, on `sheet`: its margin where net income and
    revenue are actual, and that margin carried forward. Keys take the `scenario` after the
    kind (`ebda_margin_actual:Bull:T`); returns the carried rows by ticker."""
    inp, lbl = model.sheets[SheetName.INPUTS], model.label
    tickers = [t for t in model.inputs.tickers if follows_revenue(model, t)]
    out: dict[str, Row] = {}
    if not tickers:
        return out
    sheet.blank()
    sheet.header(lbl("ebda_margin_header"), level=1)
    for t in tickers:
        actual = sheet.add(
            row_key("ebda_margin_actual", scenario=scenario, ticker=t),
            lbl("ebda_margin_actual", t),
            level=1,
        )
        actual.formula = margin_actual(
            inp[row_key("net_income_actual", ticker=t)].cur,
            inp[row_key("revenue_actual", ticker=t)].cur,
            after_tax[t],
        )
        out[t] = sheet.add(
            row_key("ebda_margin_last_actual", scenario=scenario, ticker=t),
            lbl("ebda_margin_last_actual", t),
            level=1,
        )
        out[t].formula = last_actual(out[t], actual.cur)
    return out


def add_inputs(model: Model, sheet: Sheet) -> None:
    """The Inputs block: each company's rule (grey, set by the data: rebuild to change) and,
    for a company that follows revenue, its margin override (blue on yellow, empty: the last
    actual margin) with the margin in use below it, whose formula Profit Impact sets."""
    lbl = model.label
    sheet.blank()
    sheet.header(lbl("earnings_rule_header"))
    follows = {t: follows_revenue(model, t) for t in model.inputs.tickers}
    for t, rule in follows.items():
        sheet.add(
            row_key("earnings_follow_revenue", ticker=t),
            lbl("earnings_follow_revenue", t),
            kind="fixed",
            const=1.0 if rule else 0.0,
        )
    for t in (t for t, rule in follows.items() if rule):
        sheet.add(
            row_key("ebda_margin_override", ticker=t),
            lbl("ebda_margin_override", t),
            kind="input",
            const=math.nan,  # an empty input cell: the last actual margin applies
            note=lbl("ebda_margin_override_note", t),
        )
        sheet.add(row_key("ebda_margin", ticker=t), lbl("ebda_margin", t))
