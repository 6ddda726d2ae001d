"""Numbers as analysts' CSV files write them, and the one rule for their decimal mark.

A cell is first read on its own (`read_cell`): what it means for each decimal mark it
admits. `1.5` and `0.050` admit the point only (a thousands separator is followed by three
digits, after a group that does not start with 0), `1.234,5` and `1.234.567` the comma only,
`92` and `1 234` either, with one value, and `18.074` either, with two values: 18.074 if the
point is the decimal mark, 18074 if it separates thousands.

A file's numbers then settle its mark (`settle`): the mark of the numbers that admit only
one. A file whose numbers need both is refused once, at the first number of the convention
fewer of them use (the more common one is taken to be the file's, so that other problems and
ambiguous numbers are not reported as well). Where no number settles it, the separator's
convention decides for the mark it takes as decimal (the point in a comma-separated file,
the comma in a semicolon-separated one, as Excel writes them), and a number whose mark is the
other one (`18.074` with semicolons, `"1,234"` with commas) is refused with both readings: it
is the mark that convention takes for thousands, and guessing so read a semicolon file with
point decimals a thousand times too big.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

POINT, COMMA = ".", ","
SPACES = " \u00a0\u202f"
#: sign, a whole part plain (`1234`) or grouped by one kind of separator (`1.234.567`,
#: `1 234`), a decimal mark and fraction, an exponent
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)"
    r"(?P<whole>[0-9]+|[1-9][0-9]{0,2}(?P<sep>[ .,\u00a0\u202f])[0-9]{3}(?:(?P=sep)[0-9]{3})*)?"
    r"(?:(?P<mark>[.,])(?P<fraction>[0-9]*))?"
    r"(?P<exponent>[eE][+-]?[0-9]+)?$"
)
_SPACE_BETWEEN_DIGITS = re.compile(r"[0-9][ \u00a0\u202f]+[0-9]")
_LOOSE_SPACES = re.compile(r"(?<![0-9])[ \u00a0\u202f]+|[ \u00a0\u202f]+(?![0-9])")
#: no number modelgen reads is this large: amounts beyond it are a unit or a digit astray,
#: and squares of them (the checks compare squares) would overflow
LARGEST = 1e18
CURRENCY_SIGNS = "$€£¥₹"


def other(mark: str) -> str:
    return COMMA if mark == POINT else POINT


def presumed(separator: str) -> str:
    """The decimal mark the field separator implies: Excel writes semicolons where the
    decimal mark is the comma."""
    return COMMA if separator == ";" else POINT


@dataclass(frozen=True)
class Cell:
    """A cell read on its own: its value for each decimal mark it admits; none when it is
    not a number (`hint` then says what to write, where the file's mark does not)."""

    text: str
    values: dict[str, float]
    hint: str = ""

    @property
    def mark(self) -> str | None:
        """The decimal mark the cell shows, when it admits only one."""
        return next(iter(self.values)) if len(self.values) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """Two readings with two values: `18.074` is 18.074 or 18074."""
        return len(set(self.values.values())) > 1


def read_cell(text: str, separator: str) -> Cell:
    """`text` (without a percent sign) as a number under each decimal mark it admits.

    A space between digits separates thousands in a semicolon-separated file; in a
    comma-separated one it is refused, as it could also be two numbers run together.
    """
    if separator != ";" and _SPACE_BETWEEN_DIGITS.search(text):
        joined = "".join(c for c in text if c not in SPACES)
        return Cell(
            text,
            {},
            "a space between digits is ambiguous in a comma-separated file (thousands, or two "
            f"numbers?): write {joined}, or separate thousands with commas (1,234.5)",
        )
    bare = _LOOSE_SPACES.sub("", text)
    m = _NUMBER.match(bare)
    if not m or not (m["whole"] or m["fraction"]) or m["sep"] and m["sep"] == m["mark"]:
        return Cell(text, {})
    digits = "".join(c for c in m["whole"] or "0" if c.isdigit())
    number = f"{m['sign']}{digits}.{m['fraction'] or '0'}{m['exponent'] or ''}"
    value = float(number)  # the pattern admits only what float reads
    sep, mark = m["sep"], m["mark"]
    if sep in (POINT, COMMA):  # grouped by a mark: the other one is the decimal mark
        return Cell(text, {other(sep): value})
    if mark is None:
        return Cell(text, {POINT: value, COMMA: value})
    whole = m["whole"] or ""
    if (
        not sep
        and not m["exponent"]
        and len(m["fraction"]) == 3
        and re.fullmatch(r"[1-9][0-9]{0,2}", whole)
    ):
        grouped = float(f"{m['sign']}{whole}{m['fraction']}")
        return Cell(text, {mark: value, other(mark): grouped})
    return Cell(text, {mark: value})


def hint(text: str, mark: str) -> str:
    """What to write instead of a cell that is not a number, in a file whose decimal mark
    is `mark`."""
    if text.startswith("(") and text.endswith(")"):
        return f"write a negative number with a minus sign: -{text[1:-1]}"
    if mark == COMMA and POINT in text:
        return (
            "in this file the decimal mark is the comma and a point separates thousands: "
            "write e.g. 1,5 or 1.234,5"
        )
    if mark == POINT and COMMA in text:
        return "use a point for decimals and commas only between thousands (1,234.5)"
    return "enter a number such as " + ("12,5" if mark == COMMA else "12.5") + " (no words)"


def written(value: float, mark: str) -> str:
    """`value` as a file with decimal mark `mark` writes it, without thousands separators."""
    text = f"{value:.15g}"
    return text.replace(POINT, COMMA) if mark == COMMA else text


@dataclass(frozen=True)
class Located:
    """A number cell, where it is, and its place in the file's order."""

    order: int
    line: int
    column: str
    cell: Cell

    def __str__(self) -> str:
        return f'line {self.line}, column {self.column}: "{self.cell.text}"'


@dataclass(frozen=True)
class Conflict:
    """The first number of the convention fewer numbers of the file use."""

    at: Located
    mark: str  # the file's mark: the one more numbers use
    evidence: Located  # the first number that shows it
    count: int  # how many numbers show the other mark

    @property
    def message(self) -> str:
        return (
            f'"{self.at.cell.text}" has a decimal {_name(other(self.mark))} where the '
            f"file's other numbers have decimal {_name(self.mark)}s ({self.evidence}): it "
            "mixes the two conventions"
        )

    @property
    def hint(self) -> str:
        value = self.at.cell.values[other(self.mark)]
        some = f"{self.count} numbers of the file have" if self.count > 1 else "it alone has"
        return (
            f"write every number of the file with one decimal mark: {written(value, self.mark)} "
            f"here ({some} a decimal {_name(other(self.mark))})"
        )


def _name(mark: str) -> str:
    return "point" if mark == POINT else "comma"


@dataclass(frozen=True)
class Convention:
    """A file's decimal mark: `mark` where its numbers settle it, else the separator's."""

    separator: str = ","
    mark: str | None = None  # settled by the file's numbers
    columns: frozenset[str] = frozenset()  # the columns whose numbers settled it

    @property
    def decimal(self) -> str:
        """The decimal mark numbers of this file are read with."""
        return self.mark or presumed(self.separator)

    def value(self, cell: Cell) -> float | None:
        """The cell's value in this file; None for an ambiguous number the file does not
        settle whose mark the separator's convention takes for a thousands separator. A
        number of the other convention (a conflict, reported once by `settle`) is read
        with its own mark."""
        if self.mark is None and cell.ambiguous and _shown(cell) != self.decimal:
            return None
        return cell.values.get(self.decimal, next(iter(cell.values.values())))

    def ambiguity(self, cell: Cell, raw: str) -> tuple[str, str]:
        """An ambiguous number `value` leaves unread: its two readings, and how to write
        either so that it reads one way."""
        mark = _shown(cell)
        kind = _name(mark)
        decimal, grouped = cell.values[mark], cell.values[other(mark)]
        message = (
            f'"{raw}" could be {decimal:.15g} (a decimal {kind}) or {grouped:.15g} (a '
            f"{kind} between thousands): no other number of the file shows which"
        )
        return message, (
            f"write {cell.text}0 if the {kind} is the decimal mark, or {grouped:.15g} if it "
            "separates thousands"
        )


def _shown(cell: Cell) -> str:
    """The mark an ambiguous cell holds."""
    return POINT if POINT in cell.text else COMMA


def settle(
    cells: Iterable[Located], separator: str, columns: Iterable[str] = ()
) -> tuple[Convention, Conflict | None]:
    """The file's convention from its numbers, and its first conflict: the first number of
    the convention fewer numbers use (on a tie, the one the file's first such number does
    not)."""
    shown: dict[str, list[Located]] = {POINT: [], COMMA: []}
    for located in cells:
        if located.cell.mark is not None:
            shown[located.cell.mark].append(located)
    points, commas = shown[POINT], shown[COMMA]
    if not points or not commas:
        mark = POINT if points else COMMA if commas else None
        return Convention(separator, mark, frozenset(columns)), None
    rank = {m: (len(shown[m]), -shown[m][0].order) for m in shown}
    more = POINT if rank[POINT] > rank[COMMA] else COMMA
    fewer = shown[other(more)]
    conflict = Conflict(fewer[0], more, shown[more][0], len(fewer))
    return Convention(separator, more, frozenset(columns)), conflict


def without_percent(text: str) -> tuple[str, float]:
    """A cell without its percent sign, and the scale the sign stands for."""
    if text.endswith("%"):
        return text[:-1].rstrip(SPACES), 0.01
    return text, 1.0


def parse(raw: str, convention: Convention, *, percent: bool) -> float | tuple[str, str]:
    """The number a cell (not empty) holds in a file of `convention`, or what is wrong with
    it and what to do: a currency sign, a percentage where none is taken (`percent`), text,
    an ambiguous number the file does not settle, NaN or infinity, a number beyond LARGEST."""
    signs = [c for c in CURRENCY_SIGNS if c in raw]
    if signs:
        bare = raw.translate({ord(c): None for c in CURRENCY_SIGNS}).strip()
        return (
            f'"{raw}" has a currency sign ({signs[0]})',
            f"write the number without the currency sign: {bare}",
        )
    text, scale = without_percent(raw)
    if scale != 1 and not percent:
        return (
            f'"{raw}" is a percentage, which this column does not take',
            "enter a plain number, without %",
        )
    if text.strip("+-").lower() in ("nan", "inf", "infinity"):
        value = math.nan
    else:
        cell = read_cell(text, convention.separator)
        if not cell.values:
            return f'"{raw}" is not a number', cell.hint or hint(text, convention.decimal)
        read = convention.value(cell)
        if read is None:
            return convention.ambiguity(cell, raw)
        value = read * scale
    if not math.isfinite(value):
        return (
            f'"{raw}" is not a finite number',
            "enter a number, or leave out the row if there is no figure",
        )
    if abs(value) > LARGEST:
        return (
            f'"{raw}" is out of range: no number modelgen reads is larger than {LARGEST:.0e}',
            "check the digits and the unit of the number",
        )
    return value
