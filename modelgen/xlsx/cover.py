"""The Cover: the model's title, its headline numbers and check status, what it is, how it
was built, the colour legend and how to use it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from xlsxwriter.worksheet import Worksheet

from modelgen._version import __version__
from modelgen.formulas.expressions import RenderContext
from modelgen.formulas.functions import IF, SUM
from modelgen.formulas.rows import block
from modelgen.sheets import SheetName
from modelgen.xlsx.cover_tables import write_article_measure, write_tie_out
from modelgen.xlsx.headline import OneCell, model_subject, model_title, write_headline
from modelgen.xlsx.presentation import fingerprint, legend_rows, print_setup

if TYPE_CHECKING:
    from modelgen.model import Model
    from modelgen.xlsx.styles import Styles

HOW_TO_USE = (
    "Change the blue cells on a yellow fill on the Inputs sheet (lives, shares, growth rates, "
    "the convention); every other sheet follows, because every calculated number is a formula.",
    "Grey cells on Inputs (the timeline, tickers, the unit, fiscal year ends, scenario names) "
    "come from the CSV files: change the files and rebuild; the checks catch a timeline typed over.",
    "Column A holds each row's key (for example capex:MSFT): modelgen, its checks and its "
    "regeneration find rows by key, so keep the column, even if you narrow it.",
    "Column D holds a row's one constant; columns E onwards are the periods, the same on every sheet.",
    "Pick a case with the scenario list at the top of the Inputs sheet; the Scenarios sheet "
    "shows every case side by side, the Sensitivity sheet what useful lives and long-run "
    "growth do to depreciation as a share of net income.",
    "The Annual sheet adds fiscal-year totals and calendar years, to compare companies whose "
    "fiscal years differ.",
    "The Checks sheet must show 0 failures; the status above turns red when it does not.",
    "Regenerate from the CSV files with: modelgen build --inputs DIR --out FILE.",
)


WIDTH = 6  # columns B to G: the headline table and the merged text rows


def _section(ws: Worksheet, r: int, text: str, styles: Styles) -> None:
    ws.write_string(r, 0, text, styles.get("header"))
    for c in range(1, WIDTH + 1):
        ws.write_blank(r, c, None, styles.get("header"))


CoverBlock = Callable[[Worksheet, int, "Styles"], int]  # writes from a row, returns the next


SCENARIO_CHECKS = ("check_scenario_input:", "check_scenario_matches:")  # its parts
SCENARIO_OK = "Every input the scenario sets holds its value"
SCENARIO_TYPED_OVER = (
    "An input the scenario sets was typed over on Inputs (Checks names it): undo it, or "
    "edit the scenario's row."
)


def _scenario_status(ws: Worksheet, r: int, model: Model, styles: Styles) -> int:
    """A line under the check status saying whether an input a scenario sets was typed over
    (the Scenarios sheet would then disagree with the model); returns the next free row."""
    checks = model.sheets[SheetName.CHECKS]
    rows = [r_ for r_ in checks.rows if r_.key and r_.key.startswith(SCENARIO_CHECKS)]
    if not rows:
        return r
    between = checks.rows[rows[0].number - 1 : rows[-1].number]
    status = IF(SUM(block(between, "const")).eq(0), SCENARIO_OK, SCENARIO_TYPED_OVER)
    cached = str(status.evaluate(OneCell())[0])
    ws.write_string(r, 0, "Scenario inputs", styles.get("bold"))
    ws.merge_range(r, 1, r, WIDTH, "", styles.get("wrap"))
    ws.write_formula(
        r,
        1,
        "=" + status.render(RenderContext(SheetName.COVER, -1, model.n_periods)),
        styles.get("wrap"),
        cached,
    )
    ws.set_row(r, 30)
    for criteria, role in (("==", "ok"), ("!=", "fail")):
        ws.conditional_format(
            r,
            1,
            r,
            1,
            {
                "type": "cell",
                "criteria": criteria,
                "value": f'"{SCENARIO_OK}"',
                "format": styles.get(role),
            },
        )
    return r + 1


def write_cover(
    ws: Worksheet,
    model: Model,
    styles: Styles,
    built_at: datetime,
    block: CoverBlock | None = None,
) -> tuple[int, int]:
    """Fill the Cover sheet; it is first in the workbook and read before anything else.
    `block` adds the caller's lines after the build facts (a regeneration's summary).
    Returns the cell left for the number of formula cells, which the writer fills once every
    sheet, the Cover included, is written (`modelgen.xlsx.formula_cells`)."""
    inputs = model.inputs
    ws.set_column(0, 0, 30)
    ws.set_column(1, WIDTH - 1, 16)
    ws.set_column(WIDTH, WIDTH, 20)
    ws.write_string(0, 0, model_title(inputs), styles.get("title"))
    ws.write_string(1, 0, model_subject(inputs))
    r = write_headline(ws, 3, model, styles, WIDTH)
    failures = model.sheets[SheetName.CHECKS]["check_failures"]
    status = IF(failures.d.eq(0), "All checks pass", "Checks failing: see the Checks sheet")
    cached = status.evaluate(OneCell())[0]
    ok = model.check_failures() == 0
    ws.write_string(r, 0, "Check status", styles.get("bold"))
    ws.write_formula(
        r,
        1,
        "=" + status.render(RenderContext(SheetName.COVER, -1, model.n_periods)),
        styles.get("ok" if ok else "fail"),
        str(cached),
    )
    ws.conditional_format(
        r,
        1,
        r,
        1,
        {
            "type": "cell",
            "criteria": "==",
            "value": '"All checks pass"',
            "format": styles.get("ok"),
        },
    )
    ws.conditional_format(
        r,
        1,
        r,
        1,
        {
            "type": "cell",
            "criteria": "!=",
            "value": '"All checks pass"',
            "format": styles.get("fail"),
        },
    )
    r = _scenario_status(ws, r + 1, model, styles) + 1
    r = write_tie_out(ws, r, model, styles)
    r = write_article_measure(ws, r, model, styles)
    names = ", ".join(f"{c.name} ({c.ticker})" if c.name else c.ticker for c in inputs.companies)
    about = (
        f"The capital expenditure (capex) of {names}: history, guidance and a forecast whose "
        "growth fades to a long-run rate; capex growth; the straight-line depreciation of the "
        "property and equipment already owned and of the capex, by vintage and asset class, "
        "useful-life changes applied from their date; how that ties to the D&A and net PP&E "
        "reported; and what depreciation and amortization do to net income."
    )
    ws.write_string(r, 0, "What this is", styles.get("bold"))
    ws.merge_range(r, 1, r, WIDTH, about, styles.get("wrap"))
    ws.set_row(r, max(45, 15 * (1 + len(about) // 110)))
    r += 2
    facts = [
        ("Built", built_at.strftime("%Y-%m-%d %H:%M UTC") + f" by modelgen {__version__}"),
        ("Input folder", inputs.folder.name or str(inputs.folder)),
        (
            "Periods",
            f"{model.periods[0]} to {model.periods[-1]} (fiscal years), "
            f"actuals to {inputs.last_actual_period}, "
            f"{inputs.settings.forecast_years} forecast years",
        ),
        ("Amounts", inputs.settings.unit),
        ("Companies", str(len(inputs.companies))),
    ]
    for label, value in facts:
        ws.write_string(r, 0, label, styles.get("bold"))
        ws.write_string(r, 1, value)
        r += 1
    ws.write_string(r, 0, "Formula cells", styles.get("bold"))
    formula_cells = (r, 1)
    r += 1
    r += 2
    if block is not None:
        r = block(ws, r, styles)
    _section(ws, r, "Legend", styles)
    r += 1
    legend = (
        ("input", "Input: a number you may change (blue on pale yellow), on the Inputs sheet only"),
        (
            "fixed",
            "Fixed: the timeline, tickers, unit, fiscal year ends, set by the CSV files (grey); "
            "change the files and rebuild",
        ),
        ("calc", "Formula: calculated on this sheet (black)"),
        ("link", "Link: a formula that brings a value from another sheet (green)"),
        ("key", "Row key: machine-readable name of the row (grey, column A)"),
    )
    for role, text in legend:
        ws.write_string(
            r, 0, "1,234.5" if role != "key" else "capex:MSFT", styles.get(role, "text")
        )
        ws.write_string(r, 1, text)
        r += 1
    for sample, fmt, text in legend_rows(styles):  # the conditional formats
        ws.write_string(r, 0, sample, fmt)
        ws.write_string(r, 1, text)
        r += 1
    r += 1
    _section(ws, r, "Sheets", styles)
    r += 1
    for name, sheet in model.sheets.items():
        ws.write_url(r, 0, f"internal:'{name}'!A1", string=name)
        ws.write_string(r, 1, sheet.title)
        r += 1
    r += 1
    _section(ws, r, "How to use it", styles)
    r += 1
    for line in HOW_TO_USE:
        ws.merge_range(r, 1, r, WIDTH, line, styles.get("wrap"))
        ws.set_row(r, 15 * (1 + len(line) // 110))  # wrapped text needs its height
        r += 1
    r += 1
    _section(ws, r, "Input files (SHA-256)", styles)
    r += 1
    ws.write_string(r, 0, "Build fingerprint", styles.get("bold"))
    ws.write_string(r, 1, fingerprint(model), styles.get("bold"))
    r += 1
    for name, digest in sorted(inputs.file_hashes.items()):
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, digest)
        r += 1
    ws.write_string(
        r,
        1,
        "The fingerprint: SHA-256 of the input files' digests, the template and the modelgen version.",
    )
    print_setup(ws, r, WIDTH, repeat=False, title=model_title(inputs))
    return formula_cells
