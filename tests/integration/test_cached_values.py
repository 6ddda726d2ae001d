"""Workbooks without computed values: saved by openpyxl, their formulas carry no results.

The shipped model is built once and saved again by openpyxl, as is, and with an analyst's
work typed in with openpyxl (an input edit, a formula typed into an input, a plug). The
detector tells them apart; verify refuses them in one line; diff recalculates them with
IronCalc and finds what was typed, and nothing else; build --previous carries what it can.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import modelgen
from modelgen.build import build
from modelgen.cli import app
from modelgen.compare.computed import recalculated
from modelgen.compare.diff import diff_workbooks
from modelgen.xlsx.cached_values import NoComputedValuesError, lacks_computed_values
from modelgen.xlsx.read_by_key import read_keyed
from tests.engine import engine, require_soffice

TAX, GROWTH_FORMULA, PLUG = 0.25, "=0.04+0.03", 999.0  # what the analyst types
PLUGGED = ("Capex", "capex:MSFT", "2027")


@pytest.fixture(scope="module")
def books(tmp_path_factory, shipped_book: Path) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("cached")
    out = {name: tmp / f"{name}.xlsx" for name in ("model", "resaved", "edited")}
    shutil.copyfile(shipped_book, out["model"])
    wb = openpyxl.load_workbook(out["model"])
    wb.save(out["resaved"])
    keyed = read_keyed(wb)  # where the cells are
    inputs, (sheet, key, period) = keyed["Inputs"].rows, PLUGGED
    wb["Inputs"][inputs["tax_rate:META"].cells["D"]] = TAX  # Meta's own rate
    wb["Inputs"][inputs["revenue_growth"].cells["D"]] = GROWTH_FORMULA
    wb[sheet][keyed[sheet].rows[key].cells[period]] = PLUG
    wb.save(out["edited"])
    return out


def _tiny(path: Path, cell_xml: str) -> Path:
    """A one-sheet workbook (openpyxl's own, for the package) whose A1 is ``cell_xml``."""
    wb = openpyxl.Workbook()
    wb.active["B1"] = "label"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<c r="B1"', cell_xml.encode() + b'<c r="B1"')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("cell", "lacks"),
    [
        ('<c r="A1"><f>1+1</f><v>2</v></c>', False),  # what Excel, LibreOffice, modelgen write
        ('<c r="A1" t="str"><f>""</f><v></v></c>', False),  # an empty-string result, by Excel
        ('<c r="A1"><f>1+1</f><v /></c>', True),  # openpyxl
        ('<c r="A1"><f>1+1</f></c>', True),  # no <v> at all
        ('<c r="A1"><v>2</v></c>', False),  # no formula: nothing to lack
    ],
)
def test_the_detector_reads_the_cell_xml(tmp_path, cell, lacks):
    assert lacks_computed_values(_tiny(tmp_path / "tiny.xlsx", cell)) is lacks


def test_the_detector_tells_the_model_from_its_openpyxl_copy(books):
    assert lacks_computed_values(books["model"]) is False
    assert lacks_computed_values(books["resaved"]) is True


def test_verify_says_why_in_one_line_and_exits_2(books):
    result = CliRunner().invoke(app, ["verify", str(books["resaved"]), "--engine", "ironcalc"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert str(books["resaved"]) in lines[0] and "no computed values" in lines[0]
    assert "openpyxl" in lines[0] and "Excel or LibreOffice" in lines[0]
    with pytest.raises(NoComputedValuesError) as caught:  # before LibreOffice is started
        modelgen.verify(books["resaved"])
    assert caught.value.exit_code == 2


def test_diff_of_a_workbook_and_its_openpyxl_copy_finds_nothing(books):
    result = CliRunner().invoke(app, ["diff", str(books["model"]), str(books["resaved"]), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["changed"] is False and report["changes"] == []
    assert "recalculated by IronCalc" in report["recalculated"]
    assert str(books["resaved"]) in report["recalculated"]


def test_diff_recalculates_what_the_analyst_typed(books):
    report = diff_workbooks(books["model"], books["edited"])
    assert report.lines()[1] == report.recalculated and "IronCalc" in report.recalculated
    found = {(c.sheet, c.key, c.period): c for c in report.changes}
    assert found["Inputs", "tax_rate:META", "D"].new == TAX
    assert found["Inputs", "revenue_growth", "D"].new == pytest.approx(0.07)  # computed
    old = read_keyed(books["model"])  # the cached values modelgen wrote
    plugged = found[PLUGGED]
    assert plugged.old == pytest.approx(old["Capex"].rows["capex:MSFT"].values["2027"])
    assert plugged.new == PLUG
    total = found["Capex", "capex:TOTAL", "2027"]  # the sum follows the plug
    assert total.change == pytest.approx(PLUG - plugged.old)
    after_tax = found["Profit Impact", "after_tax_depreciation:META", "2027"]
    assert after_tax.new == pytest.approx(after_tax.old * (1 - TAX) / (1 - 0.1175))


def test_build_previous_carries_edits_and_plugs_and_says_what_it_could_not_read(
    books, shipped_inputs, tmp_path
):
    result = build(shipped_inputs, tmp_path / "new.xlsx", previous=books["edited"])
    carry = result.carry
    assert [(e.key, e.status) for e in carry.edits] == [("tax_rate:META", "carried")]
    assert [(p.sheet, p.key, p.period, p.value) for p in carry.plugs] == [(*PLUGGED, PLUG)]
    warning = [line for line in carry.lines() if "no computed values" in line]
    assert len(warning) == 1 and "Inputs revenue_growth D" in warning[0]
    assert "not carried" in warning[0]
    new = read_keyed(tmp_path / "new.xlsx")["Inputs"].rows
    assert new["tax_rate:META"].constant == TAX
    assert new["revenue_growth"].constant == 0.05  # generated, not a blank


@engine
def test_without_ironcalc_libreoffice_recalculates(books):
    require_soffice()
    name, (wb,) = recalculated([books["resaved"]], engine="libreoffice")
    assert name == "LibreOffice"
    want, got = read_keyed(books["model"]), read_keyed(wb)
    for sheet in ("Capex", "Depreciation", "Profit Impact"):
        for key, row in want[sheet].rows.items():
            for period, value in row.values.items():
                if isinstance(value, float):
                    assert got[sheet].rows[key].values[period] == pytest.approx(value, rel=1e-9)
