"""`ingest-sec`: a company's capex, net income, D&A, net PP&E, revenue and diluted shares
from SEC XBRL company facts.

Reads the JSON the SEC publishes at data.sec.gov/api/xbrl/companyfacts/CIK##########.json,
labels every figure by fiscal period (see `modelgen.sec.periods`), converts amounts to the
model's unit (diluted shares to millions of shares, whatever that unit) and adds or updates
the ticker's rows in `capex.csv` and `financials.csv`, and its fiscal year end in
`companies.csv`.
Everything is computed and checked before any file is touched, and each file is replaced
atomically, so a failed run leaves the inputs exactly as they were.

Each column reads a list of us-gaap tags (see `modelgen.sec.series`), chosen per period: a
period missing under the first tag takes the next tag's figure, and the row's `source` then
names that tag (the first tag goes unnamed, so the usual case reads as it always has).
`financials.csv` rows are net income's periods; depreciation, net PP&E, revenue and diluted
shares fill those rows where the filing has them, and the source names each figure's facts.
Diluted shares are a weighted average over the period, so they are written only for the
years and quarters the filing reports; a missing quarter is never derived by difference.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from modelgen.atomic import write_bytes
from modelgen.errors import EXIT_BAD_INPUT, ModelgenError
from modelgen.inputs.csvread import BOM, Problems, read_csv
from modelgen.inputs.csvwrite import PLAIN, Dialect
from modelgen.inputs.numbers import Convention, parse
from modelgen.inputs.schema import COMPANIES, FILES, SETTINGS, FileSpec, spec_of
from modelgen.sec.companies import same_company, wrong_ticker
from modelgen.sec.periods import (
    PeriodValue,
    average_periods,
    balance_from_json,
    derive_balances,
    derive_periods,
    fact_from_json,
    fiscal_year_end_month,
    period_sort_key,
    sum_notes,
)
from modelgen.sec.series import FILE_COLUMNS, SERIES, Series
from modelgen.words import plural

UNIT_DIVISORS = {"USD": 1, "USD k": 10**3, "USD m": 10**6, "USD bn": 10**9}
DEFAULT_UNIT = "USD bn"
COMPANY_COLUMNS = list(COMPANIES.required)
COMPANY_FACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json"


class SecError(ModelgenError, ValueError):
    """A company-facts file or an inputs folder that `ingest-sec` cannot use; no CSV changed."""

    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True)
class RowChange:
    """One cell of the ticker's: file, period and column, the text before (None: a new row;
    "": an empty cell) and after, and the facts the new figure came from."""

    file: str
    period: str
    column: str
    old: str | None
    new: str
    source: str


@dataclass
class IngestReport:
    """What an ingest did, cell by cell, for the CLI to print and tests to check."""

    ticker: str
    name: str
    unit: str
    fiscal_year_end_month: int
    added: list[RowChange] = field(default_factory=list)  # cells of new rows
    updated: list[RowChange] = field(default_factory=list)  # filled ("" before) or restated
    unchanged: list[RowChange] = field(default_factory=list)
    company: str = ""  # what changed in companies.csv, "" when nothing did
    columns: list[str] = field(default_factory=list)  # columns added to existing files
    missing: list[str] = field(default_factory=list)  # optional figures the file lacks
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def row_counts(self, file: str | None = None) -> tuple[int, int, int]:
        """Rows (all files, or one) added, updated (any cell changed) and left unchanged."""

        def rows(changes: list[RowChange]) -> set[tuple[str, str]]:
            return {(c.file, c.period) for c in changes if file in (None, c.file)}

        added = rows(self.added)
        updated = rows(self.updated) - added
        return len(added), len(updated), len(rows(self.unchanged) - added - updated)

    def lines(self) -> list[str]:
        """Human-readable summary: row counts, new rows, filled cells, restatements, notes."""
        out = [
            f"{self.ticker} ({self.name}): fiscal year ends in month {self.fiscal_year_end_month}, "
            f"amounts in {self.unit}",
            _counts(*self.row_counts()),
        ]
        for file in dict.fromkeys(c.file for c in self.added + self.updated + self.unchanged):
            added, updated, unchanged = self.row_counts(file)
            out.append(f"  {file}: {_counts(added, updated, unchanged)}")
        for file in dict.fromkeys(c.file for c in self.added):
            periods = dict.fromkeys(c.period for c in self.added if c.file == file)
            out.append(f"  added to {file}: {', '.join(periods)}")
        filled = [c for c in self.updated if c.old == ""]
        for file, column in dict.fromkeys((c.file, c.column) for c in filled):
            periods = [c.period for c in filled if (c.file, c.column) == (file, column)]
            out.append(f"  filled in {file}: {column} for {', '.join(periods)}")
        for c in self.updated:
            if c.old:  # the column is named where the file has several
                cell = f"{c.period} {c.column}" if len(FILE_COLUMNS[c.file]) > 1 else c.period
                out.append(
                    f"  restated in {c.file}: {self.ticker} {cell} {c.old} -> {c.new} ({c.source})"
                )
        out.extend(f"  {line}" for line in self.columns)
        if self.company:
            out.append(f"  companies.csv: {self.company}")
        out.extend(f"  {line}" for line in self.missing)
        out.extend(f"  note: {note}" for note in self.notes)
        if not self.written:
            out.append("no files changed")
        return out


def _counts(added: int, updated: int, unchanged: int) -> str:
    """`1 row added, 2 updated, 0 unchanged`."""
    return f"{plural(added, 'row')} added, {updated} updated, {unchanged} unchanged"


def ingest_sec(
    facts_path: Path, ticker: str, inputs_dir: Path, *, name: str | None = None
) -> IngestReport:
    """Add or update `ticker`'s capex, net income, D&A, net PP&E, revenue, diluted shares and
    fiscal year end.

    Periods come from each fact's dates, never from `fy`/`fp`; the latest filing wins; quarters
    that 10-Qs report year to date are derived by difference (never a share count's). Raises
    SecError, with no CSV changed, when the file or the folder cannot be used.
    """
    facts_path, inputs_dir = Path(facts_path), Path(inputs_dir)
    ticker = ticker.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{0,30}", ticker):
        raise SecError(f"ticker {ticker!r} is not usable; pass a ticker such as SNOW or BRK.B")
    if not inputs_dir.is_dir():
        raise SecError(f"inputs folder {inputs_dir} does not exist; create it or pass --inputs DIR")
    doc = _load_company_facts(facts_path)
    unit = _read_unit(inputs_dir)
    dialect = _NewFiles(inputs_dir)
    divisors = {s.column: Decimal(s.divisor or UNIT_DIVISORS[unit]) for s in SERIES}

    facts = {s.column: _series_facts(doc, s, facts_path) for s in SERIES}
    flows = [f for s in SERIES if s.kind == "flow" for fs in facts[s.column].values() for f in fs]
    fye = fiscal_year_end_month(doc["facts"].get("dei", {}), flows)
    if fye is None:
        raise SecError(
            f"{facts_path}: cannot tell the fiscal year end: no 12-month facts from 10-K filings; "
            "use a company-facts file that includes the company's annual reports"
        )
    entity = str(doc.get("entityName") or "").strip()
    companies = _Table.read(inputs_dir, COMPANIES, dialect)
    wrong = (
        None
        if name
        else wrong_ticker(ticker, entity, _names(companies), companies.path, facts_path)
    )
    if wrong:
        raise SecError(wrong)
    report = IngestReport(ticker, name or entity or ticker, unit, fye)
    figures = {s.column: _figures(s, facts[s.column], fye, facts_path, report) for s in SERIES}

    outputs: dict[Path, bytes] = {}
    for file, columns in FILE_COLUMNS.items():
        table = _Table.read(inputs_dir, spec_of(file), dialect)
        added = table.add_columns(["source", *columns[1:]])
        if added and table.existed:
            report.columns.append(f"{file}: added column(s) {', '.join(added)}")
        changed = _merge(table, ticker, columns, figures, divisors, report)
        if changed or added or not table.existed:
            table.rows.sort(
                key=lambda r: (table.get(r, "ticker"), period_sort_key(table.get(r, "period")))
            )
            outputs[table.path] = table.render()

    report.company = _set_company(companies, ticker, name, report.name, fye)
    if report.company or not companies.existed:
        outputs[companies.path] = companies.render()

    for path, data in outputs.items():
        write_bytes(path, data)
        report.written.append(path)
    return report


def companies_in(inputs_dir: Path) -> dict[str, str]:
    """The folder's companies.csv: ticker (upper case) to name; {} when there is none."""
    return _names(_Table.read(Path(inputs_dir), COMPANIES))


def _names(companies: _Table) -> dict[str, str]:
    return {
        companies.get(row, "ticker").upper(): companies.get(row, "name") for row in companies.rows
    }


def ticker_in_folder(facts_path: Path, inputs_dir: Path) -> str:
    """The ticker whose company the filing names: the row of `companies.csv` whose name is
    the filing's entity name, as `ingest-sec` wrote it or as an analyst would ("Snowflake"
    for "SNOWFLAKE INC.", `same_company`); else ask for ``--ticker``."""
    facts_path, inputs_dir = Path(facts_path), Path(inputs_dir)
    entity = entity_of(facts_path)
    found = [t for t, name in companies_in(inputs_dir).items() if same_company(name, entity)]
    if len(found) != 1:
        raise SecError(
            f"{facts_path} is {entity or 'a company'}'s filing, and "
            f"{inputs_dir / 'companies.csv'} has "
            f"{f'{len(found)} companies' if found else 'no company'} of that name; "
            "pass --ticker to say which company it is"
        )
    return found[0]


def entity_of(facts_path: Path) -> str:
    """The company a company-facts file is about, as the filing names it ("" if it does not)."""
    return str(_load_company_facts(Path(facts_path)).get("entityName") or "").strip()


def _load_company_facts(path: Path) -> dict[str, Any]:
    """The parsed JSON, after checking it is a us-gaap company-facts document."""
    fetch = f"download it from {COMPANY_FACTS_URL} (10-digit CIK)"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SecError(f"cannot read {path}: {exc.strerror or exc}; check the path") from exc
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SecError(f"{path} is not JSON ({exc}); {fetch}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("facts"), dict) or "cik" not in doc:
        raise SecError(f"{path} is JSON but not SEC company facts (no 'cik' and 'facts'); {fetch}")
    if "us-gaap" not in doc["facts"]:
        found = ", ".join(sorted(doc["facts"])) or "none"
        ifrs = " (an IFRS filer)" if "ifrs-full" in doc["facts"] else ""
        raise SecError(
            f"{path} has no us-gaap facts, only {found}{ifrs}; modelgen reads US-GAAP company "
            "facts, so enter this company's capex and net income in the CSVs by hand"
        )
    return doc


def _series_facts(doc: dict[str, Any], series: Series, path: Path) -> dict[str, list[Any]]:
    """The facts in the series' unit (USD, or shares) of each of its tags the file has
    (durations, or instants for a balance); SecError when a required series has none of its
    tags, naming what the file has."""
    gaap = doc["facts"]["us-gaap"]
    present = [tag for tag in series.tags if tag in gaap]
    if not present and series.required:
        near = sorted(t for t in gaap if any(word in t for word in series.related))
        has = ", ".join(near) if near else ", ".join(sorted(gaap)[:12])
        raise SecError(
            f"{path} has no us-gaap {_either(series.tags)}; of its {len(gaap)} us-gaap tags "
            f"{'these look related' if near else 'the first are'}: {has or 'none'}. "
            f"modelgen needs one of them for {series.column}; "
            "enter this company's figures in the CSVs by hand"
        )
    parse = balance_from_json if series.kind == "balance" else fact_from_json
    found = {}
    for tag in present:
        units = gaap[tag].get("units", {}) if isinstance(gaap[tag], dict) else {}
        if series.unit not in units:
            raise SecError(
                f"{path}: us-gaap {tag} has units {', '.join(units) or 'none'}, not "
                f"{series.unit}; modelgen reads {series.column} from {series.unit} facts only"
            )
        found[tag] = []
        for i, item in enumerate(units[series.unit]):
            try:
                fact = parse(item)
            except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                raise SecError(
                    f"{path}: us-gaap {tag} {series.unit} entry {i} is malformed ({exc!r}); "
                    "download it again"
                ) from exc
            if fact is not None:  # an instant among flows, or a duration among balances
                found[tag].append(fact)
    return found


def _figures(
    series: Series, facts: dict[str, list[Any]], fye: int, path: Path, report: IngestReport
) -> dict[str, PeriodValue]:
    """The series' figure for each period, from the first of its tags that has one.

    A period's figure comes from one tag alone (a quarter derived by difference never mixes
    tags). A required series without figures is a SecError; an optional one is reported.
    """
    chosen: dict[str, PeriodValue] = {}
    for tag, tag_facts in facts.items():
        if series.kind == "balance":
            values = derive_balances(tag_facts, fye)
        elif series.kind == "average":  # a weighted average: as reported, never a difference
            values = average_periods(tag_facts, fye)
        else:
            values = derive_periods(tag_facts, fye)[0]
        for value in values:
            if value.period not in chosen:
                named = value.source if tag == series.tags[0] else f"{tag} {value.source}"
                chosen[value.period] = replace(value, source=named)
    what = {
        "flow": "3, 6, 9 or 12 month facts",
        "balance": "balances at a quarter end",
        "average": "3 or 12 month facts",
    }[series.kind]
    if not chosen and series.required:
        raise SecError(
            f"{path} has no fiscal-year or quarter figures for {series.column} under us-gaap "
            f"{_either(series.tags)} (no {what}; in the file: {', '.join(facts) or 'none'}); "
            "check that this is the right company's file"
        )
    if not chosen:
        tags = _either(list(facts) or series.tags)
        why = f"us-gaap {tags}: no {what}" if facts else f"no us-gaap {tags}"
        report.missing.append(f"{series.file} {series.column}: {why}; its cells are left empty")
    values = sorted(chosen.values(), key=lambda v: period_sort_key(v.period))
    if series.kind == "flow":  # quarters of a balance or an average need not add up
        label = series.file if series.required else f"{series.file} {series.column}"
        report.notes.extend(f"{label} {note}" for note in sum_notes(values))
    return {v.period: v for v in values}


def _either(tags: list[str] | tuple[str, ...]) -> str:
    """`A`, `A or B`, `A, B or C`."""
    return " or ".join([", ".join(tags[:-1]), tags[-1]] if len(tags) > 1 else tags)


def _read_unit(inputs_dir: Path) -> str:
    """The model's unit from settings.csv (`key,value`), USD bn when absent."""
    path = inputs_dir / SETTINGS.name
    table = _Table.read(inputs_dir, SETTINGS)
    for row in table.rows:
        if table.get(row, "key") == "unit":
            unit = table.get(row, "value")
            if unit not in UNIT_DIVISORS:
                raise SecError(
                    f"{path}: unit {unit!r} is not known; use one of {', '.join(UNIT_DIVISORS)}"
                )
            return unit
    return DEFAULT_UNIT


@dataclass
class _Table:
    """An input file as text cells, so rows that are not ours are written back as they
    were, in the file's own dialect (a new file takes the folder's, `_NewFiles`)."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    existed: bool
    convention: Convention
    dialect: Dialect | _NewFiles

    @classmethod
    def read(cls, folder: Path, spec: FileSpec, new: _NewFiles | None = None) -> _Table:
        """Read with the one reader (`csvread`), its columns checked against `spec`; a
        missing or blank file has no rows. SecError names the file's problems."""
        path = folder / spec.name
        blank = path.is_file() and not path.read_bytes().removeprefix(BOM).strip()
        if not path.exists() or blank:
            header, conv = list(spec.required), Convention()
            return cls(path, header, [], path.exists(), conv, new or PLAIN)
        probs = Problems()
        table = read_csv(path, replace(spec, needs_rows=False), probs)
        if table is None or probs.items:
            raise SecError("\n".join(str(p) for p in probs.items))
        rows = [list(rec.cells) for rec in table.records]
        return cls(path, table.header, rows, True, table.convention, Dialect.of(table))

    def get(self, row: list[str], column: str) -> str:
        return row[self.header.index(column)].strip()

    def set(self, row: list[str], column: str, value: str) -> None:
        row[self.header.index(column)] = value

    def add_columns(self, columns: list[str]) -> list[str]:
        """Append the columns the header lacks, empty in every row; the ones added."""
        added = [c for c in columns if c not in self.header]
        self.header.extend(added)
        for row in self.rows:
            row.extend([""] * (len(self.header) - len(row)))
        return added

    def new_row(self, **values: str) -> list[str]:
        row = [""] * len(self.header)
        for column, value in values.items():
            self.set(row, column, value)
        return row

    def number(self, value: Decimal) -> str:
        """`value` as this file writes numbers."""
        return self.written_as().number(value)

    def same(self, existing: str, new: Decimal) -> bool:
        """True when the cell's text holds the same number (relative 1e-12), whatever its
        spelling, read as the file's numbers are."""
        old = parse(existing, self.convention, percent=False) if existing else None
        if not isinstance(old, float):
            return False
        return abs(Decimal(repr(old)) - new) <= Decimal("1e-12") * max(abs(Decimal(old)), abs(new))

    def written_as(self) -> Dialect:
        return self.dialect if isinstance(self.dialect, Dialect) else self.dialect.dialect()

    def render(self) -> bytes:
        return self.written_as().render([self.header, *self.rows])


class _NewFiles:
    """The dialect of a file `ingest-sec` creates: the one the folder's input files share,
    so a folder saved by a European Excel stays semicolons and decimal commas; a folder
    without input files gets commas and decimal points. A folder whose files differ is
    refused (SecError) rather than guessed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._found: Dialect | None = None

    def dialect(self) -> Dialect:
        if self._found is None:
            self._found = self._find()
        return self._found

    def _find(self) -> Dialect:
        seen: dict[tuple[str, str], tuple[str, Dialect]] = {}
        for spec in FILES:
            path = self.folder / spec.name
            table = read_csv(path, replace(spec, needs_rows=False), Problems())
            if table is not None and path.is_file():
                dialect = Dialect.of(table)
                seen.setdefault((dialect.separator, dialect.decimal), (spec.name, dialect))
        if len(seen) > 1:
            files = "; ".join(f"{name}: {_words(d)}" for name, d in seen.values())
            raise SecError(
                f"{self.folder}: the input files are saved in different ways ({files}), so a "
                "new file could be written either way; save them all alike and run again"
            )
        return next(iter(seen.values()))[1] if seen else PLAIN


def _words(dialect: Dialect) -> str:
    """`semicolons, decimal commas`."""
    fields = "semicolons" if dialect.separator == ";" else "commas"
    return f"{fields}, decimal {'commas' if dialect.decimal == ',' else 'points'}"


def _merge(
    table: _Table,
    ticker: str,
    columns: list[str],
    figures: dict[str, dict[str, PeriodValue]],
    divisors: dict[str, Decimal],
    report: IngestReport,
) -> bool:
    """Add or update the ticker's rows in place (each column's figure / its divisor); True when
    any cell changed.

    Rows are the periods of the file's first column; the other columns fill those rows.
    A row with a changed cell gets a new source naming the facts behind each of its figures;
    a row with none keeps its text, the CSV's own spelling and source included.
    """
    file = table.path.name
    ours: dict[str, list[str]] = {}
    for row in table.rows:
        if table.get(row, "ticker").upper() == ticker:
            period = table.get(row, "period").upper()
            if period in ours:
                raise SecError(
                    f"{file} has two rows for {ticker} {period}; delete one and run again"
                )
            ours[period] = row
    changed = False
    for period in figures[columns[0]]:
        found = {c: figures[c][period] for c in columns if period in figures[c]}
        source = "SEC " + "; ".join(
            v.source if c == columns[0] else f"{c}: {v.source}" for c, v in found.items()
        )
        row = ours.get(period)
        if row is None:
            cells = {c: table.number(v.usd / divisors[c]) for c, v in found.items()}
            table.rows.append(table.new_row(ticker=ticker, period=period, source=source, **cells))
            for c, v in found.items():
                report.added.append(RowChange(file, period, c, None, cells[c], f"SEC {v.source}"))
            changed = True
            continue
        row_changed = False
        for c, v in found.items():
            old = table.get(row, c)
            new = v.usd / divisors[c]
            change = RowChange(file, period, c, old, table.number(new), f"SEC {v.source}")
            if table.same(old, new):
                report.unchanged.append(change)
            else:
                table.set(row, c, change.new)
                report.updated.append(change)
                row_changed = True
        if row_changed:
            table.set(row, "source", source)
            changed = True
    for column in columns[1:]:
        left = [p for p in figures[column] if p not in figures[columns[0]]]
        if left:
            report.notes.append(
                f"{file} {column} for {', '.join(left)} left out: the company facts have no "
                f"{columns[0]} for {'it' if len(left) == 1 else 'them'}, and every row needs one"
            )
    return changed


def _set_company(table: _Table, ticker: str, given_name: str | None, name: str, fye: int) -> str:
    """Add the company or set its year-end month (and name when given); what changed, or ""."""
    for row in table.rows:
        if table.get(row, "ticker").upper() != ticker:
            continue
        changes = []
        if table.get(row, "fiscal_year_end_month").lstrip("0") != str(fye):
            changes.append(
                f"fiscal_year_end_month {table.get(row, 'fiscal_year_end_month')} -> {fye}"
            )
            table.set(row, "fiscal_year_end_month", str(fye))
        if given_name and table.get(row, "name") != given_name:
            changes.append(f"name {table.get(row, 'name')!r} -> {given_name!r}")
            table.set(row, "name", given_name)
        return f"updated {ticker}: {'; '.join(changes)}" if changes else ""
    table.rows.append(table.new_row(ticker=ticker, name=name, fiscal_year_end_month=str(fye)))
    return f"added {ticker} ({name}, fiscal year end month {fye})"


def _format(value: Decimal) -> str:
    """Exact decimal text, no exponent and no float noise: 46279000 / 1e9 -> `0.046279`."""
    return PLAIN.number(value)
