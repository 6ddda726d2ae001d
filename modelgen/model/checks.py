"""Checks: each a row that is 0 when it holds; `check_failures` counts the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Crit, Expr
from modelgen.formulas.functions import ABS, AND, IF, MAX, MIN, SUM, SUMIFS, SUMPRODUCT, differs
from modelgen.formulas.rows import block, span
from modelgen.keys import row_key
from modelgen.model.annual import FLOWS
from modelgen.model.depreciation import lagged
from modelgen.model.ppe import other_kind
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model


def build(model: Model) -> None:
    inp, dep, ppe = (
        model.sheets[n] for n in (SheetName.INPUTS, SheetName.DEPRECIATION, SheetName.PPE)
    )
    sheet = model.new_sheet(SheetName.CHECKS)
    tickers, lbl = model.inputs.tickers, model.label
    tol = inp["check_tolerance"].d
    checks, summaries = [], []

    def check(key: str, label: str, *, const=None, formula=None, parts=None):
        """A check row; with `parts` (key, label, formula) the parts first, each a check
        of its own, and the row `key` fails where any of them does."""
        if parts is not None:  # the summary goes below check_failures, which counts parts
            mode = "rel" if formula == "by period" else "const"
            rows = [
                check(k, lb, **{"formula" if mode == "rel" else "const": f}) for k, lb, f in parts
            ]
            summaries.append((key, label, mode, rows))
            return None
        row = sheet.add(key, label, formula=formula, const_formula=const)
        if formula is not None:
            row.const_formula = SUM(span(row))
        checks.append(row)
        return row

    sheet.header(SheetName.INPUTS)
    for t in tickers:
        classes = model.inputs.asset_classes[t]
        shares = block(
            [inp[row_key("share", ticker=t, asset_class=a.name)] for a in classes], "const"
        )
        lives = block(
            [inp[row_key("useful_life", ticker=t, asset_class=a.name)] for a in classes], "const"
        )
        check(
            row_key("check_shares_sum", ticker=t),
            lbl("check_shares_sum", t),
            const=differs(SUM(shares), 1, tol),
        )
        check(
            row_key("check_lives_positive", ticker=t),
            lbl("check_lives_positive", t),
            const=IF(MIN(lives) < 0, 1, 0),
        )

    sheet.header("Timeline and the Annual sheet (column D: periods failing)")
    _timeline_checks(model, check)

    sheet.header("Depreciation and PP&E (column D: periods failing)")
    for t in tickers:
        nbv = span(ppe[row_key("net_book_value", ticker=t)])
        # what the net book value is computed from: the opening base and the capex to date
        spent = ppe[row_key("net_book_value", ticker=t)].d + span(
            ppe[row_key("cumulative_capex", ticker=t)]
        )
        check(
            row_key("check_nbv_nonnegative", ticker=t),
            lbl("check_nbv_nonnegative", t),
            const=SUMPRODUCT(nbv < -tol * (1 + spent)),
        )
        opening, added = (
            ppe[row_key("net_ppe_opening", ticker=t)].cur,
            ppe[row_key("ppe_capex", ticker=t)].cur,
        )
        rolled = sheet.add(
            row_key("rolled_forward", ticker=t),
            lbl("rolled_forward", t),
            formula=opening + added,
        )
        scale = sheet.add(
            row_key("roll_forward_scale", ticker=t),
            lbl("roll_forward_scale", t),
            formula=ppe[row_key("net_book_value", ticker=t)].d
            + ppe[row_key("cumulative_capex", ticker=t)].cur,
        )
        # the depreciation is added inside the check, not in the row: assets written off
        # leave a sum that cancels to a rounding residue, which engines show differently
        less = span(ppe[row_key("ppe_depreciation", ticker=t)])
        check(
            row_key("check_roll_forward", ticker=t),
            lbl("check_roll_forward", t),
            const=periods_differ(span(rolled) + less, nbv, tol, scale=span(scale)),
        )
        _tie_checks(model, check, t)
    for t in tickers:
        for a in model.inputs.asset_classes[t]:
            _class_checks(model, check, t, a.name)

    if model.extra_checks:
        sheet.header("Scenarios and other views")
    for key, label, formula, *where in model.extra_checks:  # checks other blocks contribute
        if isinstance(formula, list):  # parts, each a check, and the row that sums them up
            check(key, label, formula="by period", parts=formula)
        elif where == ["const"]:
            check(key, label, const=formula)
        else:
            check(key, label, formula=formula)

    sheet.blank()
    failures = sheet.add("check_failures", lbl("check_failures"))
    between = sheet.rows[checks[0].number - 1 : checks[-1].number]  # headers' D cells are empty
    failures.const_formula = SUM(block(between, "const"))
    sheet.blank()
    sheet.header("Checks of several parts: each fails where one of its parts above does")
    for key, label, mode, rows in summaries:
        row = sheet.add(key, label)
        if mode == "rel":
            row.formula = MAX(block(rows))
            row.const_formula = SUM(span(row))
        else:
            row.const_formula = MAX(block(rows, "const"))


def _tie_checks(model: Model, check, t: str) -> None:
    """The model against the filings, one period at a time (column D counts the periods that
    fail), each more than `tie_tolerance` of the reported figure off: PP&E depreciation like
    with like; D&A built up from the model (depreciation plus the rest of D&A); and the
    model's depreciation never above total D&A (the residual would be negative)."""
    inp, dep, ppe = (
        model.sheets[n] for n in (SheetName.INPUTS, SheetName.DEPRECIATION, SheetName.PPE)
    )
    tol = inp["tie_tolerance"].d
    modelled, da = (
        dep[row_key("depreciation", ticker=t)].cur,
        inp[row_key("depreciation_reported", ticker=t)].cur,
    )
    off = ppe[row_key("depreciation_variance_pct", ticker=t)].cur
    built_up = modelled + ppe[row_key(other_kind(model, t), ticker=t)].cur
    for kind, formula in (
        ("check_depreciation_ties", IF(off.is_set(), IF(ABS(off) > tol, 1, 0), 0)),
        ("check_da_ties", IF(da.is_set(), IF(ABS(built_up - da) > tol * da, 1, 0), 0)),
        ("check_amortization_sign", IF(da.is_set(), IF(modelled - da > tol * da, 1, 0), 0)),
    ):
        check(row_key(kind, ticker=t), model.label(kind, t), formula=formula)


