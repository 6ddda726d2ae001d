"""One cell's formula in words and numbers, so a reviewer traces a figure without clicking
through sheets (`modelgen explain FILE KEY PERIOD`, `modelgen.read_workbook(FILE).explain(KEY, PERIOD)`).

The formula text is split by openpyxl's formula tokenizer and parsed into terms: a plain sum
or product lists each precedent with the operator before it; a function (SUM, IF, INDEX, ...)
lists its arguments beneath its name; a range lists its cells. Every cell is named as the
workbook contract names it, by sheet, row label, row key and period, with its value; a cell
on no keyed row (an analyst's) by its address. ``depth`` > 1 explains the precedents' own
formulas beneath them.

Values are the workbook's cached ones. A workbook saved by a program that does not
calculate (openpyxl, pandas) has none: IronCalc, which modelgen always has, computes them in
process, and the explanation says so (``values_from``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.formulas.addresses import CONSTANT
from modelgen.formulas.addresses import cell as cell_address
from modelgen.formulas.addresses import ref as sheet_ref
from modelgen.formulas.parse import FormulaParseError, Node, parse
from modelgen.words import unknown_name
from modelgen.xlsx.read_by_key import KeyedWorkbook

if TYPE_CHECKING:
    from modelgen.xlsx.read_by_key import KeyedSheet

__all__ = ["CellInfo", "ExplainableWorkbook", "Explanation", "Term", "explain", "read_formulas"]

#: a range's cells listed in the text (all of them in JSON)
LISTED_CELLS = 12
#: a label longer than this is cut in the text (whole in JSON)
LABEL_WIDTH = 44
_IF_ROLES = ("if", "then", "else")
_CACHED = "cached"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class CellInfo:
    """A cell as the workbook contract names it; key, label and period None where it has none."""

    sheet: str
    address: str
    key: str | None
    label: str | None
    period: str | None
    unit: str | None
    value: object
    formula: str | None

    def name(self) -> str:
        """`capex:MSFT 2025`, or the address of a cell on no keyed row: `Notes!B4`."""
        if self.key is None or self.period is None:
            return sheet_ref(self.sheet, self.address)
        return f"{self.key} {self.period}"


@dataclass
class Term:
    """One part of a formula and how it joins the terms before it.

    ``op``: the operator before it (`+ - * / ^ & = <> < > <= >=`), a role (`if then else`)
    or ``""`` (the first term, a function's argument). ``kind``: `cell`, `range`, `function`,
    `group` (a bracketed or nested expression), `number`, `text` or `other`.
    """

    op: str
    kind: str
    text: str
    cell: CellInfo | None = None
    terms: list[Term] = field(default_factory=list)


@dataclass
class Explanation:
    """A cell, its formula's terms, and where the values come from (`cached` or `IronCalc`)."""

    target: CellInfo
    terms: list[Term]
    values_from: str = _CACHED

    def lines(self) -> list[str]:
        """The explanation as text: the cell, its terms indented, the sheet and row."""
        t = self.target
        unit = f" ({t.unit})" if t.unit else ""
        out = [f"{t.name()} = {_show(t.value, t.unit)}{unit}"]
        rows: list[tuple[str, CellInfo | None, str]] = []
        if t.formula is None:
            what = "an empty cell" if t.value in (None, "") else "a typed value, no formula"
            rows.append(("  ", None, what))
        for i, term in enumerate(self.terms):
            _flatten(term, 1, rows, first="=" if i == 0 and not term.op else None)
        out += _aligned(rows, t.sheet)
        out.append(f"({t.sheet} sheet, row {t.address.lstrip(_LETTERS)})")
        if self.values_from != _CACHED:
            out.append(f"(the workbook has no computed values: {self.values_from} computed these)")
        return out

    def to_json(self) -> str:
        """The explanation as JSON, every cell of every range included."""
        data = {"values_from": self.values_from, **asdict(self)}
        return json.dumps(data, indent=2, default=str)


def _flatten(
    term: Term, depth: int, rows: list[tuple[str, CellInfo | None, str]], first: str | None
) -> None:
    indent = "  " * depth + f"{first if first is not None else term.op:<5}"
    if term.kind == "cell" and term.cell is not None:
        rows.append((indent, term.cell, ""))
    elif term.kind == "range":
        rows.append((indent, None, f"{term.text}: {_plural(len(term.terms), 'cell')}"))
        for cell in term.terms[:LISTED_CELLS]:
            _flatten(cell, depth + 2, rows, first="")
        if len(term.terms) > LISTED_CELLS:
            rows.append(
                ("  " * (depth + 2) + "     ", None, f"... {len(term.terms) - LISTED_CELLS} more")
            )
        return
    elif term.kind == "function":
        rows.append((indent, None, f"{term.text}("))
    elif term.kind == "group":
        rows.append((indent, None, f"{term.text}("))
    else:
        rows.append((indent, None, term.text))
    for i, sub in enumerate(term.terms):
        _flatten(sub, depth + 2, rows, first="=" if term.kind == "cell" and i == 0 else None)
    if term.kind in ("function", "group"):
        rows.append(("  " * depth + "     ", None, ")"))


def _aligned(rows: list[tuple[str, CellInfo | None, str]], sheet: str) -> list[str]:
    """Cell lines in columns: operator and label, key, period, value, and the sheet of a
    cell on a sheet other than ``sheet``."""
    lefts = [f"{indent}{_label(cell)}" for indent, cell, _ in rows if cell is not None]
    keys = [_key_text(cell) for _, cell, _ in rows if cell is not None]
    wide_left = max(map(len, lefts), default=0)
    wide_key = max(map(len, keys), default=0)
    wide_period = max((len(c.period or "") for _, c, _ in rows if c is not None), default=0)
    shown = [_show(c.value, c.unit) for _, c, _ in rows if c is not None]
    wide_value = max(map(len, shown), default=0)
    out = []
    for indent, cell, text in rows:
        if cell is None:
            out.append(f"{indent}{text}".rstrip())
            continue
        left = f"{indent}{_label(cell)}"
        period = cell.period or "" if cell.key else ""
        line = f"{left:<{wide_left}}   {_key_text(cell):<{wide_key}}   {period:<{wide_period}}"
        value = _show(cell.value, cell.unit)
        elsewhere = sheet != cell.sheet and cell.key is not None
        out.append(
            f"{line}   {value:<{wide_value}}   ({cell.sheet})" if elsewhere else f"{line}   {value}"
        )
    return out


def _key_text(cell: CellInfo) -> str:
    """The key column: the row key, or the address of a cell on no keyed row."""
    return cell.key if cell.key and cell.period else cell.name()


def _label(cell: CellInfo) -> str:
    """A row label cut to LABEL_WIDTH characters, so that the columns stay readable."""
    label = cell.label or ""
    return label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 3] + "..."


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _show(value: object, unit: str | None = None) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if unit == "%":
        return f"{value:.2%}"
    if isinstance(value, int) or float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.4g}"


