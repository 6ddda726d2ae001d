"""Stage 2 of a regeneration: what becomes of each of OLD's edits in the new model.

:func:`apply` runs as the ``adjust`` hook of `build_model`, after the rows are built and
before they are evaluated. It decides each edit's outcome, writes the carried values into
the model's input rows, so every formula's cached value follows them, and keeps what it
replaced: the record the new workbook keeps is the model as generated
(:attr:`Applied.generated`), so an edit is still an edit a quarter later. Edits of assumptions and settings are carried; edits of figures the CSVs record
(actuals, guidance) are dropped where the new CSVs have the figure (``keep_edited_actuals``
carries them); edits of fixed values (the timeline, the unit, tickers: `Row.is_fixed`) are
dropped (change the CSVs); an edit whose row or period is gone is orphaned.

The edits read in stage 1 are left as they were: each outcome is a new object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from modelgen.formulas.addresses import CONSTANT
from modelgen.inputs.settings import CONVENTIONS
from modelgen.regenerate.previous import InputEdit, Previous, show
from modelgen.xlsx.record import Cell, Provenance, as_recorded, sheet_periods, snapshot

if TYPE_CHECKING:
    from modelgen.model import Model

__all__ = ["Applied", "EditOutcome", "Status", "apply", "classify"]

Status = Literal["carried", "dropped", "orphaned"]

#: rows whose figures the CSVs record: the CSV wins where it has the figure
RECORD_PREFIXES = (
    "capex_actual:",
    "net_income_actual:",
    "capex_guidance_low:",
    "capex_guidance_high:",
)
FIXED = "set by the CSV files (the timeline, settings.csv, companies.csv); change them and rebuild"


@dataclass(frozen=True)
class EditOutcome:
    """What became of one of OLD's edits in the new model, and why."""

    edit: InputEdit  # as read from OLD
    status: Status
    reason: str
    edited: object  # carried: the value the new workbook holds (NaN: emptied); else as read
    new_generated: object = None  # what the new CSVs give for the cell

    @property
    def sheet(self) -> str:
        return self.edit.sheet

    @property
    def key(self) -> str:
        return self.edit.key

    @property
    def period(self) -> str:
        return self.edit.period

    @property
    def generated(self) -> object:
        """What modelgen wrote into OLD."""
        return self.edit.generated

    def where(self) -> str:
        return self.edit.where()


@dataclass(frozen=True)
class Applied:
    """OLD as read, each edit's outcome, and the model they were applied to."""

    previous: Previous
    edits: tuple[EditOutcome, ...]  # in the order OLD's edits were read
    model: Model  # evaluated after `apply`: the Cover compares its values with OLD's
    replaced: dict[Cell, object] = field(default_factory=dict)  # carried cells, as generated

    def of(self, status: Status) -> list[EditOutcome]:
        return [e for e in self.edits if e.status == status]

    @property
    def generated(self) -> Provenance:
        """The new model's record as the CSVs generate it, the carried cells with their
        generated values: taken when asked for (the writer asks last), not held while the
        model is evaluated and written (a 500-company record is some 40 MB). Evaluation sets
        only formulas' results, so this is the record as it was before `apply`."""
        prov = snapshot(self.model)
        prov.inputs.update(self.replaced)
        return prov


def apply(previous: Previous, model: Model, keep_edited_actuals: bool = False) -> Applied:
    """Decide each of OLD's edits against `model` and write the carried ones into its
    input rows; call it before `model` is evaluated (the ``adjust`` hook of build_model)."""
    outcomes = tuple(classify(e, model, keep_edited_actuals) for e in previous.edits)
    replaced: dict[Cell, object] = {}  # the record keeps what the CSVs give
    for outcome in outcomes:
        if outcome.status == "carried":
            row = model.sheets[outcome.sheet][outcome.key]
            cell = (outcome.sheet, outcome.key, outcome.period)
            if outcome.period == CONSTANT:
                replaced.setdefault(cell, row.const)
                row.const = outcome.edited  # type: ignore[assignment]
            else:
                i = sheet_periods(model.sheets[outcome.sheet]).index(outcome.period)
                replaced.setdefault(cell, as_recorded(row.values[i]))  # type: ignore[index]
                row.values[i] = outcome.edited  # type: ignore[index]
    return Applied(previous, outcomes, model, replaced)


def classify(edit: InputEdit, model: Model, keep_actuals: bool = False) -> EditOutcome:
    """Whether `edit` is carried into `model`, dropped or orphaned, and why; `model` is read,
    not changed."""
    sheet = model.sheets.get(edit.sheet)
    row = sheet.by_key.get(edit.key) if sheet else None
    if row is not None and row.is_fixed:  # the timeline, the unit, a ticker...
        return EditOutcome(edit, "dropped", FIXED, edit.edited)
    if row is None or not row.is_input:
        why = "no such row" if row is None else "the row is calculated there, not an input"
        return EditOutcome(edit, "orphaned", f"the new workbook has {why}", edit.edited)
    if edit.period == CONSTANT:
        if row.const is None:
            return EditOutcome(
                edit, "orphaned", "the row has no constant in the new workbook", edit.edited
            )
        current: object = row.const
    else:
        periods = sheet_periods(sheet)
        if edit.period not in periods or row.values is None:
            why = f"period {edit.period} is not in the new workbook"
            return EditOutcome(edit, "orphaned", why, edit.edited)
        v = row.values[periods.index(edit.period)]
        current = None if isinstance(v, float) and math.isnan(v) else v
    edited = edit.edited
    if edit.key == "depreciation_convention" and edited not in CONVENTIONS:
        why = f"the convention must be one of {', '.join(CONVENTIONS)}"
        return EditOutcome(edit, "dropped", why, edited, current)
    if isinstance(current, str) != isinstance(edited, str) and edited is not None:
        why = f"{show(edited)} is not a {'text' if isinstance(current, str) else 'number'}"
        return EditOutcome(edit, "dropped", why, edited, current)
    recorded = edit.key.startswith(RECORD_PREFIXES) and current is not None
    if recorded and not keep_actuals:
        why = (
            f"the CSVs record {show(current)}, and the CSVs are the record "
            "(--keep-edited-actuals keeps the edit)"
        )
        return EditOutcome(edit, "dropped", why, edited, current)
    if edited is None:  # emptied: an empty number cell, or empty text
        value: object = (
            float("nan") if row.values is not None or not isinstance(current, str) else ""
        )
    elif not isinstance(edited, str):
        value = float(edited)  # type: ignore[arg-type]
    else:
        value = edited
    why = "kept (--keep-edited-actuals)" if recorded else "carried"
    return EditOutcome(edit, "carried", why, value, current)
