"""The input folder: six CSV files, validated into one typed `Inputs` object.

Every rule reports a `Problem` naming file, line and column; all problems of a folder are
reported together (see `csvread`). Amounts are in the unit of `settings.csv`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from modelgen.inputs.actuals import Fact, resolve
from modelgen.inputs.csvread import (
    InputError,
    Problems,
    Record,
    duplicates,
    near_miss,
    parse_number,
    read_table,
)
from modelgen.inputs.ppe import (
    LIFE_CHANGES_FILE,
    OPENING_FILE,
    REPORTED_COLUMNS,
    LifeChange,
    Opening,
    place_changes,
    read_life_changes,
    read_opening_balances,
    reported,
)
from modelgen.inputs.scenarios import SCENARIOS_FILE, Scenarios, read_scenarios
from modelgen.inputs.settings import (
    CONVENTIONS,
    SETTINGS_FILE,
    Settings,
    read_settings,
    unit_scale,
)
from modelgen.inputs.timeline import Period, Timeline, make_timeline, parse_period, quarters_of

FILES = ("companies.csv", "capex.csv", "financials.csv", "guidance.csv", "assumptions.csv")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$")
FIRST_YEAR, LAST_YEAR = 1900, 2199
RESERVED_TICKERS = ("TOTAL",)  # row keys such as capex:TOTAL
SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Guidance:
    low: float
    high: float | None
    source: str
    line: int

    @property
    def midpoint(self) -> float:
        return self.low if self.high is None else (self.low + self.high) / 2


@dataclass(frozen=True)
class AssetClass:
    """A share of capex with a useful life (0: land) entering service `lag` years late."""

    name: str
    share: float
    useful_life: float
    lag: float = 0.0


@dataclass(frozen=True)
class Company:
    ticker: str
    name: str
    fiscal_year_end_month: int
    tax_rate: float | None = None  # None: the tax_rate setting


@dataclass
class Inputs:
    """Everything the model is built from, validated; actuals in the model's frequency."""

    folder: Path
    companies: list[Company]
    capex: dict[str, dict[Period, Fact]]
    net_income: dict[str, dict[Period, Fact]]
    guidance: dict[str, dict[int, Guidance]]  # by fiscal year
    asset_classes: dict[str, list[AssetClass]]
    settings: Settings
    capex_quarters: dict[str, dict[Period, Fact]] = field(default_factory=dict)
    net_income_quarters: dict[str, dict[Period, Fact]] = field(default_factory=dict)
    scenarios: Scenarios = field(default_factory=Scenarios)
    file_hashes: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    opening: dict[str, dict[str, Opening]] = field(default_factory=dict)  # by ticker, class
    life_changes: dict[str, dict[str, dict[Period, LifeChange]]] = field(default_factory=dict)
    depreciation_reported: dict[str, dict[Period, Fact]] = field(default_factory=dict)
    net_ppe_reported: dict[str, dict[Period, Fact]] = field(default_factory=dict)
    revenue: dict[str, dict[Period, Fact]] = field(default_factory=dict)
    diluted_shares: dict[str, dict[Period, Fact]] = field(default_factory=dict)  # millions

    @property
    def tickers(self) -> list[str]:
        return [c.ticker for c in self.companies]

    @property
    def last_actual_period(self) -> Period:
        return max(max(p) for p in self.capex.values())

    @property
    def timeline(self) -> Timeline:
        """The earliest actual to the latest actual plus the forecast years."""
        first = min(min(p) for p in self.capex.values())
        s = self.settings
        return make_timeline(s.frequency, first, self.last_actual_period, s.forecast_years)

    @property
    def periods(self) -> list[Period]:
        return list(self.timeline.periods)

    def company(self, ticker: str) -> Company:
        return next(c for c in self.companies if c.ticker == ticker)


