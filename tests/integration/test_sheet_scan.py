"""The pattern reader of worksheet parts (modelgen.xlsx.sheet_scan) against the XML parser.

read_cells reads a part by pattern where its cells have the usual shape, and falls back to
ElementTree where they do not; both must give what openpyxl gives (tests/integration/test_cells.py),
so here each is held to the other, and to openpyxl's formula text, on cells of every kind.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

import modelgen.xlsx.cells as cells_module
from modelgen.xlsx.cells import read_cells
from modelgen.xlsx.open_safely import open_workbook
from modelgen.xlsx.sheet_scan import NotPlain, scan_cells


def _book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_string("A1", 'capex:MSFT & "AMZN" <total>')
    ws.write_number("B1", 55.7)
    ws.write_number("C1", 3)
    ws.write_number("D1", 1e-12)
    ws.write_formula("E1", '=IF(B1>1,"big & <odd>","")', None, "big & <odd>")
    ws.write_formula("F1", "=B1*2", None, 111.4)
    ws.write_formula("G1", '=""', None, "")
    ws.write_boolean("H1", True)
    ws.write_formula("I1", "=1/0", None, "#DIV/0!")
    ws.write_datetime("J1", dt.datetime(2024, 6, 30), date)
    ws.write_string("A3", "line one\nline two")
    wb.close()
    return path


def _by_element_tree(path: Path, **kw: bool):  # noqa: ANN202
    def refuse(*_: object) -> None:
        raise NotPlain("forced")

    original = cells_module._scan_sheet
    cells_module._scan_sheet = refuse
    try:
        return read_cells(path, **kw)
    finally:
        cells_module._scan_sheet = original


def test_patterns_read_what_the_parser_reads(tmp_path: Path) -> None:
    book = _book(tmp_path / "kinds.xlsx")
    with zipfile.ZipFile(book) as zf:  # the fast path does read this part
        assert sum(len(c) for c in scan_cells(zf.open("xl/worksheets/sheet1.xml"))) == 11
    fast, slow = read_cells(book, formula_text=True), _by_element_tree(book, formula_text=True)
    assert fast == slow
    calc = fast.sheets["Calc"]
    assert calc.values[1, 1] == 'capex:MSFT & "AMZN" <total>'
    assert calc.values[1, 5] == "big & <odd>" and (1, 7) not in calc.values
    assert calc.values[1, 10] == dt.datetime(2024, 6, 30) and calc.values[3, 1].count("\n") == 1
    formulas = open_workbook(book, data_only=False)["Calc"]
    for (row, col), text in calc.texts.items():
        assert text == formulas.cell(row, col).value


def _rewrite(book: Path, out: Path, xml: bytes) -> Path:
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name = info.filename
            zout.writestr(info, xml if name == "xl/worksheets/sheet1.xml" else zin.read(info))
    return out


@pytest.mark.parametrize(
    "cells",
    [
        # attributes in another order, an inline string, a shared formula (Excel's shape)
        b'<c t="inlineStr" r="A1"><is><t>x &amp; y</t></is></c><c r="B1"><v>2</v></c>'
        b'<c r="C1"><f t="shared" ref="C1:D1" si="0">B1*2</f><v>4</v></c>'
        b'<c r="D1"><f t="shared" si="0"/><v>0</v></c>',
    ],
)
def test_other_shapes_fall_back_to_the_parser(tmp_path: Path, cells: bytes) -> None:
    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        b'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        + cells
        + b"</row></sheetData></worksheet>"
    )
    book = _rewrite(_book(tmp_path / "kinds.xlsx"), tmp_path / "other.xlsx", xml)
    with zipfile.ZipFile(book) as zf, pytest.raises(NotPlain):
        list(scan_cells(zf.open("xl/worksheets/sheet1.xml")))
    read = read_cells(book, formula_text=True)
    calc = read.sheets["Calc"]
    assert calc.values == {(1, 1): "x & y", (1, 2): 2, (1, 3): 4, (1, 4): 0}
    assert calc.texts == {(1, 3): "=B1*2", (1, 4): "=C1*2"}  # openpyxl moves it likewise
    assert read == _by_element_tree(book, formula_text=True)


def _keyed_book(path: Path) -> Path:
    """A keyed sheet: whole rows and others, a number typed over a formula, a formula in
    column A, a date, text with entities; and one cell of another shape, if asked."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["period", "", "", "", "2024", "2025"])
    ws.write_row(1, 0, ["whole", "Kept whole", "x"])
    ws.write_formula(1, 3, "=1+1", None, 2)
    ws.write_formula(1, 4, "=D2*2", None, 4)
    ws.write_number(1, 5, 7)
    ws.write_row(2, 0, ["calc", 'label & "quoted" <odd>', "usd"])
    ws.write_formula(2, 4, "=E2*3", None, 12)
    ws.write_number(2, 5, 99.5)  # typed over the row's formula: kept
    ws.write_datetime(2, 6, dt.datetime(2024, 6, 30), date)
    ws.write_formula(3, 0, '="by"&"formula"', None, "byformula")  # a key as a formula
    ws.write_formula(3, 4, "=E3", None, 12)
    ws.write_formula(4, 4, "=E3+1", None, 13)  # no key
    wb.close()
    return path


