"""Read every cell's value, and which cells hold formulas, straight from the sheet XML.

``verify`` and ``diff`` need only values and the formula flag, for workbooks of up to a
million formulas. openpyxl builds a cell object, a style and (twice, for formulas and for
values) a whole workbook; this reads each worksheet once with a streaming XML parser and
keeps plain values, several times faster. It gives what
``openpyxl.load_workbook(path, data_only=True)`` gives (tests/integration/test_cells.py checks that on
every kind of workbook the tests write): numbers as int or float, shared and inline
strings, booleans, dates where the cell's number format is a date, and error values as
:class:`ErrorValue`. A formula whose cached value is missing reads as None.

The file is checked by :func:`modelgen.xlsx.open_safely.check_xlsx` first (no document
type declarations, sizes within caps); its small parts are parsed with defusedxml.
"""

from __future__ import annotations

import _elementtree
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError, XMLPullParser

from defusedxml.ElementTree import parse

from modelgen.xlsx.open_safely import UnsafeWorkbookError, _fail, check_xlsx
from modelgen.xlsx.sheet_scan import CELL_PATTERN, Formula, NotPlain, chunks, plain, scan_cells

__all__ = [
    "CELL",
    "FORMULA",
    "CellReader",
    "VALUE",
    "ErrorValue",
    "SheetCells",
    "WorkbookCells",
    "each_sheet",
    "read_cells",
    "stream_rows",
    "worksheet_parts",
]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_C, _V, _F, _IS, _T, _R, _RPH, _ROW = (
    _MAIN + tag for tag in ("c", "v", "f", "is", "t", "r", "rPh", "row")
)
CELL, VALUE, FORMULA = _C, _V, _F  # for other readers of the sheet XML


class ErrorValue(str):
    """An error value a cell shows (``#DIV/0!``, LibreOffice's ``Err:502``), as text."""


@dataclass
class SheetCells:
    """One worksheet: the value of every non-empty cell and the cells holding formulas,
    both by (row, column), 1-based, as openpyxl numbers them."""

    name: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    texts: dict[tuple[int, int], str] = field(default_factory=dict)  # "=..." (formula_text)
    valued: bool = False  # a formula here carries a cached value (modelgen.xlsx.cached_values)
    shows_formulas: bool = False  # a formula_view: a formula cell reads as its text
    has_formulas: bool = False  # a formula here, where read in part (``formulas`` has some)

    def get(self, row: int, col: int) -> object:
        """A cell's value, or its formula text in a formula view (no copy of the cells)."""
        if self.shows_formulas and (row, col) in self.texts:
            return self.texts[row, col]
        return self.values.get((row, col))

    def grid(self) -> list[list[object]]:
        """Rows 1 to the last non-empty one, each as a list from column 1 (openpyxl's
        ``iter_rows(values_only=True)``, trimmed to the cells that hold something)."""
        if not self.values:
            return []
        rows = max(r for r, _ in self.values)
        width = max(c for _, c in self.values)
        out: list[list[object]] = [[None] * width for _ in range(rows)]
        for (r, c), value in self.values.items():
            out[r - 1][c - 1] = value
        for (r, c), text in self.texts.items() if self.shows_formulas else ():
            out[r - 1][c - 1] = text
        return out


@dataclass
class WorkbookCells:
    """Every worksheet's cells; ``sheetnames`` lists chart sheets too, in workbook order."""

    sheetnames: list[str]
    sheets: dict[str, SheetCells]
    strings: list[str] = field(default_factory=list)  # the shared strings, as read

    def lacks_computed_values(self) -> bool:
        """Formulas and not one cached value (the rule of modelgen.xlsx.cached_values)."""
        sheets = self.sheets.values()
        held = any(s.formulas or s.has_formulas for s in sheets)
        return held and not any(s.valued for s in sheets)

    def formula_view(self) -> WorkbookCells:
        """The same cells with each formula as its text (``"=A1*2"``), as openpyxl loads a
        workbook without ``data_only``; needs ``read_cells(..., formula_text=True)``."""
        out = WorkbookCells(self.sheetnames, {}, self.strings)
        for name, s in self.sheets.items():
            out.sheets[name] = SheetCells(
                name, s.values, s.formulas, s.texts, s.valued, True, s.has_formulas
            )
        return out

    def with_values(self, values: Mapping[tuple[str, str], object]) -> WorkbookCells:
        """The same sheets and formula cells holding ``values`` instead, ``(sheet, "B7")`` ->
        value, as an engine computed them (``modelgen.engine``'s ``Values``)."""
        out = WorkbookCells(
            self.sheetnames, {n: SheetCells(n, {}, s.formulas) for n, s in self.sheets.items()}
        )
        for (name, ref), value in values.items():
            if name in out.sheets:
                i = len(ref.rstrip("0123456789"))
                out.sheets[name].values[int(ref[i:]), _column(ref[:i])] = value
        return out


