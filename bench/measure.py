"""One measurement per process, so that each peak memory figure is that job's own.

    python bench/measure.py build INPUTS OUT.xlsx
    python bench/measure.py floor CELLS.pickle OUT.xlsx
    python bench/measure.py pandas FRAMES.pickle OUT.xlsx
    python bench/measure.py previous INPUTS OUT.xlsx OLD.xlsx   # build --previous OLD
    python bench/measure.py verify BOOK.xlsx -                  # verify --engine ironcalc
    python bench/measure.py diff OLD.xlsx NEW.xlsx              # diff OLD NEW

Each prints one JSON object: `seconds` (the job alone: imports and loading the pickle are
not counted), `peak_mb` (the process's peak resident memory) and job-specific figures.
`read_cells` (used by run.py before any timing) reads a built workbook back into the cells
the floor writes and the frames pandas writes.
"""

from __future__ import annotations

import json
import pickle
import resource
import sys
import time
from pathlib import Path

Cell = tuple[int, int, str, object, object]  # row, column (0-based), kind, value, cached


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, it does not start at
    the size of the parent that forked it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build(inputs: Path, out: Path) -> dict:
    """modelgen's own build, as `modelgen build --quiet` runs it."""
    from modelgen.build import build as run_build

    start, cpu = time.perf_counter(), time.process_time()
    result = run_build(inputs, out)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "formula_cells": result.formula_cells,
        "companies": result.companies,
        "periods": result.periods,
        "bytes": out.stat().st_size,
    }


def floor(cells: Path, out: Path) -> dict:
    """Plain xlsxwriter writing the same cells: formula text with cached value, numbers,
    text; no model, no evaluation, no formats; the same workbook options as modelgen."""
    import xlsxwriter

    from modelgen.xlsx.workbook import WORKBOOK_OPTIONS

    sheets = pickle.loads(cells.read_bytes())
    start, cpu = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(str(out), WORKBOOK_OPTIONS)
    for name, hidden, rows in sheets:
        ws = wb.add_worksheet(name)
        if hidden:
            ws.hide()
        formula, number, text = ws.write_formula, ws.write_number, ws.write_string
        for r, c, kind, value, cached in rows:
            if kind == "f":
                formula(r, c, value, None, cached)
            elif kind == "n":
                number(r, c, value)
            elif kind == "s":
                text(r, c, value)
            elif kind == "b":
                ws.write_boolean(r, c, value)
    wb.close()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
        "bytes": out.stat().st_size,
    }


def pandas_to_excel(frames: Path, out: Path) -> dict:
    """What users do instead: DataFrame.to_excel of the same values, no formulas."""
    import pandas as pd

    tables = pickle.loads(frames.read_bytes())
    start = time.perf_counter()
    with pd.ExcelWriter(out) as writer:
        for name, frame in tables:
            frame.to_excel(writer, sheet_name=name, header=False, index=False)
        engine = writer.engine
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "bytes": out.stat().st_size,
        "engine": engine,
    }


def read_cells(path: Path) -> tuple[list, list]:
    """The workbook's cells for the floor, and its values as frames for pandas.

    Formula text comes from one pass (openpyxl read-only), cached values from a second
    (`data_only`); a formula whose cached value is empty text is written back as such.
    """
    import pandas as pd
    from openpyxl import load_workbook

    formulas = load_workbook(path, read_only=True)
    values = load_workbook(path, read_only=True, data_only=True)
    sheets, frames = [], []
    for ws_f, ws_v in zip(formulas.worksheets, values.worksheets, strict=True):
        cells: list[Cell] = []
        table = []
        for r, (row_f, row_v) in enumerate(
            zip(ws_f.iter_rows(), ws_v.iter_rows(values_only=True), strict=False)
        ):
            table.append(list(row_v))
            for c, cell in enumerate(row_f):
                value = cell.value
                if value is None:
                    continue
                kind = cell.data_type
                if kind == "f":
                    cached = row_v[c] if c < len(row_v) else None
                    cells.append((r, c, "f", value, "" if cached is None else cached))
                elif kind in ("n", "s", "b"):
                    cells.append((r, c, kind, value, None))
        hidden = ws_f.sheet_state != "visible"
        sheets.append((ws_f.title, hidden, cells))
        frames.append((ws_f.title, pd.DataFrame(table)))
    formulas.close()
    values.close()
    return sheets, frames


JOBS = {"build": build, "floor": floor, "pandas": pandas_to_excel}


def previous(inputs: Path, out: Path, old: Path) -> dict:
    """`modelgen build --previous OLD`: the analyst's work in OLD carried into a new build."""
    from modelgen.build import build as run_build

    start = time.perf_counter()
    result = run_build(inputs, out, previous=old)
    seconds = time.perf_counter() - start
    carried = result.carry.summary() if result.carry else {}
    return {"seconds": seconds, "peak_mb": _peak_mb(), "carried": carried}


def verify(book: Path, _: Path) -> dict:
    """`modelgen verify --engine ironcalc BOOK`, in process, imports included."""
    start = time.perf_counter()
    from modelgen.engine.verify import verify as run_verify

    imported = time.perf_counter() - start
    report = run_verify(book, engine="ironcalc")
    return {
        "seconds": time.perf_counter() - start,
        "import_seconds": imported,
        "peak_mb": _peak_mb(),
        "reader_peak_mb": _children_peak_mb(),
        "formula_cells": report.formula_cells,
        "mismatches": len(report.mismatches),
    }


def diff(old: Path, new: Path) -> dict:
    """`modelgen diff OLD NEW`, imports included."""
    start = time.perf_counter()
    from modelgen.compare.diff import diff_workbooks

    report = diff_workbooks(old, new, 1e-9)
    lines = report.lines()
    return {
        "seconds": time.perf_counter() - start,
        "peak_mb": _peak_mb(),
        "reader_peak_mb": _children_peak_mb(),
        "lines": len(lines),
    }


def _children_peak_mb() -> float:
    """The peak resident memory of the largest child this process waited for (diff reads
    OLD in a forked process, verify the cached values). It counts the pages the child still shares with this
    process, so this peak plus the child's overstates what the two used together."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux


JOBS |= {"verify": verify, "diff": diff}

if __name__ == "__main__":
    job, source, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if job == "previous":
        print(json.dumps(previous(source, target, Path(sys.argv[4]))))
    else:
        print(json.dumps(JOBS[job](source, target)))
