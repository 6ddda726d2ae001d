"""Carry an analyst's work from last quarter's workbook into the one built from new CSVs.

``build --previous OLD`` regenerates in three stages, each a function of the one before:

1. :func:`~modelgen.regenerate.previous.read_previous` reads OLD into a frozen
   :class:`~modelgen.regenerate.previous.Previous`: its record, the input edits and plugs
   found by row key and period, the analyst's sheets and names, OLD's cells by key.
2. :func:`~modelgen.regenerate.apply.apply` (the ``adjust`` hook of `build_model`, before
   evaluation) decides each edit against the new model (carried, dropped or orphaned, and
   why) and writes the carried values into its input rows: an
   :class:`~modelgen.regenerate.apply.Applied`.
3. :func:`write_carried` marks the carried edits and copies the analyst's sheets, with their
   validations, conditional formats and names, re-pointed
   (:mod:`modelgen.regenerate.analyst_sheets`): a
   :class:`~modelgen.regenerate.analyst_sheets.CopyReport`.

A :class:`Carry` is the result: what was carried and copied, for the Cover, the console and
the caller. The build plugs the stages in through parameters,
`build_model(adjust=...)` and `write_workbook(additions=CarryWriter(applied))`: neither the
model nor the writer imports this package.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.formulas.addresses import CONSTANT
from modelgen.regenerate.analyst_sheets import CopyReport, write_analyst_sheets
from modelgen.regenerate.apply import Applied, EditOutcome
from modelgen.regenerate.previous import SHOWN, InputEdit, Plug, read_previous, show
from modelgen.xlsx.forecast_actual import (
    Surprise,
    forecast_vs_actual,
    keyed_from_model,
    write_forecast_table,
)
from modelgen.xlsx.record import Provenance, sheet_periods

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from modelgen.model import Model
    from modelgen.xlsx.styles import Styles

__all__ = [
    "Carry",
    "CarryWriter",
    "InputEdit",
    "Plug",
    "cover_lines",
    "read_previous",
    "write_carried",
]


def write_carried(wb: Workbook, model: Model, styles: Styles, applied: Applied) -> CopyReport:
    """After the model's sheets: mark the carried edits (orange, with a comment) and copy
    the analyst's sheets and names, re-pointed; what became of the copy."""
    _mark_edits(wb, model, styles, applied)
    old = applied.previous
    return write_analyst_sheets(wb, model, list(old.sheets), old.keyed, list(old.names))


@dataclass(frozen=True)
class Carry:
    """What a regeneration carried from OLD: each edit's outcome, the plugs found, the
    analyst's sheets copied, and warnings; the Cover block and the console lines say it."""

    applied: Applied
    copy: CopyReport

    @property
    def old(self) -> Path:
        return self.applied.previous.old

    @property
    def edits(self) -> list[EditOutcome]:
        return list(self.applied.edits)

    @property
    def plugs(self) -> list[Plug]:
        return list(self.applied.previous.plugs)

    @property
    def warnings(self) -> list[str]:
        """OLD's warnings (no record, no computed values); the copy's are in `copy`."""
        return list(self.applied.previous.warnings)

    @property
    def model(self) -> Model:
        return self.applied.model

    def of(self, status: str) -> list[EditOutcome]:
        return [e for e in self.applied.edits if e.status == status]

    def write_cover_block(self, ws: Worksheet, r: int, styles: Styles) -> int:
        """Write the carry summary on the Cover from row ``r``; return the next free row."""
        ws.write_string(r, 0, f"Carried from {self.old.name}", styles.get("header"))
        ws.write_blank(r, 1, None, styles.get("header"))
        r += 1
        for label, text in cover_lines(self):
            ws.write_string(r, 0, label, styles.get("bold"))
            ws.write_string(r, 1, text)
            r += 1
        forecast = self.forecast_vs_actual()
        if forecast:
            return write_forecast_table(ws, r + 1, forecast, styles, self.model.unit)
        return r + 1

    def forecast_vs_actual(self) -> list[Surprise]:
        """OLD's forecasts beside the new model's actuals (`diff OLD NEW` lists the same)."""
        return forecast_vs_actual(self.applied.previous.values, keyed_from_model(self.model))

    def summary(self) -> dict[str, int]:
        return {
            "edits carried": len(self.of("carried")),
            "edits dropped": len(self.of("dropped")),
            "edits orphaned": len(self.of("orphaned")),
            "plugs found": len(self.plugs),
            "sheets copied": len(self.copy.sheets),
            "references re-pointed": self.copy.repointed,
            "references failed": len(self.copy.failed),
            "charts carried": self.copy.charts,
            "names carried": len(self.copy.names),
            "names dropped": len(self.copy.names_dropped),
            "validations and formats carried": self.copy.rules,
        }

    def lines(self) -> list[str]:
        """The summary and its details, for the console and the Cover."""
        out = [
            f"carried from {self.old.name}: "
            + ", ".join(f"{v} {k}" for k, v in self.summary().items())
        ]
        for status in ("carried", "dropped", "orphaned"):
            for e in self.of(status)[:SHOWN]:
                out.append(
                    f"  {status}: {e.where()} = {show(e.edited)} (generated {show(e.generated)}); {e.reason}"
                )
        for p in self.plugs[:SHOWN]:
            out.append(
                f"  plug: {p.sheet}!{p.cell} {p.key} {p.period} holds {show(p.value)} over a formula; not carried"
            )
        for f in self.copy.failed[:SHOWN]:
            out.append(f"  reference not re-pointed: {f}")
        out += [f"  chart not carried: {c}" for c in self.copy.charts_failed]
        out += [f"  name dropped: {n}" for n in self.copy.names_dropped[:SHOWN]]
        out += [f"  not carried: {r}" for r in self.copy.rules_failed[:SHOWN]]
        out += [f"  warning: {w}" for w in self.warnings + self.copy.warnings]
        return out


