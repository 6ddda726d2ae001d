"""The closed form of depreciation against the vintage grid, in modelgen and in LibreOffice.

Each case is built twice, `depreciation_view` = grid and = closed_form; every company's
`depreciation_class:T:k` and `depreciation:T` must agree cell by cell, as modelgen evaluates
them and as LibreOffice recalculates the closed form. The cases cover every convention, lives from 0.3
to 40 years (shorter than a period, fractional, longer than the timeline), forecasts of 0 to
10 years, annual and quarterly timelines, and companies whose history starts later.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from modelgen.build import built_at
from modelgen.formulas.evaluate import evaluate_rows
from modelgen.formulas.expressions import Crit, RenderContext
from modelgen.formulas.functions import INDEX, MATCH, SUMIFS
from modelgen.formulas.rows import Sheet, span
from modelgen.inputs.csvread import InputError
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import build_model
from modelgen.model.closed_form import GRID_LIMIT, depreciation_view, grid_cells
from modelgen.xlsx.read_by_key import read_keyed
from modelgen.xlsx.workbook import write_workbook
from tests.engine import engine, recalc_many_keyed
from tests.reference import compute

# name: (frequency, convention, forecast years, lives of four classes)
CASES = {
    "full_year": ("annual", "full_year", 0, (0.5, 1, 5.5, 40)),
    "half_year": ("annual", "half_year", 10, (0.75, 2.25, 3.3, 7)),
    "next_year": ("annual", "next_year", 3, (1.5, 4, 12.25, 30)),
    "mid_quarter": ("quarterly", "mid_period", 1, (0.3, 0.5, 2.2, 5.5)),
    "next_quarter": ("quarterly", "next_period", 2, (0.25, 0.6, 1, 3.75)),
    "start_quarter": ("quarterly", "start_of_period", 0, (0.1, 0.75, 1.3, 40)),
}
SHARES = (0.1, 0.2, 0.3, 0.4)
LAGS = (0, 0.25, 1.5, 3.1)  # years under construction: none, part of a period, several


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_case(folder: Path, case: str, view: str, more: int = 0) -> Path:
    """Three companies (one with a shorter history, one guided) and four asset classes;
    `more` companies like the first."""
    frequency, convention, forecast, lives = CASES[case]
    folder.mkdir(parents=True, exist_ok=True)
    quarterly = frequency == "quarterly"
    years = range(2016, 2024)
    periods = [f"{y}Q{q}" for y in years for q in range(1, 5)] if quarterly else list(years)
    tickers = {"ALFA": periods, "BETA": periods[3:], "GAMA": periods}
    tickers.update({f"T{i:03d}": periods for i in range(more)})
    capex = []
    for n, (t, own) in enumerate(tickers.items()):
        for i, p in enumerate(own):
            capex.append([t, p, round(10 + 3 * n + i * (1.5 + n) + (i % 3) * 2.25, 4)])
    _write(
        folder / "companies.csv",
        ["ticker", "name", "fiscal_year_end_month"],
        [[t, f"{t} Inc", 12] for t in tickers],
    )
    _write(folder / "capex.csv", ["ticker", "period", "capex"], capex)
    _write(folder / "financials.csv", ["ticker", "period", "net_income"], [])
    _write(
        folder / "guidance.csv",
        ["ticker", "period", "capex_low", "capex_high"],
        [["GAMA", 2024, 80, 90]] if forecast else [],
    )
    _write(
        folder / "assumptions.csv",
        ["ticker", "asset_class", "share", "useful_life_years", "in_service_lag_years"],
        [
            ["*", f"class{i}", share, life, lag]
            for i, (share, life, lag) in enumerate(zip(SHARES, lives, LAGS, strict=True))
        ],
    )
    _write(
        folder / "opening_balances.csv",
        ["ticker", "asset_class", "net_book_value", "remaining_life_years"],
        [["ALFA", "class1", 50, 2.5], ["GAMA", "class3", 20, 0.4]],
    )
    settings = [["forecast_years", forecast], ["depreciation_convention", convention]]
    settings += [["frequency", frequency], ["depreciation_view", view]]
    _write(folder / "settings.csv", ["key", "value"], settings)
    return folder


def _rows(model, prefix: str) -> dict[str, np.ndarray]:
    sheet = model.sheets["Depreciation"]
    return {k: r.result for k, r in sheet.by_key.items() if k.startswith(prefix) and r.formula}


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


class _Ctx:
    def __init__(self, n: int) -> None:
        self.cols = np.arange(n)

    def period_values(self, row):
        return row.period_result()


def test_comparison_criteria_match_and_index_over_a_span():
    s = Sheet("Calc", "t", width=5)
    num = s.add("n", kind="input", values=np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    cap = s.add("c", kind="input", values=np.array([10.0, 20.0, np.nan, 40.0, 50.0]))
    lag = s.add("g", const=3.0, kind="input")
    total = SUMIFS(span(cap), span(num), Crit(">", num.cur - lag.d), span(num), Crit("<", num.cur))
    ctx = RenderContext("Calc", 2, 5)
    assert total.render(ctx) == 'SUMIFS($E$2:$I$2,$E$1:$I$1,">"&(G1-$D$3),$E$1:$I$1,"<"&G1)'
    # the two periods before each one: blanks add nothing, as in Excel
    assert total.evaluate(_Ctx(5)).tolist() == [0.0, 10.0, 30.0, 20.0, 40.0]
    found = MATCH(num.cur + 0.5, span(num))
    assert found.render(ctx) == "MATCH(G1+0.5,$E$1:$I$1,1)"
    assert found.evaluate(_Ctx(5)).tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert np.isnan(MATCH(num.cur - 1, span(num)).evaluate(_Ctx(5))[0])  # #N/A below the first
    picked = INDEX(span(cap), num.cur)
    assert picked.render(ctx) == "INDEX($E$2:$I$2,1,G1)"  # row 1 of a row: Gnumeric reads it
    assert picked.evaluate(_Ctx(5)).tolist()[:2] == [10.0, 20.0]
    # a criterion's number is compared as Excel writes it into the text: 15 digits
    third = s.add("t", const=1.0 / 3.0 + 1e-17, kind="input")
    assert Crit(">", third.d).evaluate(_Ctx(1))[0] == float(f"{1 / 3:.15g}")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Every case's model in both views, built once for the module (never changed)."""
    tmp = tmp_path_factory.mktemp("closed_form_models")
    return {
        case: {
            view: build_model(
                load_inputs(write_case(tmp / f"{case}-{view}", case, view)), load_template()
            )
            for view in ("grid", "closed_form")
        }
        for case in CASES
    }


