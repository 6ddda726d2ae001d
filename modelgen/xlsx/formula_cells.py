"""What a formula cell is, counted alike where a workbook is written and where it is read.

A formula cell is a worksheet cell that holds a formula: those of the model's sheets, the
Cover's links and status lines, and an analyst's sheets carried by a regeneration. A defined
name, a conditional format or a data validation is not a cell, and a value is not a formula.
`build` reports the cells it wrote (`written`), `verify` the ones it read from the file
(`read`), so the two commands give one number for one workbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import xlsxwriter

    from modelgen.xlsx.cells import WorkbookCells


def written(wb: xlsxwriter.Workbook) -> int:
    """The formula cells of a workbook being written, counted before it is saved."""
    from xlsxwriter.worksheet import CellArrayFormulaTuple, CellFormulaTuple

    kinds = (CellFormulaTuple, CellArrayFormulaTuple)
    return sum(
        type(cell) in kinds
        for ws in wb.worksheets()
        for cells in ws.table.values()
        for cell in cells.values()
    )


def read(cells: WorkbookCells) -> int:
    """The formula cells of a workbook read from its file (a cell with an ``<f>``)."""
    return sum(len(sheet.formulas) for sheet in cells.sheets.values())
