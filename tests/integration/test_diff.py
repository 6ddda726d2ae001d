"""diff: two workbooks compared by sheet, row key and period (no engine needed: modelgen's
cached values are the ones LibreOffice confirms in the engine tests)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from modelgen.build import build
from modelgen.cli import app
from modelgen.compare.diff import DiffError, diff_workbooks
from tests.cli import run_modelgen
from tests.integration.test_carry import NEW_2025, _new_quarter


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


def test_both_workbooks_at_once_read_as_one_after_the_other(quarter, monkeypatch, forkable):
    """diff reads OLD in a forked process while it reads NEW: the report is the one read
    in turn gives, and a broken OLD is named first, as read in turn."""
    from modelgen.xlsx import aside

    together = diff_workbooks(quarter["old"], quarter["new"]).to_json()
    assert json.loads(together)["changes"]  # a quarter later: something to compare
    monkeypatch.setattr(aside, "fork_context", lambda: None)
    assert diff_workbooks(quarter["old"], quarter["new"]).to_json() == together


@pytest.mark.parametrize("forked", [True, False])
def test_a_broken_old_workbook_is_named_before_a_broken_new_one(
    tmp_path: Path, monkeypatch, request, forked: bool
):
    from modelgen.xlsx import aside

    if forked:
        request.getfixturevalue("forkable")
    else:
        monkeypatch.setattr(aside, "fork_context", lambda: None)
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    old.write_text("not a workbook")
    new.write_bytes(b"PK not a workbook either")
    with pytest.raises(Exception, match="old.xlsx"):
        diff_workbooks(old, new)


# --- a quarter later: forecast against actual, the readable text, filters, the Cover ---

DA_2025 = {"MSFT": 31.5, "META": 21.4}  # reported D&A for two companies only: no total


def _sheet_values(path: Path, sheet: str) -> dict[tuple[str, str], object]:
    """(row key, period label) -> cached value, read straight from the sheet (column A the
    key, the row keyed `period` the labels), without modelgen's reader."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    grid = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    wb.close()
    labels = next(r for r in grid if r and r[0] == "period")
    columns = {c: str(v) for c, v in enumerate(labels) if c >= 4 and v is not None}
    return {
        (r[0], label): r[c]
        for r in grid
        if r and isinstance(r[0], str)
        for c, label in columns.items()
        if c < len(r)
    }


@pytest.fixture(scope="module")
def quarter(books, tmp_path_factory, shipped_inputs: Path) -> dict:
    """books["base"] a quarter later: 2025 actuals for every company (capex, net income; D&A
    for two), Alphabet's asset classes changed; rebuilt with the old workbook carried."""
    tmp = tmp_path_factory.mktemp("quarter")
    folder, new = tmp / "inputs", tmp / "later.xlsx"
    _new_quarter(shipped_inputs, folder)
    (folder / "scenarios.csv").unlink()  # as books["base"], built without scenarios
    text = (folder / "financials.csv").read_text(encoding="utf-8")
    for t, da in DA_2025.items():
        text = text.replace(
            f"{t},2025,{NEW_2025[t][1]},test: 2025 actual,,",
            f"{t},2025,{NEW_2025[t][1]},test: 2025 actual,{da},",
        )
    (folder / "financials.csv").write_text(text, encoding="utf-8")
    result = build(folder, new, previous=books["base"])
    return {
        "old": books["base"],
        "new": new,
        "carry": result.carry,
        "report": diff_workbooks(books["base"], new),
    }