def read_cells(path: str | Path, *, formula_text: bool = False) -> WorkbookCells:
    """Read every worksheet of the .xlsx at ``path`` (checked first; nothing is written);
    with ``formula_text``, each formula's text too, in the same pass (``formula_view``)."""
    with CellReader(path) as book:
        out = WorkbookCells(list(book.sheetnames), {}, book.strings)
        for name, member in book.parts:
            if member is not None:
                out.sheets[name] = book.read_part(name, member, formula_text=formula_text)
    return out


#: what a damaged part raises while it is read
UNREADABLE = (ParseError, KeyError, ValueError, IndexError, zipfile.BadZipFile, EOFError)


def unreadable(path: Path, error: Exception) -> UnsafeWorkbookError:
    """The one-line message for a workbook whose parts cannot be read."""
    return _fail(
        path,
        f"could not be read as an xlsx workbook ({type(error).__name__}: {error})",
        "Open it in Excel or LibreOffice, save it as .xlsx, and try again",
    )


class CellReader:
    """An .xlsx open for reading its worksheets one at a time, checked by ``check_xlsx``
    first; its workbook part, shared strings and date styles are read once.

    :func:`read_cells` reads every sheet whole. A caller that needs only some of a large
    workbook (``build --previous`` reads last quarter's record first, then what the record
    says it needs) reads sheet by sheet, and a sheet's rows selectively
    (:meth:`read` with ``rows``): the work and the memory then follow what is kept, not
    the size of the sheet. Use it as a context manager; nothing is written.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        check_xlsx(self.path)
        try:
            self._zf = zipfile.ZipFile(self.path)
        except UNREADABLE as e:
            raise unreadable(self.path, e) from e
        try:
            names = set(self._zf.namelist())
            book = parse(self._zf.open("xl/workbook.xml")).getroot()
            pr = book.find(_MAIN + "workbookPr")
            epoch = 1904 if pr is not None and pr.get("date1904") in ("1", "true") else 1900
            self.strings: list[str] = _shared_strings(self._zf, names)
            dates, durations = _date_styles(self._zf, names)
            #: every sheet's name and worksheet part (None: a chart sheet), in workbook order
            self.parts: list[tuple[str, str | None]] = _sheets(self._zf, book)
        except UNREADABLE as e:
            self._zf.close()
            raise unreadable(self.path, e) from e
        except BaseException:
            self._zf.close()
            raise
        self._how = (self.strings, dates, durations, epoch)
        self.date_styles: set[int] = dates  # the cell styles whose number format is a date

    def __enter__(self) -> CellReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()

    @property
    def sheetnames(self) -> list[str]:
        """Every sheet's name, chart sheets too, in workbook order."""
        return [name for name, _ in self.parts]

    def read(
        self, name: str, *, formula_text: bool = False, rows: Callable[[str], bool] | None = None
    ) -> SheetCells | None:
        """The worksheet ``name`` (None: a chart sheet or no such sheet).

        With ``rows``, only part of it: every cell that holds a value and no formula (row
        keys, labels, typed numbers), and whole rows (formulas, their cached values and, with
        ``formula_text``, their text) only where ``rows(key)`` is true of the row's key in
        column A, or column A holds a formula. ``formulas`` then lists only the whole rows'
        formulas; ``has_formulas`` and ``valued`` still say whether the sheet holds any."""
        member = dict(self.parts).get(name)
        if member is None:
            return None
        return self.read_part(name, member, formula_text=formula_text, rows=rows)

    def text(self, name: str) -> Iterator[str]:
        """The worksheet ``name``'s XML, a megabyte at a time, each piece ending after a
        row (:func:`modelgen.xlsx.sheet_scan.chunks`: NotPlain for a part in another
        encoding or with comments), for a reader of a sheet whose shape it knows."""
        member = dict(self.parts).get(name)
        if member is None:
            return
        try:
            with self._zf.open(member) as fh:
                yield from chunks(fh)
        except UNREADABLE as e:
            raise unreadable(self.path, e) from e

    def read_part(
        self,
        name: str,
        member: str,
        *,
        formula_text: bool = False,
        rows: Callable[[str], bool] | None = None,
    ) -> SheetCells:
        """The worksheet part ``member``, read as :meth:`read` reads a sheet."""
        how = (*self._how, formula_text)
        try:
            try:
                cells = SheetCells(name)
                with self._zf.open(member) as fh:
                    if rows is None:
                        _scan_sheet(fh, cells, *how)
                    else:
                        _scan_selected(fh, cells, rows, *how)
            except NotPlain:  # the patterns do not read it: the XML parser does
                cells = SheetCells(name)
                with self._zf.open(member) as fh:
                    _read_sheet(fh, cells, *how)
                if rows is not None:
                    cells = _select(cells, rows)
        except UNREADABLE as e:
            raise unreadable(self.path, e) from e
        return cells


