"""Copy the analyst's own sheets from OLD into the new workbook, references re-pointed.

A sheet modelgen did not write is the analyst's: it is read from OLD with openpyxl (values,
formulas, number formats, fonts and fills, column widths, row heights, merged cells, line
and column charts) and written again with xlsxwriter. Each reference into a generated sheet
is re-pointed to the same row key and period (:mod:`modelgen.regenerate.repoint`); one that
cannot be is replaced by ``#REF!``, the cell filled red with a comment saying what it was,
and listed. The workbook's defined names are kept or carried
(:mod:`modelgen.regenerate.analyst_names`), and so are the sheets' validations and
conditional formats (:mod:`modelgen.regenerate.analyst_rules`). Formulas get cached values
computed from the new model (:mod:`modelgen.regenerate.analyst_formulas`), so viewers that
do not recalculate show the new figures too; where one cannot be computed, it keeps OLD's
value and the workbook asks Excel to recalculate on open (`fullCalcOnLoad`), which it
otherwise does not need.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from modelgen.formulas.addresses import col_index, col_letter
from modelgen.regenerate.analyst_charts import ChartSpec, read_charts, write_chart
from modelgen.regenerate.analyst_formulas import Unsupported, XLError, evaluate_formula
from modelgen.regenerate.analyst_names import OldName, carry_names, define_names
from modelgen.regenerate.analyst_rules import Rule, read_rules, rgb, write_rules
from modelgen.regenerate.repoint import Repointer, parse_name, parse_ref, split_cell
from modelgen.sheets import SheetName
from modelgen.xlsx.cells import WorkbookCells
from modelgen.xlsx.open_safely import UnsafeWorkbookError
from modelgen.xlsx.read_by_key import KeyedSheet

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from modelgen.model import Model

__all__ = ["AnalystSheet", "CopyReport", "read_analyst_sheets", "write_analyst_sheets"]

FAILED_FILL = "#FF9999"
MAX_CELLS = 200_000


@dataclass
class CellSpec:
    row: int  # 0-based
    col: int
    value: Any  # formula text starting with "=", a number, text, bool or datetime
    cached: Any  # OLD's cached value of a formula
    style: tuple


@dataclass
class AnalystSheet:
    """One of the analyst's sheets as read from OLD."""

    name: str
    cells: list[CellSpec] = field(default_factory=list)
    widths: dict[tuple[int, int], float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    charts_failed: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)  # validations and conditional formats
    rules_failed: list[str] = field(default_factory=list)
    hidden: bool = False


@dataclass
class CopyReport:
    """What became of the analyst's sheets in the new workbook."""

    sheets: list[str] = field(default_factory=list)
    repointed: int = 0
    failed: list[str] = field(default_factory=list)  # "Sheet!B4: 'Capex'!F9: why"
    charts: int = 0
    charts_failed: list[str] = field(default_factory=list)
    uncomputed: int = 0
    warnings: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the analyst's names defined again
    names_dropped: list[str] = field(default_factory=list)  # "MyName (=...): why"
    rules: int = 0  # validations and conditional formats carried
    rules_failed: list[str] = field(default_factory=list)


def _style(cell: Any) -> tuple:
    font, fill, align = cell.font, cell.fill, cell.alignment
    fill_rgb = rgb(fill.fgColor) if fill is not None and fill.fill_type == "solid" else None
    return (
        cell.number_format if cell.number_format != "General" else None,
        bool(font and font.b),
        bool(font and font.i),
        rgb(font.color) if font else None,
        fill_rgb,
        align.horizontal if align else None,
        bool(align and align.wrap_text),
    )


