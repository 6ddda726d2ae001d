"""Evaluating rows together (modelgen.formulas.evaluate_together) gives the numbers of evaluating
each row alone, bit for bit."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import modelgen.formulas.evaluate as evaluate
from modelgen.formulas.functions import IF, MAX, SUM
from modelgen.formulas.rows import Sheet, block, span
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import build_model


def _one_by_one(sccs, graph, by_id, width, order_of, alone):
    for scc in sccs:
        alone(scc)


def _values(rows):
    return [(r.key, r.result, r.const_result) for r in rows]


def _same(a, b) -> None:
    assert len(a) == len(b)
    for (key, ra, ca), (_, rb, cb) in zip(a, b, strict=True):
        if ra is not None or rb is not None:
            assert np.array_equal(ra, rb, equal_nan=True), (key, ra, rb)
        assert ca == cb or (ca != ca and cb != cb), (key, ca, cb)  # NaN equals NaN here


def _both(make_rows, n, monkeypatch):
    """Evaluate fresh rows batched, then fresh rows one by one; return both results."""
    batched = make_rows()
    evaluate.evaluate_rows(batched, n)
    with monkeypatch.context() as m:
        m.setattr(evaluate, "evaluate_in_batches", _one_by_one)
        alone = make_rows()
        evaluate.evaluate_rows(alone, n)
    return _values(batched), _values(alone)


def _sheet(companies: int, n: int) -> list:
    """Rows repeated per company: inputs, a recurrence of two rows, one that reads its own
    recurrence through a range (never batched), sums, and column D totals."""
    s = Sheet("S", "S", width=n)
    out = []
    rng = np.random.default_rng(7)
    for i in range(companies):
        x = s.add(f"x:{i}", kind="input", values=rng.uniform(-5, 5, n), const=float(i))
        a = s.add(f"a:{i}")
        b = s.add(f"b:{i}", const=2.0)
        a.formula = IF(x.cur > 0, b.prev * 1.5 + x.cur, a.prev - 1)
        b.formula = MAX(a.cur, x.prev) / 2
        u = s.add(f"u:{i}")
        v = s.add(f"v:{i}")
        u.formula = v.prev + x.cur
        v.formula = SUM(block([u])) * 0.5  # the recurrence read through a range
        t = s.add(f"t:{i}", formula=SUM(block([a, b])) + x.d, const_formula=SUM(span(a)))
        out += [x, a, b, u, v, t]
    return out


@pytest.mark.parametrize("companies", [1, 2, 7])
def test_recurrences_and_sums_batched_equal_one_by_one(companies, monkeypatch):
    got, want = _both(lambda: _sheet(companies, 9), 9, monkeypatch)
    _same(got, want)
    assert any(np.isfinite(r).all() for _, r, _ in got if r is not None)


@pytest.mark.parametrize("view", ["grid", "closed_form"])
@pytest.mark.parametrize("which", ["shipped_inputs", "varied_inputs", "quarterly_inputs"])
def test_models_batched_equal_one_by_one(which, view, request, monkeypatch):
    inputs = load_inputs(request.getfixturevalue(which))
    inputs.settings = dataclasses.replace(inputs.settings, depreciation_view=view)
    batched = build_model(inputs, load_template())
    with monkeypatch.context() as m:
        m.setattr(evaluate, "evaluate_in_batches", _one_by_one)
        alone = build_model(inputs, load_template())
    _same(_values(batched.all_rows()), _values(alone.all_rows()))
    assert batched.check_failures() == 0
