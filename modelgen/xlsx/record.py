"""What a workbook records about how modelgen generated it, so an analyst's edit is exact.

Next quarter, ``build --previous OLD`` must tell an analyst's edit from what modelgen wrote.
Comparing OLD with the new build cannot do that (the CSVs have changed since), and comparing
with "what looks generated" guesses. So every workbook carries the record itself, in a
hidden, protected sheet ``_modelgen``: one row per generated Inputs cell (sheet, key, period
or ``D``, the value written, blank for an empty input cell), one row per formula row of the
calculation sheets (so a number typed over a formula is a plug), and the names of the sheets
modelgen wrote (every other sheet is the analyst's own).

Why a sheet and not custom document properties: the record is a few hundred to a few
thousand keyed cells (more with quarters), Excel caps a text property at 255 characters,
and a sheet is plain, keyed and auditable (unhide it to read it); Excel, LibreOffice and
openpyxl all keep a hidden sheet's cells on save. It is protected (no password) so that it
is not edited by accident. It has no ``period`` row and no formulas, so reading by key
(`read_by_key`) skips it and verify has nothing to compare on it.

Values written here are the *generated* ones: a carried edit is recorded with the value the
CSVs gave, so that it is still recognised as the analyst's edit a quarter later.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from modelgen._version import __version__
from modelgen.formulas.addresses import CONSTANT
from modelgen.sheets import SheetName

if TYPE_CHECKING:  # the record is written on every build, read only on regeneration
    from openpyxl.workbook.workbook import Workbook as OpenpyxlWorkbook
    from xlsxwriter.workbook import Workbook

    from modelgen.xlsx.cells import CellReader, WorkbookCells

__all__ = [
    "SHEET",
    "Cell",
    "Provenance",
    "as_recorded",
    "read_provenance",
    "read_record",
    "sheet_periods",
    "snapshot",
    "write_provenance",
]

SHEET = SheetName.RECORD
ALL_PERIODS = "*"
Cell = tuple[str, str, str]  # (sheet, row key, period label or "D")
_HEAD = ("what", "sheet", "key", "period", "value")


@dataclass
class Provenance:
    """The generated Inputs values by cell, the formula rows, and the sheets modelgen wrote."""

    inputs: dict[Cell, object] = field(default_factory=dict)  # None: an empty input cell
    formulas: set[Cell] = field(default_factory=set)  # period "D" or "*" (every period)
    sheets: list[str] = field(default_factory=list)
    version: str = ""

    def has_formula(self, sheet: str, key: str, period: str) -> bool:
        """Whether modelgen wrote a formula in this cell (period label or "D")."""
        if period == CONSTANT:
            return (sheet, key, CONSTANT) in self.formulas
        return (sheet, key, ALL_PERIODS) in self.formulas


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def as_recorded(value: object) -> object:
    """A generated input cell's value as the record keeps it: None for an empty cell."""
    return None if _blank(value) else value


def sheet_periods(sheet) -> list[str]:  # noqa: ANN001 - modelgen.formulas.rows.Sheet
    """A model sheet's own period labels, from its ``period`` row (Annual has years)."""
    row = sheet.by_key.get("period")
    return [] if row is None or row.values is None else [str(p) for p in row.values]


def snapshot(model) -> Provenance:  # noqa: ANN001 - modelgen.model.Model (avoids a cycle)
    """The record of `model` as generated: call it before any carried edit is applied."""
    prov = Provenance(version=__version__)
    prov.sheets = [SheetName.COVER, *model.sheets, SHEET]
    for sheet in model.sheets.values():
        for row in sheet.rows:
            if not row.key:
                continue
            if row.is_input or row.is_fixed:  # values modelgen wrote: an edit is told apart
                if row.const is not None:
                    prov.inputs[(sheet.name, row.key, CONSTANT)] = row.const
                if row.values is not None:
                    for period, v in zip(sheet_periods(sheet), row.values, strict=True):
                        prov.inputs[(sheet.name, row.key, period)] = as_recorded(v)
            if row.const_formula is not None:
                prov.formulas.add((sheet.name, row.key, CONSTANT))
            if row.formula is not None:
                prov.formulas.add((sheet.name, row.key, ALL_PERIODS))
    return prov


def write_provenance(wb: Workbook, prov: Provenance) -> None:
    """Add the hidden, protected ``_modelgen`` sheet holding `prov`, as the last sheet."""
    ws = wb.add_worksheet(SHEET)
    ws.write_string(0, 0, "modelgen record")
    ws.write_string(
        0,
        1,
        "Written by modelgen; it tells your edits from generated values next time. Do not edit.",
    )
    ws.write_row(1, 0, _HEAD)
    r = 2
    ws.write_row(r, 0, ("version", "", "", "", prov.version))
    r += 1
    for name in prov.sheets:
        ws.write_row(r, 0, ("sheet", name))
        r += 1
    for (sheet, key, period), value in prov.inputs.items():
        ws.write_row(r, 0, ("input", sheet, key, period))
        if isinstance(value, str):
            ws.write_string(r, 4, value)
        elif not _blank(value):
            ws.write_number(r, 4, float(value))  # type: ignore[arg-type]
        r += 1
    for sheet, key, period in sorted(prov.formulas):
        ws.write_row(r, 0, ("formula", sheet, key, period))
        r += 1
    ws.set_column(0, 0, 10)
    ws.set_column(1, 3, 28)
    ws.hide()
    ws.protect()


