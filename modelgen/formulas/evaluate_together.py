"""Evaluate many rows of the same shape at once: one numpy pass for 500 companies' rows.

A model repeats each line item per company (and per asset class): `capex_yoy:MSFT`,
`capex_yoy:AMZN`, ... have formula trees of the same shape over different rows. Rows at the
same depth of the dependency order never depend on each other, so those with the same
shape are evaluated together: the tree's references are evaluated per row with the
expression layer's own code (`Ref.evaluate`...) and laid end to end, then the operators and
functions run once over all of them. Recurrences (rows computed one period at a time) are
batched the same way, one period column for every company at once.

The numbers are the same, operation for operation, as evaluating each row alone; anything
this module does not recognise is evaluated alone.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from modelgen.formulas.expressions import (
    BinOp,
    Crit,
    Expr,
    Func,
    Neg,
    Num,
    Ref,
    Text,
    result_of,
)
from modelgen.formulas.rows import Row

Node = tuple[str, Row]
NodeId = tuple[str, int]
MAX_CELLS = 2_000_000  # values of the widest reference held at once per batch


@dataclass
class _Ctx:
    """Per-row evaluation, as modelgen.formulas.evaluate's: `cols` are period indexes."""

    cols: np.ndarray

    def period_values(self, row: Row) -> np.ndarray:
        return row.period_result()


@dataclass
class _BatchCtx:
    """`cols` index the rows' values laid end to end; `column` is the recurrence's period."""

    cols: np.ndarray
    column: int = 0

    def period_values(self, row: Row) -> np.ndarray:  # every reference was replaced
        raise RuntimeError(f"batched evaluation read {row.key} directly")


@dataclass(eq=False)
class _Pre(Expr):
    """A reference evaluated beforehand for every row of the batch, laid end to end."""

    flat: np.ndarray

    def evaluate(self, ctx: Any) -> np.ndarray:
        return self.flat[ctx.cols]


@dataclass(eq=False)
class _Live(Expr):
    """A reference into the recurrence being computed: one value per row of the batch."""

    store: np.ndarray  # (rows, periods), filled column by column
    column_d: np.ndarray  # each row's column D (read at the period before the first)
    offset: int

    def evaluate(self, ctx: Any) -> np.ndarray:
        i = ctx.column + self.offset
        if i == -1:
            return self.column_d.copy()
        if 0 <= i < self.store.shape[1]:
            return self.store[:, i].copy()
        return np.full(self.store.shape[0], np.nan)


_STRUCT = (BinOp, Neg, Func, Crit)


def _shape(expr: Any, live: dict[int, int]) -> Hashable:
    """The tree with its references abstracted: equal shapes evaluate alike."""
    kind = type(expr)
    if kind is Ref:
        if live and expr.mode == "rel" and id(expr.row) in live:
            return ("live", live[id(expr.row)], expr.offset)
        return _REF_SHAPES[expr.mode]
    if kind is BinOp:
        return ("b", expr.op, _shape(expr.left, live), _shape(expr.right, live))
    if kind is Num:
        return ("n", expr.value)
    if kind is Func:
        return ("f", expr.name, tuple([_shape(a, live) for a in expr.args]))
    if kind is Text:
        return ("t", expr.value)
    if kind is Neg:
        return ("-", _shape(expr.arg, live))
    if kind is Crit:
        return ("c", expr.op, _shape(expr.value, live))
    if live and _touches(expr, live):  # read before the recurrence is computed: never batch
        return ("alone", id(expr))
    rows = getattr(expr, "rows", None)
    return ("leaf", kind.__name__, getattr(expr, "mode", ""), len(rows) if rows else 0)


_REF_SHAPES = {mode: ("leaf", "Ref", mode, 0) for mode in ("rel", "at", "const")}


def _touches(expr: Expr, live: dict[int, int]) -> bool:
    """Whether any reference in `expr` reads a row of the recurrence."""
    for ref in expr.refs():
        rows = getattr(ref, "rows", None) or [getattr(ref, "row", None)]
        if any(id(r) in live for r in rows):
            return True
    return False


