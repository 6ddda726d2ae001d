"""Compute every formula row's numbers from the same expressions that render the formulas.

Rows are ordered by their dependencies. A row that depends on itself or on others only
through earlier periods (capex grown from last year's capex) forms a recurrence: such a
group is computed one period column at a time; every other row, all columns at once.
Rows of the same shape at the same depth (one per company) are computed together
(`modelgen.formulas.evaluate_together`), with the same numbers as one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from modelgen.formulas.evaluate_together import evaluate_in_batches
from modelgen.formulas.expressions import Range, Ref, Span, result_of
from modelgen.formulas.rows import Row

Node = tuple[str, Row]  # ("P", row): its period cells; ("D", row): its column D


@dataclass
class _Ctx:
    cols: np.ndarray

    def period_values(self, row: Row) -> np.ndarray:
        return row.period_result()


def _edges(node: Node) -> Iterable[tuple[Node, str]]:
    """(dependency, how): how is 'same' (same column), 'lag' (earlier column) or 'all'."""
    part, row = node
    expr = row.formula if part == "P" else row.const_formula
    assert expr is not None
    for ref in expr.refs():
        if isinstance(ref, Span):
            targets, how = [(ref.row, "P")], "all"
        elif isinstance(ref, Range):
            part_of = "D" if ref.mode == "const" else "P"
            targets, how = [(r, part_of) for r in ref.rows], "same" if part == "P" else "all"
        else:
            assert isinstance(ref, Ref)
            if ref.mode == "const":
                targets, how = [(ref.row, "D")], "all"
            elif ref.mode == "at":
                targets, how = [(ref.row, "P")], "all"
            elif ref.offset < 0:
                targets, how = [(ref.row, "P"), (ref.row, "D")], "lag"
            else:
                targets, how = [(ref.row, "P")], "same" if part == "P" else "all"
        for target, tpart in targets:
            has = target.formula is not None if tpart == "P" else target.const_formula is not None
            if has:
                yield (tpart, target), how


def evaluate_rows(rows: Iterable[Row], n_periods: int) -> None:
    """Fill `result` and `const_result` of every formula row, in dependency order.

    A row's period columns are its sheet's (`row.width`), else `n_periods`.
    """
    nodes: list[Node] = []
    for row in rows:
        if row.formula is not None:
            nodes.append(("P", row))
            row.result = np.full(row.width or n_periods, np.nan)
        if row.const_formula is not None:
            nodes.append(("D", row))
    graph = {_nid(n): [(_nid(d), how) for d, how in _edges(n)] for n in nodes}
    by_id = {_nid(n): n for n in nodes}
    evaluate_in_batches(
        _tarjan(list(graph), graph),
        graph,
        by_id,
        width=lambda row: row.width or n_periods,
        order_of=lambda scc: _same_column_order(scc, graph),
        alone=lambda scc: _eval_scc(scc, graph, by_id, n_periods),
    )


def _eval_scc(scc: list, graph: dict, by_id: dict, n_periods: int) -> None:
    """One strongly connected component: a row part, or a recurrence column by column."""
    members = [by_id[i] for i in scc]
    ids = set(scc)
    recurrent = len(scc) > 1 or any(d in ids for d, _ in graph[scc[0]])
    if not recurrent:
        _eval_all(members[0], members[0][1].width or n_periods)
        return
    for i in scc:
        for d, how in graph[i]:
            if d in ids and how == "all":
                raise ValueError(f"circular reference through {by_id[i][1].key}")
    order = _same_column_order(scc, graph)
    widths = {by_id[i][1].width or n_periods for i in scc}
    if len(widths) > 1:
        raise ValueError("a recurrence across sheets with different period columns")
    for c in range(widths.pop()):
        ctx = _Ctx(np.array([c]))
        for i in order:
            part, row = by_id[i]
            assert part == "P" and row.formula is not None and row.result is not None
            row.result[c] = result_of(row.formula, ctx)[0]


def _nid(node: Node) -> tuple[str, int]:
    return node[0], id(node[1])


def _eval_all(node: Node, n_periods: int) -> None:
    part, row = node
    if part == "P":
        assert row.formula is not None
        row.result = np.asarray(result_of(row.formula, _Ctx(np.arange(n_periods))), dtype=float)
    else:
        assert row.const_formula is not None
        value = result_of(row.const_formula, _Ctx(np.arange(1)))[0]
        row.const_result = value if isinstance(value, str) else float(value)


def _same_column_order(scc: list, graph: dict) -> list:
    """Order a recurrence's rows so that same-column dependencies come first."""
    ids = set(scc)
    done: list = []
    seen: set = set()

    def visit(i: tuple, stack: set) -> None:
        if i in seen:
            return
        if i in stack:
            raise ValueError("circular reference within one period column")
        stack.add(i)
        for d, how in graph[i]:
            if d in ids and how == "same":
                visit(d, stack)
        stack.discard(i)
        seen.add(i)
        done.append(i)

    for i in scc:
        visit(i, set())
    return done


def _tarjan(ids: list, graph: dict) -> list[list]:
    """Strongly connected components, dependencies before dependents (iterative)."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    out: list[list] = []
    counter = 0
    for root in ids:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, pos = work.pop()
            if pos == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            deps = graph[v]
            for j in range(pos, len(deps)):
                w = deps[j][0]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(comp)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
    return out
