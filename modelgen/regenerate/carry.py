"""Carry an analyst's work from last quarter's workbook into the one built from new CSVs.

``build --previous OLD`` reads OLD (through :mod:`modelgen.xlsx.open_safely`, never writing to it),
and finds, by row key and period, never by address:

- **input edits**: Inputs cells whose value differs from what modelgen wrote, as recorded in
  OLD's ``_modelgen`` sheet (:mod:`modelgen.xlsx.record`). Edits of assumptions and settings
  are carried; edits of figures the CSVs record (actuals, guidance) are dropped where the
  new CSVs have the figure (``keep_edited_actuals`` carries them); edits of fixed values
  (the timeline, the unit, tickers: `Row.is_fixed`) are dropped (change the CSVs); an
  edit whose row or period is gone is orphaned. Carried edits go into the model's input rows *before* it is evaluated,
  so every formula's cached value follows them.
- **plugs**: numbers typed over a formula modelgen wrote; reported, not carried.
- **the analyst's own sheets**: copied with re-pointed references
  (:mod:`modelgen.regenerate.analyst_sheets`), with their validations and conditional
  formats, and the analyst's own defined names (:mod:`modelgen.regenerate.analyst_names`).

A `Carry` plugs into the build through parameters: `build_model(adjust=carry.apply)` and
`write_workbook(additions=carry)`; neither the model nor the writer imports this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.formulas.addresses import CONSTANT
from modelgen.inputs.settings import CONVENTIONS
from modelgen.keys import RowKey
from modelgen.regenerate.analyst_names import OldName, read_names
from modelgen.regenerate.analyst_sheets import (
    AnalystSheet,
    CopyReport,
    read_analyst_sheets,
    write_analyst_sheets,
)
from modelgen.regenerate.old_workbook import open_analyst_parts
from modelgen.sheets import SheetName
from modelgen.xlsx.cached_values import no_values_message
from modelgen.xlsx.cells import read_cells
from modelgen.xlsx.forecast_actual import (
    Surprise,
    forecast_vs_actual,
    keyed_from_model,
    write_forecast_table,
)
from modelgen.xlsx.read_by_key import KeyedSheet, read_keyed
from modelgen.xlsx.record import (
    Provenance,
    read_provenance,
    sheet_periods,
    snapshot,
)

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from modelgen.model import Model
    from modelgen.xlsx.styles import Styles

__all__ = [
    "Carry",
    "InputEdit",
    "Plug",
    "cover_lines",
    "read_previous",
]

#: rows whose figures the CSVs record: the CSV wins where it has the figure
RECORD_PREFIXES = (
    "capex_actual:",
    "net_income_actual:",
    "capex_guidance_low:",
    "capex_guidance_high:",
)
GENERATED_FALLBACK = (  # the sheets modelgen wrote before the record listed them
    *(SheetName.COVER, SheetName.INPUTS, SheetName.CAPEX, SheetName.GROWTH),
    *(SheetName.DEPRECIATION, SheetName.PPE, SheetName.PROFIT, SheetName.CHECKS),
    *(SheetName.ANNUAL, SheetName.RECORD),
)
SHOWN = 8  # details listed per kind on the Cover and the console


@dataclass
class InputEdit:
    """One Inputs cell the analyst changed, and what became of it."""

    sheet: str
    key: str
    period: str  # a period label or "D"
    generated: object  # what modelgen wrote into OLD
    edited: object  # what the analyst left in OLD
    status: str = ""  # carried, dropped, orphaned
    reason: str = ""
    new_generated: object = None  # what the new CSVs give for the cell

    def where(self) -> str:
        return f"{self.sheet} {self.key} {'constant' if self.period == CONSTANT else self.period}"


@dataclass
class Plug:
    """A number typed over a formula modelgen wrote."""

    sheet: str
    key: str
    period: str
    cell: str
    value: object


@dataclass
class Carry:
    """What OLD holds of the analyst's work, and, after the build, what became of it."""

    old: Path
    keep_edited_actuals: bool = False
    provenance: Provenance | None = None
    edits: list[InputEdit] = field(default_factory=list)
    plugs: list[Plug] = field(default_factory=list)
    sheets: list[AnalystSheet] = field(default_factory=list)
    names: list[OldName] = field(default_factory=list)  # OLD's defined names
    copy: CopyReport = field(default_factory=CopyReport)
    old_keyed: dict[str, KeyedSheet] = field(default_factory=dict)
    generated: Provenance | None = None  # the new build's record, before edits are applied
    warnings: list[str] = field(default_factory=list)
    old_values: dict[str, KeyedSheet] = field(default_factory=dict)  # OLD's cached values
    model: Model | None = field(default=None, repr=False)  # the new model (set by `apply`)

    def of(self, status: str) -> list[InputEdit]:
        return [e for e in self.edits if e.status == status]

    def apply(self, model: Model) -> None:
        """The ``adjust`` hook of build_model: classify each edit and apply the carried ones.

        Runs after the rows are built and before they are evaluated, so cached values
        follow the carried edits. The generated record is taken first.
        """
        self.generated = snapshot(model)
        self.model = model  # evaluated after this hook: the Cover compares its values
        for edit in self.edits:
            _classify(edit, model, self.keep_edited_actuals)
            if edit.status == "carried":
                row = model.sheets[edit.sheet][edit.key]
                if edit.period == CONSTANT:
                    row.const = edit.edited  # type: ignore[assignment]
                else:
                    periods = sheet_periods(model.sheets[edit.sheet])
                    row.values[periods.index(edit.period)] = edit.edited  # type: ignore[index]

    def write_sheets(self, wb: Workbook, model: Model, styles: Styles) -> None:
        """After the model sheets: mark the carried edits, copy the analyst's sheets."""
        _mark_edits(wb, model, styles, self)
        self.copy = write_analyst_sheets(wb, model, self.sheets, self.old_keyed, self.names)

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
        if forecast and self.model is not None:
            return write_forecast_table(ws, r + 1, forecast, styles, self.model.unit)
        return r + 1

    def forecast_vs_actual(self) -> list[Surprise]:
        """OLD's forecasts beside the new model's actuals (`diff OLD NEW` lists the same)."""
        if self.model is None:
            return []
        return forecast_vs_actual(self.old_values, keyed_from_model(self.model))

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
                    f"  {status}: {e.where()} = {_show(e.edited)} (generated {_show(e.generated)}); {e.reason}"
                )
        for p in self.plugs[:SHOWN]:
            out.append(
                f"  plug: {p.sheet}!{p.cell} {p.key} {p.period} holds {_show(p.value)} over a formula; not carried"
            )
        for f in self.copy.failed[:SHOWN]:
            out.append(f"  reference not re-pointed: {f}")
        out += [f"  chart not carried: {c}" for c in self.copy.charts_failed]
        out += [f"  name dropped: {n}" for n in self.copy.names_dropped[:SHOWN]]
        out += [f"  not carried: {r}" for r in self.copy.rules_failed[:SHOWN]]
        out += [f"  warning: {w}" for w in self.warnings + self.copy.warnings]
        return out


