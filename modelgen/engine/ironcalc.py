"""IronCalc, a second engine: recalculates a workbook in process, no LibreOffice needed.

IronCalc (the `ironcalc` package, a Rust engine built for Excel compatibility) loads the
.xlsx, evaluates every formula and hands back each cell's value; `verify` judges those
values exactly as it judges LibreOffice's (`modelgen.engine.verify.judge`).

Where it differs from Excel (0.9.1): it reads a bare range given to a scalar function as
the implicit intersection with the formula's own row or column, inside `SUMPRODUCT` too,
so `=SUMPRODUCT(ABS(A1:C1))` in A2 is `ABS(A1)` and in F2 `#VALUE!`, where Excel and
LibreOffice sum every absolute value (tests/engine/test_ironcalc.py). A computed array is taken
whole (`ABS(A1:C1-D1:F1)` works), and that is all modelgen writes.

It also fails to load a package whose relationships name a part by an absolute path
(`Target="/xl/comments/comment1.xml"`, as openpyxl writes them for comments): "specified
file not found in archive". Such a file is loaded from a copy whose targets are rewritten
relative to their source part, which means the same (ECMA-376 Part 2, 9.3).
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from pathlib import Path

from modelgen.engine.libreoffice import EngineMissingError, RecalcError
from modelgen.engine.verify import ErrorValue, Values

__all__ = ["NAME", "recalculate"]

NAME = "IronCalc"  # as reports name the engine


def recalculate(path: str | Path) -> Values:
    """Load `path` into IronCalc, evaluate it and return every non-empty cell's value.

    Raises EngineMissingError without the `ironcalc` package, RecalcError when IronCalc
    cannot load or evaluate the file.
    """
    try:
        import ironcalc
    except ImportError:
        raise EngineMissingError("IronCalc is not installed: pip install ironcalc") from None
    try:
        with tempfile.TemporaryDirectory(prefix="modelgen-ironcalc-") as tmp:
            model = ironcalc.load_from_xlsx(str(_loadable(Path(path), Path(tmp))), "en", "UTC")
        model.evaluate()
    except BaseException as exc:  # a panic in IronCalc's Rust is a BaseException (pyo3)
        if not isinstance(exc, ironcalc.WorkbookError) and type(exc).__name__ != "PanicException":
            raise  # Ctrl-C, SIGTERM and the like stay what they are
        raise RecalcError(f"IronCalc could not recalculate {path}: {exc}") from None
    sheets = [s["name"] for s in model.get_worksheets_properties()]
    error = ironcalc.CellType.ErrorValue
    values: Values = {}
    for sheet, row, column in model.get_all_cells():
        value = model.get_cell_value(sheet, row, column)
        if value is None:
            continue
        if model.get_cell_type(sheet, row, column) == error:
            value = ErrorValue(value)
        values[sheets[sheet], f"{ironcalc.column_name_from_number(column)}{row}"] = value
    return values


_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ABSOLUTE = re.compile(rb'\bTarget="/([^"]*)"')
_EMPTY_NUMBER = re.compile(rb'(<(?:\w+:)?c\b[^>]*?)\s+t="n"([^>]*?)\s*/>')


def _loadable(path: Path, tmp: Path) -> Path:
    """``path`` itself, or a copy in ``tmp`` that IronCalc reads as Excel reads ``path``:
    internal absolute targets made relative, empty cells typed as numbers made blank."""
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        rels = {n for n in names if n.endswith(".rels") and _absolute(zf.read(n))}
        sheets = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
        sheets = {n for n in sheets if _EMPTY_NUMBER.search(zf.read(n))}
        if not rels and not sheets:
            return path
        copy = tmp / "loadable.xlsx"
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as out:
            for name in names:
                data = zf.read(name)
                if name in rels:
                    data = _relativize(name, data)
                elif name in sheets:
                    data = _EMPTY_NUMBER.sub(rb"\1\2/>", data)
                out.writestr(name, data)
    return copy


def _absolute(data: bytes) -> bool:
    return any(
        _ABSOLUTE.search(m.group(0)) and b'TargetMode="External"' not in m.group(0)
        for m in _RELATIONSHIP.finditer(data)
    )


def _relativize(rels_name: str, data: bytes) -> bytes:
    """`xl/worksheets/_rels/sheet2.xml.rels`: targets relative to `xl/worksheets`."""
    base = posixpath.dirname(posixpath.dirname(rels_name)) or "."

    def element(m: re.Match[bytes]) -> bytes:
        if b'TargetMode="External"' in m.group(0):
            return m.group(0)
        return _ABSOLUTE.sub(
            lambda t: b'Target="%s"' % posixpath.relpath(t.group(1).decode(), base).encode(),
            m.group(0),
        )

    return _RELATIONSHIP.sub(element, data)
