"""Stage 1 of a regeneration: what last quarter's workbook (OLD) holds of the analyst's work.

:func:`read_previous` reads OLD (through :mod:`modelgen.xlsx.open_safely`, never writing to
it) into a frozen :class:`Previous`, finding by row key and period, never by address:

- **input edits**: Inputs cells whose value differs from what modelgen wrote, as recorded in
  OLD's ``_modelgen`` sheet (:mod:`modelgen.xlsx.record`). What becomes of each is decided
  against the new model in stage 2 (:mod:`modelgen.regenerate.apply`).
- **plugs**: numbers typed over a formula modelgen wrote; reported, not carried. A number
  typed over a scenario-driven input is an edit of the selected case's row instead.
- **the analyst's own sheets** and defined names, copied in stage 3
  (:mod:`modelgen.regenerate.carry`).

Nothing here knows the new model: OLD is read the same whatever the new CSVs say.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from modelgen.formulas.addresses import CONSTANT
from modelgen.keys import RowKey, kind_of
from modelgen.regenerate.analyst_names import OldName, read_names
from modelgen.regenerate.analyst_sheets import AnalystSheet, read_analyst_sheets
from modelgen.regenerate.old_workbook import open_analyst_parts
from modelgen.sheets import SheetName
from modelgen.xlsx.cached_values import no_values_message
from modelgen.xlsx.cells import CellReader, SheetCells, WorkbookCells
from modelgen.xlsx.forecast_actual import compared_kinds
from modelgen.xlsx.read_by_key import PERIOD_KEY, KeyedSheet, read_keyed
from modelgen.xlsx.record import SHEET as RECORD
from modelgen.xlsx.record import Provenance, read_record

__all__ = ["InputEdit", "Plug", "Previous", "read_previous", "show"]

INPUTS = SheetName.INPUTS
GENERATED_FALLBACK = (  # the sheets modelgen wrote before the record listed them
    *(SheetName.COVER, SheetName.INPUTS, SheetName.CAPEX, SheetName.GROWTH),
    *(SheetName.DEPRECIATION, SheetName.PPE, SheetName.PROFIT, SheetName.CHECKS),
    *(SheetName.ANNUAL, SheetName.RECORD),
)
SHOWN = 8  # details listed per kind on the Cover and the console


@dataclass(frozen=True)
class InputEdit:
    """One Inputs cell the analyst changed in OLD, as read: what modelgen wrote, what is there."""

    sheet: str
    key: str
    period: str  # a period label or "D"
    generated: object  # what modelgen wrote into OLD
    edited: object  # what the analyst left in OLD (None: emptied)

    def where(self) -> str:
        return f"{self.sheet} {self.key} {'constant' if self.period == CONSTANT else self.period}"


@dataclass(frozen=True)
class Plug:
    """A number typed over a formula modelgen wrote."""

    sheet: str
    key: str
    period: str
    cell: str
    value: object


@dataclass(frozen=True)
class Previous:
    """What OLD holds of the analyst's work, read once and not changed after."""

    old: Path
    # OLD's record (its version and sheets: `_kept`); None: built before modelgen kept one
    provenance: Provenance | None
    edits: tuple[InputEdit, ...] = ()
    plugs: tuple[Plug, ...] = ()
    sheets: tuple[AnalystSheet, ...] = ()  # the analyst's own sheets
    names: tuple[OldName, ...] = ()  # OLD's defined names
    # OLD's keyed sheets, to re-point by: each row's key by number, each period by column
    # (no `rows`: the edits and plugs above are what was read of them)
    keyed: dict[str, KeyedSheet] = field(default_factory=dict)
    # OLD's cached values of the rows forecast against actual compares (`compared_kinds`)
    values: dict[str, KeyedSheet] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def show(v: object) -> str:
    """A cell's value as the carry's messages spell it."""
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


