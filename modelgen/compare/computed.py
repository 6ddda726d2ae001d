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
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.workbook import Workbook

from modelgen.xlsx.cached_values import NO_VALUES, lacks_computed_values
from modelgen.xlsx.open_safely import open_workbook

__all__ = ["open_for_values", "recalculated"]


def open_for_values(old: Path, new: Path) -> tuple[Workbook, Workbook, str | None]:
    """``old`` and ``new`` opened for their values (what ``read_keyed`` reads), and a note
    saying which engine recalculated them, or None when both carry cached values."""
    blind = [str(p) for p in (old, new) if lacks_computed_values(p)]
    if not blind:
        return open_workbook(old, data_only=True), open_workbook(new, data_only=True), None
    engine, (a, b) = recalculated([old, new])
    who = f"{blind[0]} has" if len(blind) == 1 else f"{blind[0]} and {blind[1]} have"
    done = f"both workbooks were recalculated by {engine} and compared on its results"
    return a, b, f"{who} {NO_VALUES}: {done}"


def recalculated(paths: list[Path], engine: str | None = None) -> tuple[str, list[Workbook]]:
    """Each workbook with every formula cell holding what ``engine`` computes, and the
    engine's name. ``engine``: ``ironcalc``, ``libreoffice``, or None for IronCalc when it
    is installed, else LibreOffice."""
    from modelgen.engine.libreoffice import EngineMissingError

    if engine in (None, "ironcalc"):
        try:
            return _by_ironcalc(paths)
        except EngineMissingError:
            if engine is not None:
                raise
    return _by_libreoffice(paths)


def _by_ironcalc(paths: list[Path]) -> tuple[str, list[Workbook]]:
    """IronCalc's values, as a plain openpyxl workbook per path: its cells hold what
    IronCalc computed (formula results and constants alike), which is all read_keyed reads;
    much faster than filling them into the workbook opened by openpyxl."""
    from modelgen.engine import ironcalc

    books = []
    for path in paths:
        source = open_workbook(path, data_only=True, read_only=True)  # broken: say so
        names = source.sheetnames
        source.close()
        values = ironcalc.recalculate(path)
        wb = Workbook()
        wb.remove(wb.active)
        sheets = {name: wb.create_sheet(name) for name in names}
        for (sheet, coordinate), value in values.items():
            if sheet in sheets:
                _set(sheets[sheet][coordinate], value)
        books.append(wb)
    return ironcalc.NAME, books


def _set(cell, value: object) -> None:  # noqa: ANN001 - an openpyxl cell
    try:
        cell.value = value
    except IllegalCharacterError:  # a computed control character: dropped on both sides alike
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _by_libreoffice(paths: list[Path]) -> tuple[str, list[Workbook]]:
    """One LibreOffice run for all; copies under distinct names, since its outputs are
    named after its inputs (two quarters' `capex_model.xlsx` in different folders)."""
    from modelgen.engine.libreoffice import NAME, recalculate_many

    with tempfile.TemporaryDirectory(prefix="modelgen-diff-") as tmp:
        copies = []
        for number, path in enumerate(paths):
            open_workbook(path, data_only=True, read_only=True).close()  # broken: say so
            copies.append(Path(tmp, f"workbook{number}.xlsx"))
            shutil.copyfile(path, copies[-1])
        outputs = recalculate_many(copies, Path(tmp, "recalculated"))
        return NAME, [open_workbook(out, data_only=True) for out in outputs]
