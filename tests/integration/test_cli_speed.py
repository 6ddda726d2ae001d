"""What keeps the command line quick and quiet: `--help` (`-h`) and `--version` import no
heavy library, and the progress bar shows on a terminal only. (Nothing here is timed;
bench/run.py times.)"""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from modelgen import __version__
from modelgen.cli import app
from modelgen.progress import ProgressBar
from tests.cli import run_modelgen, start_modelgen

HEAVY = ("pandas", "numpy", "openpyxl", "xlsxwriter")
PROBE = """
import sys
sys.argv = ["modelgen", *{args!r}]
from modelgen.cli import main
try:
    main()
except SystemExit:
    pass
print(sorted({{m.split(".")[0] for m in sys.modules}} & {heavy!r}), file=sys.stderr)
"""


def _imports_for(*args: str) -> list[str]:
    code = PROBE.format(args=list(args), heavy=set(HEAVY))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Usage" in proc.stdout, proc.stdout + proc.stderr
    return eval(proc.stderr.strip().splitlines()[-1])  # a list literal printed above


def test_help_imports_no_heavy_library():
    assert _imports_for("--help") == []


@pytest.mark.parametrize("command", ["build", "validate", "verify", "init", "ingest-sec", "diff"])
def test_a_commands_help_imports_no_heavy_library(command):
    assert _imports_for(command, "--help") == []


@pytest.mark.parametrize("args", [["-h"], ["build", "-h"], ["preview", "-h"]])
def test_h_is_help_for_every_command(args):
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0 and run.stdout.startswith("Usage: ") and "-h, --help" in run.stdout


def test_version_prints_the_version_and_imports_no_heavy_library():
    run = CliRunner().invoke(app, ["--version"])
    assert run.exit_code == 0 and run.stdout == f"modelgen {__version__}\n"
    code = PROBE.format(args=["--version"], heavy=set(HEAVY))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout == f"modelgen {__version__}\n"
    assert eval(proc.stderr.strip().splitlines()[-1]) == []


def _in_terminal(*args: str) -> tuple[int, str]:
    """Run `modelgen ARGS` with a pseudo-terminal as its stdout and stderr."""
    leader, follower = pty.openpty()
    proc = start_modelgen(
        *args,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return proc.wait(), out.decode("utf-8", errors="replace").replace("\r\n", "\n")


def test_a_terminal_shows_the_progress_bar(tmp_path, shipped_inputs):
    code, out = _in_terminal(
        "build", "--inputs", str(shipped_inputs), "--out", str(tmp_path / "m.xlsx")
    )
    assert code == 0, out
    assert "\rReading inputs" in out
    assert "wrote sheet" not in out  # the bar names the sheets instead
    bar_end = out.rindex("\r")
    assert (
        out[out.rindex("\r", 0, bar_end) + 1 : bar_end].strip() == ""
    )  # cleared before the summary
    assert "4 companies" in out[bar_end:] and "checks passed" in out[bar_end:]


def test_quiet_shows_nothing_on_a_terminal(tmp_path, shipped_inputs):
    code, out = _in_terminal(
        "build", "--quiet", "--inputs", str(shipped_inputs), "--out", str(tmp_path / "m.xlsx")
    )
    assert code == 0
    assert out == ""


def test_a_pipe_gets_lines_and_no_bar(tmp_path, shipped_inputs):
    proc = run_modelgen("build", "--inputs", shipped_inputs, "--out", tmp_path / "m.xlsx")
    assert proc.returncode == 0
    assert "\r" not in proc.stdout + proc.stderr
    assert "  wrote sheet Depreciation" in proc.stdout


def test_the_bar_names_the_stage_and_company_and_the_share_done():
    stream = io.StringIO()
    bar = ProgressBar(stream, interval=0)
    bar("Modelling", "500 companies", 0, 0)
    bar("Depreciation", "C0042", 250, 1000)
    bar("Checks", "C0500", 1000, 1000)
    frames = stream.getvalue().split("\r")[1:]
    assert frames[0].startswith("Modelling") and frames[0].split() == [
        "Modelling",
        "500",
        "companies",
        "...",
    ]
    assert frames[1].startswith("Depreciation") and "C0042" in frames[1] and "25%" in frames[1]
    assert frames[2].rstrip().endswith("[" + "#" * 28 + "] 100%")
    bar.close()
    assert stream.getvalue().endswith("\r" + " " * len(frames[2].rstrip()) + "\r")