@pytest.mark.parametrize("case", CASES)
def test_closed_form_equals_the_grid_in_modelgen(models, case):
    grid, closed = models[case]["grid"], models[case]["closed_form"]
    assert "depreciation_vintage:ALFA:class0:2016" + ("Q1" if "quarter" in case else "") in (
        grid.sheets["Depreciation"].by_key
    )
    assert not _rows(closed, "depreciation_vintage:")
    keys = [k for k in _rows(grid, "depreciation") if not k.startswith("depreciation_vintage")]
    assert len(keys) >= 3 * 4 + 3 + 1
    for key in keys:
        want = grid.sheets["Depreciation"][key].result
        got = closed.sheets["Depreciation"][key].result
        assert np.allclose(want, got, rtol=1e-12, atol=1e-12), (key, want, got)
        if not key.startswith("depreciation_opening"):  # only two classes have one
            assert np.any(want > 0)  # the comparison is not all zeros
    assert np.any(grid.sheets["Depreciation"]["depreciation_opening:ALFA"].result > 0)
    assert grid.check_failures() == 0
    assert closed.check_failures() == 0
    checks = closed.sheets["Checks"].by_key
    assert sum(k.startswith("check_class_total:") for k in checks) == 3 * 4
    assert not any(k.startswith(("check_grid_total", "check_vintage_charged")) for k in checks)


def test_class_total_check_sees_a_wrong_charge(tmp_path):
    model = build_model(
        load_inputs(write_case(tmp_path / "c", "half_year", "closed_form")), load_template()
    )
    row = model.sheets["Depreciation"]["depreciation_class:BETA:class2"]
    row.formula = row.formula * 1.001
    evaluate_rows(model.all_rows(), model.n_periods)
    assert model.sheets["Checks"]["check_class_total:BETA:class2"].const_result == 1
    assert model.check_failures() == 1