def each_sheet(path: str | Path, skip: Container[str] = ()) -> Iterator[SheetCells]:
    """The worksheets of the .xlsx at ``path`` one at a time, as ``read_cells`` reads them,
    but for those named in ``skip``: a caller that is done with a sheet before the next
    one holds one sheet in memory, not the workbook."""
    with CellReader(path) as book:
        for name, member in book.parts:
            if member is not None and name not in skip:
                yield book.read_part(name, member)


def worksheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet of an open .xlsx, in workbook order."""
    book = parse(zf.open("xl/workbook.xml")).getroot()
    return [(name, member) for name, member in _sheets(zf, book) if member is not None]


def _sheets(zf: zipfile.ZipFile, book) -> list[tuple[str, str | None]]:  # noqa: ANN001
    """Every sheet's name and its worksheet part (None for a chart sheet or a missing part)."""
    names = set(zf.namelist())
    targets = _relationships(zf, "xl/_rels/workbook.xml.rels", "xl")
    out: list[tuple[str, str | None]] = []
    for sheet in book.iter(_MAIN + "sheet"):
        kind, member = targets.get(sheet.get(_REL + "id", ""), ("", ""))
        worksheet = kind.endswith("/worksheet") and member in names
        out.append((sheet.get("name", ""), member if worksheet else None))
    return out


def _relationships(zf: zipfile.ZipFile, part: str, base: str) -> dict[str, tuple[str, str]]:
    """rId -> (relationship type, member name) of a .rels part."""
    found = {}
    for rel in parse(zf.open(part)).getroot().iter(_PKG_REL + "Relationship"):
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        found[rel.get("Id", "")] = (rel.get("Type", ""), posixpath.normpath(member))
    return found


def _shared_strings(zf: zipfile.ZipFile, names: set[str]) -> list[str]:
    if "xl/sharedStrings.xml" not in names:
        return []
    with zf.open("xl/sharedStrings.xml") as fh:
        data = fh.read()
    fast = _plain_strings(data)
    if fast is not None:
        return fast
    root = parse(io.BytesIO(data)).getroot()
    return [_text(si) for si in root.iter(_MAIN + "si")]


