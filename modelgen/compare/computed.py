"""The values diff compares: the cached ones, or an engine's where a workbook has none.

diff compares what two workbooks show, their cached values. A workbook saved by a program
that does not calculate has none (:mod:`modelgen.xlsx.cached_values`), so every output
would read as changed from empty. Then *both* workbooks are recalculated by one engine,
IronCalc in process when it is installed, else LibreOffice, and compared on what it
computes: like with like, so that an engine's edge cases cannot pass for changes, and a
workbook diffed against its own openpyxl-saved copy shows nothing. The report says so in
one line.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from modelgen.sheets import SheetName
from modelgen.xlsx.aside import streamed
from modelgen.xlsx.cached_values import NO_VALUES, lacks_computed_values
from modelgen.xlsx.cells import CellReader, WorkbookCells, read_cells
from modelgen.xlsx.read_by_key import KeyedSheet, keyed_sheet, read_keyed
from modelgen.xlsx.record import SHEET as RECORD
from modelgen.xlsx.record import read_provenance

__all__ = ["Compared", "Side", "compared", "open_for_values", "recalculated"]


@dataclass
class Side:
    """A workbook as diff reads it before its sheets: every sheet's name, the inputs its
    record lists, and ``worksheets``, the sheets whose rows follow (all but charts, the
    Cover and the record), in workbook order."""

    sheetnames: list[str]
    inputs: set[tuple[str, str, str]]
    worksheets: list[str]


#: a worksheet's name and its rows by key (None: not a contract sheet)
Sheet = tuple[str, KeyedSheet | None]


@dataclass
class Compared:
    """The two workbooks as diff compares them, and the note of ``open_for_values`` (None
    when they are compared on their cached values). ``pairs``: each worksheet of NEW with
    OLD's of the same name (None where that workbook lacks it), then OLD's others."""

    old: Side
    new: Side
    note: str | None
    pairs: Iterator[tuple[str, KeyedSheet | None, KeyedSheet | None]]


@contextlib.contextmanager
def compared(old: Path, new: Path) -> Iterator[Compared]:
    """``old`` and ``new`` as diff compares them, for the ``with`` block.

    Workbooks with cached values are read a sheet at a time and in step: ``old`` in a
    forked process (:mod:`modelgen.xlsx.aside`) while this one reads ``new``, each pair
    of sheets handed over as soon as both are read and let go once compared, so neither
    workbook is ever held whole and both are read on two cores. Where one has no cached
    values, both are recalculated (``open_for_values``). A broken ``old`` is named first."""
    if lacks_computed_values(old) or lacks_computed_values(new):  # in turn: old's error first
        a, b, note = open_for_values(old, new)
        (side_old, theirs), (side_new, mine) = _whole(a), _whole(b)
        yield Compared(side_old, side_new, note, _paired(side_old, iter(theirs), iter(mine)))
        return
    with streamed(_read, old) as reading:
        theirs, mine = iter(reading), _read(new)
        side_old, side_new = next(theirs), next(mine)
        assert isinstance(side_old, Side) and isinstance(side_new, Side)
        pairs = _paired(side_old, theirs, mine)  # type: ignore[arg-type]
        yield Compared(side_old, side_new, None, pairs)


def _read(path: Path) -> Iterator[Side | Sheet]:
    """``path``'s ``Side`` (its record is read first), then each of its worksheets by key
    (only the cells that hold something), one at a time."""
    with CellReader(path) as book:
        record = WorkbookCells(book.sheetnames, {})
        cells = book.read(RECORD)
        if cells is not None:
            record.sheets[RECORD] = cells
        del cells
        parts = [(n, m) for n, m in book.parts if m is not None and n not in _NOT_COMPARED]
        yield Side(book.sheetnames, _inputs(record), [n for n, _ in parts])
        for name, member in parts:
            yield name, keyed_sheet(name, book.read_part(name, member), sparse=True)


_NOT_COMPARED = (RECORD, SheetName.COVER)


def _whole(cells: WorkbookCells) -> tuple[Side, list[Sheet]]:
    """A workbook read whole (``open_for_values``) as ``_read`` reads one."""
    keyed = read_keyed(cells, sparse=True)
    names = [n for n in cells.sheets if n not in _NOT_COMPARED]
    side = Side(list(cells.sheetnames), _inputs(cells), names)
    return side, [(n, keyed.get(n)) for n in names]


def _paired(
    old: Side, theirs: Iterator[Sheet], mine: Iterator[Sheet]
) -> Iterator[tuple[str, KeyedSheet | None, KeyedSheet | None]]:
    """Each of NEW's sheets (``mine``) with OLD's of that name, then OLD's others. OLD's
    come in its own order: one asked for out of that order waits here until taken."""
    waiting: dict[str, KeyedSheet | None] = {}
    for name, b in mine:
        if name not in old.worksheets:
            yield name, None, b
            continue
        while name not in waiting:
            found, sheet = next(theirs)
            waiting[found] = sheet
        yield name, waiting.pop(name), b
        del b  # let go before the next sheet is read
    for name, a in [*waiting.items(), *theirs]:
        yield name, a, None


def _inputs(cells: WorkbookCells) -> set[tuple[str, str, str]]:
    """The inputs the workbook's record lists (none without a record)."""
    prov = read_provenance(cells)
    return set() if prov is None else set(prov.inputs)