def load_inputs(folder: Path) -> Inputs:
    """Read and validate an input folder; raises InputError listing every problem."""
    folder = Path(folder)
    probs = Problems()
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        probs.add(
            str(folder),
            0,
            "",
            f"the input folder {what}",
            "give --inputs a folder of CSV files (modelgen init DIR makes one)",
        )
        probs.raise_if_any()
    notes: list[str] = []
    companies, known = _companies(folder, probs)
    settings = read_settings(folder, probs, notes)
    with_capex_rows: set[str] = set()
    capex = _facts(
        folder / "capex.csv", "capex", known, probs, allow_negative=False, seen=with_capex_rows
    )
    extra: dict[str, dict[str, dict[Period, Fact]]] = {}
    net_income = _facts(
        folder / "financials.csv", "net_income", known, probs, allow_negative=True, extra=extra
    )
    capex_q: dict[str, dict[Period, Fact]] = {}
    ni_q: dict[str, dict[Period, Fact]] = {}
    for name, table in (("capex", capex), ("net_income", net_income)):
        if table is not None:
            file = "capex.csv" if name == "capex" else "financials.csv"
            tol = settings.quarter_sum_tolerance
            done, detail = resolve(table, name, file, settings.frequency, tol, probs, notes)
            table.clear()
            table.update(done)
            (capex_q if name == "capex" else ni_q).update(detail)
    guidance = _guidance(folder / "guidance.csv", known, probs)
    classes = _asset_classes(folder / "assumptions.csv", companies, known, probs)
    # scenario keys are checked against the companies' classes only when those are sound,
    # so that one broken file is reported once, not again as scenarios.csv's problem
    sound = classes is not None and known is not None and len(classes) == len(companies)
    opening = read_opening_balances(folder, classes if sound else None, probs)
    changes = read_life_changes(folder, classes if sound else None, probs)
    scenarios = read_scenarios(folder, settings, classes if sound else None, probs, opening)
    for c in companies if capex is not None else []:
        if c.ticker not in capex and c.ticker not in with_capex_rows:
            probs.add(
                "capex.csv",
                0,
                "ticker",
                f"{c.ticker} has no capex actuals",
                f"add at least one row for {c.ticker}, or remove it from companies.csv",
            )
    probs.raise_if_any()
    assert (
        capex is not None
        and net_income is not None
        and guidance is not None
        and classes is not None
    )
    inputs = Inputs(
        folder, companies, capex, net_income, guidance, classes, settings, capex_q, ni_q
    )
    inputs.file_hashes = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in (*FILES, SETTINGS_FILE, SCENARIOS_FILE, OPENING_FILE, LIFE_CHANGES_FILE)
        if (folder / name).is_file()
    }
    inputs.scenarios = scenarios
    inputs.warnings.extend(notes)
    inputs.opening = opening
    timeline = inputs.timeline
    inputs.life_changes = place_changes(changes, timeline, probs, inputs.warnings)
    scenarios.place(timeline, probs, inputs.warnings)
    probs.raise_if_any()
    inputs.depreciation_reported = reported(extra.get("depreciation", {}), "depreciation", timeline)
    inputs.net_ppe_reported = reported(extra.get("net_ppe", {}), "net_ppe", timeline)
    inputs.revenue = reported(extra.get("revenue", {}), "revenue", timeline)
    inputs.diluted_shares = reported(extra.get("diluted_shares", {}), "diluted_shares", timeline)
    if unit_scale(settings.unit) is None and inputs.diluted_shares:
        inputs.warnings.append(
            f'settings.csv: the unit "{settings.unit}" names no scale modelgen knows (k, m, '
            "bn, thousand, million, billion…): EPS takes its amounts as single units"
        )
    _warn_outside_timeline(inputs)
    _warn_guidance_for_actuals(inputs)
    return inputs


def _check_name(rec: Record, column: str, probs: Problems, what: str) -> str | None:
    value = rec[column]
    if not NAME_RE.match(value):
        probs.add(
            rec.file,
            rec.line,
            column,
            f'{what} "{value}" is not usable' if value else f"{what} is empty",
            "use 1 to 31 letters, digits, '.', '-' or '_', starting with a letter or digit",
        )
        return None
    if what == "the ticker" and value.upper() in RESERVED_TICKERS:
        probs.add(
            rec.file,
            rec.line,
            column,
            f'the ticker "{value}" is reserved for the totals rows',
            "use another spelling, e.g. TOTAL.X",
        )
        return None
    return value


def _period(rec: Record, probs: Problems, *, quarters: bool = True) -> Period | None:
    """A fiscal year `2024` or, where allowed, a fiscal quarter `2025Q1`."""
    raw = rec["period"]
    period = parse_period(raw)
    what = "a fiscal year or quarter" if quarters else "a fiscal year"
    if period is None:
        hint = "write the fiscal year as four digits, e.g. 2024" + (
            ", or a quarter as 2025Q1" if quarters else ""
        )
        if raw.endswith(".0") and parse_period(raw[:-2]):
            hint = f"write {raw[:-2]}: format the column as text or a whole number"
        probs.add(rec.file, rec.line, "period", f'"{raw}" is not {what}', hint)
        return None
    if period.is_quarter and not quarters:
        probs.add(
            rec.file,
            rec.line,
            "period",
            f'"{raw}" is a quarter; guidance is for fiscal years',
            f"write the fiscal year, {period.year}",
        )
        return None
    if not FIRST_YEAR <= period.year <= LAST_YEAR:
        probs.add(
            rec.file,
            rec.line,
            "period",
            f"{period.year} is not a plausible fiscal year",
            f"enter a year from {FIRST_YEAR} to {LAST_YEAR}",
        )
        return None
    return period


