"""The expression layer: one definition per calculation.

A line item's formula is a tree of `Expr` objects built from references to other rows.
The same tree renders the Excel formula text for any period column and evaluates the
numbers for all periods at once with numpy, so the text and the cached value cannot
drift apart.

Excel's functions (`IF`, `SUMIFS`...) are built in `modelgen.formulas.functions`; addresses
come from `modelgen.formulas.addresses`.

Evaluation works on arrays shaped `(m,)` (one value per evaluated period column) or
`(m, k)` (a range of `k` cells per column); blanks are NaN, as Excel treats an empty
cell: 0 in arithmetic, ignored by MIN/MAX/SUM, equal to "".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from modelgen.formulas.addresses import CONST_COL, FIRST_PERIOD_COL, absolute, area, cell, ref

if TYPE_CHECKING:
    from modelgen.formulas.rows import Row


class EvalContext(Protocol):
    """What evaluation needs: the period columns being computed and row values."""

    cols: np.ndarray  # zero-based period indexes being evaluated

    def period_values(self, row: Row) -> np.ndarray: ...


@dataclass(frozen=True)
class RenderContext:
    """Where a formula is written: its sheet and zero-based period index."""

    sheet: str
    period: int  # -1 renders column D
    n_periods: int = 0


def _as_float(x: Any) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind in "fiub":
        return _zero_nan(a)
    return a


def _zero_nan(a: np.ndarray) -> np.ndarray:
    """`np.nan_to_num(a, nan=0.0)` as floats, without its cost when all are finite."""
    a = a.astype(float)
    if np.isfinite(a).all():
        return a
    return np.nan_to_num(a, nan=0.0)


def _broadcast_col(x: np.ndarray, m: int) -> np.ndarray:
    a = np.asarray(x)
    if a.ndim == 0:
        return np.full(m, a)
    return a


class Expr:
    """Base class: operators build trees; subclasses render and evaluate."""

    precedence = 100

    def render(self, ctx: RenderContext) -> str:
        raise NotImplementedError

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        raise NotImplementedError

    def refs(self) -> Iterator[Ref | Range | Span]:
        yield from ()

    # arithmetic
    def __add__(self, other: Any) -> Expr:
        return BinOp("+", self, lift(other))

    def __radd__(self, other: Any) -> Expr:
        return BinOp("+", lift(other), self)

    def __sub__(self, other: Any) -> Expr:
        return BinOp("-", self, lift(other))

    def __rsub__(self, other: Any) -> Expr:
        return BinOp("-", lift(other), self)

    def __mul__(self, other: Any) -> Expr:
        return BinOp("*", self, lift(other))

    def __rmul__(self, other: Any) -> Expr:
        return BinOp("*", lift(other), self)

    def __truediv__(self, other: Any) -> Expr:
        return BinOp("/", self, lift(other))

    def __rtruediv__(self, other: Any) -> Expr:
        return BinOp("/", lift(other), self)

    def __neg__(self) -> Expr:
        return Neg(self)

    # comparisons (== and != stay Python's own so rows can be dict keys)
    def __lt__(self, other: Any) -> Expr:
        return BinOp("<", self, lift(other))

    def __le__(self, other: Any) -> Expr:
        return BinOp("<=", self, lift(other))

    def __gt__(self, other: Any) -> Expr:
        return BinOp(">", self, lift(other))

    def __ge__(self, other: Any) -> Expr:
        return BinOp(">=", self, lift(other))

    def eq(self, other: Any) -> Expr:
        return BinOp("=", self, lift(other))

    def ne(self, other: Any) -> Expr:
        return BinOp("<>", self, lift(other))

    def is_blank(self) -> Expr:
        """`x=""`: true for an empty cell (and an empty text result)."""
        return self.eq(Text(""))

    def is_set(self) -> Expr:
        """`x<>""`: true when the cell holds a value, 0 included."""
        return self.ne(Text(""))


def lift(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, bool):
        raise TypeError("use 1 or 0, not a Python bool, in formulas")
    if isinstance(x, int | float):
        return Num(float(x))
    if isinstance(x, str):
        return Text(x)
    raise TypeError(f"cannot use {x!r} in a formula")


@dataclass(eq=False)
class Num(Expr):
    """A unit constant (2 for a midpoint, 1 for a whole): never an input."""

    value: float

    def render(self, ctx: RenderContext) -> str:
        v = self.value
        return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        return np.full(len(ctx.cols), self.value)


@dataclass(eq=False)
class Text(Expr):
    """A string literal; `Text("")` is Excel's empty result."""

    value: str

    def render(self, ctx: RenderContext) -> str:
        return '"' + self.value.replace('"', '""') + '"'

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        if self.value == "":
            return np.full(len(ctx.cols), np.nan)
        return np.full(len(ctx.cols), self.value, dtype=object)


