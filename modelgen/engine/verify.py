"""LibreOffice recalculation and comparison: a real spreadsheet engine is the judge.

modelgen writes each formula with its cached result. ``verify`` has LibreOffice recalculate
the workbook headless and checks that every formula's cached value equals what the engine
computes, that no cell shows an error value and that ``check_failures`` is 0. Starting
LibreOffice (and the profile that makes it recalculate at all) is
``modelgen.engine.libreoffice``'s; its errors and ``find_soffice`` are re-exported here.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from openpyxl.worksheet.formula import ArrayFormula

from modelgen.engine.libreoffice import EngineMissingError, RecalcError, convert, find_soffice
from modelgen.xlsx.open_safely import check_xlsx, open_workbook
from modelgen.xlsx.read_by_key import locate, read_keyed

__all__ = [
    "CellError",
    "EngineMissingError",
    "Mismatch",
    "RecalcError",
    "VerifyReport",
    "compare",
    "find_soffice",
    "recalculate",
    "recalculate_many",
    "verify",
    "verify_many",
]

ERROR_VALUES = frozenset(
    {"#DIV/0!", "#REF!", "#NAME?", "#VALUE!", "#N/A", "#NUM!", "#NULL!", "#GETTING_DATA"}
)
_LO_ERROR = re.compile(r"^Err:\d{3}$")


def recalculate_many(
    paths: Sequence[str | Path],
    outdir: str | Path,
    *,
    timeout: float = 180,
    profile: Path | None = None,
) -> list[Path]:
    """Recalculate many workbooks in ONE LibreOffice run; return the outputs, in input order.

    Each output is ``outdir/<stem>.xlsx`` (an older file there is replaced). ``outdir`` must
    not hold any of the inputs, and two inputs may not share a stem. ``profile`` is a user
    profile folder to (re)use; by default a throw-away one. Raises EngineMissingError without
    LibreOffice, RecalcError (a RuntimeError) on a timeout or a missing output.
    """
    sources = [Path(p).resolve() for p in paths]
    if not sources:
        return []
    outdir = Path(outdir).resolve()
    outputs = [outdir / f"{src.stem}.xlsx" for src in sources]
    if len(set(outputs)) != len(outputs):
        raise ValueError("recalculate_many: two inputs share a file name; outputs would clash")
    for src in sources:
        if not src.is_file():
            raise FileNotFoundError(f"{src}: no such workbook to recalculate")
        if src.parent == outdir:
            raise ValueError(f"{src}: outdir {outdir} must differ from the workbook's folder")
    outdir.mkdir(parents=True, exist_ok=True)
    for out in outputs:
        out.unlink(missing_ok=True)

    run = convert(
        sources,
        outdir,
        "xlsx:Calc MS Excel 2007 XML",
        timeout=timeout,
        doing=f"recalculating {len(sources)} workbook(s)",
        profile=profile,
    )
    missing = [src for src, dst in zip(sources, outputs, strict=True) if not dst.is_file()]
    if missing:
        raise RecalcError(
            f"LibreOffice produced no recalculated file for {', '.join(map(str, missing))} "
            f"(exit code {run.returncode}). Its output:\n{run.stdout}"
        )
    return outputs


def recalculate(
    path: str | Path, outdir: str | Path, *, timeout: float = 180, profile: Path | None = None
) -> Path:
    """Recalculate one workbook with LibreOffice into ``outdir``; see recalculate_many."""
    return recalculate_many([path], outdir, timeout=timeout, profile=profile)[0]


class Mismatch(NamedTuple):
    """A formula whose cached value differs from LibreOffice's result."""

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
    formula_cells: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    has_checks: bool = False
    check_failures: float | None = None

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
            f"{name}{'OK' if self.ok else 'FAILED'}: {self.formula_cells} formula cells "
            f"recalculated by LibreOffice, {len(self.mismatches)} mismatches, "
            f"{len(self.errors)} error values"
        )
        if self.has_checks:
            failures = self.check_failures
            head += f", check_failures = {'?' if failures is None else f'{failures:g}'}"
        out = [head]
        for m in self.mismatches[:limit]:
            out.append(
                f"  {_where(m.sheet, m.cell, m.key, m.period)}: cached {_show(m.cached)} but "
                f"LibreOffice computes {_show(m.recalculated)}"
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


def _where(sheet: str, cell: str, key: str | None, period: str | None) -> str:
    name = sheet if re.fullmatch(r"[A-Za-z_]\w*", sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{cell} (key {key or '?'}, period {period or '?'})"


def _show(value: object) -> str:
    return "(empty)" if value is None else repr(value)


def _is_error(value: object) -> bool:
    return isinstance(value, str) and (value in ERROR_VALUES or bool(_LO_ERROR.match(value)))


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


def _is_formula(value: object) -> bool:
    return isinstance(value, ArrayFormula) or (isinstance(value, str) and value.startswith("="))


def compare(
    original: str | Path, recalculated: str | Path, *, rel: float = 1e-9, abs_tol: float = 1e-9
) -> VerifyReport:
    """Compare every formula cell's cached value in ``original`` with ``recalculated``.

    Numbers agree within ``rel`` (relative) or ``abs_tol`` (near zero); text, booleans and
    dates must be equal; an empty-string result equals an empty cell. Every cell of the
    recalculated file is also scanned for error values.
    """
    formulas = open_workbook(original, data_only=False)
    cached_wb = open_workbook(original, data_only=True)
    recalc_wb = open_workbook(recalculated, data_only=True)
    keyed = read_keyed(cached_wb)
    report = VerifyReport(path=Path(original))

    for ws in formulas.worksheets:
        cached_ws = cached_wb[ws.title]
        recalc_ws = recalc_wb[ws.title] if ws.title in recalc_wb.sheetnames else None
        for row in ws.iter_rows():
            for cell in row:
                if not _is_formula(cell.value):
                    continue
                report.formula_cells += 1
                cached = cached_ws[cell.coordinate].value
                new = recalc_ws[cell.coordinate].value if recalc_ws is not None else None
                if not _same(cached, new, rel, abs_tol):
                    key, period = locate(keyed, ws.title, cell.coordinate)
                    report.mismatches.append(
                        Mismatch(ws.title, cell.coordinate, key, period, cached, new)
                    )

    for ws in recalc_wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "e" or _is_error(cell.value):
                    key, period = locate(keyed, ws.title, cell.coordinate)
                    report.errors.append(
                        CellError(ws.title, cell.coordinate, key, period, cell.value)
                    )

    checks = read_keyed(recalc_wb).get("Checks")
    report.has_checks = "Checks" in recalc_wb.sheetnames
    if checks is not None and "check_failures" in checks.rows:
        value = checks.rows["check_failures"].constant
        if isinstance(value, int | float) and not isinstance(value, bool):
            report.check_failures = float(value)
    return report


def verify(path: str | Path, *, timeout: float = 180, profile: Path | None = None) -> VerifyReport:
    """Recalculate ``path`` with LibreOffice in a temporary folder and compare; cleans up."""
    return verify_many([path], timeout=timeout, profile=profile)[0]


def verify_many(
    paths: Iterable[str | Path], *, timeout: float = 180, profile: Path | None = None
) -> list[VerifyReport]:
    """verify() for many workbooks with one LibreOffice run (inputs need distinct names)."""
    paths = [Path(p) for p in paths]
    for path in paths:
        check_xlsx(path)  # a clear message before LibreOffice is asked to open anything
    with tempfile.TemporaryDirectory(prefix="modelgen-verify-") as tmp:
        try:
            outputs = recalculate_many(
                paths, Path(tmp, "recalculated"), timeout=timeout, profile=profile
            )
        except RecalcError:
            # a zip that passed check_xlsx but holds a broken workbook: LibreOffice cannot
            # load it either; say what is wrong with the file (exit 2), not with the engine
            for path in paths:
                open_workbook(path, data_only=True, read_only=True).close()
            raise
        return [compare(src, out) for src, out in zip(paths, outputs, strict=True)]
