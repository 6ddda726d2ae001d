"""LibreOffice loading a workbook with and without recalculating every formula.

Two user profiles differ only in `/org.openoffice.Office.Calc/Formula/Load`
`OOXMLRecalcMode` (and its ODF twin): 0 recalculates on load (always), 1 keeps the cached
values (never); 2 would prompt. Each run converts the workbook's first sheet to CSV, so the
time is LibreOffice's start, the import and (mode 0) the recalculation, not writing a copy.
LibreOffice is started as `modelgen verify` starts it (`modelgen.engine.libreoffice`).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from modelgen.engine.libreoffice import ALWAYS, NEVER, convert


def run_seconds(workbook: Path, folder: Path, mode: int, timeout: float = 1800) -> float:
    """Seconds for one headless LibreOffice run loading `workbook` in recalc `mode`."""
    out = folder / f"out-{mode}"
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    convert(
        [workbook],
        out,
        "csv",
        timeout=timeout,
        doing=f"loading {workbook.name}",
        profile=folder / f"profile-recalc-{mode}",
        recalc_mode=mode,
    )
    seconds = time.perf_counter() - start
    if not (out / f"{workbook.stem}.csv").is_file():
        raise RuntimeError(f"LibreOffice wrote nothing for {workbook}")
    return seconds


def libreoffice_seconds(workbook: Path, folder: Path, runs: int, say: Callable) -> dict:
    """Median seconds to load with recalculation and without, alternating, after a warm-up."""
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    tiny = folder / "warmup.xlsx"
    wb = xlsxwriter.Workbook(str(tiny))
    wb.add_worksheet().write_formula(0, 0, "=1+1", None, 2)
    wb.close()
    for mode in (NEVER, ALWAYS):
        run_seconds(tiny, folder, mode)  # the first run of a profile sets it up
    times: dict[int, list[float]] = {NEVER: [], ALWAYS: []}
    for i in range(runs):
        for mode in (NEVER, ALWAYS):
            times[mode].append(run_seconds(workbook, folder, mode))
            say(f"  LibreOffice recalc mode {mode} run {i + 1}/{runs}: {times[mode][-1]:.1f} s")
    start = statistics.median(run_seconds(tiny, folder, NEVER) for _ in range(3))
    recalc, load = statistics.median(times[ALWAYS]), statistics.median(times[NEVER])
    return {
        "recalc_seconds": recalc,
        "load_seconds": load,
        "startup_seconds": start,
        "ratio": recalc / load,
        "all_recalc": [round(t, 2) for t in times[ALWAYS]],
        "all_load": [round(t, 2) for t in times[NEVER]],
    }
