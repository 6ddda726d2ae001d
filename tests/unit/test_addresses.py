"""A1 addresses as `modelgen.formulas.addresses` writes them: cells, fixed (`$`) columns and
rows, areas, and references on a sheet. Expectations are written out by hand."""

from __future__ import annotations

import pytest

from modelgen.formulas.addresses import absolute, area, cell, ref


@pytest.mark.parametrize(
    ("col", "row", "fixed_col", "fixed_row", "expected"),
    [
        (0, 1, False, False, "A1"),
        (4, 7, False, False, "E7"),
        (27, 9, True, True, "$AB$9"),
        (27, 9, True, False, "$AB9"),
        (27, 9, False, True, "AB$9"),
        (3, 12, True, False, "$D12"),
        (701, 1048576, False, False, "ZZ1048576"),
        (16383, 3, True, True, "$XFD$3"),
    ],
)
def test_cell(col: int, row: int, fixed_col: bool, fixed_row: bool, expected: str) -> None:
    assert cell(col, row, fixed_col=fixed_col, fixed_row=fixed_row) == expected


def test_cell_is_relative_unless_told() -> None:
    assert cell(25, 100) == "Z100"
    assert cell(26, 100) == "AA100"


def test_absolute_fixes_column_and_row() -> None:
    assert absolute(3, 7) == "$D$7"
    assert absolute(27, 9) == "$AB$9"
    assert absolute(4, 1) == "$E$1"


def test_area_joins_its_corners() -> None:
    assert area("E7", "K9") == "E7:K9"
    assert area(absolute(4, 5), absolute(10, 5)) == "$E$5:$K$5"
    assert area(cell(4, 3, fixed_row=True), cell(4, 8, fixed_row=True)) == "E$3:E$8"


def test_ref_prefixes_the_sheet() -> None:
    assert ref("Capex", "$E$9") == "Capex!$E$9"
    assert ref("Profit Impact", "E7") == "'Profit Impact'!E7"
    assert ref("Bob's", "$D$2:$D$4") == "'Bob''s'!$D$2:$D$4"
    assert ref("AB12", "A1") == "'AB12'!A1"  # a name that reads as a cell is quoted
    assert ref("R1C1", "A1") == "'R1C1'!A1"


def test_ref_is_bare_on_its_own_sheet() -> None:
    assert ref("Capex", "E7", within="Capex") == "E7"
    assert ref("Capex", "E7", within="Growth") == "Capex!E7"
    assert ref("Profit Impact", "$D$3", within="Profit Impact") == "$D$3"
    assert ref("Capex", "E7", within=None) == "Capex!E7"
