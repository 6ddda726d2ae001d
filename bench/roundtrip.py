"""The quarter's round trip at universe scale, as ratios to a build measured in the same run.

    python bench/roundtrip.py                      # 50, 200, 500 companies, annual and quarterly
    python bench/roundtrip.py --sizes 50 --annual  # one size, annual only: a few minutes

For each size and frequency (bench/universe.py writes the inputs): `build`; an analyst's
copy of that workbook with 50 typed input edits and a sheet of their own (edited in the
package's XML, as tests/package_xml.py does, so every cached value stays); then
`build --previous` of that copy, `verify --engine ironcalc` in process and `diff` of the
copy against the regenerated workbook. Each step runs in its own process
(bench/measure.py), so each peak memory is the step's own. Targets (issue 26): previous
<= 1.3 x build, verify <= 0.5 x build, diff <= 0.5 x build, every peak under 1 GB at 500
companies; and the shipped model's `verify --engine ironcalc` under 0.5 s. Writes
bench/results/roundtrip.json (git-ignored) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from package_xml import repack, type_values  # noqa: E402
from run import job, validate  # noqa: E402
from universe import write_universe  # noqa: E402

from modelgen.xlsx.cells import read_cells  # noqa: E402
from modelgen.xlsx.read_by_key import read_keyed  # noqa: E402
from modelgen.xlsx.record import read_provenance  # noqa: E402

TARGETS = {"previous": 1.3, "verify": 0.5, "diff": 0.5, "peak_mb": 1024, "shipped_verify_s": 0.5}
EDITS = 50


def analyst_copy(book: Path, out: Path) -> Path:
    """``book`` with 50 numeric inputs typed over (10% up) and an analyst's sheet whose
    formulas read the Capex sheet by address (re-pointed by key on regeneration)."""
    cells = read_cells(book)
    prov = read_provenance(cells)
    keyed = read_keyed(cells)
    numeric = [
        (key, period, value)
        for (sheet, key, period), value in sorted(prov.inputs.items())
        if sheet == "Inputs" and isinstance(value, int | float) and not isinstance(value, bool)
    ]
    step = max(1, len(numeric) // EDITS)
    chosen = numeric[::step][:EDITS]
    rows = keyed["Inputs"].rows
    typed = {rows[key].cells[period]: value * 1.1 or 1.0 for key, period, value in chosen}
    type_values(book, out, "Inputs", typed)
    capex = keyed["Capex"]
    total = capex.rows["capex:TOTAL"]
    view = {"A1": "My view of the universe", "A2": "capex, total, twice"}
    for i, period in enumerate(capex.periods[-10:], start=3):
        view[f"A{i}"] = period
        view[f"B{i}"] = f"='Capex'!{total.cells[period]}*2"
    return repack(out, out, add={"My view": view})


def measure_size(work: Path, n: int, quarterly: bool, say) -> dict:
    kind = "quarterly" if quarterly else "annual"
    inputs = write_universe(work / f"{kind}{n}", n, quarterly=quarterly)
    ok, said = validate(inputs)
    if not ok:  # the synthetic universe draws outliers the inputs' checks refuse
        say(f"  {kind} {n}: skipped, modelgen validate refuses it: {said.splitlines()[-1]}")
        return {"skipped": said.splitlines()[-1] if said else "refused"}
    book, old, new = (work / f"{kind}{n}{s}.xlsx" for s in ("", "-analyst", "-regenerated"))
    out = {"build": job("build", inputs, book)}
    say(f"  {kind} {n}: build {out['build']['seconds']:.1f} s")
    analyst_copy(book, old)
    out["previous"] = job_previous(inputs, new, old)
    out["verify"] = job("verify", book, Path("-"))
    out["diff"] = job("diff", old, new)
    for step in ("previous", "verify", "diff"):
        out[step]["ratio"] = out[step]["seconds"] / out["build"]["seconds"]
        say(f"  {kind} {n}: {step} {out[step]['seconds']:.1f} s, {out[step]['ratio']:.2f} x build")
    return out


def _peak(step: dict) -> float:
    """A step's peak memory: its own and its reader's added, for diff and verify (an upper
    bound: the pages the two share are counted twice)."""
    return step["peak_mb"] + step.get("reader_peak_mb", 0.0)


def job_previous(inputs: Path, new: Path, old: Path) -> dict:
    import subprocess

    cmd = [sys.executable, str(HERE / "measure.py"), "previous", str(inputs), str(new), str(old)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"previous failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--annual", action="store_true", help="annual universes only")
    args = parser.parse_args()
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    results: dict[str, object] = {"targets": TARGETS}
    with tempfile.TemporaryDirectory(prefix="modelgen-roundtrip-") as tmp:
        work = Path(tmp)
        shipped = work / "shipped.xlsx"
        job("build", HERE.parent / "inputs", shipped)
        runs = [job("verify", shipped, Path("-")) for _ in range(3)]
        results["shipped_verify"] = sorted(runs, key=lambda r: r["seconds"])[1]
        for quarterly in (False,) if args.annual else (False, True):
            for n in args.sizes:
                key = f"{'quarterly' if quarterly else 'annual'}{n}"
                results[key] = measure_size(work, n, quarterly, say)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "roundtrip.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    sv = results["shipped_verify"]
    print(
        f"shipped model: verify --engine ironcalc {sv['seconds']:.2f} s "
        f"(imports {sv['import_seconds']:.2f} s; target {TARGETS['shipped_verify_s']} s)"
    )
    print(f"{'universe':<14}{'build s':>9}{'previous':>10}{'verify':>9}{'diff':>9}{'peak MB':>9}")
    for key, r in results.items():
        if isinstance(r, dict) and "skipped" in r:
            print(f"{key:<14}skipped: {r['skipped']}")
        if not isinstance(r, dict) or "build" not in r:
            continue
        peak = max(_peak(r[s]) for s in ("build", "previous", "verify", "diff"))
        print(
            f"{key:<14}{r['build']['seconds']:>9.1f}{r['previous']['ratio']:>9.2f}x"
            f"{r['verify']['ratio']:>8.2f}x{r['diff']['ratio']:>8.2f}x{peak:>9.0f}"
        )


if __name__ == "__main__":
    main()
