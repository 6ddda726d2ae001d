"""The Inputs sheet: every number the model uses, keyed, blue on yellow."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from modelgen.model import Model

CHECK_TOLERANCE = 1e-6


def _series(model: Model, facts: dict[int, float]) -> np.ndarray:
    """Values by period of the timeline, NaN (an empty cell) where there is none."""
    years = model.inputs.periods
    return np.array([facts.get(y, np.nan) for y in years], dtype=float)


def build(model: Model) -> None:
    inputs, s = model.inputs, model.inputs.settings
    sheet = model.new_sheet("Inputs")
    lbl = model.label
    sheet.add(
        "period_start",
        lbl("period_start"),
        "year",
        fmt="year",
        kind="input",
        values=np.array(inputs.periods, dtype=float),
    )
    sheet.add("period_length", lbl("period_length"), "years", fmt="years", kind="input", const=1.0)

    sheet.blank()
    sheet.header("Settings")
    sheet.add(
        "long_run_capex_growth",
        lbl("long_run_capex_growth"),
        "%",
        fmt="pct",
        kind="input",
        const=s.long_run_capex_growth,
    )
    sheet.add(
        "fade_years", lbl("fade_years"), "years", fmt="years", kind="input", const=s.fade_years
    )
    sheet.add(
        "net_income_growth",
        lbl("net_income_growth"),
        "%",
        fmt="pct",
        kind="input",
        const=s.net_income_growth,
    )
    sheet.add("tax_rate", lbl("tax_rate"), "%", fmt="pct", kind="input", const=s.tax_rate)
    sheet.add(
        "depreciation_convention",
        lbl("depreciation_convention"),
        "text",
        fmt="text",
        kind="input",
        const=s.depreciation_convention,
    )
    sheet.add(
        "forecast_years",
        lbl("forecast_years"),
        "years",
        fmt="count",
        kind="input",
        const=float(s.forecast_years),
    )
    sheet.add("unit", lbl("unit"), "text", fmt="text", kind="input", const=s.unit)
    sheet.add(
        "check_tolerance",
        lbl("check_tolerance"),
        model.unit,
        fmt="ratio",
        kind="input",
        const=CHECK_TOLERANCE,
    )

    tickers = inputs.tickers
    blocks = (
        (
            "Capex actuals",
            "capex_actual",
            {t: {p: f.value for p, f in inputs.capex.get(t, {}).items()} for t in tickers},
        ),
        (
            "Capex guidance, low",
            "capex_guidance_low",
            {t: {p: g.low for p, g in inputs.guidance.get(t, {}).items()} for t in tickers},
        ),
        (
            "Capex guidance, high",
            "capex_guidance_high",
            {
                t: {p: g.high for p, g in inputs.guidance.get(t, {}).items() if g.high is not None}
                for t in tickers
            },
        ),
        (
            "Net income actuals",
            "net_income_actual",
            {t: {p: f.value for p, f in inputs.net_income.get(t, {}).items()} for t in tickers},
        ),
    )
    sources = {"capex_actual": inputs.capex, "net_income_actual": inputs.net_income}
    for title, kind, table in blocks:
        sheet.blank()
        sheet.header(title)
        for t in tickers:
            note = "; ".join(
                f"{p}: {f.source}"
                for p, f in sorted(sources.get(kind, {}).get(t, {}).items())
                if f.source
            )
            sheet.add(
                f"{kind}:{t}",
                lbl(kind, t),
                model.unit,
                fmt="amount",
                kind="input",
                values=_series(model, table[t]),
                note=note,
            )

    sheet.blank()
    sheet.header("Asset classes: share of capex and useful life")
    for t in tickers:
        classes = inputs.asset_classes[t]
        for a in classes:
            sheet.add(
                f"share:{t}:{a.name}",
                lbl("share", t, asset_class=a.name),
                "%",
                fmt="pct",
                kind="input",
                const=a.share,
            )
        for a in classes:
            sheet.add(
                f"useful_life:{t}:{a.name}",
                lbl("useful_life", t, asset_class=a.name),
                "years",
                fmt="years",
                kind="input",
                const=a.useful_life,
            )