def open_for_values(old: Path, new: Path) -> tuple[WorkbookCells, WorkbookCells, str | None]:
    """``old`` and ``new`` read for their values (what ``read_keyed`` reads), and a note
    saying which engine recalculated them, or None when both carry cached values."""
    read = [read_cells(old), read_cells(new)]  # once each; a workbook with values is done
    blind = [
        str(p) for p, cells in zip((old, new), read, strict=True) if cells.lacks_computed_values()
    ]
    if not blind:
        return read[0], read[1], None
    engine, (a, b) = recalculated([old, new], read=read)
    who = f"{blind[0]} has" if len(blind) == 1 else f"{blind[0]} and {blind[1]} have"
    done = f"both workbooks were recalculated by {engine} and compared on its results"
    return a, b, f"{who} {NO_VALUES}: {done}"


def recalculated(
    paths: list[Path], engine: str | None = None, read: list[WorkbookCells] | None = None
) -> tuple[str, list[WorkbookCells]]:
    """Each workbook's cells holding what ``engine`` computes, and the engine's name.
    ``engine``: ``ironcalc``, ``libreoffice``, or None for IronCalc when it is installed,
    else LibreOffice; ``read``: the workbooks as the caller has read them already."""
    from modelgen.engine.libreoffice import EngineMissingError

    if engine in (None, "ironcalc"):
        try:
            return _by_ironcalc(paths, read)
        except EngineMissingError:
            if engine is not None:
                raise
    return _by_libreoffice(paths)


def _by_ironcalc(
    paths: list[Path], read: list[WorkbookCells] | None = None
) -> tuple[str, list[WorkbookCells]]:
    """IronCalc's values in place of each workbook's cached ones (read first: a broken file
    is named as such before IronCalc is asked to load it)."""
    from modelgen.engine import ironcalc

    read = read or [read_cells(p) for p in paths]
    return ironcalc.NAME, [
        cells.with_values(ironcalc.recalculate(p)) for p, cells in zip(paths, read, strict=True)
    ]


def _by_libreoffice(paths: list[Path]) -> tuple[str, list[WorkbookCells]]:
    """One LibreOffice run for all; copies under distinct names, since its outputs are
    named after its inputs (two quarters' `capex_model.xlsx` in different folders)."""
    from modelgen.engine.libreoffice import NAME, recalculate_many

    with tempfile.TemporaryDirectory(prefix="modelgen-diff-") as tmp:
        copies = []
        for number, path in enumerate(paths):
            read_cells(path)  # a broken file: say so before LibreOffice is started
            copies.append(Path(tmp, f"workbook{number}.xlsx"))
            shutil.copyfile(path, copies[-1])
        outputs = recalculate_many(copies, Path(tmp, "recalculated"))
        return NAME, [read_cells(out) for out in outputs]
