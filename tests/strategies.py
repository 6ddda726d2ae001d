"""Hypothesis strategies for VALID input folders, and the writer that puts one on disk.

A `ModelSpec` is everything a folder says: 1-6 companies (tickers C1, C2, ...), each with
1-12 years of gap-free capex actuals starting in its own year, perhaps net income (a span
of its own, with zeros and losses), perhaps guidance (empty highs, periods that overlap the
actuals, follow them, or lie beyond the timeline), its own 1-4 asset classes or the `*`
default; fractional lives from 0.5 to 40 years, shares that sum to 1, every depreciation
convention and forecast horizons 0-10. Numbers are written as an analyst's export would:
plain, with thousands separators, or as percentages where a rate is meant.

Capex moves by a factor of 0.4 to 2.5 a year (sometimes through a year of 0), and guidance
is 0.4 to 2.5 times a company's largest actual: figures an analyst could meet, although over
the years a company's figures span more than the 1,000 times modelgen takes for a unit astray
(`allow_outliers` is set). Wilder jumps
compound, through the growth forecast, into amounts of 1e10 and more, where the model's
checks fail on float rounding (see test_random_models.test_checks_hold_for_amounts_in_usd).

Property and equipment (docs/ACCOUNTING.md, docs/property-and-equipment.md), each with a
moderate probability: a land class (life 0, sometimes with a share of 0, sometimes more);
shares of 0; in-service lags of 0 to 3 years, fractional ones too, and a lag column left
empty or absent; companies that override only the life or lag of default classes; opening
balances (remaining lives fractional, whole and 0; land's 0); life changes up and down,
dated before the first period, by a quarter, after the last period, for `*`, and short
enough to write a book value off; reported D&A and net PP&E with gaps.

The profit bridge (docs/profit-bridge.md), each now and then: a `tax_rate` column in
companies.csv with some cells empty (the setting); revenue and diluted shares on the net
income rows, with gaps, zeros and companies without any; the settings `earnings_growth`
(sometimes by its old name `net_income_growth`), `revenue_growth`, `share_count_growth` and
`unit`; and a scenarios.csv whose scenarios vary them (the Base case stays the live one).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
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
LAND = "land"
FIRST_YEAR = 2010


@dataclass(frozen=True)
class AssetClass:
    name: str
    weight: int  # share = weight / sum of the ticker's weights (0: no new capex)
    life: float  # 0: land
    lag: float | None = None  # in_service_lag_years; None: empty (or no column)


@dataclass(frozen=True)
class Override:
    """A share-less assumptions row: a company's own life and/or lag for a default class."""

    name: str
    life: float | None
    lag: float | None


@dataclass(frozen=True)
class Opening:
    ticker: str
    name: str
    book_value: float
    remaining_life: float


@dataclass(frozen=True)
class LifeChange:
    ticker: str  # or "*"
    name: str
    effective_from: str  # "2015" or "2015Q3"
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
    # reported D&A and net PP&E on the net income rows (None: an empty cell); empty: none
    depreciation: tuple[float | None, ...] = ()
    net_ppe: tuple[float | None, ...] = ()
    # the depreciation of property and equipment within the D&A (never more than it)
    ppe_depreciation: tuple[float | None, ...] = ()
    overrides: tuple[Override, ...] = ()  # only with the `*` default
    # the profit bridge: revenue and diluted shares (millions) on the net income rows (None:
    # an empty cell; empty: none), and the company's own tax rate (None: the setting)
    revenue: tuple[float | None, ...] = ()
    diluted_shares: tuple[float | None, ...] = ()
    tax_rate: str | None = None  # as written: "0.16" or "16%"

    @property
    def last_year(self) -> int:
        return self.first_year + len(self.capex) - 1


