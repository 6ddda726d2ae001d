"""What makes the workbook readable at a glance: shading, highlights, names, notes, print.

`Presentation` is created once per workbook (it plans the defined names first, so a clash
of names is an input error before anything is written), `sheet(ws, sheet)` decorates each
model sheet once it is written, `finish()` defines the names. Everything here is per row
or per sheet, never per cell of a formula row.

- Forecast periods are shaded by a conditional format whose formula reads the Charts
  sheet's `forecast_period` row (the Annual sheet: the largest of its `forecast_periods:FY:T`
  rows), so the shading follows an actual typed into Inputs.
- Growth above the peak-cycle threshold (the defined name `Peak_Growth_Threshold`) is
  highlighted; check cells are green at 0 and red otherwise.
- Every input cell gets a data validation (`modelgen.xlsx.validations`); every actual's CSV
  source is a comment on its value cell (`Row.cell_notes`).
- Column B is as wide as the sheet's longest label, within the template's `label` and
  `label_max` widths; a label wider still wraps.
- Every sheet prints landscape with rows 1-2 and columns A-D repeated, the model's title
  (`modelgen.xlsx.headline.model_title`) in the header: fitted to the page width, except
  sheets of quarters, which print `YEARS_PER_PAGE` fiscal years a page, legible, instead of
  every quarter squeezed onto one.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from typing import TYPE_CHECKING

from modelgen._version import __version__
from modelgen.formulas.addresses import (
    CONST_COL,
    FIRST_PERIOD_COL,
    absolute,
    area,
    cell,
    ref,
)
from modelgen.keys import kind_of
from modelgen.model import charts_sheet, sensitivity
from modelgen.sheets import SheetName
from modelgen.xlsx.headline import cut_at_word, model_title, one_line
from modelgen.xlsx.lint import MAX_HEADER
from modelgen.xlsx.names import plan_names
from modelgen.xlsx.validations import validate_inputs

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from modelgen.formulas.rows import Row, Sheet
    from modelgen.model import Model
    from modelgen.xlsx.styles import Styles

SHADED = (
    SheetName.CAPEX,
    SheetName.GROWTH,
    SheetName.DEPRECIATION,
    SheetName.PPE,
    SheetName.PROFIT,
    SheetName.SCENARIOS,
    SheetName.CHARTS,
    SheetName.CHECKS,
)
YEARS_PER_PAGE = 2  # fiscal years of quarters on each printed page
PRINTABLE_PIXELS = 960  # across a landscape Letter or A4 page inside the margins, at 96 dpi
CHARACTER = 0.85  # column-width units a character of a 10-point Calibri label takes
COLOURS = {
    "forecast_fill": "#E7E6E6",
    "peak_fill": "#E4DFEC",
    "peak_font": "#5B2C83",
    "base_fill": "#FFF2CC",
}
_formats: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def formats(styles: Styles) -> dict[str, Format]:
    """The formats of the conditional formats (and of their legend samples on the Cover)."""
    if styles not in _formats:
        c = {**COLOURS, **styles.t.colours}
        add = styles.wb.add_format
        base = {"font_name": "Calibri", "font_size": 10}
        _formats[styles] = {
            "forecast": add(base | {"bg_color": c["forecast_fill"]}),
            "peak": add(
                base | {"bg_color": c["peak_fill"], "font_color": c["peak_font"], "bold": True}
            ),
            "ok": add(base | {"bg_color": c["check_ok"], "font_color": "#006100"}),
            "base": add(base | {"bg_color": c["base_fill"], "bold": True}),
            "fail": add(
                base | {"bg_color": c["check_fail"], "font_color": "#9C0006", "bold": True}
            ),
        }
    return _formats[styles]


def legend_rows(styles: Styles) -> list[tuple[str, Format, str]]:
    """(sample, format, meaning) for the Cover's legend of the conditional formats."""
    f = formats(styles)
    return [
        ("2027", f["forecast"], "Forecast period: guided or forecast for some company (shaded)"),
        ("45.0%", f["peak"], "Growth above the peak-cycle threshold (set on the Charts sheet)"),
        ("0", f["ok"], "Check holds (0)"),
        ("1", f["fail"], "Check fails: see the Checks sheet"),
        ("-5.80", f["base"], "Sensitivity: the base case's useful life (row) and growth (column)"),
    ]


