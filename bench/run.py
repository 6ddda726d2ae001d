"""The universe benchmark: modelgen against the cost of merely writing the same cells.

    python bench/run.py            # about 20 minutes on 2 cores; medians of 3 runs (5 for
                                   # the build, the floor and the scaling)
    python bench/run.py --quick    # one run each, smaller scaling steps; a few minutes

Prints a table and writes it, with every raw figure, to bench/results/ (git-ignored):
1. modelgen building the 500-company annual universe: time, peak memory, cells, size;
2. the floor: plain xlsxwriter writing exactly the same cells (read back from the built
   workbook before any timing), and the ratio build / floor;
3. pandas `DataFrame.to_excel` of the same values without formulas;
4. LibreOffice loading the workbook and recalculating every formula, against loading it
   without recalculation (each exports only the first sheet, as CSV, so the time is the
   import and the recalculation rather than the export);
5. scaling over 50, 100, 200, 500 companies (closed-form depreciation throughout, so that
   every size does the same work per company): time and memory per company above a
   1-company build; the sizes are built between the pairs of (2), so that all are
   measured over the same stretch of time and a slow spell of the machine hits them alike;
then the quarterly universe (100 companies, 80 quarters) and `modelgen --help`.
Each build, floor and pandas measurement runs in its own process (bench/measure.py).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from lo import libreoffice_seconds  # noqa: E402
from measure import read_cells  # noqa: E402
from report import table  # noqa: E402
from universe import write_universe  # noqa: E402

from modelgen.model.closed_form import GRID_LIMIT  # noqa: E402

TARGETS = {"build_floor": 1.25, "peak_mb": 1024, "recalc_ratio": 3.0, "help_s": 0.3, "flat": 1.25}


def job(kind: str, source: Path, target: Path) -> dict:
    """One measurement in a fresh process."""
    cmd = [sys.executable, str(HERE / "measure.py"), kind, str(source), str(target)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"{kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    """The run with the median time, with every run's time and peak alongside."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    out = dict(ordered[(len(ordered) - 1) // 2])
    out["seconds"] = statistics.median(r["seconds"] for r in runs)
    out["peak_mb"] = statistics.median(r["peak_mb"] for r in runs)
    out["all_seconds"] = [round(r["seconds"], 3) for r in runs]
    return out


def repeat(kind: str, source: Path, target: Path, runs: int, say) -> dict:
    results = []
    for i in range(runs):
        results.append(job(kind, source, target))
        say(f"  {kind} {source.name} run {i + 1}/{runs}: {results[-1]['seconds']:.1f} s")
    return median_of(results)


