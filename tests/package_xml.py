"""A workbook's package (its zip of XML parts) edited and read in tests, without openpyxl.

openpyxl takes seconds to load and save a model (and drops every cached value); these
change or read the XML in milliseconds: type values into cells as an analyst would
(:func:`type_values`), add or drop sheets (:func:`repack`), empty the sheets a test does
not look at before openpyxl opens it (:func:`open_sheets`), read formula text
(:func:`formula_texts`), read a workbook's cells once (:func:`read_once`). A typed cell keeps its style and holds a number or inline text;
every other part is copied byte for byte, cached values included, so the tests that use it
recalculate the copy with an engine.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from defusedxml.ElementTree import fromstring
from openpyxl.utils import coordinate_to_tuple

from modelgen.xlsx.cells import (
    CELL,
    FORMULA,
    WorkbookCells,
    read_cells,
    stream_rows,
    worksheet_parts,
)
from modelgen.xlsx.open_safely import open_workbook

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAIN = "{" + MAIN_NS + "}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class Typed:
    """A formula typed into a cell, with the value Excel computed for it when saving."""

    formula: str  # starting with "="
    value: float


def type_values(book: Path, out: Path, sheet: str, values: dict[str, object]) -> Path:
    """A copy of ``book`` at ``out`` with ``values`` typed into ``sheet``'s cells (``D12``):
    numbers, text, or formulas with their computed values (`Typed`)."""
    with zipfile.ZipFile(book) as zin:
        part = sheet_part(zin, sheet)
        xml = zin.read(part).decode("utf-8")
        for ref, value in values.items():
            xml = _typed(xml, ref, value)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(
                    info, xml.encode("utf-8") if info.filename == part else zin.read(info)
                )
    return out


def sheet_part(zf: zipfile.ZipFile, sheet: str) -> str:
    book = fromstring(zf.read("xl/workbook.xml"))
    rid = next(s.get(REL + "id") for s in book.iter(MAIN + "sheet") if s.get("name") == sheet)
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.iter(PKG + "Relationship") if r.get("Id") == rid)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _typed(xml: str, ref: str, value: object) -> str:
    cell = re.compile(rf'<c r="{ref}"(?P<attrs>[^>/]*)(?:/>|>.*?</c>)', re.S)
    found = cell.search(xml)
    assert found, f"no cell {ref} to type into"
    style = re.search(r'\ss="\d+"', found.group("attrs"))
    head = f'<c r="{ref}"{style.group(0) if style else ""}'
    if isinstance(value, Typed):
        new = f"{head}><f>{escape(value.formula[1:])}</f><v>{value.value!r}</v></c>"
    elif isinstance(value, str):
        new = f'{head} t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    else:
        new = f"{head}><v>{value!r}</v></c>"
    return xml[: found.start()] + new + xml[found.end() :]


def open_sheets(book: Path, out: Path, keep: tuple[str, ...]) -> openpyxl.Workbook:
    """``book`` opened with openpyxl (formulas) for the sheets ``keep`` and the workbook part
    only: a copy at ``out`` in which every other worksheet is empty (no cells, drawings or
    comments), the sheets kept in order and named as they were (so sheet-scoped names stay
    where they are); the ``keep`` sheets, their parts and the workbook part byte for byte.
    openpyxl then reads a few sheets, not the whole model: most of a test's time otherwise."""
    empty = f'<worksheet xmlns="{MAIN_NS}"/>'.encode()
    with zipfile.ZipFile(book) as zin:
        names = [
            e.get("name")
            for e in fromstring(zin.read("xl/workbook.xml")).iter(f"{{{MAIN_NS}}}sheet")
        ]
        assert set(keep) <= set(names), f"no sheet {set(keep) - set(names)} in {book}"
        others = {sheet_part(zin, n) for n in names if n not in keep}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                rels = info.filename.replace("/_rels/", "/").removesuffix(".rels")
                if info.filename in others:
                    zout.writestr(info, empty)
                elif rels not in others:  # an emptied sheet's relationships go with it
                    zout.writestr(info, zin.read(info))
    return open_workbook(out, data_only=False)


