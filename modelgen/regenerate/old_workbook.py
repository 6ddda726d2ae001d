"""Open last quarter's workbook with openpyxl for what only openpyxl reads, fast.

``build --previous`` needs from OLD: every cell's value and formula text (read in one
streaming pass by :func:`modelgen.xlsx.cells.read_cells`), and, for the analyst's own
sheets, styles, merged cells, charts, validations and conditional formats, and the defined
names: those are openpyxl's to read. Loading all of OLD with openpyxl costs more than the
build itself at a few hundred companies (issue 26), so openpyxl is handed a copy of the
package, in memory, in which every sheet modelgen generated is an empty worksheet without
relationships: the analyst's sheets, the workbook's names and styles are as they were, and
openpyxl's time follows the analyst's sheets, not the size of the model.

The file has passed :func:`modelgen.xlsx.open_safely.check_xlsx` before (``read_cells``
checks it); the copy is parsed as :func:`modelgen.xlsx.open_safely.open_workbook` parses.
"""

from __future__ import annotations

import io
import posixpath
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from modelgen.xlsx.cells import worksheet_parts
from modelgen.xlsx.open_safely import _defuse, _fail

__all__ = ["open_analyst_parts"]

_EMPTY = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)


def _rels_of(member: str) -> str:
    folder, name = posixpath.split(member)
    return posixpath.join(folder, "_rels", name + ".rels")


def open_analyst_parts(path: Path, generated: Iterable[str]) -> Any:
    """OLD as openpyxl loads it (formulas, not cached values), the worksheets named in
    ``generated`` emptied; a checked file that openpyxl cannot read is UnsafeWorkbookError."""
    import openpyxl

    generated = set(generated)
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as zf:
        emptied = {m for name, m in worksheet_parts(zf) if name in generated}
        dropped = {_rels_of(m) for m in emptied}
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for info in zf.infolist():
                if info.filename in dropped:
                    continue
                data = _EMPTY if info.filename in emptied else zf.read(info)
                out.writestr(info.filename, data)
    _defuse()
    buffer.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\..*")
            return openpyxl.load_workbook(buffer, data_only=False, keep_links=False)
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as e:  # openpyxl raises many types; the user needs one clear message
        raise _fail(
            path,
            f"could not be read as an xlsx workbook ({type(e).__name__}: {e})",
            "Open it in Excel or LibreOffice, save it as .xlsx, and try again",
        ) from e
