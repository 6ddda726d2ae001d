"""Open last quarter's workbook with openpyxl for what only openpyxl reads, fast.

``build --previous`` needs from OLD: its cells by key (read in one streaming pass per sheet
by :class:`modelgen.xlsx.cells.CellReader`, the generated sheets in part), and, for the
analyst's own sheets, styles, merged cells, charts, validations and conditional formats, and the defined
names: those are openpyxl's to read. Loading all of OLD with openpyxl costs more than the
build itself at a few hundred companies (issue 26), so openpyxl is handed a copy of the
package, in memory, in which every sheet modelgen generated is an empty worksheet without
relationships: the analyst's sheets, the workbook's names and styles are as they were, and
openpyxl's time follows the analyst's sheets, not the size of the model. The shared
strings go too (a table of every label of the model): the analyst's cells that use one
hold it inline instead, the text ``read_cells`` read, so openpyxl reads the same values.

The file has passed :func:`modelgen.xlsx.open_safely.check_xlsx` before (``read_cells``
checks it); the copy is parsed as :func:`modelgen.xlsx.open_safely.open_workbook` parses.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from modelgen.xlsx.cells import worksheet_parts
from modelgen.xlsx.open_safely import load_checked

__all__ = ["open_analyst_parts"]

_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)


_SHARED = re.compile(rb'<c\b([^>]*?)\st="s"([^>]*)>\s*<v>(\d+)</v>\s*</c>')
_STRINGS = "xl/sharedStrings.xml"


def _inline_strings(parts: dict[str, bytes], sheets: set[str], strings: list[str]) -> None:
    """The kept sheets' shared-string cells made inline, then the table dropped; left as
    it is if a cell of another shape still points into it."""
    if _STRINGS not in parts:
        return
    new = {}
    for member in sheets:
        try:
            data = _SHARED.sub(lambda m: _inline(m, strings), parts[member])
        except IndexError:  # a cell pointing past the table: openpyxl says what is wrong
            return
        if b't="s"' in data:
            return
        new[member] = data
    parts.update(new)
    del parts[_STRINGS]
    for name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        parts[name] = re.sub(
            rb"<(Relationship|Override)\b[^>]*sharedStrings[^>]*/>", b"", parts[name]
        )


def _inline(m: re.Match[bytes], strings: list[str]) -> bytes:
    text = escape(strings[int(m.group(3))]).encode("utf-8")
    return (
        b"<c"
        + m.group(1)
        + b' t="inlineStr"'
        + m.group(2)
        + b'><is><t xml:space="preserve">'
        + text
        + b"</t></is></c>"
    )


def _rels_of(member: str) -> str:
    folder, name = posixpath.split(member)
    return posixpath.join(folder, "_rels", name + ".rels")


def open_analyst_parts(path: Path, generated: Iterable[str], strings: list[str]) -> Any:
    """OLD as openpyxl loads it (formulas, not cached values), the worksheets named in
    ``generated`` emptied; ``strings``: OLD's shared strings as ``read_cells`` read them.
    A checked file that openpyxl cannot read is UnsafeWorkbookError."""

    generated = set(generated)
    parts: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as zf:
        emptied = {m for name, m in worksheet_parts(zf) if name in generated}
        kept = {m for _, m in worksheet_parts(zf)} - emptied
        dropped = {_rels_of(m) for m in emptied}
        for info in zf.infolist():
            if info.filename not in dropped:
                parts[info.filename] = _EMPTY if info.filename in emptied else zf.read(info)
    _inline_strings(parts, kept, strings)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    buffer.seek(0)
    return load_checked(Path(path), buffer, data_only=False)
