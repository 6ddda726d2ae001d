"""A workbook open in Excel or LibreOffice is not replaced.

Their lock file beside it (`~$name.xlsx`, `.~lock.name.xlsx#`) says a program has it open:
replacing it then loses the analyst's unsaved work, or the program saves it over the new
build. build and update refuse with exit 2 naming the lock file, and leave the workbook as
it was; `--force` goes on. A lock its program left behind (a crash) looks the same: the
message says how to tell and what to do.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from modelgen.engine.libreoffice import find_soffice, prepare_profile
from tests.cli import run_modelgen
from tests.engine import engine, require_soffice
from tests.integration.test_output_safety import place, write_folder
from tests.integration.test_sec import SNOWFLAKE
from tests.integration.test_unknown_names import copy, snapshot, snow  # noqa: F401 - fixtures

EXCEL, LIBREOFFICE = "~$model.xlsx", ".~lock.model.xlsx#"
#: what LibreOffice writes: the name set in its options (often empty), the system's user name,
#: the host, the time it opened the file, its profile
LIBREOFFICE_LOCK = (
    "Jane Analyst,jane,laptop-7,06.12.2026 09:14,file:///home/jane/.config/libreoffice/4;"
)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """An input folder and the bytes of a workbook built from other inputs."""
    root = tmp_path_factory.mktemp("open")
    other = root / "other.xlsx"
    assert run_modelgen("build", "-q", "--inputs", write_folder(root / "a", 2, 3), "--out", other).returncode == 0  # fmt: skip
    return write_folder(root / "b", 3, 4), other.read_bytes()


def says_open(stderr: str, lock: Path) -> str:
    """One line naming the lock file and the three ways on."""
    assert "Traceback" not in stderr, stderr
    (line,) = stderr.splitlines()
    assert line.startswith("modelgen: "), line
    assert f"lock file {lock}" in line, line
    assert "close it" in line and "delete the lock file" in line and "--force" in line, line
    return line


@pytest.mark.parametrize("lock, program", [(EXCEL, "Excel"), (LIBREOFFICE, "LibreOffice")])
def test_a_build_over_an_open_workbook_is_refused(folders, tmp_path, lock, program):
    inputs, old = folders
    out = place(old, tmp_path / "out" / "model.xlsx")
    held = out.parent / lock
    held.write_bytes(LIBREOFFICE_LOCK.encode() if program == "LibreOffice" else b"\x04jane")
    run = run_modelgen("build", "-q", "--inputs", inputs, "--out", out, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    line = says_open(run.stderr, held)
    assert line.startswith(f"modelgen: {out} is open in {program}"), line
    assert out.read_bytes() == old and held.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, lock])


def test_the_lock_says_who_holds_it(folders, tmp_path):
    inputs, old = folders
    out = place(old, tmp_path / "model.xlsx")
    (tmp_path / LIBREOFFICE).write_text(LIBREOFFICE_LOCK)
    run = run_modelgen("build", "-q", "--inputs", inputs, "--out", out, timeout=120)
    assert run.returncode == 2
    assert "by Jane Analyst on laptop-7 since 06.12.2026 09:14" in run.stderr, run.stderr


def test_force_replaces_it_all_the_same(folders, tmp_path):
    inputs, old = folders
    out = place(old, tmp_path / "model.xlsx")
    (tmp_path / EXCEL).write_bytes(b"\x04jane")
    run = run_modelgen("build", "-q", "--force", "--inputs", inputs, "--out", out, timeout=120)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() != old and (tmp_path / EXCEL).exists()  # the lock is not ours


def test_a_lock_of_another_workbook_is_no_matter(folders, tmp_path):
    inputs, old = folders
    out = place(old, tmp_path / "model.xlsx")
    (tmp_path / "~$other.xlsx").write_bytes(b"\x04jane")
    (tmp_path / ".~lock.model.xlsx.bak#").write_text(LIBREOFFICE_LOCK)
    assert run_modelgen("build", "-q", "--inputs", inputs, "--out", out).returncode == 0


@pytest.mark.parametrize("how", ["--previous", "--carry"])
def test_a_previous_workbook_open_elsewhere_is_refused(folders, tmp_path, how):
    """Its unsaved edits would not be carried; with --carry it is also the one replaced."""
    inputs, old = folders
    previous = place(old, tmp_path / "prev" / "model.xlsx")
    (previous.parent / LIBREOFFICE).write_text(LIBREOFFICE_LOCK)
    out = tmp_path / "new.xlsx"
    args = ["--previous", previous, "--out", out] if how == "--previous" else ["--carry", "--out", previous]  # fmt: skip
    run = run_modelgen("build", "-q", "--inputs", inputs, *args, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    says_open(run.stderr, previous.parent / LIBREOFFICE)
    assert previous.read_bytes() == old and not out.exists()


def test_update_over_an_open_workbook_changes_nothing(copy):  # noqa: F811 - the fixture
    folder, book = copy
    lock = book.parent / f".~lock.{book.name}#"
    lock.write_text(LIBREOFFICE_LOCK)
    before, old = snapshot(folder), book.read_bytes()
    run = run_modelgen("update", "--inputs", folder, "--sec", SNOWFLAKE, "--workbook", book, timeout=120)  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    says_open(run.stderr, lock)
    assert snapshot(folder) == before and book.read_bytes() == old
    assert sorted(p.name for p in book.parent.iterdir()) == sorted([book.name, lock.name])


@engine
def test_a_workbook_libreoffice_has_open_and_then_its_stale_lock(folders, tmp_path):
    """No stand-in: LibreOffice opens the workbook and writes its lock; the build refuses.
    Killed, LibreOffice leaves the lock behind (stale): still refused, --force goes on."""
    require_soffice()
    inputs, old = folders
    out = place(old, tmp_path / "model.xlsx")
    profile = tmp_path / "profile"
    prepare_profile(profile)
    soffice = [find_soffice(), "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]  # fmt: skip
    proc = subprocess.Popen([*soffice, str(out)], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    lock = tmp_path / LIBREOFFICE
    try:
        deadline = time.monotonic() + 90
        while not lock.exists():
            assert proc.poll() is None and time.monotonic() < deadline, (
                "LibreOffice never opened it"
            )
            time.sleep(0.1)
        run = run_modelgen("build", "-q", "--inputs", inputs, "--out", out, timeout=120)
        assert run.returncode == 2, run.stdout + run.stderr
        line = says_open(run.stderr, lock)
        assert f"is open in LibreOffice (lock file {lock}, by " in line, line
        assert out.read_bytes() == old
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert lock.exists(), "LibreOffice removed its lock: the stale case is not tested"
    run = run_modelgen("build", "-q", "--inputs", inputs, "--out", out, timeout=120)
    assert run.returncode == 2
    run = run_modelgen("build", "-q", "--force", "--inputs", inputs, "--out", out, timeout=120)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() != old
    shutil.rmtree(profile, ignore_errors=True)