@dataclass(eq=False)
class Ref(Expr):
    """One cell of a row: the same period shifted by `offset`, a fixed period, or column D.

    mode `rel`: the column of the formula plus `offset` (offset -1 at the first period is
    column D, exactly as in Excel); `at`: the period `index`, absolute; `const`: column D.
    """

    row: Row
    mode: str = "rel"
    offset: int = 0
    index: int = 0

    def _col(self, ctx: RenderContext) -> tuple[int, bool]:
        if self.mode == "const":
            return CONST_COL, True
        if self.mode == "at":
            return FIRST_PERIOD_COL + self.index, True
        if ctx.period < 0:
            raise ValueError(f"relative reference to {self.row.key} from column D")
        return FIRST_PERIOD_COL + ctx.period + self.offset, False

    def render(self, ctx: RenderContext) -> str:
        col, fixed = self._col(ctx)
        address = cell(col, self.row.number, fixed_col=fixed, fixed_row=fixed)
        return ref(self.row.sheet, address, within=ctx.sheet)

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        m = len(ctx.cols)
        if self.mode == "const":
            return _broadcast_col(np.asarray(self.row.const_value()), m)
        vals = ctx.period_values(self.row)
        if self.mode == "at":
            return np.full(m, vals[self.index])
        idx = ctx.cols + self.offset
        out = np.full(m, np.nan, dtype=object if vals.dtype.kind == "O" else float)
        inside = (idx >= 0) & (idx < len(vals))
        out[inside] = vals[idx[inside]]
        before = idx == -1  # column D
        if before.any():
            out[before] = self.row.const_value()
        return out

    def refs(self) -> Iterator[Ref | Range | Span]:
        yield self


@dataclass(eq=False)
class Range(Expr):
    """A contiguous block of rows: in the formula's column (`rel`) or in column D (`const`)."""

    rows: list[Row]
    mode: str = "rel"
    # a lookup range (INDEX, MATCH) is written `D21:D21` even for one row: IronCalc 0.9 takes
    # `INDEX(D21,1)` and `MATCH(x,D21,0)` as errors; elsewhere one row reads better as `D21`
    lookup: bool = False

    def __post_init__(self) -> None:
        if not self.rows:
            raise ValueError("empty range")
        first = self.rows[0]
        for i, r in enumerate(self.rows):
            if r.sheet != first.sheet or r.number != first.number + i:
                raise ValueError(f"rows {first.key}..{r.key} are not contiguous")

    def render(self, ctx: RenderContext) -> str:
        first, last = self.rows[0], self.rows[-1]
        const = self.mode == "const"
        col = CONST_COL if const else FIRST_PERIOD_COL + ctx.period
        if first is last and not self.lookup:  # one cell: `$D$9` or `E9`
            address = cell(col, first.number, fixed_col=const, fixed_row=const)
        else:  # the rows fixed, the column only where it is D: `$D$9:$D$12`, `E$9:E$12`
            top = cell(col, first.number, fixed_col=const, fixed_row=True)
            address = area(top, cell(col, last.number, fixed_col=const, fixed_row=True))
        return ref(first.sheet, address, within=ctx.sheet)

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        m = len(ctx.cols)
        if self.mode == "const":
            values = [r.const_value() for r in self.rows]
            text = any(isinstance(v, str) for v in values)
            col = np.array(values, dtype=object if text else float)
            return np.tile(col, (m, 1))
        return np.stack([ctx.period_values(r)[ctx.cols] for r in self.rows], axis=1)

    def refs(self) -> Iterator[Ref | Range | Span]:
        yield self


@dataclass(eq=False)
class Span(Expr):
    """One row across every period column, absolute: `$E$5:$K$5`."""

    row: Row

    def render(self, ctx: RenderContext) -> str:
        last = FIRST_PERIOD_COL + (self.row.width or ctx.n_periods) - 1
        address = area(absolute(FIRST_PERIOD_COL, self.row.number), absolute(last, self.row.number))
        return ref(self.row.sheet, address, within=ctx.sheet)

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        values = np.asarray(ctx.period_values(self.row))
        if values.dtype.kind not in "OUS":  # text (period labels) stays text, as MATCH reads it
            values = values.astype(float)
        return np.tile(values, (len(ctx.cols), 1))

    def refs(self) -> Iterator[Ref | Range | Span]:
        yield self


