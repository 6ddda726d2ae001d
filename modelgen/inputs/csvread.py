"""Reading CSV files the way analysts produce them, and saying exactly what is wrong.

Every problem names the file, the line and the column, says what is wrong and what to do.
Problems are collected, not raised one at a time, so a single run reports them all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError
from modelgen.inputs.numbers import Convention, Located, parse, read_cell, settle, without_percent
from modelgen.inputs.schema import FileSpec


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
    """A collector that modules add to; `raise_if_any` ends validation.

    `warnings` are what is odd but usable (a column the model does not read): they reach the
    user with the folder's other warnings (`Inputs.warnings`), and do not stop the build.
    """

    items: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, file: str, line: int, column: str, message: str, hint: str = "") -> None:
        self.items.append(Problem(file, line, column, message, hint))

    def warn(self, file: str, line: int, column: str, message: str, hint: str = "") -> None:
        self.warnings.append(str(Problem(file, line, column, message, hint)))

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


@dataclass
class Record:
    """One data row: values by column name and the line it came from."""

    file: str
    line: int
    values: dict[str, str]
    convention: Convention = Convention()  # the file's decimal mark (see parse_number)
    cells: tuple[str, ...] = ()  # the row's cells in the file's order, as written

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass
class Table:
    """A file as read: its header, its rows as records, its decimal convention, and how it
    was saved (a byte-order mark, CRLF line ends), so that a writer can keep all three."""

    file: str
    header: list[str]
    records: list[Record]
    convention: Convention = Convention()
    bom: bool = False
    newline: str = "\n"


def read_csv(
    path: Path, spec: FileSpec, probs: Problems, *, broken: list[Record] | None = None
) -> Table | None:
    """Read one CSV file declared by `spec`; None (with problems added) when it cannot be.

    Column order is free, header names are exact; a UTF-8 BOM, CRLF, blank lines and blank
    trailing columns (Excel writes them for formatted but empty cells) are fine. A header
    separated by semicolons (Excel's CSV where the decimal mark is a comma) makes the whole
    file semicolon-separated, with decimal commas in its numbers. The rows are then checked
    as `rows_table` says.
    """
    name = path.name
    if not path.exists():
        probs.add(name, 0, "", "the file is missing", _missing_hint(path, list(spec.columns)))
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
    sep = separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        start = 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            yield line, fields

    try:
        table = rows_table(name, numbered(), spec, probs, sep, broken=broken)
    except csv.Error as exc:
        probs.add(name, reader.line_num, "", f"cannot be read as CSV ({exc})", "fix the quoting")
        return None
    if table is not None:
        table.bom = data.startswith(BOM)
        table.newline = "\r\n" if "\r\n" in text else "\n"
    return table


#: the byte-order mark Excel's "CSV UTF-8" starts a file with
BOM = b"\xef\xbb\xbf"


def rows_table(
    name: str,
    rows: Iterable[tuple[int, list[str]]],
    spec: FileSpec,
    probs: Problems,
    sep: str = ",",
    *,
    broken: list[Record] | None = None,
) -> Table | None:
    """The rows of file `name` (each with the line it starts on, the header first) checked
    against `spec`; None (with problems added) when they cannot be used.

    A column that is not one of the spec's is a warning, not an error: it is not read, and a
    row may leave out its cells when they are last. Rows with the wrong number of fields are
    reported and, when `broken` is given, also appended to it (best effort) so that callers
    can avoid reporting follow-on problems. The cells of the spec's `numbers` columns settle
    the file's decimal mark (`numbers.settle`); `parse_number` reads those columns only.
    """
    columns = list(spec.columns)
    header: list[str] | None = None
    width = 0  # the header without its blank trailing columns
    read = 0  # up to the last column the model reads: a row may end after it
    records: list[Record] = []
    bad_rows = 0
    for line, fields in rows:
        if not fields or all(not f.strip() for f in fields):
            continue
        if header is None:
            header = [h.strip() for h in fields]
            while header and not header[-1]:
                header.pop()
            width = len(header)
            read = 1 + max((i for i, h in enumerate(header) if h in columns), default=-1)
            if not _check_header(name, header, list(spec.required), spec.optional, probs):
                return None
            continue
        fields = list(fields)
        while len(fields) > width and not fields[-1].strip():
            fields.pop()
        if read <= len(fields) < width:  # short only in columns that are not read
            fields += [""] * (width - len(fields))
        if len(fields) != width:
            bad_rows += 1
            _ragged(name, line, fields, header, probs, sep)
            if broken is not None:
                broken.append(Record(name, line, dict(zip(header, fields, strict=False))))
            continue
        values = dict(zip(header, fields, strict=True))
        records.append(Record(name, line, values, Convention(sep), tuple(fields)))
    if header is None:
        probs.add(name, 0, "", "is empty", f"start it with the header {','.join(columns)}")
        return None
    if not records and spec.needs_rows:
        if not bad_rows:
            probs.add(name, 0, "", "has a header but no rows", "add at least one row")
        return None
    cells = _number_cells(records, header, spec.numbers)
    convention, conflict = settle(cells, sep, spec.numbers)
    if conflict is not None:
        probs.add(name, conflict.at.line, conflict.at.column, conflict.message, conflict.hint)
    for rec in records:
        rec.convention = convention
    return Table(name, header, records, convention)


def separator(text: str) -> str:
    """`;` when the first non-blank line has more semicolons than commas outside quotes
    (what Excel writes where the decimal mark is a comma), else `,`."""
    header = next((ln for ln in text.splitlines() if ln.strip()), "")
    outside = "".join(header.split('"')[::2])  # the parts between quoted ones
    return ";" if outside.count(";") > outside.count(",") else ","


def _missing_hint(path: Path, columns: list[str]) -> str:
    """Point at a file that is there as a workbook (capex.xlsx) or under another spelling
    (Capex.csv, capex.csv.txt)."""
    workbook = workbook_instead(path)
    if workbook:
        return save_as_csv(workbook, path.name)
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


#: what a spreadsheet program saves a sheet as, where a CSV file was meant
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")


def workbook_instead(path: Path) -> str | None:
    """The name of a workbook beside the missing CSV file `path` with its name (settings.xlsx
    for settings.csv, any case): saved in the program's own format, not as CSV; or None."""
    want = {path.stem.lower() + suffix for suffix in WORKBOOK_SUFFIXES}
    try:
        return min((p.name for p in path.parent.iterdir() if p.name.lower() in want), default=None)
    except OSError:
        return None


def save_as_csv(workbook: str, name: str) -> str:
    """The hint for a workbook where the CSV file `name` should be."""
    return f"{workbook} is a workbook, not read: save it as CSV named {name} ({SAVE_AS})"


def _decode(name: str, data: bytes, probs: Problems) -> str | None:
    """The text of a CSV file, or None with a problem saying what the file is instead."""
    for magic, what in (
        (b"PK\x03\x04", "an Excel workbook (or another zip file), not CSV text"),
        (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook, not CSV text"),
        (b"\xff\xfe", 'UTF-16 text (Excel\'s "Unicode Text"), not CSV UTF-8'),
        (b"\xfe\xff", "UTF-16 text, not CSV UTF-8"),
    ):
        if data.startswith(magic):
            probs.add(name, 0, "", f"is {what}", SAVE_AS)
            return None
    if b"\x00" in data:
        probs.add(name, 0, "", "is a binary file, not CSV text", SAVE_AS)
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
        SAVE_AS,
    )
    return None


#: Excel's format that modelgen reads in any locale: it writes UTF-8, with commas or (where
#: the decimal mark is a comma) semicolons, and both are read
SAVE_AS = 'in Excel use File > Save As > "CSV UTF-8"'


def _column_at(data: bytes, offset: int) -> str:
    """The header name of the column that byte `offset` falls in, or "" when unknown."""
    text = data.decode("utf-8-sig", errors="replace")
    prefix = data[:offset].decode("utf-8-sig", errors="replace")
    sep = separator(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    upto = list(csv.reader(io.StringIO(prefix + "x", newline=""), delimiter=sep))
    if not rows or len(upto) < 2:
        return ""
    header = [h.strip() for h in rows[0]]
    index = len(upto[-1]) - 1
    return header[index] if index < len(header) else ""


def _ragged(
    name: str, line: int, fields: list[str], header: list[str], probs: Problems, sep: str
) -> None:
    n, width = len(fields), len(header)
    if n > width:
        probs.add(
            name,
            line,
            header[-1],
            f"expected {width} fields, found {n}",
            f"quote values that contain {'semicolons' if sep == ';' else 'commas'}, "
            "or remove the extra values",
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
    if len(header) == 1 and "\t" in header[0]:
        probs.add(
            name,
            1,
            "",
            "the columns are separated by tabs, not commas or semicolons",
            f"{SAVE_AS}, with the header {','.join(required)}",
        )
        return False
    ok = True
    for col in required:
        if col not in header:
            close = [h for h in header if h.lower().replace(" ", "_") == col or near_miss(h, col)]
            hint = f'rename "{close[0]}" to "{col}"' if close else f'add the column "{col}"'
            probs.add(name, 1, col, f'the column "{col}" is missing', hint)
            ok = False
    known = [*required, *optional]
    for i, col in enumerate(header):
        if col not in known:
            typo = [k for k in known if k == col.lower().replace(" ", "_") or near_miss(col, k)]
            if typo:  # a column the model reads, misspelt: its figures would be lost
                probs.add(
                    name,
                    1,
                    col,
                    f'unknown column "{col}"',
                    f'rename it to "{typo[0]}"; the columns are {",".join(known)}',
                )
                ok = False
            else:
                what = f'the column "{col}"' if col else "a column without a name"
                probs.warn(
                    name,
                    1,
                    col or f"#{i + 1}",
                    f"{what} is not used by the model and is ignored",
                    f"the columns read are {','.join(known)}",
                )
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


def _number_cells(
    records: list[Record], header: list[str], numbers: tuple[str, ...]
) -> Iterator[Located]:
    """The cells of the `numbers` columns, read on their own, in file order."""
    columns = [c for c in header if c in numbers]
    order = 0
    for rec in records:
        for column in columns:
            text = without_percent(rec[column])[0]
            if text:
                yield Located(order, rec.line, column, read_cell(text, rec.convention.separator))
                order += 1


def parse_number(
    rec: Record, column: str, probs: Problems, *, percent: bool = False, required: bool = True
) -> float | None:
    """A finite number from a cell; `30%` only where percent is True.

    Its decimal mark is the file's (`modelgen.inputs.numbers` has the rule): a number that
    could be read two ways and that the file does not settle is refused with both readings.
    """
    assert column in rec.convention.columns, f"the file's spec does not list {column} in numbers"
    raw = rec[column]
    if raw == "":
        if required:
            probs.add(rec.file, rec.line, column, "is empty", "enter a number")
        return None
    value = parse(raw, rec.convention, percent=percent)
    if isinstance(value, tuple):
        probs.add(rec.file, rec.line, column, *value)
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
