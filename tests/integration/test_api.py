"""The Python API as a user calls it from a notebook: `import modelgen` and nothing else."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import modelgen
from tests.engine import engine, require_soffice

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "inputs"


def _csv(name: str) -> list[dict[str, str]]:
    with open(SHIPPED / name, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def model():
    return modelgen.build_model(modelgen.read_inputs(str(SHIPPED)))  # a str path works


def test_import_is_light_and_lists_the_api():
    code = "import sys, modelgen; print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
    for name in ("read_inputs", "inputs_from_frames", "build_model", "write_workbook"):
        assert name in modelgen.__all__ and callable(getattr(modelgen, name))
    assert issubclass(modelgen.InputError, modelgen.ModelgenError)
    with pytest.raises(AttributeError):
        modelgen.no_such_thing  # noqa: B018


def test_a_model_answers_by_sheet_key_and_period(model):
    for row in (r for r in _csv("capex.csv") if r["period"] in model.periods):  # not quarters
        assert model.value("Capex", f"capex:{row['ticker']}", row["period"]) == pytest.approx(
            float(row["capex"])
        )
    assert model.value("Inputs", "tax_rate") == pytest.approx(0.21)  # column D
    frame = model.frame("Profit Impact")
    assert list(frame.columns) == ["D", *model.periods]
    net = {
        r["ticker"]: float(r["net_income"]) for r in _csv("financials.csv") if r["period"] == "2024"
    }
    assert frame.loc["net_income:TOTAL", "2024"] == pytest.approx(sum(net.values()))
    with pytest.raises(KeyError, match="no row"):
        model.value("Capex", "capex:NOPE", "2024")
    with pytest.raises(KeyError, match="no period"):
        model.value("Capex", "capex:META", "1999")


def test_write_read_and_diff_by_key(model, tmp_path):
    out = modelgen.write_workbook(model, tmp_path / "m.xlsx")
    book = modelgen.read_workbook(str(out))
    for key in ("capex:TOTAL", "eps:META", "net_income:MSFT"):
        sheet = "Capex" if key.startswith("capex") else "Profit Impact"
        for period in model.periods:
            want, got = model.value(sheet, key, period), book.value(sheet, key, period)
            assert got == pytest.approx(want) if want is not None else got in (None, "")
    same = modelgen.diff(out, out)
    assert not same.changed and same.to_frame().empty
    folder = tmp_path / "inputs"
    shutil.copytree(SHIPPED, folder)
    settings = (folder / "settings.csv").read_text(encoding="utf-8")
    grown = settings.replace("long_run_capex_growth,0.05", "long_run_capex_growth,0.07")
    (folder / "settings.csv").write_text(grown)
    other = modelgen.write_workbook(
        modelgen.build_model(modelgen.read_inputs(folder)), tmp_path / "other.xlsx"
    )
    moved = modelgen.diff(out, other).to_frame()
    assert {"sheet", "key", "period", "old", "new"} <= set(moved.columns)
    changed = set(zip(moved.sheet, moved.key, strict=True))
    assert ("Inputs", "long_run_capex_growth") in changed
    assert ("Profit Impact", "net_income:META") in changed


def test_frames_build_the_same_model_as_the_csv_files(model):
    frames = {
        name: pd.read_csv(SHIPPED / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in (
            "companies",
            "capex",
            "assumptions",
            "financials",
            "guidance",
            "scenarios",
            "opening_balances",
            "life_changes",
        )
    }
    settings = dict(pd.read_csv(SHIPPED / "settings.csv", dtype=str).values.tolist())
    again = modelgen.build_model(modelgen.inputs_from_frames(**frames, settings=settings))
    for sheet in ("Capex", "PP&E", "Profit Impact"):
        a, b = model.frame(sheet), again.frame(sheet)
        pd.testing.assert_frame_equal(a, b)


def test_a_bad_frame_names_the_frame_the_row_and_the_column():
    companies = pd.DataFrame({"ticker": ["AAA"], "name": ["A Co"], "fiscal_year_end_month": [12]})
    capex = pd.DataFrame({"ticker": ["AAA", "AAA"], "period": [2023, 2024], "capex": [10, 12.5]})
    assumptions = pd.DataFrame(
        {"ticker": ["*", "*"], "asset_class": ["servers", "sheds"], "share": [0.5, 0.7]}
        | {"useful_life_years": [5, 20]}
    )
    with pytest.raises(modelgen.InputError) as caught:
        modelgen.inputs_from_frames(companies=companies, capex=capex, assumptions=assumptions)
    problems = caught.value.problems
    assert caught.value.exit_code == 2
    assert [(p.file, p.column) for p in problems] == [("assumptions", "share")]
    assert "sum" in problems[0].message
    ok = modelgen.inputs_from_frames(
        companies=companies, capex=capex, assumptions=assumptions.assign(share=[0.3, 0.7])
    )
    built = modelgen.build_model(ok)
    assert built.value("Capex", "capex:AAA", "2024") == pytest.approx(12.5)


@engine
def test_verify_from_python(model, tmp_path):
    require_soffice()
    report = modelgen.verify(modelgen.write_workbook(model, tmp_path / "v.xlsx"))
    assert report.ok, report.lines()
