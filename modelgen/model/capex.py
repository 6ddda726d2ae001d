"""Capex: actual, else guidance midpoint, else growth fading to the long-run rate.

With `a` the last period with a known figure and `g_a` its growth, for `k` years after it
`g = g_a + (long_run - g_a) * MIN(1, k / fade_years)` and `capex = previous * (1 + g)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import IF, MIN, OR, SUM
from modelgen.rows import block

if TYPE_CHECKING:
    from modelgen.model import Model


def build(model: Model) -> None:
    inp = model.sheets["Inputs"]
    sheet = model.new_sheet("Capex")
    tickers = model.inputs.tickers
    lbl, unit = model.label, model.unit
    long_run = inp["long_run_capex_growth"].d
    fade = inp["fade_years"].d
    length = inp["period_length"].d

    def section(title: str, kind: str, unit_: str, fmt: str, level: int = 1) -> dict:
        sheet.header(title)
        return {
            t: sheet.add(f"{kind}:{t}", lbl(kind, t), unit_, fmt=fmt, level=level) for t in tickers
        }

    known = section(
        "Known capex: the actual, else the guidance midpoint", "capex_known", unit, "amount"
    )
    for t, row in known.items():
        actual, low, high = (
            inp[f"{k}:{t}"].cur
            for k in ("capex_actual", "capex_guidance_low", "capex_guidance_high")
        )
        row.formula = IF(
            actual.is_set(), actual, IF(low.is_set(), (low + IF(high.is_set(), high, low)) / 2, 0)
        )
    is_known = section("Known figure flag", "capex_is_known", "flag", "flag")
    for t, row in is_known.items():
        actual, low = inp[f"capex_actual:{t}"].cur, inp[f"capex_guidance_low:{t}"].cur
        row.formula = IF(OR(actual.is_set(), low.is_set()), 1, 0)
    since = section(
        "Years since the last known figure", "capex_years_since_known", "years", "years"
    )
    anchor = section("Growth of the last known figure", "capex_anchor_growth", "%", "pct")
    growth = section(
        "Forecast growth, fading to the long-run rate", "capex_forecast_growth", "%", "pct"
    )
    sheet.blank()
    sheet.header("Capex")
    capex = {t: sheet.add(f"capex:{t}", lbl("capex", t), unit, fmt="amount") for t in tickers}
    total = sheet.add("capex:TOTAL", lbl("capex_total"), unit, fmt="amount")
    total.formula = SUM(block(list(capex.values())))
    for t in tickers:
        flag = is_known[t].cur
        since[t].formula = IF(flag.eq(1), 0, since[t].prev + length)
        anchor[t].formula = IF(
            flag.eq(1),
            IF(capex[t].prev > 0, known[t].cur / capex[t].prev - 1, long_run),
            anchor[t].prev,
        )
        a = anchor[t].cur
        growth[t].formula = a + (long_run - a) * MIN(1, since[t].cur / fade)
        capex[t].formula = IF(flag.eq(1), known[t].cur, capex[t].prev * (1 + growth[t].cur))