def _companies(folder: Path, probs: Problems) -> tuple[list[Company], set[str] | None]:
    """The valid companies, and every ticker listed (None when the file is not fully read).

    Other files are checked against every ticker listed, not only the valid rows, so that a
    bad month or a bad ticker spelling is reported once, in companies.csv, and not again as
    an "unknown ticker" on every row of the other files that use it. When a row could not
    be split into fields (or an unclosed quote swallowed the rest of the file) the tickers
    are not known, and the other files are not checked against them.
    """
    broken: list[Record] = []
    records = read_table(
        folder / "companies.csv",
        ["ticker", "name", "fiscal_year_end_month"],
        ("tax_rate",),
        probs,
        allow_empty=False,
        broken=broken,
    )
    if records is None:
        return [], None
    listed = None if broken else {r["ticker"] for r in records if r["ticker"]}
    out: list[Company] = []
    for first, dup in duplicates(records, ("ticker",), ignore_case=True):
        same = "" if first["ticker"] == dup["ticker"] else f" as {first['ticker']}"
        probs.add(
            dup.file,
            dup.line,
            "ticker",
            f"{dup['ticker']} is listed twice (also line {first.line}{same})",
            "keep one row per company (tickers are compared ignoring case, as Excel does)",
        )
    seen: set[str] = set()
    for rec in records:
        ticker = _check_name(rec, "ticker", probs, "the ticker")
        if not rec["name"]:
            probs.add(rec.file, rec.line, "name", "the company name is empty", "enter its name")
        month = parse_number(rec, "fiscal_year_end_month", Problems())
        if month is None or month != int(month) or not 1 <= month <= 12:
            probs.add(
                rec.file,
                rec.line,
                "fiscal_year_end_month",
                f'"{rec["fiscal_year_end_month"]}" is not a month',
                "enter 1 to 12 (12 for a December year end)",
            )
            month = None
        tax = parse_number(rec, "tax_rate", probs, required=False, percent=True)
        if tax is not None and not 0 <= tax < 1:
            probs.add(
                rec.file,
                rec.line,
                "tax_rate",
                f"tax_rate {rec['tax_rate']} is not between 0 and 1",
                "enter e.g. 0.16 or 16%, or leave it empty for the tax_rate setting",
            )
        if ticker and month is not None and rec["name"] and ticker.casefold() not in seen:
            seen.add(ticker.casefold())
            out.append(Company(ticker, rec["name"], int(month), tax))
    return out, listed


def _ticker(
    rec: Record, known: set[str] | None, probs: Problems, allow_default: bool = False
) -> str | None:
    """The row's ticker if companies.csv lists it; `known` None: companies.csv is unusable."""
    t = rec["ticker"]
    if allow_default and t == "*":
        return t
    if known is None:
        return t if NAME_RE.match(t) else None
    if t not in known:
        close = sorted(k for k in known if k.casefold() == t.casefold() or near_miss(k, t))
        probs.add(
            rec.file,
            rec.line,
            "ticker",
            f'unknown ticker "{t}"' if t else "the ticker is empty",
            f'did you mean "{close[0]}"? tickers must match companies.csv exactly'
            if close
            else "add it to companies.csv or correct the spelling",
        )
        return None
    return t


def _one_row_per_period(records: list[Record], probs: Problems) -> None:
    for first, dup in duplicates(records, ("ticker", "period")):
        probs.add(
            dup.file,
            dup.line,
            "period",
            f"{dup['ticker']} {dup['period']} appears twice (also line {first.line})",
            "keep one row per ticker and period",
        )


