"""Excel's functions as expressions, under Excel's own names (`IF`, `SUMIFS`, `INDEX`...), and
a few helpers the model uses everywhere: `ratio` (never #DIV/0!), `plus`, `differs`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from modelgen.formulas.expressions import Expr, Func, Num, Range, Span, lift


def IF(cond: Any, then: Any, otherwise: Any) -> Expr:  # noqa: N802 - Excel's own names
    return Func("IF", (lift(cond), lift(then), lift(otherwise)))


def MIN(*args: Any) -> Expr:  # noqa: N802
    return Func("MIN", tuple(lift(a) for a in args))


def MAX(*args: Any) -> Expr:  # noqa: N802
    return Func("MAX", tuple(lift(a) for a in args))


def SUM(*args: Any) -> Expr:  # noqa: N802
    return Func("SUM", tuple(lift(a) for a in args))


def SUMPRODUCT(*args: Any) -> Expr:  # noqa: N802
    return Func("SUMPRODUCT", tuple(lift(a) for a in args))


def SUMIFS(total: Expr, *criteria: Any) -> Expr:  # noqa: N802
    """Sum of `total` where each criteria range equals its value: (range, value) pairs.

    A value may be a comparison, `Crit(">", x)`, rendered `">"&x`.
    """
    if len(criteria) % 2:
        raise ValueError("SUMIFS takes (range, value) pairs")
    return Func("SUMIFS", (total, *(lift(c) for c in criteria)))


def _lookup(block: Range | Span) -> Range | Span:
    """The range as INDEX and MATCH read it: written as a range even when it is one cell."""
    return dataclasses.replace(block, lookup=True) if isinstance(block, Range) else block


def MATCH_EXACT(value: Any, block: Range) -> Expr:  # noqa: N802
    """`MATCH(x, range, 0)`: 1-based position of `x` (text or number) in a one-column range."""
    return Func("MATCH", (lift(value), _lookup(block), Num(0)))


def AND(*args: Any) -> Expr:  # noqa: N802
    return Func("AND", tuple(lift(a) for a in args))


def OR(*args: Any) -> Expr:  # noqa: N802
    return Func("OR", tuple(lift(a) for a in args))


def ABS(arg: Any) -> Expr:  # noqa: N802
    return Func("ABS", (lift(arg),))


def INDEX(block: Range | Span, position: Any) -> Expr:  # noqa: N802
    """One cell of a one-column range (or of a row's span), by 1-based position.

    A row's span is indexed by row 1 and a column, `INDEX($E$3:$K$3,1,n)`: Gnumeric 1.12
    takes `INDEX($E$3:$K$3,n)` as a row number and answers #REF!. A range (or a span) of one
    cell is that cell (its only position): Gnumeric answers #REF! to any INDEX of one cell, written
    `D24:D24` or not, and IronCalc 0.9 to `INDEX(D24,1)`."""
    if isinstance(block, Span):
        if block.row.width == 1:  # a timeline of one period: that period's cell
            return block.row.at(0)
        return Func("INDEX", (block, Num(1), lift(position)))
    if len(block.rows) == 1:
        row = block.rows[0]
        return row.d if block.mode == "const" else row.cur
    return Func("INDEX", (_lookup(block), lift(position)))


def IFERROR(value: Any, fallback: Any) -> Expr:  # noqa: N802
    """`value`, else `fallback` where it is an error (a MATCH that finds nothing)."""
    return Func("IFERROR", (lift(value), lift(fallback)))


def MATCH(value: Any, lookup: Range | Span) -> Expr:  # noqa: N802
    """`MATCH(x, ascending range, 1)`: the position of the largest value at or below x."""
    return Func("MATCH", (lift(value), _lookup(lookup), Num(1.0)))


def ratio(part: Expr, whole: Expr) -> Expr:
    """`part / whole`, an empty cell where the whole is 0: never #DIV/0!."""
    return IF(whole.eq(0), "", part / whole)


def plus(*terms: Expr) -> Expr:
    """The sum of a few terms as one expression: `a+b+c`."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def differs(a: Expr, b: Expr, tolerance: Expr) -> Expr:
    """1 where `a` and `b` differ by more than `tolerance` relative to `b` (at least one
    unit), else 0: a check that holds in dollars as in billions, whatever the rounding."""
    return IF(ABS(a - b) > tolerance * MAX(1, ABS(b)), 1, 0)
