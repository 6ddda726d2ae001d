"""Fiscal periods for SEC company facts: label each fact by its dates, derive discrete quarters.

A fact's `fy`/`fp` describe the filing it came from, not the period it covers (a 10-K repeats
earlier years under its own `fy`), so periods are labelled from `start`/`end` and the fiscal
year end month alone. Flows (capex, net income, D&A, revenue) are duration facts, their
missing quarters derived by difference of year-to-date facts; balances (net PP&E) are instant
facts, labelled by the fiscal quarter, and year, that ends on their date; averages (weighted
diluted shares) are duration facts taken only as reported, since a difference of two averages
is no quarter's average. Dates are snapped to the nearest month end, which absorbs 52/53-week
years: a year ending on 2 February belongs to a January year end.

Months are counted as a single integer index (`year * 12 + month - 1`) so that spans and
fiscal boundaries are plain arithmetic.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from modelgen.inputs.timeline import Period, parse_period


def nearest_month_end(day: date) -> int:
    """Month index of the month end nearest to `day` (ties go to the later month end)."""
    last = date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    previous = date(day.year, day.month, 1) - timedelta(days=1)
    chosen = last if (last - day) <= (day - previous) else previous
    return chosen.year * 12 + chosen.month - 1


@dataclass(frozen=True)
class Fact:
    """One duration fact from a company-facts file, in its unit (USD, or shares)."""

    start: date
    end: date
    val: Decimal
    accn: str
    form: str
    filed: str

    @property
    def opening(self) -> int:
        """Month index of the period end just before the fact starts."""
        return nearest_month_end(self.start - timedelta(days=1))

    @property
    def closing(self) -> int:
        """Month index of the month end the fact runs to."""
        return nearest_month_end(self.end)

    @property
    def months(self) -> int:
        """Length in whole months (3 for a quarter, 12 for a year, 52/53-week years included)."""
        return self.closing - self.opening

    def describe(self, bracket: bool = False) -> str:
        """`10-Q accn 0001640147-24-000207 6M to 2024-07-31`: enough to find it on EDGAR.

        With `bracket` the span goes in parentheses, as in a difference of two facts.
        """
        span = f"{'FY' if self.months == 12 else f'{self.months}M'} to {self.end.isoformat()}"
        return f"{self.form} accn {self.accn} {f'({span})' if bracket else span}"


@dataclass(frozen=True)
class Balance:
    """One instant fact from a company-facts file: a balance at the end of a day, in USD."""

    end: date
    val: Decimal
    accn: str
    form: str
    filed: str

    @property
    def closing(self) -> int:
        """Month index of the month end the balance is struck at."""
        return nearest_month_end(self.end)

    def describe(self) -> str:
        """`10-Q accn 0001640147-24-000207 at 2024-07-31`: enough to find it on EDGAR."""
        return f"{self.form} accn {self.accn} at {self.end.isoformat()}"


def fact_from_json(item: dict) -> Fact | None:
    """A Fact from one `units -> USD` (or `shares`) entry; None for an instant (no `start`).

    Raises KeyError, TypeError or ValueError when the entry is malformed.
    """
    if "start" not in item:
        return None
    return Fact(
        start=date.fromisoformat(item["start"]),
        end=date.fromisoformat(item["end"]),
        val=Decimal(str(item["val"])),
        accn=str(item.get("accn", "?")),
        form=str(item.get("form", "?")),
        filed=str(item.get("filed", "")),
    )


def balance_from_json(item: dict) -> Balance | None:
    """A Balance from one `units -> USD` entry; None for a duration (it has a `start`).

    Raises KeyError, TypeError or ValueError when the entry is malformed.
    """
    if "start" in item:
        return None
    return Balance(
        end=date.fromisoformat(item["end"]),
        val=Decimal(str(item["val"])),
        accn=str(item.get("accn", "?")),
        form=str(item.get("form", "?")),
        filed=str(item.get("filed", "")),
    )


def month_from_dei(text: str) -> int | None:
    """Year-end month of a dei date such as `--01-31`; None when it is not one.

    A 52/53-week year end such as `--02-01` belongs to the month end nearest it (January).
    """
    match = re.fullmatch(r"--(\d\d)-(\d\d)", text.strip())
    if not match or not 1 <= int(match[1]) <= 12 or not 1 <= int(match[2]) <= 31:
        return None
    month, day = int(match[1]), int(match[2])
    return month if day > 15 else (month - 2) % 12 + 1


@dataclass(frozen=True)
class PeriodValue:
    """A figure for one fiscal period (`2025` or `2025Q2`) and the facts it came from.

    `usd` is in the facts' unit: USD, or a number of shares for a share count.
    """

    period: str
    usd: Decimal
    source: str


def fiscal_position(month_index: int, fye_month: int) -> tuple[int, int]:
    """(fiscal year, quarter) of a period ending in that month; quarter 0 off a quarter end.

    The fiscal year is labelled by the calendar year in which it ends.
    """
    year, month0 = divmod(month_index, 12)
    month = month0 + 1
    fiscal_year = year if month <= fye_month else year + 1
    into_year = (month - fye_month) % 12
    if into_year % 3:
        return fiscal_year, 0
    return fiscal_year, (into_year // 3) or 4


def detect_fiscal_year_end(facts: list[Fact]) -> int | None:
    """Year-end month (1-12) from the latest 10-K's 12-month facts; None when there are none."""
    annual = [f for f in facts if f.form.startswith("10-K") and f.months == 12]
    if not annual:
        return None
    latest = max(f.filed for f in annual)
    counts = Counter(f.closing % 12 + 1 for f in annual if f.filed == latest)
    return max(counts, key=lambda month: (counts[month], month))