def _facts(
    path: Path,
    column: str,
    known: set[str] | None,
    probs: Problems,
    *,
    allow_negative: bool,
    seen: set[str] | None = None,
    extra: dict[str, dict[str, dict[Period, Fact]]] | None = None,
) -> dict[str, dict[Period, Fact]] | None:
    """Actuals by ticker and period as given; `seen` collects every ticker with a row.

    With `extra`, the optional reported columns (financials.csv's `REPORTED_COLUMNS`, empty
    cells allowed, never negative) are collected into it by column.
    """
    optional = ("source", *REPORTED_COLUMNS) if extra is not None else ("source",)
    records = read_table(
        path, ["ticker", "period", column], optional, probs, allow_empty=column != "capex"
    )
    if records is None:
        return None
    out: dict[str, dict[Period, Fact]] = {}
    _one_row_per_period(records, probs)
    for rec in records:
        ticker = _ticker(rec, known, probs)
        if ticker and seen is not None:
            seen.add(ticker)
        period = _period(rec, probs)
        value = parse_number(rec, column, probs)
        if value is not None and value < 0 and not allow_negative:
            probs.add(
                rec.file,
                rec.line,
                column,
                f"{value:g} is negative",
                f"enter {column} as a positive amount",
            )
            value = None
        if ticker and period is not None and value is not None:
            out.setdefault(ticker, {}).setdefault(period, Fact(value, rec["source"], rec.line))
        for name in REPORTED_COLUMNS if extra is not None else ():
            figure = parse_number(rec, name, probs, required=False)
            if figure is not None and figure < 0:
                probs.add(
                    rec.file, rec.line, name, f"{figure:g} is negative", "enter a positive amount"
                )
                figure = None
            if ticker and period is not None and figure is not None:
                fact = Fact(figure, rec["source"], rec.line)
                extra.setdefault(name, {}).setdefault(ticker, {})[period] = fact  # type: ignore[union-attr]
    return out


def _guidance(
    path: Path, known: set[str] | None, probs: Problems
) -> dict[str, dict[int, Guidance]] | None:
    records = read_table(path, ["ticker", "period", "capex_low"], ("capex_high", "source"), probs)
    if records is None:
        return None
    out: dict[str, dict[int, Guidance]] = {}
    _one_row_per_period(records, probs)
    for rec in records:
        ticker = _ticker(rec, known, probs)
        period = _period(rec, probs, quarters=False)
        low = parse_number(rec, "capex_low", probs)
        high = parse_number(rec, "capex_high", probs, required=False)
        if low is not None and low < 0:
            probs.add(
                rec.file,
                rec.line,
                "capex_low",
                f"{low:g} is negative",
                "enter guidance as positive amounts",
            )
            low = None
        if low is not None and high is not None and high < low:
            probs.add(
                rec.file,
                rec.line,
                "capex_high",
                f"the high {high:g} is below the low {low:g}",
                "swap them, or leave capex_high empty for a single figure",
            )
            low = None
        if ticker and period is not None and low is not None:
            out.setdefault(ticker, {}).setdefault(
                period.year, Guidance(low, high, rec["source"], rec.line)
            )
    return out


def _asset_classes(
    path: Path, companies: list[Company], known: set[str] | None, probs: Problems
) -> dict[str, list[AssetClass]] | None:
    """Each company's asset classes: its own rows, else the default (`*`).

    A company whose rows leave `share` empty overrides only the life or lag of the default
    classes it names, so one class can differ without restating the others.
    """
    records = read_table(
        path,
        ["ticker", "asset_class", "share", "useful_life_years"],
        ("in_service_lag_years",),
        probs,
        allow_empty=False,
    )
    if records is None:
        return None
    # tickers with a row that failed: their share sum and coverage would only echo it
    failed: set[str] = set()
    for first, dup in duplicates(records, ("ticker", "asset_class"), ignore_case=True):
        failed.add(dup["ticker"])
        probs.add(
            dup.file,
            dup.line,
            "asset_class",
            f"{dup['ticker']} {dup['asset_class']} appears twice (also line {first.line})",
            "keep one row per ticker and asset class",
        )
    rows: dict[str, list[tuple[Record, AssetClass]]] = {}
    overrides: dict[str, list[tuple[Record, str, float | None, float | None]]] = {}
    for rec in records:
        ticker = _ticker(rec, known, probs, allow_default=True)
        n_before = len(probs.items)
        name = _check_name(rec, "asset_class", probs, "the asset class")
        override = rec["ticker"] not in ("", "*") and rec["share"] == ""
        share = None if override else parse_number(rec, "share", probs, percent=True)
        life = parse_number(rec, "useful_life_years", probs, required=not override)
        lag = parse_number(rec, "in_service_lag_years", probs, required=False)
        if share is not None and not 0 <= share <= 1:
            probs.add(
                rec.file,
                rec.line,
                "share",
                f"{rec['share']} is not a share between 0 and 1",
                "enter the fraction of capex, e.g. 0.6 or 60% (0: the class takes no new capex)",
            )
            share = None
        if life is not None and life < 0:
            probs.add(
                rec.file,
                rec.line,
                "useful_life_years",
                f"the useful life {life:g} is negative",
                "enter a life in years (fractions such as 5.5 are fine; 0 is land)",
            )
            life = None
        if lag is not None and lag < 0:
            probs.add(
                rec.file,
                rec.line,
                "in_service_lag_years",
                f"the lag {lag:g} is negative",
                "enter the years capex stays under construction, 0 or more",
            )
            lag = None
        if ticker and len(probs.items) > n_before:
            failed.add(ticker)
        if ticker and name and override:
            overrides.setdefault(ticker, []).append((rec, name, life, lag))
        elif ticker and name and share is not None and life is not None:
            if all(a.name.casefold() != name.casefold() for _, a in rows.get(ticker, [])):
                cls = AssetClass(name, share, life, lag or 0.0)
                rows.setdefault(ticker, []).append((rec, cls))
    for ticker, items in rows.items():
        if ticker in failed:
            continue
        total = sum(a.share for _, a in items)
        if abs(total - 1) > SHARE_TOLERANCE:
            who = "the default (*)" if ticker == "*" else ticker
            probs.add(
                path.name,
                items[0][0].line,
                "share",
                f"the shares of {who} sum to {total:.6g}, not 1",
                "make the asset-class shares of each ticker add up to 1",
            )
    out: dict[str, list[AssetClass]] = {}
    for c in companies:
        own = rows.get(c.ticker) or rows.get("*")
        if own is None and not failed & {c.ticker, "*"}:
            probs.add(
                path.name,
                0,
                "ticker",
                f"{c.ticker} has no asset classes and there is no default",
                f"add rows for {c.ticker} or for ticker *",
            )
        elif own is not None:
            out[c.ticker] = _override(c.ticker, [a for _, a in own], overrides, rows, probs)
    return out


