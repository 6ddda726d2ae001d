"""Run modelgen's command line as a real process, as a user would.

Every test that needs the real console entry (exit status, signals, a terminal, a closed
pipe, resource limits) goes through here, so each runs this checkout's code (PYTHONPATH is
the repository, whatever is installed) with Python's warnings silenced, as a user sees it.
``CliRunner`` in the same process is faster; use it where a real process adds nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: The environment of every subprocess: this checkout first on the path, no warnings.
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    "PYTHONWARNINGS": "ignore",
}


def modelgen_command(*args: str | Path) -> list[str]:
    """The argument list of ``python -m modelgen ARGS``."""
    return [sys.executable, "-m", "modelgen", *map(str, args)]


def run_modelgen(
    *args: str | Path, cwd: str | Path = ROOT, timeout: float = 300, **kwargs
) -> subprocess.CompletedProcess[str]:
    """Run ``modelgen ARGS`` to the end and capture its output as text."""
    kwargs.setdefault("env", ENV)
    return subprocess.run(
        modelgen_command(*args), cwd=cwd, capture_output=True, text=True, timeout=timeout, **kwargs
    )


def start_modelgen(*args: str | Path, **kwargs) -> subprocess.Popen:
    """Start ``modelgen ARGS`` without waiting (output piped as text unless given)."""
    kwargs.setdefault("env", ENV)
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    kwargs.setdefault("text", True)
    return subprocess.Popen(modelgen_command(*args), **kwargs)
