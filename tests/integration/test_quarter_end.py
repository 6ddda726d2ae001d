"""The README's quarter end, walked on the shipped inputs and on the Snowflake file.

On the shipped inputs, the commands of the README's "Every quarter" run as written: the
analyst's workbook (a sheet using the workbook's names, a name of their own and a cell
reference, saved by a spreadsheet that calculates) is rebuilt from a folder a quarter
later, verified, and diffed, the forecast beside the new actual first.

On Snowflake: last quarter's workbook is built from Snowflake's company facts without its latest filing
(the 10-Q for the quarter to 30 April 2025, fiscal 2026Q1). The analyst adds a sheet that
uses the workbook's names and a cell reference, changes a useful life, and saves it in a
spreadsheet that calculates (LibreOffice here, as Excel would). Then the new filing
arrives and one command ingests it, rebuilds with the analyst's work carried, verifies and
prints last quarter's forecast beside the new actual, keeping the old workbook.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
from pathlib import Path

import openpyxl
import pytest

from modelgen.build import build
from modelgen.compare.diff import diff_workbooks
from modelgen.inputs.starter import write_starter
from modelgen.sec.ingest import ingest_sec
from modelgen.xlsx.cells import read_cells
from modelgen.xlsx.read_by_key import read_keyed
from tests.cli import run_modelgen
from tests.engine import engine, recalc_many
from tests.integration.test_carry import NEW_2025, _new_quarter
from tests.integration.test_sec import SNOWFLAKE

NEW_QUARTER = "2026Q1"
NOTES = "Notes"
LIFE = 4.5  # the analyst's useful life for Snowflake's servers


def last_quarters_facts(path: Path) -> Path:
    """Snowflake's company facts as they stood before its latest filing."""
    doc = json.loads(SNOWFLAKE.read_text())
    facts = [f for tax in doc["facts"].values() for c in tax.values() for u in c["units"].values() for f in u]  # fmt: skip
    latest = max(f["filed"] for f in facts)
    for tax in doc["facts"].values():
        for concept in tax.values():
            for unit, found in concept["units"].items():
                concept["units"][unit] = [f for f in found if f["filed"] < latest]
    path.write_text(json.dumps(doc))
    return path


def snow_folder(folder: Path) -> Path:
    """The README's quarterly Snowflake folder, before any filing is ingested."""
    write_starter(folder)
    for name in ("capex.csv", "financials.csv", "companies.csv"):
        (folder / name).unlink()
    (folder / "settings.csv").write_text(
        "key,value\nfrequency,quarterly\nunit,USD m\nforecast_years,2\n"
    )
    (folder / "guidance.csv").write_text("ticker,period,capex_low,capex_high,source\n")
    return folder


def csv_value(path: Path, period: str, column: str) -> float:
    with path.open(newline="") as fh:
        (row,) = [r for r in csv.DictReader(fh) if r["ticker"] == "SNOW" and r["period"] == period]
    return float(row[column])


def snow_analyst(tmp: Path) -> tuple[Path, Path]:
    """Last quarter's Snowflake folder and the analyst's edited workbook (not yet saved by
    a spreadsheet)."""
    snow = snow_folder(tmp / "snow")
    ingest_sec(last_quarters_facts(tmp / "old-facts.json"), "SNOW", snow)
    generated = build(snow, tmp / "generated" / "snow.xlsx").out
    wb = openpyxl.load_workbook(generated)
    keyed = read_keyed(generated)
    capex = keyed["Capex"].rows["capex:SNOW"]
    life = keyed["Inputs"].rows["useful_life:SNOW:servers"]
    wb["Inputs"][life.cells["D"]] = LIFE
    notes = wb.create_sheet(NOTES)
    notes["A1"], notes["B1"] = "Capex, every quarter", "=SUM(Capex_SNOW)"
    notes["A2"], notes["B2"] = f"Capex {NEW_QUARTER}", f"=Capex!{capex.cells[NEW_QUARTER]}"
    notes["A3"], notes["B3"] = "Server life, doubled", "=Useful_Life_SNOW_servers*2"
    (tmp / "edited").mkdir()
    wb.save(tmp / "edited" / "snow.xlsx")
    return snow, tmp / "edited" / "snow.xlsx"