def _plain_strings(data: bytes) -> list[str] | None:
    """The shared strings by one pattern, where every item is one plain ``<t>`` (what
    xlsxwriter writes, and Excel without rich text); None: the XML parser reads them.
    A 500-company model has some 100,000 of them: the parser took a second."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = text[:4096]
    if re.search(r'encoding="(?!utf-8")', head, re.I) or _PREFIXED_SST.search(head):
        return None
    if "<!--" in text or "<![CDATA[" in text or "<sst" not in head:
        return None
    found = _STRING_ITEM.findall(text)
    if len(found) != text.count("<si") or len(found) != text.count("<t"):
        return None  # rich text, phonetic runs, another shape
    return [plain(t) if t else t for t in found]


_STRING_ITEM = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>|<si><t/></si>')
_PREFIXED_SST = re.compile(r"<\w+:sst\b")


def _text(element) -> str:  # noqa: ANN001 - an XML element holding <t> or rich-text runs
    """A string item's text without its formatting or phonetic hints (openpyxl's content)."""
    parts = [element.findtext(_T) or ""]
    parts += [run.findtext(_T) or "" for run in element.iter(_R)]
    return "".join(parts)


def _date_styles(zf: zipfile.ZipFile, names: set[str]) -> tuple[set[int], set[int]]:
    """The cell style indices whose number format shows a date, and a duration."""
    if "xl/styles.xml" not in names:
        return set(), set()
    root = parse(zf.open("xl/styles.xml")).getroot()
    custom = {
        int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
        for fmt in root.iter(_MAIN + "numFmt")
    }
    dates, durations = set(), set()
    xfs = root.find(_MAIN + "cellXfs")
    for index, xf in enumerate([] if xfs is None else xfs.iter(_MAIN + "xf")):
        number = int(xf.get("numFmtId", "0"))
        if number not in custom and number not in _BUILTIN_DATES:
            continue  # the other built-in formats are numbers, text or General
        code = custom.get(number)
        if code is not None and not _DATE_LETTER.search(_LITERALS.sub("", code.split(";")[0])):
            continue  # no date letter outside quotes, escapes and brackets: not a date
        # a date or time, perhaps: openpyxl's rules (imported only for such a workbook)
        from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format

        code = code or builtin_format_code(number)
        if code and is_date_format(code):
            dates.add(index)
        if code and is_timedelta_format(code):
            durations.add(index)
    return dates, durations


#: built-in number formats that show dates or times (ECMA-376 18.8.30); their codes and the
#: rules for a custom format are openpyxl's, imported only for a workbook that has them, so
#: that verify and diff do not load openpyxl for a modelgen workbook (issue 26)
_BUILTIN_DATES = frozenset([*range(14, 23), 45, 46, 47])
_LITERALS = re.compile(r'"[^"]*"|\\.|[_*].|\[(?!h+\]|m+\]|s+\])[^\]]*\]')
_DATE_LETTER = re.compile(r"[dmhysDMHYS]")


def stream_rows(fh) -> Iterator:  # noqa: ANN001 - a binary file
    """Each complete ``<row>`` element of a worksheet part, streamed by expat through the C
    ElementTree (defusedxml's parser is pure Python, three times slower; what it guards
    against needs a document type declaration, which check_xlsx has refused in every part)."""
    parser = XMLPullParser(
        ("end",), _parser=_elementtree.XMLParser(target=_elementtree.TreeBuilder())
    )
    while chunk := fh.read(1 << 16):
        parser.feed(chunk)
        for _, el in parser.read_events():
            if el.tag == _ROW:
                yield el
    parser.close()
    for _, el in parser.read_events():
        if el.tag == _ROW:
            yield el


def _read_sheet(fh, cells: SheetCells, strings, dates, durations, epoch, texts=False) -> None:  # noqa: ANN001
    """Each ``<row>`` once it is complete: its cells, then it is dropped from memory."""
    values, formulas = cells.values, cells.formulas
    shared: dict[str, tuple[str, str]] = {}  # a shared formula's id -> (its text, its cell)
    columns: dict[str, int] = {}
    row = 0
    for el in stream_rows(fh):
        row = int(el.get("r") or row + 1)
        col = 0
        for c in el.iter(_C):
            ref = c.get("r")
            if ref:
                i = len(ref.rstrip("0123456789"))
                letters = ref[:i]
                col = columns.get(letters) or columns.setdefault(letters, _column(letters))
            else:
                col += 1
            kind = c.get("t", "n")
            f = c.find(_F)
            if f is not None:
                formulas.add((row, col))
                if not cells.valued and (c.findtext(_V) or kind == "str"):
                    cells.valued = True
                if texts:
                    cells.texts[row, col] = _formula_text(f, ref or _ref(row, col), shared)
            if kind == "inlineStr":
                inline = c.find(_IS)
                value = None if inline is None else _text(inline)
            else:
                value = c.findtext(_V) or None
                if value is not None:
                    style = int(c.get("s", 0))
                    value = _convert(value, kind, style, strings, dates, durations, epoch)
            if value is not None:
                values[row, col] = value
        el.clear()


def _scan_sheet(fh, cells: SheetCells, strings, dates, durations, epoch, texts=False) -> None:  # noqa: ANN001
    """:func:`_read_sheet`'s result by :func:`modelgen.xlsx.sheet_scan.scan_cells`."""
    shared: dict[str, tuple[str, str]] = {}
    columns: dict[str, int] = {}
    for found in scan_cells(fh):
        _read_found(found, cells, strings, dates, durations, epoch, texts, shared, columns)


