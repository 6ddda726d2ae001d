"""A1 addresses: column letters, quoted sheet names, and the fixed columns of the workbook
contract (A the row key, B the label, C the unit, D a row's one constant, periods from E).
"""

from __future__ import annotations

FIRST_PERIOD_COL = 4  # column E, zero-based
CONST_COL = 3  # column D
CONSTANT = "D"  # column D where a period label would be: a row's one constant


def col_letter(col: int) -> str:
    """Zero-based column index to letters: 0 -> A, 27 -> AB."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_prefix(name: str) -> str:
    """`Capex!` or `'Profit Impact'!`: quote names that Excel requires quoted."""
    if name.replace("_", "").isalnum() and not name[0].isdigit():
        return f"{name}!"
    return "'" + name.replace("'", "''") + "'!"
