"""read_cells gives what openpyxl gives (data_only=True), on every kind of workbook we read:
modelgen's own, a LibreOffice recalculated copy, an openpyxl re-save, and hand-written XML
with the parts Excel and other programs write (shared and inline strings, rich text,
booleans, errors, dates, the 1904 calendar, cells without an address)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from modelgen.xlsx.cells import ErrorValue, read_cells
from modelgen.xlsx.open_safely import UnsafeWorkbookError, open_workbook
from tests.engine import engine, recalc_many


def openpyxl_cells(path: Path) -> tuple[list[str], dict[str, dict], dict[str, set]]:
    """Sheet names, values and formula cells as openpyxl reads them."""
    values_wb = open_workbook(path, data_only=True)
    formulas_wb = open_workbook(path, data_only=False)
    values, formulas = {}, {}
    for ws in values_wb.worksheets:
        values[ws.title] = {
            (c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None
        }
        formulas[ws.title] = {
            (c.row, c.column)
            for row in formulas_wb[ws.title].iter_rows()
            for c in row
            if c.data_type == "f"
        }
    return values_wb.sheetnames, values, formulas


def kind(value: object) -> type:
    """int, float, bool, datetime... and str for any text (ErrorValue is text)."""
    return str if isinstance(value, str) else type(value)


def assert_same_as_openpyxl(path: Path) -> int:
    names, values, formulas = openpyxl_cells(path)
    cells = read_cells(path)
    assert cells.sheetnames == names
    assert list(cells.sheets) == list(values)
    for name, expected in values.items():
        got = cells.sheets[name].values
        assert got == expected, name
        assert {k: kind(v) for k, v in got.items()} == {k: kind(v) for k, v in expected.items()}
        assert cells.sheets[name].formulas == formulas[name], name
    return sum(len(v) for v in values.values())


@pytest.fixture(scope="module")
def shipped_model(shipped_book: Path) -> Path:
    return shipped_book


def test_modelgen_workbook_and_its_openpyxl_resave(shipped_model: Path, tmp_path: Path) -> None:
    assert assert_same_as_openpyxl(shipped_model) > 10_000
    resaved = tmp_path / "resaved.xlsx"
    openpyxl.load_workbook(shipped_model).save(resaved)  # formulas without cached values
    assert assert_same_as_openpyxl(resaved) > 10_000
    cells = read_cells(resaved)
    assert cells.sheets["Capex"].formulas
    assert all(cells.sheets["Capex"].values.get(c) is None for c in cells.sheets["Capex"].formulas)


@engine
def test_libreoffice_recalculated_copy(shipped_model: Path, tmp_path: Path) -> None:
    (recalculated,) = recalc_many([shipped_model], tmp_path)
    assert assert_same_as_openpyxl(recalculated) > 10_000


SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>inline</t></is></c><c r="D1" t="b"><v>1</v></c><c r="E1" t="e"><v>#DIV/0!</v></c></row>
<row r="2"><c r="A2"><v>42</v></c><c r="B2"><v>1.5E3</v></c><c r="C2" s="1"><v>45658</v></c><c r="D2" s="2"><v>1.25</v></c><c r="E2" t="str"><f>A1&amp;""</f><v>text</v></c><c r="F2"><f>A2*2</f></c></row>
<row r="4"><c><v>7</v></c><c><v>8</v></c><c r="E4" t="str"><f>""</f><v></v></c><c r="F4" t="d"><v>2025-03-31T00:00:00</v></c></row>
<row><c r="A5" t="b"><v>0</v></c><c r="B5" s="3"><v>5</v></c></row>
</sheetData></worksheet>"""
STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">
<si><t xml:space="preserve"> plain </t></si>
<si><r><rPr><b/></rPr><t>rich </t></r><r><t>text</t></r><rPh sb="0" eb="1"><t>hint</t></rPh></si></sst>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="10"/></cellXfs>
</styleSheet>"""
BOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<workbookPr{pr}/><sheets><sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="Empty" sheetId="2" r:id="rId2"/></sheets></workbook>"""
PARTS = {
    "[Content_Types].xml": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>""",
    "_rels/.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""",
    "xl/_rels/workbook.xml.rels": """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>""",
    "xl/worksheets/sheet1.xml": SHEET,
    "xl/worksheets/sheet2.xml": SHEET.split("<sheetData>")[0] + "<sheetData/></worksheet>",
    "xl/sharedStrings.xml": STRINGS,
    "xl/styles.xml": STYLES,
}


@pytest.mark.parametrize("pr", ["", ' date1904="1"'])
def test_hand_written_parts(tmp_path: Path, pr: str) -> None:
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in {**PARTS, "xl/workbook.xml": BOOK.format(pr=pr)}.items():
            zf.writestr(name, text)
    assert assert_same_as_openpyxl(path) == 15
    data = read_cells(path).sheets["Data"]
    epoch = dt.datetime(1904, 1, 1) if pr else dt.datetime(1899, 12, 30)
    assert data.values[1, 1] == " plain " and data.values[1, 2] == "rich text"
    assert data.values[1, 5] == "#DIV/0!" and isinstance(data.values[1, 5], ErrorValue)
    assert data.values[2, 3] == epoch + dt.timedelta(days=45658)
    assert data.values[2, 4] == dt.timedelta(days=1.25)
    assert data.values[4, 1] == 7 and data.values[4, 2] == 8  # no address: the next column
    assert data.values[5, 1] is False and data.values[5, 2] == 5
    assert data.formulas == {(2, 5), (2, 6), (4, 5)}
    assert (2, 6) not in data.values and (4, 5) not in data.values
    assert data.grid()[1][:2] == [42, 1500.0]


def test_checks_the_file_first(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "a">]><workbook/>')
    with pytest.raises(UnsafeWorkbookError, match="document type declaration"):
        read_cells(path)