def _read_found(
    found, cells: SheetCells, strings, dates, durations, epoch, texts, shared, columns
) -> None:  # noqa: ANN001
    """Cells as :func:`modelgen.xlsx.sheet_scan.scan_cells` found them, into ``cells``."""
    values, formulas = cells.values, cells.formulas
    for letters, number, style, kind, f, text, attrs, attrs2, text2, value in found:
        col = columns.get(letters) or columns.setdefault(letters, _column(letters))
        row = int(number)
        kind = kind or "n"
        if f:
            formulas.add((row, col))
            if not cells.valued and (value or kind == "str"):
                cells.valued = True
            if texts:
                formula = Formula(attrs or attrs2, text or text2)
                cells.texts[row, col] = _formula_text(formula, letters + number, shared)
        if not value:
            continue
        style_index = int(style) if style else 0
        if kind == "n" and style_index not in dates:  # most cells: a number, inline
            dot = "." in value or "e" in value or "E" in value
            values[row, col] = float(value) if dot else int(value)
        elif kind == "s":
            values[row, col] = strings[int(value)]
        else:
            if "&" in value or "\r" in value:
                value = plain(value)
            values[row, col] = _convert(value, kind, style_index, strings, dates, durations, epoch)


def _scan_selected(
    fh, cells: SheetCells, rows, strings, dates, durations, epoch, texts=False
) -> None:  # noqa: ANN001
    """:meth:`CellReader.read` with ``rows``: what :func:`_select` keeps of the whole sheet.

    A modelgen sheet is mostly formulas; only its value cells (keys, labels, typed numbers)
    and a few whole rows are wanted. Each value cell is found by its ``"><v>`` (``str.find``
    skips the formula cells without a look at each), then read by the cell pattern; the
    whole rows are read by :func:`_scan_sheet`'s pattern. A value anywhere else (an inline
    string, a cell of another shape) raises NotPlain: the caller reads the sheet whole."""
    values, formulas = cells.values, cells.formulas
    shared: dict[str, tuple[str, str]] = {}
    columns: dict[str, int] = {}
    for text in chunks(fh):
        if "<is>" in text:
            raise NotPlain("an inline string")
        whole: list[int] = []  # where the whole rows' column A cells start
        find, rfind, match = text.find, text.rfind, _VALUE_CELL.match
        found = 0
        at = find('"><v>')
        while at >= 0:
            start = rfind("<c ", 0, at)
            m = match(text, start)
            if m is None or m.start(5) != at + 5:
                raise NotPlain("a value cell in another shape")
            found += 1
            letters, number, style, kind, value = m.groups()
            at = find('"><v>', m.end())
            if not value:
                continue
            kind = kind or "n"
            style_index = int(style) if style else 0
            if kind == "n" and style_index not in dates:
                dot = "." in value or "e" in value or "E" in value
                value = float(value) if dot else int(value)
            elif kind == "s":
                value = strings[int(value)]
            else:
                if "&" in value or "\r" in value:
                    value = plain(value)
                value = _convert(value, kind, style_index, strings, dates, durations, epoch)
            col = columns.get(letters) or columns.setdefault(letters, _column(letters))
            values[int(number), col] = value
            if col == 1 and isinstance(value, str) and value.strip() and rows(value.strip()):
                whole.append(start)
        if text.count("<v") != found + text.count("</f><v") + text.count("/><v"):
            raise NotPlain("a value in another shape")
        if not cells.has_formulas and ("<f>" in text or "<f " in text):
            cells.has_formulas = True
        if cells.has_formulas and not cells.valued and _VALUED.search(text):
            cells.valued = True
        whole += [m.start() for m in _FORMULA_IN_A.finditer(text)]  # its key is its text
        for start in whole:
            start, end = rfind("<row", 0, start), find("</row>", start)
            if start < 0 or end < 0:
                raise NotPlain("a cell outside a row")
            found_row = CELL_PATTERN.findall(text, start, end)
            if len(found_row) != text.count("<c ", start, end) + text.count("<c>", start, end):
                raise NotPlain("a cell in another shape")
            row = SheetCells(cells.name)  # its own flags: the sheet's are set above
            _read_found(found_row, row, strings, dates, durations, epoch, texts, shared, columns)
            values.update(row.values)
            formulas.update(row.formulas)
            cells.texts.update(row.texts)