def test_the_forecast_is_beside_the_actual_capex_first(quarter):
    rows = quarter["report"].forecast_vs_actual
    tickers = list(NEW_2025)
    assert [(s.sheet, s.key, s.period) for s in rows] == (
        [("Capex", f"capex:{t}", "2025") for t in [*tickers, "TOTAL"]]
        + [("PP&E", f"depreciation_and_amortization:{t}", "2025") for t in DA_2025]
        + [("Profit Impact", f"net_income:{t}", "2025") for t in [*tickers, "TOTAL"]]
    )
    old = {s: _sheet_values(quarter["old"], s) for s in ("Capex", "PP&E", "Profit Impact")}
    new = {s: _sheet_values(quarter["new"], s) for s in ("Capex", "PP&E", "Profit Impact")}
    for s in rows:
        assert s.forecast == old[s.sheet][(s.key, s.period)]
        assert s.actual == new[s.sheet][(s.key, s.period)]
        assert s.surprise == pytest.approx(s.actual - s.forecast, rel=1e-12)
        assert s.surprise_pct == pytest.approx((s.actual - s.forecast) / abs(s.forecast))
    by_key = {s.key: s for s in rows}
    # the new actuals are the CSVs' figures; the old guidance the midpoint of guidance.csv
    for t, (capex, net_income) in NEW_2025.items():
        assert by_key[f"capex:{t}"].actual == pytest.approx(capex, rel=1e-12)
        assert by_key[f"net_income:{t}"].actual == pytest.approx(net_income, rel=1e-12)
    for t, da in DA_2025.items():
        assert by_key[f"depreciation_and_amortization:{t}"].actual == pytest.approx(da)
    assert by_key["capex:TOTAL"].actual == pytest.approx(sum(c for c, _ in NEW_2025.values()))
    meta = (58.031 + 63.031) / 2  # guidance.csv's midpoint
    assert (by_key["capex:AMZN"].forecast, by_key["capex:META"].forecast) == (100, meta)
    assert by_key["capex:META"].basis == "guidance" and by_key["capex:MSFT"].basis == "forecast"
    assert by_key["capex:MSFT"].label == "Capex: Microsoft"


def test_the_text_reads_forecast_headline_then_the_rest(quarter):
    report = quarter["report"]
    lines = report.lines()
    assert lines[1 : 1 + len(report.forecast_lines())] == report.forecast_lines()
    assert lines[1].startswith("Forecast against actual: 12 figures")
    meta = next(line for line in lines if line.lstrip().startswith("Capex: Meta Platforms"))
    assert meta.split()[4:9] == ["60.53", "72.20", "+11.67", "+19.3%", "(guidance"]
    heads = [i for i, line in enumerate(lines) if line.startswith("Headline outputs")]
    firsts = [i for i, line in enumerate(lines) if line.startswith(("row ", "Inputs:"))]
    assert heads and heads[0] < min(firsts)
    # a rate: percentages and the move in percentage points
    rate = next(
        c
        for c in report.headline()
        if c.key == "depreciation_pct_net_income:TOTAL" and c.period == "2026"
    )
    everything = report.lines(limit=100_000)
    line = next(
        ln for ln in everything if "depreciation_pct_net_income:TOTAL" in ln and "2026" in ln
    )
    points = (rate.new - rate.old) * 100
    assert f"{rate.old:.1%} -> {rate.new:.1%}" in line and line.endswith(f"{points:+.1f} pp")
    # column D reads "constant"
    period = next(ln for ln in everything if " sensitivity_period " in ln)
    assert "constant" in period.split() and " D " not in period
    frame = report.to_frame()
    assert list(frame.columns)[:8] == [
        "sheet",
        "key",
        "period",
        "kind",
        "old",
        "new",
        "change",
        "relative",
    ]
    assert {"unit", "headline"} <= set(frame.columns)
    n = int(frame["headline"].sum())
    assert n > 0 and frame["headline"][:n].all() and not frame["headline"][n:].any()
    units = dict(zip(frame["key"].str.split(":").str[0], frame["unit"], strict=True))
    assert units["depreciation_pct_net_income"] == units["capex_yoy"] == "%"
    assert units["capex"] == units["net_income"] == "USD bn"


def test_filters_keep_sheets_and_keys(quarter):
    report = quarter["report"]
    capex = report.only(sheets=["capex"])
    assert capex.changes and {c.sheet for c in capex.changes} == {"Capex"}
    assert [s.sheet for s in capex.forecast_vs_actual] == ["Capex"] * 5
    keys = report.only(keys=["capex", "useful_life:GOOGL"])
    kept = {c.key for c in keys.changes}
    assert "capex:MSFT" in kept and "capex:TOTAL" in kept
    assert all(k.split(":")[0] == "capex" or k.startswith("useful_life:GOOGL:") for k in kept)
    assert {r["key"] for r in keys.rows_removed} == {
        "useful_life:GOOGL:all_assets",
    }
    assert not keys.periods_added or all(p["sheet"] for p in keys.periods_added)
    with pytest.raises(DiffError, match="no sheet 'Nope'.*the sheets are Cover, Inputs"):
        report.only(sheets=["Nope"])
    assert _cli(str(quarter["old"]), str(quarter["old"]), "--tolerance", "-1").exit_code == 2


