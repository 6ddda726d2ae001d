"""Open an .xlsx workbook safely, or say plainly why not.

modelgen reads workbooks it did not necessarily write: an analyst's edited copy of last
quarter's model, a file mailed around, LibreOffice's recalculated output. Before openpyxl
sees a byte, the file is checked from the outside in:

1. it exists and is a regular file;
2. it is a zip (an old binary ``.xls`` or a password-protected workbook is an OLE2
   compound file; each gets its own message saying what to do);
3. the zip's central directory is intact, and its *declared* sizes are within caps —
   a compression ratio above ``max_ratio`` (100) on a member larger than
   ``ratio_floor_bytes`` is taken for a zip bomb (XML deflates 10 to 50 times: a
   500-company model's largest part 44 times), and the total and per-member uncompressed
   size may not exceed half the machine's memory (a legal workbook's parts are bounded
   only by Excel's grid, far beyond any machine; modelgen streams worksheets, keeping some
   2.5 bytes per byte of XML at most, so what fits in half the memory can be read). Nothing
   is decompressed for this; Python's zipfile never inflates a member past its declared
   size, so the declared sizes bound what any reader can be handed;
4. it has ``xl/workbook.xml``;
5. no XML part has a document type declaration (``<!DOCTYPE``): the prolog of every
   ``.xml``/``.rels``/``.vml`` part is read and anything but the XML declaration, processing
   instructions, comments and blanks before the root element is refused. This rules out
   entity expansion ("billion laughs") and external entities whatever parser runs later.
   On top, openpyxl 3.1 parses with defusedxml when it is installed (it is a dependency),
   and ``defusedxml.defuse_stdlib()`` is applied once as a further belt;
6. no worksheet claims (in ``<dimension ref>``) more than Excel's own grid
   (1,048,576 rows x 16,384 columns) or more than ``max_sheet_cells`` cells: as many as
   the machine's memory holds at ``BYTES_PER_CELL`` each (a read cell costs about 200
   bytes), some 90 million on 22 GB, where the 500-company quarterly model's largest sheet
   has a few million.

The caps follow the machine, not a flat number, so that every workbook modelgen writes,
modelgen reads (issue 26: a flat 200 MB refused the 500-company model's 227 MB).

Every failure, including any exception openpyxl raises while loading, becomes an
:class:`UnsafeWorkbookError` whose message names the file, says what is wrong and what to do.
"""

from __future__ import annotations

import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError

if TYPE_CHECKING:  # openpyxl loads only when a workbook is opened with it
    from openpyxl.workbook.workbook import Workbook

__all__ = ["Limits", "UnsafeWorkbookError", "check_xlsx", "machine_memory", "open_workbook"]

MB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
BYTES_PER_CELL = 256  # what reading one cell may cost in memory, with room to spare
MAX_RATIO = 100.0  # deflated XML shrinks 10 to 50 times; a hundred and more is a bomb
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OPENPYXL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
_PROLOG_WINDOW = 64 * 1024
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"'
)


class UnsafeWorkbookError(ModelgenError, ValueError):
    """A workbook that cannot, or should not, be opened; the message is for the user."""

    exit_code = EXIT_BAD_INPUT