def read_previous(old: Path) -> Previous:
    """Read OLD's edits, plugs, the analyst's sheets and names; OLD is opened read-only,
    never saved."""
    old = Path(old)
    cells, prov, wanted = _read_old(old)
    keyed = read_keyed(cells.formula_view(), sparse=True, keep=wanted.row)
    # Saved by a program that does not calculate (openpyxl, pandas), OLD has no formula
    # results. Most of the carry does not need them: edits are values on Inputs, plugs are
    # numbers where the record says a formula was, and the analyst's sheets are copied as
    # formulas and computed from the new model. Only a formula typed into an input has no
    # readable value: it is not carried (rather than carried as a blank), and a warning says
    # so; an analyst formula modelgen cannot compute is left to Excel's recalculation on open.
    blind = cells.lacks_computed_values()
    values = None if blind else read_keyed(wanted.cached(cells), sparse=True, keep=wanted.row)
    unread: list[str] = []
    warnings: list[str] = []
    edits: list[InputEdit] = []
    plugs: list[Plug] = []
    if prov is None:
        warnings.append(
            f"{old.name} has no modelgen record (built by an older modelgen?): its input edits "
            "and plugs cannot be told apart from generated values, so none are carried"
        )
    else:
        edits = _edits(prov, keyed, values, unread)
        scenario_edits, plugs = _scenario_plugs_to_edits(_plugs(prov, keyed), prov, keyed)
        edits += scenario_edits
    generated = _generated(cells, prov)
    formulas = open_analyst_parts(
        old, generated, cells.strings
    )  # openpyxl, for the analyst's sheets only
    sheets = read_analyst_sheets(
        formulas, cells, [n for n in cells.sheetnames if n not in generated], keyed
    )
    names = read_names(formulas, generated, keyed)
    if blind:
        done = "input edits, plugs and your sheets were read from its values and formulas"
        if unread:
            done += (
                f", but {len(unread)} inputs holding a formula ({', '.join(unread[:SHOWN])}) "
                "could not be read and were not carried: open and save it in Excel or "
                "LibreOffice, then build again to carry them"
            )
        warnings.append(no_values_message(old.name, done))
    return Previous(
        old,
        _kept(prov),
        tuple(edits),
        tuple(plugs),
        tuple(sheets),
        tuple(names),
        _by_key(keyed),
        _compared(values or {}, wanted.kinds),  # none: no forecasts beside the actuals
        tuple(warnings),
    )


def _kept(prov: Provenance | None) -> Provenance | None:
    """OLD's record as Previous keeps it: its version and the sheets modelgen wrote. The
    input values and formula rows it lists are read into the edits and plugs, and not held
    while the new model is built (at 500 companies they are some 35 MB)."""
    return None if prov is None else Provenance(version=prov.version, sheets=list(prov.sheets))


def _by_key(keyed: dict[str, KeyedSheet]) -> dict[str, KeyedSheet]:
    """OLD's keyed sheets as stage 3 re-points by them: row keys by number and periods by
    column, no rows (their cells are read here, and not kept while the new model is built)."""
    return {
        name: KeyedSheet(ks.name, ks.periods, {}, ks.period_columns, ks.row_keys)
        for name, ks in keyed.items()
    }


def _compared(values: dict[str, KeyedSheet], kinds: dict[str, set[str]]) -> dict[str, KeyedSheet]:
    """Of OLD's cached values, the rows forecast against actual compares."""
    return {
        name: KeyedSheet(
            ks.name,
            ks.periods,
            {k: row for k, row in ks.rows.items() if kind_of(k) in kinds[name]},
            ks.period_columns,
            ks.row_keys,
        )
        for name, ks in values.items()
        if name in kinds
    }


def _generated(cells: WorkbookCells, prov: Provenance | None) -> list[str]:
    """The sheets modelgen wrote into OLD: the record's list, else those it always wrote."""
    if prov is None:
        return [n for n in cells.sheetnames if n in GENERATED_FALLBACK]
    return prov.sheets


