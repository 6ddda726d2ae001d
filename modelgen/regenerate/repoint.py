"""Re-point a reference into a generated sheet to the same row key and period in a new model.

``='Profit Impact'!H14`` in last quarter's workbook means "row key X, period Y" there; in the
new workbook, where new rows and period columns have moved things, it must point to the
cell of the same key and period, wherever that now is. A reference that cannot mean the same
thing (its key or period is gone, a range whose rows or columns are no longer the same
sequence, a whole column) is not guessed: the caller marks it. A defined name is kept when
the new workbook defines it (``names``, :class:`modelgen.regenerate.analyst_names.NameBook`),
and is a failure like a gone row when it does not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from openpyxl.formula.tokenizer import Token, Tokenizer

from modelgen.formulas.addresses import (
    CONSTANT,
    FIRST_PERIOD_COL,
    FIXED_COLUMNS,
    area,
    col_index,
    col_letter,
    quote_sheet,
)
from modelgen.xlsx.read_by_key import KeyedSheet
from modelgen.xlsx.record import sheet_periods

if TYPE_CHECKING:
    from modelgen.model import Model

__all__ = ["Names", "Ref", "Repointer", "parse_name", "parse_ref"]

_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_REF = re.compile(
    rf"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!:\[\]]+)!)?(?P<a>{_CELL})(?::(?P<b>{_CELL}))?$"
)
_PARTS = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")
_NAME = re.compile(r"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!:\[\]]+)!)?(?P<name>[A-Za-z_\\][\w.]*)$")


class Names(Protocol):
    """The defined names of the new workbook, as a formula on sheet ``home`` sees them."""

    def why_not(self, sheet: str | None, name: str, home: str) -> str:
        """Empty when the new workbook defines ``sheet!name`` (or ``name``), else why not."""
        ...

    def definition(self, sheet: str | None, name: str, home: str) -> tuple[str, str] | None:
        """(its definition without "=", the sheet it belongs to), when defined."""
        ...


@dataclass(frozen=True)
class Ref:
    """A parsed cell or range reference; ``sheet`` is None when the formula's own sheet."""

    sheet: str | None
    a: str
    b: str | None = None


def parse_ref(text: str) -> Ref | None:
    """``'Profit Impact'!$H$14:I15`` -> Ref; None for whole columns, names, external refs."""
    m = _REF.match(text.strip())
    if not m:
        return None
    sheet = m.group("sheet")
    if sheet and sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return Ref(sheet, m.group("a"), m.group("b"))


def parse_name(text: str) -> tuple[str | None, str] | None:
    """``MyRate`` -> (None, 'MyRate'); ``'Client note'!MyRate`` -> ('Client note', 'MyRate');
    None when ``text`` is not a (possibly sheet-qualified) defined name."""
    m = _NAME.match(text.strip())
    if not m or _PARTS.match(m.group("name")) or m.group("name").upper() in ("TRUE", "FALSE"):
        return None
    sheet = m.group("sheet")
    if sheet and sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, m.group("name")


def split_cell(cell: str) -> tuple[str, str, str, int]:
    """``$H$14`` -> ('$', 'H', '$', 14)."""
    m = _PARTS.match(cell)
    assert m, cell
    return m.group(1), m.group(2).upper(), m.group(3), int(m.group(4))


