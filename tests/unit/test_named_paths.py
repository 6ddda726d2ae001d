"""Every test file the docs and the code name exists: a moved test leaves no stale pointer."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMED = re.compile(r"\btests/[\w/]+\.py\b")


def test_every_named_test_file_exists():
    texts = [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "modelgen").rglob("*.py")]
    missing = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in texts
        for name in NAMED.findall(path.read_text(encoding="utf-8"))
        if not (ROOT / name).is_file()
    }
    assert not missing, sorted(missing)
