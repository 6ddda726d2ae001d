"""Straight-line depreciation of a whole capex row in one cell, for the Sensitivity sheet.

`SUMPRODUCT` over the vintages of `capex_v / life * overlap`, the overlap of the asset's
service `[v + o, v + o + life)` with the period: the vintage grid's formula summed down
a column. MIN and MAX do not work element by element inside SUMPRODUCT, so they are
written with ABS: `min(a, b) = (a + b - |a - b|) / 2`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr
from modelgen.formulas.functions import ABS, IF, OR, SUMPRODUCT
from modelgen.formulas.rows import Row, span
from modelgen.inputs.settings import CONVENTIONS

if TYPE_CHECKING:
    from modelgen.model import Model


def _min(a: Expr, b: Expr) -> Expr:
    return (a + b - ABS(a - b)) / 2


def _max(a: Expr, b: Expr) -> Expr:
    return (a + b + ABS(a - b)) / 2


def _positive(x: Expr) -> Expr:
    return (x + ABS(x)) / 2


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


def charge(
    model: Model, capex: Row, offset: Expr, life: Expr, period_start: Expr | None = None
) -> Expr:
    """This period's depreciation of every vintage of `capex` at one useful life, in
    service `offset` years after its period starts (0 for land: a life of 0); with
    `period_start`, that period's instead (one cell, as the Sensitivity tables read)."""
    inp = model.sheets["Inputs"]
    start, length = inp["period_start"], inp["period_length"].d
    at = start.cur if period_start is None else period_start
    v = span(start) + offset
    overlap = _positive(_min(at + length, v + life) - _max(at, v))
    return IF(life.eq(0), 0, SUMPRODUCT(span(capex) * overlap) / life)
