"""companies.csv, capex.csv, financials.csv and guidance.csv, each read row by row and
validated into typed records; `folder.load_inputs` puts them together.

A bad row is reported (file, line, column) and left out; the reader carries on, so that one
run reports every problem of the folder.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelgen.inputs.actuals import Fact
from modelgen.inputs.csvread import Problems, Record, duplicates, parse_number
from modelgen.inputs.rows import check_name, in_range, ticker_period_rows
from modelgen.inputs.schema import COMPANIES, GUIDANCE, REPORTED_COLUMNS, FileSpec
from modelgen.inputs.source import Source
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
    source: str = ""  # where the company's figures (its tax rate) come from


def read_companies(source: Source, probs: Problems) -> tuple[list[Company], set[str] | None]:
    """The valid companies, and every ticker listed (None when the file is not fully read).

    Other files are checked against every ticker listed, not only the valid rows, so that a
    bad month or a bad ticker spelling is reported once, in companies.csv, and not again as
    an "unknown ticker" on every row of the other files that use it. When a row could not
    be split into fields (or an unclosed quote swallowed the rest of the file) the tickers
    are not known, and the other files are not checked against them.
    """
    broken: list[Record] = []
    records = source.read(COMPANIES, probs, broken=broken)
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
        # a cell that is not a number is "not a month" too: parse_number's problem is dropped
        month = in_range(
            rec,
            "fiscal_year_end_month",
            parse_number(rec, "fiscal_year_end_month", Problems()),
            probs,
            '"{raw}" is not a month',
            "enter 1 to 12 (12 for a December year end)",
            ok=lambda m: m == int(m) and 1 <= m <= 12,
            required=True,
        )
        tax = in_range(
            rec,
            "tax_rate",
            parse_number(rec, "tax_rate", probs, required=False, percent=True),
            probs,
            "tax_rate {raw} is not between 0 and 1",
            "enter e.g. 0.16 or 16%, or leave it empty for the tax_rate setting",
            ok=lambda t: 0 <= t < 1,
        )
        if ticker and month is not None and rec["name"] and ticker.casefold() not in seen:
            seen.add(ticker.casefold())
            out.append(Company(ticker, rec["name"], int(month), tax, rec["source"]))
    return out, listed


def read_facts(
    source: Source,
    spec: FileSpec,
    known: set[str] | None,
    probs: Problems,
    *,
    allow_negative: bool,
    seen: set[str] | None = None,
    extra: dict[str, dict[str, dict[Period, Fact]]] | None = None,
) -> dict[str, dict[Period, Fact]] | None:
    """Actuals by ticker and period as given (the spec's last required column, capex or
    net income); `seen` collects every ticker with a row.

    With `extra`, the optional reported columns (financials.csv's `REPORTED_COLUMNS`, empty
    cells allowed, never negative) are collected into it by column.
    """
    column = spec.required[-1]
    records = source.read(spec, probs)
    if records is None:
        return None
    out: dict[str, dict[Period, Fact]] = {}
    for rec, ticker, period in ticker_period_rows(records, known, probs):
        if ticker and seen is not None:
            seen.add(ticker)
        value = parse_number(rec, column, probs)
        if not allow_negative:
            hint = f"enter {column} as a positive amount"
            value = in_range(rec, column, value, probs, "{value:g} is negative", hint)
        if ticker and period is not None and value is not None:
            out.setdefault(ticker, {}).setdefault(period, Fact(value, rec["source"], rec.line))
        for name in REPORTED_COLUMNS if extra is not None else ():
            figure = parse_number(rec, name, probs, required=False)
            figure = in_range(
                rec, name, figure, probs, "{value:g} is negative", "enter a positive amount"
            )
            if ticker and period is not None and figure is not None:
                fact = Fact(figure, rec["source"], rec.line)
                extra.setdefault(name, {}).setdefault(ticker, {})[period] = fact  # type: ignore[union-attr]
    return out


def read_guidance(
    source: Source, known: set[str] | None, probs: Problems
) -> dict[str, dict[int, Guidance]] | None:
    records = source.read(GUIDANCE, probs)
    if records is None:
        return None
    out: dict[str, dict[int, Guidance]] = {}
    for rec, ticker, period in ticker_period_rows(records, known, probs, quarters=False):
        low = parse_number(rec, "capex_low", probs)
        high = parse_number(rec, "capex_high", probs, required=False)
        hint = "enter guidance as positive amounts"
        low = in_range(rec, "capex_low", low, probs, "{value:g} is negative", hint)
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
