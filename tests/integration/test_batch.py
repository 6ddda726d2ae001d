"""modelgen batch: many workbooks built, verified by IronCalc, put in place only if they verify.

Every workbook batch writes is compared byte for byte with what `modelgen build` writes for
the same inputs (a batch changes nothing about a single workbook); IronCalc recalculates
each in the workers, and the tests recalculate one again here. The Dask test starts a real
`dask.distributed.LocalCluster` on this machine (no network beyond localhost).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelgen import batch
from modelgen.batch import Job, is_done, run_batch
from modelgen.batch_manifest import read_manifest
from modelgen.build import build
from modelgen.cli import app
from modelgen.engine.verify import verify

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"
RUN_JOB = batch.run_job


def _inputs(folder: Path, scenario: str | None = None) -> Path:
    shutil.copytree(SHIPPED, folder)
    if scenario:  # the Article case: its tie-out checks fail (tests/integration/test_tie_out.py)
        with open(folder / "settings.csv", "a", encoding="utf-8") as f:
            f.write(f"scenario,{scenario}\n")
    return folder


def _broken(folder: Path) -> Path:
    _inputs(folder)
    text = (folder / "settings.csv").read_text(encoding="utf-8")
    (folder / "settings.csv").write_text(text.replace("forecast_years,5", "forecast_years,five"))
    return folder


def _manifest(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["inputs", "workbook", "previous"])
        out.writerows(rows)
    return path


def _reference(inputs: Path) -> bytes:
    """What a plain build writes for ``inputs`` (the Cover names the input folder)."""
    return build(inputs, inputs.parent / "reference" / f"{inputs.name}.xlsx").out.read_bytes()


def test_rows_run_in_a_pool_and_a_failing_row_leaves_its_workbook(tmp_path: Path) -> None:
    for name in ("a", "b"):
        _inputs(tmp_path / name)
    _inputs(tmp_path / "article", scenario="Article")
    _broken(tmp_path / "bad")
    (tmp_path / "out").mkdir()
    old_bad = tmp_path / "out" / "bad.xlsx"
    old_bad.write_bytes(b"last quarter's workbook")
    old_article = tmp_path / "out" / "article.xlsx"
    old_article.write_bytes(b"last quarter's article workbook")
    manifest = _manifest(
        tmp_path / "universe.csv",
        [
            ["a", "out/a.xlsx", ""],
            ["bad", "out/bad.xlsx", ""],
            ["article", "out/article.xlsx", ""],
            ["b", "out/b.xlsx", ""],
        ],
    )
    jobs = read_manifest(manifest)
    seen: list[int] = []
    result = run_batch(jobs, workers=2, on_outcome=lambda o, done, total: seen.append(done))
    assert seen == [1, 2, 3, 4]
    by_row = {o.row: o for o in result.outcomes}
    assert [o.row for o in result.outcomes] == [2, 3, 4, 5]  # manifest lines, in order
    assert by_row[2].status == by_row[5].status == "verified"
    assert by_row[3].status == "refused" and "settings.csv, line 3" in by_row[3].message
    assert by_row[4].status == "failed" and by_row[4].check_failures > 0
    assert result.exit_code == 2  # a refused input outranks a failed verification
    # the failing rows kept their old workbooks; the good ones are a plain build's bytes
    assert old_bad.read_bytes() == b"last quarter's workbook"
    assert old_article.read_bytes() == b"last quarter's article workbook"
    for name in ("a", "b"):
        assert (tmp_path / "out" / f"{name}.xlsx").read_bytes() == _reference(tmp_path / name)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.xlsx",
        "a.xlsx.batch.json",
        "article.xlsx",
        "b.xlsx",
        "b.xlsx.batch.json",
        "bad.xlsx",
    ]  # no staging file left behind
    report = verify(tmp_path / "out" / "a.xlsx", engine="ironcalc")
    assert report.ok and report.check_failures == 0
    lines = result.lines()
    assert lines[0].split() == ["row", "status", "seconds", "checks", "failing", "largest"] + [
        "surprise",
        "workbook",
    ]
    assert lines[-1].endswith("failing rows: 3, 4")


def test_skip_done_runs_only_what_changed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        _inputs(tmp_path / name)
    jobs = [Job(n, tmp_path / x, tmp_path / f"{x}.xlsx") for n, x in enumerate("ab", 1)]
    first = run_batch(jobs, workers=1)
    assert [o.status for o in first.outcomes] == ["verified", "verified"]
    assert all(is_done(j) for j in jobs)
    again = run_batch(jobs, workers=1, skip_done=True)
    assert [o.status for o in again.outcomes] == ["done", "done"] and again.exit_code == 0
    # an edited input (content, not time) and a workbook changed after it verified: not done
    with open(tmp_path / "a" / "settings.csv", "a", encoding="utf-8") as f:
        f.write("\n")
    (tmp_path / "b.xlsx").write_bytes((tmp_path / "b.xlsx").read_bytes() + b"\0")
    assert not is_done(jobs[0]) and not is_done(jobs[1])
    third = run_batch(jobs, workers=1, skip_done=True)
    assert [o.status for o in third.outcomes] == ["verified", "verified"]


def test_a_folder_manifest_regenerates_each_workbook_from_itself(tmp_path: Path) -> None:
    universe = tmp_path / "universe"
    universe.mkdir()
    _inputs(universe / "alpha")
    (universe / "notes").mkdir()  # not an input folder: no settings.csv
    jobs = read_manifest(universe)
    assert [(j.inputs.name, j.workbook.name, j.previous) for j in jobs] == [
        ("alpha", "alpha.xlsx", universe / "alpha.xlsx")
    ]
    assert run_batch(jobs, workers=1).exit_code == 0  # built anew: nothing to carry yet
    again = run_batch(jobs, workers=1)  # regenerated from itself, carrying nothing changed
    assert again.exit_code == 0 and again.outcomes[0].status == "verified"


def test_the_command_line(tmp_path: Path) -> None:
    _inputs(tmp_path / "a")
    manifest = _manifest(tmp_path / "m.csv", [["a", "a.xlsx", ""]])
    runner = CliRunner()
    done = runner.invoke(app, ["batch", str(manifest), "--workers", "1", "--json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.output)["rows"]
    assert [(r["row"], r["status"], r["check_failures"]) for r in rows] == [(2, "verified", 0)]
    bad = _manifest(tmp_path / "bad.csv", [["missing", "x.xlsx", ""], ["a", "x.txt", ""]])
    refused = runner.invoke(app, ["batch", str(bad)])
    assert refused.exit_code == 2
    assert f"{bad}, line 2, column inputs: missing: no such folder" in refused.output
    assert f"{bad}, line 3, column workbook" in refused.output
    assert "Traceback" not in refused.output


def test_on_a_dask_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    for name in ("a", "b"):
        _inputs(tmp_path / name)
    jobs = [Job(n, tmp_path / x, tmp_path / "out" / f"{x}.xlsx") for n, x in enumerate("ab", 1)]
    (tmp_path / "out").mkdir()
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_batch(jobs, dask=cluster.scheduler_address)
    assert result.where.startswith("Dask at tcp://")
    assert [o.status for o in result.outcomes] == ["verified", "verified"], result.lines()
    assert all(j.workbook.read_bytes() == _reference(j.inputs) for j in jobs)


def _dies_on_b(job: Job, skip_done: bool = False) -> object:
    """run_job, but the worker process given the row of b dies at once, as one killed
    would."""
    if job.inputs.name == "b":
        os._exit(9)
    return RUN_JOB(job, skip_done)


def test_a_worker_that_dies_fails_its_row_only(tmp_path: Path, monkeypatch) -> None:
    """A dead worker breaks the whole process pool; the rows it took down with it run
    again, each alone, so only the row that kills its worker fails, and its old
    workbook stays as it was."""
    rows = []
    for name in ("a", "b", "c"):
        _inputs(tmp_path / name)
        rows.append([name, f"out/{name}.xlsx", ""])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "b.xlsx").write_bytes(b"last quarter's workbook")
    jobs = read_manifest(_manifest(tmp_path / "manifest.csv", rows))
    monkeypatch.setattr(batch, "run_job", _dies_on_b)  # the pool forks after this
    result = run_batch(jobs, workers=2)
    status = {Path(o.inputs).name: o.status for o in result.outcomes}
    assert status == {"a": "verified", "b": "failed", "c": "verified"}, result.lines()
    failed = next(o for o in result.outcomes if o.status == "failed")
    assert "worker process failed" in failed.message
    assert (tmp_path / "out" / "b.xlsx").read_bytes() == b"last quarter's workbook"
    assert result.exit_code == 1
    for name in ("a", "c"):
        assert verify(tmp_path / "out" / f"{name}.xlsx", engine="ironcalc").ok


def test_a_killed_workers_staging_file_is_removed_by_the_next_run(tmp_path: Path) -> None:
    """A worker killed mid-row leaves its hidden staging file; the next run of that row
    removes it when its process is gone, and leaves a running process's alone."""
    _inputs(tmp_path / "a")
    (tmp_path / "out").mkdir()
    jobs = read_manifest(_manifest(tmp_path / "manifest.csv", [["a", "out/a.xlsx", ""]]))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that ran and is no more
    dead = batch._staging(jobs[0].workbook, gone.pid)
    live = batch._staging(jobs[0].workbook, os.getppid())  # this test's parent runs
    for left in (dead, live):
        left.write_bytes(b"half a workbook")
    assert run_batch(jobs, workers=1).exit_code == 0
    assert not dead.exists() and live.read_bytes() == b"half a workbook"
