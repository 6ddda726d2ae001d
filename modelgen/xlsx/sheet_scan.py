"""The fast path of :mod:`modelgen.xlsx.cells`: a worksheet part's cells by one pattern.

A worksheet's ``<sheetData>`` is the plainest XML there is: rows of cells, each with a few
attributes and at most a formula and a value. Building an element per cell (ElementTree,
even in C) cost most of ``verify``'s and ``diff``'s reading time; one regular expression
over the decoded text, ``findall`` a megabyte at a time cut at a ``</row>``, hands back
every cell's parts as strings, in constant memory, about twice as fast in all (the rest
is the per-cell work both ways share). lxml was tried and is not used: its per-element
cost from Python is ElementTree's, and openpyxl reads and writes differently when lxml is
installed (tests/integration/test_cached_values.py's openpyxl copy then diffs).

It reads cells in the shape xlsxwriter, Excel and LibreOffice write them: ``r``, then
``s``, then ``t``; at most a formula and a value; UTF-8, the main namespace unprefixed.
A chunk in which the pattern does not find every ``<c`` (an inline string, attributes in
another order), a part with comments or CDATA, or one that does not end as a worksheet
raises :class:`NotPlain`, and the caller reads that part with the ElementTree reader
(tests/integration/test_sheet_scan.py holds the two to each other). The part has passed
``check_xlsx``: no document type declaration, so the only entities are XML's five and
character references, which :func:`html.unescape` resolves alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import IO

__all__ = ["CELL_PATTERN", "Formula", "NotPlain", "chunks", "plain", "scan_cells"]

CHUNK = 1 << 20
#: a cell as xlsxwriter, Excel and LibreOffice write it: r, then s, then t; then at most a
#: formula (plain, shared or array) and a value; groups: column letters, row, style, type,
#: "<f" when there is a formula, its text, its attributes (self-closed), its attributes and
#: text, the value
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="([a-zA-Z]+)")?'
    r"(?:/>|>(?:(<f)(?:>([^<]*)</f>| ([^>]*?)/>| ([^>]*)>([^<]*)</f>))?"
    r"(?:<v>([^<]*)</v>|<v/>)?</c>)"
)
CELL_PATTERN = _CELL  # for a reader that reads a row's cells by the same pattern
_PREFIXED = re.compile(r"<\w+:worksheet\b")


class NotPlain(Exception):
    """A part the pattern does not read; the ElementTree reader reads it."""


class Formula:
    """A ``<f>`` as the formula-text reader asks for it: its ``text`` and ``get(attr)``."""

    __slots__ = ("attrs", "text")

    def __init__(self, attrs: str, text: str) -> None:
        self.text = plain(text) if text else None
        self.attrs = attrs

    def get(self, name: str, default: str | None = None) -> str | None:
        if not self.attrs:  # most formulas: <f>text</f>
            return default
        return dict(_ATTR.findall(self.attrs)).get(name, default)


_ATTR = re.compile(r'([\w:]+)="([^"]*)"')


def plain(text: str) -> str:
    """XML text as a parser gives it: entities resolved, line ends normalised."""
    if "&" in text:
        if "&#" in text:
            text = unescape(text)
        else:  # XML's five named entities; &amp; last, so that "&amp;lt;" stays "&lt;"
            for entity, char in _ENTITIES:
                text = text.replace(entity, char)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def chunks(fh: IO[bytes]) -> Iterator[str]:
    """The part's text up to the last complete ``</row>``, a megabyte at a time."""
    head = fh.read(CHUNK)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
        raise NotPlain("UTF-16")
    first = head[:4096].decode("utf-8", errors="replace")
    if _PREFIXED.search(first) or re.search(r'encoding="(?!utf-8")', first, re.I):
        raise NotPlain("prefixed or not UTF-8")
    pending = head
    while True:
        more = fh.read(CHUNK)
        if not more:
            break
        pending += more
        cut = pending.rfind(b"</row>")
        if cut < 0:
            continue
        cut += len(b"</row>")
        yield _checked(pending[:cut])
        pending = pending[cut:]
    if not re.search(rb"</(\w+:)?worksheet>\s*$", pending):
        raise NotPlain("truncated")  # the ElementTree reader says what is wrong
    yield _checked(pending)


def _checked(data: bytes) -> str:
    if b"<!--" in data or b"<![CDATA[" in data:
        raise NotPlain("comments or CDATA")
    return data.decode("utf-8")


Cell = tuple[str, str, str, str, str, str, str, str, str, str]


def scan_cells(fh: IO[bytes]) -> Iterator[list[Cell]]:
    """The part's cells, a megabyte at a time, each as ``_CELL``'s groups; NotPlain when a
    cell is not in that shape (an inline string, attributes in another order, no ``r``)."""
    for text in chunks(fh):
        found = _CELL.findall(text)
        if len(found) != text.count("<c ") + text.count("<c>"):
            raise NotPlain("a cell in another shape")
        yield found
