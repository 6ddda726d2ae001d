"""A keyed row's number format and unit come from its declaration (`modelgen.rowspec`), not
from the code that adds it: `Sheet.add` looks them up and refuses them as arguments, a key
declared nowhere is refused, and the model's modules pass neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from modelgen.formulas.rows import Sheet
from modelgen.keys import FIELDS, RowKey
from modelgen.rowspec import ROWS, spec_of
from modelgen.sheets import SheetName

MODEL = Path(__file__).resolve().parents[2] / "modelgen" / "model"
DECLARED = {"capex:MSFT": ("amount", "USD bn"), "capex_yoy:MSFT": ("pct", "%")}


def lookup(key: str) -> tuple[str, str]:
    if key not in DECLARED:
        raise KeyError(key)
    return DECLARED[key]


def declaring() -> Sheet:
    return Sheet("Capex", "t", width=3, declared=lookup)


def test_a_keyed_row_takes_its_format_and_unit_from_its_declaration():
    sheet = declaring()
    row = sheet.add("capex:MSFT", "Microsoft capex", level=1)
    assert (row.fmt, row.unit, row.label, row.level) == ("amount", "USD bn", "Microsoft capex", 1)
    growth = sheet.add("capex_yoy:MSFT", "Microsoft capex growth")
    assert (growth.fmt, growth.unit) == ("pct", "%")


@pytest.mark.parametrize(
    "given",
    [{"fmt": "amount"}, {"fmt": "pct"}, {"unit": "USD bn"}, {"unit": "%", "fmt": "pct"}],
)
def test_a_format_or_unit_passed_for_a_declared_row_is_refused_even_when_it_agrees(given):
    sheet = declaring()
    unit = given.pop("unit", None)
    with pytest.raises(TypeError, match="declaration"):
        sheet.add("capex:MSFT", "Microsoft capex", unit, **given)
    assert not sheet.rows


def test_a_key_declared_nowhere_is_refused():
    with pytest.raises(KeyError):
        declaring().add("capex_made_up:MSFT", "?")


def test_a_row_marked_undeclared_keeps_what_it_is_given_and_must_be_undeclared():
    sheet = declaring()
    period = sheet.add("period", "Period", kind="period", fmt="text", undeclared=True)
    assert (period.fmt, period.unit) == ("text", "")
    with pytest.raises(ValueError, match="is declared"):
        sheet.add("capex:MSFT", "Microsoft capex", fmt="amount", undeclared=True)


def test_rows_without_a_key_are_not_looked_up():
    sheet = declaring()
    sheet.add(None, "Title", kind="title")
    sheet.header("A header")
    sheet.blank()
    assert [(r.kind, r.fmt, r.unit) for r in sheet.rows] == [
        ("title", "", ""),
        ("header", "", ""),
        ("blank", "", ""),
    ]


def test_a_bare_sheet_takes_format_and_unit_as_given():
    row = Sheet("S", "t").add("x", "X", "$", fmt="amount")
    assert (row.fmt, row.unit) == ("amount", "$")


def test_spec_of_finds_a_keys_declaration_on_its_sheet_only():
    spec = spec_of(SheetName.CAPEX, "capex:MSFT")
    assert (spec.sheet, spec.pattern.text, spec.fmt) == (
        SheetName.CAPEX,
        "capex:{ticker}",
        "amount",
    )
    assert spec.unit_in("EUR m") == "EUR m"
    annual = spec_of(SheetName.ANNUAL, "capex:FY:TOTAL")
    assert annual.pattern.text == "capex:{basis}:{ticker}"
    assert spec_of(SheetName.PROFIT, "eps:MSFT").unit_in("EUR m") == "EUR per share"
    for sheet, key in (
        (SheetName.INPUTS, "capex:MSFT"),  # declared, but on Capex
        (SheetName.CAPEX, "capex:MSFT:servers"),  # no pattern of capex there has two parts
        (SheetName.CAPEX, "capex:MSFT@Bull"),  # no case
        (SheetName.CAPEX, "nonsense:MSFT"),
        (SheetName.CAPEX, "period"),  # every sheet's period row is declared nowhere
    ):
        with pytest.raises(KeyError, match="declared nowhere"):
            spec_of(sheet, key)


def test_every_declaration_of_a_kind_on_a_sheet_is_found_by_its_own_pattern():
    """A key written by a declaration's pattern finds that declaration (or one of the same
    kind on the same sheet with the same format and unit)."""
    samples = {"basis": "FY", "scenario": "Bull", "ticker": "MSFT", "asset_class": "servers"}
    for spec in ROWS:
        slots = spec.pattern.slots
        fields = {f: samples.get(f, "capex") for f in slots if f in FIELDS and f != "index"}
        index = ("2",) * slots.count("index")
        case = "Bull" if spec.pattern.cased else ""
        key = spec.pattern.render(RowKey(spec.kind, index=index, case=case, **fields))
        found = spec_of(spec.sheet, key)
        assert (found.kind, found.fmt, found.unit) == (spec.kind, spec.fmt, spec.unit), key


def _add_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add"
        ):
            yield node


def test_no_model_module_passes_a_rows_format_or_unit():
    """The model's modules add rows by key and label; the format and unit are declared. Only
    a row marked `undeclared=True` (each sheet's period row) says its own."""
    passed = []
    for path in sorted(MODEL.glob("*.py")):
        for call in _add_calls(ast.parse(path.read_text(encoding="utf-8"))):
            words = {k.arg for k in call.keywords}
            if "undeclared" in words:
                continue
            if len(call.args) > 2 or words & {"fmt", "unit"}:
                passed.append(f"{path.name}:{call.lineno}")
    assert not passed, f"declare the row's fmt and unit in modelgen/rowspec.py: {passed}"