def _show(v: object) -> str:
    if v is None:
        return "(empty)"
    if isinstance(v, float):
        return f"{v:g}"
    return repr(v) if isinstance(v, str) else str(v)


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-15)
    return (a if a != "" else None) == (b if b != "" else None)


def read_previous(old: Path, keep_edited_actuals: bool = False) -> Carry:
    """Read OLD's edits, plugs and the analyst's sheets; OLD is opened read-only, never saved."""
    old = Path(old)
    cells = read_cells(old, formula_text=True)  # one pass: values and formula text
    carry = Carry(old, keep_edited_actuals, read_provenance(cells))
    keyed = carry.old_keyed = read_keyed(cells.formula_view())
    # Saved by a program that does not calculate (openpyxl, pandas), OLD has no formula
    # results. Most of the carry does not need them: edits are values on Inputs, plugs are
    # numbers where the record says a formula was, and the analyst's sheets are copied as
    # formulas and computed from the new model. Only a formula typed into an input has no
    # readable value: it is not carried (rather than carried as a blank), and a warning says
    # so; an analyst formula modelgen cannot compute is left to Excel's recalculation on open.
    blind = cells.lacks_computed_values()
    values = None if blind else read_keyed(cells)
    carry.old_values = values or {}  # no forecasts to set beside the actuals without them
    unread: list[str] = []
    prov = carry.provenance
    if prov is None:
        carry.warnings.append(
            f"{old.name} has no modelgen record (built by an older modelgen?): its input edits "
            "and plugs cannot be told apart from generated values, so none are carried"
        )
        generated = [n for n in cells.sheetnames if n in GENERATED_FALLBACK]
    else:
        generated = prov.sheets
        carry.edits = _edits(prov, keyed, values, unread)
        carry.plugs = _plugs(prov, keyed)
        _scenario_plugs_to_edits(carry, prov, keyed)
    formulas = open_analyst_parts(
        old, generated, cells.strings
    )  # openpyxl, for the analyst's sheets only
    carry.sheets = read_analyst_sheets(
        formulas, cells, [n for n in cells.sheetnames if n not in generated], keyed
    )
    carry.names = read_names(formulas, generated, keyed)
    if blind:
        done = "input edits, plugs and your sheets were read from its values and formulas"
        if unread:
            done += (
                f", but {len(unread)} inputs holding a formula ({', '.join(unread[:SHOWN])}) "
                "could not be read and were not carried: open and save it in Excel or "
                "LibreOffice, then build again to carry them"
            )
        carry.warnings.append(no_values_message(old.name, done))
    return carry


def _edits(
    prov: Provenance,
    keyed: dict[str, KeyedSheet],
    values: dict[str, KeyedSheet] | None,
    unread: list[str],
) -> list[InputEdit]:
    """The Inputs cells that differ from what modelgen wrote; with no cached ``values``, a
    formula typed into an input cannot be read and goes to ``unread`` instead."""
    edits = []
    for (sheet, key, period), generated in prov.inputs.items():
        row = keyed.get(sheet, KeyedSheet(sheet, [], {})).rows.get(key)
        if row is None or (period != CONSTANT and period not in row.values):
            continue  # the analyst deleted the row or column: nothing to carry
        now = row.constant if period == CONSTANT else row.values[period]
        if isinstance(now, str) and now.startswith("="):  # a formula typed into an input
            if values is None:
                unread.append(f"{sheet} {key} {period}")
                continue
            vrow = values[sheet].rows[key]
            now = vrow.constant if period == CONSTANT else vrow.values.get(period)
        if not _same(now, generated):
            edits.append(InputEdit(sheet, key, period, generated, None if now == "" else now))
    return edits


