"""Row keys: `RowKey` reads a key's text into fields by its kind's declared pattern and
writes it back; what no pattern reads is refused."""

from __future__ import annotations

import pytest

from modelgen.keys import Pattern, RowKey, kind_of, leading_parts
from modelgen.rowspec import ROWS, declared


@pytest.mark.parametrize(
    "text, fields",
    [
        ("capex:MSFT", {"kind": "capex", "ticker": "MSFT"}),
        ("capex:FY:TOTAL", {"kind": "capex", "basis": "FY", "ticker": "TOTAL"}),
        ("capex:Bull:AMZN", {"kind": "capex", "scenario": "Bull", "ticker": "AMZN"}),
        ("share:MSFT:servers@Bull", {"ticker": "MSFT", "asset_class": "servers", "case": "Bull"}),
        ("class_lag:3:META", {"index": ("3",), "ticker": "META"}),
        ("sensitivity_cross:2:7", {"index": ("2", "7")}),
        ("check_scenario_input:share:MSFT:servers", {"subject": "share:MSFT:servers"}),
        ("check_annual_ties:revenue:GOOGL", {"subject": "revenue", "ticker": "GOOGL"}),
        ("depreciation_vintage:AMZN:land:2024", {"asset_class": "land", "index": ("2024",)}),
    ],
)
def test_a_key_reads_into_its_fields_and_writes_back(text, fields):
    key = RowKey.parse(text)
    for name, value in fields.items():
        assert getattr(key, name) == value
    assert str(key) == text


def test_keys_that_no_pattern_reads_are_refused():
    for text in ("capex", "capex:a:b:c", "capex:MSFT@Bull", "nonsense:MSFT", "capex:"):
        with pytest.raises(ValueError):
            RowKey.parse(text)
        assert RowKey.read(text) is None
    with pytest.raises(ValueError):
        str(RowKey("capex", ticker="MSFT", asset_class="servers"))
    with pytest.raises(ValueError, match="unknown field"):
        Pattern("capex:{company}")


def test_every_declared_pattern_writes_and_reads_its_own_keys():
    for spec in ROWS:
        fields = {"index": ()}
        for slot in spec.pattern.slots:
            if slot == "index":
                fields["index"] = (*fields["index"], "7")
            elif slot == "basis":
                fields["basis"] = "CY"
            elif not slot.startswith("="):
                rest = spec.pattern.rest and slot == spec.pattern.slots[-1]
                fields[slot] = "share:X:y" if rest else f"x{slot}"
        if spec.pattern.cased:
            fields["case"] = "Bull"
        key = RowKey(spec.kind, **fields)
        text = spec.pattern.render(key)
        assert spec.pattern.match(text) == key
        assert RowKey.parse(text, spec.sheet) == key, text


def test_two_declarations_of_a_kind_on_one_sheet_never_read_one_key():
    for spec in ROWS:
        others = [s for s in declared(spec.kind, spec.sheet) if s is not spec]
        probe = spec.pattern.render(
            RowKey(
                spec.kind,
                **{
                    s: (
                        "share:X:y"
                        if spec.pattern.rest and s == spec.pattern.slots[-1]
                        else "FY"
                        if s == "basis"
                        else "q"
                    )
                    for s in spec.pattern.slots
                    if not s.startswith("=") and s != "index"
                },
                index=tuple("1" for s in spec.pattern.slots if s == "index"),
                case="Bull" if spec.pattern.cased else "",
            )
        )
        assert not [o.pattern.text for o in others if o.pattern.match(probe)], probe


def test_kind_and_leading_parts():
    assert kind_of("share:MSFT:servers@Bull") == "share"
    assert kind_of("fade_years@Bull") == "fade_years"
    assert leading_parts("capex:MSFT") == ["capex", "capex:MSFT"]
    assert leading_parts("fade_years@Bull") == ["fade_years", "fade_years@Bull"]
