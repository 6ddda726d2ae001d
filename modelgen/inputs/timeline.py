"""Periods and the timeline: fiscal years (`2024`) or fiscal quarters (`2025Q1`).

A fiscal year is named by the calendar year in which it ends. Its quarter `q` ends
`3 * (4 - q)` months before the year's end month, which may fall in the previous calendar
year: that is what calendar-year views need to know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERIOD_RE = re.compile(r"^([0-9]{4})(?:Q([1-4]))?$")  # ASCII digits only, as numbers are
FREQUENCIES = {"annual": 1, "quarterly": 4}


@dataclass(frozen=True, order=True)
class Period:
    """A fiscal year (quarter 0) or one of its quarters."""

    year: int
    quarter: int = 0

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def is_quarter(self) -> bool:
        return self.quarter > 0

    @property
    def start(self) -> float:
        """Position on the model's time axis in years: FY `y` starts at `y`."""
        return self.year + (self.quarter - 1) / 4 if self.quarter else float(self.year)

    def shift(self, n: int) -> Period:
        """The period `n` steps later, in this period's own frequency."""
        if not self.quarter:
            return Period(self.year + n)
        index = self.year * 4 + self.quarter - 1 + n
        return Period(index // 4, index % 4 + 1)

    def __str__(self) -> str:
        return self.label


def parse_period(text: str) -> Period | None:
    """`2024` or `2024Q3`; None for anything else."""
    m = PERIOD_RE.match(text.strip())
    if not m:
        return None
    return Period(int(m.group(1)), int(m.group(2) or 0))


def quarter_end_calendar_year(period: Period, year_end_month: int) -> int:
    """The calendar year in which a fiscal quarter ends."""
    end_month = year_end_month - 3 * (4 - period.quarter)
    return period.year if end_month > 0 else period.year - 1


def quarters_of(year: int) -> list[Period]:
    return [Period(year, q) for q in range(1, 5)]


@dataclass(frozen=True)
class Timeline:
    """The model's period columns, in order."""

    frequency: str
    periods: tuple[Period, ...]

    @property
    def per_year(self) -> int:
        return FREQUENCIES[self.frequency]

    @property
    def length(self) -> float:
        return 1.0 / self.per_year

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.periods]

    @property
    def fiscal_years(self) -> list[int]:
        """Each fiscal year touched by the timeline, in order."""
        return sorted({p.year for p in self.periods})

    def index(self, period: Period) -> int | None:
        try:
            return self.periods.index(period)
        except ValueError:
            return None


def make_timeline(
    frequency: str, first: Period, last_actual: Period, forecast_years: int
) -> Timeline:
    """From the first actual to the last actual plus the forecast years.

    A quarterly timeline runs to the end of the last forecast fiscal year, so every forecast
    year is whole.
    """
    if frequency == "annual":
        end = Period(last_actual.year + forecast_years)
    else:
        end = Period(last_actual.year + forecast_years, 4) if forecast_years else last_actual
    periods = [first]
    while periods[-1] < end:
        periods.append(periods[-1].shift(1))
    return Timeline(frequency, tuple(periods))
