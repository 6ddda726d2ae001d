"""Depreciation: each asset class's opening base and vintages, per docs/ACCOUNTING.md.

Per class: the useful life in effect in each period (a change applies from its period on,
prospectively), the assets owned at the start (the opening base), and the capex of every
period (vintages) entering service after the convention's offset and the class's lag. The
rows come from `ledger`, the one definition the Scenarios sheet uses too.

The vintage grid is quadratic in periods: it is the transparent view of small models. Large
ones (setting `depreciation_view`, `auto` by size) compute each class's vintages in closed
form instead (`closed_form`), proven equal to the grid in the tests; a class whose life
changes (in life_changes.csv or any scenario) is drawn as a grid in every view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr
from modelgen.formulas.functions import MAX, SUM, plus
from modelgen.formulas.rows import Row, Sheet, block, span
from modelgen.keys import row_key
from modelgen.model.closed_form import depreciation_view, owed
from modelgen.model.ledger import ClassTerms, class_charge, life_in_effect
from modelgen.model.scenario_inputs import param
from modelgen.model.straight_line import service_offset
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model


def build(model: Model) -> None:
    inp = model.sheets[SheetName.INPUTS]
    sheet = model.new_sheet(SheetName.DEPRECIATION)
    lbl = model.label
    start, length = inp["period_start"], inp["period_length"].d
    conv = inp["depreciation_convention"].d

    sheet.header("Timeline")
    end = sheet.add("period_end", lbl("period_end"), formula=start.cur + length)
    number = sheet.add("period_number", lbl("period_number"))
    number.formula = number.prev + 1
    sheet.add(
        "service_offset",
        lbl("service_offset"),
        const_formula=service_offset(conv, length),
    )
    sheet.add("timeline_end", lbl("timeline_end"), const_formula=MAX(span(end)))
    sheet.add("period_count", lbl("period_count"), const_formula=MAX(span(number)))
    parts = charges(model, sheet, None, sheet["service_offset"].d)
    _totals(model, sheet, parts)


def has_life_changes(model: Model, ticker: str, asset_class: str) -> bool:
    """Whether the class's life changes in life_changes.csv or in any scenario."""
    key = row_key("useful_life_change", ticker=ticker, asset_class=asset_class)
    return bool(model.inputs.life_changes.get(ticker, {}).get(asset_class)) or (
        model.inputs.scenarios.varies(key)
    )


def lagged(model: Model, ticker: str, asset_class: str) -> bool:
    """Whether the class has capex under construction: a lag in assumptions.csv or in a
    scenario."""
    lag = next(a.lag for a in model.inputs.asset_classes[ticker] if a.name == asset_class)
    varied = model.inputs.scenarios.values.get(
        row_key("in_service_lag", ticker=ticker, asset_class=asset_class), {}
    )
    return lag > 0 or any(float(v) > 0 for v in varied.values())


def terms_of(model: Model, ticker: str, name: str, scenario: str | None = None) -> ClassTerms:
    """A class's inputs: the live Inputs rows, or one scenario's (its own capex too)."""
    inp = model.sheets[SheetName.INPUTS]
    c = {"ticker": ticker, "asset_class": name}

    def p(key: str) -> Row:
        return inp[key] if scenario is None else param(model, key, scenario)

    capex = (
        model.sheets[SheetName.CAPEX][row_key("capex", ticker=ticker)]
        if scenario is None
        else model.sheets[SheetName.SCENARIOS][row_key("capex", scenario=scenario, ticker=ticker)]
    )
    return ClassTerms(
        ticker,
        name,
        capex,
        share=p(row_key("share", **c)).d,
        lag=p(row_key("in_service_lag", **c)).d,
        opening_value=p(row_key("opening_net_book_value", **c)).d,
        opening_remaining=p(row_key("opening_remaining_life", **c)).d,
        base_life=p(row_key("useful_life", **c)).d,
        changes=p(row_key("useful_life_change", **c)),
        scenario=scenario or "",
    )


