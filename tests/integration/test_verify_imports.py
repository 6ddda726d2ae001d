"""verify and diff import only what they use: no openpyxl, no pandas for a modelgen workbook
(issue 26: half a second of the shipped model's `verify --engine ironcalc` was imports)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modelgen.build import build

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"

SCRIPT = """
import sys
from modelgen.engine.verify import verify
from modelgen.compare.diff import diff_workbooks
report = verify(sys.argv[1], engine="ironcalc")
assert report.ok, report.lines()
assert not diff_workbooks(sys.argv[1], sys.argv[1], 1e-9).changed
print(sorted(m for m in ("openpyxl", "pandas") if m in sys.modules))
"""


def test_verify_and_diff_load_neither_openpyxl_nor_pandas(tmp_path: Path) -> None:
    book = build(SHIPPED, tmp_path / "model.xlsx").out
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(book)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