def fiscal_year_end_month(dei: dict, facts: list[Fact]) -> int | None:
    """Year-end month: the dei CurrentFiscalYearEndDate (`--01-31`) if given, else the data's."""
    units = dei.get("CurrentFiscalYearEndDate", {}).get("units", {})
    entries = [e for es in units.values() for e in es if isinstance(e, dict)]
    for entry in sorted(entries, key=lambda e: str(e.get("filed", "")), reverse=True):
        month = month_from_dei(str(entry.get("val", "")))
        if month is not None:
            return month
    return detect_fiscal_year_end(facts)


def latest_per_span(facts: list[Fact]) -> list[Fact]:
    """One fact per (start, end) span: the one filed last, so restatements win."""
    best: dict[tuple[int, int], Fact] = {}
    for fact in facts:
        key = (fact.opening, fact.closing)
        current = best.get(key)
        if current is None or (fact.filed, fact.accn) > (current.filed, current.accn):
            best[key] = fact
    return list(best.values())


_Spans = dict[tuple[int, int], Fact]


def _spans(facts: list[Fact], fye_month: int) -> tuple[_Spans, _Spans]:
    """The latest facts by fiscal span: year to date keyed (fiscal year, months since the year
    start), and 3-month facts keyed (fiscal year, quarter)."""
    to_date: _Spans = {}
    quarters: _Spans = {}
    for fact in latest_per_span(facts):
        fiscal_year, quarter = fiscal_position(fact.closing, fye_month)
        if quarter == 0 or fact.months not in (3, 6, 9, 12):
            continue
        if fact.months == 3:
            quarters[(fiscal_year, quarter)] = fact
        if fact.opening % 12 + 1 == fye_month and fact.months == 3 * quarter:
            to_date[(fiscal_year, fact.months)] = fact
    return to_date, quarters