def read_analyst_sheets(
    formulas: Any, cached: WorkbookCells, names: list[str], old: dict[str, KeyedSheet]
) -> list[AnalystSheet]:
    """Read the sheets ``names`` of OLD (its formulas opened by openpyxl, its cached values
    read by ``read_cells``)."""
    sheets = []
    for name in names:
        ws = formulas[name]
        values = cached.sheets[name].values if name in cached.sheets else {}
        sheet = AnalystSheet(name, hidden=ws.sheet_state != "visible")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None and not cell.has_style:
                    continue
                value = cell.value
                if cell.data_type == "f" and not isinstance(value, str):
                    value = "=" + str(getattr(value, "text", "") or "").lstrip("=")  # array formula
                if cell.value is None and _style(cell) == (
                    None,
                    False,
                    False,
                    None,
                    None,
                    None,
                    False,
                ):
                    continue
                cached_value = (
                    values.get((cell.row, cell.column)) if cell.data_type == "f" else None
                )
                sheet.cells.append(
                    CellSpec(cell.row - 1, cell.column - 1, value, cached_value, _style(cell))
                )
                if len(sheet.cells) > MAX_CELLS:
                    raise UnsafeWorkbookError(
                        f"sheet {name!r} of the previous workbook has more than {MAX_CELLS:,} "
                        "cells to copy; delete unused cells or formatting and try again"
                    )
        for dim in ws.column_dimensions.values():
            if dim.customWidth and dim.width:
                sheet.widths[(dim.min - 1, dim.max - 1)] = float(dim.width)
        for number, dim in ws.row_dimensions.items():
            if dim.customHeight and dim.height:
                sheet.heights[number - 1] = float(dim.height)
        for rng in ws.merged_cells.ranges:
            sheet.merged.append(
                (rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1)
            )
        sheet.charts, sheet.charts_failed = read_charts(ws)
        sheet.rules, sheet.rules_failed = read_rules(ws)
        sheets.append(sheet)
    return sheets


class _Values:
    """Cell values for evaluating the analyst's formulas: the new model, or the copied sheets."""

    def __init__(self, repoint: Repointer, sheets: dict[str, dict[tuple[int, int], CellSpec]]):
        self.repoint, self.sheets = repoint, sheets
        self.done: dict[tuple[str, int, int], Any] = {}
        self.busy: set[tuple[str, int, int]] = set()
        self.formulas: dict[tuple[str, int, int], str] = {}

    def resolve(self, text: str, home: str) -> Any:
        ref = parse_ref(text)
        if ref is None:
            return self._name(text, home)
        if text == "#REF!":
            return XLError("#REF!")
        sheet = ref.sheet or home
        (_, c0, _, r0) = split_cell(ref.a)
        (_, c1, _, r1) = split_cell(ref.b or ref.a)
        i0, i1 = col_index(c0) + 1, col_index(c1) + 1
        cells = [
            self.cell(sheet, r, c)
            for r in range(min(r0, r1), max(r0, r1) + 1)
            for c in range(min(i0, i1), max(i0, i1) + 1)
        ]
        return cells if ref.b else cells[0]

    def _name(self, text: str, home: str) -> Any:
        """A defined name: what its definition in the new workbook gives."""
        name = parse_name(text)
        book = self.repoint.names
        found = book.definition(*name, home) if name and book is not None else None
        if found is None:
            raise Unsupported(f"reference {text}")
        definition, scope = found
        if parse_ref(definition) is not None:
            return self.resolve(definition, scope)
        return evaluate_formula("=" + definition, lambda t: self.resolve(t, scope))

    def cell(self, sheet: str, row: int, col: int) -> Any:
        if sheet in self.repoint.model.sheets:
            return self.repoint.value(sheet, f"{col_letter(col - 1)}{row}")
        if sheet not in self.sheets:
            raise Unsupported(f"sheet {sheet}")
        key = (sheet, row, col)
        if key in self.done:
            return self.done[key]
        spec = self.sheets[sheet].get((row - 1, col - 1))
        if spec is None:
            return None
        formula = self.formulas.get(key)
        if formula is None:
            return spec.value
        if key in self.busy:
            raise Unsupported("a circular reference")
        self.busy.add(key)
        try:
            value = evaluate_formula(formula, lambda t: self.resolve(t, sheet))
        finally:
            self.busy.discard(key)
        self.done[key] = value
        return value