def _override(
    ticker: str, classes: list[AssetClass], overrides: dict, rows: dict, probs: Problems
) -> list[AssetClass]:
    """The default classes with the company's own life and lag where it gives them."""
    by_name = {a.name: a for a in classes}
    for rec, name, life, lag in overrides.get(ticker, []):
        if ticker in rows:
            probs.add(
                rec.file,
                rec.line,
                "share",
                "is empty, but this company's other rows give shares",
                "give every row of the company a share, or leave the shares to the default",
            )
        elif name not in by_name:
            probs.add(
                rec.file,
                rec.line,
                "asset_class",
                f'the default (*) has no asset class "{name}" for {ticker} to override',
                "give a share to add a class, or use a class of the default",
            )
        else:
            a = by_name[name]
            by_name[name] = AssetClass(
                name,
                a.share,
                a.useful_life if life is None else life,
                a.lag if lag is None else lag,
            )
    return list(by_name.values())


def _warn_outside_timeline(inputs: Inputs) -> None:
    periods = inputs.periods
    lo, hi = periods[0], periods[-1]
    for ticker, facts in inputs.net_income.items():
        for period, fact in facts.items():
            if not lo <= period <= hi:
                inputs.warnings.append(
                    f"financials.csv, line {fact.line}: {ticker} {period} is outside the "
                    f"timeline {lo}–{hi} and is not used"
                )
    years = {p.year for p in periods}
    for ticker, guided in inputs.guidance.items():
        for year, g in guided.items():
            if year not in years:
                inputs.warnings.append(
                    f"guidance.csv, line {g.line}: {ticker} {year} is outside the timeline "
                    f"{lo}–{hi} and is not used"
                )


def _warn_guidance_for_actuals(inputs: Inputs) -> None:
    quarterly = inputs.settings.frequency == "quarterly"
    for ticker, guided in inputs.guidance.items():
        actuals = inputs.capex.get(ticker, {})
        for year, g in guided.items():
            if not quarterly and Period(year) in actuals:
                inputs.warnings.append(
                    f"guidance.csv, line {g.line}: {ticker} {year} has an actual in capex.csv, "
                    "which is used instead of the guidance"
                )
            reported = [actuals[q].value for q in quarters_of(year) if q in actuals]
            if quarterly and reported and g.midpoint < sum(reported):
                inputs.warnings.append(
                    f"guidance.csv, line {g.line}: {ticker} {year} guidance midpoint "
                    f"{g.midpoint:,.6g} is below the {sum(reported):,.6g} already reported; "
                    "the year's remaining quarters are set to 0"
                )


__all__ = [
    "InputError",
    "Inputs",
    "load_inputs",
    "Settings",
    "AssetClass",
    "Company",
    "Fact",
    "Guidance",
    "CONVENTIONS",
]
