"""Actuals given as fiscal years, quarters or both, resolved to the model's frequency.

A year given both ways must agree with the sum of its four quarters. An annual model uses
years, or the sum of a year's four quarters; a quarterly model needs quarters and says
which years were given only as a whole: an error once quarters have begun, a warning for
earlier annual history, which it leaves out (an SEC filer's early years come only as
years). Actuals must be continuous either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelgen.inputs.csvread import Problems
from modelgen.inputs.timeline import Period, quarters_of


@dataclass(frozen=True)
class Fact:
    """A figure from a CSV with its source and the line it came from."""

    value: float
    source: str
    line: int


Series = dict[Period, Fact]


def _fmt(x: float) -> str:
    return f"{x:,.6g}"


def resolve(
    raw: dict[str, Series],
    column: str,
    file: str,
    frequency: str,
    tolerance: float,
    probs: Problems,
    notes: list[str],
) -> tuple[dict[str, Series], dict[str, Series]]:
    """(actuals in the model's frequency, quarterly detail) by ticker.

    Problems are added to `probs`; warnings (history a quarterly model leaves out) to `notes`.
    """
    resolved: dict[str, Series] = {}
    detail: dict[str, Series] = {}
    for ticker, facts in raw.items():
        years = {p.year: f for p, f in facts.items() if not p.is_quarter}
        quarters = {p: f for p, f in facts.items() if p.is_quarter}
        detail[ticker] = quarters
        complete = {
            y for y in {p.year for p in quarters} if all(q in quarters for q in quarters_of(y))
        }
        for y in sorted(complete & set(years)):
            total = sum(quarters[q].value for q in quarters_of(y))
            if abs(total - years[y].value) > tolerance:
                lines = ", ".join(str(quarters[q].line) for q in quarters_of(y))
                probs.add(
                    file,
                    years[y].line,
                    column,
                    f"{ticker} {y} is {_fmt(years[y].value)} but its quarters (lines {lines}) "
                    f"sum to {_fmt(total)}",
                    "correct the year or a quarter, or raise quarter_sum_tolerance in settings.csv",
                )
        if frequency == "annual":
            series: Series = {Period(y): f for y, f in years.items()}
            for y in sorted(complete - set(years)):
                qs = [quarters[q] for q in quarters_of(y)]
                lines = ", ".join(str(f.line) for f in qs)
                series[Period(y)] = Fact(
                    sum(f.value for f in qs), f"sum of quarters (lines {lines})", qs[0].line
                )
        else:
            series = dict(quarters)
            first_quarter = min(quarters) if quarters else None
            for y in sorted(set(years)):
                missing = [q.label for q in quarters_of(y) if q not in quarters]
                if missing and first_quarter is not None and y < first_quarter.year:
                    notes.append(
                        f"{file}, line {years[y].line}: {ticker} {y} is given only as a year, "
                        "before its first quarter, and is not used by the quarterly model"
                    )
                elif missing and first_quarter is not None and y == first_quarter.year:
                    notes.append(
                        f"{file}, line {years[y].line}: {ticker} {y} is given as a year but only "
                        f"from {first_quarter} as quarters; the quarterly model starts at "
                        f"{first_quarter}"
                    )
                elif missing:
                    probs.add(
                        file,
                        years[y].line,
                        "period",
                        f"{ticker} {y} is given only as a year ({', '.join(missing)} missing), "
                        "but the model is quarterly",
                        "give the year's four quarters, drop the year, or set frequency to annual",
                    )
        if series:
            resolved[ticker] = series
            _check_gaps(ticker, series, column, file, probs)
    return resolved, detail


def _check_gaps(ticker: str, series: Series, column: str, file: str, probs: Problems) -> None:
    periods = sorted(series)
    for a, b in zip(periods, periods[1:], strict=False):
        if b != a.shift(1):
            last_missing = b.shift(-1)
            span = (
                a.shift(1).label if a.shift(1) == last_missing else f"{a.shift(1)}–{last_missing}"
            )
            probs.add(
                file,
                series[b].line,
                "period",
                f"{ticker} has no {column} for {span} (a gap between {a} and {b})",
                "add the missing periods; actuals must be continuous",
            )
