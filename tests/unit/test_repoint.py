"""Unit tests of re-pointing an analyst's references to a regenerated workbook by key and period.

The old workbook is described as ``KeyedSheet``s (row number -> key, column -> period), the new
one as real ``Sheet``s; every expected address is worked out by hand in the comments.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from modelgen.formulas.addresses import quote_sheet
from modelgen.formulas.rows import Sheet
from modelgen.regenerate.repoint import Ref, Repointer, parse_ref, split_cell
from modelgen.xlsx.read_by_key import KeyedSheet

PI, PL, NOTES = "Profit Impact", "P&L Bob's", "Client Notes"
OLD_PERIODS = ["Q1", "Q2", "Q3"]  # E F G
OLD_KEYS = ["revenue", "cost", "margin", "obsolete"]  # rows 3..6
# new: Q0 added first (Q1 moves E -> F, Q3 G -> H); "headcount" inserted above and "volume"
# between revenue and cost; "obsolete" removed. revenue 3 -> 4, cost 4 -> 6, margin 5 -> 7.
NEW_PERIODS = ["Q0", "Q1", "Q2", "Q3"]
NEW_KEYS = ["headcount", "revenue", "volume", "cost", "margin"]


def old_sheet(name: str, periods: list[str], keys: list[str]) -> KeyedSheet:
    row_keys = {2: "period"} | {3 + i: k for i, k in enumerate(keys)}
    columns = {chr(ord("E") + i): p for i, p in enumerate(periods)}
    return KeyedSheet(name, list(periods), {}, period_columns=columns, row_keys=row_keys)


def new_sheet(name: str, periods: list[str], keys: list[str]) -> Sheet:
    s = Sheet(name, name, width=len(periods))
    s.add(None, name, kind="title")  # row 1
    s.add("period", kind="period", values=np.array(periods, dtype=object))  # row 2
    for i, k in enumerate(keys):
        s.add(k, k.title(), "$", kind="input", values=np.arange(len(periods)) + 10.0 * i)
    return s


@pytest.fixture
def rp() -> Repointer:
    old = {
        PI: old_sheet(PI, OLD_PERIODS, OLD_KEYS),
        PL: old_sheet(PL, OLD_PERIODS, OLD_KEYS),
        "Dropped": old_sheet("Dropped", OLD_PERIODS, OLD_KEYS),
    }
    sheets = {n: new_sheet(n, NEW_PERIODS, NEW_KEYS) for n in (PI, PL)}
    return Repointer(old, SimpleNamespace(sheets=sheets), [NOTES, "Bob's notes"])


def repoint(rp: Repointer, formula: str, home: str = NOTES) -> tuple[str, int, list[str]]:
    return rp.formula(formula, home)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("H14", Ref(None, "H14")),
        ("$H$14:I15", Ref(None, "$H$14", "I15")),
        ("'Profit Impact'!H14", Ref(PI, "H14")),
        ("Capex!$E5", Ref("Capex", "$E5")),
        ("'P&L Bob''s'!E$3:G4", Ref(PL, "E$3", "G4")),
        ("A:A", None),
        ("3:5", None),
        ("Revenue", None),
        ("[1]Sheet1!A1", None),
    ],
)
def test_parse_ref(text: str, ref: Ref | None) -> None:
    assert parse_ref(text) == ref


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Capex", "Capex"),
        ("Annual_2", "Annual_2"),
        (PI, "'Profit Impact'"),
        ("P&L", "'P&L'"),
        (PL, "'P&L Bob''s'"),
        ("AB12", "'AB12'"),  # looks like a cell address
        ("2024", "'2024'"),
        ("R2C3", "'R2C3'"),  # an R1C1 address
        ("C", "'C'"),  # a whole column in R1C1
        ("Q1.2025", "'Q1.2025'"),
        ("XFD1048576", "'XFD1048576'"),
        ("Capex2", "Capex2"),  # six letters: no column has them
    ],
)
def test_quote_sheet_round_trips(name: str, written: str) -> None:
    assert quote_sheet(name) == written
    assert parse_ref(f"{written}!B2") == Ref(name, "B2")


def test_split_cell() -> None:
    assert split_cell("$H$14") == ("$", "H", "$", 14)
    assert split_cell("h14") == ("", "H", "", 14)
    assert split_cell("H$14") == ("", "H", "$", 14)
    assert split_cell("$AB7") == ("$", "AB", "", 7)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("='Profit Impact'!E3", "='Profit Impact'!F4"),  # row and period both moved
        ("='Profit Impact'!G5*2", "='Profit Impact'!H7*2"),
        ("='Profit Impact'!$E$3", "='Profit Impact'!$F$4"),
        ("='Profit Impact'!$E3", "='Profit Impact'!$F4"),
        ("='Profit Impact'!E$3", "='Profit Impact'!F$4"),
        ("='Profit Impact'!e3", "='Profit Impact'!F4"),
        ("='Profit Impact'!B4", "='Profit Impact'!B6"),  # label column: the row moves only
        ("='Profit Impact'!$D$5", "='Profit Impact'!$D$7"),  # constant column
        ("='Profit Impact'!E2", "='Profit Impact'!F2"),  # the period row itself
        ("=SUM('Profit Impact'!E5:G5)", "=SUM('Profit Impact'!F7:H7)"),
        ("=SUM('Profit Impact'!$E$4:$G$5)", "=SUM('Profit Impact'!$F$6:$H$7)"),
        ("='P&L Bob''s'!F4/'Profit Impact'!F4", "='P&L Bob''s'!G6/'Profit Impact'!G6"),
    ],
)
def test_references_follow_key_and_period(rp: Repointer, formula: str, expected: str) -> None:
    new, moved, failed = repoint(rp, formula)
    assert (new, failed) == (expected, [])
    assert moved == expected.count("!")


def test_relative_reference_on_a_generated_home_sheet(rp: Repointer) -> None:
    assert repoint(rp, "=E3+$G$5", home=PI) == ("=F4+$H$7", 2, [])


@pytest.mark.parametrize(
    ("formula", "why"),
    [
        ("='Profit Impact'!E6", "row 'obsolete' of Profit Impact is not in the new workbook"),
        ("='Profit Impact'!H3", "not in a period column"),  # beyond the old periods
        ("='Profit Impact'!E40", "is not on a keyed row"),
        ("=SUM('Profit Impact'!E5:E6)", "'obsolete'"),  # a corner removed
        ("=SUM('Profit Impact'!E3:E4)", "no longer the same rows"),  # volume now inside
        ("=SUM('Profit Impact'!E:E)", "whole rows, whole columns"),
        ("=Dropped!E3", "is not in the new workbook"),
        ("=Cover!B2", "not a keyed modelgen sheet"),
        ("=Revenue*2", "a defined name"),
    ],
)
def test_unmappable_references_become_ref_errors(rp: Repointer, formula: str, why: str) -> None:
    new, moved, failed = repoint(rp, formula)
    assert "#REF!" in new and "!E" not in new and moved == 0
    assert len(failed) == 1 and why in failed[0]


def test_removed_period_becomes_ref_error() -> None:
    old = {PI: old_sheet(PI, OLD_PERIODS, OLD_KEYS)}
    new = {PI: new_sheet(PI, ["Q2", "Q3"], OLD_KEYS)}  # Q1 dropped: Q2 F -> E
    rp = Repointer(old, SimpleNamespace(sheets=new), [NOTES])
    assert repoint(rp, "='Profit Impact'!F3") == ("='Profit Impact'!E3", 1, [])
    new_f, _, failed = repoint(rp, "='Profit Impact'!E3+'Profit Impact'!E4:F4")
    assert new_f == "=#REF!+#REF!" and len(failed) == 2
    assert "period Q1 of Profit Impact" in failed[0]


def test_a_mixed_formula_keeps_what_it_can(rp: Repointer) -> None:
    new, moved, failed = repoint(rp, "='Profit Impact'!E3-'Profit Impact'!E6+B2")
    assert new == "='Profit Impact'!F4-#REF!+B2"
    assert moved == 1 and len(failed) == 1


@pytest.mark.parametrize(
    "formula",
    [
        "='Client Notes'!B7*2",
        "=B7+$C$2",  # the home sheet is the analyst's
        "=SUM(B:B)+SUM(3:4)",
        "=SUM('Client Notes'!B:B)",
        "='Bob''s notes'!A1",
        "=\"see 'Profit Impact'!E3 and E3\"",  # a reference inside text is text
        '=IF(B7>0,"Profit Impact!E3","")',
    ],
)
def test_analyst_references_and_text_are_left_alone(rp: Repointer, formula: str) -> None:
    assert repoint(rp, formula) == (formula, 0, [])


def test_text_beside_a_real_reference(rp: Repointer) -> None:
    formula = "=\"'Profit Impact'!E3 = \"&'Profit Impact'!E3"
    expected = "=\"'Profit Impact'!E3 = \"&'Profit Impact'!F4"
    assert repoint(rp, formula) == (expected, 1, [])


def test_value_reads_the_new_model(rp: Repointer) -> None:
    # revenue is the 2nd key (values 10..13) on row 4; its Q1 is column F (index 1)
    assert rp.value(PI, "F4") == 11.0
    assert rp.value(PI, "A4") == "revenue"
    assert rp.value(PI, "B4") == "Revenue"
    assert rp.value(PI, "H2") == "Q3"
    assert rp.value(PI, "Z4") is None
    assert rp.value(PI, "F99") is None


def test_reversed_range_is_checked_like_a_forward_one(rp: Repointer) -> None:
    # E4:E3 is cost..revenue, the same cells as E3:E4, which fails: volume is now between them
    new, _, failed = repoint(rp, "=SUM('Profit Impact'!E4:E3)")
    assert new == "=SUM(#REF!)" and failed