class CarryWriter:
    """The `additions` the workbook writer takes (`modelgen.xlsx.workbook.Additions`): stage
    3 in the writer's order, sheets first, then the Cover block; `carry` is the result."""

    def __init__(self, applied: Applied) -> None:
        self.applied = applied
        self.carry: Carry | None = None  # set once the sheets are written

    @property
    def generated(self) -> Provenance:
        return self.applied.generated

    def write_sheets(self, wb: Workbook, model: Model, styles: Styles) -> None:
        self.carry = Carry(self.applied, write_carried(wb, model, styles, self.applied))

    def write_cover_block(self, ws: Worksheet, r: int, styles: Styles) -> int:
        if self.carry is None:
            raise RuntimeError("the Cover block is written after the carried sheets")
        return self.carry.write_cover_block(ws, r, styles)


def _mark_edits(wb: Workbook, model: Model, styles: Styles, applied: Applied) -> None:
    formats: dict[str, object] = {}
    for e in applied.of("carried"):
        row = model.sheets[e.sheet][e.key]
        ws = wb.get_worksheet_by_name(e.sheet)
        if row.fmt not in formats:
            formats[row.fmt] = styles.get("carried", row.fmt)
        c = 3 if e.period == CONSTANT else 4 + sheet_periods(model.sheets[e.sheet]).index(e.period)
        r, v = row.number - 1, e.edited
        if isinstance(v, str):
            ws.write_string(r, c, v, formats[row.fmt])
        elif isinstance(v, float) and math.isnan(v):
            ws.write_blank(r, c, None, formats[row.fmt])
        else:
            ws.write_number(r, c, v, formats[row.fmt])
        note = (
            f"Your edit, carried from {applied.previous.old.name}: {show(e.edited)}. modelgen "
            f"generates {show(e.new_generated)} here from the CSV inputs (it wrote "
            f"{show(e.generated)} last time). Type {show(e.new_generated)} back to return to "
            "the generated value."
        )
        ws.write_comment(r, c, note, {"x_scale": 2, "y_scale": 1.5})


def cover_lines(carry: Carry | None) -> list[tuple[str, str]]:
    """(label, text) lines for the Cover's "Carried from the previous workbook" block."""
    if carry is None:
        return []
    lines = [(k[0].upper() + k[1:], str(v)) for k, v in carry.summary().items()]
    lines.append(("Carried edits", "orange cells with a comment on the Inputs sheet"))
    lines += [("", text.strip()) for text in carry.lines()[1:]]
    return lines
