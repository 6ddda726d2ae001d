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

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from modelgen.sheets import SheetName
from modelgen.xlsx.aside import aside
from modelgen.xlsx.cached_values import NO_VALUES
from modelgen.xlsx.cells import CellReader, WorkbookCells, read_cells
from modelgen.xlsx.read_by_key import KeyedSheet, keyed_sheet, read_keyed
from modelgen.xlsx.record import SHEET as RECORD
from modelgen.xlsx.record import read_provenance

__all__ = ["Shown", "open_for_values", "recalculated", "shown_values"]


@dataclass
class Shown:
    """What diff compares of a workbook: its sheets' names, its contract sheets by key
    (only the cells that hold something) and the inputs its record lists."""

    sheetnames: list[str]
    keyed: dict[str, KeyedSheet]
    inputs: set[tuple[str, str, str]]

    @classmethod
    def of(cls, cells: WorkbookCells) -> Shown:
        return cls(list(cells.sheetnames), read_keyed(cells, sparse=True), _inputs(cells))


def shown_values(old: Path, new: Path) -> tuple[Shown, Shown, str | None]:
    """``old`` and ``new`` as diff compares them, and the note of ``open_for_values``. A
    workbook with cached values is read a sheet at a time, each sheet taken by key and let
    go, so a large workbook is never held whole; one without cached values has both
    recalculated (``open_for_values``)."""
    a, b = _both_shown(old, new)
    if a is not None and b is not None:
        return a, b, None
    old_cells, new_cells, note = open_for_values(old, new)
    return Shown.of(old_cells), Shown.of(new_cells), note


def _both_shown(old: Path, new: Path) -> tuple[Shown | None, Shown | None]:
    """``_shown`` of each workbook, the two read at once (:mod:`modelgen.xlsx.aside`):
    ``old`` in a forked process while this one reads ``new``, since reading is most of
    diff's time. A broken ``old`` is reported before a broken ``new``, as read in turn."""
    with aside(_shown, old) as other:
        try:
            b = _shown(new)
        except BaseException:
            other.result()  # old's error first
            raise
        return other.result(), b


def _shown(path: Path) -> Shown | None:
    """``path`` as diff compares it, read sheet by sheet; None when it has formulas and
    not one cached value (it must be recalculated)."""
    keyed: dict[str, KeyedSheet] = {}
    record = WorkbookCells([], {})
    formulas = valued = False
    with CellReader(path) as book:
        record.sheetnames = book.sheetnames
        for name, member in book.parts:
            if member is None:
                continue
            cells = book.read_part(name, member)
            formulas, valued = formulas or bool(cells.formulas), valued or cells.valued
            if name == RECORD:
                record.sheets[name] = cells
            elif name != SheetName.COVER:
                sheet = keyed_sheet(name, cells, sparse=True)
                if sheet is not None:
                    keyed[name] = sheet
    if formulas and not valued:
        return None
    return Shown(record.sheetnames, keyed, _inputs(record))


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
