"""Gnumeric and Formualizer, the third and fourth engines: each computes the value modelgen
cached for every formula cell of the shipped model and the test folders (LibreOffice's and
IronCalc's judgement of them is in test_engine.py and test_ironcalc.py; the random models in
test_random_models.py, the 16-class model in test_excel_limits.py). ssconvert is shown to
recalculate, not to copy cached values, and the places where the two engines compute
differently from Excel are pinned, so that a new version that changes them shows up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

import modelgen
from modelgen.build import build
from modelgen.cli import app
from modelgen.engine import formualizer, gnumeric
from modelgen.engine.verify import EnginesReport, read_values, verify
from tests.engine import (
    assert_engine_agrees,
    engine,
    engine_profile,
    require_formualizer,
    require_soffice,
    require_ssconvert,
)
from tests.engine.test_verify import write_contract

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article"
REQUIRE = {"gnumeric": require_ssconvert, "formualizer": require_formualizer}
RECALCULATE = {"gnumeric": gnumeric.recalculate, "formualizer": formualizer.recalculate}


@pytest.fixture(scope="module")
def books(tmp_path_factory, shipped_book, varied_inputs, quarterly_inputs) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("engines")
    folders = {"varied": varied_inputs, "quarterly": quarterly_inputs, "article": ARTICLE}
    built = {which: build(folder, out / f"{which}.xlsx").out for which, folder in folders.items()}
    return {"shipped": shipped_book, **built}


@engine
@pytest.mark.parametrize("name", ["gnumeric", "formualizer"])
@pytest.mark.parametrize("which", ["shipped", "varied", "quarterly", "article"])
def test_the_engine_computes_every_cached_value(books, which, name):
    REQUIRE[name]()
    report = verify(books[which], engine=name)
    assert report.engine == {"gnumeric": "Gnumeric", "formualizer": "Formualizer"}[name]
    assert report.formula_cells > 1000
    assert_engine_agrees(report)


def _chain(path: Path, amount: float, cached: tuple[float, float]) -> Path:
    """An input in A1 and two formulas after it, cached as ``cached`` whatever A1 holds."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write("A1", amount)
    ws.write_formula("B1", "=A1*2", None, cached[0])
    ws.write_formula("C1", "=B1+1", None, cached[1])
    wb.close()
    return path


@engine
@pytest.mark.parametrize("name", ["gnumeric", "formualizer"])
def test_the_engine_recalculates_rather_than_copying_cached_values(tmp_path, name):
    """The input changed in a copy whose cached values still say what they said for 1 (as a
    program that does not recalculate would leave it): the dependants follow the new input."""
    REQUIRE[name]()
    before = RECALCULATE[name](_chain(tmp_path / "before.xlsx", 1, (2, 3)))
    after = RECALCULATE[name](_chain(tmp_path / "after.xlsx", 5, (2, 3)))
    assert (before["Calc", "B1"], before["Calc", "C1"]) == (1 * 2, 1 * 2 + 1)
    assert (after["Calc", "B1"], after["Calc", "C1"]) == (5 * 2, 5 * 2 + 1)


@engine
def test_without_recalc_ssconvert_keeps_the_cached_values(tmp_path):
    """Why modelgen passes --recalc: a plain ssconvert writes the stale numbers back."""
    require_ssconvert()
    src = _chain(tmp_path / "stale.xlsx", 5, (2, 3))
    out = tmp_path / "copied.xlsx"
    subprocess.run([gnumeric.find_ssconvert(), str(src), str(out)], check=True, capture_output=True)
    values = read_values(out)
    assert (values["Calc", "B1"], values["Calc", "C1"]) == (2, 3)


