"""Compare two workbooks by sheet, row key and period: what changed from one quarter to the next.

Cells are matched by (sheet, row key, period label or ``D``), never by address, so rows and
periods that moved do not show as changes. Reported: inputs that changed (at all), outputs
(formula cells) that moved by more than the tolerance, rows and periods added or removed, and sheets
added or removed. A number moved when ``|new - old| > tolerance * max(1, |old|)``: an
absolute tolerance near zero, a relative one for large numbers. Values are the cached ones
(what the workbook shows); diff a workbook recalculated by Excel or LibreOffice for figures
an analyst changed by hand.

Readable: the text (`DiffReport.lines`) opens with the forecast against the actual
(:mod:`modelgen.compare.forecast`), then the headline outputs (`HEADLINE`), then the rest;
rates (rows whose unit, column C, is ``%``) as percentages with changes in percentage
points. `DiffReport.only` keeps some sheets and keys (``diff --sheet``, ``--key``).
A workbook without cached values (saved by openpyxl) is recalculated, both sides by one
engine (:mod:`modelgen.compare.computed`).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from modelgen.compare.computed import compared
from modelgen.errors import EXIT_BAD_INPUT, ModelgenError
from modelgen.formulas.addresses import CONSTANT
from modelgen.keys import RowKey, kind_of, leading_parts
from modelgen.rowspec import headline
from modelgen.sheets import SheetName
from modelgen.words import either, nearest, unknown_name
from modelgen.xlsx.forecast_actual import Surprise, compared_rows, forecast_vs_actual
from modelgen.xlsx.read_by_key import PERIOD_KEY, KeyedSheet
from modelgen.xlsx.record import SHEET as RECORD_SHEET

__all__ = ["HEADLINE", "Change", "DiffError", "DiffReport", "diff_workbooks", "is_headline"]

DEFAULT_TOLERANCE = 1e-9
INPUT_TOLERANCE = 1e-12  # an input that changed at all is listed, whatever the tolerance
INPUTS = SheetName.INPUTS
RATE_UNIT = "%"  # a row in this unit is a rate: shown as a percentage, moves in points
#: the outputs an analyst reads first (the Cover's headline): (sheet, row kind, which
#: companies: "TOTAL" the total only, "*" the total and each company), as declared
HEADLINE = headline()


class DiffError(ModelgenError, ValueError):
    """A diff asked for wrongly: a tolerance that is not a number >= 0, a sheet or a key
    that is not there."""

    exit_code = EXIT_BAD_INPUT


def is_headline(sheet: str, key: str) -> bool:
    """Whether (sheet, key) is one of the `HEADLINE` outputs (`net_income:TOTAL`, ...)."""
    row = RowKey.read(key, sheet)
    if row is None or not row.ticker or row.parts != (row.ticker,):
        return False
    return any(
        sheet == s and row.kind == kind and which in ("*", row.ticker)
        for s, kind, which in HEADLINE
    )


def key_matches(key: str, wanted: str) -> bool:
    """`wanted` is the key or its leading parts: `capex` matches `capex:MSFT`, not `capex_known:MSFT`;
    `useful_life:META` every Meta life, `long_run_capex_growth` its scenario rows (`@Base`)."""
    wanted = wanted.strip().rstrip(":")
    return key == wanted or key.startswith((wanted + ":", wanted + "@"))


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
    unit: str | None = None  # the row's unit (column C); "%": a rate
    headline: bool = False  # one of the outputs an analyst reads first (`HEADLINE`)

    @property
    def is_rate(self) -> bool:
        return self.unit == RATE_UNIT


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
    #: every figure forecast or guided in OLD and actual in NEW, capex first
    forecast_vs_actual: list[Surprise] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list, repr=False)  # in either workbook
    row_keys: dict[str, list[str]] = field(default_factory=dict, repr=False)  # by sheet, either
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

    def only(self, sheets: list[str] | None = None, keys: list[str] | None = None) -> DiffReport:
        """The report kept to `sheets` (names, any case) and `keys` (a key or its leading
        parts, see `key_matches`); either empty or None keeps everything. Raises DiffError
        when a sheet is in neither workbook, or a key matches no row of the sheets kept (a
        misspelt key would otherwise show "no changes"), naming the nearest."""
        known = {n.lower(): n for n in self.sheet_names}
        missing = [s for s in sheets or [] if s.lower() not in known]
        if missing:
            close = nearest(missing[0], self.sheet_names)
            raise DiffError(
                f"no sheet {', '.join(map(repr, missing))} in either workbook; "
                + (f"did you mean {either(close)}? The" if close else "the")
                + f" sheets are {', '.join(self.sheet_names)}"
            )
        names = {s.lower() for s in sheets or []}
        for wanted in keys or []:
            self._check_key(wanted, [known[n] for n in names])

        def keep(sheet: str, key: str | None = None) -> bool:
            if names and sheet.lower() not in names:
                return False
            return not keys or key is None or any(key_matches(key, k) for k in keys)

        kept = replace(self)
        kept.sheets_added = [s for s in self.sheets_added if keep(s) and not keys]
        kept.sheets_removed = [s for s in self.sheets_removed if keep(s) and not keys]
        kept.periods_added = [p for p in self.periods_added if keep(p["sheet"])]
        kept.periods_removed = [p for p in self.periods_removed if keep(p["sheet"])]
        kept.rows_added = [r for r in self.rows_added if keep(r["sheet"], r["key"])]
        kept.rows_removed = [r for r in self.rows_removed if keep(r["sheet"], r["key"])]
        kept.changes = [c for c in self.changes if keep(c.sheet, c.key)]
        kept.forecast_vs_actual = [s for s in self.forecast_vs_actual if keep(s.sheet, s.key)]
        return kept

    def _check_key(self, wanted: str, sheets: list[str]) -> None:
        """Raise DiffError unless `wanted` matches a row key of `sheets` (all when empty).
        A report not made by `diff_workbooks` knows no keys, and checks none."""
        kept = sheets or list(self.row_keys)
        if not self.row_keys or any(
            key_matches(k, wanted) for s in kept for k in self.row_keys.get(s, [])
        ):
            return
        where = "in either workbook"
        if sheets:
            where = f"on the sheet{'s' if len(sheets) > 1 else ''} {', '.join(sheets)} {where}"
        elsewhere = [
            s for s, ks in self.row_keys.items() if any(key_matches(k, wanted) for k in ks)
        ]
        if elsewhere:
            raise DiffError(f'no row key "{wanted}" {where}; it is on {", ".join(elsewhere)}')
        parts = [p for s in kept for k in self.row_keys.get(s, []) for p in leading_parts(k)]
        hint = "a sheet's row keys are in its column A"
        raise DiffError(
            str(unknown_name("row key", wanted, list(dict.fromkeys(parts)), where, hint))
        )

    def to_frame(self):  # noqa: ANN201 - a pandas DataFrame, imported on use
        """The changed cells as a DataFrame, in the order `lines` shows them: the headline
        outputs first (``headline`` True), then each sheet's changes, inputs first, largest
        first. Columns: sheet, key, period (a label or ``D``, the constant), kind (input or
        output), old, new, change, relative, unit (``%`` for a rate: change is then in
        fractions, 0.012 for 1.2 points), headline."""
        import pandas as pd

        columns = [f.name for f in fields(Change)]
        ordered = self.headline() + [c for c in self.changes if not c.headline]
        return pd.DataFrame([asdict(c) for c in ordered], columns=columns)

    def headline(self) -> list[Change]:
        """The headline outputs that moved, in `HEADLINE` order, then by key and period."""
        rank = {(s, kind): i for i, (s, kind, _) in enumerate(HEADLINE)}
        moved = [c for c in self.changes if c.headline]
        return sorted(moved, key=lambda c: (rank[(c.sheet, kind_of(c.key))], c.key, c.period))

    def to_json(self) -> str:
        data = asdict(self)
        data["changed"] = self.changed
        for only in ("sheet_names", "row_keys"):  # for `only`; the JSON keys stay as they were
            data.pop(only)
        return json.dumps(data, indent=2, default=str)

    def forecast_lines(self) -> list[str]:
        """The forecast against the actual as a text table (none when nothing became actual)."""
        from modelgen.compare.forecast import forecast_lines

        return forecast_lines(self.forecast_vs_actual)

    def lines(self, limit: int = 40) -> list[str]:
        """A readable report: the forecast against the actual, the headline outputs, then
        per sheet the changes, largest first (`limit` per section)."""
        from modelgen.compare.text import report_lines

        return report_lines(self, limit)


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


def diff_workbooks(
    old: str | Path, new: str | Path, tolerance: float = DEFAULT_TOLERANCE
) -> DiffReport:
    """Compare ``old`` and ``new`` (both opened safely, neither written)."""
    old, new = Path(old), Path(new)
    if not (tolerance >= 0 and math.isfinite(tolerance)):
        raise DiffError(f"the tolerance must be a number >= 0, not {tolerance}")
    report = DiffReport(str(old), str(new), tolerance)
    keys: dict[str, list[str]] = {}
    kept_old: dict[str, KeyedSheet] = {}  # the rows forecast_vs_actual reads
    kept_new: dict[str, KeyedSheet] = {}
    with compared(old, new) as both:
        report.recalculated = both.note
        names_old = [n for n in both.old.sheetnames if n != RECORD_SHEET]
        names_new = [n for n in both.new.sheetnames if n != RECORD_SHEET]
        report.sheets_added = [n for n in names_new if n not in names_old]
        report.sheets_removed = [n for n in names_old if n not in names_new]
        report.sheet_names = names_new + report.sheets_removed
        inputs = both.old.inputs | both.new.inputs
        for name, a, b in both.pairs:  # one sheet of each at a time, let go once compared
            found = [*(b.rows if b else []), *(a.rows if a else [])]
            keys[name] = list(dict.fromkeys(k for k in found if k != PERIOD_KEY))
            if a is not None and b is not None:
                _diff_sheet(report, a, b, inputs, tolerance)
            for kept, sheet in ((kept_old, a), (kept_new, b)):
                rows = compared_rows(sheet) if sheet is not None else None
                if rows is not None:
                    kept[name] = rows
            del a, b, sheet  # let go before the next sheet is read
    report.row_keys = {name: keys.get(name, []) for name in report.sheet_names}
    report.forecast_vs_actual = forecast_vs_actual(kept_old, kept_new)
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
            if va == vb:  # most cells: equal values never differ, whatever the tolerance
                continue
            is_input = (name, key, period) in inputs or (not inputs and name == INPUTS)
            kind = "input" if is_input else "output"
            differs, change, relative = _compare(va, vb, INPUT_TOLERANCE if is_input else tolerance)
            if not differs:
                continue
            unit = rb.unit if isinstance(rb.unit, str) else None
            headline = is_headline(name, key)
            changes.append(
                Change(name, key, period, kind, va, vb, change, relative, unit, headline)
            )
    changes.sort(key=_size, reverse=True)
    report.changes += changes


def _size(c: Change) -> tuple[int, float, float]:
    """Inputs first, then the largest relative change (from empty or zero counts as largest)."""
    rel = math.inf if c.relative is None else abs(c.relative)
    return (c.kind == "input", rel, abs(c.change or 0.0))
