"""A row's label is a checked fact: each declaration (`modelgen.rowspec`) names its labels, and
the default template (`modelgen/templates/default.toml`, `[labels]`) holds every one of them,
and no label that nothing takes (but the few kept, below). Which label each row the model
writes takes is tested on whole models in tests/integration/test_rowspec.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

from modelgen.inputs.csvread import InputError
from modelgen.inputs.template import DEFAULT_TEMPLATE, load_template
from modelgen.model import charts_sheet
from modelgen.rowspec import (
    BY_DATA,
    OTHER_LABELS,
    ROWS,
    label_names,
    label_problems,
    labelled_by,
    spec_of,
)
from modelgen.sheets import SheetName

WHERE = "modelgen/templates/default.toml"
#: labels of the default template that no row takes (a row of theirs would be declared
#: nowhere): kept, because the workbook's fingerprint hashes the template's labels, and
#: removing them would change every workbook's bytes
KEPT = {
    "check_grid_total",
    "check_vintage_charged",
    "chosen_depreciation_and_amortization",
    "chosen_depreciation_and_amortization_at_period",
    "chosen_depreciation_at_last_actual",
    "chosen_depreciation_at_last_actual_at_period",
    "chosen_period",
    "depreciation_and_amortization_cy_weighted",
    "depreciation_cy_weighted",
    "revenue_cy_weighted",
}


def known() -> set[str]:
    """The labels a row may take: the default template's and the Charts sheet's own."""
    return set(load_template().labels) | set(charts_sheet.LABELS)


def test_every_declared_label_is_in_the_default_template():
    assert label_problems(known(), WHERE) == []
    assert OTHER_LABELS <= set(load_template().labels)


def test_every_label_of_the_default_template_is_taken_by_a_declaration_or_a_header():
    unused = set(load_template().labels) - label_names()
    assert unused == KEPT, f"labels no declaration takes: {sorted(unused - KEPT)}"
    charts = set(charts_sheet.LABELS) - label_names()
    assert all(name.startswith("band_") for name in charts), charts  # the bands' headers


def test_a_declaration_whose_label_the_template_lacks_fails():
    capex = spec_of(SheetName.CAPEX, "capex:MSFT")
    broken = replace(capex, labels=("capex", "capex_made_up"))
    assert label_problems(known(), WHERE, [capex, broken]) == [
        f'Capex!capex:{{ticker}}: no label "capex_made_up" in {WHERE}'
    ]


def test_a_template_lacking_a_declared_label_fails():
    lacking = known() - {"capex_total"}
    assert label_problems(lacking, WHERE) == [
        f'Capex!capex:{{ticker}}: no label "capex_total" in {WHERE}'
    ]


def test_a_declaration_takes_its_kinds_label_and_its_totals_unless_it_names_others():
    assert spec_of(SheetName.CAPEX, "capex:MSFT").labels == ("capex", "capex_total")
    assert spec_of(SheetName.GROWTH, "capex_share:MSFT").labels == ("capex_share",)
    assert spec_of(SheetName.INPUTS, "tax_rate:MSFT").labels == ("tax_rate_company",)
    assert "capex_cy_approx" in spec_of(SheetName.ANNUAL, "capex:CY:MSFT").labels
    assert labelled_by("capex_total") == (spec_of(SheetName.CAPEX, "capex:MSFT"),)


def test_only_an_asset_class_row_is_labelled_by_its_data():
    by_data = [(s.sheet, s.pattern.text) for s in ROWS if s.labels == BY_DATA]
    assert by_data == [(SheetName.INPUTS, "asset_class:{asset_class}")]


def test_a_label_the_template_lacks_is_an_error_naming_the_template_and_the_row():
    template = load_template()
    del template.labels["capex_total"]
    with pytest.raises(InputError) as raised:
        template.label("capex_total")
    text = str(raised.value)
    assert '[labels] has no "capex_total"' in text and "Capex!capex:{ticker}" in text
    assert str(DEFAULT_TEMPLATE) in text
    assert template.label("capex_share", name="Microsoft") == "Microsoft: share of total capex"
