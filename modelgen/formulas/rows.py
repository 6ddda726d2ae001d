"""Sheets as ordered rows: the workbook contract in objects.

Each `Row` is a line item: a key in column A, a label, a unit, an optional constant in D
(a number or a formula) and optional period values (inputs) or one formula for every period
column. Row numbers are fixed when a row is added, so formulas can reference rows at once.
A sheet of the model knows its rows' declarations (`Sheet.declared`): a keyed row takes its
number format and unit from there, not from the code that adds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from modelgen.formulas.expressions import Expr, Range, Ref, Span


@dataclass(eq=False, repr=False)
class Row:
    """One line item on one sheet."""

    sheet: str
    number: int  # 1-based, as Excel shows it
    key: str | None = None
    label: str = ""
    unit: str = ""
    fmt: str = ""  # number-format kind: amount, pct, years, year, count, flag, ratio, text
    const_fmt: str = ""  # column D's, where it differs (a table's axis value in years)
    kind: str = "calc"  # title, period, header, blank, input, fixed, calc
    const: float | str | None = None  # an input constant in column D
    const_formula: Expr | None = None  # a calculated value in column D
    values: np.ndarray | None = None  # input values per period, NaN for blank
    formula: Expr | None = None  # the one formula of every period column
    level: int = 0  # outline level for grouping
    width: int = 0  # period columns of its sheet
    note: str = ""  # shown as a cell comment on the label
    cell_notes: dict[int, str] | None = None  # comments on period cells, by period index
    choices: list[str] | Expr | None = None  # the allowed values of an input: a list or a range
    result: np.ndarray | None = None  # evaluated period values
    const_result: float | str | None = None  # evaluated column D

    def __repr__(self) -> str:  # short: formulas reference rows, a full repr would explode
        return f"Row({self.sheet}!{self.key or self.label!r} @{self.number})"

    # references, in the words of the formula rules
    @property
    def cur(self) -> Ref:
        """This row in the same period column."""
        return Ref(self, "rel", 0)

    @property
    def prev(self) -> Ref:
        """This row one period earlier (column D at the first period)."""
        return Ref(self, "rel", -1)

    @property
    def next(self) -> Ref:
        """This row one period later (an empty cell after the last period)."""
        return Ref(self, "rel", 1)

    def at(self, index: int) -> Ref:
        """This row at a fixed period index, absolute."""
        return Ref(self, "at", index=index)

    @property
    def d(self) -> Ref:
        """Column D of this row, absolute."""
        return Ref(self, "const")

    def const_value(self) -> float | str:
        if self.const_formula is not None:
            return np.nan if self.const_result is None else self.const_result
        return np.nan if self.const is None else self.const

    def period_result(self) -> np.ndarray:
        """The row's values per period: inputs as given, formulas as evaluated."""
        if self.formula is not None:
            if self.result is None:
                raise RuntimeError(f"{self.key} has not been evaluated")
            return self.result
        if self.values is not None:
            return self.values
        raise RuntimeError(f"{self.sheet}!{self.key} has no period values")

    @property
    def is_input(self) -> bool:
        return self.kind == "input"

    @property
    def is_fixed(self) -> bool:
        """A value the CSV files or settings set and the model's structure rests on (the
        timeline, the unit, a ticker): shown and referenced, changed only by a rebuild."""
        return self.kind == "fixed"


#: a keyed row's number format and unit, from its declaration (KeyError where it has none)
Declared = Callable[[str], tuple[str, str]]


@dataclass(repr=False)
class Sheet:
    """An ordered list of rows; `add` appends and returns the row.

    `declared`, where given (every sheet of the model: `Model.new_sheet`), gives a keyed row's
    number format and unit from its declaration; without it (a bare sheet, in tests) `add`
    takes them as given.
    """

    name: str
    title: str
    width: int = 0  # period columns: the model's periods, or fiscal years on Annual
    rows: list[Row] = field(default_factory=list)
    by_key: dict[str, Row] = field(default_factory=dict)
    declared: Declared | None = None

    def add(
        self,
        key: str | None = None,
        label: str = "",
        unit: str | None = None,
        *,
        fmt: str | None = None,
        undeclared: bool = False,
        **kw: object,
    ) -> Row:
        """Append a row and return it.

        On a sheet with declarations, a keyed row's `fmt` and `unit` are its declaration's:
        passing either raises TypeError (one source of truth), and a key declared nowhere
        raises KeyError. `undeclared=True` marks the rare keyed row no declaration describes
        (each sheet's `period` row), whose format and unit are given here.
        """
        if key is not None and self.declared is not None:
            fmt, unit = self._declared(self.declared, key, fmt, unit, undeclared)
        row = Row(
            sheet=self.name,
            number=len(self.rows) + 1,
            key=key,
            label=label,
            unit=unit or "",
            fmt=fmt or "",
            width=self.width,
            **kw,
        )  # type: ignore[arg-type]
        if key is not None:
            if key in self.by_key:
                raise ValueError(f"duplicate row key {key!r} on sheet {self.name}")
            self.by_key[key] = row
        self.rows.append(row)
        return row

    def _declared(
        self, declared: Declared, key: str, fmt: str | None, unit: str | None, undeclared: bool
    ) -> tuple[str | None, str | None]:
        """The format and unit of the row `key`: its declaration's, or as given for a row
        marked undeclared (which must be so)."""
        try:
            found = declared(key)
        except KeyError:
            if undeclared:
                return fmt, unit
            raise
        if undeclared:
            raise ValueError(f"{self.name}!{key} is declared: drop undeclared=True")
        if fmt is not None or unit is not None:
            raise TypeError(
                f"{self.name}!{key}: its number format and unit are its declaration's "
                "(modelgen/rowspec.py); pass neither"
            )
        return found

    def header(self, text: str, level: int = 0) -> Row:
        """A row of text that heads the rows below it."""
        return self.add(None, text, kind="header", level=level)

    def blank(self) -> Row:
        """An empty row."""
        return self.add(None, kind="blank")

    def __repr__(self) -> str:
        return f"Sheet({self.name!r}, {len(self.rows)} rows)"

    def __getitem__(self, key: str) -> Row:
        return self.by_key[key]


def block(rows: list[Row], mode: str = "rel") -> Range:
    """A contiguous range of rows: in the formula's period column, or in column D."""
    return Range(list(rows), mode)


def span(row: Row) -> Span:
    """A row across every period column (for SUM, MAX over the timeline)."""
    return Span(row)