def read_record(book: CellReader) -> Provenance | None:
    """The record of a workbook open for reading, or None when it has none.

    Read by one pattern per row where the sheet is as modelgen writes it (five cells, or
    fewer, no styles): a 500-company record is a million cells, and reading them one by
    one took seconds of ``build --previous``. A record in any other shape (re-saved by
    another program) is read cell by cell, by :func:`read_provenance`."""
    from modelgen.xlsx.cells import WorkbookCells

    if SHEET not in book.sheetnames:
        return None
    prov = _scan_record(book)
    if prov is not None:
        return prov
    cells = WorkbookCells(book.sheetnames, {}, book.strings)
    sheet = book.read(SHEET)
    if sheet is not None:
        cells.sheets[SHEET] = sheet
    return read_provenance(cells)


#: a row of the record as modelgen writes it: A to C text, D and E text or a number
_ROW = re.compile(
    r'<row r="(\d+)"[^>]*>'
    r'(?:<c r="A\1" t="s"><v>(\d+)</v></c>)?'
    r'(?:<c r="B\1" t="s"><v>(\d+)</v></c>)?'
    r'(?:<c r="C\1" t="s"><v>(\d+)</v></c>)?'
    r'(?:<c r="D\1"( t="s")?><v>([^<]*)</v></c>)?'
    r'(?:<c r="E\1"( t="s")?><v>([^<]*)</v></c>)?'
    r"</row>"
)


def _scan_record(book: CellReader) -> Provenance | None:
    """The record by ``_ROW``, as :func:`_provenance` reads its rows; None where a row is
    in another shape (the cell reader reads it, or says what is wrong)."""
    from modelgen.xlsx.sheet_scan import NotPlain

    strings = book.strings
    if 0 in book.date_styles:
        return None  # numbers without a style would read as dates
    prov = Provenance()
    labels: dict[str, str] = {}  # a period as written -> as read (a few dozen of them)
    last = 0
    try:
        for text in book.text(SHEET):
            found = _ROW.findall(text)
            if len(found) != text.count("<row ") or "<row>" in text:
                return None
            for number, a, b, c, d_kind, d, e_kind, e in found:
                row = int(number)
                if row <= last:
                    return None  # rows out of order or twice: the cell reader's order
                last = row
                if row < 3 or not a:
                    continue
                what = strings[int(a)]
                sheet = strings[int(b)] if b else None
                key = strings[int(c)] if c else None
                if what in ("input", "formula") and sheet and key and d:
                    period = labels.get(d_kind + d)
                    if period is None:
                        period = labels[d_kind + d] = _label(_number(d, d_kind, strings))
                    if what == "formula":
                        prov.formulas.add((sheet, key, period))
                    else:
                        value = _number(e, e_kind, strings)
                        prov.inputs[(sheet, key, period)] = None if _blank(value) else value
                else:
                    value = _number(e, e_kind, strings) if e else None
                    _provenance_row(prov, (what, sheet, key, _number(d, d_kind, strings), value))
    except (NotPlain, IndexError, ValueError):
        return None
    return prov


def _number(text: str, shared: str, strings: list[str]) -> object:
    """A record cell's value: a shared string, a number, or None."""
    if not text:
        return None
    if shared:
        return strings[int(text)]
    return float(text) if "." in text or "e" in text or "E" in text else int(text)


def read_provenance(wb: OpenpyxlWorkbook | WorkbookCells) -> Provenance | None:
    """The record in an opened or read workbook, or None when it has none (an older or
    foreign file)."""
    from modelgen.xlsx.cells import WorkbookCells  # openpyxl: not for a plain build

    if SHEET not in wb.sheetnames:
        return None
    if isinstance(wb, WorkbookCells):
        rows = _rows(wb.sheets[SHEET].values) if SHEET in wb.sheets else []
    else:
        rows = wb[SHEET].iter_rows(min_row=3, max_col=5, values_only=True)
    return _provenance(rows)


def _provenance(rows: Iterable[Sequence[object]]) -> Provenance:
    """The record from its rows from the third, each its cells A to E."""
    prov = Provenance()
    for cells in rows:
        _provenance_row(prov, cells if len(cells) == 5 else (*cells, None, None, None, None)[:5])
    return prov


def _provenance_row(prov: Provenance, cells: Sequence[object]) -> None:
    """One row of the record, its cells A to E, into ``prov``."""
    what, sheet, key, period, value = cells
    if what == "version":
        prov.version = str(value or "")
    elif what == "sheet" and sheet:
        prov.sheets.append(str(sheet))
    elif what == "input" and sheet and key and period is not None:
        prov.inputs[(str(sheet), str(key), _label(period))] = None if _blank(value) else value
    elif what == "formula" and sheet and key and period is not None:
        prov.formulas.add((str(sheet), str(key), _label(period)))


def _rows(values: dict[tuple[int, int], object]) -> list[list[object]]:
    """The record's rows from the third, columns A to E, in row order, from its cells by
    (row, column) (a grid of the whole sheet, as openpyxl gives it, costs twice as much)."""
    rows: dict[int, list[object]] = {}
    for (r, c), value in values.items():
        if r > 2 and c <= 5:
            row = rows.get(r)
            if row is None:
                row = rows[r] = [None] * 5
            row[c - 1] = value
    return [rows[r] for r in sorted(rows)]


def _label(period: object) -> str:
    """A period label as text: 2024.0 (re-saved as a number by some tool) reads as '2024'."""
    if isinstance(period, float) and period.is_integer():
        period = int(period)
    return str(period).strip()