#: a cell holding a value and no formula, in the shape ``_CELL`` reads
_VALUE_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="([a-zA-Z]+)")?><v>([^<]*)</v></c>'
)
#: a formula with a cached value (or a text result): the workbook was calculated
_VALUED = re.compile(r'</f><v>[^<]|<f [^>]*/><v>[^<]|t="str"><f')
_FORMULA_IN_A = re.compile(r'<c r="A\d+"(?: s="\d+")?(?: t="[a-zA-Z]+")?><f')


def _select(whole: SheetCells, rows: Callable[[str], bool]) -> SheetCells:
    """What :meth:`CellReader.read` keeps of a sheet read whole, given ``rows``."""
    out = SheetCells(whole.name, valued=whole.valued, has_formulas=bool(whole.formulas))
    kept = {n for n, c in whole.formulas if c == 1}  # a formula in A: its key is its text
    for (n, c), value in whole.values.items():
        if c == 1 and isinstance(value, str) and value.strip() and rows(value.strip()):
            kept.add(n)
    for (n, c), value in whole.values.items():
        if n in kept or (n, c) not in whole.formulas:
            out.values[n, c] = value
    out.formulas = {(n, c) for n, c in whole.formulas if n in kept}
    out.texts = {(n, c): t for (n, c), t in whole.texts.items() if n in kept}
    return out


def _formula_text(f, ref: str, shared: dict[str, tuple[str, str]]) -> str:  # noqa: ANN001
    """``"=" + text``; a cell sharing another's formula (Excel writes ``<f t="shared"
    si="0"/>``) gets the first cell's formula moved to it, as openpyxl does."""
    text = f.text or ""
    if f.get("t") == "shared":
        si = f.get("si", "")
        if text:
            shared[si] = (text, ref)
        elif si in shared:
            from openpyxl.formula.translate import Translator

            first, origin = shared[si]
            return Translator("=" + first, origin=origin).translate_formula(ref)
    return "=" + text


def _convert(text: str, kind: str, style: int, strings, dates, durations, epoch) -> object:  # noqa: ANN001
    if kind == "n":
        number = float(text) if any(ch in text for ch in ".eE") else int(text)
        if style in dates:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

            start = CALENDAR_MAC_1904 if epoch == 1904 else CALENDAR_WINDOWS_1900
            try:
                return from_excel(number, start, timedelta=style in durations)
            except (OverflowError, ValueError):
                return ErrorValue("#VALUE!")
        return number
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "e":
        return ErrorValue(text)
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601

        return from_ISO8601(text)
    return text  # "str": a formula's text result


def _ref(row: int, col: int) -> str:
    from modelgen.formulas.addresses import col_letter

    return f"{col_letter(col - 1)}{row}"


def _column(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index