class Repointer:
    """Maps references in OLD's generated sheets to the new model, by key and period."""

    def __init__(
        self,
        old: dict[str, KeyedSheet],
        model: Model,
        analyst: list[str],
        names: Names | None = None,
    ) -> None:
        self.old, self.model, self.analyst = old, model, set(analyst)
        self.names = names  # None: every defined name is a failure
        self.new_periods = {name: sheet_periods(s) for name, s in model.sheets.items()}

    def formula(self, formula: str, home: str) -> tuple[str, int, list[str]]:
        """Re-point every reference in ``formula`` written on sheet ``home``.

        Returns the new formula, the number of references into generated sheets re-pointed
        (found by key and period, whether or not their address moved), and one message per
        reference that could not be: those are replaced by ``#REF!``, as Excel does when
        the cells a reference points to are deleted, so the cell can never be silently wrong.
        """
        tok = Tokenizer(formula)
        moved, failed = 0, []
        for item in tok.items:
            if item.type != Token.OPERAND or item.subtype != Token.RANGE:
                continue
            new, why = self.reference(item.value, home)
            if why:
                failed.append(f"{item.value}: {why}")
                item.value = "#REF!"
            else:
                moved += self._generated(item.value, home)  # found by key, moved or not
                item.value = new
        return tok.render(), moved, failed

    def _generated(self, text: str, home: str) -> bool:
        ref = parse_ref(text)
        return (
            ref is not None
            and (ref.sheet or home) in self.old
            and (ref.sheet or home) not in self.analyst
        )

    def reference(self, text: str, home: str) -> tuple[str, str]:
        """(the re-pointed reference, "") or (text, why it cannot be re-pointed)."""
        ref = parse_ref(text)
        name = parse_name(text) if ref is None else None
        if name is not None and self.names is not None:
            return text, self.names.why_not(*name, home)
        if ref is None:
            target = text.split("!")[0].strip("'") if "!" in text else None
            if target is None or target in self.analyst:
                if "!" in text or re.fullmatch(
                    r"\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+", text
                ):
                    return text, ""  # whole rows/columns of the analyst's own sheets stay
                return text, "a defined name (names are not carried)"
            return text, "whole rows, whole columns and other workbooks cannot be re-pointed by key"
        sheet = ref.sheet or home
        if sheet in self.analyst:
            return text, ""
        if sheet not in self.old:
            return text, f"sheet {sheet!r} is not a keyed modelgen sheet"
        if sheet not in self.model.sheets:
            return text, f"sheet {sheet!r} is not in the new workbook"
        a, why = self._cell(sheet, ref.a)
        if why:
            return text, why
        out = a
        if ref.b:
            b, why = self._cell(sheet, ref.b)
            if why:
                return text, why
            why = self._same_block(sheet, ref.a, ref.b, a, b)
            if why:
                return text, why
            out = area(a, b)
        return (f"{quote_sheet(sheet)}!{out}" if ref.sheet else out), ""

    def _cell(self, sheet: str, cell: str) -> tuple[str, str]:
        dc, col, dr, row = split_cell(cell)
        old = self.old[sheet]
        key = old.row_keys.get(row)
        if key is None:
            return cell, f"{sheet}!{col}{row} is not on a keyed row"
        label = col if col in FIXED_COLUMNS else old.period_columns.get(col)
        if label is None:
            return cell, f"{sheet}!{col}{row} is not in a period column"
        new_row = self.model.sheets[sheet].by_key.get(key)
        if new_row is None:
            return cell, f"row {key!r} of {sheet} is not in the new workbook"
        if label in FIXED_COLUMNS:
            new_col = label
        elif label in self.new_periods[sheet]:
            new_col = col_letter(FIRST_PERIOD_COL + self.new_periods[sheet].index(label))
        else:
            return cell, f"period {label} of {sheet} is not in the new workbook"
        return f"{dc}{new_col}{dr}{new_row.number}", ""

    def _same_block(self, sheet: str, a0: str, b0: str, a1: str, b1: str) -> str:
        """A range keeps its meaning only if the rows and columns between its corners do."""
        old, new = self.old[sheet], self.model.sheets[sheet]
        (_, c0, _, r0), (_, c1, _, r1) = split_cell(a0), split_cell(b0)
        (_, n0, _, q0), (_, n1, _, q1) = split_cell(a1), split_cell(b1)
        new_keys = {row.number: row.key for row in new.rows}
        (r0, r1), (q0, q1) = sorted((r0, r1)), sorted((q0, q1))  # E4:E3 is E3:E4
        if [old.row_keys.get(r) for r in range(r0, r1 + 1)] != [
            new_keys.get(r) for r in range(q0, q1 + 1)
        ]:
            return f"the rows of {sheet}!{a0}:{b0} are no longer the same rows"
        old_cols = [self._label(old, c) for c in _letters(c0, c1)]
        new_cols = [self._new_label(sheet, c) for c in _letters(n0, n1)]
        if old_cols != new_cols:
            return f"the columns of {sheet}!{a0}:{b0} are no longer the same periods"
        return ""

    @staticmethod
    def _label(sheet: KeyedSheet, col: str) -> str | None:
        return col if col in FIXED_COLUMNS else sheet.period_columns.get(col)

    def _new_label(self, sheet: str, col: str) -> str | None:
        if col in FIXED_COLUMNS:
            return col
        i = col_index(col) - FIRST_PERIOD_COL
        periods = self.new_periods[sheet]
        return periods[i] if 0 <= i < len(periods) else None

    def value(self, sheet: str, cell: str) -> object:
        """The new model's value of ``sheet!cell`` (a generated sheet), None when empty."""
        _, col, _, number = split_cell(cell)
        s = self.model.sheets[sheet]
        row = s.rows[number - 1] if 0 < number <= len(s.rows) else None
        if row is None or row.kind in ("blank",):
            return None
        if col == "A":
            return row.key
        if col == "B":
            return row.label or None
        if col == "C":
            return row.unit or None
        if col == CONSTANT:
            v = row.const_value()
        else:
            i = col_index(col) - FIRST_PERIOD_COL
            if row.kind == "period":
                return self.new_periods[sheet][i] if 0 <= i < len(self.new_periods[sheet]) else None
            if i < 0 or (row.formula is None and row.values is None):
                return None
            res = row.period_result()
            v = res[i] if i < len(res) else None
        if isinstance(v, float) and math.isnan(v):
            return None
        return v.item() if hasattr(v, "item") else v


def _letters(c0: str, c1: str) -> list[str]:
    i0, i1 = col_index(c0), col_index(c1)
    return [col_letter(i) for i in range(min(i0, i1), max(i0, i1) + 1)]
