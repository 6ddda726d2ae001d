"""Whether a workbook's formulas carry cached values, the results a spreadsheet last computed.

A program that calculates (Excel, LibreOffice, modelgen) writes every formula cell with its
result, ``<c><f>A1*2</f><v>84</v></c>``; one that does not (openpyxl, pandas through
openpyxl, many scripts) writes the formula alone, ``<f>A1*2</f><v/>`` or no ``<v>`` at all.
Such a workbook shows its formulas' figures only once a spreadsheet recalculates it, so
``verify`` has nothing to check, ``diff`` would see every output as empty and
``build --previous`` cannot read a formula typed into an input.

The rule: **a workbook lacks computed values when it has formulas and not one of them
carries a value.** A value is a ``<v>`` with text, or ``t="str"``, which Excel and
LibreOffice write for a formula whose result is the empty string (``<v></v>``). modelgen
writes such a result as ``<v></v>`` without ``t``, like openpyxl's empty ``<v/>``, which is why
an empty ``<v>`` alone proves nothing; but every modelgen workbook has numeric formulas too.
"None", not "almost none": a program that calculates writes a result for every formula, and
the programs that do not write none, so a threshold would only blur the answer; a workbook
with some values missing is what ``verify`` reports cell by cell.

It streams the worksheet parts as :mod:`modelgen.xlsx.cells` does, after
:func:`check_xlsx`'s safety checks, and stops at the first formula with a value: a
fraction of a second even for a workbook of 50,000 cells, where openpyxl takes seconds.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError
from modelgen.xlsx.cells import (
    CELL,
    FORMULA,
    UNREADABLE,
    VALUE,
    stream_rows,
    unreadable,
    worksheet_parts,
)
from modelgen.xlsx.open_safely import check_xlsx

__all__ = ["NO_VALUES", "NoComputedValuesError", "lacks_computed_values", "no_values_message"]

#: what happened, in the words every message about such a workbook uses: "FILE has ..."
NO_VALUES = (
    "formulas but no computed values (saved by a program that does not calculate, "
    "such as openpyxl or pandas)"
)


class NoComputedValuesError(ModelgenError, ValueError):
    """A workbook whose formulas carry no cached values, where a command needs them."""

    exit_code = EXIT_BAD_INPUT


def no_values_message(path: str | Path, todo: str) -> str:
    """One line: ``PATH has formulas but no computed values (...): TODO``."""
    return f"{path} has {NO_VALUES}: {todo}"


def _scan(zf: zipfile.ZipFile, part: str) -> tuple[bool, bool]:
    """(has a formula, has a formula with a value) in one worksheet part; stops at a value."""
    formulas = False
    with zf.open(part) as fh:
        for row in stream_rows(fh):
            for cell in row.iter(CELL):
                if cell.find(FORMULA) is None:
                    continue
                formulas = True
                if cell.findtext(VALUE) or cell.get("t") == "str":
                    return True, True
    return formulas, False


def lacks_computed_values(path: str | Path) -> bool:
    """True when the workbook at ``path`` has formulas and none carries a cached value.

    The file is checked by :func:`modelgen.xlsx.open_safely.check_xlsx` first (an unsafe or
    broken file raises its UnsafeWorkbookError), and only read.
    """
    path = Path(path)
    check_xlsx(path)
    formulas = False
    with zipfile.ZipFile(path) as zf:
        try:
            for _, part in worksheet_parts(zf):
                found, valued = _scan(zf, part)
                if valued:
                    return False
                formulas = formulas or found
        except (*UNREADABLE, OSError) as e:
            raise unreadable(path, e) from e
    return formulas
