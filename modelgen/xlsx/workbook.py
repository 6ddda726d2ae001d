"""Write the model as an .xlsx: formulas with their cached values, styles, widths, panes.

The file is written to a temporary name in the target folder and renamed over the old
one only when complete, so a failed build never damages an existing workbook. Excel's rules
are checked on everything written (`modelgen.xlsx.lint`) before the file is: a breach is
a bug in modelgen, raised as `ExcelRuleError`, and the old workbook stays. The same
model always gives the same bytes: document dates come from the caller.

What a caller adds to the model's sheets (a regeneration: the analyst's own sheets, carried
edits) comes in as `additions`, so that this writer never imports the code that makes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

import numpy as np
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from modelgen.atomic import replacing
from modelgen.formulas.addresses import CONST_COL, FIRST_PERIOD_COL
from modelgen.formulas.expressions import Ref, RenderContext
from modelgen.formulas.fill_right import column_texts
from modelgen.formulas.rows import Row, Sheet
from modelgen.keys import RowKey
from modelgen.model import Model
from modelgen.sheets import SheetName
from modelgen.xlsx import formula_cells
from modelgen.xlsx.cover import write_cover
from modelgen.xlsx.headline import model_subject, model_title
from modelgen.xlsx.lint import LintedWorkbook, LintedWorksheet
from modelgen.xlsx.presentation import Presentation
from modelgen.xlsx.record import Provenance, snapshot, write_provenance
from modelgen.xlsx.styles import Styles

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,  # text from CSVs is never a formula...
    "strings_to_urls": False,  # ...nor a hyperlink
    "strings_to_numbers": False,
    # each sheet's XML goes through an anonymous temporary file at close(), not a string:
    # the peak memory of a 500-company universe falls from 1.0 GB to 0.67 GB, at no cost
    # in time, and nothing is left behind (the files have no name)
    "in_memory": False,
}
MAX_COMMENT = 30000
Progress = Callable[[str, str, int, int], None]  # (sheet or stage, company, done, total)


class ModelSheet(LintedWorksheet):
    """A worksheet for modelgen's own formulas, written as they are.

    xlsxwriter scans every cell formula with 29 regular expressions for newer functions that
    need the `_xlfn.` prefix; a formula-heavy build spent two thirds of its time there.
    modelgen writes none of those functions (the formula rules in the README list the ones it
    uses, and the lint fails a build that writes any other), so its sheets skip the scan.
    Formulas in conditional formats and validations, every sheet that is not modelgen's
    own and every formula written in as an addition (the analyst's, carried) keep
    xlsxwriter's way."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if expand_future_functions or self.taking_additions:  # an analyst's: any function
            return super()._prepare_formula(formula, expand_future_functions)
        return formula.removeprefix("{").removeprefix("=").removesuffix("}")


class Additions(Protocol):
    """What a caller adds to the workbook (`modelgen.regenerate.carry.CarryWriter` is one)."""

    @property
    def generated(self) -> Provenance | None:
        """The record of the model as generated, taken before the caller adjusted it."""
        ...

    def write_sheets(self, wb: xlsxwriter.Workbook, model: Model, styles: Styles) -> None:
        """Add to the workbook after the model's sheets, before the record sheet."""
        ...

    def write_cover_block(self, ws: Worksheet, r: int, styles: Styles) -> int:
        """Write on the Cover from row `r`; return the next free row."""
        ...


def write_workbook(
    model: Model,
    out: Path,
    *,
    built_at: datetime,
    on_sheet: Callable[[str], None] | None = None,
    additions: Additions | None = None,
    on_progress: Progress | None = None,
) -> int:
    """Write `model` to `out` atomically; `on_sheet(name)` is called as each sheet is done,
    `on_progress(sheet, company, cells done, cells in all)` as each company's rows are.
    `additions` come after the model's sheets and on the Cover; the record sheet is last.
    Returns the number of formula cells written, as the Cover states it."""
    with replacing(Path(out)) as tmp:
        wb = LintedWorkbook(str(tmp), WORKBOOK_OPTIONS)
        _properties(wb, model, built_at)
        _calculation(wb)
        styles = Styles(wb, model.template)
        look = Presentation(wb, model, styles)  # plans the names: a clash is bad input
        cover = wb.add_worksheet(SheetName.COVER, worksheet_class=ModelSheet)
        counter = _Counter(model, on_progress)
        for sheet in model.sheets.values():
            ws = wb.add_worksheet(sheet.name, worksheet_class=ModelSheet)
            _write_sheet(ws, sheet, model, styles, counter)
            look.sheet(ws, sheet)  # formats, validations, notes, print setup, charts
            if on_sheet:
                on_sheet(sheet.name)
        if additions is not None:
            with wb.additions():  # not modelgen's formulas: Excel's limits, not the readable
                additions.write_sheets(wb, model, styles)  # e.g. the analyst's sheets
        generated = additions.generated if additions is not None else None
        write_provenance(wb, generated or snapshot(model))  # the hidden _modelgen sheet
        count_at = write_cover(
            cover,
            model,
            styles,
            built_at,
            additions.write_cover_block if additions is not None else None,
        )
        look.finish()  # defined names, fingerprint
        count = formula_cells.written(wb)
        cover.write_string(*count_at, f"{count:,}")
        if on_sheet:
            on_sheet(SheetName.COVER)
        counter.report("Saving", "the workbook", 0, 0)
        wb.close()  # checks Excel's rules first: ExcelRuleError, and nothing is written
    return count


def _properties(wb: xlsxwriter.Workbook, model: Model, built_at: datetime) -> None:
    t = model.template.workbook
    wb.set_properties(
        {
            "title": model_title(model.inputs),
            "subject": model_subject(model.inputs),
            "author": t.get("author", "modelgen"),
            "comments": "Generated by modelgen from CSV inputs; every calculated number is a formula.",
            "created": built_at,
        }
    )
    for name, digest in sorted(model.inputs.file_hashes.items()):
        wb.set_custom_property(f"modelgen sha256 {name}", digest)


EXCEL_CALC_ID = 191029  # Excel 2019 and 365's engine: an older id makes Excel recalculate


def _calculation(wb: xlsxwriter.Workbook) -> None:
    """Automatic calculation without a full recalculation on open (no `fullCalcOnLoad`):
    every cached value is its formula's result, so Excel shows the workbook as written and
    does not ask to save it on close. A caller whose cells' cached values may be stale (a
    regeneration's analyst formulas it could not compute) sets `wb.calc_on_load` again."""
    wb.set_calc_mode("auto", calc_id=EXCEL_CALC_ID)
    wb.calc_on_load = False


def _is_link(row: Row) -> bool:
    f = row.formula
    return isinstance(f, Ref) and f.row.sheet != row.sheet


class _Counter:
    """Cells written so far, reported when the company whose rows are written changes."""

    def __init__(self, model: Model, report: Progress | None) -> None:
        self.report = report or (lambda *_: None)
        self.total = sum(_cells(row) for row in model.all_rows())
        self.done = 0
        self.company = ""

    def row(self, sheet: Sheet, row: Row) -> None:
        self.done += _cells(row)
        key = RowKey.read(row.key, sheet.name) if row.key else None
        company = key.ticker if key is not None and key.ticker else self.company
        if company != self.company:
            self.company = company
            self.report(sheet.name, company, self.done, self.total)


def _cells(row: Row) -> int:
    return row.width if row.formula is not None or row.values is not None else 1


def _write_sheet(
    ws: Worksheet, sheet: Sheet, model: Model, styles: Styles, counter: _Counter | None = None
) -> None:
    n = sheet.width
    w = model.template.widths
    ws.set_column(0, 0, w.get("key", 16), styles.get("key"))
    ws.set_column(1, 1, w.get("label", 46))
    ws.set_column(2, 2, w.get("unit", 9))
    ws.set_column(3, 3, w.get("constant", 11))
    ws.set_column(FIRST_PERIOD_COL, FIRST_PERIOD_COL + max(n, 1) - 1, w.get("period", 10))
    ws.freeze_panes(2, FIRST_PERIOD_COL)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, 1)
    ws.outline_settings(True, False, True, False)
    for row in sheet.rows:
        _write_row(ws, row, model, styles, n)
        if counter is not None:
            counter.row(sheet, row)


