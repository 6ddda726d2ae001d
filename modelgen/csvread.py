"""Reading CSV files the way analysts produce them, and saying exactly what is wrong.

Every problem names the file, the line and the column, says what is wrong and what to do.
Problems are collected, not raised one at a time, so a single run reports them all.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the inputs, located as precisely as it can be."""

    file: str
    line: int  # 0 when it is about the whole file
    column: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        text = f"{where}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


class InputError(Exception):
    """Bad input: carries every problem found, in file and line order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Problems:
    """A collector that modules add to; `raise_if_any` ends validation."""

    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int, column: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(file, line, column, message, hint))

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


@dataclass
class Record:
    """One data row: values by column name and the line it came from."""

    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "").strip()


def read_table(
    path: Path,
    required: list[str],
    optional: tuple[str, ...] = (),
    problems: Problems | None = None,
    *,
    allow_empty: bool = True,
) -> list[Record] | None:
    """Read one CSV file into records; None (with problems added) when it cannot be read.

    Column order is free, header names are exact; a UTF-8 BOM, CRLF and blank lines are fine.
    """
    probs = problems if problems is not None else Problems()
    name = path.name
    if not path.exists():
        probs.add(
            name, 0, "", "the file is missing", f"create it with the header {','.join(required)}"
        )
        return None
    if not path.is_file():
        probs.add(name, 0, "", "is not a file", "replace it with a CSV file")
        return None
    data = path.read_bytes()
    if b"\x00" in data:
        probs.add(name, 0, "", "is a binary file, not CSV text", "export the sheet as CSV UTF-8")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        probs.add(
            name,
            line,
            "",
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}; perhaps Windows cp1252)",
            'save it from Excel as "CSV UTF-8 (Comma delimited)"',
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[Record] = []
    try:
        for fields in reader:
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [h.strip() for h in fields]
                if not _check_header(name, header, required, optional, probs):
                    return None
                continue
            line = reader.line_num
            if len(fields) != len(header):
                extra = len(fields) > len(header)
                probs.add(
                    name,
                    line,
                    header[-1]
                    if extra
                    else header[len(fields)]
                    if len(fields) < len(header)
                    else "",
                    f"expected {len(header)} fields, found {len(fields)}",
                    "quote values that contain commas, or fix the row"
                    if extra
                    else "fill in the missing values",
                )
                continue
            records.append(Record(name, line, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        probs.add(name, reader.line_num, "", f"cannot be read as CSV ({exc})", "fix the quoting")
        return None
    if header is None:
        probs.add(name, 0, "", "is empty", f"start it with the header {','.join(required)}")
        return None
    if not records and not allow_empty:
        probs.add(name, 0, "", "has a header but no rows", "add at least one row")
        return None
    return records


def _check_header(
    name: str, header: list[str], required: list[str], optional: tuple[str, ...], probs: Problems
) -> bool:
    ok = True
    for col in required:
        if col not in header:
            close = [h for h in header if h.lower().replace(" ", "_") == col or _near(h, col)]
            hint = f'rename "{close[0]}" to "{col}"' if close else f'add the column "{col}"'
            probs.add(name, 1, col, f'the column "{col}" is missing', hint)
            ok = False
    known = set(required) | set(optional)
    for i, col in enumerate(header):
        if col not in known:
            probs.add(
                name,
                1,
                col or f"#{i + 1}",
                f'unknown column "{col}"',
                f"the columns are {','.join(required + list(optional))}",
            )
            ok = False
        elif header.count(col) > 1 and header.index(col) != i:
            probs.add(name, 1, col, f'the column "{col}" appears twice', "keep one")
            ok = False
    return ok


def _near(a: str, b: str) -> bool:
    """Misspelt by one edit: a hint, not a rule."""
    a, b = a.lower(), b.lower()
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(
    rec: Record, column: str, probs: Problems, *, percent: bool = False, required: bool = True
) -> float | None:
    """A finite number from a cell; `1,234.5` is accepted, `30%` only where percent is True."""
    raw = rec[column]
    if raw == "":
        if required:
            probs.add(rec.file, rec.line, column, "is empty", "enter a number")
        return None
    text = raw.replace(" ", "").replace("\u00a0", "")
    scale = 1.0
    if text.endswith("%"):
        if not percent:
            probs.add(rec.file, rec.line, column, f'"{raw}" is a percentage', "enter the amount")
            return None
        text, scale = text[:-1], 0.01
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        if "_" in text:
            raise ValueError(text)
        value = float(text) * scale
    except ValueError:
        hint = "use a point for decimals" if "," in text else "enter a number"
        probs.add(rec.file, rec.line, column, f'"{raw}" is not a number', hint)
        return None
    if not math.isfinite(value) or text.strip("+-").lower() in ("nan", "inf", "infinity"):
        probs.add(rec.file, rec.line, column, f'"{raw}" is not a finite number', "enter a number")
        return None
    return value


def duplicates(records: list[Record], columns: tuple[str, ...]) -> Iterator[tuple[Record, Record]]:
    """Pairs (first, repeat) of records with the same values in `columns`."""
    seen: dict[tuple[str, ...], Record] = {}
    for rec in records:
        k = tuple(rec[c] for c in columns)
        if k in seen:
            yield seen[k], rec
        else:
            seen[k] = rec
