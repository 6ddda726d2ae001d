"""The input folder: its CSV files read and validated into one typed `Inputs` object.

`load_inputs` puts together what each file's reader returns (`tables`, `asset_classes`,
`settings`, `scenarios`, `ppe`), then checks what only the whole folder shows: a company
without capex actuals, the rows outside the timeline. Every rule reports a `Problem` naming
file, line and column; all problems of a folder are reported together (see `csvread`).
Amounts are in the unit of `settings.csv`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modelgen.inputs.actuals import Fact, resolve
from modelgen.inputs.asset_classes import AssetClass, read_asset_classes
from modelgen.inputs.csvread import Problems, save_as_csv, workbook_instead
from modelgen.inputs.ppe import (
    LifeChange,
    Opening,
    place_changes,
    read_life_changes,
    read_opening_balances,
    reported,
)
from modelgen.inputs.scale import COLUMNS as SCALED
from modelgen.inputs.scale import check_scale
from modelgen.inputs.scenarios import Scenarios, read_scenarios
from modelgen.inputs.schema import CAPEX, FILES, FINANCIALS
from modelgen.inputs.settings import Settings, read_settings, unit_scale
from modelgen.inputs.source import Folder, Source
from modelgen.inputs.tables import Company, Guidance, read_companies, read_facts, read_guidance
from modelgen.inputs.timeline import Period, Timeline, make_timeline, quarters_of

#: every file the folder's readers read (`init` writes each)
INPUT_FILES = tuple(spec.name for spec in FILES)
#: the files a folder may leave out
OPTIONAL_FILES = tuple(spec.name for spec in FILES if not spec.needed)


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
    ppe_depreciation_reported: dict[str, dict[Period, Fact]] = field(default_factory=dict)
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
    _check_files_there(folder, probs)
    source = Folder(folder)
    inputs = inputs_from(source, folder, probs)
    inputs.file_hashes = source.hashes()
    return inputs


def inputs_from(source: Source, folder: Path, probs: Problems | None = None) -> Inputs:
    """Validate the files of `source` into Inputs (`folder` is where they are said to come
    from); raises InputError listing every problem."""
    probs = Problems() if probs is None else probs
    notes: list[str] = []
    companies, known = read_companies(source, probs)
    settings = read_settings(source, probs, notes)
    with_capex_rows: set[str] = set()
    capex = read_facts(source, CAPEX, known, probs, allow_negative=False, seen=with_capex_rows)
    extra: dict[str, dict[str, dict[Period, Fact]]] = {}
    net_income = read_facts(source, FINANCIALS, known, probs, allow_negative=True, extra=extra)
    figures = {"capex": capex or {}, "net_income": net_income or {}, **extra}
    check_scale(
        {(file, c): figures.get(c, {}) for file, columns in SCALED.items() for c in columns},
        settings.unit,
        settings.allow_outliers,
        probs,
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
    guidance = read_guidance(source, known, probs)
    classes = read_asset_classes(source, companies, known, probs)
    # scenario keys are checked against the companies' classes only when those are sound,
    # so that one broken file is reported once, not again as scenarios.csv's problem
    sound = classes is not None and known is not None and len(classes) == len(companies)
    opening = read_opening_balances(source, classes if sound else None, probs)
    changes = read_life_changes(source, classes if sound else None, probs)
    scenarios = read_scenarios(source, settings, classes if sound else None, probs, opening)
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
    inputs.scenarios = scenarios
    inputs.warnings.extend(probs.warnings)  # the columns not used
    inputs.warnings.extend(notes)
    inputs.opening = opening
    timeline = inputs.timeline
    inputs.life_changes = place_changes(changes, timeline, probs, inputs.warnings)
    scenarios.place(timeline, probs, inputs.warnings)
    probs.raise_if_any()
    inputs.depreciation_reported = reported(extra.get("depreciation", {}), "depreciation", timeline)
    inputs.ppe_depreciation_reported = reported(
        extra.get("ppe_depreciation", {}), "ppe_depreciation", timeline
    )
    _check_ppe_within_da(inputs, probs)
    probs.raise_if_any()
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


def _check_files_there(folder: Path, probs: Problems) -> None:
    """A folder without any input file is a wrong --inputs, or one to start with `init`;
    an optional file there only as a workbook (scenarios.xlsx) would be silently left out.
    (A required file's readers say both for it: csvread's missing-file hint.)"""
    if not any((folder / n).exists() or workbook_instead(folder / n) for n in INPUT_FILES):
        probs.add(
            str(folder),
            0,
            "",
            f"the folder holds none of the input files ({', '.join(INPUT_FILES)})",
            f"modelgen init {folder} writes them, with an example company to replace; "
            "or give --inputs the folder that holds them",
        )
        probs.raise_if_any()
    for name in OPTIONAL_FILES:
        workbook = None if (folder / name).exists() else workbook_instead(folder / name)
        if workbook:
            probs.add(name, 0, "", "the file is missing", save_as_csv(workbook, name))


def _check_ppe_within_da(inputs: Inputs, probs: Problems) -> None:
    """PP&E depreciation is part of total D&A: more than it means one of the two columns
    holds another figure (a different period or unit), which no check could tell later."""
    for ticker, facts in inputs.ppe_depreciation_reported.items():
        totals = inputs.depreciation_reported.get(ticker, {})
        for period, fact in facts.items():
            total = totals.get(period)
            if total is not None and fact.value > total.value * (1 + 1e-9):
                probs.add(
                    "financials.csv",
                    fact.line,
                    "ppe_depreciation",
                    f"{ticker} {period}: PP&E depreciation {fact.value:,.6g} is more than the "
                    f"total D&A {total.value:,.6g} it is part of",
                    "give depreciation of property and equipment in ppe_depreciation and the "
                    "cash-flow statement's total D&A in depreciation, in the same unit",
                )


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


__all__ = ["INPUT_FILES", "Inputs", "inputs_from", "load_inputs"]  # the class, not a sheet
