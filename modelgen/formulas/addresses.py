"""A1 addresses: column letters, quoted sheet names, and the fixed columns of the workbook
contract (A the row key, B the label, C the unit, D a row's one constant, periods from E).
"""

from __future__ import annotations

import re

FIRST_PERIOD_COL = 4  # column E, zero-based
CONST_COL = 3  # column D
CONSTANT = "D"  # column D where a period label would be: a row's one constant
FIXED_COLUMNS = ("A", "B", "C", CONSTANT)  # key, label, unit, constant: the same on every sheet

# A name written bare: a letter or _ first, then letters, digits or _ (quoting is always safe)...
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# ...unless it could be read as a reference: A1-style (AB12) or R1C1-style (R, C, R2C3).
_LOOKS_LIKE_A_REFERENCE = re.compile(r"[A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d*[Cc]\d*")


def col_letter(col: int) -> str:
    """Zero-based column index to letters: 0 -> A, 27 -> AB."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """Column letters to a zero-based index: A -> 0, AB -> 27 (the inverse of col_letter)."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def cell(col: int, row: int, *, fixed_col: bool = False, fixed_row: bool = False) -> str:
    """A cell's address from a zero-based column and a one-based row: (4, 7) -> E7; a `$`
    fixes the column or the row when the formula is copied: (4, 7, fixed_row=True) -> E$7."""
    return f"{'$' if fixed_col else ''}{col_letter(col)}{'$' if fixed_row else ''}{row}"


def absolute(col: int, row: int) -> str:
    """A cell fixed in both column and row: (3, 7) -> $D$7."""
    return cell(col, row, fixed_col=True, fixed_row=True)


def area(first: str, last: str) -> str:
    """A range from its corner cells: `E7:K9`."""
    return f"{first}:{last}"  # a range, not a key


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: `Capex`, or quoted, `'Profit Impact'`, `'AB12'`."""
    if _BARE.fullmatch(name) and not _LOOKS_LIKE_A_REFERENCE.fullmatch(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def sheet_prefix(name: str) -> str:
    """`Capex!` or `'Profit Impact'!`: the sheet part of a reference."""
    return f"{quote_sheet(name)}!"


def ref(sheet: str, address: str, *, within: str | None = None) -> str:
    """An address (a cell or an area) on `sheet`: `Capex!$E$9`, `'Profit Impact'!E7`; written
    bare, `E7`, in a formula on that same sheet (`within`)."""
    return address if sheet == within else sheet_prefix(sheet) + address
