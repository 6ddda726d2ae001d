"""Recalculation and comparison: a real spreadsheet engine is the judge.

modelgen writes each formula with its cached result. ``verify`` has an engine recalculate
the workbook and checks that every formula's cached value equals what the engine computes,
that no cell shows an error value and that ``check_failures`` is 0. One comparison
(``judge``) serves every recalculator: LibreOffice, headless, the default (started by
``modelgen.engine.libreoffice``, whose errors and ``find_soffice`` are re-exported here),
IronCalc and Formualizer, in process (``modelgen.engine.ironcalc``, ``.formualizer``), and
Gnumeric's ssconvert (``modelgen.engine.gnumeric``). With several, the formula cells they
compute differently are listed too.
"""

from __future__ import annotations

import contextlib
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from modelgen.engine import ENGINES, engines_of
from modelgen.engine.libreoffice import (
    NAME,
    EngineMissingError,
    RecalcError,
    find_soffice,
    recalculate_many,
)
from modelgen.formulas.addresses import CONSTANT, col_index, col_letter
from modelgen.formulas.addresses import cell as address
from modelgen.formulas.addresses import ref as sheet_ref
from modelgen.sheets import SheetName
from modelgen.words import number, plural
from modelgen.xlsx import formula_cells
from modelgen.xlsx.aside import sheets_aside
from modelgen.xlsx.cached_values import (
    NoComputedValuesError,
    lacks_computed_values,
    no_values_message,
)
from modelgen.xlsx.cells import ErrorValue, SheetCells, WorkbookCells, read_cells
from modelgen.xlsx.check_results import CheckResults
from modelgen.xlsx.open_safely import check_xlsx, open_workbook
from modelgen.xlsx.read_by_key import PERIOD_KEY, KeyedSheet, keyed_sheet, locate, read_keyed

if TYPE_CHECKING:
    from modelgen.engine.ironcalc import Recalculated

__all__ = [
    "Cached",
    "CellError",
    "Disagreement",
    "EngineMissingError",
    "EnginesReport",
    "ErrorValue",
    "Mismatch",
    "RecalcError",
    "Values",
    "VerifyReport",
    "compare",
    "disagreements",
    "find_soffice",
    "judge",
    "judge_in_process",
    "read_cached",
    "read_values",
    "verify",
    "verify_many",
]

ERROR_VALUES = frozenset(
    {"#DIV/0!", "#REF!", "#NAME?", "#VALUE!", "#N/A", "#NUM!", "#NULL!", "#GETTING_DATA"}
)
_LO_ERROR = re.compile(r"^Err:\d{3}$")


#: what an engine computed: (sheet, cell) -> value, for every cell that is not empty
Values = dict[tuple[str, str], object]


@dataclass
class Cached:
    """A workbook as written: each formula cell's cached value, by (sheet, cell)."""

    path: Path
    formulas: dict[tuple[str, str], object]
    keyed: dict[str, KeyedSheet]  # names a cell by row key and period in reports
    sheets: list[str]
    formula_cells: int = 0  # as build counts them (modelgen.xlsx.formula_cells)

    def where(self, sheet: str, cell: str) -> tuple[str | None, str | None]:
        """The row key and period of ``sheet!cell``; None where it has none."""
        return locate(self.keyed, sheet, cell)


class Mismatch(NamedTuple):
    """A formula whose cached value differs from the engine's result."""

    sheet: str
    cell: str
    key: str | None
    period: str | None
    cached: object
    recalculated: object


class CellError(NamedTuple):
    """A cell whose recalculated value is an error such as #DIV/0!."""

    sheet: str
    cell: str
    key: str | None
    period: str | None
    value: object


