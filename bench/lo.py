"""LibreOffice loading a workbook with and without recalculating every formula.

Two user profiles differ only in `/org.openoffice.Office.Calc/Formula/Load`
`OOXMLRecalcMode`: 0 recalculates on load (always), 1 keeps the cached values (never);
2 would prompt. Each run converts the workbook's first sheet to CSV, so the time is
LibreOffice's start, the import and (mode 0) the recalculation, not writing a copy.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ALWAYS, NEVER = 0, 1
_XCU = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>\n'
    "</oor:items>\n"
)


def _profile(folder: Path, mode: int) -> Path:
    profile = folder / f"profile-recalc-{mode}"
    xcu = profile / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir(parents=True, exist_ok=True)
    if not xcu.exists():
        xcu.write_text(_XCU.format(mode=mode), encoding="utf-8")
    return profile


def convert(workbook: Path, folder: Path, mode: int, timeout: float = 1800) -> float:
    """Seconds for one headless LibreOffice run loading `workbook` in recalc `mode`."""
    from modelgen.engine.verify import find_soffice

    soffice = find_soffice()
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    profile = _profile(folder, mode)
    out = folder / f"out-{mode}"
    out.mkdir(parents=True, exist_ok=True)
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--convert-to",
        "csv",
        "--outdir",
        str(out),
        str(workbook),
    ]
    env = dict(os.environ, HOME=str(profile))
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, timeout=timeout, env=env)
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
        convert(tiny, folder, mode)  # the first run of a profile sets it up
    times: dict[int, list[float]] = {NEVER: [], ALWAYS: []}
    for i in range(runs):
        for mode in (NEVER, ALWAYS):
            times[mode].append(convert(workbook, folder, mode))
            say(f"  LibreOffice recalc mode {mode} run {i + 1}/{runs}: {times[mode][-1]:.1f} s")
    start = statistics.median(convert(tiny, folder, NEVER) for _ in range(3))
    recalc, load = statistics.median(times[ALWAYS]), statistics.median(times[NEVER])
    return {
        "recalc_seconds": recalc,
        "load_seconds": load,
        "startup_seconds": start,
        "ratio": recalc / load,
        "all_recalc": [round(t, 2) for t in times[ALWAYS]],
        "all_load": [round(t, 2) for t in times[NEVER]],
    }
