"""Sheets and row keys are spelled in one place: `modelgen.sheets` names the sheets,
`modelgen.keys` writes and reads the keys (by the patterns of `modelgen.rowspec`). No other
module of the package spells a sheet's name, builds a key with an f-string or takes one apart
with `split(":")`. A line that means text, not a sheet or a key, says so in a comment
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


def sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name not in HOMES and name not in OWN_GRAMMAR:
            text = path.read_text(encoding="utf-8")
            yield path, ast.parse(text), text.splitlines()


def found(test) -> list[str]:
    """`file:line` of every node `test` picks, but for lines that say what they are."""
    out = []
    for path, tree, lines in sources():
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
