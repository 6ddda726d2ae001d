"""Amounts out of scale: a figure more than 1,000 times, or less than a thousandth of, the
same company's other figures of its column is in another unit (dollars in a `USD bn` model)
or has digits astray. The model would take it, and most of its checks would still pass.

A company's other figures are the non-zero figures of the same ticker and column in the same
file, every period given (years and quarters alike: a quarter is far inside the ratio).
Magnitudes are compared, so a loss is an amount like a profit, and a zero (a year without
capex, a break-even year) is never out of scale. A figure is out of scale when it is so
against more than half of the others: one wrong figure among three is found, and the two
right ones are not. Two figures out of scale with each other (or two equal halves) cannot
say on their own which is wrong: the other companies' figures of the column decide (the one
out of scale with their median is named); where they do not, every one is named.

An error, or with the setting `allow_outliers` a warning, names the file and line, the
figure, its neighbours and the unit of settings.csv.
"""

from __future__ import annotations

import statistics

from modelgen.inputs.actuals import Series
from modelgen.inputs.csvread import Problems
from modelgen.inputs.timeline import Period

RATIO = 1000.0
#: the amounts whose scale is checked, by file
COLUMNS = {
    "capex.csv": ("capex",),
    "financials.csv": ("net_income", "depreciation", "ppe_depreciation", "net_ppe", "revenue"),
}
NEIGHBOURS = 3  # figures a problem shows, the nearest periods first


def out_of_scale(a: float, b: float) -> bool:
    """More than RATIO times apart, in magnitude."""
    big, small = max(abs(a), abs(b)), min(abs(a), abs(b))
    return big > RATIO * small


def outliers(table: dict[str, Series]) -> dict[str, list[Period]]:
    """The periods of each ticker whose figure is out of scale (see the module)."""
    found: dict[str, list[Period]] = {}
    for ticker, facts in table.items():
        given = {p: f.value for p, f in facts.items() if f.value != 0}
        flagged = [
            p
            for p, v in given.items()
            if 2 * sum(out_of_scale(v, w) for q, w in given.items() if q != p) > len(given) - 1
        ]
        if flagged and len(flagged) == len(given):
            others = [abs(f.value) for t, fs in table.items() if t != ticker for f in fs.values()]
            others = [v for v in others if v != 0]
            if others:
                middle = statistics.median(others)
                decided = [p for p in flagged if out_of_scale(given[p], middle)]
                flagged = decided if 0 < len(decided) < len(flagged) else flagged
        if flagged:
            found[ticker] = sorted(flagged)
    return found


def check_scale(
    tables: dict[tuple[str, str], dict[str, Series]],
    unit: str,
    allow: bool,
    probs: Problems,
) -> None:
    """Report every figure out of scale in `tables` ((file, column) -> facts by ticker):
    problems, or warnings when `allow`. Files with problems already are left out: a number
    read wrong there (a file mixing decimal marks) is reported once, as that."""
    refused = {p.file for p in probs.items}
    for (file, column), table in tables.items():
        if file in refused:
            continue
        for ticker, periods in outliers(table).items():
            for period in periods:
                report = probs.warn if allow else probs.add
                fact = table[ticker][period]
                hint = (
                    "read as it is, as allow_outliers is true in settings.csv"
                    if allow
                    else f"enter it in {unit} (the unit of settings.csv) like the others, or, "
                    "if it is right, set allow_outliers to true in settings.csv"
                )
                message = _message(ticker, column, period, table[ticker], periods, unit)
                report(file, fact.line, column, message, hint)


def _message(
    ticker: str, column: str, period: Period, facts: Series, flagged: list[Period], unit: str
) -> str:
    fact = facts[period]
    near = [p for p in facts if p != period and facts[p].value != 0]
    kept = [p for p in near if p not in flagged] or near
    kept = sorted(sorted(kept, key=lambda p: abs(p.start - period.start))[:NEIGHBOURS])
    shown = ", ".join(f"{_fmt(facts[p].value)} in {p}, line {facts[p].line}" for p in kept)
    middle = statistics.median(abs(facts[p].value) for p in kept)
    how = "more than 1,000 times" if abs(fact.value) > middle else "less than a thousandth of"
    return (
        f"{ticker} {period} {column} {_fmt(fact.value)} {unit} is {how} {ticker}'s other "
        f"{column} figures ({shown})"
    )


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1e6 else f"{x:,.6g}"
