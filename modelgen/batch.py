"""A coverage universe in one command: many workbooks built (or regenerated) and verified.

``modelgen batch MANIFEST`` reads a manifest (:mod:`modelgen.batch_manifest`), then runs
each row as a :class:`Job` in a worker: build the workbook beside its target under a
staging name (from its previous workbook, when it has one, carrying the analyst's work as
``build --previous`` does), have IronCalc recalculate it in process (``verify``) and only
if it verifies put it in place of the old one. A row that fails, for whatever reason,
leaves its old workbook as it was and does not stop the others.

Where the rows run:

- on this machine, in a pool of worker processes (``concurrent.futures``): one interpreter
  per worker, each running many rows, so imports are paid once per worker;
- on a Dask cluster (``dask.distributed``, the optional extra ``modelgen[dask]``): Dask
  places the rows on its workers, which read and write the shared folder the manifest
  names. modelgen runs no scheduler of its own.

**Done** (``--skip-done``): a row is done when the record written beside its workbook
after it verified (``WORKBOOK.batch.json``) still matches: the same modelgen version, the
same SHA-256 of every file in the inputs folder (and of the previous workbook, when that
is another file) and of the workbook itself. Content, not times: copying a folder or a
clock that differs between Dask workers changes no hash, while any edit of an input, or
of the workbook after it was verified, makes the row run again. A row whose previous
workbook is the workbook itself (a folder manifest) is done while the workbook is the one
it verified.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import socket
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError
from modelgen.xlsx.aside import in_turn, work_in_turn

__all__ = ["Job", "Outcome", "is_done", "run_batch", "run_job", "exit_code"]

VERIFIED, FAILED, REFUSED, SKIPPED = "verified", "failed", "refused", "done"
RECORD_SUFFIX = ".batch.json"


@dataclass(frozen=True)
class Job:
    """One manifest row: build ``workbook`` from ``inputs`` (carrying ``previous``)."""

    row: int  # the manifest's line (a CSV) or position (a folder), for messages
    inputs: Path
    workbook: Path
    previous: Path | None = None


@dataclass
class Outcome:
    """What became of one row."""

    row: int
    inputs: str
    workbook: str
    status: str  # verified, failed (built but not verified, or an engine error), refused, done
    seconds: float = 0.0
    check_failures: float | None = None
    surprise: str | None = None  # the largest forecast-against-actual surprise, in words
    surprise_pct: float | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (VERIFIED, SKIPPED)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _record_path(workbook: Path) -> Path:
    return workbook.with_name(workbook.name + RECORD_SUFFIX)


def _fingerprint(job: Job) -> dict[str, object]:
    """What a verified workbook was made from (see the module docstring: Done)."""
    from modelgen._version import __version__

    files = sorted(p for p in job.inputs.rglob("*") if p.is_file())
    inputs = {str(p.relative_to(job.inputs)): _sha256(p) for p in files}
    previous = None
    if job.previous is not None and job.previous.resolve() != job.workbook.resolve():
        previous = _sha256(job.previous) if job.previous.exists() else "missing"
    return {"modelgen": __version__, "inputs": inputs, "previous": previous}


def is_done(job: Job) -> bool:
    """True when the row's workbook is the one verified from the inputs as they are now."""
    record = _record_path(job.workbook)
    if not (record.is_file() and job.workbook.is_file()):
        return False
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
        return saved == {**_fingerprint(job), "workbook": _sha256(job.workbook)}
    except (OSError, ValueError):
        return False


def _largest_surprise(build_result: object) -> tuple[str | None, float | None]:
    carry = getattr(build_result, "carry", None)
    found = carry.forecast_vs_actual() if carry is not None else []
    if not found:
        return None, None
    top = max(found, key=lambda s: abs(s.surprise_pct or 0.0))
    words = f"{top.label or top.key} {top.period}: {top.surprise:+,.4g}"
    return words, top.surprise_pct