def _plugs(prov: Provenance, keyed: dict[str, KeyedSheet]) -> list[Plug]:
    plugs = []
    for sheet, key, period in sorted(prov.formulas):
        row = keyed.get(sheet, KeyedSheet(sheet, [], {})).rows.get(key)
        if row is None:
            continue
        cells = [(CONSTANT, row.constant)] if period == CONSTANT else list(row.values.items())
        for label, value in cells:
            if value is not None and not (isinstance(value, str) and value.startswith("=")):
                plugs.append(Plug(sheet, key, label, row.cells[label], value))
    return plugs


def _scenario_plugs_to_edits(carry: Carry, prov: Provenance, keyed: dict[str, KeyedSheet]) -> None:
    """A number typed over a scenario-driven input (`useful_life:META:servers`, which INDEXes
    its scenario rows) is the analyst's value for the case selected in OLD: it is carried into
    that case's row (`useful_life:META:servers@Base`), not reported as a plug."""
    inputs = keyed.get(SheetName.INPUTS)
    selected = inputs.rows.get("scenario") if inputs else None
    if selected is None or not isinstance(selected.constant, str):
        return
    kept = []
    for plug in carry.plugs:
        key = RowKey.read(plug.key, plug.sheet) if plug.key else None
        case = key.with_(case=str(selected.constant)) if key else None
        target = str(case) if case is not None and case.is_declared(SheetName.INPUTS) else ""
        generated = prov.inputs.get((SheetName.INPUTS, target, CONSTANT), _MISSING)
        if plug.sheet == SheetName.INPUTS and plug.period == CONSTANT and generated is not _MISSING:
            carry.edits.append(InputEdit(SheetName.INPUTS, target, CONSTANT, generated, plug.value))
        else:
            kept.append(plug)
    carry.plugs = kept


_MISSING = object()


def _classify(edit: InputEdit, model: Model, keep_actuals: bool) -> None:
    sheet = model.sheets.get(edit.sheet)
    row = sheet.by_key.get(edit.key) if sheet else None
    if row is not None and row.is_fixed:  # the timeline, the unit, a ticker...
        edit.status, edit.reason = (
            "dropped",
            "set by the CSV files (the timeline, settings.csv, companies.csv); change them and rebuild",
        )
        return
    if row is None or not row.is_input:
        why = "no such row" if row is None else "the row is calculated there, not an input"
        edit.status, edit.reason = "orphaned", f"the new workbook has {why}"
        return
    if edit.period == CONSTANT:
        if row.const is None:
            edit.status, edit.reason = "orphaned", "the row has no constant in the new workbook"
            return
        current: object = row.const
    else:
        periods = sheet_periods(sheet)
        if edit.period not in periods or row.values is None:
            edit.status, edit.reason = (
                "orphaned",
                f"period {edit.period} is not in the new workbook",
            )
            return
        v = row.values[periods.index(edit.period)]
        current = None if isinstance(v, float) and math.isnan(v) else v
    edit.new_generated = current
    edited = edit.edited
    if edit.key == "depreciation_convention" and edited not in CONVENTIONS:
        edit.status, edit.reason = (
            "dropped",
            f"the convention must be one of {', '.join(CONVENTIONS)}",
        )
    elif isinstance(current, str) != isinstance(edited, str) and edited is not None:
        edit.status, edit.reason = (
            "dropped",
            f"{_show(edited)} is not a {'text' if isinstance(current, str) else 'number'}",
        )
    elif edit.key.startswith(RECORD_PREFIXES) and current is not None and not keep_actuals:
        edit.status, edit.reason = (
            "dropped",
            f"the CSVs record {_show(current)}, and the CSVs are the record (--keep-edited-actuals keeps the edit)",
        )
    else:
        edit.status = "carried"
        edit.reason = (
            "kept (--keep-edited-actuals)"
            if edit.key.startswith(RECORD_PREFIXES) and current is not None
            else "carried"
        )
        if edited is None:
            edit.edited = (
                float("nan") if row.values is not None or not isinstance(current, str) else ""
            )
        elif not isinstance(edited, str):
            edit.edited = float(edited)  # type: ignore[arg-type]


def _mark_edits(wb: Workbook, model: Model, styles: Styles, carry: Carry) -> None:
    formats: dict[str, object] = {}
    for e in carry.of("carried"):
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
            f"Your edit, carried from {carry.old.name}: {_show(e.edited)}. modelgen generates "
            f"{_show(e.new_generated)} here from the CSV inputs (it wrote {_show(e.generated)} "
            f"last time). Type {_show(e.new_generated)} back to return to the generated value."
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