def write_analyst_sheets(
    wb: Workbook,
    model: Model,
    sheets: list[AnalystSheet],
    old: dict[str, KeyedSheet],
    names: list[OldName] | None = None,
) -> CopyReport:
    """Write the analyst's sheets after the model's; re-point, compute, mark what fails.
    ``names`` are OLD's defined names: the analyst's own are defined again, re-pointed."""
    report = CopyReport()
    taken = {SheetName.COVER, *model.sheets}
    for sheet in [s for s in sheets if s.name in taken]:
        report.warnings.append(
            f"sheet {sheet.name!r} is now a modelgen sheet: yours was not copied; rename it in the old workbook and build again"
        )
    sheets = [s for s in sheets if s.name not in taken]
    repoint = Repointer(old, model, [s.name for s in sheets])
    carried = carry_names(model, names or [], repoint, {SheetName.COVER, *taken, *repoint.analyst})
    report.names_dropped = carried.dropped
    values = _Values(repoint, {s.name: {(c.row, c.col): c for c in s.cells} for s in sheets})
    failures: dict[tuple[str, int, int], list[str]] = {}
    for sheet in sheets:
        for c in sheet.cells:
            if isinstance(c.value, str) and c.value.startswith("="):
                text, moved, failed = repoint.formula(c.value, sheet.name)
                report.repointed += moved
                values.formulas[(sheet.name, c.row + 1, c.col + 1)] = text
                if failed:
                    failures[(sheet.name, c.row, c.col)] = failed
                    where = f"{sheet.name}!{col_letter(c.col)}{c.row + 1}"
                    report.failed += [f"{where}: {f}" for f in failed]
    formats: dict[tuple, Any] = {}
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name)
        report.sheets.append(sheet.name)
        for (first, last), width in sheet.widths.items():
            ws.set_column(first, last, width)
        for r, height in sheet.heights.items():
            ws.set_row(r, height)
        for r0, c0, r1, c1 in sheet.merged:
            ws.merge_range(
                r0, c0, r1, c1, "", _format(wb, formats, _style_of(sheet, r0, c0), False)
            )
        for c in sheet.cells:
            failed = failures.get((sheet.name, c.row, c.col))
            fmt = _format(wb, formats, c.style, bool(failed))
            _write_cell(ws, c, fmt, values, sheet.name, report)
            if failed:
                note = (
                    "modelgen could not re-point this formula's reference(s) to the new workbook:\n"
                )
                ws.write_comment(
                    c.row,
                    c.col,
                    note + "\n".join(failed) + f"\nThe formula was {c.value}",
                    {"x_scale": 3, "y_scale": 2},
                )
        for spec in sheet.charts:
            moved, why = write_chart(wb, ws, spec, repoint)
            report.repointed += moved
            if why:
                report.charts_failed.append(why)
            else:
                report.charts += 1
        report.charts_failed += sheet.charts_failed
        done, moved, failed_rules = write_rules(wb, ws, sheet.rules, repoint)
        report.rules, report.repointed = report.rules + done, report.repointed + moved
        report.rules_failed += sheet.rules_failed + failed_rules
        if sheet.hidden:
            ws.hide()
    define_names(wb, carried)  # once every sheet a name may belong to exists
    report.names = list(carried.carried)
    if report.uncomputed:  # their cached values are OLD's: let Excel recalculate on open
        wb.calc_on_load = True
    return report


def _style_of(sheet: AnalystSheet, r: int, c: int) -> tuple:
    for cell in sheet.cells:
        if (cell.row, cell.col) == (r, c):
            return cell.style
    return (None, False, False, None, None, None, False)


def _format(wb: Workbook, cache: dict[tuple, Any], style: tuple, failed: bool) -> Any:
    key = (*style, failed)
    if key not in cache:
        num, bold, italic, color, fill, align, wrap = style
        props: dict[str, Any] = {}
        if num:
            props["num_format"] = num
        if bold:
            props["bold"] = True
        if italic:
            props["italic"] = True
        if color:
            props["font_color"] = color
        if fill or failed:
            props["bg_color"] = FAILED_FILL if failed else fill
        if align:
            props["align"] = align
        if wrap:
            props["text_wrap"] = True
        cache[key] = wb.add_format(props) if props else None
    return cache[key]


def _write_cell(
    ws: Any, c: CellSpec, fmt: Any, values: _Values, home: str, report: CopyReport
) -> None:
    v = c.value
    if isinstance(v, str) and v.startswith("="):
        formula = values.formulas[(home, c.row + 1, c.col + 1)]
        try:
            result = values.cell(home, c.row + 1, c.col + 1)
        except (Unsupported, RecursionError):
            result = c.cached
            report.uncomputed += 1
        if isinstance(result, XLError):
            result = str(result)  # xlsxwriter caches Excel's error codes as errors
        ws.write_formula(c.row, c.col, formula, fmt, "" if result is None else result)
    elif isinstance(v, bool):
        ws.write_boolean(c.row, c.col, v, fmt)
    elif isinstance(v, int | float):
        ws.write_number(c.row, c.col, v, fmt)
    elif isinstance(v, dt.datetime | dt.date):
        ws.write_datetime(c.row, c.col, v, fmt)
    elif v is None:
        ws.write_blank(c.row, c.col, None, fmt)
    else:
        ws.write_string(c.row, c.col, str(v), fmt)
