"""`ingest-sec`: put a company's capex and net income from SEC XBRL company facts into the CSVs.

Reads the JSON the SEC publishes at data.sec.gov/api/xbrl/companyfacts/CIK##########.json,
labels every figure by fiscal period (see `sec_periods`), converts it to the model's unit and
adds or updates the ticker's rows in `capex.csv` and `financials.csv`, and its fiscal year end
in `companies.csv`. Everything is computed and checked before any file is touched, and each
file is replaced atomically, so a failed run leaves the inputs exactly as they were.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from modelgen.sec_periods import (
    Fact,
    PeriodValue,
    derive_periods,
    fact_from_json,
    fiscal_year_end_month,
    period_sort_key,
)

UNIT_DIVISORS = {"USD": 1, "USD k": 10**3, "USD m": 10**6, "USD bn": 10**9}
DEFAULT_UNIT = "USD bn"
COMPANY_COLUMNS = ["ticker", "name", "fiscal_year_end_month"]
# file, value column, us-gaap tag, words that find related tags when the tag is missing
SERIES = [
    ("capex.csv", "capex", "PaymentsToAcquirePropertyPlantAndEquipment", ("PaymentsToAcquire",)),
    ("financials.csv", "net_income", "NetIncomeLoss", ("NetIncome", "ProfitLoss")),
]
COMPANY_FACTS_URL = "https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json"


class SecError(ValueError):
    """A company-facts file or an inputs folder that `ingest-sec` cannot use; no CSV changed."""


@dataclass(frozen=True)
class RowChange:
    """One row of the ticker's: its file and period, the value before (None: new) and after."""

    file: str
    period: str
    old: str | None
    new: str
    source: str


