"""The Cover's two tables after the headline: the article's measure in its calendar years,
and the tie-out of the last reported year, modelled against reported PP&E depreciation.

Each figure is a live reference to the sheet that computes it (`headline.cell_at`), so a
reviewer reads on the first page both the article's arithmetic and how far the model's
depreciation is from the filings, and follows either to its source with one click.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.keys import row_key
from modelgen.sheets import SheetName
from modelgen.xlsx.headline import cell_at, headline_rows, headline_years

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from modelgen.formulas.rows import Row
    from modelgen.model import Model
    from modelgen.xlsx.styles import Styles


def _header(ws: Worksheet, r: int, title: str, columns: list[str], styles: Styles) -> int:
    ws.write_string(r, 0, title, styles.get("header"))
    for c in range(1, 7):
        ws.write_blank(r, c, None, styles.get("header"))
    ws.write_blank(r + 1, 0, None, styles.get("period"))
    for i, name in enumerate(columns, start=1):
        ws.write_string(r + 1, i, name, styles.get("period"))
    return r + 2


def _link(ws: Worksheet, r: int, c: int, model: Model, row: Row, index: int, styles) -> None:
    text, cached = cell_at(model, row, index)
    ws.write_formula(r, c, text, styles.get("link", row.fmt), cached)


def write_article_measure(ws: Worksheet, r: int, model: Model, styles: Styles) -> int:
    """Calendar capex / 5 over calendar net income, per company, in the last actual year."""
    annual = model.sheets[SheetName.ANNUAL]
    year, _ = headline_years(model)
    if (
        year is None
        or row_key(
            "run_rate_depreciation_pct_net_income", basis="CY", ticker=model.inputs.tickers[0]
        )
        not in annual.by_key
    ):
        return r
    index = model.timeline.fiscal_years.index(year)
    title = (
        f"The article's measure, calendar {year}: run-rate depreciation (a year's capex / 5) "
        "over net income, in every case (not the model's depreciation)"
    )
    columns = ["Capex", "Run rate", "Net income", "Run rate / NI"]  # text, not a sheet
    r = _header(ws, r, title, columns, styles)
    for label, t in headline_rows(model)[1:]:
        ws.write_string(r, 0, label, styles.get("bold"))
        for c, kind in enumerate(
            (
                "capex",
                "run_rate_depreciation",
                "net_income",
                "run_rate_depreciation_pct_net_income",
            ),
            start=1,
        ):
            _link(ws, r, c, model, annual[row_key(kind, basis="CY", ticker=t)], index, styles)
        r += 1
    return r + 1


def last_reported(model: Model, ticker: str) -> tuple[Row, int] | None:
    """The reported figure the model's depreciation is judged against, and the last period
    that has it: PP&E depreciation where the company reports it, else total D&A."""
    inputs = model.inputs
    for key, table in (
        ("ppe_depreciation_reported", inputs.ppe_depreciation_reported),
        ("depreciation_reported", inputs.depreciation_reported),
    ):
        periods = sorted(table.get(ticker, {}))
        if periods:
            index = model.timeline.index(periods[-1])
            if index is not None:
                return model.sheets[SheetName.INPUTS][row_key(key, ticker=ticker)], index
    return None


def write_tie_out(ws: Worksheet, r: int, model: Model, styles: Styles) -> int:
    """Per company, the last reported period's modelled against reported depreciation."""
    dep, ppe = model.sheets[SheetName.DEPRECIATION], model.sheets[SheetName.PPE]
    found = {t: last_reported(model, t) for t in model.inputs.tickers}
    if not any(found.values()):
        return r
    title = (
        "Tie-out, last reported period: modelled depreciation against the reported "
        "depreciation of property and equipment (else D&A)"
    )
    columns = ["Period", "Modelled", "Reported", "Model less reported", "Of reported"]
    r = _header(ws, r, title, columns, styles)
    for label, t in headline_rows(model)[1:]:
        if found[t] is None:
            continue
        reported, index = found[t]
        ws.write_string(r, 0, label, styles.get("bold"))
        ws.write_string(r, 1, model.periods[index], styles.get("period"))
        _link(ws, r, 2, model, dep[row_key("depreciation", ticker=t)], index, styles)
        _link(ws, r, 3, model, reported, index, styles)
        if reported.key.startswith("ppe_"):
            _link(ws, r, 4, model, ppe[row_key("depreciation_variance", ticker=t)], index, styles)
            _link(
                ws, r, 5, model, ppe[row_key("depreciation_variance_pct", ticker=t)], index, styles
            )
        r += 1
    return r + 1