def shipped_analyst(tmp: Path, shipped: Path, shipped_book: Path) -> tuple[Path, Path]:
    """The shipped inputs and the analyst's edited workbook built from them (the build of
    the shipped inputs that every build of them writes: ``shipped_book``)."""
    shutil.copytree(shipped, tmp / "inputs")
    generated = tmp / "generated" / "capex_model.xlsx"
    generated.parent.mkdir(parents=True)
    shutil.copyfile(shipped_book, generated)
    wb = openpyxl.load_workbook(generated)
    impact = read_keyed(generated)["Profit Impact"].rows
    ratio = impact["after_tax_depreciation_pct_net_income:META"].cells["2024"]
    notes = wb.create_sheet(NOTES)
    notes["A1"], notes["B1"] = "Meta capex, every year", "=SUM(Capex_META)"
    notes["A2"], notes["B2"] = "Meta 2024 ratio", f"='Profit Impact'!{ratio}"
    notes["A3"], notes["B3"] = "Meta life, my way", "=MyLife*2"
    wb.defined_names["MyLife"] = openpyxl.workbook.defined_name.DefinedName(
        "MyLife", attr_text=wb.defined_names["Useful_Life_META_all_assets"].attr_text
    )
    (tmp / "edited").mkdir()
    wb.save(tmp / "edited" / "capex_model.xlsx")
    return tmp / "inputs", tmp / "edited" / "capex_model.xlsx"


@pytest.fixture(scope="module")
def saved(
    tmp_path_factory: pytest.TempPathFactory, shipped_inputs: Path, shipped_book: Path
) -> dict:
    """Both analysts' workbooks, saved by a spreadsheet that calculates (one LibreOffice
    run), each in a `build` folder beside its inputs."""
    tmp = tmp_path_factory.mktemp("quarter_end")
    snow, snow_book = snow_analyst(tmp / "snow_story")
    shipped, edited = shipped_analyst(tmp / "readme_story", shipped_inputs, shipped_book)
    out = {}
    for name, folder, book in (("snow", snow, snow_book), ("shipped", shipped, edited)):
        (folder.parent / "build").mkdir()
        out[name] = (folder, folder.parent / "build" / book.name)
    for (_, workbook), done in zip(out.values(), recalc_many([snow_book, edited], tmp), strict=True):  # fmt: skip
        shutil.copyfile(done, workbook)
    return out


@pytest.fixture(scope="module")
def story(saved: dict) -> dict:
    snow, workbook = saved["snow"]
    before = {p.name: p.read_bytes() for p in [workbook, *snow.iterdir()]}
    run = run_modelgen("update", "--inputs", snow, "--sec", SNOWFLAKE, "--workbook", workbook)
    kept = [p for p in workbook.parent.iterdir() if p.name.startswith("snow.before-")]
    return {"run": run, "snow": snow, "workbook": workbook, "kept": kept, "before": before}


@engine
def test_update_ingests_rebuilds_verifies_and_keeps_the_old_workbook(story):
    run = story["run"]
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    (kept,) = story["kept"]
    assert kept.read_bytes() == story["before"]["snow.xlsx"]
    assert f"the old workbook is kept as {kept}" in run.stdout
    assert "recalculated by IronCalc, 0 mismatches, 0 error values" in run.stdout
    capex = csv_value(story["snow"] / "capex.csv", NEW_QUARTER, "capex")
    new = read_keyed(story["workbook"])
    assert new["Capex"].rows["capex:SNOW"].values[NEW_QUARTER] == pytest.approx(capex)
    assert new["Checks"].rows["check_failures"].constant == 0


@engine
def test_the_analysts_work_survives(story):
    cells = read_cells(story["workbook"])
    new = read_keyed(cells)
    life = new["Inputs"].rows["useful_life:SNOW:servers"].constant
    assert life == LIFE
    capex = new["Capex"].rows["capex:SNOW"].values
    formulas = openpyxl.load_workbook(story["workbook"])[NOTES]
    values = cells.sheets[NOTES].values  # (row, column) -> the cached value
    assert formulas["B1"].value == "=SUM(Capex_SNOW)"
    assert values[1, 2] == pytest.approx(sum(capex.values()))
    assert values[2, 2] == pytest.approx(capex[NEW_QUARTER])  # moved with its period
    assert values[3, 2] == pytest.approx(2 * LIFE)


