"""The figures of the README and docs/ are current: every region `scripts/figures.py`
writes equals what it would write now (a build of inputs/, bench/latest.json), and the
pictures in docs/images show the workbook inputs/ builds today."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("figures", ROOT / "scripts" / "figures.py")
assert _spec is not None and _spec.loader is not None
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)

STALE = "stale: run `python3 scripts/figures.py` and commit what it rewrites"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory):
    return figures.Shipped(tmp_path_factory.mktemp("shipped"))


@pytest.mark.parametrize("doc", figures.marked_files(), ids=lambda p: p.name)
def test_every_marked_region_is_what_the_script_writes_now(doc: Path, shipped):
    text = doc.read_text(encoding="utf-8")
    assert figures.rewritten(text, shipped) == text, f"{doc.relative_to(ROOT)} is {STALE}"


def test_the_readme_and_docs_carry_every_figure(shipped):
    found = {m[2] for doc in figures.marked_files() for m in figures.MARK.finditer(doc.read_text())}
    assert found == set(figures.FIGURES)


def test_a_stale_region_is_rewritten(shipped):
    stale = "<!-- figures:cells -->\n| Cover | 0 | 1 |\n<!-- /figures:cells -->\n"
    new = figures.rewritten(stale, shipped)
    assert new != stale and "| Cover | 0 | 1 |" not in new
    assert figures.rewritten(new, shipped) == new


def test_the_build_output_and_the_cell_counts_are_the_workbooks(shipped):
    import openpyxl

    wb = openpyxl.load_workbook(shipped.path)
    formulas = sum(c.data_type == "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)
    assert f"{formulas:,} formula cells" in shipped.output.splitlines()[-1]
    assert f"| **{formulas:,}** |" in figures.cells(shipped)


def test_the_pictures_show_the_workbook_inputs_builds_today(shipped):
    recorded = figures.IMAGES_DIGEST.read_text(encoding="utf-8").strip()
    assert figures.workbook_digest(shipped.path) == recorded, (
        "docs/images show another workbook than inputs/ builds now: run "
        "`python3 scripts/figures.py --images` (needs LibreOffice) and commit the pictures"
    )