@pytest.mark.parametrize("which", ["shipped_inputs", "varied_inputs"])
def test_closed_form_matches_the_independent_arithmetic(which, request):
    folder = request.getfixturevalue(which)
    inputs = load_inputs(folder)
    inputs.settings = dataclasses.replace(inputs.settings, depreciation_view="closed_form")
    model = build_model(inputs, load_template())
    rows = {k: r for s in model.sheets.values() for k, r in s.by_key.items()}
    checked = 0
    for key, cells in compute(folder).items():
        if key.startswith("depreciation_vintage:") or key == "check_failures":
            continue
        row = rows[key]
        for period, want in cells.items():
            got = (
                row.const_value()
                if period == "D"
                else row.period_result()[model.periods.index(period)]
            )
            if want is None:
                assert math.isnan(got) or got == "", (key, period, got)
            else:
                assert _close(want, got), (key, period, want, got)
            checked += 1
    assert checked > 100
    assert model.check_failures() == 0


def test_auto_draws_the_grid_only_for_small_models(tmp_path):
    small = build_model(
        load_inputs(write_case(tmp_path / "s", "half_year", "auto")), load_template()
    )
    cells = grid_cells(small)
    assert depreciation_view(small) == "grid" and cells <= GRID_LIMIT
    big = write_case(tmp_path / "l", "half_year", "auto", more=200)
    large = build_model(load_inputs(big), load_template())
    cells, n, view = grid_cells(large), large.n_periods, depreciation_view(large)
    assert cells == 203 * 4 * n**2 and cells > GRID_LIMIT
    assert view == "closed_form"
    keys = set(large.sheets["Depreciation"].by_key)
    assert "depreciation_class:T199:class3" in keys
    assert not any(k.startswith("depreciation_vintage") for k in keys)
    failures = large.check_failures()
    assert failures == 0


def test_an_unknown_view_is_an_input_error(tmp_path):
    folder = write_case(tmp_path / "bad", "full_year", "matrix")
    with pytest.raises(InputError) as err:
        load_inputs(folder)
    [problem] = err.value.problems
    assert (problem.file, problem.line, problem.column) == ("settings.csv", 5, "value")
    assert "matrix" in str(problem) and "closed_form" in str(problem)


@engine
def test_closed_form_recalculated_equals_the_grid(models, tmp_path):
    """LibreOffice recalculates the closed form to the grid's values, and to modelgen's.

    The grid's values are the grid model's own (the `models` fixture): the values modelgen
    caches in a grid workbook are judged by LibreOffice in test_engine and the random models,
    so only the closed-form workbooks are written (as `build` writes them, from the same
    models) and recalculated here."""
    closed = []
    for case in CASES:
        model, out = models[case]["closed_form"], tmp_path / "out" / f"{case}-closed_form.xlsx"
        out.parent.mkdir(exist_ok=True)
        write_workbook(model, out, built_at=built_at(model.inputs, None))
        closed.append(out)
    recalculated = recalc_many_keyed(closed, tmp_path)
    compared = 0
    for case, closed_book, again in zip(CASES, closed, recalculated, strict=True):
        grid, c = models[case]["grid"], again["Depreciation"]
        g = grid.sheets["Depreciation"].by_key
        keys = [k for k in g if k.startswith(("depreciation_class:", "depreciation:"))]
        assert len(keys) == 3 * 4 + 3 + 1
        assert c.periods == grid.periods, case
        for key in keys:
            for i, period in enumerate(grid.periods):
                want, got = g[key].result[i], c.rows[key].values[period]
                assert isinstance(got, float | int), (case, key, period, got)
                assert _close(want, got), (case, key, period, want, got)
                compared += 1
        assert again["Checks"].rows["check_failures"].constant == 0, case
        cached = read_keyed(closed_book, data_only=True)  # what modelgen wrote, closed form
        for name in ("Depreciation", "Checks"):
            for key, row in cached[name].rows.items():
                for period, want in [("D", row.constant), *row.values.items()]:
                    got = again[name].rows[key]
                    got = got.constant if period == "D" else got.values[period]
                    if isinstance(want, float | int) and not isinstance(want, bool):
                        assert _close(want, got), (closed_book.name, key, period, want, got)
    assert compared > 1000