def _write_row(ws: Worksheet, row: Row, model: Model, styles: Styles, n: int) -> None:
    r = row.number - 1
    if row.level:
        ws.set_row(r, None, None, {"level": row.level})
    if row.kind == "blank":
        return
    if row.kind == "title":
        ws.write_string(r, 1, row.label, styles.get("title"))
        return
    if row.kind == "header":
        ws.write_string(r, 1, row.label, styles.get("header"))
        for c in range(2, FIRST_PERIOD_COL + n):
            ws.write_blank(r, c, None, styles.get("header"))
        return
    if row.key:
        ws.write_string(r, 0, row.key, styles.get("key"))
    ws.write_string(r, 1, row.label)
    if row.unit:
        ws.write_string(r, 2, row.unit, styles.get("unit"))
    if row.note:
        ws.write_comment(r, 1, row.note[:MAX_COMMENT], {"x_scale": 3, "y_scale": 2})
    if row.kind == "period":
        for i, label in enumerate(row.values if row.values is not None else []):
            ws.write_string(r, FIRST_PERIOD_COL + i, str(label), styles.get("period"))
        ws.write_blank(r, CONST_COL, None, styles.get("period"))
        return
    role = row.kind if row.is_input or row.is_fixed else ("link" if _is_link(row) else "calc")
    fmt = styles.get(role, row.fmt)
    d_fmt = styles.get(role, row.const_fmt) if row.const_fmt else fmt
    if row.const_formula is not None:
        ctx = RenderContext(row.sheet, -1, n)
        _formula(ws, r, CONST_COL, row.const_formula.render(ctx), d_fmt, row.const_result)
    elif row.const is not None:
        _value(ws, r, CONST_COL, row.const, d_fmt)
        if row.choices is not None:
            source = row.choices
            if not isinstance(source, list):  # a range of the workbook: the list follows it
                source = "=" + source.render(RenderContext(row.sheet, -1, n))
            ws.data_validation(r, CONST_COL, r, CONST_COL, {"validate": "list", "source": source})
    if row.formula is not None:
        assert row.result is not None
        texts = column_texts(row.formula, row.sheet, n)  # rendered once, not per column
        _formulas(ws, r, texts, fmt, row.result)
    elif row.values is not None:
        for i, v in enumerate(row.values):
            _value(ws, r, FIRST_PERIOD_COL + i, v, fmt)