@dataclass(frozen=True)
class ModelSpec:
    companies: tuple[Company, ...]
    default_classes: tuple[AssetClass, ...]  # may be empty when every ticker has its own
    settings: tuple[tuple[str, str], ...]
    thousands: bool  # write amounts of 1,000 and more as "1,234.5"
    openings: tuple[Opening, ...] = ()
    life_changes: tuple[LifeChange, ...] = ()
    lag_column: bool = False  # write in_service_lag_years even where every cell is empty
    tax_column: bool = False  # write companies.csv's tax_rate even where every cell is empty
    scenarios: tuple[tuple[str, str, str], ...] = ()  # (scenario, key, value); Base stays live

    @property
    def first_year(self) -> int:
        return min(c.first_year for c in self.companies)

    def with_convention(self, index: int) -> ModelSpec:
        """The spec with the `index`-th convention (cycling): a sample of any size and draw
        holds every convention, whatever constants Hypothesis mixes into its draws."""
        kept = tuple((k, v) for k, v in self.settings if k != "depreciation_convention")
        chosen = ("depreciation_convention", CONVENTIONS[index % len(CONVENTIONS)])
        return replace(self, settings=(*kept, chosen))

    @property
    def last_year(self) -> int:
        """The timeline's last year."""
        return self.last_actual + self.forecast_years

    def classes_of(self, c: Company) -> tuple[AssetClass, ...]:
        """A company's classes as the model sees them (overrides applied)."""
        if c.classes:
            return c.classes
        over = {o.name: o for o in c.overrides}
        out = []
        for a in self.default_classes:
            o = over.get(a.name)
            if o is not None:
                a = AssetClass(
                    a.name,
                    a.weight,
                    a.life if o.life is None else o.life,
                    a.lag if o.lag is None else o.lag,
                )
            out.append(a)
        return tuple(out)

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


# in-service lags: whole and fractional, 0 to 3 years
lags = st.one_of(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), _rounded(0, 3, 2))
# a weight of 0 (about one in five): the class takes no new capex
weights = st.integers(-4, 20).map(lambda w: max(w, 0))


@st.composite
def asset_classes(draw: st.DrawFn, count: tuple[int, int] = (1, 4)) -> tuple[AssetClass, ...]:
    """1-4 classes with unique names, now and then one of them land (life 0)."""
    n = draw(st.integers(*count))
    land = n >= 2 and draw(st.integers(0, 3)) == 0
    out = draw(
        st.lists(
            st.builds(
                AssetClass,
                name=st.sampled_from(CLASS_NAMES),
                weight=weights,
                life=lives,
                lag=st.integers(0, 4).flatmap(lambda k: lags if k == 0 else st.none()),
            ),
            min_size=n - land,
            max_size=n - land,
            unique_by=lambda a: a.name,
        )
    )
    if land:
        weight = draw(st.integers(-3, 10).map(lambda w: max(w, 0)))
        out.insert(draw(st.integers(0, len(out))), AssetClass(LAND, weight, 0.0))
    if not sum(a.weight for a in out):  # shares must sum to 1: some class takes capex
        i = next(i for i, a in enumerate(out) if a.name != LAND)
        out[i] = replace(out[i], weight=1)
    return tuple(out)


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
    depreciation: tuple[float | None, ...] = ()
    net_ppe: tuple[float | None, ...] = ()
    if ni and draw(st.booleans()):  # reported D&A, now and then a gap (or a 0)
        depreciation = tuple(
            draw(st.lists(_reported(scale * 0.6), min_size=len(ni), max_size=len(ni)))
        )
    ppe_depreciation: tuple[float | None, ...] = ()
    if depreciation and first % 2:  # half of it to 90% PP&E depreciation, now and then none
        # derived, not drawn, so that the examples drawn stay those the coverage test knows
        ppe_depreciation = tuple(
            None if d is None or i % 4 == 3 else round(d * (0.5 + 0.1 * (i % 5)), 3)
            for i, d in enumerate(depreciation)
        )
    if ni and draw(st.integers(0, 2)) == 0:  # reported net PP&E
        net_ppe = tuple(draw(st.lists(_reported(scale * 4), min_size=len(ni), max_size=len(ni))))
    revenue: tuple[float | None, ...] = ()
    diluted: tuple[float | None, ...] = ()
    if ni and draw(st.booleans()):  # revenue, a few times capex, with gaps and zeros
        revenue = tuple(draw(st.lists(_reported(scale * 12), min_size=len(ni), max_size=len(ni))))
    if ni and draw(st.booleans()):  # diluted shares in millions, with gaps and now and then 0
        diluted = tuple(draw(st.lists(_shares_outstanding, min_size=len(ni), max_size=len(ni))))
    tax = draw(st.one_of(st.none(), st.none(), _rounded(0, 0.5, 4).map(_rate_text)))
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
        depreciation=depreciation,
        net_ppe=net_ppe,
        ppe_depreciation=ppe_depreciation,
        revenue=revenue,
        diluted_shares=diluted,
        tax_rate=tax,
    )


