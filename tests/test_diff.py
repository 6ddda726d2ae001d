"""diff: two workbooks compared by sheet, row key and period (no engine needed: modelgen's
cached values are the ones LibreOffice confirms in the engine tests)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelgen.build import build
from modelgen.cli import app
from modelgen.compare.diff import diff_workbooks
from tests.cli import run_modelgen


def _setting(folder: Path, key: str, value: str) -> None:
    path = folder / "settings.csv"
    lines = [
        ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith(key + ",")
    ]
    path.write_text("\n".join([*lines, f"{key},{value}"]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def books(tmp_path_factory, shipped_inputs: Path) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    out = {"base": tmp / "base.xlsx", "growth": tmp / "growth.xlsx", "longer": tmp / "longer.xlsx"}
    # without scenarios.csv, so that long_run_capex_growth is a plain input, not key@Base
    plain = tmp / "plain"
    shutil.copytree(shipped_inputs, plain)
    (plain / "scenarios.csv").unlink(missing_ok=True)
    build(plain, out["base"])
    for name, key, value in (
        ("growth", "long_run_capex_growth", "0.06"),
        ("longer", "forecast_years", "6"),
    ):
        folder = tmp / name
        shutil.copytree(plain, folder)
        _setting(folder, key, value)
        build(folder, out[name])
    return out


def _cli(*args: str):
    """The command in-process (typer's runner): .exit_code and .stdout."""
    return CliRunner().invoke(app, ["diff", *args])


def test_a_workbook_does_not_differ_from_itself(books):
    report = diff_workbooks(books["base"], books["base"])
    assert not report.changed and report.changes == []
    # once as a real process: the console entry and its exit status
    run = run_modelgen("diff", books["base"], books["base"])
    assert run.returncode == 0 and "no changes" in run.stdout


def test_a_changed_setting_is_the_one_input_and_moves_the_forecast(books):
    report = diff_workbooks(books["base"], books["growth"])
    assert report.inputs_changed() == {("Inputs", "long_run_capex_growth", "D")}
    assert not (report.rows_added or report.rows_removed or report.periods_added)
    moved = {(c.sheet, c.key, c.period) for c in report.changes if c.kind == "output"}
    assert ("Capex", "capex:MSFT", "2029") in moved  # the faded forecast moves
    assert ("Capex", "capex:MSFT", "2024") not in moved  # actuals do not
    capex = [c for c in report.changes if c.sheet == "Capex"]
    sizes = [abs(c.relative) for c in capex if c.relative is not None]
    assert sizes == sorted(sizes, reverse=True)  # largest change first within the sheet
    change = next(c for c in report.changes if c.key == "long_run_capex_growth")
    assert (change.old, change.new) == (0.05, 0.06)
    assert change.change == pytest.approx(0.01) and change.relative == pytest.approx(0.2)


def test_tolerance_hides_small_moves_but_never_an_input(books):
    report = diff_workbooks(books["base"], books["growth"], tolerance=10.0)
    assert [c.key for c in report.changes] == ["long_run_capex_growth"]
    assert report.changed


def test_an_added_period_is_a_period_not_a_change(books):
    report = diff_workbooks(books["base"], books["longer"])
    assert {p["period"] for p in report.periods_added} == {"2030"}
    assert report.inputs_changed() == {("Inputs", "forecast_years", "D")}
    assert not any(c.period == "2030" for c in report.changes)


def test_json_and_exit_status(books):
    run = _cli(str(books["base"]), str(books["longer"]), "--json")
    assert run.exit_code == 1
    data = json.loads(run.stdout)
    assert data["changed"] is True
    assert {"sheet": "Capex", "period": "2030"} in data["periods_added"]
    inputs = [c for c in data["changes"] if c["kind"] == "input"]
    assert [(c["key"], c["old"], c["new"]) for c in inputs] == [("forecast_years", 5, 6)]
    table = _cli(str(books["base"]), str(books["growth"]))
    assert table.exit_code == 1 and "long_run_capex_growth" in table.stdout


def test_a_missing_or_unsafe_workbook_is_exit_2(books, tmp_path: Path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    assert _cli(str(books["base"]), str(tmp_path / "missing.xlsx")).exit_code == 2
    assert _cli(str(bad), str(books["base"])).exit_code == 2