def charges(
    model: Model, sheet: Sheet, scenario: str | None, offset: Expr
) -> dict[str, list[tuple[str, Row, Expr]]]:
    """Every class's life in effect, opening base and vintages on `sheet`, for the live case
    (`scenario` None) or for one scenario.

    Returns, by ticker, `(class name, opening charge row, class charge expression)`.
    """
    lbl = model.label
    grid_view = depreciation_view(model) == "grid"
    terms = [
        terms_of(model, t, a.name, scenario)
        for t in model.inputs.tickers
        for a in model.inputs.asset_classes[t]
    ]
    sheet.blank()
    sheet.header("Useful life in effect: the life before any change in column D")
    lives = {
        (x.ticker, x.name): life_in_effect(
            sheet,
            x.key("useful_life_in_effect"),
            lbl("useful_life_in_effect", x.ticker, asset_class=x.name),
            x,
        )
        for x in terms
    }
    out: dict[str, list[tuple[str, Row, Expr]]] = {}
    for x in terms:
        if not out.get(x.ticker):
            sheet.blank()
            sheet.header(lbl("opening_and_vintages", x.ticker))
        grid = grid_view or has_life_changes(model, x.ticker, x.name)
        life = lives[(x.ticker, x.name)]
        opening, total = class_charge(model, sheet, x, life, offset, grid)
        out.setdefault(x.ticker, []).append((x.name, opening, total))
    return out


def class_rows(
    model: Model, sheet: Sheet, scenario: str, parts: dict, level: int = 0
) -> dict[str, list[Row]]:
    """`depreciation_class` rows: each class's charge, vintages and opening base (of one
    scenario's, on the Scenarios sheet)."""
    return {
        t: [
            sheet.add(
                row_key("depreciation_class", scenario=scenario, ticker=t, asset_class=name),
                model.label("depreciation_class", t, asset_class=name),
                level=level,
                formula=total,
            )
            for name, _, total in items
        ]
        for t, items in parts.items()
    }


def company_rows(
    model: Model, sheet: Sheet, scenario: str, by_class: dict[str, list[Row]]
) -> dict[str, Row]:
    """`depreciation` rows: each company's classes added up."""
    return {
        t: sheet.add(
            row_key("depreciation", scenario=scenario, ticker=t),
            model.label("depreciation", t),
            formula=SUM(block(rows)),
        )
        for t, rows in by_class.items()
    }


def _totals(model: Model, sheet: Sheet, parts: dict[str, list[tuple[str, Row, object]]]) -> None:
    """Depreciation by class, of the opening base, by company and in total."""
    lbl = model.label
    sheet.blank()
    sheet.header("Depreciation by asset class: vintages and opening base")
    by_class = class_rows(model, sheet, "", parts)
    sheet.blank()
    sheet.header("What each class's vintages owe by the end of the timeline at an unchanged life")
    for t, items in parts.items():
        for name, _, _ in items:
            c = {"ticker": t, "asset_class": name}
            owes = owed(
                model, sheet, terms_of(model, t, name), sheet[row_key("useful_life_in_effect", **c)]
            )
            sheet.add(
                row_key("depreciation_owed", **c),
                lbl("depreciation_owed", t, asset_class=name),
                level=1,
                const_formula=owes,
            )
    sheet.blank()
    sheet.header("The opening base by the end of the timeline (the Checks sheet's test)")
    inp, last = model.sheets[SheetName.INPUTS], model.n_periods - 1
    elapsed = sheet["timeline_end"].d - inp["period_start"].at(0)
    for t, items in parts.items():
        for name, opening, _ in items:
            c = {"ticker": t, "asset_class": name}
            life = sheet[row_key("useful_life_in_effect", **c)]
            r0 = inp[row_key("opening_remaining_life", **c)].d
            sheet.add(
                row_key("opening_life_left", **c),
                lbl("opening_life_left", t, asset_class=name),
                level=1,
                const_formula=r0 + life.at(last) - life.at(0) - elapsed,
            )
            sheet.add(
                row_key("opening_charged", **c),
                lbl("opening_charged", t, asset_class=name),
                level=1,
                const_formula=SUM(span(opening)),
            )
    sheet.blank()
    sheet.header(SheetName.DEPRECIATION)
    for t, items in parts.items():
        sheet.add(
            row_key("depreciation_opening", ticker=t),
            lbl("depreciation_opening", t),
            formula=plus(*(opening.cur for _, opening, _ in items)),
        )
    dep = company_rows(model, sheet, "", by_class)
    sheet.add(
        "depreciation:TOTAL",
        lbl("depreciation_total"),
        formula=SUM(block(list(dep.values()))),
    )