def validate(folder: Path) -> tuple[bool, str]:
    """Whether `modelgen validate` accepts the folder, and what it said."""
    cmd = [sys.executable, "-m", "modelgen", "validate", "--inputs", str(folder)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


def help_seconds(runs: int = 9) -> tuple[float, bool]:
    """Median wall time of `modelgen --help`, and whether it imported pandas."""
    exe = shutil.which("modelgen")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "modelgen", "--help"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    probe = (
        "import sys; sys.argv = ['modelgen', '--help']\n"
        "from modelgen.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pandas' in sys.modules, file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return statistics.median(times), proc.stderr.strip().endswith("True")


def main() -> None:
    parser = argparse.ArgumentParser(description="modelgen universe benchmark")
    parser.add_argument("--quick", action="store_true", help="one run each, a few minutes")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (3)")
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (temporary)")
    parser.add_argument("--snapshot", action="store_true", help="also write bench/latest.*")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    pairs = 1 if args.quick else max(runs, 5)  # the headline ratio: more pairs, less noise
    lo_runs = 1 if args.quick else 2
    big = args.companies
    sizes = [big // 10, big // 5, big * 2 // 5, big] if not args.quick else [big // 5, big]
    work = Path(args.work or tempfile.mkdtemp(prefix="modelgen-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {text}", file=sys.stderr, flush=True)

    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "runs": runs,
        "pairs": pairs,
        "targets": TARGETS,
    }
    say(f"writing universes in {work}")
    annual = write_universe(work / f"annual{big}", big)
    say(f"modelgen build, {big} companies")
    built = work / "built.xlsx"
    builds = [job("build", annual, built)]
    say(f"  build run 1/{pairs}: {builds[-1]['seconds']:.1f} s")

    say("reading the built workbook back (formula text and cached values)")
    sheets, frames = read_cells(built)
    cells_file, frames_file = work / "cells.pickle", work / "frames.pickle"
    cells_file.write_bytes(pickle.dumps(sheets, protocol=pickle.HIGHEST_PROTOCOL))
    frames_file.write_bytes(pickle.dumps(frames, protocol=pickle.HIGHEST_PROTOCOL))
    results["cells"] = {
        "formulas": sum(1 for _, _, cells in sheets for c in cells if c[2] == "f"),
        "all": sum(len(cells) for _, _, cells in sheets),
    }
    del sheets, frames
    # the scaling sizes are built between the pairs, so that every size, the largest (the
    # builds above, when they use the closed form) included, is measured over the same
    # stretch of time: a slow spell of the machine then hits all sizes alike
    reuse_big = big * 3 * 30**2 > GRID_LIMIT  # `auto` chose the closed form for the universe
    folders = {
        n: write_universe(work / f"scale{n}", n, view="closed_form")
        for n in [1, *sizes]
        if not (n == big and reuse_big)
    }
    timings: dict[int, list[dict]] = {n: [] for n in folders}
    say("the floor: plain xlsxwriter, alternating with the build; the scaling sizes between")
    floors = []
    for i in range(pairs):  # alternate, so that both see the machine alike
        floors.append(job("floor", cells_file, work / "floor.xlsx"))
        say(f"  floor run {i + 1}/{pairs}: {floors[-1]['seconds']:.1f} s")
        if len(builds) < pairs:
            builds.append(job("build", annual, built))
            say(f"  build run {len(builds)}/{pairs}: {builds[-1]['seconds']:.1f} s")
        for n, folder in folders.items():
            timings[n].append(job("build", folder, work / f"s{n}.xlsx"))
            say(f"  build {n} companies run {i + 1}/{pairs}: {timings[n][-1]['seconds']:.1f} s")
    results["build"], results["floor"] = median_of(builds), median_of(floors)
    results["pair_ratios"] = [
        round(b["seconds"] / f["seconds"], 3) for b, f in zip(builds, floors, strict=False)
    ]
    say("pandas to_excel")
    results["pandas"] = repeat("pandas", frames_file, work / "pandas.xlsx", runs, say)

    say("LibreOffice: load and recalculate vs load")
    results["libreoffice"] = libreoffice_seconds(built, work / "lo", lo_runs, say)

    results["baseline"] = median_of(timings.pop(1))
    if reuse_big:
        timings[big] = builds
    results["scaling"] = [{"companies": n, **median_of(timings[n])} for n in sorted(timings)]

    quarterly = write_universe(work / "quarterly100", 100, quarterly=True)
    ok, said = validate(quarterly)
    if ok:
        say("quarterly build, 100 companies")
        results["quarterly"] = repeat("build", quarterly, work / "q.xlsx", runs, say)
    else:
        results["quarterly"] = {"skipped": said.splitlines()[-1] if said else "rejected"}
        say(f"quarterly skipped: modelgen validate rejects the folder: {said[:300]}")

    say("modelgen --help")
    results["help"] = dict(zip(("seconds", "imports_pandas"), help_seconds(), strict=True))
    results["total_seconds"] = time.perf_counter() - started

    text = table(results)
    print(text)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for path in (out / f"run-{stamp}.json", out / "latest.json"):
        path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out / "latest.txt").write_text(text + "\n", encoding="utf-8")
    if args.snapshot:
        (HERE / "latest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        (HERE / "latest.txt").write_text(text + "\n", encoding="utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
