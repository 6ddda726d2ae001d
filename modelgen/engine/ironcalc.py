"""IronCalc, a second engine: recalculates a workbook in process, no LibreOffice needed.

IronCalc (the `ironcalc` package, a Rust engine built for Excel compatibility) loads the
.xlsx, evaluates every formula and hands back each cell's value; `verify` judges those
values exactly as it judges LibreOffice's (`modelgen.engine.verify.judge`). `verify
--engine ironcalc` asks the evaluated model (`recalculate_model`) for the formula cells'
results only, and reads their cached values itself, in a forked process while IronCalc
loads (`modelgen.engine.verify.judge_in_process`): IronCalc reads a cached empty text as 0.

Where it differs from Excel (0.9.1): it reads a bare range given to a scalar function as
the implicit intersection with the formula's own row or column, inside `SUMPRODUCT` too,
so `=SUMPRODUCT(ABS(A1:C1))` in A2 is `ABS(A1)` and in F2 `#VALUE!`, where Excel and
LibreOffice sum every absolute value (tests/engine/test_ironcalc.py). A computed array is taken
whole (`ABS(A1:C1-D1:F1)` works), and that is all modelgen writes.

It also fails to load a package whose relationships name a part by an absolute path
(`Target="/xl/comments/comment1.xml"`, as openpyxl writes them for comments): "specified
file not found in archive". Such a file is loaded from a copy whose targets are rewritten
relative to their source part, which means the same (ECMA-376 Part 2, 9.3). And its load
and evaluation slow down with every defined name (a 500-company model's 32,000 names
double both): the copy it loads keeps only the names a formula or a kept name mentions,
which leaves every formula's value as it is.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from modelgen.engine.libreoffice import EngineMissingError, RecalcError
from modelgen.engine.verify import ErrorValue, Values
from modelgen.formulas.addresses import cell as address

__all__ = ["NAME", "Recalculated", "recalculate", "recalculate_model"]

NAME = "IronCalc"  # as reports name the engine
#: fewer names than this cost IronCalc less than the scan that finds the unused ones
NAMES_WORTH_PRUNING = 5_000


def recalculate(path: str | Path) -> Values:
    """Load `path` into IronCalc, evaluate it and return every non-empty cell's value.

    Raises EngineMissingError without the `ironcalc` package, RecalcError when IronCalc
    cannot load or evaluate the file.
    """
    model, _, _ = _evaluated(Path(path))
    sheets = [s["name"] for s in model.get_worksheets_properties()]
    values: Values = {}
    for sheet, row, column in model.get_all_cells():
        value = _value(model, sheet, row, column)
        if value is not None:
            values[sheets[sheet], address(column - 1, row)] = value
    return values


@dataclass
class Recalculated:
    """IronCalc's evaluated model of a workbook, to read cell by cell.

    ``formula_free``: the sheets that hold no formula (nothing there is computed).
    """

    model: Any
    sheets: list[str]
    formula_free: set[str]

    def value(self, sheet: int, row: int, column: int) -> object:
        """The computed value of a cell: its sheet's index, 1-based row and column."""
        return _value(self.model, sheet, row, column)


def recalculate_model(path: str | Path) -> Recalculated:
    """Load `path` into IronCalc and evaluate it, for a caller that reads only some cells
    (`verify` reads the formula cells). Raises as `recalculate`."""
    return Recalculated(*_evaluated(Path(path), unread=True))


def _value(model: Any, sheet: int, row: int, column: int) -> object:
    value = model.get_cell_value(sheet, row, column)
    if isinstance(value, str) and model.get_cell_type(sheet, row, column) == _error_type():
        return ErrorValue(value)
    return value


@cache
def _error_type() -> object:
    import ironcalc

    return ironcalc.CellType.ErrorValue


def _evaluated(path: Path, *, unread: bool = False) -> tuple[Any, list[str], set[str]]:
    """IronCalc's model of `path`, evaluated; its sheets' names, and those of the sheets
    that hold no formula (with ``unread``, their cells are not loaded where nothing can
    read them: see ``_loadable``)."""
    try:
        import ironcalc
    except ImportError:
        raise EngineMissingError("IronCalc is not installed: pip install ironcalc") from None
    try:
        with tempfile.TemporaryDirectory(prefix="modelgen-ironcalc-") as tmp:
            loadable, formula_free = _loadable(path, Path(tmp), unread=unread)
            model = ironcalc.load_from_xlsx(str(loadable), "en", "UTC")
        model.evaluate()
    except BaseException as exc:  # a panic in IronCalc's Rust is a BaseException (pyo3)
        if not isinstance(exc, ironcalc.WorkbookError) and type(exc).__name__ != "PanicException":
            raise  # Ctrl-C, SIGTERM and the like stay what they are
        raise RecalcError(f"IronCalc could not recalculate {path}: {exc}") from None
    return model, [s["name"] for s in model.get_worksheets_properties()], formula_free