def derive_periods(facts: list[Fact], fye_month: int) -> tuple[list[PeriodValue], list[str]]:
    """Fiscal years and discrete quarters from year-to-date and quarter facts, plus notes.

    A year is its 12-month fact. A quarter is a discrete 3-month fact when one exists, else
    the difference of two year-to-date facts (Q2 = 6M - 3M, Q3 = 9M - 6M, Q4 = FY - 9M).
    Notes flag years whose four quarters do not add up to the year.
    """
    to_date, quarters = _spans(facts, fye_month)
    values: list[PeriodValue] = []
    for fiscal_year in sorted({fy for fy, _ in to_date} | {fy for fy, _ in quarters}):
        year = to_date.get((fiscal_year, 12))
        if year is not None:
            values.append(PeriodValue(Period(fiscal_year).label, year.val, year.describe()))
        for quarter in (1, 2, 3, 4):
            value = _quarter(fiscal_year, quarter, quarters, to_date)
            if value is not None:
                values.append(value)
    return values, sum_notes(values)


def average_periods(facts: list[Fact], fye_month: int) -> list[PeriodValue]:
    """Fiscal years and quarters of a weighted average (diluted shares), as reported only.

    A year is its 12-month fact and a quarter its 3-month fact. Nothing is derived: the
    difference of two year-to-date averages is no quarter's average, so a quarter the filing
    does not report (often Q4, inside the 10-K's year) is left out.
    """
    to_date, quarters = _spans(facts, fye_month)
    values = [
        PeriodValue(Period(fy).label, f.val, f.describe())
        for (fy, n), f in to_date.items()
        if n == 12
    ]
    values += [
        PeriodValue(Period(fy, q).label, f.val, f.describe()) for (fy, q), f in quarters.items()
    ]
    return sorted(values, key=lambda v: period_sort_key(v.period))


def sum_notes(values: list[PeriodValue]) -> list[str]:
    """Notes on fiscal years whose four quarters do not add up to the year."""
    by_period = {v.period: v.usd for v in values}
    notes = []
    for period, usd in by_period.items():
        year = parse_period(period)
        if year is None or year.is_quarter:
            continue
        found = [by_period.get(Period(year.year, q).label) for q in (1, 2, 3, 4)]
        if None not in found and sum(found) != usd:
            notes.append(
                f"fiscal {period}: the quarters add up to {sum(found)} USD but the year is {usd} USD"
            )
    return notes


def derive_balances(balances: list[Balance], fye_month: int) -> list[PeriodValue]:
    """The balance at the end of each fiscal quarter, and of each fiscal year (its Q4's).

    One balance per month end, from the latest filing; dates off a quarter end are skipped.
    """
    latest: dict[int, Balance] = {}
    for balance in sorted(balances, key=lambda b: (b.filed, b.accn, b.end)):
        latest[balance.closing] = balance  # filed later: replaces the earlier filing's
    values = []
    for closing, balance in latest.items():
        fiscal_year, quarter = fiscal_position(closing, fye_month)
        if quarter == 0:
            continue
        for period in (Period(fiscal_year), Period(fiscal_year, quarter))[quarter < 4 :]:
            values.append(PeriodValue(period.label, balance.val, balance.describe()))
    return sorted(values, key=lambda v: period_sort_key(v.period))


def _quarter(
    fiscal_year: int,
    quarter: int,
    quarters: dict[tuple[int, int], Fact],
    to_date: dict[tuple[int, int], Fact],
) -> PeriodValue | None:
    """One discrete quarter, direct or by difference of year-to-date facts; None if neither."""
    label = Period(fiscal_year, quarter).label
    direct = quarters.get((fiscal_year, quarter))
    if direct is not None:
        return PeriodValue(label, direct.val, direct.describe())
    later = to_date.get((fiscal_year, 3 * quarter))
    earlier = to_date.get((fiscal_year, 3 * quarter - 3))
    if later is None or earlier is None:
        return None
    source = f"{later.describe(bracket=True)} minus {earlier.describe(bracket=True)}"
    return PeriodValue(label, later.val - earlier.val, source)


def period_sort_key(period: str) -> tuple[int, int, str]:
    """Time order: a fiscal year, then its quarters (`2024`, `2024Q1` … `2024Q4`, `2025`)."""
    parsed = parse_period(period.upper())
    if parsed is not None:
        return parsed.year, parsed.quarter, ""
    return 1 << 30, 0, period.strip()  # unreadable periods last, in text order