@dataclass
class VerifyReport:
    """The outcome of verify/compare.

    ``ok`` needs no mismatch, no error value and, when the workbook has a ``Checks`` sheet,
    ``check_failures`` == 0 (a Checks sheet whose ``check_failures`` is missing or not a
    number fails). A workbook with no Checks sheet is judged on its formulas alone.
    """

    path: Path | None = None
    engine: str = NAME
    formula_cells: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    has_checks: bool = False
    check_failures: float | None = None
    check_results: CheckResults = field(default_factory=lambda: CheckResults(()))

    @property
    def ok(self) -> bool:
        checks_ok = not self.has_checks or self.check_failures == 0
        return not self.mismatches and not self.errors and checks_ok

    def lines(self, limit: int = 50) -> list[str]:
        """Human-readable lines: a summary, then each problem as sheet!cell (key, period).

        At most ``limit`` mismatches and ``limit`` errors are listed; a count says the rest.
        """
        name = f"{self.path}: " if self.path else ""
        head = (
            f"{name}{'OK' if self.ok else 'FAILED'}: {self.formula_cells:,} "
            f"{number(self.formula_cells, 'formula cell')} "
            f"recalculated by {self.engine}, {plural(len(self.mismatches), 'mismatch')}, "
            f"{plural(len(self.errors), 'error value')}"
        )
        if self.has_checks:
            failures = self.check_failures
            head += f", check_failures = {'?' if failures is None else f'{failures:g}'}"
            if self.check_results.total:
                head += f", {self.check_results.summary()}"
        out = [head]
        failing = self.check_results.failing_line()
        if failing:
            out.append(failing)
        for m in self.mismatches[:limit]:
            out.append(
                f"  {_where(m.sheet, m.cell, m.key, m.period)}: cached {_show(m.cached)} but "
                f"{self.engine} computes {_show(m.recalculated)}"
            )
        if len(self.mismatches) > limit:
            out.append(f"  ... and {len(self.mismatches) - limit} more mismatches")
        for e in self.errors[:limit]:
            out.append(f"  {_where(e.sheet, e.cell, e.key, e.period)}: shows {e.value}")
        if len(self.errors) > limit:
            out.append(f"  ... and {len(self.errors) - limit} more error values")
        if self.has_checks and self.check_failures != 0:
            out.append(
                "  Checks: check_failures is "
                + ("missing or not a number" if self.check_failures is None else "not 0")
            )
        return out


class Disagreement(NamedTuple):
    """A formula cell that engines compute differently: its cached value and each result."""

    sheet: str
    cell: str
    key: str | None
    period: str | None
    cached: object
    computed: dict[str, object]  # engine name -> its value


@dataclass
class EnginesReport:
    """verify by several engines: each engine's report and where the engines disagree.

    ``ok`` needs every report ok and no disagreement.
    """

    path: Path | None
    reports: list[VerifyReport]
    disagreements: list[Disagreement]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports) and not self.disagreements

    def lines(self, limit: int = 50) -> list[str]:
        """Each engine's lines, then a summary naming every cell the engines disagree on."""
        out = [line for report in self.reports for line in report.lines(limit)]
        *others, last = [r.engine for r in self.reports]
        engines = f"{', '.join(others)} and {last}" if others else last
        n = len(self.disagreements)
        verdict = f"disagree on {plural(n, 'formula cell')}" if n else "agree on every formula cell"
        name = f"{self.path}: " if self.path else ""
        out.append(f"{name}{'OK' if self.ok else 'FAILED'}: {engines} {verdict}")
        for d in self.disagreements[:limit]:
            results = ", ".join(f"{e} computes {_show(v)}" for e, v in d.computed.items())
            out.append(
                f"  {_where(d.sheet, d.cell, d.key, d.period)}: cached {_show(d.cached)}, {results}"
            )
        if n > limit:
            out.append(f"  ... and {n - limit} more disagreements")
        return out


def _where(sheet: str, cell: str, key: str | None, period: str | None) -> str:
    return f"{sheet_ref(sheet, cell)} (key {key or '?'}, period {period or '?'})"


def _show(value: object) -> str:
    return "(empty)" if value is None else repr(value)


_NUMBERS = (int, float)  # a cached number as the reader gives it (not a bool)


def _is_error(value: object) -> bool:
    return isinstance(value, ErrorValue) or (
        isinstance(value, str) and (value in ERROR_VALUES or bool(_LO_ERROR.match(value)))
    )


