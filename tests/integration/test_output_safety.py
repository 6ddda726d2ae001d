"""A failed or interrupted build loses nothing.

Whatever stops a build (an exception in the writer, a full disk, Ctrl-C, SIGTERM, a second
build racing for the same file), the workbook at ``--out`` is either the old one, byte for
byte, or a complete new one; never a mix, and no temporary file is left behind. Output
paths that cannot be a workbook (a folder, an input CSV, a path inside a file, a folder that
cannot be written) get a clear one-line error. (Same inputs, same bytes: tests/integration/test_workbook.py.)
"""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import modelgen.atomic
import modelgen.xlsx.workbook
from modelgen.atomic import OutputError, OutputPathError
from modelgen.build import build
from modelgen.cli import app
from tests.cli import run_modelgen, start_modelgen
from tests.engine import engine, require_soffice

ROOT = Path(__file__).resolve().parents[2]


def write_folder(folder: Path, companies: int, years: int, scale: float = 1.0) -> Path:
    """A valid input folder of `companies` tickers with `years` years of actuals each.

    Its build time grows with companies x years^2 (the vintage grid): 8 x 8 writes for
    about a second, long enough to signal a build while its temporary file is open.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tickers = [f"T{i:03d}" for i in range(companies)]
    rows = {
        "companies.csv": ["ticker,name,fiscal_year_end_month"]
        + [f"{t},Company {t},12" for t in tickers],
        "capex.csv": ["ticker,period,capex,source"]
        + [
            f"{t},{2000 + y},{(10 + i + 1.5 * y) * scale:g},filing"
            for i, t in enumerate(tickers)
            for y in range(years)
        ],
        "financials.csv": ["ticker,period,net_income,source"]
        + [
            f"{t},{2000 + y},{100 + i - y},filing"
            for i, t in enumerate(tickers)
            for y in range(years)
        ],
        "guidance.csv": ["ticker,period,capex_low,capex_high,source"],
        "assumptions.csv": [
            "ticker,asset_class,share,useful_life_years",
            "*,servers,0.5,5.5",
            "*,buildings,0.5,25",
        ],
        "settings.csv": ["key,value", "forecast_years,5"],
    }
    for name, lines in rows.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def leftovers(folder: Path) -> list[str]:
    """Temporary files a build may have left in the output folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(scope="session")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of the workbook built from a small folder (2 companies, 3 years), built
    once per test process: every test that needs an existing workbook gets a copy."""
    root = tmp_path_factory.mktemp("small_book")
    return build(write_folder(root / "small", 2, 3), root / "model.xlsx").out.read_bytes()


def place(book: bytes, out: Path) -> Path:
    """An existing workbook at ``out`` (its folder made), holding ``book``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(book)
    return out


@pytest.fixture
def old_book(tmp_path: Path, small_book: bytes) -> tuple[Path, bytes]:
    """An existing workbook at out/model.xlsx, built from a small folder; and its bytes."""
    return place(small_book, tmp_path / "out" / "model.xlsx"), small_book


def assert_untouched(out: Path, old: bytes) -> None:
    assert out.read_bytes() == old, "the old workbook was changed"
    assert leftovers(out.parent) == [], "a temporary file was left behind"