def _timeline_checks(model: Model, check) -> None:
    """The grey timeline is what the CSV files made it, and the Annual sheet adds up to the
    periods: a fiscal year or period start typed over fails here, where it would otherwise
    move periods out of the Annual sheet's years (or between them) unnoticed."""
    inp, dep, annual = (
        model.sheets[n] for n in (SheetName.INPUTS, SheetName.DEPRECIATION, SheetName.ANNUAL)
    )
    tol, length = inp["check_tolerance"].d, inp["period_length"].d
    start, year = inp["period_start"], inp["fiscal_year"].cur
    if "fiscal_quarter" in inp.by_key:
        year = year + (inp["fiscal_quarter"].cur - 1) * length
    steps = start.at(0) + (dep["period_number"].cur - 1) * length
    lbl = model.label
    check(
        "check_timeline",
        lbl("check_timeline"),
        formula="by period",
        parts=[
            (
                "check_timeline_fiscal_year",
                lbl("check_timeline_fiscal_year"),
                differs(start.cur, year, tol),
            ),
            ("check_timeline_steps", lbl("check_timeline_steps"), differs(start.cur, steps, tol)),
        ],
    )
    for t in model.inputs.tickers:
        parts = [
            (
                row_key("check_annual_ties", subject=kind, ticker=t),
                lbl("check_annual_ties_flow", t, flow=kind),
                differs(
                    SUM(span(annual[row_key(kind, basis="FY", ticker=t)])),
                    SUM(span(model.sheets[src][row_key(kind, ticker=t)])),
                    tol,
                ),
            )
            for kind, src in FLOWS
        ]
        check(row_key("check_annual_ties", ticker=t), lbl("check_annual_ties", t), parts=parts)