def _reported(high: float) -> st.SearchStrategy[float | None]:
    """A reported figure up to `high`; an empty cell one time in four, 0 now and then."""
    return st.integers(0, 3).flatmap(
        lambda k: (
            st.none()
            if k == 0
            else st.one_of(_rounded(0, high, 3), _rounded(0, high, 3), st.just(0.0))
        )
    )


# diluted shares in millions: an empty cell one time in four, 0 now and then
_shares_outstanding = st.integers(0, 7).flatmap(
    lambda k: st.none() if k < 2 else st.just(0.0) if k == 2 else _rounded(50, 20000, 1)
)


def _rate_text(x: float) -> str:
    """A rate as an analyst writes it: a percentage for most, else the fraction."""
    return f"{x * 100:g}%" if int(x * 1e4) % 2 else repr(x)


def _rate(draw: st.DrawFn, lo: float, hi: float) -> str:
    x = draw(_rounded(lo, hi, 4))
    return f"{x * 100:g}%" if draw(st.booleans()) else repr(x)


# the settings a scenario may vary in the profit bridge, and their ranges
BRIDGE_RATES = {
    "earnings_growth": (-0.3, 0.4),
    "tax_rate": (0.0, 0.5),
    "revenue_growth": (-0.2, 0.4),
    "share_count_growth": (-0.1, 0.1),
}
UNITS = ("USD bn", "USD m", "EUR k", "USD")


@st.composite
def model_specs(draw: st.DrawFn, size: Size = LARGE) -> ModelSpec:
    n = draw(st.integers(*size.companies))
    cos = tuple(draw(companies(f"C{i + 1}", size)) for i in range(n))
    needs_default = any(not c.classes for c in cos)
    default = draw(asset_classes(size.classes)) if needs_default or draw(st.booleans()) else ()
    cos = tuple(draw(_overrides(c, default)) if not c.classes else c for c in cos)
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
    if draw(st.booleans()):  # earnings growth, one time in three by its old name
        name = draw(st.sampled_from(["earnings_growth", "earnings_growth", "net_income_growth"]))
        settings.append((name, _rate(draw, -0.5, 0.5)))
    if draw(st.booleans()):
        settings.append(("tax_rate", _rate(draw, 0, 0.6)))
    if draw(st.booleans()):
        settings.append(("revenue_growth", _rate(draw, -0.3, 0.5)))
    if draw(st.booleans()):
        settings.append(("share_count_growth", _rate(draw, -0.1, 0.1)))
    if draw(st.integers(0, 2)) == 0:
        settings.append(("unit", draw(st.sampled_from(UNITS))))
    spec = ModelSpec(cos, default, tuple(settings), draw(st.booleans()))
    openings = draw(_openings(spec)) if draw(st.integers(0, 2)) else ()
    changes = draw(_life_changes(spec)) if draw(st.integers(0, 2)) else ()
    return replace(
        spec,
        openings=openings,
        life_changes=changes,
        lag_column=draw(st.integers(0, 3)) == 0,
        tax_column=draw(st.integers(0, 3)) == 0,
        scenarios=draw(_scenarios()) if draw(st.integers(0, 5)) == 0 else (),
    )


