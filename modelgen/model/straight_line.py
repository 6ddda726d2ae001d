"""Straight-line depreciation of a whole capex row at one useful life, for the Sensitivity
sheet, as rows a reviewer reads one at a time.

A vintage `v` (capex of the period starting `start_v`, in service from `a_v = start_v + o`)
is charged `capex_v / L * MAX(0, MIN(t_end, a_v + L) - MAX(t, a_v))` in period `[t, t_end)`:
the Depreciation sheet's grid formula. Two views of it:

- in one chosen period, `service_share` is a row across the vintages (one formula copied
  across): each vintage's years in service within that period over the life; the charge
  of any capex row is then `SUMPRODUCT(capex, service_share)`;
- in every period, `schedule` finds once which ages a period charges (as `closed_form` does
  for the Depreciation sheet: on an evenly spaced timeline the newest and the oldest
  vintage charged are always the same number of periods back) and `charge_by_period` adds
  the capex of the ages between (a whole period each, `SUMIFS` over period numbers) to the
  two edge vintages' part-period charges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Crit, Expr
from modelgen.formulas.functions import IF, MATCH, MAX, MIN, OR, SUMIFS, SUMPRODUCT
from modelgen.formulas.rows import Row, Sheet, span
from modelgen.inputs.settings import CONVENTIONS
from modelgen.keys import RowKey, kind_of
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model


def service_offset(convention: Expr, length: Expr) -> Expr:
    """Years into its period at which capex enters service: the fraction `CONVENTIONS`
    gives the convention's name, times the period's length; made from that table, so a
    convention added there is computed here (a fraction of 0 is the last branch's)."""
    names: dict[float, list[str]] = {}
    for name, fraction in CONVENTIONS.items():
        names.setdefault(fraction, []).append(name)
    offset: Expr | float = 0
    for fraction, named in reversed([(f, n) for f, n in names.items() if f]):
        offset = IF(OR(*(convention.eq(n) for n in named)), _number(fraction), offset)
    return offset * length


def _number(fraction: float) -> float | int:
    """1.0 as 1: the formula shows a whole number as one."""
    return int(fraction) if float(fraction).is_integer() else fraction


def service_share(
    model: Model, sheet: Sheet, key: str, label: str, offset: Expr, life: Expr, at: Expr
) -> Row:
    """A row across the vintages: the years each is in service within the period starting
    `at`, over the `life` (0 for land: a life of 0 charges nothing)."""
    inp = model.sheets[SheetName.INPUTS]
    length = inp["period_length"].d
    service = inp["period_start"].cur + offset
    overlap = MAX(0, MIN(at + length, service + life) - MAX(at, service))
    row = sheet.add(key, label, level=2)
    row.formula = IF(life.eq(0), 0, overlap / life)
    return row


def charge_in(capex: Row, share: Row) -> Expr:
    """The charge of every vintage of `capex` in the period `share` was made for."""
    return SUMPRODUCT(span(capex), span(share))


@dataclass(frozen=True)
class Schedule:
    """Which vintages a period charges at one life: the newest and the oldest by age (in
    periods), the years each edge is in service within the period, and `1 / life`."""

    rate: Expr
    newest: Expr
    oldest: Expr
    newest_years: Expr
    oldest_years: Expr


def schedule(
    model: Model, sheet: Sheet, of: RowKey, subject: str, offset: Expr, life: Expr
) -> Schedule:
    """Five constants (column D), each keyed `of` with its kind (`charge_rate`, ...) and
    labelled by the template's label of that kind with `subject` (the label of the charge
    they serve)."""
    inp, dep = model.sheets[SheetName.INPUTS], model.sheets[SheetName.DEPRECIATION]
    start, length = inp["period_start"], inp["period_length"].d
    timeline_end, count = dep["timeline_end"].d, dep["period_count"].d

    def constant(kind: str, formula: Expr) -> Expr:
        key = str(of.with_(kind=kind))
        label = model.label(kind, subject=subject)
        return sheet.add(key, label, level=2, const_formula=formula).d

    def age(bound: Expr) -> Expr:
        """Periods back (from the last) to the newest vintage starting at or before
        `bound`; the number of periods when none does."""
        return IF(bound < start.at(0), count, count - MATCH(bound, span(start)))

    def years(k: Expr) -> Expr:
        """Years in service within a period of a vintage `k` periods older."""
        x = offset - k * length  # its service start, from the period's start
        return MAX(0, MIN(length, x + life) - MAX(0, x))

    rate = constant("charge_rate", IF(life.eq(0), 0, 1 / life))
    newest = constant("charge_newest_age", age(timeline_end - offset))
    oldest = constant("charge_oldest_age", age(timeline_end - life - offset))
    newest_years = constant("charge_newest_years", years(newest))
    oldest_years = constant("charge_oldest_years", IF(oldest > newest, years(oldest), 0))
    return Schedule(rate, newest, oldest, newest_years, oldest_years)


def charge_by_period(
    model: Model, sheet: Sheet, key: str, label: str, capex: Row, plan: Schedule
) -> Row:
    """Rows `key` (the charge, labelled `label`) after the capex charged a whole period (its
    kind + `_whole`: `life_charge_whole:3` before `life_charge:3`, labelled by the template's
    `charge_whole` with `label`)."""
    inp, dep = model.sheets[SheetName.INPUTS], model.sheets[SheetName.DEPRECIATION]
    number, length = dep["period_number"], inp["period_length"].d
    n, spent = number.cur, span(capex)
    whole = sheet.add(
        str(RowKey.parse(key).with_(kind=kind_of(key) + "_whole")),
        model.label("charge_whole", subject=label),
        level=2,
        formula=SUMIFS(
            spent,
            span(number),
            Crit(">", n - plan.oldest),
            span(number),
            Crit("<", n - plan.newest),
        ),
    )
    newest = SUMIFS(spent, span(number), n - plan.newest)
    oldest = SUMIFS(spent, span(number), n - plan.oldest)
    edges = plan.newest_years * newest + plan.oldest_years * oldest
    return sheet.add(
        key,
        label,
        level=1,
        formula=plan.rate * (length * whole.cur + edges),
    )
