"""Defined names, validations and conditional formats of an analyst's sheet, a quarter later.

Last quarter's workbook is built from the shipped inputs and given, with openpyxl (as a
script or an Excel would save it), a sheet of the analyst's that uses modelgen's names and
names of their own, a validation and conditional formats. The new quarter's inputs add the
2025 actuals and split Alphabet into two asset classes, so Alphabet's `all_assets` rows are
gone. The regenerated workbook must keep every formula that still means something, with
cached values equal to arithmetic on the new workbook's own keyed values, mark the rest
`#REF!`, and verify under IronCalc.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from modelgen.build import build
from modelgen.engine import ironcalc
from modelgen.engine.verify import judge, read_cached
from modelgen.regenerate.analyst_names import NameBook
from modelgen.regenerate.carry import cover_lines
from modelgen.regenerate.repoint import parse_name
from modelgen.xlsx.lint import lint_formula, lint_name
from modelgen.xlsx.read_by_key import read_keyed
from tests.integration.test_carry import _new_quarter
from tests.package_xml import open_sheets

NOTES = "Notes"
RATE = 0.25


def _abs(cell: str) -> str:
    """``F33`` -> ``$F$33``."""
    col = cell.rstrip("0123456789")
    return f"${col}${cell[len(col) :]}"


@pytest.fixture(scope="module")
def quarter(tmp_path_factory: pytest.TempPathFactory, shipped_inputs: Path, shipped_book: Path):
    """(the new workbook's Notes and names opened with openpyxl, its cached values, the
    build's result).

    Built and read once for the module: opening a workbook with openpyxl is most of the
    time these tests take, so only what they look at is opened (:func:`tests.package_xml.open_sheets`)."""
    tmp = tmp_path_factory.mktemp("names")
    generated, old, new = tmp / "generated.xlsx", tmp / "old.xlsx", tmp / "new.xlsx"
    shutil.copyfile(shipped_book, generated)
    wb = openpyxl.load_workbook(generated)
    keyed = read_keyed(wb)
    inputs, capex = keyed["Inputs"].rows, keyed["Capex"].rows
    ws = wb.create_sheet(NOTES)
    ws["A1"], ws["B1"] = "Meta life, doubled", "=Useful_Life_META_all_assets*2"
    ws["A2"], ws["B2"] = "Meta capex, every period", "=SUM(Capex_META)"
    ws["A3"], ws["B3"] = "My rate", RATE
    ws["A4"], ws["B4"] = "Meta capex 2024-2026 at my rate", "=SUM(MyCapex)*MyRate"
    ws["A5"], ws["B5"] = "Microsoft life plus one", "=LocalLife+1"
    ws["A6"], ws["B6"] = "Alphabet life (gone)", "=Useful_Life_GOOGL_all_assets*1"
    ws["A7"], ws["B7"] = "Alphabet life, my name (gone)", "=GoogLife"
    ws["A8"], ws["B8"] = "Period", ""
    meta = capex["capex:META"].cells
    wb.defined_names["MyRate"] = DefinedName("MyRate", attr_text=f"{NOTES}!$B$3")
    mine = f"Capex!{_abs(meta['2024'])}:{_abs(meta['2026'])}"
    wb.defined_names["MyCapex"] = DefinedName("MyCapex", attr_text=mine)
    googl = inputs["useful_life:GOOGL:all_assets"].cells["D"]
    wb.defined_names["GoogLife"] = DefinedName("GoogLife", attr_text=f"Inputs!{_abs(googl)}")
    wb.defined_names["GoogTwice"] = DefinedName("GoogTwice", attr_text="GoogLife*2")
    msft = inputs["useful_life:MSFT:all_assets"].cells["D"]
    ws.defined_names["LocalLife"] = DefinedName("LocalLife", attr_text=f"Inputs!{_abs(msft)}")
    rate = DataValidation(type="decimal", operator="between", formula1="0", formula2="1")
    rate.add("B3")
    period = capex["period"].cells
    periods = DataValidation(
        type="list", formula1=f"Capex!{_abs(period['2023'])}:{_abs(period['2029'])}"
    )
    periods.add("B8")
    ws.add_data_validation(rate)
    ws.add_data_validation(periods)
    red = PatternFill(start_color="FFC7CE", end_color="FFC7CE", fill_type="solid")
    ws.conditional_formatting.add(
        "B1:B2", CellIsRule(operator="greaterThan", formula=["100"], fill=red)
    )
    ws.conditional_formatting.add(
        "B4", FormulaRule(formula=[f"B4>Capex!{meta['2024']}"], font=Font(color="9C0006"))
    )
    gone = FormulaRule(formula=[f"Inputs!{_abs(googl)}>5"], font=Font(bold=True))
    ws.conditional_formatting.add("B6", gone)  # its row is gone: listed
    scale = ColorScaleRule(
        start_type="min", start_color="FFFFFF", end_type="max", end_color="FF0000"
    )
    ws.conditional_formatting.add("B5", scale)  # a kind modelgen does not carry: listed
    wb.save(old)
    new_inputs = tmp / "inputs-2025"
    _new_quarter(shipped_inputs, new_inputs)
    result = build(new_inputs, new, previous=old)
    return open_sheets(new, tmp / "notes-and-names.xlsx", (NOTES,)), read_cached(new), result


def test_names_in_formulas_are_kept_and_cached_right(quarter):
    wb, cached, _ = quarter
    formulas = wb[NOTES]
    inputs, capex = cached.keyed["Inputs"].rows, cached.keyed["Capex"].rows
    meta = capex["capex:META"].values
    assert formulas["B1"].value == "=Useful_Life_META_all_assets*2"
    assert formulas["B2"].value == "=SUM(Capex_META)"
    assert formulas["B4"].value == "=SUM(MyCapex)*MyRate"
    assert formulas["B5"].value == "=LocalLife+1"
    expected = {
        "B1": inputs["useful_life:META:all_assets"].constant * 2,
        "B2": sum(meta.values()),
        "B4": (meta["2024"] + meta["2025"] + meta["2026"]) * RATE,
        "B5": inputs["useful_life:MSFT:all_assets"].constant + 1,
    }
    for cell, value in expected.items():
        assert cached.formulas[NOTES, cell] == pytest.approx(value, rel=1e-12), cell
    assert meta["2025"] == pytest.approx(72.2)  # the new actual, in the cached value too


def test_the_analysts_names_are_defined_again_re_pointed(quarter):
    wb, cached, _ = quarter
    meta = cached.keyed["Capex"].rows["capex:META"].cells
    assert wb.defined_names["MyRate"].attr_text == f"{NOTES}!$B$3"
    assert wb.defined_names["MyCapex"].attr_text == (
        f"Capex!{_abs(meta['2024'])}:{_abs(meta['2026'])}"
    )
    assert "GoogLife" not in wb.defined_names and "GoogTwice" not in wb.defined_names
    msft = cached.keyed["Inputs"].rows["useful_life:MSFT:all_assets"].cells["D"]
    assert wb[NOTES].defined_names["LocalLife"].attr_text == f"Inputs!{_abs(msft)}"
    assert "Useful_Life_META_all_assets" in wb.defined_names  # modelgen's own, as ever


def test_a_name_whose_row_is_gone_is_a_listed_ref(quarter):
    wb, cached, result = quarter
    formulas = wb[NOTES]
    assert formulas["B6"].value == "=#REF!*1"
    assert formulas["B7"].value == "=#REF!"
    for cell in ("B6", "B7"):
        assert cached.formulas[NOTES, cell] == "#REF!"
        assert formulas[cell].fill.fgColor.rgb.endswith("FF9999")
        assert "could not re-point" in formulas[cell].comment.text
    lines = "\n".join(result.carry.lines())
    assert "Notes!B6: Useful_Life_GOOGL_all_assets: the defined name" in lines
    assert "name dropped: GoogLife (=Inputs!" in lines
    assert "name dropped: GoogTwice (=GoogLife*2): GoogLife: the defined name GoogLife" in lines
    summary = result.carry.summary()
    assert summary["names carried"] == 3  # MyRate, MyCapex, LocalLife
    assert summary["names dropped"] == 2  # GoogLife, and GoogTwice that uses it
    assert summary["references failed"] == 2
    assert ("Names carried", "3") in cover_lines(result.carry)


def test_validations_and_conditional_formats_come_along(quarter):
    wb, cached, result = quarter
    ws = wb[NOTES]
    period = cached.keyed["Capex"].rows["period"].cells
    found = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert found["B3"].type == "decimal" and found["B3"].operator in (None, "between")
    assert (found["B3"].formula1, found["B3"].formula2) == ("0", "1")
    assert found["B8"].type == "list"
    assert found["B8"].formula1 == f"Capex!{_abs(period['2023'])}:{_abs(period['2029'])}"
    rules = {str(cf.sqref): cf.rules for cf in ws.conditional_formatting}
    (cell,) = rules["B1:B2"]
    assert (cell.type, cell.operator, cell.formula) == ("cellIs", "greaterThan", ["100"])
    assert cell.dxf.fill.bgColor.rgb.endswith("FFC7CE")
    (expr,) = rules["B4"]
    meta = cached.keyed["Capex"].rows["capex:META"].cells["2024"]
    assert expr.formula == [f"B4>Capex!{meta}"]
    assert expr.dxf.font.color.rgb.endswith("9C0006")
    assert "B6" not in rules and "B5" not in rules
    assert result.carry.summary()["validations and formats carried"] == 4
    lines = "\n".join(result.carry.lines())
    assert "not carried: Notes!B5: a colorScale conditional format\n" in lines
    assert "not carried: Notes!B6: a conditional format, as Inputs!$D$" in lines


def test_ironcalc_agrees_with_every_cached_value_and_the_lint_passes(quarter):
    """IronCalc recalculates every formula, the analyst's included, to its cached value; the
    only errors are the two listed #REF! cells. The
    build ran the lint on everything it wrote (a breach fails the build); here the carried
    formulas and names are linted again as read back."""
    wb, cached, _ = quarter
    report = judge(cached, ironcalc.recalculate(cached.path), ironcalc.NAME)
    assert report.mismatches == [], report.lines()
    assert [(e.sheet, e.cell) for e in report.errors] == [(NOTES, "B6"), (NOTES, "B7")]
    assert report.check_failures == 0
    assert report.formula_cells > 17_000
    for row in wb[NOTES].iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                assert lint_formula(c.value, allowed=None) == [], c.coordinate
    seen: set[str] = set()
    for name in [*wb.defined_names, *(f"{NOTES}!{n}" for n in wb[NOTES].defined_names)]:
        assert lint_name(name, seen) == [], name


def test_a_name_of_the_formulas_sheet_comes_before_the_workbooks():
    book = NameBook({(None, "rate"): "Inputs!$D$5", (NOTES, "rate"): f"{NOTES}!$B$3"})
    assert book.definition(None, "Rate", NOTES) == (f"{NOTES}!$B$3", NOTES)
    assert book.definition(None, "RATE", "Other") == ("Inputs!$D$5", "Other")
    assert book.definition(NOTES, "rate", "Other") == (f"{NOTES}!$B$3", NOTES)
    assert (
        book.why_not("Other", "rate", NOTES) == "the defined name rate is not in the new workbook"
    )
    assert parse_name("'Client note'!MyRate") == ("Client note", "MyRate")
    assert [parse_name(t) for t in ("B2", "TRUE", "A:A", "Capex!E5", "Table1[x]")] == [None] * 5
