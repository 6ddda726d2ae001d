"""The rules a row of any input file is held to: how it names a company or an asset class,
which fiscal period it is for, that a key (ticker and period, ticker and class) is not
repeated, and that a number is in its range (`in_range`).

Shared by the files' readers (`tables`, `asset_classes`, `ppe`) so that the same mistake
gets the same message, naming file, line and column, whichever file it is in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from modelgen.inputs.csvread import Problems, Record, duplicates, near_miss
from modelgen.inputs.timeline import Period, parse_period
from modelgen.keys import TOTAL

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$")
FIRST_YEAR, LAST_YEAR = 1900, 2199
RESERVED_TICKERS = (TOTAL,)  # row keys such as capex:TOTAL
#: dates as Excel writes them in any locale: 31/12/2024, 12/31/2024, 2024-12-31, 31.12.2024,
#: 31-Dec-24, Dec-24, Dec 2024
EXCEL_DATE_RE = re.compile(
    r"^([0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}|([0-9]{1,2}[ -])?[A-Za-z]{3,9}\.?[ -][0-9]{2,4})$"
)


def check_name(rec: Record, column: str, probs: Problems, what: str) -> str | None:
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


def as_date(raw: str, what: str, hint: str) -> tuple[str, str]:
    """The message and hint for a period cell that is not one, saying so when it is a date:
    Excel turns a year it takes for a date into one, in its locale's format."""
    if not EXCEL_DATE_RE.match(raw):
        return what, hint
    year = re.search(r"[0-9]{4}", raw)
    hint = re.sub(r"e\.g\. [0-9]{4}", f"e.g. {year[0]}", hint) if year else hint
    return f"{what}: it is a date", f"{hint}, and format the column as Text"


def row_period(rec: Record, probs: Problems, *, quarters: bool = True) -> Period | None:
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
        what, hint = as_date(raw, what, hint)
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


def known_ticker(
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


def one_row_per(
    records: list[Record], column: str, probs: Problems, *, ignore_case: bool = False
) -> list[Record]:
    """Report each row that repeats an earlier row's ticker and `column`; the repeats."""
    repeats = []
    for first, dup in duplicates(records, ("ticker", column), ignore_case=ignore_case):
        repeats.append(dup)
        probs.add(
            dup.file,
            dup.line,
            column,
            f"{dup['ticker']} {dup[column]} appears twice (also line {first.line})",
            f"keep one row per ticker and {column.replace('_', ' ')}",
        )
    return repeats


def ticker_period_rows(
    records: list[Record], known: set[str] | None, probs: Problems, *, quarters: bool = True
) -> Iterator[tuple[Record, str | None, Period | None]]:
    """Each row of a file keyed by ticker and period, with its ticker and period (None
    where it is not valid, the problem reported), once the repeated keys are reported."""
    one_row_per(records, "period", probs)
    for rec in records:
        yield rec, known_ticker(rec, known, probs), row_period(rec, probs, quarters=quarters)


def not_negative(value: float) -> bool:
    return value >= 0


def in_range(
    rec: Record,
    column: str,
    value: float | None,
    probs: Problems,
    message: str,
    hint: str,
    *,
    ok: Callable[[float], bool] = not_negative,
    required: bool = False,
) -> float | None:
    """`value` if `ok` holds for it, else None with a problem at the row's `column`.

    `message` is a template: `{value:g}` is the number, `{raw}` the cell as written. None
    (an empty cell, or one `parse_number` already reported) passes unless `required`: then
    the problem is the cell itself, and `message` may use only `{raw}`.
    """
    if value is None and not required or value is not None and ok(value):
        return value
    probs.add(rec.file, rec.line, column, message.format(value=value, raw=rec[column]), hint)
    return None