def machine_memory() -> int:
    """The machine's physical memory in bytes (8 GiB where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 1024 * MB


def _memory_bytes() -> int:
    return machine_memory() // 2


def _memory_cells() -> int:
    return min(machine_memory() // BYTES_PER_CELL, EXCEL_MAX_ROWS * EXCEL_MAX_COLS)


@dataclass(frozen=True)
class Limits:
    """Caps applied before a workbook is parsed. See the module docstring for the reasons."""

    max_total_bytes: int = field(default_factory=_memory_bytes)
    max_member_bytes: int = field(default_factory=_memory_bytes)
    max_ratio: float = MAX_RATIO
    ratio_floor_bytes: int = 1 * MB
    max_members: int = 10_000
    max_sheet_cells: int = field(default_factory=_memory_cells)


def _fail(path: Path, what: str, todo: str) -> UnsafeWorkbookError:
    return UnsafeWorkbookError(f"{path}: {what}. {todo}")


def _ole2_is_encrypted(path: Path) -> bool:
    """An encrypted OOXML package is an OLE2 file with EncryptionInfo/EncryptedPackage streams.

    Stream names sit in the compound file's directory as UTF-16LE; scan for them in chunks.
    """
    needles = [n.encode("utf-16-le") for n in ("EncryptionInfo", "EncryptedPackage")]
    overlap = max(len(n) for n in needles)
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(4 * MB):
            block = tail + chunk
            if any(n in block for n in needles):
                return True
            tail = block[-overlap:]
    return False


def _not_a_zip(path: Path) -> UnsafeWorkbookError:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE2_MAGIC:
        if _ole2_is_encrypted(path):
            return _fail(
                path,
                "is password protected (an encrypted workbook)",
                "Open it in Excel, remove the password (File > Info > Protect Workbook > "
                "Encrypt with Password, clear it), save, and try again",
            )
        return _fail(
            path,
            "is an old binary Excel file (.xls), not an .xlsx workbook",
            "Open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)",
        )
    if head.startswith(b"PK"):
        return _fail(
            path,
            "is a damaged or incomplete zip archive (truncated or corrupt)",
            "Copy or download the file again, or re-save it from Excel as .xlsx",
        )
    return _fail(path, "is not an xlsx workbook", "Give the path of an Excel .xlsx file")


def _prolog_has_doctype(head: bytes) -> bool | None:
    """True if the XML prolog declares a DTD; None if it cannot be judged in this window."""
    if head.startswith(b"\xef\xbb\xbf"):
        text = head[3:].decode("utf-8", errors="replace")
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
        enc = (
            "utf-16"
            if head[:2] in (b"\xff\xfe", b"\xfe\xff")
            else ("utf-16-le" if head[:1] == b"<" else "utf-16-be")
        )
        text = head[: len(head) // 2 * 2].decode(enc, errors="replace")
    else:
        text = head.decode("utf-8", errors="replace")
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if pos >= n:
            return None
        if text.startswith("<?", pos):
            end, close = text.find("?>", pos), 2
        elif text.startswith("<!--", pos):
            end, close = text.find("-->", pos), 3
        elif text.startswith("<!", pos):
            return True  # <!DOCTYPE (and with it any <!ENTITY)
        else:
            return False  # the root element (or not XML at all: not our concern here)
        if end < 0:
            return None
        pos = end + close


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_dimension(path: Path, member: str, head: bytes, limits: Limits) -> None:
    m = _DIMENSION.search(head)
    if not m:
        return
    c1, r1, c2, r2 = m.groups()
    c2, r2 = c2 or c1, r2 or r1
    rows = abs(int(r2) - int(r1)) + 1
    cols = abs(_col_number(c2) - _col_number(c1)) + 1
    big = max(int(r1), int(r2)) > EXCEL_MAX_ROWS or max(_col_number(c1), _col_number(c2)) > (
        EXCEL_MAX_COLS
    )
    if big or rows * cols > limits.max_sheet_cells:
        raise _fail(
            path,
            f"worksheet part {member} claims {rows:,} rows x {cols:,} columns, more than "
            f"modelgen reads (at most {limits.max_sheet_cells:,} cells per sheet)",
            "Delete unused rows and columns (or formatting that reaches the sheet's end), "
            "save, and try again",
        )


def check_xlsx(path: str | Path, limits: Limits | None = None) -> None:
    """Check a file from the outside in (see module docstring); raise UnsafeWorkbookError."""
    path = Path(path)
    limits = limits or Limits()
    if not path.exists():
        raise _fail(path, "does not exist", "Check the path and the file name")
    if not path.is_file():
        raise _fail(path, "is not a file (a folder?)", "Give the path of an .xlsx file")
    if not zipfile.is_zipfile(path):
        raise _not_a_zip(path)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_directory(path, infos, limits)
            for info in infos:
                name = info.filename
                if not name.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                with zf.open(info) as fh:
                    head = fh.read(_PROLOG_WINDOW)
                doctype = _prolog_has_doctype(head)
                if doctype is None and len(head) >= _PROLOG_WINDOW:
                    raise _fail(
                        path,
                        f"part {name} has an XML prolog too long to check",
                        "Re-save the workbook from Excel as .xlsx",
                    )
                if doctype:
                    raise _fail(
                        path,
                        f"part {name} contains a document type declaration (<!DOCTYPE/"
                        "<!ENTITY), which Excel never writes and which can be used to attack "
                        "the reader",
                        "Do not use this file; re-save the workbook from Excel as .xlsx",
                    )
                if name.startswith("xl/worksheets/"):
                    _check_dimension(path, name, head, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as e:
        raise _fail(
            path,
            f"is a damaged zip archive ({e})",
            "Copy the file again, or re-save it from Excel as .xlsx",
        ) from e


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _fail(
            path,
            f"has {len(infos):,} parts (at most {limits.max_members:,})",
            "This is not a workbook modelgen wrote or can read",
        )
    total = 0
    for info in infos:
        size, packed = info.file_size, info.compress_size
        if info.flag_bits & 0x1:
            raise _fail(
                path,
                f"part {info.filename} is encrypted inside the zip",
                "Re-save the workbook from Excel as .xlsx without a password",
            )
        if size > limits.max_member_bytes:
            raise _fail(
                path,
                f"part {info.filename} unpacks to {size / MB:,.0f} MB "
                f"(at most {limits.max_member_bytes / MB:,.0f} MB)",
                "The workbook is too large for modelgen; remove unused data",
            )
        if size > limits.ratio_floor_bytes and size > limits.max_ratio * max(packed, 1):
            raise _fail(
                path,
                f"part {info.filename} unpacks {size / max(packed, 1):,.0f} "
                f"times its packed size: a zip bomb, not a workbook",
                "Do not use this file",
            )
        total += size
    if total > limits.max_total_bytes:
        raise _fail(
            path,
            f"unpacks to {total / MB:,.0f} MB (at most {limits.max_total_bytes / MB:,.0f} MB)",
            "The workbook is too large for modelgen; remove unused data",
        )
    if not any(i.filename == "xl/workbook.xml" for i in infos):
        raise _fail(
            path,
            "is a zip archive but not an xlsx workbook (no xl/workbook.xml)",
            "Give the path of an Excel .xlsx file",
        )


_DEFUSED = False


def _defuse() -> None:
    """Defuse the stdlib XML parsers once (openpyxl falls back to them without defusedxml)."""
    global _DEFUSED
    if not _DEFUSED:
        import defusedxml

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            defusedxml.defuse_stdlib()
        _DEFUSED = True


def open_workbook(
    path: str | Path, *, data_only: bool, read_only: bool = False, limits: Limits | None = None
) -> Workbook:
    """Check ``path`` with :func:`check_xlsx`, then load it with openpyxl.

    ``data_only=True`` gives cached values, ``False`` formula text. A ``read_only`` workbook
    keeps the file open: call ``wb.close()`` when done.
    """

    path = Path(path)
    check_xlsx(path, limits)
    # openpyxl refuses unknown suffixes by name; hand it the bytes instead (e.g. a .tmp file).
    source: str | BytesIO = str(path)
    if path.suffix.lower() not in _OPENPYXL_SUFFIXES:
        source = BytesIO(path.read_bytes())
    return load_checked(path, source, data_only=data_only, read_only=read_only)


def load_checked(
    path: Path, source: str | BytesIO, *, data_only: bool, read_only: bool = False
) -> Workbook:
    """openpyxl's workbook of `source` (the checked file `path`, or a copy of its parts),
    with the stdlib's XML parsers defused and any failure one clear message naming `path`."""
    import openpyxl

    _defuse()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\..*")
            return openpyxl.load_workbook(
                source, data_only=data_only, read_only=read_only, keep_links=False
            )
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as e:  # openpyxl raises many types; the user needs one clear message
        raise _fail(
            path,
            f"could not be read as an xlsx workbook ({type(e).__name__}: {e})",
            "Open it in Excel or LibreOffice, save it as .xlsx, and try again",
        ) from e