def test_json_carries_the_forecast_and_keeps_its_keys(quarter):
    run = _cli(
        str(quarter["old"]), str(quarter["new"]), "--json", "--sheet", "Capex", "--key", "capex"
    )
    assert run.exit_code == 1, run.output
    data = json.loads(run.stdout)
    before = {"old", "new", "tolerance", "sheets_added", "sheets_removed", "rows_added",
              "rows_removed", "periods_added", "periods_removed", "changes", "changed"}  # fmt: skip
    assert set(data) == before | {"forecast_vs_actual", "recalculated"}
    report = quarter["report"]
    want = [
        {
            "sheet": s.sheet,
            "key": s.key,
            "period": s.period,
            "forecast": s.forecast,
            "actual": s.actual,
        }
        for s in report.forecast_vs_actual
        if s.sheet == "Capex"
    ]
    got = [
        {k: f[k] for k in ("sheet", "key", "period", "forecast", "actual")}
        for f in data["forecast_vs_actual"]
    ]
    assert got == want
    change = {"sheet", "key", "period", "kind", "old", "new", "change", "relative"}
    assert data["changes"] and all(change <= set(c) for c in data["changes"])
    assert {(c["sheet"], c["key"].split(":")[0]) for c in data["changes"]} == {("Capex", "capex")}


def test_the_cover_shows_the_forecast_against_actual(quarter):
    wb = openpyxl.load_workbook(quarter["new"], read_only=True, data_only=True)
    grid = [list(r) for r in wb["Cover"].iter_rows(values_only=True)]
    wb.close()
    start = next(i for i, r in enumerate(grid) if str(r[0]).startswith("Forecast against actual"))
    assert grid[start][0] == "Forecast against actual (USD bn)"
    table = []
    for r in grid[start + 1 :]:
        if r[0] is None:
            break
        table.append(r[:7])
    rows = quarter["report"].forecast_vs_actual
    assert [(r[0], r[1]) for r in table] == [(s.label, s.period) for s in rows]
    for r, s in zip(table, rows, strict=True):
        assert r[2:6] == pytest.approx(
            [s.forecast, s.actual, s.surprise, s.surprise_pct], rel=1e-12
        )
    assert table[0][0] == "Capex: Microsoft" and table[1][6] == "guidance midpoint"
    assert quarter["carry"].forecast_vs_actual() == rows


# --- a name that matches nothing is an error naming the nearest (issue 23) ---------------


@pytest.mark.parametrize(
    "key, nearest",
    [
        ("netincome:META", "net_income:META"),
        ("net_income:meta", "net_income:META"),
        ("capx", "capex"),
    ],
)
def test_a_key_that_matches_nothing_is_exit_2_naming_the_nearest(books, key, nearest):
    """A misspelt key once printed "no changes beyond the tolerance" and exited 0."""
    run = run_modelgen("diff", books["base"], books["growth"], "--key", key, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.startswith(f'modelgen: no row key "{key}" in either workbook'), run.stderr
    assert f"did you mean {nearest}" in run.stderr, run.stderr
    assert len(run.stderr.splitlines()) == 1


def test_a_key_on_another_sheet_says_where_it_is(books):
    run = _cli(
        str(books["base"]), str(books["growth"]), "--sheet", "Capex", "--key", "net_income:META"
    )
    assert run.exit_code == 2, run.output
    assert 'no row key "net_income:META" on the sheet Capex' in run.stderr
    assert "it is on Profit Impact" in run.stderr


def test_a_misspelt_sheet_names_the_nearest(books):
    run = _cli(str(books["base"]), str(books["growth"]), "--sheet", "Captex")
    assert run.exit_code == 2, run.output
    assert "no sheet 'Captex' in either workbook; did you mean Capex?" in run.stderr


def test_every_key_must_match_and_one_that_did_not_move_is_no_error(books):
    run = _cli(
        str(books["base"]), str(books["growth"]), "--key", "capex:MSFT:2024", "--key", "useful_life"
    )
    assert run.exit_code == 2  # the first matches nothing: one wrong name is enough
    run = _cli(str(books["base"]), str(books["base"]), "--key", "capex:MSFT", "--sheet", "capex")
    assert run.exit_code == 0, run.output
    assert "no changes" in run.stdout
