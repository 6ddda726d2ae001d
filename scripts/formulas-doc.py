"""Rewrite docs/formulas.md from a fresh build of the shipped inputs."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from modelgen.build import build  # noqa: E402
from modelgen.xlsx.longest import formulas_doc  # noqa: E402

if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        out = build(ROOT / "inputs", Path(tmp) / "model.xlsx").out
        (ROOT / "docs" / "formulas.md").write_text(formulas_doc(out), encoding="utf-8")
    print("wrote docs/formulas.md")