def _rebuild(nodes: list[Any], ctxs: list[_Ctx], live: dict[int, _Live]) -> Expr:
    """The batch's tree: operators kept, each reference evaluated per row and stacked."""
    first = nodes[0]
    kind = type(first)
    if kind in (Num, Text):
        return first
    if kind is BinOp:
        return BinOp(
            first.op,
            _rebuild([x.left for x in nodes], ctxs, live),
            _rebuild([x.right for x in nodes], ctxs, live),
        )
    if kind is Neg:
        return Neg(_rebuild([x.arg for x in nodes], ctxs, live))
    if kind is Func:
        args = tuple(
            _rebuild([x.args[i] for x in nodes], ctxs, live) for i in range(len(first.args))
        )
        return Func(first.name, args)
    if kind is Crit:
        return Crit(first.op, _rebuild([x.value for x in nodes], ctxs, live))
    if kind is Ref and first.mode == "rel" and id(first.row) in live:
        return _Live(live[id(first.row)].store, live[id(first.row)].column_d, first.offset)
    if kind is Ref:
        stacked = _stacked_refs(nodes, len(ctxs[0].cols))
        if stacked is not None:
            return _Pre(stacked)
    parts = [np.asarray(x.evaluate(c)) for x, c in zip(nodes, ctxs, strict=True)]
    if len({(p.dtype, p.shape) for p in parts}) != 1:
        raise _Unbatchable
    return _Pre(np.concatenate(parts))


def _stacked_refs(refs: list[Any], n: int) -> np.ndarray | None:
    """`Ref.evaluate` of each reference over `n` columns, laid end to end, in one go.

    Only for numeric rows read the same way (mode, offset, index); None otherwise, and the
    references are then evaluated one by one. The tests hold this equal to one by one.
    """
    first = refs[0]
    if any(
        r.mode != first.mode or r.offset != first.offset or r.index != first.index for r in refs
    ):
        return None
    rows = [r.row for r in refs]
    if first.mode == "const":
        values = [r.const_value() for r in rows]
        if not all(type(v) is float for v in values):
            return None
        return np.repeat(np.array(values, dtype=float), n)
    series = [r.period_result() for r in rows]
    if any(v.dtype != np.float64 or v.ndim != 1 or len(v) != len(series[0]) for v in series):
        return None
    table = np.stack(series)
    if first.mode == "at":
        return np.repeat(table[:, first.index], n)
    idx = np.arange(n) + first.offset
    out = np.full((len(rows), n), np.nan)
    inside = (idx >= 0) & (idx < table.shape[1])
    out[:, inside] = table[:, idx[inside]]
    if (idx == -1).any():
        column_d = [r.const_value() for r in rows]
        if any(isinstance(v, str) for v in column_d):
            return None
        out[:, idx == -1] = np.array(column_d, dtype=float)[:, None]
    return out.reshape(-1)


class _Unbatchable(Exception):
    """Rows that looked alike but are not (mixed types or sizes): evaluate them alone."""


@dataclass
class _Unit:
    """One strongly connected component: a single row part, or a recurrence's rows in order."""

    order: list[NodeId]
    recurrent: bool
    shape: Hashable = None
    level: int = 0
    members: list[Node] = field(default_factory=list)