@st.composite
def _scenarios(draw: st.DrawFn) -> tuple[tuple[str, str, str], ...]:
    """One or two scenarios beside Base, each varying one to three of the bridge's
    settings (earnings growth now and then by its old name)."""
    out = []
    for name in draw(st.sampled_from([["Bull"], ["Bear"], ["Bull", "Bear"]])):
        keys = draw(
            st.lists(st.sampled_from(sorted(BRIDGE_RATES)), min_size=1, max_size=3, unique=True)
        )
        for key in keys:
            value = _rate(draw, *BRIDGE_RATES[key])
            if key == "earnings_growth" and draw(st.integers(0, 3)) == 0:
                key = "net_income_growth"
            out.append((name, key, value))
    return tuple(out)


@st.composite
def _overrides(draw: st.DrawFn, c: Company, default: tuple[AssetClass, ...]) -> Company:
    """Now and then, a company on the default gives its own life and/or lag for some of its
    depreciable classes (share-less rows; land's life cannot be overridden)."""
    names = [a.name for a in default if a.life]
    if not names or draw(st.integers(0, 3)):
        return c
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
    out = []
    for name in chosen:
        which = draw(st.sampled_from(["life", "lag", "both"]))
        life = draw(lives) if which != "lag" else None
        lag = draw(lags) if which != "life" else None
        out.append(Override(name, life, lag))
    return replace(c, overrides=tuple(out))


@st.composite
def _openings(draw: st.DrawFn, spec: ModelSpec) -> tuple[Opening, ...]:
    """Opening balances for some classes: book values (0 now and then) and remaining lives,
    fractional, whole and 0, never past the class's life; land's remaining life is 0."""
    out = []
    for c in spec.companies:
        scale = max(c.capex) or 100.0
        for a in spec.classes_of(c):
            if draw(st.integers(0, 2)):
                continue
            value = draw(st.one_of(_rounded(0, 3 * scale, 3), st.just(0.0), _rounded(0, scale, 1)))
            if not a.life:
                left = 0.0
            else:
                left = draw(
                    st.one_of(
                        _rounded(0, a.life, 2),
                        st.sampled_from([0.0, 0.5, 1.0, 2.5]),
                        st.just(a.life),
                    )
                )
            out.append(Opening(c.ticker, a.name, value, min(left, a.life)))
    return tuple(out)


@st.composite
def _life_changes(draw: st.DrawFn, spec: ModelSpec) -> tuple[LifeChange, ...]:
    """1-3 changes of a depreciable class's life, for a company or `*`, longer or shorter
    (short ones write book values off), dated at or before the first period, within the
    timeline, after its last period, or by a quarter; one per class name and period."""
    first, last = spec.first_year, spec.last_year
    targets = sorted(
        {(c.ticker, a.name) for c in spec.companies for a in spec.classes_of(c) if a.life}
    )
    targets += sorted({("*", name) for _, name in targets})
    out: list[LifeChange] = []
    used: set[tuple[str, int]] = set()
    for _ in range(draw(st.integers(1, 3))):
        ticker, name = draw(st.sampled_from(targets))
        when = draw(st.sampled_from(["before", "within", "within", "within", "after"]))
        if when == "before":
            year = draw(st.integers(first - 2, first))
        elif when == "after":
            year = draw(st.integers(last + 1, last + 2))
        else:
            year = draw(st.integers(min(first + 1, last), last))
        # every date at or before the first period is the start (and every one after the
        # last is unused): one change per class name among them
        key = (name, min(max(year, first), last + 1))
        if key in used:
            continue
        used.add(key)
        quarter = draw(st.integers(0, 4)) if draw(st.integers(0, 4)) == 0 else 0
        life = draw(st.one_of(lives, st.sampled_from([0.5, 1.0, 2.0, 3.0])))
        label = f"{year}Q{quarter}" if quarter else str(year)
        out.append(LifeChange(ticker, name, label, life))
    return tuple(out)


