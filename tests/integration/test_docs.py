"""Every code block of the README and of docs/ runs, exactly as written, in a fresh copy of
the repository: ```sh blocks with bash, ```python blocks with the Python under test, in order
within each file, and each must exit 0. ```text blocks are not run (a figure among them is
checked by tests/integration/test_figures.py).

A comment on the line before a block says how it runs: `<!-- test: engine -->` it needs
LibreOffice; `<!-- test: slow (why) -->` it installs from the package registry, and runs in
its own test marked `slow`; `<!-- test: ci (why) -->` CI runs it (`.ci/run` holds it);
`<!-- test: not run (why) -->` it cannot run in a test, and says why."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.engine import engine, require_soffice

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = {"sh": "bash", "python": "python"}
SHOWN = {"text"}
MARKER = re.compile(r"<!-- test: (engine|slow|ci|not run)(?: \((.+)\))? -->")
slow = pytest.mark.slow


@dataclass
class Block:
    doc: Path
    line: int
    lang: str
    code: str
    marker: str | None
    why: str | None

    def __str__(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line} ({self.lang})"


def blocks(doc: Path) -> list[Block]:
    """The fenced code blocks of `doc`, with the marker on the line before each."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        m = re.match(r"^```(\S*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = MARKER.fullmatch(lines[i - 1].strip()) if i else None
        code = "\n".join(lines[i + 1 : end]) + "\n"
        marker, why = (before[1], before[2]) if before else (None, None)
        found.append(Block(doc, i + 1, m[1], code, marker, why))
        i = end + 1
    return found


def fresh_copy(where: Path) -> Path:
    """The repository's files (tracked, and new ones not ignored) copied to `where/repo`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    repo = where / "repo"
    for name in filter(None, listed):
        src = ROOT / os.fsdecode(name)
        if src.is_file():
            (repo / src.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / src.relative_to(ROOT))
    return repo


def run(block: Block, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = (
        ["bash", "-e", "-o", "pipefail", "-c"] if block.lang == "sh" else [sys.executable, "-c"]
    )
    done = subprocess.run(
        [*command, block.code], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{block} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def _environment(repo: Path, bin_dir: Path) -> dict[str, str]:
    """`modelgen` and `python3` on PATH are this checkout's, run by the Python under test."""
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "modelgen"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m modelgen "$@"\n')
    wrapper.chmod(0o755)
    (bin_dir / "python3").symlink_to(sys.executable)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(repo),
        "PYTHONWARNINGS": "ignore",
    }


def _params():
    for doc in DOCS:
        found = blocks(doc)
        marks = [engine] if any(b.marker == "engine" for b in found) else []
        yield pytest.param(doc, marks=marks, id=doc.name)


def test_every_block_is_marked_as_it_may_be():
    for doc in DOCS:
        for b in blocks(doc):
            assert b.lang in RUN or b.lang in SHOWN, f"{b}: a block is ```sh, ```python or ```text"
            if b.marker in ("slow", "not run"):
                assert b.why, f"{b}: say why it is {b.marker}: <!-- test: {b.marker} (why) -->"
            if b.marker == "ci":
                ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
                assert all(line.split("#")[0].strip() in ci for line in b.code.splitlines()), b
            if b.lang in SHOWN:
                assert b.marker is None, f"{b}: a ```text block is not run"


@pytest.mark.parametrize("doc", list(_params()))
def test_the_code_blocks_run_as_written(doc: Path, tmp_path: Path):
    found = [b for b in blocks(doc) if b.lang in RUN and b.marker in (None, "engine")]
    if not found:
        pytest.skip(f"{doc.name} has no block to run here")
    if any(b.marker == "engine" for b in found):
        require_soffice()
    repo = fresh_copy(tmp_path)
    env = _environment(repo, tmp_path / "bin")
    for block in found:
        run(block, repo, env)


def _pythons() -> list[str]:
    """The Python under test, and the system's own where it is another one that is recent
    enough (Debian's and Ubuntu's refuse pip outside a virtual environment)."""
    found = [sys.executable]
    system = Path("/usr/bin/python3")
    if system.exists() and system.resolve() != Path(sys.executable).resolve():
        recent = subprocess.run(
            [system, "-c", "import sys; sys.exit(sys.version_info < (3, 11))"], check=False
        )
        if recent.returncode == 0:
            found.append(str(system))
    return found


@slow
@pytest.mark.parametrize("python", _pythons())
def test_the_quick_start_installs_and_builds_on_a_fresh_checkout(python: str, tmp_path: Path):
    """The README's first command, with `python3` the given Python and nothing else set up:
    it makes .venv, installs modelgen from the package registry and builds inputs/."""
    (first,) = [b for b in blocks(ROOT / "README.md") if b.marker == "slow"]
    repo = fresh_copy(tmp_path)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(python)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    done = run(first, repo, env)
    summary = done.stdout.splitlines()[-1]
    assert summary.startswith("build/capex_model.xlsx: 4 companies"), done.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert summary in readme  # the output the README shows
    assert (repo / ".venv" / "bin" / "modelgen").exists()
    assert (repo / "build" / "capex_model.xlsx").stat().st_size > 0
