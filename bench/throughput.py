"""`modelgen batch` throughput: one worker, two workers and a Dask cluster, in one run.

    python bench/throughput.py              # 20 shipped-size workbooks
    python bench/throughput.py --rows 6     # a quick look

Writes ROWS copies of the shipped inputs and a manifest, then runs the whole manifest
(build and verify by IronCalc, each row) three times, from scratch each time, each by
`modelgen batch` in a process of its own: a local pool of 1 worker, of 2 workers, and a
`dask.distributed.LocalCluster` of 2 single-threaded worker processes started here (its
workers start cold too: each imports modelgen on its first row). Targets (issue 26): 2 workers at least 1.8 x the
throughput of one on 2 cores; Dask within 1.3 x of the local pool of the same size.
On a machine others are using at the same time the ratios are what to read, not the
seconds. Writes bench/results/throughput.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parent / "inputs"
TARGETS = {"two_over_one": 1.8, "dask_over_pool": 1.3}


def _clean(folder: Path) -> None:
    for path in folder.glob("out/*"):
        path.unlink()


def _timed(manifest: Path, *options: str) -> float:
    """`modelgen batch MANIFEST OPTIONS` in a fresh process, as a user runs it: every run
    starts cold (a worker imports modelgen on its first row), none inherits the modules an
    earlier run imported."""
    cmd = [sys.executable, "-m", "modelgen", "batch", str(manifest), "--json", *options]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20)
    args = parser.parse_args()
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="modelgen-throughput-") as tmp:
        work = Path(tmp)
        (work / "out").mkdir()
        rows = ["inputs,workbook"]
        for n in range(1, args.rows + 1):
            shutil.copytree(SHIPPED, work / f"company{n:02d}")
            rows.append(f"company{n:02d},out/company{n:02d}.xlsx")
        manifest = work / "manifest.csv"
        manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
        seconds = {}
        seconds["one_worker"] = _timed(manifest, "--workers", "1")
        _clean(work)
        seconds["two_workers"] = _timed(manifest, "--workers", "2")
        _clean(work)
        with LocalCluster(  # started before the clock, as a cluster a team keeps running
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            seconds["dask_two_workers"] = _timed(manifest, "--dask", cluster.scheduler_address)
    results = {
        "rows": args.rows,
        "seconds": seconds,
        "two_over_one": seconds["one_worker"] / seconds["two_workers"],
        "dask_over_pool": seconds["dask_two_workers"] / seconds["two_workers"],
        "targets": TARGETS,
    }
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "throughput.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    for name, s in seconds.items():
        print(f"{name:<18}{s:>8.1f} s  {args.rows / s:>6.2f} workbooks/s")
    print(
        f"2 workers / 1: {results['two_over_one']:.2f} x (target >= {TARGETS['two_over_one']}); "
        f"Dask / pool: {results['dask_over_pool']:.2f} x (target <= {TARGETS['dask_over_pool']})"
    )


if __name__ == "__main__":
    sys.exit(main())