@dataclass
class IngestReport:
    """What an ingest did, row by row, for the CLI to print and tests to check."""

    ticker: str
    name: str
    unit: str
    fiscal_year_end_month: int
    added: list[RowChange] = field(default_factory=list)
    updated: list[RowChange] = field(default_factory=list)  # restatements: old -> new
    unchanged: list[RowChange] = field(default_factory=list)
    company: str = ""  # what changed in companies.csv, "" when nothing did
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable summary: counts, every restatement, the added periods, notes."""
        out = [
            f"{self.ticker} ({self.name}): fiscal year ends in month {self.fiscal_year_end_month}, "
            f"amounts in {self.unit}",
            f"{len(self.added)} rows added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged",
        ]
        for file in dict.fromkeys(change.file for change in self.added):
            periods = [c.period for c in self.added if c.file == file]
            out.append(f"  added to {file}: {', '.join(periods)}")
        for c in self.updated:
            out.append(
                f"  restated in {c.file}: {self.ticker} {c.period} {c.old} -> {c.new} ({c.source})"
            )
        if self.company:
            out.append(f"  companies.csv: {self.company}")
        out.extend(f"  note: {note}" for note in self.notes)
        if not self.written:
            out.append("no files changed")
        return out


def ingest_sec(
    facts_path: Path, ticker: str, inputs_dir: Path, *, name: str | None = None
) -> IngestReport:
    """Add or update `ticker`'s capex, net income and fiscal year end from a company-facts file.

    Periods come from each fact's dates, never from `fy`/`fp`; the latest filing wins; quarters
    that 10-Qs report year to date are derived by difference. Raises SecError, with no CSV
    changed, when the file or the folder cannot be used.
    """
    facts_path, inputs_dir = Path(facts_path), Path(inputs_dir)
    ticker = ticker.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9._-]{0,30}", ticker):
        raise SecError(f"ticker {ticker!r} is not usable; pass a ticker such as SNOW or BRK.B")
    if not inputs_dir.is_dir():
        raise SecError(f"inputs folder {inputs_dir} does not exist; create it or pass --inputs DIR")
    doc = _load_company_facts(facts_path)
    unit = _read_unit(inputs_dir)
    divisor = Decimal(UNIT_DIVISORS[unit])

    series = {tag: _usd_facts(doc, tag, related, facts_path) for _, _, tag, related in SERIES}
    fye = fiscal_year_end_month(
        doc["facts"].get("dei", {}), [f for v in series.values() for f in v]
    )
    if fye is None:
        raise SecError(
            f"{facts_path}: cannot tell the fiscal year end: no 12-month facts from 10-K filings; "
            "use a company-facts file that includes the company's annual reports"
        )
    entity = str(doc.get("entityName") or "").strip()
    report = IngestReport(ticker, name or entity or ticker, unit, fye)

    outputs: dict[Path, str] = {}
    for file, column, tag, _ in SERIES:
        values, notes = derive_periods(series[tag], fye)
        if not values:
            raise SecError(
                f"{facts_path}: us-gaap {tag} has no fiscal-year or quarter figures "
                "(no 3, 6, 9 or 12 month facts); check that this is the right company's file"
            )
        report.notes.extend(f"{file} {note}" for note in notes)
        table = _Table.read(inputs_dir / file, ["ticker", "period", column, "source"])
        if _merge(table, ticker, column, values, divisor, report) or not table.existed:
            table.rows.sort(
                key=lambda r: (table.get(r, "ticker"), period_sort_key(table.get(r, "period")))
            )
            outputs[table.path] = table.render()

    companies = _Table.read(inputs_dir / "companies.csv", COMPANY_COLUMNS)
    report.company = _set_company(companies, ticker, name, report.name, fye)
    if report.company or not companies.existed:
        outputs[companies.path] = companies.render()

    for path, text in outputs.items():
        _replace_atomically(path, text)
        report.written.append(path)
    return report


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


def _usd_facts(doc: dict[str, Any], tag: str, related: tuple[str, ...], path: Path) -> list[Fact]:
    """Every duration fact of a us-gaap tag in USD; SecError naming what the file has instead."""
    gaap = doc["facts"]["us-gaap"]
    if tag not in gaap:
        near = sorted(t for t in gaap if any(word in t for word in related))
        has = ", ".join(near) if near else ", ".join(sorted(gaap)[:12])
        raise SecError(
            f"{path} has no us-gaap {tag}; of its {len(gaap)} us-gaap tags "
            f"{'these look related' if near else 'the first are'}: {has or 'none'}. "
            f"modelgen needs {tag}; enter this company's figures in the CSVs by hand"
        )
    units = gaap[tag].get("units", {}) if isinstance(gaap[tag], dict) else {}
    if "USD" not in units:
        raise SecError(
            f"{path}: us-gaap {tag} has units {', '.join(units) or 'none'}, not USD; "
            "modelgen converts from USD only"
        )
    facts = []
    for i, item in enumerate(units["USD"]):
        try:
            fact = fact_from_json(item)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise SecError(
                f"{path}: us-gaap {tag} USD entry {i} is malformed ({exc!r}); download it again"
            ) from exc
        if fact is not None:  # instants are balances, not flows over a period
            facts.append(fact)
    return facts


def _read_unit(inputs_dir: Path) -> str:
    """The model's unit from settings.csv (`key,value`), USD bn when absent."""
    path = inputs_dir / "settings.csv"
    if not path.exists():
        return DEFAULT_UNIT
    table = _Table.read(path, ["key", "value"])
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
    """A CSV file as text cells, so rows that are not ours are written back as they were."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    existed: bool

    @classmethod
    def read(cls, path: Path, required: list[str]) -> _Table:
        """Read (BOM and CRLF tolerated) and check the required columns; a missing file is empty."""
        if not path.exists():
            return cls(path, list(required), [], existed=False)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise SecError(f"cannot read {path} ({exc}); save it as UTF-8 CSV") from exc
        records = [
            r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)
        ]
        if not records:
            return cls(path, list(required), [], existed=True)
        header = [c.strip() for c in records[0]]
        missing = [c for c in required if c not in header]
        if missing:
            raise SecError(
                f"{path.name}: header lacks column(s) {', '.join(missing)}; "
                f"the header must name {', '.join(required)}"
            )
        width = len(header)
        rows = [r + [""] * (width - len(r)) for r in records[1:]]
        return cls(path, header, rows, existed=True)

    def get(self, row: list[str], column: str) -> str:
        return row[self.header.index(column)].strip()

    def set(self, row: list[str], column: str, value: str) -> None:
        row[self.header.index(column)] = value

    def new_row(self, **values: str) -> list[str]:
        row = [""] * len(self.header)
        for column, value in values.items():
            self.set(row, column, value)
        return row

    def render(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()


def _merge(
    table: _Table,
    ticker: str,
    column: str,
    values: list[PeriodValue],
    divisor: Decimal,
    report: IngestReport,
) -> bool:
    """Add or update the ticker's rows in place; True when any row changed."""
    ours: dict[str, list[str]] = {}
    for row in table.rows:
        if table.get(row, "ticker").upper() == ticker:
            period = table.get(row, "period").upper()
            if period in ours:
                raise SecError(
                    f"{table.path.name} has two rows for {ticker} {period}; "
                    "delete one and run again"
                )
            ours[period] = row
    before = len(report.added) + len(report.updated)
    for value in values:
        text = _format(value.usd / divisor)
        row = ours.get(value.period)
        old = None if row is None else table.get(row, column)
        change = RowChange(table.path.name, value.period, old, text, value.source)
        if row is None:
            new = {"ticker": ticker, "period": value.period, column: text, "source": value.source}
            table.rows.append(table.new_row(**new))
            report.added.append(change)
        elif _same(old or "", value.usd / divisor):
            report.unchanged.append(change)  # the CSV's own spelling and source stay
        else:
            table.set(row, column, text)
            table.set(row, "source", value.source)
            report.updated.append(change)
    return len(report.added) + len(report.updated) > before


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
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def _same(existing: str, new: Decimal) -> bool:
    """True when the CSV's text holds the same number (relative 1e-12), whatever its spelling."""
    try:
        old = Decimal(existing)
    except InvalidOperation:
        return False
    return old.is_finite() and abs(old - new) <= Decimal("1e-12") * max(abs(old), abs(new))


def _replace_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename over it (keeping its permissions)."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
