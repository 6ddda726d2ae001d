"""A wheel installed without `-e` works from any folder: the default template and `py.typed`
ship inside the package, and the console script builds the shipped inputs.

Offline: the wheel is built with the setuptools already installed (no build isolation) and
installed into a fresh virtual environment that sees this interpreter's packages for the
dependencies, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from modelgen import __version__

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ("pyproject.toml", "setup.cfg", "README.md", "modelgen")


def _can_build_a_wheel() -> bool:
    """setuptools builds wheels itself from 70.1 on; before, it needs the `wheel` package."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    major, minor = (int(p) for p in version("setuptools").split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


pytestmark = pytest.mark.skipif(
    not _can_build_a_wheel(),
    reason="building a wheel offline needs setuptools >= 70.1 (or the wheel package): "
    "pip install -e '.[test]'",
)


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    run = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, f"{args}\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}"
    return run


def test_the_wheel_installs_and_builds_from_another_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    src = tmp_path / "src"  # a copy: building leaves *.egg-info and setuptools' folder behind
    src.mkdir()
    for name in (n for n in SOURCE if (ROOT / n).exists()):
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", dist, src],
        tmp_path,
        env,
    )
    (wheel,) = dist.glob("modelgen-*.whl")
    # build/ is where the workbooks go (build --out's default): setuptools builds elsewhere
    assert not (src / "build").exists(), sorted(p.name for p in (src / "build").iterdir())

    venv = tmp_path / "venv"
    _run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv],
        tmp_path,
        env,
    )
    python = venv / "bin" / "python"
    install = ["install", "--no-deps", "--no-index", "--ignore-installed", "--quiet"]
    _run([python, "-m", "pip", *install, wheel], tmp_path, env)

    elsewhere = tmp_path / "elsewhere"  # neither the repository nor the package's folder
    elsewhere.mkdir()
    probe = (
        "import modelgen, importlib.resources as r; print(modelgen.__file__); "
        "print(r.files('modelgen').joinpath('py.typed').is_file())"
    )
    where, typed = _run([python, "-c", probe], elsewhere, env).stdout.split()
    assert Path(where).resolve().is_relative_to(venv.resolve()), where  # the wheel's, not -e
    assert typed == "True"

    modelgen = venv / "bin" / "modelgen"
    shown = _run([modelgen, "--version"], elsewhere, env).stdout.strip()
    assert shown == f"modelgen {__version__}"
    out = tmp_path / "out" / "x.xlsx"
    _run([modelgen, "build", "--inputs", ROOT / "inputs", "--out", out, "--quiet"], elsewhere, env)
    assert out.is_file() and out.stat().st_size > 10_000
