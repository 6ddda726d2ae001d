"""Unit tests of a regeneration's stages 2 and 3 (modelgen.regenerate): what OLD held is given
as a `Previous` (as stage 1 reads it), applied to the model of tests/data/article, and
reported. No workbook is read or written: the model lives in memory.

The article's figures used here (tests/data/article): tax_rate 0.21; MSFT's capex actual
75.6 in 2024 and none in 2025; the unit "USD bn" is fixed, tax_rate:META is calculated.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from modelgen.formulas.addresses import CONSTANT
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import Model, build_model
from modelgen.regenerate.analyst_sheets import CopyReport
from modelgen.regenerate.apply import Applied, apply, classify
from modelgen.regenerate.carry import Carry, InputEdit, cover_lines
from modelgen.regenerate.previous import Previous
from modelgen.sheets import SheetName

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article"
I = SheetName.INPUTS  # noqa: E741 - the sheet every edit here is on

EDITS = (
    InputEdit(I, "tax_rate", CONSTANT, 0.21, 0.25),  # an assumption: carried
    InputEdit(I, "capex_actual:MSFT", "2024", 75.6, 80),  # the CSVs record it: dropped
    InputEdit(I, "capex_actual:MSFT", "2025", None, 90),  # the CSVs have none: carried
    InputEdit(I, "tie_tolerance", CONSTANT, 0.05, None),  # emptied: carried as empty
    InputEdit(I, "unit", CONSTANT, "USD bn", "EUR m"),  # fixed: dropped
    InputEdit(I, "depreciation_convention", CONSTANT, "full_year", "whenever"),  # dropped
    InputEdit(I, "useful_life:GOOGL:gone", CONSTANT, 5.0, 6.0),  # the row is gone: orphaned
    InputEdit(I, "tax_rate:META", CONSTANT, 0.1, 0.3),  # now calculated: orphaned
    InputEdit(I, "capex_actual:MSFT", "2040", None, 1.0),  # the period is gone: orphaned
)


def _previous(edits: tuple[InputEdit, ...] = EDITS) -> Previous:
    return Previous(Path("q1.xlsx"), None, edits, warnings=("a warning read from OLD",))


def _regenerate(previous: Previous, keep_edited_actuals: bool = False) -> tuple[Model, Applied]:
    """The model of the article with `previous` applied before evaluation, as the build
    does (modelgen.build.write)."""
    inputs = load_inputs(ARTICLE)
    done: list[Applied] = []
    model = build_model(
        inputs,
        load_template(None),
        adjust=lambda m: done.append(apply(previous, m, keep_edited_actuals)),
    )
    return model, done[0]


@pytest.fixture(scope="module")
def regenerated() -> tuple[Previous, Model, Applied]:
    previous = _previous()
    return previous, *_regenerate(previous)


def test_each_edit_gets_an_outcome_in_the_order_read(regenerated):
    _, _, applied = regenerated
    assert [(e.key, e.period, e.status) for e in applied.edits] == [
        ("tax_rate", CONSTANT, "carried"),
        ("capex_actual:MSFT", "2024", "dropped"),
        ("capex_actual:MSFT", "2025", "carried"),
        ("tie_tolerance", CONSTANT, "carried"),
        ("unit", CONSTANT, "dropped"),
        ("depreciation_convention", CONSTANT, "dropped"),
        ("useful_life:GOOGL:gone", CONSTANT, "orphaned"),
        ("tax_rate:META", CONSTANT, "orphaned"),
        ("capex_actual:MSFT", "2040", "orphaned"),
    ]
    reasons = {(e.key, e.period): e.reason for e in applied.edits}
    assert reasons[("capex_actual:MSFT", "2024")].startswith("the CSVs record 75.6")
    assert reasons[("unit", CONSTANT)].startswith("set by the CSV files")
    assert "one of" in reasons[("depreciation_convention", CONSTANT)]
    assert reasons[("useful_life:GOOGL:gone", CONSTANT)] == "the new workbook has no such row"
    assert "calculated there" in reasons[("tax_rate:META", CONSTANT)]
    assert reasons[("capex_actual:MSFT", "2040")] == "period 2040 is not in the new workbook"


def test_apply_leaves_what_was_read_as_it_was(regenerated):
    previous, _, applied = regenerated
    assert previous.edits == EDITS and applied.previous is previous
    assert all(o.edit is e for o, e in zip(applied.edits, EDITS, strict=True))
    assert EDITS[2].edited == 90 and EDITS[3].edited is None  # as read: not made float, NaN
    with pytest.raises(dataclasses.FrozenInstanceError):
        EDITS[0].edited = 1.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        previous.edits = ()  # type: ignore[misc]


def test_carried_values_are_in_the_model_before_it_is_evaluated(regenerated):
    _, model, applied = regenerated
    assert model.value(I, "tax_rate") == 0.25
    assert model.value(I, "capex_actual:MSFT", "2025") == 90.0
    assert model.value(SheetName.CAPEX, "capex:MSFT", "2025") == 90.0  # a formula follows the edit
    assert model.value(I, "tie_tolerance") is None  # emptied
    assert model.value(I, "capex_actual:MSFT", "2024") == 75.6  # dropped: the CSV's figure
    assert model.value(I, "unit") == "USD bn"
    carried = {e.key: e for e in applied.of("carried")}
    assert carried["capex_actual:MSFT"].edited == 90.0 and carried["tax_rate"].new_generated == 0.21
    assert math.isnan(carried["tie_tolerance"].edited)  # written as an empty number cell
    # the record the new workbook keeps is the model as generated, not as edited
    assert applied.generated.inputs[(I, "tax_rate", CONSTANT)] == 0.21
    assert applied.generated.inputs[(I, "capex_actual:MSFT", "2025")] is None


def test_edited_actuals_are_carried_on_request():
    model, applied = _regenerate(_previous(EDITS[1:2]), keep_edited_actuals=True)
    (outcome,) = applied.edits
    assert (outcome.status, outcome.reason) == ("carried", "kept (--keep-edited-actuals)")
    assert model.value(I, "capex_actual:MSFT", "2024") == 80.0


def test_classify_reads_the_model_and_changes_nothing(regenerated):
    _, model, _ = regenerated
    gone = InputEdit(I, "capex_actual:NFLX", "2024", None, 3.0)
    outcome = classify(gone, model)
    assert (outcome.status, outcome.reason) == ("orphaned", "the new workbook has no such row")
    assert outcome.where() == "Inputs capex_actual:NFLX 2024" and outcome.edited == 3.0
    text = InputEdit(I, "earnings_growth", CONSTANT, 0.05, "high")
    before = model.value(I, "earnings_growth")
    assert classify(text, model).status == "dropped"  # text where a number goes
    assert model.value(I, "earnings_growth") == before


def test_the_report_reads_the_final_result(regenerated):
    _, _, applied = regenerated
    carry = Carry(applied, CopyReport(sheets=["Note"], repointed=3))
    summary = carry.summary()
    assert (summary["edits carried"], summary["edits dropped"], summary["edits orphaned"]) == (
        3,
        3,
        3,
    )
    assert (summary["sheets copied"], summary["references re-pointed"]) == (1, 3)
    lines = carry.lines()
    assert lines[0].startswith("carried from q1.xlsx: 3 edits carried, 3 edits dropped")
    assert "  carried: Inputs tax_rate constant = 0.25 (generated 0.21); carried" in lines
    assert "  warning: a warning read from OLD" in lines
    assert ("Sheets copied", "1") in cover_lines(carry) and cover_lines(None) == []
    assert carry.old == Path("q1.xlsx") and carry.model is applied.model
