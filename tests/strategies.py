"""Hypothesis strategies for VALID input folders, and the writer that puts one on disk.

A `ModelSpec` is everything a folder says: 1-6 companies (tickers C1, C2, ...), each with
1-12 years of gap-free capex actuals starting in its own year, perhaps net income (a span
of its own, with zeros and losses), perhaps guidance (empty highs, periods that overlap the
actuals, follow them, or lie beyond the timeline), its own 1-4 asset classes or the `*`
default; fractional lives from 0.5 to 40 years, shares that sum to 1, every depreciation
convention and forecast horizons 0-10. Numbers are written as an analyst's export would:
plain, with thousands separators, or as percentages where a rate is meant.

Capex moves by a factor of 0.4 to 2.5 a year (sometimes through a year of 0), and guidance
is 0.4 to 2.5 times a company's largest actual: figures an analyst could meet. Wilder jumps
compound, through the growth forecast, into amounts of 1e10 and more, where the model's
checks fail on float rounding (see test_random_models.test_checks_hold_for_amounts_in_usd).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

CONVENTIONS = (
    "full_year",
    "half_year",
    "next_year",
    "start_of_period",
    "mid_period",
    "next_period",
)
CLASS_NAMES = ("servers", "network", "buildings", "land_improvements", "software", "Fit-out.2")
FIRST_YEAR = 2010


@dataclass(frozen=True)
class AssetClass:
    name: str
    weight: int  # share = weight / sum of the ticker's weights
    life: float


@dataclass(frozen=True)
class Company:
    ticker: str
    name: str
    month: int
    first_year: int
    capex: tuple[float, ...]  # actuals for first_year, first_year + 1, ...
    net_income_first: int
    net_income: tuple[float, ...]  # may be empty: no net income for this ticker
    guidance: tuple[tuple[int, float, float | None], ...]  # (period, low, high or None)
    classes: tuple[AssetClass, ...]  # empty: the `*` default applies

    @property
    def last_year(self) -> int:
        return self.first_year + len(self.capex) - 1


@dataclass(frozen=True)
class ModelSpec:
    companies: tuple[Company, ...]
    default_classes: tuple[AssetClass, ...]  # may be empty when every ticker has its own
    settings: tuple[tuple[str, str], ...]
    thousands: bool  # write amounts of 1,000 and more as "1,234.5"

    @property
    def last_actual(self) -> int:
        return max(c.last_year for c in self.companies)

    @property
    def forecast_years(self) -> int:
        return int(dict(self.settings).get("forecast_years", "5"))

    @property
    def convention(self) -> str:
        return dict(self.settings).get("depreciation_convention", "full_year")


def _rounded(lo: float, hi: float, places: int) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(lambda x: round(x, places))


# capex moves by a factor of 0.4 to 2.5 a year, now and then through a year of 0
factors = _rounded(0.4, 2.5, 3)
starts = st.one_of(_rounded(0.5, 5000, 3), st.sampled_from([1.0, 1000.0, 1234.5]))
# net income: profits, losses and exact zeros (a break-even year)
net_incomes = st.one_of(_rounded(-800, 3000, 3), _rounded(-800, 3000, 3), st.just(0.0))
lives = st.one_of(
    st.sampled_from([0.5, 0.75, 1.0, 2.5, 4.5, 5.5, 7.0, 25.0, 40.0]),
    _rounded(0.5, 40, 2),
)


def asset_classes(count: tuple[int, int] = (1, 4)) -> st.SearchStrategy[tuple[AssetClass, ...]]:
    return st.integers(*count).flatmap(
        lambda n: st.lists(
            st.builds(
                AssetClass,
                name=st.sampled_from(CLASS_NAMES),
                weight=st.integers(1, 20),
                life=lives,
            ),
            min_size=n,
            max_size=n,
            unique_by=lambda a: a.name,
        ).map(tuple)
    )


names = st.one_of(
    st.text(
        st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "Sm", "Sc")),
        min_size=1,
        max_size=24,
    ).filter(lambda s: s.strip()),
    st.sampled_from(["Alpha Cloud", '=HYPERLINK("http://x.example")', "+1", "@risk, Inc."]),
)


@st.composite
def capex_series(draw: st.DrawFn, n: int) -> tuple[float, ...]:
    out: list[float] = []
    for _ in range(n):
        if out and draw(st.integers(0, 14)) == 0:
            out.append(0.0)
        elif not out or out[-1] == 0:
            out.append(draw(starts))
        else:
            out.append(round(min(1e5, max(0.001, out[-1] * draw(factors))), 3))
    return tuple(out)


@dataclass(frozen=True)
class Size:
    """Ranges (low, high) for one model's dimensions. LibreOffice and openpyxl take time
    per file and per cell, so most models are small; the corners reach every bound the
    issue names (6 companies, 12 years of actuals, 10 forecast years, 4 asset classes)
    without all being in one model."""

    companies: tuple[int, int]
    years: tuple[int, int]
    offset: tuple[int, int]  # first year of a company's actuals, after FIRST_YEAR
    forecast: tuple[int, int]
    classes: tuple[int, int]


SMALL = Size(companies=(1, 3), years=(1, 5), offset=(0, 2), forecast=(0, 4), classes=(1, 2))
WIDE = Size(companies=(6, 6), years=(1, 4), offset=(0, 3), forecast=(0, 3), classes=(1, 2))
LONG = Size(companies=(1, 2), years=(12, 12), offset=(0, 5), forecast=(10, 10), classes=(1, 2))
CLASSY = Size(companies=(1, 3), years=(1, 5), offset=(0, 2), forecast=(0, 5), classes=(3, 4))
LARGE = Size(companies=(1, 6), years=(1, 12), offset=(0, 5), forecast=(0, 10), classes=(1, 4))


@st.composite
def companies(draw: st.DrawFn, ticker: str, size: Size = LARGE) -> Company:
    first = FIRST_YEAR + draw(st.integers(*size.offset))
    n = draw(st.integers(*size.years))
    capex = draw(capex_series(n))
    if draw(st.integers(0, 4)) == 0:  # some tickers have no net income at all
        ni_first, ni = first, ()
    else:
        ni_first = first + draw(st.integers(-2, n - 1))
        k = draw(st.integers(1, n + 3))
        ni = tuple(draw(st.lists(net_incomes, min_size=k, max_size=k)))
    scale = max(capex) or 100.0
    guidance = draw(
        st.lists(
            st.tuples(
                # overlapping the actuals, just after them, or beyond any timeline
                st.one_of(
                    st.integers(first + 1, first + n + 3),
                    st.integers(first + n + 13, first + n + 20),
                ),
                factors.map(lambda f: round(scale * f, 2)),
                st.one_of(st.none(), _rounded(0, 0.5, 3)),
            ),
            max_size=3,
            unique_by=lambda g: g[0],
        )
    )
    guidance = [(p, low, None if d is None else round(low * (1 + d), 2)) for p, low, d in guidance]
    own = draw(st.one_of(st.just(()), asset_classes(size.classes)))
    return Company(
        ticker=ticker,
        name=draw(names),
        month=draw(st.integers(1, 12)),
        first_year=first,
        capex=capex,
        net_income_first=ni_first,
        net_income=ni,
        guidance=tuple(sorted(guidance)),
        classes=own,
    )


def _rate(draw: st.DrawFn, lo: float, hi: float) -> str:
    x = draw(_rounded(lo, hi, 4))
    return f"{x * 100:g}%" if draw(st.booleans()) else repr(x)


@st.composite
def model_specs(draw: st.DrawFn, size: Size = LARGE) -> ModelSpec:
    n = draw(st.integers(*size.companies))
    cos = tuple(draw(companies(f"C{i + 1}", size)) for i in range(n))
    needs_default = any(not c.classes for c in cos)
    default = draw(asset_classes(size.classes)) if needs_default or draw(st.booleans()) else ()
    settings: list[tuple[str, str]] = []
    # the horizon is written unless the default (5) is within the size's range
    lo, hi = size.forecast
    if not lo <= 5 <= hi or draw(st.integers(0, 5)):
        settings.append(("forecast_years", str(draw(st.integers(lo, hi)))))
    if draw(st.integers(0, 5)):
        settings.append(("depreciation_convention", draw(st.sampled_from(CONVENTIONS))))
    if draw(st.booleans()):
        settings.append(("long_run_capex_growth", _rate(draw, -0.2, 0.3)))
    if draw(st.booleans()):
        settings.append(("fade_years", repr(draw(_rounded(0.5, 6, 2)))))
    if draw(st.booleans()):
        settings.append(("net_income_growth", _rate(draw, -0.5, 0.5)))
    if draw(st.booleans()):
        settings.append(("tax_rate", _rate(draw, 0, 0.6)))
    return ModelSpec(cos, default, tuple(settings), draw(st.booleans()))


def _amount(x: float, thousands: bool) -> str:
    return f"{x:,}" if thousands and abs(x) >= 1000 else repr(x)


def _shares(classes: tuple[AssetClass, ...]) -> list[str]:
    """Shares as weight / total, written with every digit: their sum is 1 within 1e-15."""
    total = sum(a.weight for a in classes)
    return [repr(a.weight / total) for a in classes]


def write_spec(spec: ModelSpec, folder: Path) -> Path:
    """Write `spec` as an input folder (the six CSV files)."""
    folder.mkdir(parents=True)

    def table(name: str, header: list[str], rows: list[list[object]]) -> None:
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)

    t = spec.thousands
    cos = spec.companies
    table(
        "companies.csv",
        ["ticker", "name", "fiscal_year_end_month"],
        [[c.ticker, c.name, c.month] for c in cos],
    )
    table(
        "capex.csv",
        ["ticker", "period", "capex", "source"],
        [
            [c.ticker, c.first_year + i, _amount(x, t), f"10-K {c.first_year + i}"]
            for c in cos
            for i, x in enumerate(c.capex)
        ],
    )
    table(
        "financials.csv",
        ["ticker", "period", "net_income", "source"],
        [
            [c.ticker, c.net_income_first + i, _amount(x, t), "10-K"]
            for c in cos
            for i, x in enumerate(c.net_income)
        ],
    )
    table(
        "guidance.csv",
        ["ticker", "period", "capex_low", "capex_high", "source"],
        [
            [c.ticker, p, _amount(low, t), "" if high is None else _amount(high, t), "call"]
            for c in cos
            for p, low, high in c.guidance
        ],
    )
    rows = []
    for ticker, classes in [("*", spec.default_classes)] + [(c.ticker, c.classes) for c in cos]:
        for a, share in zip(classes, _shares(classes), strict=True):
            rows.append([ticker, a.name, share, repr(a.life)])
    table("assumptions.csv", ["ticker", "asset_class", "share", "useful_life_years"], rows)
    table("settings.csv", ["key", "value"], [list(kv) for kv in spec.settings])
    return folder