def _refuse(*_: object) -> None:
    raise NotPlain("forced")


def _selected(book: Path, rows) -> object:  # noqa: ANN001
    from modelgen.xlsx.cells import CellReader

    with CellReader(book) as reader:
        return reader.read("Calc", formula_text=True, rows=rows)


def test_a_sheet_read_in_part_keeps_what_the_whole_read_keeps(tmp_path: Path) -> None:
    """CellReader.read(rows=...) by the value cells' pattern, by the XML parser and by
    selecting from the whole sheet read give the same cells; formulas only on whole rows."""
    from modelgen.xlsx.cells import _select

    book = _keyed_book(tmp_path / "keyed.xlsx")
    rows = {"period", "whole"}.__contains__
    fast = _selected(book, rows)
    original = cells_module._scan_selected
    cells_module._scan_selected = _refuse
    try:
        slow = _selected(book, rows)
    finally:
        cells_module._scan_selected = original
    whole = _select(read_cells(book, formula_text=True).sheets["Calc"], rows)
    assert fast == slow == whole
    assert fast.formulas == {(2, 4), (2, 5), (4, 1), (4, 5)}  # the whole rows' formulas
    assert fast.texts[2, 5] == "=D2*2" and fast.texts[4, 1] == '="by"&"formula"'
    assert fast.values[3, 6] == 99.5 and (3, 5) not in fast.values  # typed kept, formula not
    assert fast.values[3, 2] == 'label & "quoted" <odd>'
    assert fast.values[3, 7] == dt.datetime(2024, 6, 30)
    assert (5, 5) not in fast.values and fast.has_formulas and fast.valued


def test_a_sheet_read_in_part_falls_back_on_other_shapes(tmp_path: Path) -> None:
    """A value cell the pattern does not read (attributes in another order, an inline
    string) sends the sheet to the XML parser, with the same selection."""
    from modelgen.xlsx.cells import _select

    xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        b'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>period</t></is></c></row>'
        b'<row r="2"><c s="0" r="A2"><v>3</v></c><c r="E2"><f>1+1</f><v>2</v></c></row>'
        b"</sheetData></worksheet>"
    )
    book = _rewrite(_book(tmp_path / "kinds.xlsx"), tmp_path / "other.xlsx", xml)
    rows = {"period"}.__contains__
    fast = _selected(book, rows)
    assert fast == _select(read_cells(book, formula_text=True).sheets["Calc"], rows)
    assert fast.values == {(1, 1): "period", (2, 1): 3} and fast.formulas == set()
    assert fast.has_formulas and fast.valued


def test_shared_strings_by_pattern_and_by_parser(tmp_path: Path) -> None:
    """Plain shared strings are read by one pattern; rich text goes to the XML parser;
    both read what openpyxl reads."""
    from defusedxml.ElementTree import parse

    from modelgen.xlsx.cells import _MAIN, _plain_strings, _text

    def both(book: Path) -> tuple[list[str] | None, list[str]]:
        with zipfile.ZipFile(book) as zf:
            data = zf.read("xl/sharedStrings.xml")
            root = parse(zf.open("xl/sharedStrings.xml")).getroot()
        return _plain_strings(data), [_text(si) for si in root.iter(_MAIN + "si")]

    plain_book = _book(tmp_path / "kinds.xlsx")
    fast, slow = both(plain_book)
    assert fast == slow and 'capex:MSFT & "AMZN" <total>' in fast
    assert "line one\nline two" in fast and "  leading" not in fast
    wb = xlsxwriter.Workbook(str(tmp_path / "rich.xlsx"))
    ws = wb.add_worksheet("Calc")
    ws.write_rich_string("A1", "plain ", wb.add_format({"bold": True}), "bold & <odd>")
    ws.write_string("A2", "  leading and trailing  ")
    wb.close()
    fast, slow = both(tmp_path / "rich.xlsx")
    assert fast is None and slow == ["plain bold & <odd>", "  leading and trailing  "]
    assert read_cells(tmp_path / "rich.xlsx").sheets["Calc"].values[1, 1] == slow[0]