def run_job(job: Job, skip_done: bool = False) -> Outcome:
    """Build, verify and, only if it verified, put the workbook in place; never raises for
    a row's own failure (the Outcome says what went wrong)."""
    from modelgen.build import build
    from modelgen.engine.verify import verify
    from modelgen.locks import refuse_open

    start = time.perf_counter()
    out = Outcome(job.row, str(job.inputs), str(job.workbook), FAILED)
    if skip_done and is_done(job):
        out.status, out.message = SKIPPED, "unchanged since it verified"
        return out
    staging = _staging(job.workbook, os.getpid())
    try:
        refuse_open(job.workbook)
        _remove_stale_staging(job.workbook)
        previous = job.previous if job.previous is not None and job.previous.exists() else None
        result = build(job.inputs, staging, previous=previous)
        report = verify(staging, engine="ironcalc")
        out.check_failures = getattr(report, "check_failures", None)
        out.surprise, out.surprise_pct = _largest_surprise(result)
        if report.ok:
            fingerprint = _fingerprint(job)  # before the previous workbook is replaced
            os.replace(staging, job.workbook)
            record = {**fingerprint, "workbook": _sha256(job.workbook)}
            _record_path(job.workbook).write_text(json.dumps(record, indent=1), "utf-8")
            out.status = VERIFIED
        else:
            lines = report.lines(limit=3)
            out.message = "; ".join(line.strip() for line in lines[:3])
    except ModelgenError as exc:
        out.status = REFUSED if exc.exit_code == EXIT_BAD_INPUT else FAILED
        out.message = str(exc).replace("\n", "; ")
    except Exception as exc:  # noqa: BLE001 - a row's failure is reported, the rest go on
        out.message = f"{type(exc).__name__}: {exc}"
    finally:
        with contextlib.suppress(FileNotFoundError):
            staging.unlink()
        out.seconds = time.perf_counter() - start
    return out


def _staging(workbook: Path, pid: int) -> Path:
    """The hidden name a row is built under beside ``workbook``, by this machine's process
    ``pid`` (the host too: on a Dask cluster, workers of other machines share the folder)."""
    return workbook.with_name(f".{workbook.stem}.batch-{socket.gethostname()}-{pid}.xlsx")


def _remove_stale_staging(workbook: Path) -> None:
    """Remove what a worker of this machine that was killed mid-row left beside
    ``workbook``: a staging file whose process no longer runs. Another machine's, or a
    live process's, is left alone (on a platform without signal 0, every one is)."""
    if os.name != "posix":
        return
    prefix = _staging(workbook, 0).name[: -len("0.xlsx")]
    for path in workbook.parent.glob(glob.escape(prefix) + "*.xlsx"):
        pid = path.name[: -len(".xlsx")].rsplit("-", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: is there such a process (POSIX only)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # there is, and it is not ours to signal
    return True


@dataclass
class BatchResult:
    """Every row's outcome, in manifest order."""

    outcomes: list[Outcome] = field(default_factory=list)
    where: str = ""  # "2 local workers" or "Dask at ADDRESS"

    @property
    def exit_code(self) -> int:
        return exit_code(self.outcomes)

    def lines(self) -> list[str]:
        """The summary table (row, status, seconds, check failures, largest surprise), then
        each row that failed with its reason, then a count."""
        head = ("row", "status", "seconds", "checks failing", "largest surprise", "workbook")
        body = [
            (
                str(o.row),
                o.status,
                f"{o.seconds:.1f}",
                "" if o.check_failures is None else f"{o.check_failures:g}",
                (o.surprise or "") + (f" ({o.surprise_pct:+.1%})" if o.surprise_pct else ""),
                o.workbook,
            )
            for o in self.outcomes
        ]
        widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
        out = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in [head, *body]
        ]
        failing = [o for o in self.outcomes if not o.ok]
        out += [f"row {o.row} ({o.inputs}) {o.status}: {o.message}" for o in failing]
        ok = len(self.outcomes) - len(failing)
        out.append(
            f"{ok} of {len(self.outcomes)} workbooks verified ({self.where})"
            + (f"; failing rows: {', '.join(str(o.row) for o in failing)}" if failing else "")
        )
        return out

    def to_json(self) -> str:
        return json.dumps(
            {
                "where": self.where,
                "exit_code": self.exit_code,
                "rows": [asdict(o) for o in self.outcomes],
            },
            indent=2,
        )


