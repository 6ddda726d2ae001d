"""Sheets, row keys and A1 addresses are spelled in one place: `modelgen.sheets` names the
sheets, `modelgen.keys` writes and reads the keys (by the patterns of `modelgen.rowspec`),
`modelgen.formulas.addresses` writes addresses (`cell`, `absolute`, `area`, `ref`). No other
module of the package spells a sheet's name, builds a key with an f-string or takes one apart
with `split(":")`, or builds an address by f-string (`${c}${n}`, `{col_letter(c)}{n}`,
`{sheet_prefix(s)}...`). A line that means text, not a sheet or a key, says so in a comment
(`# text, not a sheet`, `# a range, not a key`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from modelgen.sheets import SheetName

PACKAGE = Path(__file__).resolve().parents[2] / "modelgen"
HOMES = {"sheets.py", "keys.py", "rowspec.py"}
#: scenarios.csv's keys are a grammar of their own: a ticker may be `*`, a life change names
#: its period (`useful_life_change:*:servers:2026`); the module expands them into row keys
OWN_GRAMMAR = {"inputs/scenarios.py"}
NAMES = {str(s) for s in SheetName}
KEY_SHAPE = re.compile(r"\w+(:\w*)+(@\w+)?|\w+@\w+")

ADDRESS_HOME = {"formulas/addresses.py"}
#: modules reworked on other branches that still write some addresses by hand: drop each
#: from this set once it calls `modelgen.formulas.addresses`
ADDRESSES_PENDING = {
    "regenerate/analyst_names.py",
    "regenerate/analyst_sheets.py",
    "regenerate/repoint.py",
    "xlsx/cells.py",
}
HOLE = "\x00"  # an f-string's {...} in its shape
# `${c}${n}`, `{c}${n}`, `$D${n}`, `E${n}`, `${c}{n}`: a `$` fixing a column or a row by hand
# (`~${name}`, an Excel lock file's name, is not one)
FIXED_BY_HAND = re.compile(r"\$?(\x00|[A-Z]{1,3})\$\x00|\$\x00\x00")
SHEET_PART = {"sheet_prefix", "quote_sheet"}


def sources(skip: set[str] = HOMES | OWN_GRAMMAR):
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name not in skip:
            text = path.read_text(encoding="utf-8")
            yield path, ast.parse(text), text.splitlines()


def found(test, skip: set[str] = HOMES | OWN_GRAMMAR) -> list[str]:
    """`file:line` of every node `test` picks, but for lines that say what they are."""
    out = []
    for path, tree, lines in sources(skip):
        for node in ast.walk(tree):
            if test(node) and " not a " not in lines[node.lineno - 1]:
                out.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return out


def test_no_module_spells_a_sheets_name():
    inside = set()
    for _, tree, _ in sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                inside.update(id(v) for v in node.values)

    def spelled(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value in NAMES and id(node) not in inside

    assert not found(spelled), f"use SheetName: {found(spelled)}"


def test_no_module_splits_a_key():
    def splits(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("split", "partition", "rsplit", "rpartition")
            and bool(node.args)
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in (":", "@")
        )

    assert not found(splits), f"use RowKey.parse or kind_of: {found(splits)}"


def test_no_module_builds_a_key_with_an_f_string():
    def builds(node: ast.AST) -> bool:
        """An f-string shaped like a key: words and values joined by `:` (and `@`)."""
        if not isinstance(node, ast.JoinedStr):
            return False
        shape = "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
        return bool(KEY_SHAPE.fullmatch(shape))

    assert not found(builds), f"use row_key: {found(builds)}"


def _calls(node: ast.AST, names: set[str]) -> bool:
    """Whether `node` (or the expression of an f-string's `{...}`) calls one of `names`."""
    if isinstance(node, ast.FormattedValue):
        node = node.value
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def _builds_an_address(node: ast.AST) -> bool:
    """An f-string with a hand-made `$` reference, a column's letters run into a row, or a
    sheet's part (`sheet_prefix`, `quote_sheet`) joined to an address; or a `+` that joins one."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _calls(node.left, SHEET_PART) or _calls(node.right, SHEET_PART)
    if not isinstance(node, ast.JoinedStr):
        return False
    values = node.values
    shape = "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in values)
    letters_then_row = any(
        _calls(a, {"col_letter"})
        and (isinstance(b, ast.FormattedValue) or str(b.value)[:1] in "$0123456789")
        for a, b in zip(values, values[1:], strict=False)
    )
    sheet_part = any(_calls(v, SHEET_PART) for v in values)
    return bool(FIXED_BY_HAND.search(shape)) or letters_then_row or sheet_part


def test_no_module_builds_an_address_by_hand():
    skip = ADDRESS_HOME | ADDRESSES_PENDING
    hits = found(_builds_an_address, skip)
    assert not hits, f"use cell, absolute, area or ref of modelgen.formulas.addresses: {hits}"


def test_the_address_check_sees_what_it_should():
    """The check above finds what it is for, and no more (independent of the package)."""

    def picked(source: str) -> bool:
        return any(_builds_an_address(n) for n in ast.walk(ast.parse(source)))

    for built in (
        'f"${c}${n}"',
        'f"{prefix}{c}${first}:{c}${last}"',
        'f"=Inputs!$D${n}"',
        'f"ABS(${d}{top}-1)"',
        'f"{col_letter(c - 1)}{r}"',
        'f"{col_letter(c)}$9"',
        'f"{sheet_prefix(s)}{address}"',
        'f"{quote_sheet(s)}!{name}"',
        "sheet_prefix(s) + address",
    ):
        assert picked(built), built
    for text in (
        'f"~${workbook.name}"',
        'f"{sheet}!{key}: no such row"',
        'f"costs $5 a {unit}"',
        'f"{col_letter(c)} is the column"',
        "cell(c, n, fixed_row=True)",
        '"$" in text',
    ):
        assert not picked(text), text