def _same(cached: object, recalculated: object, rel: float, abs_tol: float) -> bool:
    if cached in (None, "") and recalculated in (None, ""):
        return True
    if isinstance(cached, bool) or isinstance(recalculated, bool):
        return type(cached) is type(recalculated) and cached == recalculated
    if isinstance(cached, int | float) and isinstance(recalculated, int | float):
        return math.isclose(cached, recalculated, rel_tol=rel, abs_tol=abs_tol)
    if isinstance(cached, datetime | date | time | timedelta):
        return cached == recalculated
    if isinstance(cached, str) and isinstance(recalculated, str):
        return cached == recalculated
    return False


def read_cached(path: str | Path, cells: WorkbookCells | None = None) -> Cached:
    """Every formula cell of the workbook at ``path`` with the value modelgen cached
    (``cells``: the workbook as the caller has read it with ``read_cells`` already)."""
    cells = cells or read_cells(path)
    found: dict[tuple[str, str], object] = {}
    for name, sheet in cells.sheets.items():
        for row, col in sorted(sheet.formulas):
            found[name, address(col - 1, row)] = sheet.values.get((row, col))
    count = formula_cells.read(cells)
    return Cached(Path(path), found, read_keyed(cells), cells.sheetnames, count)


def read_values(recalculated: str | Path | WorkbookCells) -> Values:
    """What an engine computed: every non-empty cell of the recalculated copy it wrote (a
    path, or the copy already read with ``read_cells``, so a caller reads it once)."""
    if not isinstance(recalculated, WorkbookCells):
        recalculated = read_cells(recalculated)
    values: Values = {}
    letters: dict[int, str] = {}
    for name, sheet in recalculated.sheets.items():
        for (row, col), value in sheet.values.items():
            if col not in letters:
                letters[col] = col_letter(col - 1)
            if _is_error(value) and not isinstance(value, ErrorValue):
                value = ErrorValue(value)
            values[name, f"{letters[col]}{row}"] = value
    return values


def judge(
    cached: Cached, values: Values, engine: str, *, rel: float = 1e-9, abs_tol: float = 1e-9
) -> VerifyReport:
    """Compare every formula cell's cached value with what ``engine`` computed.

    Numbers agree within ``rel`` (relative) or ``abs_tol`` (near zero); text, booleans and
    dates must be equal; an empty-string result equals an empty cell. Every value the
    engine computed is also scanned for error values.
    """
    report = VerifyReport(path=cached.path, engine=engine, formula_cells=cached.formula_cells)
    for (sheet, cell), value in cached.formulas.items():
        new = values.get((sheet, cell))
        if not _same(value, new, rel, abs_tol):
            report.mismatches.append(Mismatch(sheet, cell, *cached.where(sheet, cell), value, new))
    for (sheet, cell), value in values.items():
        if _is_error(value):
            report.errors.append(CellError(sheet, cell, *cached.where(sheet, cell), value))
    checks = cached.keyed.get(SheetName.CHECKS)
    _read_checks(report, cached.sheets, checks, lambda cell: values.get((SheetName.CHECKS, cell)))
    return report


def _read_checks(
    report: VerifyReport,
    sheets: Sequence[str],
    checks: KeyedSheet | None,
    computed: Callable[[str], object],
) -> None:
    """Each check's computed result and ``check_failures`` (``computed``: the value of a
    Checks cell by its address) into ``report``."""
    report.has_checks = SheetName.CHECKS in sheets
    if checks is None:
        return
    report.check_results = CheckResults.of(
        (key, computed(row.cells[CONSTANT]))
        for key, row in checks.rows.items()
        if CONSTANT in row.cells
    )
    if "check_failures" in checks.rows:
        value = computed(checks.rows["check_failures"].cells[CONSTANT])
        if isinstance(value, int | float) and not isinstance(value, bool):
            report.check_failures = float(value)