def _class_checks(model: Model, check, t: str, name: str) -> None:
    """One asset class: land never depreciates, construction in progress never does (checked
    for the classes built with a lag), the opening base and the vintages charge what they
    owe and never more than their cost."""
    inp, dep, ppe = (
        model.sheets[n] for n in (SheetName.INPUTS, SheetName.DEPRECIATION, SheetName.PPE)
    )
    lbl, tol, sheet = model.label, inp["check_tolerance"].d, model.sheets[SheetName.CHECKS]
    c = {"ticker": t, "asset_class": name}
    life, charged = (
        dep[row_key("useful_life_in_effect", **c)],
        dep[row_key("depreciation_class", **c)],
    )
    check(
        row_key("check_land_not_depreciated", **c),
        lbl("check_land_not_depreciated", t, asset_class=name),
        const=SUMPRODUCT(span(life).eq(0) * span(charged).ne(0)),
    )
    if lagged(model, t, name):
        start, end, number = inp["period_start"], dep["period_end"], dep["period_number"]
        lag, share = inp[row_key("in_service_lag", **c)].d, inp[row_key("share", **c)].d
        to_date = sheet.add(
            row_key("charged_to_date", **c),
            lbl("charged_to_date", t, asset_class=name),
            formula=SUMIFS(span(charged), span(number), Crit("<=", number.cur)),
        ).cur
        in_service = SUMIFS(
            span(model.sheets[SheetName.CAPEX][row_key("capex", ticker=t)]),
            span(start),
            Crit("<", end.cur - lag),
        )
        cost = sheet.add(
            row_key("cost_in_service", **c),
            lbl("cost_in_service", t, asset_class=name),
            formula=inp[row_key("opening_net_book_value", **c)].d + share * in_service,
        ).cur
        check(
            row_key("check_construction_not_depreciated", **c),
            lbl("check_construction_not_depreciated", t, asset_class=name),
            formula=IF(to_date > cost + tol * MAX(1, cost), 1, 0),
        )
    check(
        row_key("check_opening_charged", **c),
        lbl("check_opening_charged", t, asset_class=name),
        parts=_opening_checks(model, t, name),
    )
    changes = inp[row_key("useful_life_change", **c)]
    vintages = SUM(span(charged)) - SUM(span(dep[row_key("depreciation_opening", **c)]))
    check(
        row_key("check_class_total", **c),
        lbl("check_class_total", t, asset_class=name),
        const=IF(
            SUM(span(changes)) > 0,
            0,
            differs(vintages, dep[row_key("depreciation_owed", **c)].d, tol),
        ),
    )
    books = [dep.by_key.get(row_key("book_value_vintage", **c, index=(p,))) for p in model.periods]
    if books[0] is not None:
        floor = -tol * MAX(1, ppe[row_key("cumulative_capex", ticker=t)].cur)
        check(
            row_key("check_vintage_book_value", **c),
            lbl("check_vintage_book_value", t, asset_class=name),
            formula=IF(MIN(block(books)) < floor, 1, 0),
        )
    else:
        check(
            row_key("check_no_life_change", **c),
            lbl("check_no_life_change", t, asset_class=name),
            const=IF(SUM(span(changes)) > 0, 1, 0),
        )


def _opening_checks(model: Model, t: str, name: str) -> list[tuple[str, str, Expr]]:
    """The opening base: land charges nothing; an opening base whose remaining life ended
    by the end of the timeline charged all of its book value; any other never more."""
    inp, dep, lbl = (
        model.sheets[SheetName.INPUTS],
        model.sheets[SheetName.DEPRECIATION],
        model.label,
    )
    c = {"ticker": t, "asset_class": name}
    tol, value = inp["check_tolerance"].d, inp[row_key("opening_net_book_value", **c)].d
    life = dep[row_key("useful_life_in_effect", **c)].at(model.n_periods - 1)
    left, charged = dep[row_key("opening_life_left", **c)].d, dep[row_key("opening_charged", **c)].d
    ended = AND(life > 0, left <= 0)
    return [
        (
            row_key("check_opening_land", **c),
            lbl("check_opening_land", t, asset_class=name),
            IF(AND(life.eq(0), charged.ne(0)), 1, 0),
        ),
        (
            row_key("check_opening_all_charged", **c),
            lbl("check_opening_all_charged", t, asset_class=name),
            IF(ended, differs(charged, value, tol), 0),
        ),
        (
            row_key("check_opening_not_over", **c),
            lbl("check_opening_not_over", t, asset_class=name),
            IF(AND(life > 0, left > 0, charged > value * (1 + tol)), 1, 0),
        ),
    ]


def periods_differ(
    a: Expr, b: Expr, tolerance: Expr, where: Expr | None = None, scale: Expr | None = None
) -> Expr:
    """How many periods (of two spans) `a` differs from `b` by more than `tolerance`
    relative to `scale` (default `b`; at least one unit): one cell where a row of checks
    would take one a period. `scale` is the size of the amounts `b` was computed from,
    where `b` can be near 0 while they are not (a net book value of assets written off:
    in dollars, their rounding alone is a millionth). Squares stand for absolute values,
    which SUMPRODUCT does not take alike in every engine."""
    gap, size = a - b, b if scale is None else scale
    fails = gap * gap > tolerance * tolerance * (1 + size * size)
    return SUMPRODUCT(fails if where is None else where * fails)
