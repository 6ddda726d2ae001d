"""The Inputs sheet: every number the model uses, keyed; what may be changed blue on yellow.

The values the model's structure rests on (`FIXED`) are written as fixed rows, in the grey
of a label: they are referenced like inputs, but typing over one would not rebuild the
model around it (a fiscal year typed over moves periods out of the Annual sheet), so they
must not look like something to change. The CSV files and settings.csv change them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from modelgen.formulas.rows import block, span
from modelgen.inputs.settings import CONVENTIONS, unit_scale
from modelgen.inputs.timeline import Period
from modelgen.keys import kind_of, row_key
from modelgen.model import earnings, scenario_inputs
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model

#: row kinds (a key before its first `:`) set by the CSV files: the timeline, the settings
#: that shape the workbook (its columns, its unit), fiscal year ends, tickers, class names,
#: scenario names (the scenario list: a renamed case would match nothing)
FIXED = frozenset(
    {
        "period_start",
        "fiscal_year",
        "fiscal_quarter",
        "period_length",
        "periods_per_year",
        "forecast_years",
        "frequency",
        "unit",
        "per_share_scale",
        "fiscal_year_end_month",
        "ticker",
        "asset_class",
        "scenario_name",
    }
)
CHECK_TOLERANCE = 1e-9  # relative: checks hold in dollars as in billions


def _series(model: Model, facts: dict[Period, float]) -> np.ndarray:
    """Values by period of the timeline, NaN (an empty cell) where there is none."""
    return np.array([facts.get(p, np.nan) for p in model.timeline.periods], dtype=float)


def _guidance_series(model: Model, by_year: dict[int, float]) -> np.ndarray:
    """Annual guidance in the column where its fiscal year ends (its last period here)."""
    periods = model.timeline.periods
    out = np.full(len(periods), np.nan)
    for year, value in by_year.items():
        columns = [i for i, p in enumerate(periods) if p.year == year]
        if columns:
            out[columns[-1]] = value
    return out


def build(model: Model) -> None:
    inputs, s, tl = model.inputs, model.inputs.settings, model.timeline
    sheet = model.new_sheet(SheetName.INPUTS)
    lbl = model.label

    def timeline_row(key: str, values: list[float]) -> None:
        sheet.add(key, lbl(key), kind="input", values=np.array(values, dtype=float))

    timeline_row("period_start", [p.start for p in tl.periods])
    timeline_row("fiscal_year", [float(p.year) for p in tl.periods])
    if tl.per_year > 1:
        timeline_row("fiscal_quarter", [float(p.quarter) for p in tl.periods])
    sheet.add("period_length", lbl("period_length"), kind="input", const=tl.length)
    sheet.add(
        "periods_per_year",
        lbl("periods_per_year"),
        kind="input",
        const=float(tl.per_year),
    )

    scenario_inputs.add_selector(model, sheet)

    sheet.blank()
    sheet.header("Settings")
    for key in (
        "long_run_capex_growth",
        "fade_years",
        "earnings_growth",
        "tax_rate",
        "revenue_growth",
        "share_count_growth",
        "amortization_growth",
        "tie_tolerance",
        "run_rate_life_years",
        "depreciation_convention",
        "forecast_years",
        "frequency",
        "unit",
    ):
        value = getattr(s, key)
        const = value if isinstance(value, str) else float(value)
        choices = list(CONVENTIONS) if key == "depreciation_convention" else None
        sheet.add(key, lbl(key), kind="input", const=const, choices=choices)
    sheet.add(
        "check_tolerance",
        lbl("check_tolerance"),
        kind="input",
        const=CHECK_TOLERANCE,
    )

    sheet.add(
        "per_share_scale",
        lbl("per_share_scale"),
        const=per_share_scale(s.unit),
    )

    tickers = inputs.tickers
    sheet.blank()
    sheet.header("Companies: fiscal year end month")
    for t in tickers:
        sheet.add(
            row_key("fiscal_year_end_month", ticker=t),
            lbl("fiscal_year_end_month", t),
            kind="input",
            const=float(inputs.company(t).fiscal_year_end_month),
        )
    sheet.blank()
    sheet.header("Companies: tax rate (a company's own, else the setting)")
    for t in tickers:
        company = inputs.company(t)
        row = sheet.add(row_key("tax_rate", ticker=t), lbl("tax_rate_company", t))
        if company.tax_rate is None:
            row.const_formula = sheet["tax_rate"].d
            row.note = "No rate of its own in companies.csv: the tax_rate setting above."
        else:
            row.kind, row.const = "input", company.tax_rate
            row.note = f"Source: {company.source}" if company.source else ""

    actual_blocks = (
        ("Capex actuals", "capex_actual", inputs.capex),
        ("Net income actuals", "net_income_actual", inputs.net_income),
        ("Revenue actuals", "revenue_actual", inputs.revenue),
        (
            "Diluted shares actuals (weighted average)",
            "diluted_shares_actual",
            inputs.diluted_shares,
        ),
    )
    for title, kind, table in actual_blocks[:1]:
        _actuals(model, sheet, title, kind, table)
    guidance = (
        ("Capex guidance, low", "capex_guidance_low", lambda g: g.low),
        ("Capex guidance, high", "capex_guidance_high", lambda g: g.high),
    )
    for title, kind, pick in guidance:
        sheet.blank()
        sheet.header(
            title + (" (annual, in the fiscal year's last quarter)" if tl.per_year > 1 else "")
        )
        for t in tickers:
            by_year = {
                y: pick(g) for y, g in inputs.guidance.get(t, {}).items() if pick(g) is not None
            }
            ends = {p.year: i for i, p in enumerate(tl.periods)}  # a year's last period
            notes = {
                ends[y]: f"Source ({y}): {g.source}"
                for y, g in inputs.guidance.get(t, {}).items()
                if g.source and y in ends and pick(g) is not None
            }
            sheet.add(
                row_key(kind, ticker=t),
                lbl(kind, t),
                kind="input",
                values=_guidance_series(model, by_year),
                cell_notes=notes,
            )
    for title, kind, table in actual_blocks[1:]:
        _actuals(model, sheet, title, kind, table)
    earnings.add_inputs(model, sheet)
    if tl.per_year == 1:
        _quarterly_detail(model, sheet)

    sheet.blank()
    sheet.header("Asset classes: share of capex, useful life (0: land), years under construction")
    for t in tickers:
        for key, field in (
            ("share", "share"),
            ("useful_life", "useful_life"),
            ("in_service_lag", "lag"),
        ):
            for a in inputs.asset_classes[t]:
                sheet.add(
                    row_key(key, ticker=t, asset_class=a.name),
                    lbl(key, t, asset_class=a.name),
                    kind="input",
                    const=getattr(a, field),
                    note=f"Source: {a.source}" if a.source and key != "in_service_lag" else "",
                )
    property_inputs(model, sheet)
    sensitivity_inputs(model, sheet)
    scenario_inputs.add_table(model, sheet)
    for row in sheet.rows:
        if row.key and kind_of(row.key) in FIXED:
            row.kind = "fixed"


def per_share_scale(unit: str) -> float:
    """The amount unit over millions of shares: `amount * scale / shares` is per share
    (USD bn and millions of shares: 1,000; a unit without a scale word counts units)."""
    return (unit_scale(unit) or 1.0) / 1e6


def _actuals(model: Model, sheet, title: str, kind: str, table: dict) -> None:
    """A block of actuals by period, one row per company, each figure's source as a note."""
    sheet.blank()
    sheet.header(title)
    for t in model.inputs.tickers:
        facts = table.get(t, {})
        column = {p: i for i, p in enumerate(model.timeline.periods)}
        notes = {
            column[p]: f"Source ({p}): {f.source}"
            for p, f in facts.items()
            if f.source and p in column
        }
        sheet.add(
            row_key(kind, ticker=t),
            model.label(kind, t),
            kind="input",
            values=_series(model, {p: f.value for p, f in facts.items()}),
            cell_notes=notes,
        )


