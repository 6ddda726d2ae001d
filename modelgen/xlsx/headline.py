"""What a model is called, and the headline numbers its Cover opens with.

`model_title` and `model_subject` are the one place a model gets its name: the settings
`title` and `subject` when given, else words naming the model's own companies. The Cover's
first lines, the document properties and every sheet's print header all use them.

`write_headline` writes the Cover's first table, the figures an analyst reads first: total
capex of the last actual fiscal year and of the next, its growth, D&A as a share of net
income and the EPS impact of the added D&A, for the total and each company. Every figure is
a live reference to the Annual sheet (whose columns are fiscal years in annual and quarterly
models alike), rendered and evaluated by `modelgen.formulas.expressions`, so its cached value is the
Annual sheet's own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from modelgen.formulas.expressions import Ref, RenderContext
from modelgen.inputs.settings import MAX_TEXT
from modelgen.keys import TOTAL, row_key
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from modelgen.formulas.rows import Row
    from modelgen.inputs.folder import Inputs
    from modelgen.model import Model
    from modelgen.xlsx.styles import Styles

TITLE_STEM = "Capex, depreciation and profit impact"
NAMED = 4  # companies named in a generated title; more: "A, B and 498 more"
MAX_COMPANIES = 12  # companies shown in the headline table; more: the total only
SHEET = SheetName.ANNUAL


def one_line(text: str) -> str:
    """The text on one line: every run of spaces, tabs and line breaks one space."""
    return " ".join(text.split())


def cut_at_word(text: str, limit: int, mark: str = "…") -> str:
    """`text` if it fits `limit` characters, else cut at a word boundary and marked."""
    if len(text) <= limit:
        return text
    room = max(limit - len(mark), 0)
    cut = text[:room]
    if " " in cut.strip() and not text[room : room + 1].isspace():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" ,;:-") + mark


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _companies(inputs: Inputs, budget: int) -> str:
    """The companies named as briefly as needed to fit `budget` characters."""
    names = [one_line(c.name) or c.ticker for c in inputs.companies]
    n = len(names)
    options = [_and(names)] if n <= NAMED else []
    options += [f"{', '.join(names[:2])} and {n - 2} more"] if n > 2 else []
    options += [f"{names[0]} and {n - 1} more"] if n > 1 else []
    fits = next((o for o in options if len(o) <= budget), None)
    if fits is not None:
        return fits
    return f"{n} companies" if n > 1 else cut_at_word(names[0], budget)


def model_title(inputs: Inputs) -> str:
    """The setting `title`, else "Capex, depreciation and profit impact: <the companies>"."""
    own = one_line(inputs.settings.title)
    if own:
        return own
    if not inputs.companies:
        return TITLE_STEM
    return f"{TITLE_STEM}: {_companies(inputs, MAX_TEXT - len(TITLE_STEM) - 2)}"


def model_subject(inputs: Inputs) -> str:
    """The setting `subject`, else one line on what the model does with its companies."""
    own = one_line(inputs.settings.subject)
    if own:
        return own
    head, tail = "Capex of ", ", the depreciation it turns into and what that does to net income"
    if not inputs.companies:
        return "Capex" + tail  # text, not a sheet
    return head + _companies(inputs, MAX_TEXT - len(head) - len(tail)) + tail


# --- the headline table ---------------------------------------------------------------


def headline_years(model: Model) -> tuple[int | None, int | None]:
    """(last actual fiscal year, the next) as Annual columns, None where there is none.

    The last actual fiscal year is that of the last actual period when that period closes
    its fiscal year (always in an annual model), else the year before.
    """
    last_actual = model.inputs.last_actual_period
    years = model.timeline.fiscal_years
    last = last_actual.year if last_actual.quarter in (0, 4) else last_actual.year - 1
    nxt = last + 1 if last + 1 in years else None
    return (last if last in years else None), nxt


@dataclass(frozen=True)
class Column:
    """A column of the headline table: its header, the Annual row kind and the year."""

    header: str
    kind: str  # the Annual key is f"{kind}:FY:{ticker or TOTAL}"
    year: int


def headline_columns(model: Model) -> list[Column]:
    """The table's columns for the years the timeline has and the rows the Annual sheet has."""
    last, nxt = headline_years(model)
    wanted = []
    if last is not None:
        wanted.append(Column(f"Capex {last}", "capex", last))
    if nxt is not None:
        wanted += [
            Column(f"Capex {nxt}", "capex", nxt),
            Column(f"Growth {nxt}", "capex_yoy", nxt),
            Column(f"D&A / NI {nxt}", "depreciation_pct_net_income", nxt),
            Column(f"EPS impact {nxt}", "eps_impact_incremental_da", nxt),
        ]
    annual = model.sheets[SHEET]
    rows = [TOTAL, *model.inputs.tickers]
    return [
        c
        for c in wanted
        if any(row_key(c.kind, basis="FY", ticker=t) in annual.by_key for t in rows)
    ]