def _amount(x: float, thousands: bool) -> str:
    return f"{x:,}" if thousands and abs(x) >= 1000 else repr(x)


def _shares(classes: tuple[AssetClass, ...]) -> list[str]:
    """Shares as weight / total, written with every digit: their sum is 1 within 1e-15."""
    total = sum(a.weight for a in classes)
    return [repr(a.weight / total) for a in classes]


def write_spec(spec: ModelSpec, folder: Path) -> Path:
    """Write `spec` as an input folder (the six CSV files, and opening_balances.csv and
    life_changes.csv when it has any)."""
    folder.mkdir(parents=True)

    def table(name: str, header: list[str], rows: list[list[object]]) -> None:
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)

    t = spec.thousands
    cos = spec.companies
    if spec.tax_column or any(c.tax_rate is not None for c in cos):
        table(
            "companies.csv",
            ["ticker", "name", "fiscal_year_end_month", "tax_rate"],
            [[c.ticker, c.name, c.month, c.tax_rate or ""] for c in cos],
        )
    else:
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
    columns = ("depreciation", "ppe_depreciation", "net_ppe", "revenue", "diluted_shares")
    reported = [name for name in columns if any(getattr(c, name) for c in cos)]

    def figure(c: Company, name: str, i: int) -> str:
        values = getattr(c, name)
        return "" if not values or values[i] is None else _amount(values[i], t)

    table(
        "financials.csv",
        ["ticker", "period", "net_income", "source", *reported],
        [
            [c.ticker, c.net_income_first + i, _amount(x, t), "10-K"]
            + [figure(c, name, i) for name in reported]
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

    def maybe(x: float | None) -> str:
        return "" if x is None else repr(x)

    rows = []
    for ticker, classes in [("*", spec.default_classes)] + [(c.ticker, c.classes) for c in cos]:
        for a, share in zip(classes, _shares(classes), strict=True):
            rows.append([ticker, a.name, share, repr(a.life), maybe(a.lag)])
    for c in cos:
        for o in c.overrides:
            rows.append([c.ticker, o.name, "", maybe(o.life), maybe(o.lag)])
    header = ["ticker", "asset_class", "share", "useful_life_years", "in_service_lag_years"]
    if not spec.lag_column and not any(r[4] for r in rows):
        header, rows = header[:4], [r[:4] for r in rows]  # no lag: the column left out
    table("assumptions.csv", header, rows)
    # the draws span more than 1,000 times within a company (a capex of 0.5 after 4,938):
    # arithmetic to check, not a unit astray (tests/integration/test_scale.py checks that)
    allowed = [["allow_outliers", "true"]]
    table("settings.csv", ["key", "value"], [list(kv) for kv in spec.settings] + allowed)
    if spec.scenarios:
        table(
            "scenarios.csv",
            ["scenario", "key", "value", "source"],
            [[*row, "what if"] for row in spec.scenarios],
        )
    if spec.openings:
        table(
            "opening_balances.csv",
            ["ticker", "asset_class", "net_book_value", "remaining_life_years", "source"],
            [
                [o.ticker, o.name, _amount(o.book_value, t), repr(o.remaining_life), "10-K"]
                for o in spec.openings
            ],
        )
    if spec.life_changes:
        table(
            "life_changes.csv",
            ["ticker", "asset_class", "effective_from", "useful_life_years", "source"],
            [[x.ticker, x.name, x.effective_from, repr(x.life), "10-K"] for x in spec.life_changes],
        )
    return folder