def one_line_no_traceback(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def says_cannot_write(line: str, out: Path, reason: str) -> None:
    """The one line names the output and the operating system's reason."""
    assert line.startswith(f"modelgen: {out}: "), line
    assert reason in line.lower(), line


# --- (a) a build failing while it writes -------------------------------------------------


class Boom(RuntimeError):
    pass


def _fail_on_call(n: int, real):
    return _fail_on_nth(n, real, {"n": 0})


def _fail_on_nth(n: int, real, calls: dict):
    """`real`, failing on the `n`th call counted in `calls` (shared between methods)."""

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise Boom(f"failure injected at call {n}")
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize(
    "where",
    ["a row of a sheet", "the cover", "the zip, half written", "the final rename"],
)
def test_a_build_failing_mid_write_leaves_the_old_workbook(tmp_path, old_book, monkeypatch, where):
    out, old = old_book
    inputs = write_folder(tmp_path / "in", 3, 4)
    if where == "a row of a sheet":
        monkeypatch.setattr(
            modelgen.xlsx.workbook,
            "_write_row",
            _fail_on_call(40, modelgen.xlsx.workbook._write_row),
        )
    elif where == "the cover":
        monkeypatch.setattr(modelgen.xlsx.workbook, "write_cover", _fail_on_call(1, None))
    elif where == "the zip, half written":
        # xlsxwriter writes the zip members at close() (from its temporary files, or from
        # memory); fail after a few are on disk, whichever way it adds them
        calls = {"n": 0}
        for method in ("write", "writestr"):
            real = getattr(zipfile.ZipFile, method)
            monkeypatch.setattr(zipfile.ZipFile, method, _fail_on_nth(6, real, calls))
    else:
        monkeypatch.setattr(modelgen.atomic.os, "replace", _fail_on_call(1, None))
    with pytest.raises(Boom):
        build(inputs, out)
    assert_untouched(out, old)


def test_a_bug_while_writing_is_exit_70_in_one_line_and_loses_nothing(
    tmp_path, old_book, monkeypatch
):
    out, old = old_book
    inputs = write_folder(tmp_path / "in", 3, 4)
    monkeypatch.setattr(
        modelgen.xlsx.workbook, "_write_row", _fail_on_call(10, modelgen.xlsx.workbook._write_row)
    )
    result = CliRunner().invoke(app, ["build", "-q", "--inputs", str(inputs), "--out", str(out)])
    assert result.exit_code == 70
    assert "internal error (a bug): Boom: failure injected" in result.output
    assert "Traceback" not in result.output
    assert_untouched(out, old)


# --- (c) a full disk ----------------------------------------------------------------------


@pytest.mark.parametrize("where", ["zip write", "rename"])
def test_a_full_disk_is_a_clear_error_exit_2_and_loses_nothing(
    tmp_path, old_book, monkeypatch, where
):
    out, old = old_book
    inputs = write_folder(tmp_path / "in", 3, 4)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "zip write":  # xlsxwriter wraps this OSError in its own FileCreateError
        monkeypatch.setattr(zipfile.ZipFile, "writestr", no_space)
        monkeypatch.setattr(zipfile.ZipFile, "write", no_space)
    else:
        monkeypatch.setattr(modelgen.atomic.os, "replace", no_space)
    with pytest.raises(OutputError) as exc:  # the library names the output and the cause
        build(inputs, out)
    assert exc.value.errno == errno.ENOSPC and exc.value.filename == str(out)
    assert "unchanged" in str(exc.value)
    assert_untouched(out, old)
    result = CliRunner().invoke(app, ["build", "-q", "--inputs", str(inputs), "--out", str(out)])
    assert result.exit_code == 2, result.output
    says_cannot_write(one_line_no_traceback(result.output), out, "no space left on device")
    assert_untouched(out, old)


def test_a_real_file_size_limit_in_a_real_process(tmp_path, old_book):
    """No mock: the kernel refuses to grow the file past RLIMIT_FSIZE (EFBIG), mid-zip."""
    out, old = old_book
    inputs = write_folder(tmp_path / "in", 4, 5)

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    run = run_modelgen(
        "build", "-q", "--inputs", inputs, "--out", out, preexec_fn=limit, timeout=120
    )
    assert run.returncode == 2, run.stderr
    says_cannot_write(one_line_no_traceback(run.stderr), out, "file too large")
    assert_untouched(out, old)


# --- (b) SIGINT and SIGTERM sent to a real build while it writes -------------------------


def _start_build(inputs: Path, out: Path) -> subprocess.Popen:
    return start_modelgen("build", "-q", "--inputs", inputs, "--out", out)


def _wait_for_temp_file(proc: subprocess.Popen, folder: Path, timeout: float = 60) -> bool:
    """Wait until the build has its temporary file open (it is writing); False if it ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if leftovers(folder):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("the build never started writing")


@pytest.fixture(scope="module")
def slow_inputs(tmp_path_factory) -> tuple[Path, bytes]:
    """A folder that takes about a second to write, and the bytes of its complete workbook."""
    root = tmp_path_factory.mktemp("slow")
    inputs = write_folder(root / "in", 8, 8)
    reference = root / "reference.xlsx"
    build(inputs, reference)
    return inputs, reference.read_bytes()


# (signal, seconds after the temporary file appears): 0 s lands early in the write; the
# later ones sweep across it, into the zip writing and the rename, and may miss the end.
SIGNALS = [
    (signal.SIGINT, 0.0),
    (signal.SIGTERM, 0.0),
    (signal.SIGINT, 0.4),
    (signal.SIGTERM, 0.8),
]


def test_sigint_and_sigterm_while_writing_lose_nothing(tmp_path, slow_inputs, small_book):
    inputs, complete = slow_inputs
    runs = []
    for i, (sig, delay) in enumerate(SIGNALS):
        out = place(small_book, tmp_path / f"run{i}" / "model.xlsx")
        runs.append((sig, delay, out, small_book))
    # two at a time: each build keeps one core busy
    for batch in (runs[i : i + 2] for i in range(0, len(runs), 2)):
        procs = [
            (_start_build(inputs, out), sig, delay, out, old) for sig, delay, out, old in batch
        ]
        signalled = []
        for proc, sig, delay, out, _ in procs:
            writing = _wait_for_temp_file(proc, out.parent)
            time.sleep(delay)
            signalled.append(writing and proc.poll() is None)
            if proc.poll() is None:
                proc.send_signal(sig)
        for (proc, sig, delay, out, old), was_writing in zip(procs, signalled, strict=True):
            stdout, stderr = proc.communicate(timeout=60)
            assert leftovers(out.parent) == [], (sig, delay)
            final = out.read_bytes()
            assert final in (old, complete), f"{sig.name} after {delay} s damaged the workbook"
            if delay == 0:  # sent while the temporary file was being written
                assert was_writing and proc.returncode != 0, f"{sig.name} did not interrupt"
                assert final == old
            if proc.returncode == 0:  # the signal came after the build had finished
                assert final == complete
                continue
            want = 130 if sig == signal.SIGINT else 143
            assert proc.returncode == want, (sig, delay, proc.returncode, stderr)
            word = "interrupted" if sig == signal.SIGINT else "terminated"
            # a signal landing just after the rename stops the command with the complete new
            # workbook in place, and the message says so; either way, never a mix
            left = (
                f"{out} had already been written in full"
                if final == complete
                else "nothing was written"
            )
            assert one_line_no_traceback(stderr) == f"modelgen: {word}; {left}"


def test_an_interrupt_as_the_temporary_file_is_made_still_removes_it(tmp_path, monkeypatch):
    """SIGINT sent to the process while the temporary file is being created: another thread
    takes it (a process's signal goes to any thread that does not block it, as numpy's BLAS
    threads do not), and Python raises KeyboardInterrupt in the main thread at once. It must
    come inside the `try` that removes the file (once, under load, it came before)."""
    made = tempfile.mkstemp

    def made_then_interrupted(*args, **kwargs):
        found = made(*args, **kwargs)
        other = threading.Thread(target=os.kill, args=(os.getpid(), signal.SIGINT))
        other.start()  # the main thread is in the hold: the kernel picks this one
        other.join()
        return found

    monkeypatch.setattr(tempfile, "mkstemp", made_then_interrupted)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # as a command has it
    try:
        with pytest.raises(KeyboardInterrupt):
            with modelgen.atomic.replacing(tmp_path / "model.xlsx"):
                pytest.fail("the interrupt comes before the caller writes anything")
    finally:
        signal.signal(signal.SIGINT, before)
    assert list(tmp_path.iterdir()) == []


# --- (d) two builds racing for the same file ----------------------------------------------


def test_two_builds_at_once_leave_one_complete_workbook(tmp_path):
    a_in = write_folder(tmp_path / "a", 10, 10)
    b_in = write_folder(tmp_path / "b", 10, 10, scale=2.0)
    build(a_in, tmp_path / "a.xlsx")
    build(b_in, tmp_path / "b.xlsx")
    a, b = (tmp_path / "a.xlsx").read_bytes(), (tmp_path / "b.xlsx").read_bytes()
    assert a != b
    out = tmp_path / "common" / "model.xlsx"
    out.parent.mkdir()
    most_at_once = 0
    for _ in range(5):  # on a busy machine one start can lag the other's whole write
        procs = [_start_build(a_in, out), _start_build(b_in, out)]
        most_at_once = 0
        while any(p.poll() is None for p in procs):
            most_at_once = max(most_at_once, len(leftovers(out.parent)))
            time.sleep(0.002)
        for p in procs:
            _, stderr = p.communicate()
            assert p.returncode == 0, stderr
        # whichever renamed last won; either way a complete workbook, never a mix
        assert out.read_bytes() in (a, b), "the workbook is a mix of the two builds"
        assert leftovers(out.parent) == []
        if most_at_once == 2:
            break
    assert most_at_once == 2, "the two builds never overlapped in 5 tries; the race was not run"


# --- (e) output paths that cannot be a workbook -------------------------------------------


def _cli_build(inputs: Path, out: str | Path) -> subprocess.CompletedProcess:
    return run_modelgen("build", "-q", "--inputs", inputs, "--out", out, timeout=120)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    "target, words",
    [
        ("in/capex.csv", "the output does not end in .xlsx"),
        ("in", "the output is a folder"),
        ("in/capex.csv/model.xlsx", "which is a file, not a folder"),
        ("out_folder.xlsx", "the output is a folder"),
    ],
)
def test_output_that_cannot_be_a_workbook_is_refused(tmp_path, target, words):
    inputs = write_folder(tmp_path / "in", 2, 3)
    (tmp_path / "out_folder.xlsx").mkdir()
    before = _snapshot(inputs)
    run = _cli_build(inputs, tmp_path / target)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert words in run.stderr and str(tmp_path / target) in run.stderr, run.stderr
    assert _snapshot(inputs) == before, "an input file was changed"
    assert leftovers(inputs) == [] and leftovers(tmp_path) == []


def test_a_link_to_an_input_csv_is_replaced_not_written_through(tmp_path):
    inputs = write_folder(tmp_path / "in", 2, 3)
    before = _snapshot(inputs)
    link = tmp_path / "model.xlsx"
    link.symlink_to(inputs / "capex.csv")
    assert _cli_build(inputs, link).returncode == 0
    assert _snapshot(inputs) == before
    assert not link.is_symlink() and zipfile.is_zipfile(link)


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root ignores folder permissions; see the /sys test below"
)
def test_output_folder_without_write_permission(tmp_path):
    inputs = write_folder(tmp_path / "in", 2, 3)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        run = _cli_build(inputs, locked / "model.xlsx")
    finally:
        locked.chmod(0o700)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "cannot be written" in run.stderr
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="no /sys on this system")
def test_output_where_even_root_cannot_create_a_file(tmp_path):
    """sysfs refuses new files to every user, root included: an honest unwritable folder."""
    inputs = write_folder(tmp_path / "in", 2, 3)
    out = Path("/sys/modelgen-test-model.xlsx")
    run = _cli_build(inputs, out)
    assert run.returncode == 2
    line = one_line_no_traceback(run.stderr)
    assert line.startswith(f"modelgen: {out}"), line
    reasons = ("permission denied", "read-only file system", "cannot be written")
    assert any(r in line.lower() for r in reasons), line
    assert not out.exists()


def test_library_refuses_the_same_paths(tmp_path):
    inputs = write_folder(tmp_path / "in", 2, 3)
    for target in (inputs / "capex.csv", inputs, inputs / "capex.csv" / "m.xlsx"):
        with pytest.raises(OutputPathError):
            build(inputs, target)


# --- an interrupted verify ---------------------------------------------------------------


def _libreoffice_with(text: str) -> list[int]:
    """Live (not zombie) LibreOffice processes whose command line mentions `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if "soffice" in cmdline and text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@engine
def test_sigterm_to_verify_ends_its_libreoffice_too(tmp_path, small_book):
    """LibreOffice runs in a session of its own (so a timeout can end all of it); an
    interrupted verify must end it as well, not leave it working in a deleted folder."""
    require_soffice()
    book = place(small_book, tmp_path / "verify-me.xlsx")
    proc = start_modelgen("verify", book)
    deadline = time.monotonic() + 60
    while not _libreoffice_with(str(book)):
        assert proc.poll() is None, "verify ended before LibreOffice started"
        assert time.monotonic() < deadline, "LibreOffice never started"
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert one_line_no_traceback(stderr) == "modelgen: terminated"  # verify writes nothing
    deadline = time.monotonic() + 10
    while _libreoffice_with(str(book)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _libreoffice_with(str(book)) == [], "LibreOffice is still running"