@engine
def test_last_quarters_forecast_beside_the_new_actual(story):
    (kept,) = story["kept"]
    forecast = read_keyed(kept)["Capex"].rows["capex:SNOW"].values[NEW_QUARTER]
    actual = csv_value(story["snow"] / "capex.csv", NEW_QUARTER, "capex")
    report = diff_workbooks(kept, story["workbook"])
    first = report.forecast_vs_actual[0]
    assert (first.sheet, first.key, first.period) == ("Capex", "capex:SNOW", NEW_QUARTER)
    assert first.forecast == pytest.approx(forecast)
    assert first.actual == pytest.approx(actual)
    assert report.forecast_lines()[1:] == [
        line for line in story["run"].stdout.splitlines() if line in report.forecast_lines()[1:]
    ]
    income = csv_value(story["snow"] / "financials.csv", NEW_QUARTER, "net_income")
    assert any(
        s.key == "net_income:SNOW" and s.actual == pytest.approx(income)
        for s in report.forecast_vs_actual
    )
    cover = list(read_cells(story["workbook"]).sheets["Cover"].values.values())
    assert pytest.approx(forecast) in cover and pytest.approx(actual) in cover


def test_update_without_a_workbook_changes_nothing(tmp_path: Path):
    snow = snow_folder(tmp_path / "snow")
    before = {p.name: p.read_bytes() for p in snow.iterdir()}
    run = run_modelgen("update", "--inputs", snow, "--sec", SNOWFLAKE, "--ticker", "SNOW", "--workbook", tmp_path / "none.xlsx")  # fmt: skip
    assert run.returncode == 2
    assert "none.xlsx: no workbook to update; build one first" in run.stderr
    assert "Traceback" not in run.stderr
    assert {p.name: p.read_bytes() for p in snow.iterdir()} == before


def test_update_of_a_workbook_kept_inside_its_inputs_folder(tmp_path: Path):
    """The staging folder stands beside the workbook, so inside the inputs folder too: it is
    not copied into itself (which recursed until the path was too long, exit 70)."""
    snow = snow_folder(tmp_path / "snow")
    ingest_sec(last_quarters_facts(tmp_path / "old-facts.json"), "SNOW", snow)
    workbook = build(snow, snow / "snow.xlsx").out
    run = run_modelgen("update", "--inputs", snow, "--sec", SNOWFLAKE, "--workbook", workbook, "--engine", "ironcalc")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert not list(snow.glob(".modelgen-update-*"))  # the staging folder is gone
    assert read_keyed(workbook)["Capex"].rows["capex:SNOW"].values[NEW_QUARTER] is not None


def readme_block(section: str) -> list[str]:
    """The commands of the first ``sh`` block after the README heading ``section``."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(rf"## {section}\n.*?```sh\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def every_quarter(saved: dict) -> dict:
    """The README's "Every quarter" commands, run as written beside the analyst's workbook."""
    inputs, _ = saved["shipped"]
    home, runs = inputs.parent, {}
    for command in readme_block("Every quarter"):
        args = shlex.split(command)
        if args[:2] == ["cp", "-r"]:  # then "add the new rows": a quarter later
            _new_quarter(home / args[2], home / args[3])
            continue
        assert args[0] == "modelgen", command
        runs[args[1]] = run_modelgen(*args[1:], cwd=home)
    return {"home": home, "runs": runs}


@engine
def test_every_quarter_as_the_readme_says(every_quarter: dict):
    home, runs = every_quarter["home"], every_quarter["runs"]
    assert set(runs) == {"build", "verify", "diff"}
    assert runs["build"].returncode == 0, runs["build"].stderr
    assert "1 sheets copied" in runs["build"].stdout and "1 names carried" in runs["build"].stdout
    assert runs["verify"].returncode == 0, runs["verify"].stdout
    assert runs["diff"].returncode == 1  # it changed
    old, new = sorted(
        (home / "build").glob("capex_*.xlsx"), key=lambda p: p.name != "capex_model.xlsx"
    )
    forecast = read_keyed(old)["Capex"].rows["capex:META"].values["2025"]
    actual = NEW_2025["META"][0]
    lines = runs["diff"].stdout.splitlines()
    assert lines[1].startswith("Forecast against actual")
    meta = next(line.split() for line in lines if line.strip().startswith("Capex: Meta"))
    at = meta.index("2025")
    assert meta[at + 1 : at + 3] == [f"{forecast:,.2f}", f"{actual:,.2f}"]
    cells = read_cells(new)
    keyed = read_keyed(cells)
    values = cells.sheets[NOTES].values  # (row, column) -> the cached value
    capex = keyed["Capex"].rows["capex:META"].values
    ratio = keyed["Profit Impact"].rows["after_tax_depreciation_pct_net_income:META"].values
    life = keyed["Inputs"].rows["useful_life:META:all_assets"].constant
    assert values[1, 2] == pytest.approx(sum(capex.values()))
    assert values[2, 2] == pytest.approx(ratio["2024"])
    assert values[3, 2] == pytest.approx(2 * life)