def judge_in_process(path: str | Path, *, rel: float = 1e-9, abs_tol: float = 1e-9) -> VerifyReport:
    """``verify`` by IronCalc, in process: while IronCalc loads and evaluates the workbook,
    a forked process reads its formula cells' cached values (:mod:`modelgen.xlsx.aside`),
    a sheet at a time; then each sheet's are compared with IronCalc's results and let go,
    so a 500-company workbook is never held twice. Error values are looked for in the
    formula cells (a constant is not computed); sheets without a formula are skipped."""
    from modelgen.engine import ironcalc

    path = Path(path)
    with sheets_aside(path, formula_values) as sheets:
        with _blaming_the_file([path]):
            model = ironcalc.recalculate_model(path)
        report = VerifyReport(path=path, engine=ironcalc.NAME)
        report.has_checks = SheetName.CHECKS in model.sheets
        for sheet in sheets():
            if sheet.name not in model.formula_free:
                _judge_sheet(report, model, sheet, rel, abs_tol)
    return report


@dataclass
class FormulaValues:
    """What the in-process judge needs of a sheet: its formula cells (``rows[i]``,
    ``cols[i]``, 1-based) with their cached values, and ``keys``, the cells that name a
    cell by row key and period (column A and the ``period`` row)."""

    name: str
    rows: list[int]
    cols: list[int]
    cached: list[object]
    keys: SheetCells


def formula_values(cells: SheetCells) -> FormulaValues:
    """``cells`` as the in-process judge reads them (a few numbers a cell: cheap to pass
    from the process that reads them)."""
    values, found = cells.values, list(cells.formulas)
    period = {r for (r, c), v in values.items() if c == 1 and str(v).strip() == PERIOD_KEY}
    keys = SheetCells(cells.name, {k: v for k, v in values.items() if k[1] == 1 or k[0] in period})
    rows, cols = [r for r, _ in found], [c for _, c in found]
    return FormulaValues(cells.name, rows, cols, [values.get(k) for k in found], keys)


def _judge_sheet(
    report: VerifyReport, model: Recalculated, sheet: FormulaValues, rel: float, abs_tol: float
) -> None:
    """One sheet's formula cells against IronCalc's ``model``; the Checks sheet's results."""
    index, name = model.sheets.index(sheet.name), sheet.name
    keyed: dict[str, KeyedSheet] = {}

    def where(cell: str) -> tuple[str | None, str | None]:
        if not keyed and name != SheetName.COVER:  # read by key only when it is needed
            keyed[name] = keyed_sheet(name, sheet.keys) or KeyedSheet(name, [], {})
        return locate(keyed, name, cell)

    get, isclose = model.model.get_cell_value, math.isclose
    odd: list[tuple[int, int, object, object]] = []
    for row, col, value in zip(sheet.rows, sheet.cols, sheet.cached, strict=True):
        new = get(index, row, col)
        if new.__class__ is float and value.__class__ in _NUMBERS:  # most cells: no more
            if isclose(value, new, rel_tol=rel, abs_tol=abs_tol):  # type: ignore[arg-type]
                continue
        odd.append((row, col, value, model.value(index, row, col)))
    for row, col, value, new in sorted(odd, key=lambda found: found[:2]):  # in sheet order
        cell = address(col - 1, row)
        if not _same(value, new, rel, abs_tol):
            report.mismatches.append(Mismatch(name, cell, *where(cell), value, new))
        if _is_error(new):
            report.errors.append(CellError(name, cell, *where(cell), new))
    report.formula_cells += len(sheet.rows)
    if name == SheetName.CHECKS:
        where("A1")

        def computed(cell: str) -> object:
            digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            return model.value(index, int(digits), col_index(cell[: -len(digits)]) + 1)

        _read_checks(report, model.sheets, keyed.get(name), computed)


def compare(
    original: str | Path, recalculated: str | Path, *, rel: float = 1e-9, abs_tol: float = 1e-9
) -> VerifyReport:
    """Compare ``original``'s cached values with LibreOffice's ``recalculated`` copy (judge)."""
    return judge(read_cached(original), read_values(recalculated), NAME, rel=rel, abs_tol=abs_tol)


def disagreements(
    cached: Cached, computed: dict[str, Values], *, rel: float = 1e-9, abs_tol: float = 1e-9
) -> list[Disagreement]:
    """The formula cells for which the engines in ``computed`` found different values."""
    out = []
    for (sheet, cell), value in cached.formulas.items():
        results = {engine: values.get((sheet, cell)) for engine, values in computed.items()}
        first, *others = results.values()
        if not all(_same(first, other, rel, abs_tol) for other in others):
            out.append(Disagreement(sheet, cell, *cached.where(sheet, cell), value, results))
    return out


