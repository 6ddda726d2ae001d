"""Every row is declared once (modelgen.rowspec), and the declaration is the truth.

A keyed row takes its number format and unit from its declaration when it is added
(tests/unit/test_declared_rows.py), so a row declared nowhere fails the build. Here, over the
models of the test folders: every row written has a label and a key that reads back to its
text, and still has its declaration's format and unit once the model is built; every
declaration is written by one of them; every role names a row that exists.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from modelgen.build import build
from modelgen.inputs.csvread import InputError
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import Template, load_template
from modelgen.keys import TOTAL, RowKey
from modelgen.model import Model, build_model, charts_sheet
from modelgen.rowspec import (
    BY_DATA,
    ROWS,
    flows,
    headline,
    measures,
    sensitivity_outputs,
    spec_of,
)
from modelgen.sheets import MODEL_SHEETS, SheetName

ROOT = Path(__file__).resolve().parents[2]
#: every test folder, and two in the closed-form view of depreciation (by age, not a grid)
FOLDERS = (
    "inputs",
    "tests/data/article",
    "tests/data/quarterly",
    "tests/data/varied",
    "inputs:closed_form",
    "tests/data/varied:closed_form",
    "inputs:scenarios",
    "tests/data/quarterly:scenarios",
)
#: a case that varies what the shipped scenarios keep: revenue growth, the convention
SCENARIOS = (
    "scenario,key,value\n"
    "Low,long_run_capex_growth,0.01\nLow,revenue_growth,0.01\n"
    "Low,depreciation_convention,full_year\nHigh,long_run_capex_growth,0.09\n"
)

#: and, in the shipped inputs, every other key a scenario may set
EVERY = (
    ("tax_rate", 0.2),
    ("earnings_growth", 0.02),
    ("share_count_growth", 0.01),
    ("useful_life:*:servers", 5),
    ("in_service_lag:*:servers", 1),
    ("opening_net_book_value:MSFT:servers", 10),
    ("opening_remaining_life:MSFT:servers", 3),
    ("useful_life_change:MSFT:servers:2026", 7),
)


@cache
def model(folder: str, marked: bool = False) -> Model:
    """The model of `folder`; `marked`: each label from the template starts `«name»`."""
    path, _, variant = folder.partition(":")
    source = ROOT / path
    if variant == "scenarios":
        source = Path(tempfile.mkdtemp(prefix="rowspec-")) / "inputs"
        shutil.copytree(ROOT / path, source)
        every = "".join(f"Low,{k},{v}\n" for k, v in EVERY) if path == "inputs" else ""
        (source / "scenarios.csv").write_text(SCENARIOS + every, encoding="utf-8")
    inputs = load_inputs(source)
    if variant == "closed_form":
        inputs.settings = replace(inputs.settings, depreciation_view=variant)
    return build_model(inputs, marking() if marked else load_template())


def marking() -> Template:
    """The default template, each label (the Charts sheet's own too) prefixed by its name."""
    template = load_template()
    labels = {**charts_sheet.LABELS, **template.labels}
    template.labels = {name: f"«{name}»{text}" for name, text in labels.items()}
    return template


def keyed_rows(m: Model):
    """Every keyed row but each sheet's `period` row, the one declared nowhere."""
    for sheet in m.sheets.values():
        for row in sheet.rows:
            if row.key and row.kind != "period":
                yield sheet.name, row


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_row_written_has_a_label_a_key_that_reads_back_and_its_declared_format(folder):
    m = model(folder)
    for sheet, row in keyed_rows(m):
        assert row.label.strip(), f"{sheet}!{row.key} has no label"
        assert str(RowKey.parse(row.key, sheet)) == row.key
        spec = spec_of(sheet, row.key)  # what Sheet.add took; nothing changed it since
        assert (row.fmt, row.unit) == (spec.fmt, spec.unit_in(m.unit)), (sheet, row.key)
    periods = [r for s in m.sheets.values() for r in s.rows if r.kind == "period"]
    assert {r.key for r in periods} == {"period"} and len(periods) == len(m.sheets)


def test_every_row_takes_a_label_its_declaration_names_and_every_one_is_taken():
    """A row's label is one its declaration names (`labels`; a label may wrap another, as a
    check of a scenario input wraps the input's), or its data where it is declared `BY_DATA`;
    and every label a declaration names labels some row of the test folders."""
    taken = set()
    for folder in FOLDERS:
        for sheet, row in keyed_rows(model(folder, marked=True)):
            spec = spec_of(sheet, row.key)
            names = set(re.findall("«([^»]*)»", row.label))
            if spec.labels == BY_DATA:
                assert not names, (sheet, row.key, row.label)
            else:
                assert names & set(spec.labels), (sheet, row.key, names, spec.labels)
            taken |= {(spec, name) for name in names}
    never = [(s.sheet, s.pattern.text, n) for s in ROWS for n in s.labels if (s, n) not in taken]
    assert not never, f"declared labels no row takes: {never}"


def test_a_label_the_template_lacks_fails_the_build():
    template = load_template()
    del template.labels["capex_total"]
    with pytest.raises(InputError, match=r'has no "capex_total", the label of Capex!capex'):
        build_model(load_inputs(ROOT / "inputs"), template)


def test_every_declaration_is_written_by_some_model():
    written = {
        (sheet, spec_of(sheet, row.key).pattern.text)
        for folder in FOLDERS
        for sheet, row in keyed_rows(model(folder))
    }
    never = [(s.sheet, s.pattern.text) for s in ROWS if (s.sheet, s.pattern.text) not in written]
    assert not never, f"declared but written by no test folder: {never}"


def test_the_sheets_are_the_models_and_in_the_workbooks_order(tmp_path):
    m = model("inputs")
    assert tuple(m.sheets) == MODEL_SHEETS
    assert {s.sheet for s in ROWS} <= set(MODEL_SHEETS)
    from openpyxl import load_workbook

    out = build(ROOT / "inputs", tmp_path / "m.xlsx").out
    assert load_workbook(out, read_only=True).sheetnames == [str(s) for s in SheetName]


def test_every_role_names_a_row_the_model_writes():
    tickers = model("inputs").inputs.tickers  # every test folder has the shipped companies

    def has(sheet, key):
        return any(key in getattr(model(f).sheets.get(sheet), "by_key", {}) for f in FOLDERS)

    for spec in ROWS:
        if spec.roles.total:
            assert has(spec.sheet, str(RowKey(spec.kind, ticker=TOTAL, basis=_basis(spec)))), spec
        if spec.roles.measure:
            assert has(SheetName.INPUTS, str(RowKey(spec.roles.actual, ticker=tickers[0])))
    for sheet, kind, which in headline():
        assert which in ("TOTAL", "*")
        assert has(sheet, str(RowKey(kind, ticker=TOTAL if which == "TOTAL" else tickers[0])))
    for kind, sheet in flows():
        assert has(sheet, str(RowKey(kind, ticker=TOTAL)))
        assert has(SheetName.ANNUAL, str(RowKey(kind, basis="FY", ticker=TOTAL)))
    assert [x.title for x in measures()] == ["Capex", "D&A", "Net income"]
    for kind in sensitivity_outputs():
        assert has(SheetName.SENSITIVITY, str(RowKey(kind, index=("1",))))


def _basis(spec) -> str:
    return "FY" if "basis" in spec.pattern.slots else ""


def test_a_row_per_company_plus_a_total_is_declared_so():
    """`total` is declared exactly where the model writes a TOTAL row beside the companies'."""
    for spec in ROWS:
        sheets = [model(f).sheets.get(spec.sheet) for f in FOLDERS]
        keys = [str(r.key) for sheet in sheets if sheet for r in sheet.rows if r.key]
        matched = [RowKey.parse(k, spec.sheet) for k in keys if spec.pattern.match(k)]
        has_total = any(k.ticker == TOTAL for k in matched)
        if spec.sheet != SheetName.SCENARIOS:
            assert has_total == spec.roles.total, (spec.sheet, spec.pattern.text)


def test_the_progress_names_companies_only(tmp_path):
    """The progress bar names the company whose rows are written: never a basis (`FY`) or a
    scenario (`Bull`), which stand where a ticker stands in some keys."""
    seen = set()
    build(
        ROOT / "inputs",
        tmp_path / "m.xlsx",
        on_progress=lambda stage, item, done, total: stage in set(SheetName) and seen.add(item),
    )
    tickers = set(load_inputs(ROOT / "inputs").tickers)
    assert seen - {""} <= tickers | {TOTAL}, seen - tickers
    assert tickers <= seen