_WS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def repack(
    book: Path, out: Path, add: dict[str, dict[str, str]] | None = None, drop: str | None = None
) -> Path:
    """A copy of ``book`` at ``out`` without the sheet ``drop`` (the last sheet only: no
    sheet index in the defined names moves) and with ``add``'s sheets appended, each
    ``{cell: formula or text}``; a formula gets no cached value, as openpyxl writes it."""
    with zipfile.ZipFile(book) as zin:
        parts = {info.filename: zin.read(info) for info in zin.infolist()}
    text = {n: parts[n].decode("utf-8") for n in _PACKAGE}
    if drop is not None:
        with zipfile.ZipFile(book) as zin:
            part = sheet_part(zin, drop)
        sheets = re.findall(r"<sheet [^>]*/>", text["xl/workbook.xml"])
        (gone,) = [e for e in sheets if f'name="{escape(drop)}"' in e]
        assert gone == sheets[-1], "only the last sheet is dropped"
        rid = re.search(r'r:id="([^"]+)"', gone).group(1)
        text["xl/workbook.xml"] = text["xl/workbook.xml"].replace(gone, "")
        text["xl/_rels/workbook.xml.rels"] = re.sub(
            rf'<Relationship Id="{rid}"[^>]*/>', "", text["xl/_rels/workbook.xml.rels"]
        )
        text["[Content_Types].xml"] = re.sub(
            rf'<Override PartName="/{part}"[^>]*/>', "", text["[Content_Types].xml"]
        )
        rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        parts.pop(part), parts.pop(rels, None)
    for name, cells in (add or {}).items():
        n = 1 + max(_numbers(r"worksheets/sheet(\d+)\.xml", " ".join(parts)))
        sheet_id = 1 + max(_numbers(r'sheetId="(\d+)"', text["xl/workbook.xml"]))
        rid = 1 + max(_numbers(r'Id="rId(\d+)"', text["xl/_rels/workbook.xml.rels"]))
        rid = f"rId{rid}"
        part = f"xl/worksheets/sheet{n}.xml"
        text["xl/workbook.xml"] = text["xl/workbook.xml"].replace(
            "</sheets>",
            f'<sheet name="{escape(name)}" sheetId="{sheet_id}" r:id="{rid}"/></sheets>',
        )
        text["xl/_rels/workbook.xml.rels"] = text["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>",
            f'<Relationship Id="{rid}" Type="{_WS_TYPE}" Target="worksheets/sheet{n}.xml"/>'
            "</Relationships>",
        )
        text["[Content_Types].xml"] = text["[Content_Types].xml"].replace(
            "</Types>", f'<Override PartName="/{part}" ContentType="{_WS_CT}"/></Types>'
        )
        parts[part] = _sheet_xml(cells).encode("utf-8")
    parts.update({n: t.encode("utf-8") for n, t in text.items()})
    tmp = out.with_name(f"{out.name}.repack")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return tmp.replace(out)


_PACKAGE = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml")


def _numbers(pattern: str, text: str) -> list[int]:
    return [int(m) for m in re.findall(pattern, text)]


def _sheet_xml(cells: dict[str, str]) -> str:
    rows: dict[int, list[str]] = {}
    for ref, value in cells.items():
        row, _ = coordinate_to_tuple(ref)
        if value.startswith("="):
            xml = f'<c r="{ref}"><f>{escape(value[1:])}</f><v></v></c>'
        else:
            xml = f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        rows.setdefault(row, []).append(xml)
    body = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    return f'<worksheet xmlns="{MAIN_NS}"><sheetData>{body}</sheetData></worksheet>'


def formula_texts(path: Path) -> Iterator[tuple[str, str]]:
    """Each formula of a workbook file, as (``Sheet!B7``, its text after ``=``), read from
    the sheet XML (what openpyxl gives a formula cell, without loading the workbook)."""
    with zipfile.ZipFile(path) as zf:
        for sheet, part in worksheet_parts(zf):
            with zf.open(part) as fh:
                for row in stream_rows(fh):
                    for c in row.iter(CELL):
                        f = c.find(FORMULA)
                        if f is not None:
                            # every formula written whole: no shared formula leaves it out
                            assert f.text or f.get("t") != "shared", (sheet, c.get("r"))
                            yield f"{sheet}!{c.get('r')}", f.text or ""
                    row.clear()


def formula_text(book: Path, sheet: str, ref: str) -> str:
    """The formula in ``sheet``'s cell ``ref`` as openpyxl gives it (``=...``)."""
    found = dict(formula_texts(book)).get(f"{sheet}!{ref}")
    assert found is not None, f"no formula in {sheet}!{ref}"
    return "=" + found


@functools.cache
def read_once(path: Path) -> WorkbookCells:
    """``read_cells``, once per workbook and test process: for workbooks no test changes
    (built by a fixture, or recalculated copies); a file changed later still reads as it was."""
    return read_cells(path)