def _value(ws: Worksheet, r: int, c: int, v: object, fmt) -> None:
    if isinstance(v, str):
        ws.write_string(r, c, v, fmt)
    elif v is None or (isinstance(v, float) and math.isnan(v)):
        ws.write_blank(r, c, None, fmt)
    else:
        ws.write_number(r, c, float(v), fmt)  # type: ignore[arg-type]


def _formulas(ws: Worksheet, r: int, texts: list[str], fmt, values: np.ndarray) -> None:
    """A row's period formulas with their cached results, as `_formula` writes each."""
    if np.isinf(values).any():
        i = int(np.flatnonzero(np.isinf(values))[0])
        raise ValueError(f"division by zero in the formula ={texts[i]}")
    write = ws.write_formula
    for c, text, value in zip(
        range(FIRST_PERIOD_COL, FIRST_PERIOD_COL + len(texts)), texts, values.tolist(), strict=True
    ):
        write(r, c, text, fmt, "" if value != value else value)  # NaN: an empty result


def _formula(ws: Worksheet, r: int, c: int, text: str, fmt, value: object) -> None:
    """A formula and its cached result; an empty result ("") is cached as empty text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cached: object = ""
    elif isinstance(value, str):
        cached = value
    else:
        cached = float(value)  # type: ignore[arg-type]
        if math.isinf(cached):
            raise ValueError(f"division by zero in the formula ={text}")
    ws.write_formula(r, c, "=" + text, fmt, cached)
