"""Read a workbook by the workbook contract into values found by row key and period.

Every sheet but ``Cover`` has: A the row key, B the label, C the unit, D a constant, and
from E one column per period, labelled by the row keyed ``period``. Tests, ``verify`` and
``diff`` use this to find rows by key, never by cell address (see docs/DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError
from modelgen.formulas.addresses import CONSTANT, FIRST_PERIOD_COL, col_letter
from modelgen.sheets import SheetName
from modelgen.xlsx.cells import SheetCells, WorkbookCells, read_cells
from modelgen.xlsx.open_safely import open_workbook

if TYPE_CHECKING:  # verify and diff read workbooks without loading openpyxl or pandas
    import pandas as pd
    from openpyxl.workbook.workbook import Workbook

__all__ = [
    "KeyedRow",
    "KeyedSheet",
    "ReadbackError",
    "keyed_sheet",
    "locate",
    "read_keyed",
    "values_frame",
]

COVER = SheetName.COVER
EXCEL_COLUMNS = 16_384
PERIOD_KEY = "period"


class ReadbackError(ModelgenError, ValueError):
    """A sheet breaks the workbook contract (duplicate keys or period labels)."""

    exit_code = EXIT_BAD_INPUT


@dataclass
class KeyedRow:
    """One keyed row: its label, unit, constant (column D) and values by period label."""

    key: str
    sheet: str
    row: int
    label: object = None
    unit: object = None
    constant: object = None
    values: dict[str, object] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # period label or "D" -> "F12"


@dataclass
class KeyedSheet:
    """A sheet's keyed rows; ``periods`` are the labels of the ``period`` row, in order."""

    name: str
    periods: list[str]
    rows: dict[str, KeyedRow]
    period_columns: dict[str, str] = field(default_factory=dict)  # column letter -> period
    row_keys: dict[int, str] = field(default_factory=dict)  # row number -> key


def _text(value: object) -> str | None:
    """A period label as text: 2024.0 (a label typed as a number) reads as '2024'."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _read_sheet(
    title: str,
    grid: list[list[object]] | SheetCells,
    sparse: bool = False,
    keep: Callable[[str, str], bool] | None = None,
) -> KeyedSheet | None:
    """A contract sheet from its rows (openpyxl's) or its cells (``read_cells``'s, read
    by (row, column) without a grid: a workbook of a million cells is mostly not keyed).
    ``sparse`` (cells only): see :func:`read_keyed`."""
    present: dict[int, set[int]] = {}  # sparse: row number -> its columns that hold something
    if isinstance(grid, SheetCells):
        values, source = grid.values, grid
        column_a = {n: v for (n, c), v in values.items() if c == 1}
        if source.shows_formulas:
            column_a |= {n: text for (n, c), text in source.texts.items() if c == 1}
        found = sorted((n, v.strip()) for n, v in column_a.items() if isinstance(v, str))
        found = [(key, n) for n, key in found if key]
        if source.shows_formulas:
            cell = lambda n, c: source.get(n, c + 1)  # noqa: E731 - 0-based column, as a grid
        else:
            cell = lambda n, c: values.get((n, c + 1))  # noqa: E731
        if sparse:
            for n, c in [*values, *(source.texts if source.shows_formulas else ())]:
                if c > FIRST_PERIOD_COL:
                    present.setdefault(n, set()).add(c - 1)
    else:
        found = [
            (cells[0].strip(), number)
            for number, cells in enumerate(grid, start=1)
            if cells and isinstance(cells[0], str) and cells[0].strip()
        ]

        def cell(n: int, c: int) -> object:
            row = grid[n - 1]
            return row[c] if c < len(row) else None

    if PERIOD_KEY not in {key for key, _ in found}:
        return None  # not a contract sheet: nothing to read, nothing to complain about
    keys: dict[str, int] = {}
    for key, number in found:
        if key in keys:
            raise ReadbackError(
                f"sheet {title!r}: row key {key!r} is used twice (rows {keys[key]} and "
                f"{number}); keys must be unique within a sheet"
            )
        keys[key] = number

    periods: list[str] = []
    columns: dict[str, str] = {}
    for col in range(FIRST_PERIOD_COL, EXCEL_COLUMNS):
        label = _text(cell(keys[PERIOD_KEY], col))
        if label is None:
            break  # periods are contiguous from E
        if label in periods:
            raise ReadbackError(f"sheet {title!r}: period {label!r} appears twice")
        periods.append(label)
        columns[col_letter(col)] = label

    sheet = KeyedSheet(name=title, periods=periods, rows={}, period_columns=columns)
    letters = list(columns)
    for key, number in keys.items():
        sheet.row_keys[number] = key
        constant = cell(number, 3)
        if sparse:
            held = sorted(c - FIRST_PERIOD_COL for c in present.get(number, ()))
            offsets: Iterable[int] = [i for i in held if i < len(periods)]
            if not offsets and constant is None and keep is not None and not keep(title, key):
                continue  # nothing in D or a period column, and not asked for
        else:
            offsets = range(len(periods))
        row = KeyedRow(key, title, number, cell(number, 1), cell(number, 2), constant)
        row.cells[CONSTANT] = f"{CONSTANT}{number}"
        for offset in offsets:
            label = periods[offset]
            row.values[label] = cell(number, FIRST_PERIOD_COL + offset)
            row.cells[label] = f"{letters[offset]}{number}"
        sheet.rows[key] = row
    return sheet


def read_keyed(
    path_or_workbook: str | Path | Workbook | WorkbookCells,
    *,
    data_only: bool = True,
    sparse: bool = False,
    keep: Callable[[str, str], bool] | None = None,
) -> dict[str, KeyedSheet]:
    """Read every contract sheet (not Cover, not sheets without a ``period`` row), in order.

    A path's cached values are read with :func:`modelgen.xlsx.cells.read_cells`, its formula
    text (``data_only=False``) with openpyxl, both after the checks of
    :mod:`modelgen.xlsx.open_safely`; a workbook already read is read as it was loaded
    (``data_only`` is then ignored).

    ``sparse`` (cells read by ``read_cells`` or ``CellReader``): each row's ``values`` and
    ``cells`` hold only the period cells that hold something, not one entry per period, and
    with ``keep``, a row holding nothing in D or a period column is in ``rows`` only if
    ``keep(sheet, key)`` (``row_keys`` lists every key): ``build --previous`` keeps OLD's
    rows by key while it builds the new model, and most of them are formulas it does not
    need.
    """
    source = path_or_workbook
    if isinstance(source, str | Path):
        source = read_cells(source) if data_only else open_workbook(source, data_only=False)
    if isinstance(source, WorkbookCells):
        grids = iter(source.sheets.items())
    else:
        grids = (
            (ws.title, [list(r) for r in ws.iter_rows(values_only=True)])
            for ws in source.worksheets
        )
    sheets: dict[str, KeyedSheet] = {}
    for title, grid in grids:
        if title == COVER:
            continue
        sheet = _read_sheet(title, grid, sparse and isinstance(grid, SheetCells), keep)
        if sheet is not None:
            sheets[title] = sheet
    return sheets


@dataclass
class KeyedWorkbook:
    """A workbook read back by sheet, row key and period: what `modelgen.read_workbook` gives."""

    path: Path
    sheets: dict[str, KeyedSheet]

    def value(self, sheet: str, key: str, period: str | None = None) -> object:
        """A cell's cached value by sheet, row key and period label (`None`: column D)."""
        if sheet not in self.sheets:
            raise KeyError(f"no sheet {sheet!r}; the sheets are {', '.join(self.sheets)}")
        rows = self.sheets[sheet].rows
        if key not in rows:
            raise KeyError(f"{sheet} has no row {key!r}")
        if period is None:
            return rows[key].constant
        if period not in self.sheets[sheet].periods:
            raise KeyError(f"{sheet} has no period {period!r}")
        return rows[key].values.get(period)

    def frame(self, sheet: str) -> pd.DataFrame:
        """A sheet as a DataFrame: row keys as index, `D` then the period labels as columns."""
        periods = self.sheets[sheet].periods
        data = {
            key: [row.constant] + [row.values.get(p) for p in periods]
            for key, row in self.sheets[sheet].rows.items()
            if key != PERIOD_KEY
        }
        import pandas as pd

        return pd.DataFrame.from_dict(data, orient="index", columns=[CONSTANT, *periods])