def fingerprint(model: Model) -> str:
    """SHA-256 of every input file's digest, the template as applied and modelgen's version."""
    t = model.template
    template = {
        k: getattr(t, k) for k in ("workbook", "titles", "labels", "formats", "colours", "widths")
    }
    doc = {
        "inputs": dict(sorted(model.inputs.file_hashes.items())),
        "template": template,
        "modelgen": __version__,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def print_header(title: str) -> str:
    """The print header: the model's title centred, `&` doubled (a code in headers), cut at a
    word to fit Excel's 255 characters."""
    text, room = one_line(title), MAX_HEADER - len("&C")
    for limit in range(len(text), -1, -1):
        cut = cut_at_word(text, limit).replace("&", "&&")  # "…" stands for what is cut
        if len(cut) <= room:
            return "&C" + cut if cut else ""
    return ""


def print_setup(
    ws: Worksheet,
    last_row: int,
    last_col: int,
    repeat: bool = True,
    title: str = "",
    pages: tuple[list[int], int] | None = None,
) -> None:
    """Landscape, titles (rows 1-2, columns A-D) repeated, the used range as the print area,
    the model's title in the header; one page wide, or `pages`: (the columns each new page
    starts at, the print scale)."""
    ws.set_landscape()
    if pages is None:
        ws.fit_to_pages(1, 0)
    else:
        breaks, scale = pages
        ws.set_print_scale(scale)
        ws.set_v_pagebreaks(breaks)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat:
        ws.repeat_rows(0, 1)
        ws.repeat_columns(0, CONST_COL)
    ws.print_area(0, 0, max(last_row, 0), max(last_col, 1))
    ws.set_footer("&L&A&RPage &P of &N")
    if title:
        ws.set_header(print_header(title))


def _pixels(width: float) -> int:
    """A column's width on screen and paper, in pixels (Excel's rule for Calibri 11)."""
    return int(width * 7 + 5)


def label_width(sheet: Sheet, widths: dict[str, float]) -> float:
    """Column B's width: the longest label's (headers and titles run on over the empty
    cells beside them), at least the template's `label`, at most its `label_max`."""
    labels = [len(r.label) for r in sheet.rows if r.key and r.kind not in ("header", "title")]
    need = CHARACTER * max(labels, default=0) + 2
    return float(min(widths.get("label_max", 80), max(widths.get("label", 46), round(need))))


def quarter_pages(model: Model, sheet: Sheet, widths: dict[str, float]) -> tuple[list[int], int]:
    """Where the printed pages of a sheet of quarters start (every `YEARS_PER_PAGE` fiscal
    years) and the scale at which columns A-D and that many years fill a page's width."""
    periods = model.timeline.periods
    first = periods[0].year
    breaks = [
        FIRST_PERIOD_COL + i
        for i, p in enumerate(periods)
        if i and p.year != periods[i - 1].year and (p.year - first) % YEARS_PER_PAGE == 0
    ]
    titles = [widths.get("key", 16), label_width(sheet, widths)]
    titles += [widths.get("unit", 9), widths.get("constant", 11)]
    page = sum(map(_pixels, titles))
    page += YEARS_PER_PAGE * model.per_year * _pixels(widths.get("period", 10))
    return breaks, max(10, min(100, 100 * PRINTABLE_PIXELS // page))


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive integers as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] + 1 == n:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _ranges(rows: list[Row], first_col: int, last_col: int) -> str:
    runs = _runs([r.number for r in rows])
    return " ".join(area(cell(first_col, lo), cell(last_col, hi)) for lo, hi in runs)


class Presentation:
    """Decorations of one workbook: create before the sheets, `sheet()` each, `finish()`."""

    def __init__(self, wb: Workbook, model: Model, styles: Styles) -> None:
        self.wb, self.model, self.styles = wb, model, styles
        self.names = plan_names(model)  # an InputError here: nothing has been written
        self.fmt = formats(styles)
        self.fingerprint = fingerprint(model)
        self.title = model_title(model.inputs)

    def sheet(self, ws: Worksheet, sheet: Sheet) -> None:
        """Decorate a model sheet just written to `ws`."""
        last_col = FIRST_PERIOD_COL + max(sheet.width, 1) - 1
        self._labels(ws, sheet)
        self._notes(ws, sheet)
        validate_inputs(ws, sheet, self.model)
        self._growth(ws, sheet)
        self._checks(ws, sheet)
        self._base_case(ws, sheet)
        self._shade(ws, sheet)
        if sheet.name == charts_sheet.SHEET:
            from modelgen.xlsx.charts import add_charts

            last_col = max(last_col, add_charts(self.wb, ws, self.model))
            ws.freeze_panes(2, 0)  # the charts span columns B onwards: freeze the rows only
        quarters = self.model.per_year > 1 and sheet.width == self.model.n_periods
        pages = None
        if quarters and sheet.name != charts_sheet.SHEET:  # charts do not break across pages
            pages = quarter_pages(self.model, sheet, self.model.template.widths)
        print_setup(ws, len(sheet.rows) - 1, last_col, title=self.title, pages=pages)

    def finish(self) -> None:
        """Define the names and record the fingerprint (after every sheet exists)."""
        for name, target in self.names.items():
            self.wb.define_name(name, "=" + target)
        self.wb.set_custom_property("modelgen fingerprint", self.fingerprint)

    def _labels(self, ws: Worksheet, sheet: Sheet) -> None:
        """Fit column B to the labels; wrap the few too long for it (the row grows)."""
        width = label_width(sheet, self.model.template.widths)
        ws.set_column(1, 1, width)
        wrap = self.styles.get("label_wrap")
        for row in sheet.rows:
            long = CHARACTER * len(row.label) + 2 > width
            if long and row.key and row.kind not in ("header", "title"):
                ws.write_string(row.number - 1, 1, row.label, wrap)

    def _notes(self, ws: Worksheet, sheet: Sheet) -> None:
        for row in sheet.rows:
            for i, text in sorted((getattr(row, "cell_notes", None) or {}).items()):
                ws.write_comment(
                    row.number - 1,
                    FIRST_PERIOD_COL + i,
                    text[:30000],
                    {"author": "modelgen", "x_scale": 2.5, "y_scale": 1.2},
                )

    def _keyed(self, sheet: Sheet, prefix: str = "") -> list[Row]:
        return [r for r in sheet.rows if r.key and r.key.startswith(prefix) and r.kind != "header"]

    def _shade(self, ws: Worksheet, sheet: Sheet) -> None:
        """Shade forecast period columns (the last conditional format: the others win)."""
        last = FIRST_PERIOD_COL + sheet.width - 1
        if sheet.name in SHADED and sheet.width == self.model.n_periods:
            flag = self.model.sheets[charts_sheet.SHEET]["forecast_period"]
            flagged = cell(FIRST_PERIOD_COL, flag.number, fixed_row=True)
            criteria = ref(flag.sheet, flagged, within=sheet.name) + "=1"
        elif sheet.name == SheetName.ANNUAL:
            flags = self._keyed(sheet, "forecast_periods:FY:")
            if not flags:
                return
            # a count of forecast periods per company, never negative: any above 0 is the
            # largest above 0; one range per run of rows, not one argument per company
            runs = _runs([r.number for r in flags])
            e = FIRST_PERIOD_COL
            spans = [
                area(cell(e, lo, fixed_row=True), cell(e, hi, fixed_row=True)) for lo, hi in runs
            ]
            criteria = "MAX(" + ",".join(spans) + ")>0"
        else:
            return
        rows = [r for r in self._keyed(sheet) if r.formula is not None or r.values is not None]
        if rows:
            self._format(ws, rows, FIRST_PERIOD_COL, last, criteria, "forecast")

    def _growth(self, ws: Worksheet, sheet: Sheet) -> None:
        if sheet.name not in (SheetName.GROWTH, SheetName.ANNUAL):
            return
        rows = self._keyed(sheet, "capex_yoy:")
        if rows:
            top = cell(FIRST_PERIOD_COL, rows[0].number)
            criteria = f'AND({top}<>"",{top}>Peak_Growth_Threshold)'
            self._format(
                ws, rows, FIRST_PERIOD_COL, FIRST_PERIOD_COL + sheet.width - 1, criteria, "peak"
            )

    def _checks(self, ws: Worksheet, sheet: Sheet) -> None:
        if sheet.name != SheetName.CHECKS:
            return
        rows = self._keyed(sheet, "check_")
        if rows:
            top = cell(CONST_COL, rows[0].number)
            last = FIRST_PERIOD_COL + sheet.width - 1
            self._format(ws, rows, CONST_COL, last, f'AND({top}<>"",{top}<>0)', "fail")
            self._format(ws, rows, CONST_COL, last, f'AND({top}<>"",{top}=0)', "ok")

    def _base_case(self, ws: Worksheet, sheet: Sheet) -> None:
        """Mark the Sensitivity tables' row and column that equal the base case."""
        if sheet.name != sensitivity.SHEET:
            return
        rows = [r for r in self._keyed(sheet) if kind_of(r.key) in sensitivity.TABLE_ROWS]
        if not rows:
            return
        top, last = rows[0].number, FIRST_PERIOD_COL + sheet.width - 1
        life, growth = sheet["sensitivity_base_useful_life"], sheet["sensitivity_base_growth"]
        # each row's life in column D against the base life; each column's growth in the
        # growth row against the base growth
        row_life = cell(CONST_COL, top, fixed_col=True)
        col_growth = cell(FIRST_PERIOD_COL, sheet["sensitivity_growth"].number, fixed_row=True)
        same_life = f"ABS({row_life}-{absolute(CONST_COL, life.number)})<0.000001"
        same_growth = f"ABS({col_growth}-{absolute(CONST_COL, growth.number)})<0.000001"
        self._format(ws, rows, CONST_COL, last, same_life, "base")
        self._format(ws, rows, FIRST_PERIOD_COL, last, same_growth, "base")

    def _format(
        self, ws: Worksheet, rows: list[Row], c0: int, c1: int, criteria: str, fmt: str
    ) -> None:
        top = rows[0].number - 1
        ws.conditional_format(
            top,
            c0,
            top,
            c1,
            {
                "type": "formula",
                "criteria": "=" + criteria,
                "format": self.fmt[fmt],
                "multi_range": _ranges(rows, c0, c1),
            },
        )