def headline_rows(model: Model) -> list[tuple[str, str]]:
    """(label, ticker or TOTAL): the total, then each company unless there are too many."""
    rows = [("Total", TOTAL)]
    if len(model.inputs.companies) <= MAX_COMPANIES:
        rows += [(model.company_name(t), t) for t in model.inputs.tickers]
    return rows


class OneCell:
    """Evaluation of a Cover cell: one column, rows read at their fixed periods."""

    cols = np.arange(1)

    def period_values(self, row: Row) -> np.ndarray:
        return row.period_result()


def cell_formula(model: Model, row: Row, year: int) -> tuple[str, float | str]:
    """`=Annual!$F$12` for `row` in fiscal `year`, and its cached value."""
    return cell_at(model, row, model.timeline.fiscal_years.index(year))


def cell_at(model: Model, row: Row, index: int) -> tuple[str, float | str]:
    """A reference from the Cover to `row`'s period column `index`, and its cached value.

    Every calculated cell is a formula, so an empty one holds "", which a reference shows as
    "" (not 0, as a reference to an empty cell would): that is its cached value too; an
    empty input cell is left to the caller (see `cover_tables`).
    """
    ref = Ref(row, "at", index=index)
    text = "=" + ref.render(RenderContext(SheetName.COVER, -1, model.n_periods))
    value = ref.evaluate(OneCell())[0]
    if isinstance(value, str):
        return text, value
    value = float(value)
    if math.isinf(value):
        raise ValueError(f"division by zero in {row.key}, column {index + 1}")
    return text, "" if math.isnan(value) else value


def _note(model: Model, columns: list[Column]) -> str:
    """What the table's columns mean, in one line."""
    kinds = {c.kind for c in columns}
    annual = model.sheets[SHEET]
    eps = [
        annual.by_key.get(row_key("eps_impact_incremental_da", basis="FY", ticker=t))
        for t in model.inputs.tickers
    ]
    unit = next((row.unit for row in eps if row is not None and row.unit), "")
    years = (
        f"Fiscal years ({model.fiscal_years_note})" if model.fiscal_years_note else "Fiscal years"
    )
    parts = [f"{years}; amounts in {model.unit}" + (f", EPS impact in {unit}" if unit else "")]
    if "capex_yoy" in kinds:
        parts.append("growth: capex on the year before")
    if "depreciation_pct_net_income" in kinds:
        parts.append("D&A / NI: depreciation and amortization as a share of net income")
    if "eps_impact_incremental_da" in kinds:
        parts.append(
            "EPS impact: what the D&A added since the last actual period costs each diluted "
            "share, after tax (empty without shares)"
        )
    return "; ".join(parts) + "."


def write_headline(ws: Worksheet, r: int, model: Model, styles: Styles, width: int) -> int:
    """The headline table from row `r` (columns A to `width`); returns the next free row."""
    columns = headline_columns(model)
    ws.write_string(r, 0, "Headline numbers", styles.get("header"))
    for c in range(1, width + 1):
        ws.write_blank(r, c, None, styles.get("header"))
    r += 1
    if not columns:
        ws.write_string(r, 1, "The timeline has no whole actual fiscal year to show.")
        return r + 1
    annual = model.sheets[SHEET]
    note = _note(model, columns)
    ws.merge_range(r, 1, r, width, note, styles.get("wrap"))
    ws.set_row(r, 15 * (1 + len(note) // 110))  # merged cells do not grow to their text
    r += 1
    ws.write_blank(r, 0, None, styles.get("period"))
    for i, col in enumerate(columns, start=1):
        ws.write_string(r, i, col.header, styles.get("period"))
    r += 1
    rows = headline_rows(model)
    for label, ticker in rows:
        ws.write_string(r, 0, label, styles.get("bold"))
        for i, col in enumerate(columns, start=1):
            row = annual.by_key.get(row_key(col.kind, basis="FY", ticker=ticker))
            if row is None:  # no such figure (EPS has no total)
                ws.write_blank(r, i, None, styles.get("link"))
                continue
            text, cached = cell_formula(model, row, col.year)
            ws.write_formula(r, i, text, styles.get("link", row.fmt), cached)
        r += 1
    n = len(model.inputs.companies)
    if len(rows) - 1 < n:
        ws.write_string(r, 1, f"The total of {n} companies: the Annual sheet shows each one.")
        r += 1
    return r