def _quarterly_detail(model: Model, sheet) -> None:
    """In an annual model, reported quarters by fiscal year: they make calendar years exact."""
    inputs = model.inputs
    for kind, table in (
        ("capex_actual", inputs.capex_quarters),
        ("net_income_actual", inputs.net_income_quarters),
    ):
        tickers = [t for t in inputs.tickers if table.get(t)]
        if not tickers:
            continue
        sheet.blank()
        what = "Capex" if kind == "capex_actual" else "Net income"  # text, not a sheet
        sheet.header(f"{what} by fiscal quarter (columns: fiscal years)")
        for t in tickers:
            for q in range(1, 5):
                by_year = {Period(p.year): f.value for p, f in table[t].items() if p.quarter == q}
                sheet.add(
                    row_key(kind, ticker=t, index=(f"Q{q}",)),
                    model.label(f"{kind}_quarter", t, quarter=f"Q{q}"),
                    kind="input",
                    values=_series(model, by_year),
                )


def property_inputs(model: Model, sheet) -> None:
    """The opening base, the useful-life changes, and the reported D&A and net PP&E."""
    inputs, lbl = model.inputs, model.label
    first = model.periods[0]
    sheet.blank()
    sheet.header(f"Opening balances at the start of {first}: net book value and remaining life")
    for t in inputs.tickers:
        for a in inputs.asset_classes[t]:
            o = inputs.opening.get(t, {}).get(a.name)
            note = f"Source: {o.source}" if o is not None and o.source else ""
            for key, value in (
                ("opening_net_book_value", o.net_book_value if o else 0.0),
                ("opening_remaining_life", o.remaining_life if o else 0.0),
            ):
                sheet.add(
                    row_key(key, ticker=t, asset_class=a.name),
                    lbl(key, t, asset_class=a.name),
                    kind="input",
                    const=value,
                    note=note,
                )
    sheet.blank()
    sheet.header("Useful-life changes: a new life from that period on (empty: no change)")
    column = {p: i for i, p in enumerate(model.timeline.periods)}
    for t in inputs.tickers:
        for a in inputs.asset_classes[t]:
            changes = inputs.life_changes.get(t, {}).get(a.name, {})
            sheet.add(
                row_key("useful_life_change", ticker=t, asset_class=a.name),
                lbl("useful_life_change", t, asset_class=a.name),
                kind="input",
                values=_series(model, {p: c.useful_life for p, c in changes.items()}),
                cell_notes={
                    column[p]: f"Source (from {c.effective_from}): {c.source}"
                    for p, c in changes.items()
                    if c.source
                },
            )
    for kind, title, table in (
        (
            "depreciation_reported",
            "Reported depreciation and amortization",
            inputs.depreciation_reported,
        ),
        (
            "ppe_depreciation_reported",
            "Reported depreciation of property and equipment (part of D&A)",
            inputs.ppe_depreciation_reported,
        ),
        (
            "net_ppe_reported",
            "Reported net property and equipment, at the period's end",
            inputs.net_ppe_reported,
        ),
    ):
        sheet.blank()
        sheet.header(title)
        for t in inputs.tickers:
            facts = table.get(t, {})
            sheet.add(
                row_key(kind, ticker=t),
                lbl(kind, t),
                kind="input",
                values=_series(model, {p: f.value for p, f in facts.items()}),
                cell_notes={
                    column[p]: f"Source ({p}): {f.source}" for p, f in facts.items() if f.source
                },
            )


