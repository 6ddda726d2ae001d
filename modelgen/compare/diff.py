"""Compare two workbooks by sheet, row key and period: what changed from one quarter to the next.

Cells are matched by (sheet, row key, period label or ``D``), never by address, so rows and
periods that moved do not show as changes. Reported: inputs that changed (at all), outputs
(formula cells) that moved by more than the tolerance, rows and periods added or removed, and sheets
added or removed. A number moved when ``|new - old| > tolerance * max(1, |old|)``: an
absolute tolerance near zero, a relative one for large numbers. Values are the cached ones
(what the workbook shows); diff a workbook recalculated by Excel or LibreOffice for figures
an analyst changed by hand. A workbook without cached values (saved by openpyxl) is
recalculated, both sides by one engine (:mod:`modelgen.compare.computed`).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from modelgen.compare.computed import open_for_values
from modelgen.formulas.addresses import CONSTANT
from modelgen.xlsx.read_by_key import PERIOD_KEY, KeyedSheet, read_keyed
from modelgen.xlsx.record import SHEET as RECORD_SHEET
from modelgen.xlsx.record import read_provenance

__all__ = ["Change", "DiffReport", "diff_workbooks"]

DEFAULT_TOLERANCE = 1e-9
INPUT_TOLERANCE = 1e-12  # an input that changed at all is listed, whatever the tolerance
INPUTS = "Inputs"


@dataclass
class Change:
    """One cell whose value differs: an input, or an output beyond the tolerance."""

    sheet: str
    key: str
    period: str  # a period label or "D"
    kind: str  # input or output
    old: object
    new: object
    change: float | None  # new - old, for numbers (an empty cell counts as 0)
    relative: float | None  # change / |old|; None when old is 0, empty or text


@dataclass
class DiffReport:
    """Everything that differs between two workbooks, by key."""

    old: str
    new: str
    tolerance: float
    sheets_added: list[str] = field(default_factory=list)
    sheets_removed: list[str] = field(default_factory=list)
    rows_added: list[dict[str, str]] = field(default_factory=list)
    rows_removed: list[dict[str, str]] = field(default_factory=list)
    periods_added: list[dict[str, str]] = field(default_factory=list)
    periods_removed: list[dict[str, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    recalculated: str | None = None  # why and by which engine the values were computed

    @property
    def changed(self) -> bool:
        """Whether anything differs beyond the tolerance (the exit status of ``diff``)."""
        return any(
            (
                self.sheets_added,
                self.sheets_removed,
                self.rows_added,
                self.rows_removed,
                self.periods_added,
                self.periods_removed,
                self.changes,
            )
        )

    def inputs_changed(self) -> set[tuple[str, str, str]]:
        """(sheet, key, period) of every changed input cell."""
        return {(c.sheet, c.key, c.period) for c in self.changes if c.kind == "input"}

    def to_frame(self):  # noqa: ANN201 - a pandas DataFrame, imported on use
        """The changed cells as a DataFrame: sheet, key, period, kind, old, new, change,
        relative (largest first within each sheet, as `lines` shows them)."""
        import pandas as pd

        columns = ["sheet", "key", "period", "kind", "old", "new", "change", "relative"]
        return pd.DataFrame([asdict(c) for c in self.changes], columns=columns)

    def to_json(self) -> str:
        data = asdict(self)
        data["changed"] = self.changed
        return json.dumps(data, indent=2, default=str)

    def lines(self, limit: int = 40) -> list[str]:
        """A readable table: per sheet, the changes largest first."""
        out = [f"{self.old} -> {self.new} (tolerance {self.tolerance:g})"]
        out += [self.recalculated] if self.recalculated else []
        out += [f"sheet added: {s}" for s in self.sheets_added]
        out += [f"sheet removed: {s}" for s in self.sheets_removed]
        for what, items in (
            ("period added", self.periods_added),
            ("period removed", self.periods_removed),
        ):
            out += [f"{what}: {i['sheet']} {i['period']}" for i in items]
        for what, items in (("row added", self.rows_added), ("row removed", self.rows_removed)):
            out += [f"{what}: {i['sheet']} {i['key']}" for i in items]
        sheets = list(dict.fromkeys(c.sheet for c in self.changes))
        for sheet in sheets:
            rows = [c for c in self.changes if c.sheet == sheet]
            inputs = sum(1 for c in rows if c.kind == "input")
            out.append(f"{sheet}: {inputs} inputs changed, {len(rows) - inputs} outputs moved")
            width = max(len(c.key) for c in rows[:limit])
            for c in rows[:limit]:
                rel = "" if c.relative is None else f"{c.relative:+.2%}"
                delta = "" if c.change is None else f"{c.change:+,.6g}"
                out.append(
                    f"  {c.kind:6} {c.key:{width}} {c.period:>7} {_show(c.old):>14} -> "
                    f"{_show(c.new):<14} {delta:>12} {rel:>9}"
                )
            if len(rows) > limit:
                out.append(f"  ... and {len(rows) - limit} more")
        if not self.changed:
            out.append("no changes beyond the tolerance")
        return out


def _show(v: object) -> str:
    if v is None:
        return "(empty)"
    if isinstance(v, float):
        return f"{v:,.6g}"
    return str(v)


def _number(v: object) -> float | None:
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    return None


def _compare(old: object, new: object, tolerance: float) -> tuple[bool, float | None, float | None]:
    """(differs, change, relative change) for two cell values."""
    a, b = _number(old), _number(new)
    if a is None or b is None or (isinstance(old, str) or isinstance(new, str)):
        same = (old if old != "" else None) == (new if new != "" else None)
        return not same, None, None
    change = b - a
    if not math.isfinite(change):
        return a != b, None, None
    differs = abs(change) > tolerance * max(1.0, abs(a))
    relative = change / abs(a) if a != 0 and old is not None else None
    return differs, change, relative


def _inputs(wb) -> set[tuple[str, str, str]]:  # noqa: ANN001 - an openpyxl workbook
    prov = read_provenance(wb)
    return set() if prov is None else set(prov.inputs)


def diff_workbooks(
    old: str | Path, new: str | Path, tolerance: float = DEFAULT_TOLERANCE
) -> DiffReport:
    """Compare ``old`` and ``new`` (both opened safely, neither written)."""
    old, new = Path(old), Path(new)
    if not (tolerance >= 0 and math.isfinite(tolerance)):
        raise ValueError(f"the tolerance must be a number >= 0, not {tolerance}")
    report = DiffReport(str(old), str(new), tolerance)
    old_wb, new_wb, report.recalculated = open_for_values(old, new)
    names_old = [n for n in old_wb.sheetnames if n != RECORD_SHEET]
    names_new = [n for n in new_wb.sheetnames if n != RECORD_SHEET]
    report.sheets_added = [n for n in names_new if n not in names_old]
    report.sheets_removed = [n for n in names_old if n not in names_new]
    a, b = read_keyed(old_wb), read_keyed(new_wb)
    inputs = _inputs(old_wb) | _inputs(new_wb)
    for name in [n for n in b if n in a]:
        _diff_sheet(report, a[name], b[name], inputs, tolerance)
    return report


def _diff_sheet(
    report: DiffReport,
    a: KeyedSheet,
    b: KeyedSheet,
    inputs: set[tuple[str, str, str]],
    tolerance: float,
) -> None:
    name = a.name
    report.periods_added += [{"sheet": name, "period": p} for p in b.periods if p not in a.periods]
    report.periods_removed += [
        {"sheet": name, "period": p} for p in a.periods if p not in b.periods
    ]
    report.rows_added += [{"sheet": name, "key": k} for k in b.rows if k not in a.rows]
    report.rows_removed += [{"sheet": name, "key": k} for k in a.rows if k not in b.rows]
    periods = [CONSTANT] + [p for p in a.periods if p in b.periods]
    changes = []
    for key in [k for k in a.rows if k in b.rows and k != PERIOD_KEY]:
        ra, rb = a.rows[key], b.rows[key]
        for period in periods:
            va = ra.constant if period == CONSTANT else ra.values.get(period)
            vb = rb.constant if period == CONSTANT else rb.values.get(period)
            is_input = (name, key, period) in inputs or (not inputs and name == INPUTS)
            kind = "input" if is_input else "output"
            differs, change, relative = _compare(va, vb, INPUT_TOLERANCE if is_input else tolerance)
            if not differs:
                continue
            changes.append(Change(name, key, period, kind, va, vb, change, relative))
    changes.sort(key=_size, reverse=True)
    report.changes += changes


def _size(c: Change) -> tuple[int, float, float]:
    """Inputs first, then the largest relative change (from empty or zero counts as largest)."""
    rel = math.inf if c.relative is None else abs(c.relative)
    return (c.kind == "input", rel, abs(c.change or 0.0))
