"""The depreciation conventions are data (`CONVENTIONS`: a name and the fraction of its
period after which capex enters service), and the workbook's formulas are made from it: a
convention added to the table is computed, never silently 0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import modelgen
from modelgen.build import build
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.settings import CONVENTIONS
from modelgen.inputs.template import load_template
from modelgen.model import build_model

ROOT = Path(__file__).resolve().parents[2]


def folder_with(tmp_path: Path, convention: str, source: str = "inputs") -> Path:
    folder = tmp_path / "inputs"
    shutil.copytree(ROOT / source, folder)
    settings = folder / "settings.csv"
    lines = settings.read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in lines if not ln.startswith("depreciation_convention,")]
    settings.write_text("\n".join([*lines, f"depreciation_convention,{convention}", ""]))
    return folder


def service_offset(folder: Path) -> tuple[float, float]:
    """(the model's service offset, the period's length in years)."""
    model = build_model(load_inputs(folder), load_template())
    length = model.sheets["Inputs"]["period_length"].const_value()
    return model.sheets["Depreciation"]["service_offset"].const_value(), length


@pytest.mark.parametrize("name", sorted(CONVENTIONS))
def test_each_convention_enters_service_after_its_fraction_of_the_period(tmp_path, name):
    offset, length = service_offset(folder_with(tmp_path, name, "tests/data/quarterly"))
    assert length == 0.25
    assert offset == pytest.approx(CONVENTIONS[name] * 0.25)


def test_a_convention_added_to_the_table_is_computed_by_the_workbook(tmp_path, monkeypatch):
    monkeypatch.setitem(CONVENTIONS, "three_quarters", 0.75)
    folder = folder_with(tmp_path, "three_quarters")
    offset, length = service_offset(folder)
    assert (offset, length) == (0.75, 1)
    book = build(folder, tmp_path / "model.xlsx").out
    report = modelgen.verify(book, engine="ironcalc")  # the formula computes what was cached
    assert not report.mismatches and not report.errors, report.lines()
    assert modelgen.read_workbook(book).value("Depreciation", "service_offset") == 0.75