def sensitivity_inputs(model: Model, sheet) -> None:
    """What the Sensitivity sheet varies: the company, the period and the two axes."""
    inputs, lbl = model.inputs, model.label
    sheet.blank()
    sheet.header("Companies")
    for t in inputs.tickers:
        sheet.add(
            row_key("ticker", ticker=t),
            lbl("ticker", t),
            kind="input",
            const=t,
            level=1,
        )
    sheet.blank()
    sheet.header("Asset classes (from assumptions.csv: rebuild to change)")
    names = list(dict.fromkeys(a.name for t in inputs.tickers for a in inputs.asset_classes[t]))
    for name in names:
        sheet.add(row_key("asset_class", asset_class=name), name, const=name, level=1)
    sheet.blank()
    sheet.header("Sensitivity: company, period, the asset class whose life varies, and axes")
    for key, value in (
        ("sensitivity_company", inputs.tickers[0]),
        ("sensitivity_period", _sensitivity_period(model)),
        ("sensitivity_asset_class", _varied_class(model)),
        ("sensitivity_life_start", 3.0),
        ("sensitivity_life_step", 0.5),
        ("sensitivity_growth_start", -0.05),
        ("sensitivity_growth_step", 0.05),
    ):
        sheet.add(key, lbl(key), kind="input", const=value)
    sheet["sensitivity_company"].choices = block(
        [sheet[row_key("ticker", ticker=t)] for t in inputs.tickers], "const"
    )
    sheet["sensitivity_period"].choices = span(sheet["period"])
    sheet["sensitivity_asset_class"].choices = block(
        [sheet[row_key("asset_class", asset_class=n)] for n in names], "const"
    )


def _sensitivity_period(model: Model) -> str:
    """Two fiscal years after the last actual (its last period), where the capex cycle's
    depreciation shows; the last period if the timeline ends sooner."""
    periods = model.timeline.periods
    year = model.inputs.last_actual_period.year + 2
    in_year = [p for p in periods if p.year == year]
    return (in_year[-1] if in_year else periods[-1]).label


def _varied_class(model: Model) -> str:
    """The first company's depreciated class with the largest share of its capex in the case
    the workbook opens on (a scenario may move its capex to other classes)."""
    inputs = model.inputs
    ticker, case = inputs.tickers[0], inputs.settings.scenario
    classes = inputs.asset_classes[ticker]

    def share(name: str, base: float) -> float:
        return float(
            inputs.scenarios.values.get(row_key("share", ticker=ticker, asset_class=name), {}).get(
                case, base
            )
        )

    depreciated = [a for a in classes if a.useful_life > 0] or classes
    return max(depreciated, key=lambda a: share(a.name, a.share)).name