def _edges(path: Path) -> Path:
    """The two constructs the issue names, and their plain alternatives, cached as Excel
    computes them: 1, -2, 3 in A1:C1, 10, 20, 30 in A7:C7 and in A9:A11."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_row("A1", [1, -2, 3])
    ws.write_row("A7", [10, 20, 30])
    ws.write_column("A9", [10, 20, 30])
    for cell, (formula, excel) in EDGES.items():
        ws.write_formula(cell, formula, None, excel)
    wb.close()
    return path


EDGES = {
    "A2": ("=SUMPRODUCT(ABS(A1:C1))", 6),  # ABS over a bare range
    "A3": ("=SUMPRODUCT(ABS(A1:C1-B1:D1))", 11),  # ABS over a computed array
    "A4": ("=SUMPRODUCT(A1:C1*(A1:C1>0))", 4),  # the plain alternative: a product
    "E8": ("=INDEX(A7:C7,2)", 20),  # a one-row range, one index
    "F8": ("=INDEX(A7:C7,1,2)", 20),  # the same with the row given
    "E9": ("=INDEX(A9:A11,2)", 20),  # a one-column range, one index
    "E10": ("=INDEX(A9:A9,1)", 10),  # a range of one cell: modelgen writes the cell (A9)
    "F10": ("=INDEX(A9:A9,1,1)", 10),
}


@engine
def test_gnumeric_edges(tmp_path):
    """Gnumeric 1.12.55: INDEX of a one-row range with one index is #REF! (Excel takes the
    index as the column; INDEX(range,1,n) works), and so is any INDEX of a single cell (so
    modelgen writes the cell itself); a bare range given to ABS inside SUMPRODUCT
    is intersected with the formula's row or column, and ABS of a computed array is
    #VALUE!. A product of ranges (A4) computes as everywhere."""
    require_ssconvert()
    values = gnumeric.recalculate(_edges(tmp_path / "edges.xlsx"))
    got = {cell: values["Calc", cell] for cell in EDGES}
    assert got == {
        **{"A2": 1, "A3": "#VALUE!", "A4": 4, "E8": "#REF!", "F8": 20, "E9": 20},
        **{"E10": "#REF!", "F10": "#REF!"},  # any INDEX of one cell
    }


@engine
def test_formualizer_edges(tmp_path):
    """Formualizer 0.13: ABS of a range or an array, inside SUMPRODUCT too, is #VALUE! (it
    does not apply ABS element by element); its INDEX is Excel's."""
    require_formualizer()
    values = formualizer.recalculate(_edges(tmp_path / "edges.xlsx"))
    got = {cell: values["Calc", cell] for cell in EDGES}
    assert got == {
        **{"A2": "#VALUE!", "A3": "#VALUE!", "A4": 4, "E8": 20, "F8": 20, "E9": 20},
        **{"E10": 10, "F10": 10},
    }


@engine
def test_a_wrong_cached_value_is_caught_by_every_engine(tmp_path):
    require_soffice()
    require_ssconvert()
    require_formualizer()
    contract = write_contract(tmp_path / "contract.xlsx")
    report = verify(contract, engine="all", profile=engine_profile())
    assert isinstance(report, EnginesReport) and not report.ok
    assert [r.engine for r in report.reports] == [
        "LibreOffice",
        "IronCalc",
        "Gnumeric",
        "Formualizer",
    ]
    growth = 88.0 / 55.7 - 1
    for r in report.reports:  # each finds what LibreOffice finds (test_verify.py)
        assert [(m.cell, m.key, m.period) for m in r.mismatches] == [
            ("G3", "capex_yoy:MSFT", "2026"),
            ("D5", "ratio:MSFT", "D"),
        ], r.lines()
        assert r.mismatches[0].recalculated == pytest.approx(growth, rel=1e-12)
        assert str(r.mismatches[1].recalculated) == "#DIV/0!"
    assert report.disagreements == []
    assert report.lines()[-1] == (
        f"{contract}: FAILED: LibreOffice, IronCalc, Gnumeric and Formualizer agree on every "
        "formula cell"
    )


@engine
@pytest.mark.parametrize("name", ["gnumeric", "formualizer"])
def test_the_command_line_takes_the_engine(tmp_path, name):
    REQUIRE[name]()
    contract = write_contract(tmp_path / "contract.xlsx")
    run = CliRunner().invoke(app, ["verify", str(contract), "--engine", name])
    assert run.exit_code == 1, run.output
    engine_name = {"gnumeric": "Gnumeric", "formualizer": "Formualizer"}[name]
    assert (
        f"Calc!G3 (key capex_yoy:MSFT, period 2026): cached 0.5 but {engine_name} computes"
        in run.output
    )


def test_without_ssconvert_the_message_says_how_to_install(monkeypatch, tmp_path):
    contract = write_contract(tmp_path / "contract.xlsx")
    monkeypatch.setenv("PATH", str(tmp_path))  # no ssconvert on it
    run = CliRunner().invoke(app, ["verify", str(contract), "--engine", "gnumeric"])
    assert run.exit_code == 3, run.output
    assert "apt-get install -y gnumeric" in run.output


def test_without_formualizer_the_message_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "formualizer", None)  # `import formualizer` now fails
    with pytest.raises(modelgen.errors.ModelgenError, match="pip install formualizer") as caught:
        verify(write_contract(tmp_path / "contract.xlsx"), engine="formualizer")
    assert caught.value.exit_code == 3