def keyed_sheet(title: str, cells: SheetCells, *, sparse: bool = False) -> KeyedSheet | None:
    """One sheet read by the contract from its cells (None: not a contract sheet);
    ``sparse`` as ``read_keyed`` takes it."""
    return _read_sheet(title, cells, sparse)


def locate(sheets: dict[str, KeyedSheet], sheet: str, cell: str) -> tuple[str | None, str | None]:
    """Reverse lookup: ``('Calc', 'F7')`` -> ``(row key, period label or 'D')``.

    Either part is None where the cell is not on a keyed row or not in D or a period column,
    so messages can always say as much as is known.
    """
    ks = sheets.get(sheet)
    if ks is None:
        return None, None
    letters = "".join(ch for ch in cell.replace("$", "") if ch.isalpha()).upper()
    digits = "".join(ch for ch in cell if ch.isdigit())
    key = ks.row_keys.get(int(digits)) if digits else None
    period = CONSTANT if letters == CONSTANT else ks.period_columns.get(letters)
    return key, period


def values_frame(
    source: str | Path | Workbook | dict[str, KeyedSheet], *, include_constants: bool = True
) -> pd.DataFrame:
    """A tidy frame (sheet, key, period, value), one row per keyed cell, in sheet order.

    Constants appear with period ``'D'`` (where column D is not empty); the ``period`` row
    itself is left out. Handy for tests and for diffing two workbooks.
    """
    sheets = source if isinstance(source, dict) else read_keyed(source)
    records = []
    for ks in sheets.values():
        for row in ks.rows.values():
            if row.key == PERIOD_KEY:
                continue
            if include_constants and row.constant is not None:
                records.append((ks.name, row.key, CONSTANT, row.constant))
            for period in ks.periods:
                records.append((ks.name, row.key, period, row.values.get(period)))
    import pandas as pd

    return pd.DataFrame.from_records(records, columns=["sheet", "key", "period", "value"])
