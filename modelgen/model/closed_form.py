"""Depreciation of a class's vintages in closed form: one formula per period, no grid.

The grid charges vintage `v` (share `s`, life `L`, in service from `a_v = start_v + O`,
`O` the convention's offset plus the class's lag) in period `[t, t_end)` with
`capex_v * s / L * MAX(0, MIN(t_end, a_v + L) - MAX(t, a_v))` while the life does not
change. It is quadratic in periods. On an evenly spaced timeline the vintages charged in
period `t` are a run of ages (periods before `t`):

- `k_new`, the newest vintage charged: it enters service within `(t, t_end]`;
- ages between: in service for the whole period, summed with `SUMIFS` over period numbers;
- `k_old`, the oldest vintage charged: its life ends within `(t, t_end]`;
- the two edges take the overlap formula through `INDEX`; older and newer vintages owe 0.

`k_new` and `k_old` do not depend on `t`: they are the last period's, found with `MATCH` on
the timeline (column D of `depreciation_newest_age` and `depreciation_edge_age`). Each
piece is the grid's own overlap formula for those vintages, so the sum equals the grid's
column sum exactly; the tests prove it in modelgen and in LibreOffice. A class whose life
changes is drawn as a grid (`ledger`): the closed form has no memory of book values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Crit, Expr
from modelgen.formulas.functions import IF, INDEX, MATCH, MAX, MIN, SUMIFS, SUMPRODUCT
from modelgen.formulas.rows import Row, Sheet, span
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model
    from modelgen.model.ledger import ClassTerms

#: `auto` draws the vintage grid up to this many grid cells (companies x classes x periods²).
GRID_LIMIT = 200_000


def grid_cells(model: Model) -> int:
    """How many charge cells the vintage x period grid would have."""
    classes = sum(len(model.inputs.asset_classes[t]) for t in model.inputs.tickers)
    return classes * model.n_periods**2


def depreciation_view(model: Model) -> str:
    """`grid` or `closed_form`: the setting, or by size when it is `auto`."""
    view = getattr(model.inputs.settings, "depreciation_view", "auto")
    if view == "auto":
        return "grid" if grid_cells(model) <= GRID_LIMIT else "closed_form"
    return view


def vintages(model: Model, sheet: Sheet, terms: ClassTerms, life: Row, o: Expr) -> Expr:
    """The charge of a class's vintages in closed form (while its life does not change).

    Vintage `v` enters service at `a_v = start_v + o` (`o`: the convention's offset plus the
    class's lag) and is charged `capex_v * s / L * MAX(0, MIN(t_end, a_v + L) - MAX(t, a_v))`
    in period `t`. On an evenly spaced timeline the vintages charged in `t` are a run of
    ages from `k_new` (it enters service within the period) to `k_old` (its life ends
    within it), both found once with MATCH on the last period; the ages between are charged
    a whole period, summed with SUMIFS; the two edges are charged their overlap with the
    period, which depends on the age alone, so it is a constant too (`depreciation_edge_*`).
    """
    inp, lbl = model.sheets[SheetName.INPUTS], model.label
    dep = model.sheets[SheetName.DEPRECIATION]
    start, number = inp["period_start"], dep["period_number"]
    length, timeline_end, count = (
        inp["period_length"].d,
        dep["timeline_end"].d,
        dep["period_count"].d,
    )
    L = life.d  # noqa: N806 - L is the life, as in the docs
    fields = {"asset_class": terms.name}

    def constant(kind: str, formula: Expr) -> Expr:
        row = sheet.add(
            terms.key(kind),
            lbl(kind, terms.ticker, **fields),
            level=1,
            const_formula=formula,
        )
        return row.d

    def age(kind: str, bound: Expr) -> Expr:
        """The age (in periods, at the last period) of the newest vintage starting at or
        before `bound`; the number of periods when none does."""
        found = IF(bound < start.at(0), count, count - MATCH(bound, span(start)))
        return constant(kind, found)

    def overlap(k: Expr) -> Expr:
        """Years in service within a period of a vintage `k` periods older."""
        x = o - k * length  # its service start, from the period's start
        return MAX(0, MIN(length, x + L) - MAX(0, x))

    k_new = age("depreciation_newest_age", timeline_end - o)
    k_old = age("depreciation_edge_age", timeline_end - L - o)
    w_new = constant("depreciation_newest_years", overlap(k_new))
    w_old = constant("depreciation_edge_years", IF(k_old > k_new, overlap(k_old), 0))
    rate = constant("depreciation_rate", IF(L.eq(0), 0, terms.share / L))
    n_t, capex = number.cur, span(terms.capex)
    whole = SUMIFS(
        capex, span(number), Crit(">", n_t - k_old), span(number), Crit("<", n_t - k_new)
    )
    newest = IF(n_t > k_new, INDEX(capex, n_t - k_new) * w_new, 0)
    oldest = IF(n_t > k_old, INDEX(capex, n_t - k_old) * w_old, 0)
    return rate * (length * whole + newest + oldest)


def owed(model: Model, sheet: Sheet, terms: ClassTerms, life: Row) -> Expr:
    """What a class's vintages owe by the timeline's end while the life does not change:
    `capex_v * s / L * MIN(L, elapsed)`, `elapsed` a vintage's time in service by then (its
    whole cost once its life has ended), a row `years_in_service_at_end` across the
    vintages. Land (life 0) owes nothing."""
    inp, dep = model.sheets[SheetName.INPUTS], model.sheets[SheetName.DEPRECIATION]
    o = dep[terms.key("in_service_after")].d
    L, timeline_end = life.d, dep["timeline_end"].d  # noqa: N806
    elapsed = timeline_end - inp["period_start"].cur - o
    years = sheet.add(
        terms.key("years_in_service_at_end"),
        model.label("years_in_service_at_end", terms.ticker, asset_class=terms.name),
        level=2,
        formula=MIN(L, MAX(0, elapsed)),
    )
    return IF(L.eq(0), 0, terms.share / L * SUMPRODUCT(span(terms.capex), span(years)))
