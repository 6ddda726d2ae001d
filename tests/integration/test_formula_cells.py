"""build and verify count the same formula cells: every worksheet cell holding a formula,
the Cover's and an analyst's carried sheets' included (`modelgen.xlsx.formula_cells`).

The expected number is counted independently, with openpyxl, from the file itself."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from tests.cli import ROOT, run_modelgen


def _openpyxl_count(path: Path) -> int:
    """Cells whose type is a formula, on every worksheet, as openpyxl reads the file."""
    wb = openpyxl.load_workbook(path)
    return sum(
        cell.data_type == "f" for ws in wb.worksheets for row in ws.iter_rows() for cell in row
    )


def _cover_fact(path: Path) -> str:
    ws = openpyxl.load_workbook(path)["Cover"]
    for a, b in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if a == "Formula cells":
            return str(b)
    raise AssertionError("the Cover has no 'Formula cells' line")


def _built(stdout: str) -> int:
    return int(re.search(r"([\d,]+) formula cells", stdout.splitlines()[-1])[1].replace(",", ""))


def _verified(stdout: str) -> int:
    return int(re.search(r"OK: ([\d,]+) formula cells", stdout)[1].replace(",", ""))


def test_build_verify_and_the_cover_count_the_same_formula_cells(tmp_path):
    out = tmp_path / "model.xlsx"
    built = run_modelgen("build", "--inputs", ROOT / "inputs", "--out", out)
    assert built.returncode == 0, built.stderr
    verified = run_modelgen("verify", out, "--engine", "ironcalc")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    expected = _openpyxl_count(out)
    cover = openpyxl.load_workbook(out)["Cover"]
    assert any(cell.data_type == "f" for row in cover.iter_rows() for cell in row)
    assert _built(built.stdout) == _verified(verified.stdout) == expected
    assert _cover_fact(out) == f"{expected:,}"


def test_an_analysts_carried_formulas_are_counted_too(tmp_path):
    old = tmp_path / "old.xlsx"
    assert run_modelgen("build", "--inputs", ROOT / "inputs", "--out", old).returncode == 0
    wb = openpyxl.load_workbook(old)
    keyed = [c.row for c in wb["Capex"]["A"] if str(c.value).startswith("capex:")]
    mine = wb.create_sheet("Mine")
    for r, row in enumerate(keyed[:3], start=1):
        mine.cell(r, 1, f"=Capex!E{row}*2")
    mine["B1"] = 7
    wb.save(old)
    new = tmp_path / "new.xlsx"
    built = run_modelgen("build", "--inputs", ROOT / "inputs", "--previous", old, "--out", new)
    assert built.returncode == 0, built.stderr
    verified = run_modelgen("verify", new, "--engine", "ironcalc")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    expected = _openpyxl_count(new)
    assert (
        sum(c.data_type == "f" for r in openpyxl.load_workbook(new)["Mine"].iter_rows() for c in r)
        == 3
    )
    assert _built(built.stdout) == _verified(verified.stdout) == expected
    assert _cover_fact(new) == f"{expected:,}"