_PREC = {"=": 1, "<>": 1, "<": 1, "<=": 1, ">": 1, ">=": 1, "+": 2, "-": 2, "*": 3, "/": 3}


@dataclass(eq=False)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr

    @property
    def precedence(self) -> int:  # type: ignore[override]
        return _PREC[self.op]

    def render(self, ctx: RenderContext) -> str:
        p = self.precedence
        left = self.left.render(ctx)
        right = self.right.render(ctx)
        if self.left.precedence < p:
            left = f"({left})"
        if self.right.precedence < p or (self.right.precedence == p and self.op in "-/"):
            right = f"({right})"
        return f"{left}{self.op}{right}"

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        op = self.op
        if op in ("=", "<>") and isinstance(self.right, Text) and self.right.value == "":
            a = self.left.evaluate(ctx)
            blank = _is_blank(a)
            return (blank if op == "=" else ~blank).astype(float)
        a = _as_float(self.left.evaluate(ctx))
        b = _as_float(self.right.evaluate(ctx))
        if a.ndim == 2 and b.ndim == 1:
            b = b[:, None]  # a range against one value per column
        elif b.ndim == 2 and a.ndim == 1:
            a = a[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                return np.where(b == 0, np.inf, a / np.where(b == 0, 1, b))  # #DIV/0!
            if op == "=":
                return (a == b).astype(float)
            if op == "<>":
                return (a != b).astype(float)
            if op == "<":
                return (a < b).astype(float)
            if op == "<=":
                return (a <= b).astype(float)
            if op == ">":
                return (a > b).astype(float)
            if op == ">=":
                return (a >= b).astype(float)
        raise ValueError(op)

    def refs(self) -> Iterator[Ref | Range | Span]:
        yield from self.left.refs()
        yield from self.right.refs()


def _is_blank(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    if a.dtype.kind == "O":
        return np.array([v is None or v == "" or (isinstance(v, float) and np.isnan(v)) for v in a])
    return np.isnan(a.astype(float))


@dataclass(eq=False)
class Neg(Expr):
    arg: Expr

    precedence = 4

    def render(self, ctx: RenderContext) -> str:
        inner = self.arg.render(ctx)
        return f"-({inner})" if self.arg.precedence < 4 else f"-{inner}"

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        return -_as_float(self.arg.evaluate(ctx))

    def refs(self) -> Iterator[Ref | Range | Span]:
        yield from self.arg.refs()


def _reduce(values: list[np.ndarray], m: int, fn: Any, empty: float) -> np.ndarray:
    cols = []
    for v in values:
        a = np.asarray(v, dtype=float)
        if a.ndim == 0:
            a = np.full(m, float(a))
        cols.append(a if a.ndim == 2 else a[:, None])
    stacked = np.concatenate(cols, axis=1)
    with np.errstate(all="ignore"):
        out = fn(np.where(np.isnan(stacked), np.nan, stacked), axis=1)
    return np.where(np.all(np.isnan(stacked), axis=1), empty, out)


@dataclass(eq=False)
class Func(Expr):
    """A worksheet function from the short list every engine computes the same way."""

    name: str
    args: tuple[Expr, ...]

    def render(self, ctx: RenderContext) -> str:
        return f"{self.name}({','.join(a.render(ctx) for a in self.args)})"

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        m = len(ctx.cols)
        name = self.name
        if name == "IF":
            cond = _as_float(self.args[0].evaluate(ctx)) != 0
            a = result_of(self.args[1], ctx)
            b = result_of(self.args[2], ctx)
            if np.asarray(a).dtype.kind == "O" or np.asarray(b).dtype.kind == "O":
                return np.where(cond, a, b)
            return np.where(cond, np.asarray(a, dtype=float), np.asarray(b, dtype=float))
        vals = [a.evaluate(ctx) for a in self.args]
        if name == "SUM":
            return _reduce(vals, m, np.nansum, 0.0)
        if name == "MIN":
            return _reduce(vals, m, np.nanmin, 0.0)
        if name == "MAX":
            return _reduce(vals, m, np.nanmax, 0.0)
        if name == "SUMPRODUCT":
            prod = np.ones((m, 1))
            for v in vals:
                a = _as_float(v)
                prod = prod * (a if a.ndim == 2 else a[:, None])
            return np.nansum(prod, axis=1)
        if name == "SUMIFS":
            total = _as_float(vals[0])
            mask = np.ones(total.shape, dtype=bool)
            for rng, crit, arg in zip(vals[1::2], vals[2::2], self.args[2::2], strict=True):
                c = np.asarray(_as_float(crit))
                c = c[:, None] if c.ndim == 1 else c
                if isinstance(arg, Crit):  # "<"&x: blanks never match a comparison
                    raw = np.asarray(rng, dtype=float)
                    mask &= ~np.isnan(raw) & _COMPARE[arg.op](raw, c)
                else:
                    mask &= _as_float(rng) == c
            return np.where(mask, total, 0.0).sum(axis=1)
        if name == "MATCH" and isinstance(self.args[2], Num) and self.args[2].value == 0:
            # exact match (type 0): the first equal value, text or number; #N/A here NaN
            found = np.asarray(vals[1], dtype=object) == np.asarray(vals[0], dtype=object)[:, None]
            return np.where(found.any(axis=1), found.argmax(axis=1) + 1.0, np.nan)
        if name == "MATCH":  # type 1: position of the largest value <= x, #N/A (NaN) if none
            look = np.asarray(vals[1], dtype=float)
            x = np.asarray(_as_float(vals[0]), dtype=float)
            pos = np.sum(look <= (x[:, None] if x.ndim == 1 else x), axis=1).astype(float)
            return np.where(pos > 0, pos, np.nan)
        if name in ("AND", "OR"):
            flags = np.stack([_as_float(v) != 0 for v in vals])
            return (flags.all(axis=0) if name == "AND" else flags.any(axis=0)).astype(float)
        if name == "ABS":
            return np.abs(_as_float(vals[0]))
        if name == "IFERROR":  # the only error modelgen's own formulas meet: MATCH's #N/A
            x = np.asarray(vals[0], dtype=float)  # NaN: #N/A (or a blank, which shows 0)
            return np.where(np.isnan(x), _as_float(vals[1]), x)
        if name == "INDEX":  # a reference, as in Excel: a blank cell stays blank (NaN)
            block = np.asarray(vals[0])
            if block.dtype.kind in "fiub":
                block = block.astype(float)
            pos = _as_float(vals[-1]).astype(int) - 1  # (range, n) or (span, 1, n)
            return block[np.arange(m), pos]
        raise ValueError(f"unknown function {name}")

    def refs(self) -> Iterator[Ref | Range | Span]:
        for a in self.args:
            yield from a.refs()


def result_of(expr: Expr, ctx: EvalContext) -> np.ndarray:
    """What a cell shows: a reference to an empty cell shows 0; only "" stays empty (NaN)."""
    values = expr.evaluate(ctx)
    if isinstance(expr, Text) or (isinstance(expr, Func) and expr.name == "IF"):
        return values
    a = np.asarray(values)
    return _zero_nan(a) if a.dtype.kind in "fiub" else a


_COMPARE = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "<>": np.not_equal,
    "=": np.equal,
}


@dataclass(eq=False)
class Crit(Expr):
    """A SUMIFS criterion comparing with a computed number: `">"&(E6-$D$9)`.

    Excel turns the number into text (15 significant digits) and back; evaluation rounds
    the same way. Whole numbers (modelgen's own criteria) are exact in every engine.
    """

    op: str
    value: Expr

    def __post_init__(self) -> None:
        if self.op not in _COMPARE:
            raise ValueError(f"unknown comparison {self.op!r}")

    def render(self, ctx: RenderContext) -> str:
        inner = self.value.render(ctx)
        if not isinstance(self.value, Ref | Num):
            inner = f"({inner})"
        return f'"{self.op}"&{inner}'

    def evaluate(self, ctx: EvalContext) -> np.ndarray:
        x = _as_float(self.value.evaluate(ctx))
        odd = np.isfinite(x) & (x != np.round(x))
        if odd.any():
            x = x.copy()
            x[odd] = [float(f"{v:.15g}") for v in x[odd]]
        return x

    def refs(self) -> Iterator[Ref | Range | Span]:
        yield from self.value.refs()