_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ABSOLUTE = re.compile(rb'\bTarget="/([^"]*)"')
_EMPTY_NUMBER = re.compile(rb'(<(?:\w+:)?c\b[^>]*?)\s+t="n"([^>]*?)\s*/>')
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>")
_DEFINED_NAME = re.compile(
    rb'<(?:\w+:)?definedName\b[^>]*\bname="([^"]*)"[^>]*>([^<]*)</(?:\w+:)?definedName>'
)
_WORD = re.compile(rb"[A-Za-z_\\][\w.\\]*")


def _loadable(path: Path, tmp: Path, *, unread: bool = False) -> tuple[Path, set[str]]:
    """``path`` itself, or a copy in ``tmp`` that IronCalc reads as Excel reads ``path``:
    internal absolute targets made relative, empty cells typed as numbers made blank,
    defined names that no formula mentions left out. And the sheets without a formula.

    With ``unread``, the copy also leaves out the cells of a sheet without a formula that
    no other sheet and no defined name mentions, and no INDIRECT could name: no formula
    can read them, so every formula's value is as it was, and IronCalc need not load them
    (modelgen's record, a fifth of a 500-company workbook's cells). A name in other than
    letters, digits, spaces, ``_``, ``.`` and ``-`` is never left out (how a formula
    quotes it is not looked for)."""
    from modelgen.xlsx.cells import worksheet_parts

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        rels = {n for n in names if n.endswith(".rels") and _absolute(zf.read(n))}
        book = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
        prune = book.count(b"definedName ") >= NAMES_WORTH_PRUNING
        changed: dict[str, bytes] = {}
        words: set[bytes] = set()
        formula_free: set[str] = set()
        parts = worksheet_parts(zf)
        plain = {s: s.lower().encode() for s, _ in parts if _PLAIN_NAME.fullmatch(s)}
        mentioned: set[str] = set()
        dynamic = False
        for sheet, member in parts:
            data = zf.read(member)
            if b't="n"' in data and _EMPTY_NUMBER.search(data):
                changed[member] = _EMPTY_NUMBER.sub(rb"\1\2/>", data)
            if not _HAS_FORMULA.search(data):
                formula_free.add(sheet)
            elif prune:
                words.update(_WORD.findall(b"\n".join(_FORMULA.findall(data))))
            if unread:
                low = data.lower()
                dynamic = dynamic or b"indirect" in low
                mentioned.update(s for s, name in plain.items() if s != sheet and name in low)
                del low
            del data
        if prune:
            kept = _used_names(book, words)
            if kept != book:
                changed["xl/workbook.xml"] = kept
        if unread and not dynamic:
            defined = _DEFINED_NAMES.findall(changed.get("xl/workbook.xml", book))
            named = b"".join(defined).lower()
            for sheet, member in parts:
                if sheet in formula_free and sheet in plain and sheet not in mentioned:
                    if plain[sheet] not in named:
                        changed[member] = _without_cells(changed.get(member) or zf.read(member))
        if not rels and not changed:
            return path, formula_free
        copy = tmp / "loadable.xlsx"
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
            for name in names:
                data = changed.get(name)
                if data is None:
                    data = zf.read(name)
                    if name in rels:
                        data = _relativize(name, data)
                out.writestr(name, data)
    return copy, formula_free


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_. -]+")
_DEFINED_NAMES = re.compile(rb"<(?:\w+:)?definedNames>.*?</(?:\w+:)?definedNames>", re.S)


def _without_cells(data: bytes) -> bytes:
    """A worksheet part with an empty ``<sheetData/>`` (as it was where it is prefixed)."""
    start, end = data.find(b"<sheetData>"), data.rfind(b"</sheetData>")
    if start < 0 or end < start:
        return data
    return data[:start] + b"<sheetData/>" + data[end + len(b"</sheetData>") :]


def _used_names(book: bytes, words: set[bytes]) -> bytes:
    """workbook.xml without the defined names that neither a formula (whose words are
    ``words``) nor a kept name mentions; Excel's own (``_xlnm.``) are always kept."""
    defined = [(m.group(1), m.group(2), m) for m in _DEFINED_NAME.finditer(book)]
    mentioned = {w.lower() for w in words}
    kept: set[int] = set()
    grew = True
    while grew:  # a name may be defined by another: keep what the kept ones mention
        grew = False
        for i, (name, text, _) in enumerate(defined):
            if i not in kept and (name.lower() in mentioned or name.startswith(b"_xlnm.")):
                kept.add(i)
                mentioned.update(w.lower() for w in _WORD.findall(text))
                grew = True
    dropped = [m for i, (_, _, m) in enumerate(defined) if i not in kept]
    if not dropped:
        return book
    out, start = [], 0
    for m in dropped:
        out.append(book[start : m.start()])
        start = m.end()
    out.append(book[start:])
    return re.sub(rb"<(?:\w+:)?definedNames>\s*</(?:\w+:)?definedNames>", b"", b"".join(out))


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
