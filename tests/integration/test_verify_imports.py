"""verify and diff import only what they use: no openpyxl, no pandas for a modelgen workbook
(issue 26: half a second of the shipped model's `verify --engine ironcalc` was imports), and
no pydantic from the command line (typer 0.29 imports it to convert every option)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from modelgen.build import build

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"

LIBRARY = """
import sys
from modelgen.engine.verify import verify
from modelgen.compare.diff import diff_workbooks
report = verify(sys.argv[1], engine="ironcalc")
assert report.ok, report.lines()
assert not diff_workbooks(sys.argv[1], sys.argv[1], 1e-9).changed
"""

COMMAND_LINE = """
import sys
from modelgen.cli import main
for args in (["verify", "--engine", "ironcalc", sys.argv[1]], ["diff", sys.argv[1], sys.argv[1]]):
    sys.argv = ["modelgen", *args]
    try:
        main()
    except SystemExit as done:
        assert not done.code, args
"""

LOADED = """
print(sorted(m for m in ("openpyxl", "pandas", "pydantic") if m in sys.modules))
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(SHIPPED, tmp_path_factory.mktemp("imports") / "model.xlsx").out


@pytest.mark.parametrize("script", [LIBRARY, COMMAND_LINE], ids=["library", "command line"])
def test_verify_and_diff_load_no_library_they_do_not_use(book: Path, script: str) -> None:
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", script + LOADED, str(book)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
