"""docs/formulas.md gives the longest formula of each sheet of the shipped model: kept true
by regenerating it from a build of the shipped inputs and comparing with the file."""

from __future__ import annotations

from pathlib import Path

from modelgen.xlsx.longest import SHIPPED_LIMIT, formulas_doc, longest_formulas
from tests.package_xml import formula_texts

ROOT = Path(__file__).resolve().parents[2]


def test_docs_formulas_md_is_what_the_shipped_model_writes(shipped_book):
    written = (ROOT / "docs" / "formulas.md").read_text(encoding="utf-8")
    assert written == formulas_doc(shipped_book), "run python3 scripts/formulas-doc.py"


def test_the_longest_formulas_are_the_longest_and_within_the_shipped_limit(shipped_book):
    longest = {f.sheet: f for f in longest_formulas(shipped_book)}
    by_sheet: dict[str, int] = {}
    for where, text in formula_texts(shipped_book):  # read independently, from the XML
        sheet = where.rsplit("!", 1)[0]
        by_sheet[sheet] = max(by_sheet.get(sheet, 0), len(text))
    assert {s: len(f.text) for s, f in longest.items()} == by_sheet
    assert max(by_sheet.values()) <= SHIPPED_LIMIT
    assert {"Sensitivity Workings", "Checks", "Depreciation"} <= set(longest)
