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

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError


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


class InputError(ModelgenError):
    """Bad input: carries every problem found, in file and line order."""

    exit_code = EXIT_BAD_INPUT

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
    broken: list[Record] | None = None,
) -> list[Record] | None:
    """Read one CSV file into records; None (with problems added) when it cannot be read.

    Column order is free, header names are exact; a UTF-8 BOM, CRLF, blank lines and blank
    trailing columns (Excel writes them for formatted but empty cells) are fine. A record's
    line is the line its row starts on. Rows with the wrong number of fields are reported
    and, when `broken` is given, also appended to it (best effort) so that callers can
    avoid reporting follow-on problems.
    """
    probs = problems if problems is not None else Problems()
    name = path.name
    columns = [*required, *optional]
    if not path.exists():
        probs.add(name, 0, "", "the file is missing", _missing_hint(path, columns))
        return None
    if not path.is_file():
        probs.add(name, 0, "", "is not a file", "replace it with a CSV file")
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        probs.add(
            name, 0, "", f"cannot be read ({why})", "check that the file is readable and not locked"
        )
        return None
    text = _decode(name, data, probs)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    width = 0  # the header without its blank trailing columns
    records: list[Record] = []
    bad_rows = 0
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [h.strip() for h in fields]
                while header and not header[-1]:
                    header.pop()
                width = len(header)
                if not _check_header(name, header, required, optional, probs):
                    return None
                continue
            while len(fields) > width and not fields[-1].strip():
                fields.pop()
            if len(fields) != width:
                bad_rows += 1
                _ragged(name, line, fields, header, probs)
                if broken is not None:
                    broken.append(Record(name, line, dict(zip(header, fields, strict=False))))
                continue
            records.append(Record(name, line, dict(zip(header, fields, strict=True))))
    except csv.Error as exc:
        probs.add(name, reader.line_num, "", f"cannot be read as CSV ({exc})", "fix the quoting")
        return None
    if header is None:
        probs.add(name, 0, "", "is empty", f"start it with the header {','.join(columns)}")
        return None
    if not records and not allow_empty:
        if not bad_rows:
            probs.add(name, 0, "", "has a header but no rows", "add at least one row")
        return None
    return records


def _missing_hint(path: Path, columns: list[str]) -> str:
    """Point at a file that is there under another spelling (Capex.csv, capex.csv.txt)."""
    want = path.name.lower()
    try:
        near = sorted(
            p.name
            for p in path.parent.iterdir()
            if p.name.lower() in (want, want + ".txt") or p.name.lower() == want[:-4] + ".txt"
        )
    except OSError:
        near = []
    if near:
        return f'rename "{near[0]}" to "{path.name}"'
    return f"create it with the header {','.join(columns)}"


def _decode(name: str, data: bytes, probs: Problems) -> str | None:
    """The text of a CSV file, or None with a problem saying what the file is instead."""
    for magic, what in (
        (b"PK\x03\x04", "an Excel workbook (or another zip file), not CSV text"),
        (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook, not CSV text"),
        (b"\xff\xfe", 'UTF-16 text (Excel\'s "Unicode Text"), not CSV UTF-8'),
        (b"\xfe\xff", "UTF-16 text, not CSV UTF-8"),
    ):
        if data.startswith(magic):
            probs.add(name, 0, "", f"is {what}", _SAVE_AS)
            return None
    if b"\x00" in data:
        probs.add(name, 0, "", "is a binary file, not CSV text", _SAVE_AS)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        at = exc.start
    line = data[:at].count(b"\n") + 1
    bad = data[at]
    guess = bytes([bad]).decode("cp1252", errors="replace")
    shown = f', "{guess}" in Windows cp1252' if guess.isprintable() and guess != "\ufffd" else ""
    probs.add(
        name,
        line,
        _column_at(data, at),
        f"the file is not UTF-8 text (byte 0x{bad:02x}{shown})",
        _SAVE_AS,
    )
    return None


_SAVE_AS = 'in Excel use File > Save As > "CSV UTF-8 (Comma delimited)"'


def _column_at(data: bytes, offset: int) -> str:
    """The header name of the column that byte `offset` falls in, or "" when unknown."""
    text = data.decode("utf-8-sig", errors="replace")
    prefix = data[:offset].decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    upto = list(csv.reader(io.StringIO(prefix + "x", newline="")))
    if not rows or len(upto) < 2:
        return ""
    header = [h.strip() for h in rows[0]]
    index = len(upto[-1]) - 1
    return header[index] if index < len(header) else ""


def _ragged(name: str, line: int, fields: list[str], header: list[str], probs: Problems) -> None:
    n, width = len(fields), len(header)
    if n > width:
        probs.add(
            name,
            line,
            header[-1],
            f"expected {width} fields, found {n}",
            "quote values that contain commas, or remove the extra values",
        )
    elif any("\n" in f or "\r" in f for f in fields):
        probs.add(
            name,
            line,
            header[min(n, width) - 1],
            f"a quote opened on line {line} is never closed",
            'add the closing " or remove the stray one',
        )
    else:
        probs.add(
            name,
            line,
            header[n],
            f"expected {width} fields, found {n}",
            f"fill in the missing values ({','.join(header[n:])})",
        )


def _check_header(
    name: str, header: list[str], required: list[str], optional: tuple[str, ...], probs: Problems
) -> bool:
    if len(header) == 1:
        for sep, shown in ((";", "semicolons"), ("\t", "tabs")):
            if sep in header[0]:
                probs.add(
                    name,
                    1,
                    "",
                    f"the columns are separated by {shown}, not commas",
                    f'save it as "CSV UTF-8 (Comma delimited)" with the header {",".join(required)}',
                )
                return False
    ok = True
    for col in required:
        if col not in header:
            close = [h for h in header if h.lower().replace(" ", "_") == col or near_miss(h, col)]
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


def near_miss(a: str, b: str) -> bool:
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
            probs.add(
                rec.file,
                rec.line,
                column,
                f'"{raw}" is a percentage, which this column does not take',
                "enter a plain number, without %",
            )
            return None
        text, scale = text[:-1], 0.01
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        if "_" in text or not text.isascii():
            raise ValueError(text)
        value = float(text) * scale
    except ValueError:
        if "," in text:
            hint = "use a point for decimals and commas only between thousands (1,234.5)"
        elif text.startswith("(") and text.endswith(")"):
            hint = f"write a negative number with a minus sign: -{text[1:-1]}"
        else:
            hint = "enter a number such as 12.5 (no currency signs or words)"
        probs.add(rec.file, rec.line, column, f'"{raw}" is not a number', hint)
        return None
    if not math.isfinite(value) or text.strip("+-").lower() in ("nan", "inf", "infinity"):
        probs.add(
            rec.file,
            rec.line,
            column,
            f'"{raw}" is not a finite number',
            "enter a number, or leave out the row if there is no figure",
        )
        return None
    return value


def duplicates(
    records: list[Record], columns: tuple[str, ...], *, ignore_case: bool = False
) -> Iterator[tuple[Record, Record]]:
    """Pairs (first, repeat) of records with the same values in `columns`.

    With `ignore_case`, `MSFT` and `msft` are the same: Excel's sheet and defined names are.
    """
    seen: dict[tuple[str, ...], Record] = {}
    for rec in records:
        k = tuple(rec[c].casefold() if ignore_case else rec[c] for c in columns)
        if k in seen:
            yield seen[k], rec
        else:
            seen[k] = rec