def exit_code(outcomes: Iterable[Outcome]) -> int:
    """0 when every row verified (or was done), 2 when an input was refused, else 1."""
    statuses = {o.status for o in outcomes}
    if REFUSED in statuses:
        return EXIT_BAD_INPUT
    return 1 if FAILED in statuses else 0


def run_batch(
    jobs: list[Job],
    *,
    workers: int | None = None,
    dask: str | None = None,
    skip_done: bool = False,
    on_outcome: Callable[[Outcome, int, int], None] | None = None,
) -> BatchResult:
    """Run every job, locally in ``workers`` processes (default: the CPU count) or on the
    Dask scheduler at ``dask``; ``on_outcome(outcome, done, total)`` as each row ends."""
    if len({j.workbook.resolve() for j in jobs}) < len(jobs):
        raise BatchError("two rows of the manifest write the same workbook")
    report = on_outcome or (lambda *_: None)
    outcomes: list[Outcome] = []
    if dask:
        where, results = f"Dask at {dask}", _on_dask(jobs, dask, skip_done)
    else:
        workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
        where, results = (
            f"{workers} local worker{'s' * (workers != 1)}",
            _local(jobs, workers, skip_done),
        )
    for outcome in results:
        outcomes.append(outcome)
        report(outcome, len(outcomes), len(jobs))
    return BatchResult(sorted(outcomes, key=lambda o: o.row), where)


class BatchError(ModelgenError):
    """A manifest that cannot be run, or a Dask cluster that cannot be reached."""

    exit_code = EXIT_BAD_INPUT


def _local(jobs: list[Job], workers: int, skip_done: bool) -> Iterable[Outcome]:
    if workers == 1:  # no pool to start: the rows run in this process
        with in_turn():
            yield from (run_job(job, skip_done) for job in jobs)
        return
    crashed = yield from _pool(jobs, workers, skip_done, retry=True)
    for job in crashed:  # each again alone: a row that kills its worker takes no other down
        yield from _pool([job], 1, skip_done, retry=False)


def _pool(
    jobs: list[Job], workers: int, skip_done: bool, *, retry: bool
) -> Generator[Outcome, None, list[Job]]:
    """Run ``jobs`` on a pool of ``workers`` processes, yielding each outcome; return the
    jobs to run again (``retry``): a worker that dies (killed, out of memory) breaks the
    whole pool, and every row it had not finished with it."""
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    crashed: list[Job] = []
    with ProcessPoolExecutor(max_workers=workers, initializer=work_in_turn) as pool:
        futures = {pool.submit(run_job, job, skip_done): job for job in jobs}
        for future in as_completed(futures):
            if retry and isinstance(future.exception(), BrokenProcessPool):
                crashed.append(futures[future])
            else:
                yield _result(future, futures[future])
    return crashed


def _on_dask(jobs: list[Job], address: str, skip_done: bool) -> Iterable[Outcome]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BatchError("--dask needs dask.distributed: pip install 'modelgen[dask]'") from None
    try:
        client = Client(address, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        futures = client.map(run_job, jobs, skip_done=skip_done, pure=False)
        by_future = dict(zip(futures, jobs, strict=True))
        for future in as_completed(futures):
            yield _result(future, by_future[future])


def _result(future: Any, job: Job) -> Outcome:
    """The row's outcome, or a failed one when its worker died under it (killed, out of
    memory): the other rows go on, and the old workbook was never replaced."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - BrokenProcessPool, KilledWorker, ...
        message = f"its worker process failed ({type(exc).__name__}: {exc})"
        return Outcome(job.row, str(job.inputs), str(job.workbook), FAILED, message=message)
