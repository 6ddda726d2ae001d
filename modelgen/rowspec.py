"""Every row the model writes, declared once: its key's pattern, its sheet, its number format,
its unit, its roles and the names of its labels.

A row's label text is the template's (`templates/default.toml`, `[labels]`: presentation, which
an analyst may restyle); which labels of the template a row takes is declared here (`labels`:
its kind's, and `<kind>_total` for the total of a row per company, unless its declaration
names others), and `tests/unit/test_labels.py` fails when a declared label is not in the
template or a label of the template is neither declared nor a header or note
(`OTHER_LABELS`). What a row *is* is here, and every consumer reads it here: the model's
sheets (a row's number format and unit: `Sheet.add` takes them from `spec_of`, and a row
declared nowhere fails the build), the defined names, the diff's headline, the
forecast-against-actual measures, the Annual sheet's flows, the sensitivity's outputs, the
rows of one per company plus a total, and the tests. `tests/integration/test_rowspec.py`
fails when a declared row is never written, has no label, or a role names no row.

Units: `{unit}` is the unit of amounts in `settings.csv` (`USD bn`), `{currency}` its first
word (`USD`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache

from modelgen.keys import TOTAL, Pattern, kind_of
from modelgen.sheets import SheetName

__all__ = [
    "BY_DATA",
    "OTHER_LABELS",
    "ROWS",
    "Measure",
    "Roles",
    "RowSpec",
    "declared",
    "flows",
    "headline",
    "label_names",
    "label_problems",
    "labelled_by",
    "measures",
    "named_kinds",
    "patterns_of",
    "sensitivity_outputs",
    "sheet_of_kind",
    "spec_of",
]


@dataclass(frozen=True)
class Roles:
    """What a row is for, besides being computed.

    - `name`: a defined name in the workbook (every Inputs row has one as well);
    - `headline`: the diff's headline output: `TOTAL` the total only, `*` each company too;
    - `flow`: rolled up into fiscal and calendar years on the Annual sheet, in this order;
    - `measure`: compared with the actuals of the Inputs row `actual` (forecast against
      actual), shown under this title;
    - `sensitivity`: an output of the sensitivity table;
    - `total`: one row per company plus a row adding them (`…:TOTAL`).
    """

    name: bool = False
    headline: str = ""
    flow: int = 0
    measure: str = ""
    actual: str = ""
    sensitivity: bool = False
    total: bool = False


NONE = Roles()


@dataclass(frozen=True)
class RowSpec:
    """One declared row pattern on one sheet."""

    sheet: SheetName
    pattern: Pattern
    fmt: str  # number-format kind: amount, pct, years, year, count, flag, ratio, text, …
    unit: str  # column C: `{unit}`, `{currency}` filled in by `unit_in`
    roles: Roles = NONE
    #: the names of its labels in the template's `[labels]` (a total's among them); `BY_DATA`
    #: where its label is data (an asset class's name), not the template's
    labels: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.pattern.kind

    def unit_in(self, unit: str) -> str:
        """Column C for a model whose amounts are in `unit`."""
        return self.unit.replace("{unit}", unit).replace("{currency}", unit.split()[0])


#: the labels of a row labelled by its data (`asset_class:servers` by the class's name)
BY_DATA: tuple[str, ...] = ()


def _on(sheet: SheetName, *rows: tuple) -> tuple[RowSpec, ...]:
    """The declarations of `sheet`'s rows, each `(pattern, format, unit)` or `(pattern, format,
    unit, labels)`: without `labels`, its kind's label and, for a row per company plus a
    total, `<kind>_total`."""
    specs = []
    for p, fmt, unit, *named in rows:
        roles = ROLES.get((sheet, p), NONE)
        kind = Pattern(p).kind
        labels = named[0] if named else (kind, f"{kind}_total") if roles.total else (kind,)
        specs.append(RowSpec(sheet, Pattern(p), fmt, unit, roles, labels))
    return tuple(specs)


def _years(kind: str) -> tuple[str, ...]:
    """The labels of a flow rolled up on the Annual sheet: fiscal, calendar (exact or
    approximate) and their totals."""
    return tuple(f"{kind}_{b}" for b in ("fy", "fy_total", "cy", "cy_approx", "cy_total"))


_PC = Roles(total=True)
#: the roles of the rows that have any, by (sheet, pattern)
ROLES: dict[tuple[SheetName, str], Roles] = {
    (SheetName.CAPEX, "capex:{ticker}"): Roles(
        name=True, headline=TOTAL, flow=1, measure="Capex", actual="capex_actual", total=True
    ),
    (SheetName.GROWTH, "capex_yoy:{ticker}"): Roles(name=True, total=True),
    (SheetName.GROWTH, "capex_qoq:{ticker}"): Roles(name=True, total=True),
    (SheetName.GROWTH, "capex_share:{ticker}"): Roles(name=True),
    (SheetName.DEPRECIATION, "depreciation:{ticker}"): Roles(
        name=True, headline=TOTAL, flow=2, total=True
    ),
    (SheetName.DEPRECIATION, "depreciation_class:{ticker}:{asset_class}"): Roles(name=True),
    (SheetName.DEPRECIATION, "useful_life_in_effect:{ticker}:{asset_class}"): Roles(name=True),
    (SheetName.PPE, "construction_in_progress:{ticker}"): Roles(name=True, total=True),
    (SheetName.PPE, "construction_in_progress:{ticker}:{asset_class}"): Roles(name=True),
    (SheetName.PPE, "accumulated_depreciation:{ticker}"): Roles(name=True, total=True),
    (SheetName.PPE, "net_book_value:{ticker}"): Roles(name=True, total=True),
    (SheetName.PPE, "depreciation_variance:{ticker}"): Roles(name=True, total=True),
    (SheetName.PPE, "amortization:{ticker}"): Roles(name=True, total=True),
    (SheetName.PPE, "depreciation_other:{ticker}"): Roles(name=True, total=True),
    (SheetName.PPE, "depreciation_and_amortization:{ticker}"): Roles(
        name=True,
        headline=TOTAL,
        flow=3,
        measure="D&A",
        actual="depreciation_reported",
        total=True,
    ),
    (SheetName.PPE, "net_ppe_variance:{ticker}"): Roles(name=True, total=True),
    (SheetName.PPE, "cumulative_capex:{ticker}"): _PC,
    (SheetName.PPE, "net_ppe_opening:{ticker}"): _PC,
    (SheetName.PPE, "ppe_capex:{ticker}"): _PC,
    (SheetName.PPE, "ppe_depreciation:{ticker}"): _PC,
    (SheetName.PPE, "depreciation_explained:{ticker}"): _PC,
    (SheetName.PROFIT, "net_income:{ticker}"): Roles(
        name=True,
        headline=TOTAL,
        flow=4,
        measure="Net income",
        actual="net_income_actual",
        total=True,
    ),
    (SheetName.PROFIT, "revenue:{ticker}"): Roles(flow=5, total=True),
    (SheetName.PROFIT, "depreciation_pct_net_income:{ticker}"): Roles(
        name=True, headline="*", total=True
    ),
    (SheetName.PROFIT, "eps_impact_incremental_da:{ticker}"): Roles(headline="*"),
    (SheetName.PROFIT, "run_rate_depreciation:{ticker}"): Roles(name=True),
    (SheetName.PROFIT, "run_rate_depreciation_pct_net_income:{ticker}"): Roles(name=True),
    (SheetName.PROFIT, "after_tax_depreciation:{ticker}"): Roles(name=True, total=True),
    (SheetName.PROFIT, "after_tax_depreciation_pct_net_income:{ticker}"): Roles(
        name=True, total=True
    ),
    (SheetName.PROFIT, "earnings_before_da:{ticker}"): _PC,
    (SheetName.PROFIT, "capex_pct_revenue:{ticker}"): _PC,
    (SheetName.PROFIT, "depreciation_pct_revenue:{ticker}"): _PC,
    (SheetName.PROFIT, "capex_to_depreciation:{ticker}"): _PC,
    (SheetName.ANNUAL, "capex:{basis}:{ticker}"): Roles(name=True, total=True),
    (SheetName.ANNUAL, "depreciation:{basis}:{ticker}"): Roles(name=True, total=True),
    (SheetName.ANNUAL, "net_income:{basis}:{ticker}"): Roles(name=True, total=True),
    (SheetName.ANNUAL, "capex_yoy:{basis}:{ticker}"): Roles(name=True, total=True),
    (SheetName.ANNUAL, "depreciation_pct_net_income:{basis}:{ticker}"): Roles(
        name=True, total=True
    ),
    (SheetName.ANNUAL, "depreciation_and_amortization:{basis}:{ticker}"): _PC,
    (SheetName.ANNUAL, "revenue:{basis}:{ticker}"): _PC,
    (SheetName.CHECKS, "check_failures"): Roles(name=True),
    (SheetName.CHARTS, "chart_company"): Roles(name=True),
    (SheetName.CHARTS, "peak_growth_threshold"): Roles(name=True),
    (SheetName.SENSITIVITY, "sensitivity_eps_impact:{index}"): Roles(sensitivity=True),
    (SheetName.SENSITIVITY, "sensitivity_depreciation_pct_net_income:{index}"): Roles(
        sensitivity=True
    ),
}

ROWS: tuple[RowSpec, ...] = (
    *_on(
        SheetName.INPUTS,
        ("period_start", "years", "year"),
        ("fiscal_year", "year", "year"),
        ("period_length", "years", "years"),
        ("periods_per_year", "count", "count"),
        ("scenario", "text", "text"),
        ("scenario_number", "count", "count"),
        ("scenario_name:{scenario}", "text", "text"),
        ("long_run_capex_growth", "pct", "%"),
        ("fade_years", "years", "years"),
        ("earnings_growth", "pct", "%"),
        ("tax_rate", "pct", "%"),
        ("revenue_growth", "pct", "%"),
        ("share_count_growth", "pct", "%"),
        ("amortization_growth", "pct", "%"),
        ("tie_tolerance", "pct", "%"),
        ("run_rate_life_years", "years", "years"),
        ("depreciation_convention", "text", "text"),
        ("forecast_years", "count", "years"),
        ("frequency", "text", "text"),
        ("unit", "text", "text"),
        ("check_tolerance", "ratio", "relative"),
        ("per_share_scale", "ratio", "{unit} per m shares"),
        ("fiscal_year_end_month:{ticker}", "count", "month"),
        ("tax_rate:{ticker}", "pct", "%", ("tax_rate_company",)),
        ("capex_actual:{ticker}", "amount", "{unit}"),
        ("capex_guidance_low:{ticker}", "amount", "{unit}"),
        ("capex_guidance_high:{ticker}", "amount", "{unit}"),
        ("net_income_actual:{ticker}", "amount", "{unit}"),
        ("revenue_actual:{ticker}", "amount", "{unit}"),
        ("diluted_shares_actual:{ticker}", "amount", "m shares"),
        ("earnings_follow_revenue:{ticker}", "flag", "flag"),
        ("ebda_margin_override:{ticker}", "pct", "%"),
        ("ebda_margin:{ticker}", "pct", "%"),
        ("capex_actual:{ticker}:{index}", "amount", "{unit}", ("capex_actual_quarter",)),
        ("net_income_actual:{ticker}:{index}", "amount", "{unit}", ("net_income_actual_quarter",)),
        ("share:{ticker}:{asset_class}", "pct", "%"),
        ("useful_life:{ticker}:{asset_class}", "years", "years"),
        ("in_service_lag:{ticker}:{asset_class}", "years", "years"),
        ("opening_net_book_value:{ticker}:{asset_class}", "amount", "{unit}"),
        ("opening_remaining_life:{ticker}:{asset_class}", "years", "years"),
        ("useful_life_change:{ticker}:{asset_class}", "years", "years"),
        ("depreciation_reported:{ticker}", "amount", "{unit}"),
        ("ppe_depreciation_reported:{ticker}", "amount", "{unit}"),
        ("net_ppe_reported:{ticker}", "amount", "{unit}"),
        ("ticker:{ticker}", "text", "text"),
        ("asset_class:{asset_class}", "text", "text", BY_DATA),
        ("sensitivity_company", "text", "text"),
        ("sensitivity_period", "text", "text"),
        ("sensitivity_asset_class", "text", "text"),
        ("sensitivity_life_start", "years", "years"),
        ("sensitivity_life_step", "years", "years"),
        ("sensitivity_growth_start", "pct", "%"),
        ("sensitivity_growth_step", "pct", "%"),
        ("long_run_capex_growth@{case}", "pct", "%"),
        ("fade_years@{case}", "years", "years"),
        ("share:{ticker}:{asset_class}@{case}", "pct", "%"),
        ("depreciation_convention@{case}", "text", "text"),
        ("earnings_growth@{case}", "pct", "%"),
        ("tax_rate@{case}", "pct", "%"),
        ("revenue_growth@{case}", "pct", "%"),
        ("share_count_growth@{case}", "pct", "%"),
        ("in_service_lag:{ticker}:{asset_class}@{case}", "years", "years"),
        ("opening_net_book_value:{ticker}:{asset_class}@{case}", "amount", "{unit}"),
        ("opening_remaining_life:{ticker}:{asset_class}@{case}", "years", "years"),
        ("useful_life_change:{ticker}:{asset_class}@{case}", "years", "years"),
        ("useful_life:{ticker}:{asset_class}@{case}", "years", "years"),
        ("fiscal_quarter", "count", "quarter"),
    ),
    *_on(
        SheetName.CAPEX,
        ("capex_known:{ticker}", "amount", "{unit}"),
        ("capex_is_known:{ticker}", "flag", "flag"),
        ("capex_years_since_known:{ticker}", "years", "years"),
        ("capex_anchor_growth:{ticker}", "pct", "%"),
        ("capex_forecast_growth:{ticker}", "pct", "%"),
        ("capex:{ticker}", "amount", "{unit}"),
        ("capex_guidance_mid:{ticker}", "amount", "{unit}"),
        ("capex_guidance_flag:{ticker}", "flag", "flag"),
        ("capex_year_guidance:{ticker}", "amount", "{unit}"),
        ("capex_year_is_guided:{ticker}", "flag", "flag"),
        ("capex_is_actual:{ticker}", "flag", "flag"),
        ("capex_is_open:{ticker}", "flag", "flag"),
        ("capex_year_reported:{ticker}", "amount", "{unit}"),
        ("capex_year_open_quarters:{ticker}", "count", "count"),
        ("capex_year_ago_actual:{ticker}", "amount", "{unit}"),
        ("capex_year_ago_base:{ticker}", "amount", "{unit}"),
        ("capex_guided:{ticker}", "amount", "{unit}"),
        ("capex_quarters_on_record:{ticker}", "count", "count"),
        ("capex_trailing_year:{ticker}", "amount", "{unit}"),
        ("calendar_year:{ticker}", "year", "year"),
    ),
    *_on(
        SheetName.GROWTH,
        ("capex_yoy:{ticker}", "pct", "%"),
        ("capex_share:{ticker}", "pct", "%"),
        ("capex_qoq:{ticker}", "pct", "%"),
    ),
    *_on(
        SheetName.DEPRECIATION,
        ("period_end", "years", "year"),
        ("period_number", "count", "count"),
        ("service_offset", "years", "years"),
        ("timeline_end", "years", "year"),
        ("period_count", "count", "count"),
        ("useful_life_in_effect:{ticker}:{asset_class}", "years", "years"),
        ("opening_book_value:{ticker}:{asset_class}", "amount", "{unit}"),
        ("remaining_life_opening:{ticker}:{asset_class}", "years", "years"),
        (
            "depreciation_opening:{ticker}:{asset_class}",
            "amount",
            "{unit}",
            ("depreciation_opening_class",),
        ),
        ("in_service_after:{ticker}:{asset_class}", "years", "years"),
        ("in_service_from:{ticker}:{asset_class}", "years", "year"),
        ("book_value_vintage:{ticker}:{asset_class}:{index}", "amount", "{unit}"),
        ("years_in_service_vintage:{ticker}:{asset_class}:{index}", "years", "years"),
        ("remaining_life_vintage:{ticker}:{asset_class}:{index}", "years", "years"),
        ("depreciation_vintage:{ticker}:{asset_class}:{index}", "amount", "{unit}"),
        ("depreciation_class:{ticker}:{asset_class}", "amount", "{unit}"),
        ("years_in_service_at_end:{ticker}:{asset_class}", "years", "years"),
        ("depreciation_owed:{ticker}:{asset_class}", "amount", "{unit}"),
        ("opening_life_left:{ticker}:{asset_class}", "years", "years"),
        ("opening_charged:{ticker}:{asset_class}", "amount", "{unit}"),
        ("depreciation_opening:{ticker}", "amount", "{unit}"),
        ("depreciation:{ticker}", "amount", "{unit}"),
        ("depreciation_newest_age:{ticker}:{asset_class}", "count", "periods"),
        ("depreciation_edge_age:{ticker}:{asset_class}", "count", "periods"),
        ("depreciation_newest_years:{ticker}:{asset_class}", "years", "years"),
        ("depreciation_edge_years:{ticker}:{asset_class}", "years", "years"),
        ("depreciation_rate:{ticker}:{asset_class}", "ratio", "1/years"),
    ),
    *_on(
        SheetName.PPE,
        ("depreciation_variance:{ticker}", "amount", "{unit}"),
        ("depreciation_variance_pct:{ticker}", "pct", "%"),
        ("depreciation_explained:{ticker}", "pct", "%"),
        ("amortization:{ticker}", "amount", "{unit}"),
        ("depreciation_and_amortization:{ticker}", "amount", "{unit}"),
        ("net_ppe_variance:{ticker}", "amount", "{unit}"),
        ("net_ppe_opening:{ticker}", "amount", "{unit}"),
        ("ppe_capex:{ticker}", "amount", "{unit}"),
        ("ppe_depreciation:{ticker}", "amount", "{unit}"),
        ("net_book_value:{ticker}", "amount", "{unit}"),
        (
            "construction_in_progress:{ticker}:{asset_class}",
            "amount",
            "{unit}",
            ("construction_in_progress_class",),
        ),
        ("construction_in_progress:{ticker}", "amount", "{unit}"),
        ("cumulative_capex:{ticker}", "amount", "{unit}"),
        ("accumulated_depreciation:{ticker}", "amount", "{unit}"),
        ("depreciation_other:{ticker}", "amount", "{unit}"),
    ),
    *_on(
        SheetName.PROFIT,
        ("revenue:{ticker}", "amount", "{unit}"),
        ("after_tax_depreciation:{ticker}", "amount", "{unit}"),
        ("earnings_is_known:{ticker}", "flag", "flag"),
        ("ebda_margin_actual:{ticker}", "pct", "%"),
        ("ebda_margin_last_actual:{ticker}", "pct", "%"),
        ("earnings_before_da:{ticker}", "amount", "{unit}"),
        ("net_income:{ticker}", "amount", "{unit}"),
        ("depreciation_pct_net_income:{ticker}", "pct", "%"),
        ("after_tax_depreciation_pct_net_income:{ticker}", "pct", "%"),
        ("capex_pct_revenue:{ticker}", "pct", "%"),
        ("depreciation_pct_revenue:{ticker}", "pct", "%"),
        ("capex_to_depreciation:{ticker}", "multiple", "x"),
        ("diluted_shares:{ticker}", "amount", "m shares"),
        ("eps:{ticker}", "per_share", "{currency} per share"),
        ("depreciation_at_last_actual:{ticker}", "amount", "{unit}"),
        ("eps_impact_incremental_da:{ticker}", "per_share", "{currency} per share"),
        ("run_rate_factor:{ticker}", "ratio", "1/years"),
        ("run_rate_depreciation:{ticker}", "amount", "{unit}"),
        ("run_rate_depreciation_pct_net_income:{ticker}", "pct", "%"),
    ),
    *_on(
        SheetName.ANNUAL,
        ("year", "year", "year"),
        ("capex:{basis}:{ticker}", "amount", "{unit}", _years("capex")),
        ("depreciation:{basis}:{ticker}", "amount", "{unit}", _years("depreciation")),
        (
            "depreciation_and_amortization:{basis}:{ticker}",
            "amount",
            "{unit}",
            _years("depreciation_and_amortization"),
        ),
        ("net_income:{basis}:{ticker}", "amount", "{unit}", _years("net_income")),
        ("revenue:{basis}:{ticker}", "amount", "{unit}", _years("revenue")),
        ("capex_yoy:{basis}:{ticker}", "pct", "%", ("capex_yoy_fy", "capex_yoy_fy_total")),
        (
            "depreciation_pct_net_income:{basis}:{ticker}",
            "pct",
            "%",
            ("depreciation_pct_net_income_fy", "depreciation_pct_net_income_fy_total"),
        ),
        (
            "eps_impact_incremental_da:{basis}:{ticker}",
            "per_share",
            "{currency} per share",
            ("eps_impact_incremental_da_fy",),
        ),
        ("forecast_periods:{basis}:{ticker}", "count", "count", ("forecast_periods_fy",)),
        ("capex_weighted:{basis}:{ticker}", "amount", "{unit}", ("capex_cy_weighted",)),
        ("net_income_weighted:{basis}:{ticker}", "amount", "{unit}", ("net_income_cy_weighted",)),
        ("capex_exact:{basis}:{ticker}", "flag", "flag", ("capex_exact_cy",)),
        (
            "run_rate_depreciation:{basis}:{ticker}",
            "amount",
            "{unit}",
            ("run_rate_depreciation_cy",),
        ),
        (
            "run_rate_depreciation_pct_net_income:{basis}:{ticker}",
            "pct",
            "%",
            ("run_rate_depreciation_pct_net_income_cy",),
        ),
        ("quarters_in_year:{basis}:{ticker}", "count", "count", ("quarters_in_year_cy",)),
    ),
    *_on(
        SheetName.SCENARIOS,
        (
            "capex:{scenario}:{ticker}",
            "amount",
            "{unit}",
            ("capex", "scenario_capex_total", "scenario_selected_total"),
        ),
        (
            "depreciation:{scenario}:{ticker}",
            "amount",
            "{unit}",
            ("depreciation", "scenario_depreciation_total", "scenario_selected_total"),
        ),
        (
            "depreciation_pct_net_income:{scenario}:{ticker}",
            "pct",
            "%",
            (
                "depreciation_pct_net_income",
                "scenario_depreciation_pct_net_income_total",
                "scenario_selected_total",
            ),
        ),
        ("service_offset:{scenario}", "years", "years"),
        ("revenue:{scenario}:{ticker}", "amount", "{unit}"),
        ("capex_trailing_year:{scenario}:{ticker}", "amount", "{unit}"),
        ("capex_anchor_growth:{scenario}:{ticker}", "pct", "%"),
        ("useful_life_in_effect:{scenario}:{ticker}:{asset_class}", "years", "years"),
        ("opening_book_value:{scenario}:{ticker}:{asset_class}", "amount", "{unit}"),
        ("remaining_life_opening:{scenario}:{ticker}:{asset_class}", "years", "years"),
        (
            "depreciation_opening:{scenario}:{ticker}:{asset_class}",
            "amount",
            "{unit}",
            ("depreciation_opening_class",),
        ),
        ("in_service_after:{scenario}:{ticker}:{asset_class}", "years", "years"),
        ("in_service_from:{scenario}:{ticker}:{asset_class}", "years", "year"),
        ("book_value_vintage:{scenario}:{ticker}:{asset_class}:{index}", "amount", "{unit}"),
        (
            "years_in_service_vintage:{scenario}:{ticker}:{asset_class}:{index}",
            "years",
            "years",
        ),
        ("remaining_life_vintage:{scenario}:{ticker}:{asset_class}:{index}", "years", "years"),
        ("depreciation_vintage:{scenario}:{ticker}:{asset_class}:{index}", "amount", "{unit}"),
        ("depreciation_class:{scenario}:{ticker}:{asset_class}", "amount", "{unit}"),
        ("depreciation_other:{scenario}:{ticker}", "amount", "{unit}"),
        (
            "depreciation_and_amortization:{scenario}:{ticker}",
            "amount",
            "{unit}",
            ("depreciation_and_amortization", "depreciation_and_amortization_total"),
        ),
        ("after_tax_depreciation:{scenario}:{ticker}", "amount", "{unit}"),
        ("ebda_margin_actual:{scenario}:{ticker}", "pct", "%"),
        ("ebda_margin_last_actual:{scenario}:{ticker}", "pct", "%"),
        ("ebda_margin:{scenario}:{ticker}", "pct", "%", ("ebda_margin_scenario",)),
        ("earnings_before_da:{scenario}:{ticker}", "amount", "{unit}"),
        ("net_income:{scenario}:{ticker}", "amount", "{unit}", ("net_income", "net_income_total")),
        ("depreciation_newest_age:{scenario}:{ticker}:{asset_class}", "count", "periods"),
        ("depreciation_edge_age:{scenario}:{ticker}:{asset_class}", "count", "periods"),
        ("depreciation_newest_years:{scenario}:{ticker}:{asset_class}", "years", "years"),
        ("depreciation_edge_years:{scenario}:{ticker}:{asset_class}", "years", "years"),
        ("depreciation_rate:{scenario}:{ticker}:{asset_class}", "ratio", "1/years"),
    ),
    *_on(
        SheetName.SENSITIVITY,
        ("growth_point", "count", "count"),
        ("sensitivity_growth", "pct", "%"),
        ("sensitivity_added_depreciation", "amount", "{unit}"),
        ("sensitivity_varied_added_charge", "amount", "{unit}"),
        ("table_company", "text", "text"),
        ("table_period", "text", "text"),
        ("table_asset_class", "text", "text"),
        ("sensitivity_base_useful_life", "years", "years"),
        ("sensitivity_base_growth", "pct", "%"),
        ("sensitivity_eps_impact:{index}", "per_share", "{currency}/share"),
        ("sensitivity_depreciation_pct_net_income:{index}", "pct", "%"),
        ("sensitivity_depreciation_and_amortization:{index}", "amount", "{unit}"),
        ("sensitivity_net_income:{index}", "amount", "{unit}"),
    ),
    *_on(
        SheetName.SENSITIVITY_WORKINGS,
        ("company_number", "count", "count"),
        ("company_row", "count", "count"),
        ("chosen_period_number", "count", "count"),
        ("chosen_period_start", "years", "year"),
        ("chosen_capex", "amount", "{unit}"),
        ("chosen_capex_known", "amount", "{unit}"),
        ("chosen_capex_is_known", "flag", "flag"),
        ("chosen_capex_years_since_known", "years", "years"),
        ("chosen_depreciation", "amount", "{unit}"),
        ("chosen_depreciation_reported", "amount", "{unit}"),
        ("chosen_ppe_depreciation_reported", "amount", "{unit}"),
        ("chosen_earnings_is_known", "flag", "flag"),
        ("chosen_earnings_before_da", "amount", "{unit}"),
        ("chosen_net_income", "amount", "{unit}"),
        ("chosen_diluted_shares", "amount", "m shares"),
        ("chosen_depreciation_is_reported", "flag", "flag"),
        ("chosen_ppe_depreciation_is_reported", "flag", "flag"),
        ("chosen_net_income_is_actual", "flag", "flag"),
        ("chosen_capex_is_actual", "flag", "flag"),
        ("chosen_tax_rate", "pct", "%"),
        ("chosen_earnings_follow_revenue", "flag", "flag"),
        ("chosen_share:{index}", "pct", "%"),
        ("chosen_useful_life:{index}", "years", "years"),
        ("chosen_lag:{index}", "years", "years"),
        ("chosen_name:{index}", "text", "text"),
        ("chosen_in_service_after:{index}", "years", "years"),
        ("varied_class_number", "count", "count"),
        ("varied_share", "pct", "%"),
        ("varied_useful_life", "years", "years"),
        ("varied_in_service_after", "years", "years"),
        ("class_share:{index}:{ticker}", "pct", "%"),
        ("class_useful_life:{index}:{ticker}", "years", "years"),
        ("class_lag:{index}:{ticker}", "years", "years"),
        ("class_name:{index}:{ticker}", "text", "text"),
        ("charge_rate:{subject}", "ratio", "1/years"),
        ("charge_newest_age:{subject}", "count", "periods"),
        ("charge_oldest_age:{subject}", "count", "periods"),
        ("charge_newest_years:{subject}", "years", "years"),
        ("charge_oldest_years:{subject}", "years", "years"),
        ("varied_charge_whole", "amount", "{unit}", ("charge_whole",)),
        ("varied_charge", "amount", "{unit}"),
        ("sensitivity_life:{index}", "years", "years"),
        ("charge_rate:{subject}:{index}", "ratio", "1/years"),
        ("charge_newest_age:{subject}:{index}", "count", "periods"),
        ("charge_oldest_age:{subject}:{index}", "count", "periods"),
        ("charge_newest_years:{subject}:{index}", "years", "years"),
        ("charge_oldest_years:{subject}:{index}", "years", "years"),
        ("life_charge_whole:{index}", "amount", "{unit}", ("charge_whole",)),
        ("life_charge:{index}", "amount", "{unit}"),
        ("life_depreciation:{index}", "amount", "{unit}"),
        ("life_other:{index}", "amount", "{unit}"),
        ("life_depreciation_and_amortization:{index}", "amount", "{unit}"),
        ("life_earnings_before_da:{index}", "amount", "{unit}"),
        ("life_depreciation_at_last_actual:{index}", "amount", "{unit}"),
        ("service_share:{index}", "ratio", "1/years"),
        ("service_share_varied", "ratio", "1/years"),
        ("sensitivity_growth_rate:{index}", "pct", "%"),
        ("growth_anchor:{index}", "pct", "%"),
        ("growth_capex:{index}", "amount", "{unit}"),
        ("growth_extra_capex:{index}", "amount", "{unit}"),
        ("growth_class:{index}:{index}", "amount", "{unit}"),
        ("growth_depreciation:{index}", "amount", "{unit}"),
        ("growth_varied_charge:{index}", "amount", "{unit}"),
        ("service_share_life:{index}", "ratio", "1/years"),
        ("sensitivity_cross:{index}:{index}", "amount", "{unit}"),
        ("chosen_diluted_shares_at_period", "amount", "m shares"),
        ("chosen_net_income_at_period", "amount", "{unit}"),
        ("chosen_earnings_is_known_at_period", "flag", "flag"),
        ("chosen_net_income_is_actual_at_period", "flag", "flag"),
        ("depreciation_and_amortization_at_period:{index}", "amount", "{unit}"),
        ("earnings_at_period:{index}", "amount", "{unit}"),
        ("base_at_period:{index}", "amount", "{unit}"),
        ("table_ok", "flag", "flag"),
        ("chosen_capex_quarters_on_record", "count", "count"),
        ("growth_capex_trailing_year:{index}", "amount", "{unit}"),
    ),
    *_on(
        SheetName.CHARTS,
        ("chart_company", "text", "text"),
        ("peak_growth_threshold", "pct", "%"),
        ("capex_reported:{ticker}", "flag", "flag"),
        ("forecast_period", "flag", "flag"),
        ("chart_capex_actual:{ticker}", "amount", "{unit}"),
        ("chart_capex_forecast:{ticker}", "amount", "{unit}"),
        ("peak_growth_line", "pct", "%"),
        ("chart_pick:{ticker}", "flag", "flag"),
        ("chart_vintage_company:{index}:{ticker}", "amount", "{unit}"),
        ("chart_vintage:{index}", "amount", "{unit}", ("chart_vintage", "chart_vintage_opening")),
        ("chart_depreciation", "amount", "{unit}"),
    ),
    *_on(
        SheetName.CHECKS,
        ("check_shares_sum:{ticker}", "flag", "1 = fails"),
        ("check_lives_positive:{ticker}", "flag", "1 = fails"),
        ("check_timeline_fiscal_year", "flag", "1 = fails"),
        ("check_timeline_steps", "flag", "1 = fails"),
        ("check_annual_ties:{subject}:{ticker}", "flag", "1 = fails", ("check_annual_ties_flow",)),
        ("check_nbv_nonnegative:{ticker}", "flag", "1 = fails"),
        ("rolled_forward:{ticker}", "amount", "{unit}"),
        ("roll_forward_scale:{ticker}", "amount", "{unit}"),
        ("check_roll_forward:{ticker}", "flag", "1 = fails"),
        ("check_depreciation_ties:{ticker}", "flag", "1 = fails"),
        ("check_da_ties:{ticker}", "flag", "1 = fails"),
        ("check_amortization_sign:{ticker}", "flag", "1 = fails"),
        ("check_land_not_depreciated:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("check_opening_land:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("check_opening_all_charged:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("check_opening_not_over:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("check_class_total:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("check_vintage_book_value:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("charged_to_date:{ticker}:{asset_class}", "amount", "{unit}"),
        ("cost_in_service:{ticker}:{asset_class}", "amount", "{unit}"),
        ("check_construction_not_depreciated:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("check_scenario_input:{subject...}", "flag", "1 = fails"),
        ("check_scenario_matches:{subject}", "flag", "1 = fails", ("check_scenario_matches_part",)),
        ("check_sensitivity_company", "flag", "1 = fails"),
        ("check_sensitivity_period", "flag", "1 = fails"),
        ("check_sensitivity_asset_class", "flag", "1 = fails"),
        ("check_sensitivity_class_capex", "flag", "1 = fails"),
        ("check_failures", "count", "count"),
        ("check_timeline", "flag", "1 = fails"),
        ("check_annual_ties:{ticker}", "flag", "1 = fails"),
        ("check_opening_charged:{ticker}:{asset_class}", "flag", "1 = fails"),
        ("check_scenario_matches", "flag", "1 = fails"),
        ("check_no_life_change:{ticker}:{asset_class}", "flag", "1 = fails"),
    ),
)


@cache
def _by_kind() -> dict[str, tuple[RowSpec, ...]]:
    found: dict[str, list[RowSpec]] = {}
    for spec in ROWS:
        found.setdefault(spec.kind, []).append(spec)
    return {k: tuple(v) for k, v in found.items()}


@cache
def declared(kind: str, sheet: str | None = None) -> tuple[RowSpec, ...]:
    """The declarations of `kind` (on `sheet`, where given)."""
    return tuple(s for s in _by_kind().get(kind, ()) if sheet is None or s.sheet == sheet)


@cache
def patterns_of(kind: str, sheet: str | None = None) -> tuple[Pattern, ...]:
    """The key patterns of `kind`, in declaration order (on `sheet`, where given)."""
    return tuple(s.pattern for s in declared(kind, sheet))


def spec_of(sheet: str, key: str) -> RowSpec:
    """The declaration of the row `key` on `sheet`: the first of its kind's there whose
    pattern reads it. KeyError, saying where to declare it, where none does."""
    for spec in declared(kind_of(key), sheet):
        if spec.pattern.match(key) is not None:
            return spec
    raise KeyError(f"{sheet}!{key} is declared nowhere: declare its pattern in modelgen/rowspec.py")


def sheet_of_kind(kind: str) -> SheetName:
    """The sheet of `kind`'s row per company (`capex` -> Capex, not Annual or Scenarios)."""
    for spec in declared(kind):
        if spec.sheet not in (SheetName.ANNUAL, SheetName.SCENARIOS):
            return spec.sheet
    raise KeyError(kind)


def named_kinds() -> dict[SheetName, tuple[str, ...]]:
    """The kinds with a defined name, by sheet (besides every Inputs row)."""
    found: dict[SheetName, list[str]] = {}
    for spec in ROWS:
        if spec.roles.name and spec.kind not in found.get(spec.sheet, []):
            found.setdefault(spec.sheet, []).append(spec.kind)
    return {sheet: tuple(kinds) for sheet, kinds in found.items()}


def headline() -> tuple[tuple[SheetName, str, str], ...]:
    """(sheet, kind, which companies: `TOTAL` or `*`) of the outputs an analyst reads first."""
    return tuple((s.sheet, s.kind, s.roles.headline) for s in ROWS if s.roles.headline)


def flows() -> tuple[tuple[str, SheetName], ...]:
    """(kind, sheet) of the flows the Annual sheet rolls up, in its order."""
    rolled = sorted((s for s in ROWS if s.roles.flow), key=lambda s: s.roles.flow)
    return tuple((s.kind, s.sheet) for s in rolled)


@dataclass(frozen=True)
class Measure:
    """A figure compared with actuals: its title, its Inputs row of actuals, its sheet and
    row kind (`f"{row}:{ticker}"` and `f"{row}:TOTAL"`)."""

    title: str
    actual: str
    sheet: str
    row: str


def measures() -> tuple[Measure, ...]:
    """The figures compared with actuals (forecast against actual), in declaration order."""
    return tuple(
        Measure(s.roles.measure, s.roles.actual, s.sheet, s.kind) for s in ROWS if s.roles.measure
    )


def sensitivity_outputs() -> tuple[str, ...]:
    """The kinds of the sensitivity table's outputs."""
    return tuple(s.kind for s in ROWS if s.roles.sensitivity)


#: the template's labels that label no declared row: the `period` row's (every sheet's, declared
#: nowhere), headers and notes, and `scenario_driven`, which wraps an Inputs row's label where a
#: scenario sets the row
OTHER_LABELS: frozenset[str] = frozenset(
    {
        "period",
        "opening_and_vintages",
        "earnings_rule_header",
        "ebda_margin_header",
        "ebda_margin_override_note",
        "profit_impact_note",
        "scenario_driven",
    }
)


def label_names() -> frozenset[str]:
    """Every label name the model takes from a template: its rows' and `OTHER_LABELS`."""
    return frozenset(name for spec in ROWS for name in spec.labels) | OTHER_LABELS


def labelled_by(name: str) -> tuple[RowSpec, ...]:
    """The declarations whose rows take the label `name`."""
    return tuple(spec for spec in ROWS if name in spec.labels)


def label_problems(
    labels: Collection[str], where: str, specs: Iterable[RowSpec] = ROWS
) -> list[str]:
    """Each declared label that `labels` (a template's `[labels]`, found in `where`) lacks, as
    `Sheet!pattern: no label "name" in where`."""
    return [
        f'{spec.sheet}!{spec.pattern.text}: no label "{name}" in {where}'
        for spec in specs
        for name in spec.labels
        if name not in labels
    ]