def evaluate_in_batches(
    sccs: list[list[NodeId]],
    graph: dict[NodeId, list[tuple[NodeId, str]]],
    by_id: dict[NodeId, Node],
    width: Callable[[Row], int],
    order_of: Callable[[list[NodeId]], list[NodeId]],
    alone: Callable[[list[NodeId]], None],
) -> None:
    """Evaluate every component, dependencies first, batching those of the same shape.

    `order_of(scc)` orders a recurrence's rows; `alone(scc)` evaluates one component the
    plain way (and raises on circular references, before anything is batched).
    """
    level: dict[NodeId, int] = {}
    groups: dict[tuple[int, Hashable], list[_Unit]] = {}
    for scc in sccs:
        ids = set(scc)
        recurrent = len(scc) > 1 or any(d in ids for d, _ in graph[scc[0]])
        lv = max((level[d] + 1 for i in scc for d, _ in graph[i] if d not in ids), default=0)
        for i in scc:
            level[i] = lv
        if recurrent and any(d in ids and how == "all" for i in scc for d, how in graph[i]):
            alone(scc)  # raises: a circular reference
        order = order_of(scc) if recurrent else scc
        members = [by_id[i] for i in order]
        unit = _Unit(order, recurrent, level=lv, members=members)
        unit.shape = _unit_shape(unit, width)
        groups.setdefault((lv, unit.shape), []).append(unit)
    for (_, shape), units in sorted(groups.items(), key=lambda kv: kv[0][0]):
        if shape is None or len(units) == 1:
            for u in units:
                alone(u.order)
            continue
        n = width(units[0].members[0][1])
        widest = max(n, 1) * max(n, 1)
        step = max(16, MAX_CELLS // widest)
        for k in range(0, len(units), step):
            chunk = units[k : k + step]
            try:
                _run(chunk, width)
            except _Unbatchable:
                for u in chunk:
                    alone(u.order)


def _unit_shape(unit: _Unit, width: Callable[[Row], int]) -> Hashable:
    """A component's shape, or None when it is never batched."""
    live = {id(row): pos for pos, (_, row) in enumerate(unit.members)} if unit.recurrent else {}
    out = []
    for part, row in unit.members:
        if unit.recurrent and part != "P":
            return None
        expr = row.formula if part == "P" else row.const_formula
        if expr is None:
            return None
        out.append((part, width(row) if part == "P" else 1, _shape(expr, live)))
    return (unit.recurrent, tuple(out))


def _run(units: list[_Unit], width: Callable[[Row], int]) -> None:
    """Evaluate components of one shape together and store each row's values."""
    k = len(units)
    first = units[0]
    if not first.recurrent:
        part, _ = first.members[0]
        n = width(first.members[0][1]) if part == "P" else 1
        ctxs = [_Ctx(np.arange(n))] * k
        rows = [u.members[0][1] for u in units]
        exprs = [r.formula if part == "P" else r.const_formula for r in rows]
        tree = _rebuild(exprs, ctxs, {})
        values = result_of(tree, _BatchCtx(np.arange(k * n)))
        if part == "P":
            table = np.asarray(values, dtype=float).reshape(k, n)
            for row, line in zip(rows, table, strict=True):
                row.result = line
        else:
            for row, value in zip(rows, values, strict=True):
                row.const_result = value if isinstance(value, str) else float(value)
        return
    n = width(first.members[0][1])
    ctxs = [_Ctx(np.arange(n))] * k
    size = len(first.members)
    live: list[dict[int, _Live]] = [{} for _ in range(k)]
    stores = []
    for pos in range(size):
        rows = [u.members[pos][1] for u in units]
        d = [r.const_value() for r in rows]
        if any(isinstance(v, str) for v in d):
            raise _Unbatchable
        store = _Live(np.full((k, n), np.nan), np.array(d, dtype=float), 0)
        stores.append(store)
        for j, r in enumerate(rows):
            live[j][id(r)] = store
    # the trees are rebuilt against the first unit's rows; each unit's own rows map by position
    trees = []
    for pos in range(size):
        exprs = [u.members[pos][1].formula for u in units]
        trees.append(_rebuild_live(exprs, ctxs, live))
    base = np.arange(k) * n
    for c in range(n):
        ctx = _BatchCtx(base + c, c)
        for pos in range(size):
            stores[pos].store[:, c] = result_of(trees[pos], ctx)
    for pos in range(size):
        for j, u in enumerate(units):
            u.members[pos][1].result = stores[pos].store[j].copy()


def _rebuild_live(exprs: list[Any], ctxs: list[_Ctx], live: list[dict[int, _Live]]) -> Expr:
    """`_rebuild` where each unit's references to its own recurrence rows become live."""
    _check_live(exprs, live)
    return _rebuild(exprs, ctxs, live[0])


def _check_live(exprs: list[Any], live: list[dict[int, _Live]]) -> None:
    """Each unit's live references must point at its own rows, in the same positions."""
    stack = [list(exprs)]
    while stack:
        nodes = stack.pop()
        first = nodes[0]
        if type(first) is Ref and first.mode == "rel":
            targets = [live[j].get(id(x.row)) for j, x in enumerate(nodes)]
            if any(t is not targets[0] for t in targets):
                raise _Unbatchable
        for name in ("left", "right", "arg", "value"):
            if isinstance(getattr(first, name, None), Expr) and type(first) in _STRUCT:
                stack.append([getattr(x, name) for x in nodes])
        if type(first) is Func:
            for i in range(len(first.args)):
                stack.append([x.args[i] for x in nodes])
