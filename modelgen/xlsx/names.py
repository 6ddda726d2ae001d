"""Excel defined names: a sanitiser, and the names a workbook defines for its key rows.

Excel's rules for a name (`modelgen.xlsx.lint.is_valid_name`): it starts with a letter or an
underscore, holds only letters, digits, underscores and periods, is at most 255 characters,
is not a cell reference in either style (`AB12`, `FY2025`, `R1C1`, `R`, `C`) and is unique
ignoring case. Google Sheets also
refuses periods, so the parts of a name that come from the CSVs (tickers, asset classes)
map every character outside `[A-Za-z0-9_]` to `_`: `BRK.B` and `BRK-B` both give `BRK_B`.
Two different rows that would get the same name are an input error, never an overwrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.formulas.addresses import CONST_COL, FIRST_PERIOD_COL, absolute, area, ref
from modelgen.inputs.csvread import InputError, Problem, Problems, read_csv
from modelgen.inputs.schema import spec_of
from modelgen.keys import RowKey, kind_of
from modelgen.rowspec import named_kinds
from modelgen.sheets import SheetName
from modelgen.xlsx.lint import MAX_NAME, is_valid_name, looks_like_cell

if TYPE_CHECKING:
    from modelgen.formulas.rows import Row
    from modelgen.model import Model

_BAD = re.compile(r"[^A-Za-z0-9_.]")
_BAD_PART = re.compile(r"[^A-Za-z0-9_]")


def sanitize(text: str) -> str:
    """Any text as a legal Excel name: bad characters become `_`, a bad start gets `_`."""
    name = _BAD.sub("_", text.strip()) or "_"
    if not (name[0].isalpha() or name[0] == "_") or looks_like_cell(name):
        name = "_" + name
    return name[:MAX_NAME]


def part(text: str) -> str:
    """A part of a name from the CSVs (ticker, asset class): only `[A-Za-z0-9_]`."""
    return _BAD_PART.sub("_", text)


def key_name(key: str) -> str:
    """A row key as a name: `useful_life:MSFT:servers` -> `Useful_Life_MSFT_servers`.

    The kind (before the first `:`) is title-cased word by word; the other parts keep
    their case and go through `part`.
    """
    row = RowKey.parse(key)
    words = "_".join(w[:1].upper() + w[1:] for w in row.kind.split("_") if w)
    return sanitize("_".join([words, *(part(p) for p in row.parts)]))


@dataclass
class NameTable:
    """Names by their case-folded form, each with its reference and the row it names."""

    refs: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # fold -> (name, ref, what)
    clashes: list[tuple[str, str, str]] = field(default_factory=list)  # (name, what, other)

    def add(self, name: str, ref: str, what: str) -> None:
        """Add `name` for `ref`; a second, different `what` under the same name is a clash."""
        if not is_valid_name(name):
            raise ValueError(f"{name!r} is not a valid Excel name")
        fold = name.casefold()
        if fold in self.refs:
            if self.refs[fold][2] != what:
                self.clashes.append((name, what, self.refs[fold][2]))
            return
        self.refs[fold] = (name, ref, what)

    def items(self) -> list[tuple[str, str]]:
        return [(name, ref) for name, ref, _ in self.refs.values()]


def clash_error(
    table: NameTable, tickers: list[str], classes: list[str], folder: Path
) -> InputError:
    """The clashes of `table` as input problems naming the tickers or classes behind them."""
    problems: dict[tuple[str, str], Problem] = {}
    for name, what, other in table.clashes:
        a, b = RowKey.parse(what).parts, RowKey.parse(other).parts
        diff = [(x, y) for x, y in zip(a, b, strict=False) if x != y] or [(what, other)]
        x, y = diff[0]
        if x in tickers and y in tickers:
            file, column, noun = "companies.csv", "ticker", "tickers"
        elif x in classes and y in classes:
            file, column, noun = "assumptions.csv", "asset_class", "asset classes"
        else:
            file, column, noun = "companies.csv", "ticker", "row keys"
        pair = tuple(sorted((x, y)))
        if pair in problems:
            continue
        line = _line_of(folder / file, column, pair[1])
        problems[pair] = Problem(
            file,
            line,
            column,
            f'{noun} "{pair[0]}" and "{pair[1]}" give the same Excel name "{name}" '
            "(names keep only letters, digits and _, and ignore case)",
            "rename one of them so that they differ in more than punctuation or case",
        )
    return InputError(list(problems.values()))


def _line_of(path: Path, column: str, value: str) -> int:
    """The line of input file `path` whose `column` holds `value` (0 if it cannot be found)."""
    table = read_csv(path, replace(spec_of(path.name), needs_rows=False), Problems())
    return next((rec.line for rec in table.records if rec[column] == value), 0) if table else 0


#: rows named by sheet and kind, as declared (`modelgen.rowspec`); every keyed row of Inputs
OUTPUT_KINDS = named_kinds()


def row_ref(row: Row) -> str | None:
    """`Inputs!$D$7` for a row with one value, `Capex!$E$9:$K$9` for a period row."""
    if row.formula is not None or (row.values is not None and row.kind != "period"):
        last = FIRST_PERIOD_COL + row.width - 1
        cells = area(absolute(FIRST_PERIOD_COL, row.number), absolute(last, row.number))
        return ref(row.sheet, cells)
    if row.const is not None or row.const_formula is not None:
        return ref(row.sheet, absolute(CONST_COL, row.number))
    return None


def _named_rows(model: Model) -> list[Row]:
    rows = []
    for sheet in model.sheets.values():
        kinds = OUTPUT_KINDS.get(sheet.name)
        if sheet.name != SheetName.INPUTS and kinds is None:
            continue
        for row in sheet.rows:
            key = row.key
            if not key or key == "period" or "@" in key or row.width == 0:
                continue
            if kinds is None or kind_of(key) in kinds:
                rows.append(row)
    return rows


def plan_names(model: Model) -> NameTable:
    """The defined names of `model`: inputs and key outputs; raises InputError on a clash."""
    table = NameTable()
    for row in _named_rows(model):
        ref = row_ref(row)
        if ref is not None and row.key:
            table.add(key_name(row.key), ref, row.key)
    if table.clashes:
        inputs = model.inputs
        classes = sorted({a.name for t in inputs.tickers for a in inputs.asset_classes[t]})
        raise clash_error(table, list(inputs.tickers), classes, inputs.folder)
    return table