# --- reading --------------------------------------------------------------------------------


class _Book:
    """What an explanation reads: formulas and values by (sheet, address), keyed sheets."""

    def __init__(self, path: Path, keyed: dict[str, KeyedSheet]) -> None:
        from modelgen.engine.verify import read_values
        from modelgen.xlsx.cached_values import lacks_computed_values
        from modelgen.xlsx.cells import read_cells

        self.keyed = keyed
        self.formulas, self.names = read_formulas(path)
        self.values_from = _CACHED
        if lacks_computed_values(path):
            from modelgen.engine import ironcalc

            self.values = ironcalc.recalculate(path)
            self.values_from = ironcalc.NAME
        else:
            self.values = read_values(read_cells(path))

    def cell(self, sheet: str, address: str) -> CellInfo:
        from modelgen.xlsx.read_by_key import locate

        key, period = locate(self.keyed, sheet, address)
        row = self.keyed[sheet].rows.get(key) if key and sheet in self.keyed else None
        label = row.label if row is not None else None
        unit = row.unit if row is not None else None
        return CellInfo(
            sheet,
            address,
            key,
            None if label is None else str(label),
            period,
            None if unit is None else str(unit),
            self.values.get((sheet, address)),
            self.formulas.get((sheet, address)),
        )


def read_formulas(path: str | Path) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Every formula of the workbook at ``path`` by (sheet, address), shared ones expanded,
    and what each workbook-wide defined name refers to, by its name in lower case."""
    from modelgen.xlsx.open_safely import open_workbook

    wb = open_workbook(Path(path), data_only=False, read_only=True)
    try:
        found: dict[tuple[str, str], str] = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value.startswith("="):
                        found[ws.title, c.coordinate] = c.value
        names = {name.casefold(): d.attr_text for name, d in wb.defined_names.items()}
        return found, names
    finally:
        wb.close()


# --- explaining -------------------------------------------------------------------------------


@dataclass
class ExplainableWorkbook(KeyedWorkbook):
    """What `modelgen.read_workbook` gives: values by sheet, key and period, and `explain`."""

    #: what `explain` reads besides (formulas, every cell's value), kept after its first use
    explaining: _Book | None = field(default=None, repr=False, compare=False)

    def explain(self, key: str, period: str, depth: int = 1) -> Explanation:
        """The formula of row `key` in `period` (`D`: the constant) in words and numbers:
        each precedent by sheet, label, key, period and value (`.lines()`, `.to_json()`)."""
        return explain(self, key, period, depth)


def explain(book: ExplainableWorkbook, key: str, period: str, depth: int = 1) -> Explanation:
    """The formula of the cell at row ``key``, period ``period`` (``D``: the constant column)
    of ``book``, its precedents ``depth`` levels deep. Raises UnknownNameError (exit 2) for
    a key or period the workbook does not have, naming the nearest."""
    if depth < 1:
        raise ValueError(f"depth {depth}: explain at least one level (1)")
    sheet = _sheet_of(book, key)
    keyed = book.sheets[sheet]
    if period != CONSTANT and period not in keyed.periods:
        where = f"on {sheet} of {book.path}"
        raise unknown_name("period", period, [*keyed.periods, CONSTANT], where)
    data = book.explaining
    if data is None or data.keyed is not book.sheets:
        data = book.explaining = _Book(book.path, book.sheets)  # read once per workbook
    target = data.cell(sheet, keyed.rows[key].cells[period])
    return Explanation(
        target, _terms_of(target, data, depth, {(sheet, target.address)}), data.values_from
    )


def _sheet_of(book: KeyedWorkbook, key: str) -> str:
    for name, sheet in book.sheets.items():
        if key in sheet.rows and key != "period":
            return name
    known = [k for s in book.sheets.values() for k in s.rows if k != "period"]
    raise unknown_name("row key", key, known, f"in {book.path}")


def _terms_of(cell: CellInfo, data: _Book, depth: int, seen: set[tuple[str, str]]) -> list[Term]:
    if cell.formula is None:
        return []
    try:
        tree = parse(cell.formula, cell.sheet)
    except FormulaParseError:
        return [Term("", "other", cell.formula)]
    return _as_terms(tree, "", data, depth, seen)


def _as_terms(node: Node, op: str, data: _Book, depth: int, seen: set) -> list[Term]:
    """A parsed node as terms: a chain of one operator level is a list of terms."""
    if node.kind == "chain":
        return [
            _term(sub, op if i == 0 else sub_op, data, depth, seen)
            for i, (sub_op, sub) in enumerate(node.parts)
        ]
    return [_term(node, op, data, depth, seen)]


def _term(node: Node, op: str, data: _Book, depth: int, seen: set) -> Term:
    if node.kind == "ref":
        sheet, (c1, r1, c2, r2) = node.sheet, node.bounds
        cells = [
            data.cell(sheet, cell_address(c - 1, r))
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
        ]
        if len(cells) == 1:
            cell = cells[0]
            term = Term(op, "cell", cell.name(), cell)
            here = (cell.sheet, cell.address)
            if depth > 1 and cell.formula is not None and here not in seen:
                term.terms = _terms_of(cell, data, depth - 1, seen | {here})
            return term
        text = sheet_ref(sheet, node.text.split("!")[-1])
        return Term(op, "range", text, None, [Term("", "cell", c.name(), c) for c in cells])
    if node.kind == "call":
        roles = _IF_ROLES if node.text == "IF" else ("",) * len(node.args)
        args = [
            _term(arg, role, data, depth, seen) for role, arg in zip(roles, node.args, strict=False)
        ]
        return Term(op, "function", node.text, None, args)
    if node.kind == "chain":
        return Term(op, "group", "", None, _as_terms(node, "", data, depth, seen))
    if node.kind == "neg":  # -x: a group whose text is the sign
        return Term(op, "group", "-", None, [_term(node.args[0], "", data, depth, seen)])
    if node.kind == "other" and node.text.casefold() in data.names:  # a defined name
        ref = parse(f"={data.names[node.text.casefold()]}", "")
        if ref.kind == "ref":
            term = _term(ref, op, data, depth, seen)
            term.text = f"{node.text} = {term.text}" if term.kind == "range" else node.text
            return term
    return Term(op, node.kind, node.text)