@dataclass(frozen=True)
class _Wanted:
    """Which of OLD's rows the carry reads whole: every row of ``sheets`` (Inputs, the
    analyst's); of the generated sheets, the inputs' rows the record lists, the ``period``
    row and the kinds of row forecast against actual compares (their cached values)."""

    sheets: frozenset[str]
    inputs: dict[str, set[str]]
    kinds: dict[str, set[str]]

    def row(self, sheet: str, key: str) -> bool:
        if sheet in self.sheets:
            return True
        return (
            key in self.inputs.get(sheet, ())
            or key == PERIOD_KEY
            or (kind_of(key) in self.kinds.get(sheet, ()))
        )

    def rows(self, sheet: str) -> Callable[[str], bool]:
        return lambda key: self.row(sheet, key)

    def cached(self, cells: WorkbookCells) -> WorkbookCells:
        """``cells`` with only the sheets whose cached values the carry reads."""
        names = {INPUTS, *self.inputs, *self.kinds}
        kept = {n: s for n, s in cells.sheets.items() if n in names}
        return WorkbookCells(cells.sheetnames, kept, cells.strings)


def _read_old(old: Path) -> tuple[WorkbookCells, Provenance | None, _Wanted]:
    """OLD's cells as the carry needs them, its record, and which rows were read whole;
    one pass over each sheet.

    The record is read first: it says which rows of the generated sheets the carry reads
    whole (:class:`_Wanted`); of every other row only the cells holding a value and no
    formula are kept (keys, labels, numbers typed over formulas). The analyst's sheets and
    Inputs are read whole. Reading the generated sheets whole (most of OLD: its formulas)
    cost more than the build, and kept every cell of OLD alive while the new model was built."""
    with CellReader(old) as book:
        cells = WorkbookCells(book.sheetnames, {}, book.strings)
        prov = read_record(book)
        generated = set(_generated(cells, prov))
        inputs: dict[str, set[str]] = {}
        for sheet, key, _ in prov.inputs if prov is not None else ():
            inputs.setdefault(sheet, set()).add(key)
        compared = {name: set(kinds) for name, kinds in compared_kinds().items()}
        wanted = _Wanted(frozenset({INPUTS} | (set(book.sheetnames) - generated)), inputs, compared)
        read: dict[str, SheetCells] = {}
        for name, member in book.parts:
            if member is None or name == RECORD:
                continue
            rows = None if name in wanted.sheets else wanted.rows(name)
            read[name] = book.read_part(name, member, formula_text=True, rows=rows)
        cells.sheets = read
    return cells, prov, wanted


def _edits(
    prov: Provenance,
    keyed: dict[str, KeyedSheet],
    values: dict[str, KeyedSheet] | None,
    unread: list[str],
) -> list[InputEdit]:
    """The Inputs cells that differ from what modelgen wrote; with no cached ``values``, a
    formula typed into an input cannot be read and goes to ``unread`` instead."""
    edits = []
    periods = {name: set(ks.periods) for name, ks in keyed.items()}
    for (sheet, key, period), generated in prov.inputs.items():
        ks = keyed.get(sheet)
        row = ks.rows.get(key) if ks is not None else None
        if row is None or (period != CONSTANT and period not in periods[sheet]):
            continue  # the analyst deleted the row or column: nothing to carry
        now = row.constant if period == CONSTANT else row.values.get(period)  # sparse rows
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


def _scenario_plugs_to_edits(
    plugs: list[Plug], prov: Provenance, keyed: dict[str, KeyedSheet]
) -> tuple[list[InputEdit], list[Plug]]:
    """(edits, the plugs left): a number typed over a scenario-driven input
    (`useful_life:META:servers`, which INDEXes its scenario rows) is the analyst's value for
    the case selected in OLD: an edit of that case's row (`useful_life:META:servers@Base`),
    not a plug."""
    inputs = keyed.get(SheetName.INPUTS)
    selected = inputs.rows.get("scenario") if inputs else None
    if selected is None or not isinstance(selected.constant, str):
        return [], plugs
    edits, kept = [], []
    for plug in plugs:
        key = RowKey.read(plug.key, plug.sheet) if plug.key else None
        case = key.with_(case=str(selected.constant)) if key else None
        target = str(case) if case is not None and case.is_declared(SheetName.INPUTS) else ""
        generated = prov.inputs.get((SheetName.INPUTS, target, CONSTANT), _MISSING)
        if plug.sheet == SheetName.INPUTS and plug.period == CONSTANT and generated is not _MISSING:
            edits.append(InputEdit(SheetName.INPUTS, target, CONSTANT, generated, plug.value))
        else:
            kept.append(plug)
    return edits, kept


_MISSING = object()