@contextlib.contextmanager
def _blaming_the_file(paths: Sequence[Path]) -> Iterator[None]:
    """An engine that cannot load a zip that passed check_xlsx: when the workbook inside is
    broken, say what is wrong with the file (exit 2), not with the engine."""
    try:
        yield
    except RecalcError:
        for path in paths:
            open_workbook(path, data_only=True, read_only=True).close()
        raise


def verify(
    path: str | Path,
    *,
    engine: str = "libreoffice",
    timeout: float = 180,
    profile: Path | None = None,
) -> VerifyReport | EnginesReport:
    """Recalculate ``path`` with ``engine`` and compare every cached value; cleans up.

    ``engine`` is one of ``libreoffice``, ``ironcalc``, ``gnumeric``, ``formualizer`` (a
    VerifyReport), ``both`` (LibreOffice and IronCalc) or ``all`` (every engine): an
    EnginesReport. ``timeout`` is LibreOffice's and Gnumeric's, ``profile`` LibreOffice's;
    IronCalc and Formualizer run in process.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: choose one of {', '.join(ENGINES)}")
    path = Path(path)
    if engine == "ironcalc":  # in process: one pass over the file, a sheet at a time
        check_xlsx(path)
        _require_values(path)
        return judge_in_process(path)
    cells = read_cells(path)  # once: checked, and a clear message before an engine opens it
    _require_values(path, cells)
    computed = dict(_recalculate(one, path, timeout, profile) for one in engines_of(engine))
    cached = read_cached(path, cells)
    reports = [judge(cached, values, name) for name, values in computed.items()]
    if len(reports) == 1:
        return reports[0]
    return EnginesReport(path, reports, disagreements(cached, computed))


def _recalculate(
    engine: str, path: Path, timeout: float, profile: Path | None
) -> tuple[str, Values]:
    """One engine's name and what it computed for ``path``; each engine's module loads only
    when asked for (IronCalc's and Formualizer's native libraries, Gnumeric's process)."""
    if engine == "libreoffice":
        return NAME, _libreoffice_values([path], timeout, profile)[0]
    with _blaming_the_file([path]):
        if engine == "ironcalc":
            from modelgen.engine import ironcalc

            return ironcalc.NAME, ironcalc.recalculate(path)
        if engine == "gnumeric":
            from modelgen.engine import gnumeric

            return gnumeric.NAME, gnumeric.recalculate(path, timeout=timeout)
        from modelgen.engine import formualizer

        return formualizer.NAME, formualizer.recalculate(path)


def verify_many(
    paths: Iterable[str | Path], *, timeout: float = 180, profile: Path | None = None
) -> list[VerifyReport]:
    """verify() by LibreOffice for many workbooks in one run (inputs need distinct names)."""
    paths = [Path(p) for p in paths]
    for path in paths:
        check_xlsx(path)
        _require_values(path)
    computed = _libreoffice_values(paths, timeout, profile)
    return [judge(read_cached(p), v, NAME) for p, v in zip(paths, computed, strict=True)]


def _require_values(path: Path, cells: WorkbookCells | None = None) -> None:
    """Refuse a workbook without cached values: there is nothing to compare the engine's
    results with, and listing every formula as a mismatch would not say why."""
    if cells.lacks_computed_values() if cells is not None else lacks_computed_values(path):
        raise NoComputedValuesError(
            no_values_message(
                path,
                "there is nothing to verify; open and save it in Excel or LibreOffice and "
                "verify again, or compare it with `modelgen diff`, which recalculates",
            )
        )


def _libreoffice_values(paths: list[Path], timeout: float, profile: Path | None) -> list[Values]:
    with tempfile.TemporaryDirectory(prefix="modelgen-verify-") as tmp, _blaming_the_file(paths):
        outdir = Path(tmp, "recalculated")
        outputs = recalculate_many(paths, outdir, timeout=timeout, profile=profile)
        return [read_values(out) for out in outputs]
