"""companies.csv, capex.csv, financials.csv and guidance.csv, each read row by row and
validated into typed records; `folder.load_inputs` puts them together.

A bad row is reported (file, line, column) and left out; the reader carries on, so that one
run reports every problem of the folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from modelgen.inputs.actuals import Fact
from modelgen.inputs.csvread import Problems, Record, duplicates, parse_number, read_table
from modelgen.inputs.ppe import REPORTED_COLUMNS
from modelgen.inputs.rows import check_name, known_ticker, one_row_per_period, row_period
from modelgen.inputs.timeline import Period


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
class Company:
    ticker: str
    name: str
    fiscal_year_end_month: int
    tax_rate: float | None = None  # None: the tax_rate setting


def read_companies(folder: Path, probs: Problems) -> tuple[list[Company], set[str] | None]:
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
        ticker = check_name(rec, "ticker", probs, "the ticker")
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


def read_facts(
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
    one_row_per_period(records, probs)
    for rec in records:
        ticker = known_ticker(rec, known, probs)
        if ticker and seen is not None:
            seen.add(ticker)
        period = row_period(rec, probs)
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


def read_guidance(
    path: Path, known: set[str] | None, probs: Problems
) -> dict[str, dict[int, Guidance]] | None:
    records = read_table(path, ["ticker", "period", "capex_low"], ("capex_high", "source"), probs)
    if records is None:
        return None
    out: dict[str, dict[int, Guidance]] = {}
    one_row_per_period(records, probs)
    for rec in records:
        ticker = known_ticker(rec, known, probs)
        period = row_period(rec, probs, quarters=False)
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
