"""The Scenarios sheet: key outputs of every scenario side by side, all computed live.

Each scenario reruns capex (its own long-run growth and fade), depreciation (its own lives,
shares and convention, one SUMPRODUCT per class) and net income (its own tax, revenue
growth and earnings growth; a company with revenue at its own last actual margin, unless
the analyst overrides it on Inputs), so that the sheet shows every case at once, not only
the selected one. A check proves the selected scenario's capex, depreciation and D&A / net
income equal the main model's: a number typed over an input the scenario sets (a tax rate,
a growth rate) shows there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr
from modelgen.formulas.functions import IF, INDEX, SUM, differs, ratio
from modelgen.formulas.rows import Row, block
from modelgen.keys import TOTAL, row_key
from modelgen.model.capex import anchor_of, faded_growth, known_rows, trailing_year
from modelgen.model.depreciation import charges, class_rows, company_rows
from modelgen.model.earnings import margin_in_use, margin_rows
from modelgen.model.ppe import Reported, other_da, total_da
from modelgen.model.profit import company_earnings, grown, net_income, net_of_tax
from modelgen.model.scenario_inputs import param
from modelgen.model.straight_line import service_offset
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model


def build(model: Model) -> None:
    names = model.inputs.scenarios.names
    if len(names) < 2:
        return
    inp, cap, dep = (
        model.sheets[n] for n in (SheetName.INPUTS, SheetName.CAPEX, SheetName.DEPRECIATION)
    )
    sheet = model.new_sheet(SheetName.SCENARIOS)
    lbl = model.label
    summary: dict[str, dict[str, Row]] = {}
    for kind, title in (
        ("capex", "Capex, total"),
        ("depreciation", "Depreciation, total"),
        ("depreciation_pct_net_income", "D&A / net income, total"),
    ):
        sheet.header(title)
        summary[kind] = {
            s: sheet.add(
                row_key(kind, scenario=s, ticker=TOTAL),
                lbl(f"scenario_{kind}_total", scenario=s),
            )
            for s in names
        }
    for s in names:
        _scenario(model, sheet, s, summary)
    tol, number = inp["check_tolerance"].d, inp["scenario_number"].d
    model_totals = {
        "capex": cap["capex:TOTAL"],
        "depreciation": dep["depreciation:TOTAL"],
        "depreciation_pct_net_income": model.sheets[SheetName.PROFIT][
            "depreciation_pct_net_income:TOTAL"
        ],
    }
    sheet.header("The selected scenario (Inputs), as the checks compare it with the model")
    chosen = {}
    for kind in model_totals:
        picked = INDEX(block(list(summary[kind].values())), number)
        if kind == "depreciation_pct_net_income":  # an empty ratio ("") stays empty, not 0
            picked = IF(picked.is_blank(), "", picked)
        chosen[kind] = sheet.add(
            row_key(kind, scenario="selected", ticker=TOTAL),
            lbl("scenario_selected_total", line=kind),
            formula=picked,
        ).cur
    gaps = [  # capex and depreciation are sums, never empty; the ratio is empty at 0 net income
        differs(chosen["capex"], model_totals["capex"].cur, tol),
        differs(chosen["depreciation"], model_totals["depreciation"].cur, tol),
        _differs_or_empty(
            chosen["depreciation_pct_net_income"],
            model_totals["depreciation_pct_net_income"].cur,
            tol,
        ),
    ]
    parts = [
        (
            row_key("check_scenario_matches", subject=kind),
            lbl("check_scenario_matches_part", line=kind),
            gap,
        )
        for kind, gap in zip(model_totals, gaps, strict=True)
    ]
    model.extra_checks.append(("check_scenario_matches", lbl("check_scenario_matches"), parts))


def _differs_or_empty(a: Expr, b: Expr, tolerance: Expr) -> Expr:
    """`differs`, where either may be an empty ratio: 0 when both are, 1 when one is."""
    return IF(a.is_blank(), IF(b.is_blank(), 0, 1), IF(b.is_blank(), 1, differs(a, b, tolerance)))


def _revenue_and_margin(
    model: Model, sheet, s: str, after_tax: dict[str, Expr]
) -> tuple[dict[str, Expr], dict[str, Expr]]:
    """Scenario `s`'s revenue (Profit Impact's, unless the scenario sets its own growth) and
    the margin of each company that follows revenue: the override on Inputs, else its last
    actual margin with the scenario's D&A after tax, as if the model were built with it."""
    inp, prof = model.sheets[SheetName.INPUTS], model.sheets[SheetName.PROFIT]
    tickers, lbl = model.inputs.tickers, model.label
    revenue: dict[str, Expr] = {t: prof[row_key("revenue", ticker=t)].cur for t in tickers}
    if model.inputs.scenarios.varies("revenue_growth"):
        growth = param(model, "revenue_growth", s).d
        for t in tickers:
            row = sheet.add(
                row_key("revenue", scenario=s, ticker=t),
                lbl("revenue", t),
                level=1,
            )
            row.formula = grown(model, row, inp[row_key("revenue_actual", ticker=t)].cur, growth)
            revenue[t] = row.cur
    last = margin_rows(model, sheet, after_tax, s)
    margin = {}
    for t, row in last.items():
        margin[t] = sheet.add(
            row_key("ebda_margin", scenario=s, ticker=t),
            lbl("ebda_margin_scenario", t),
            level=1,
            const_formula=margin_in_use(model, t, row),
        ).d
    return revenue, margin


def _scenario(model: Model, sheet, s: str, summary: dict[str, dict[str, Row]]) -> None:
    inp, cap, prof = (
        model.sheets[n] for n in (SheetName.INPUTS, SheetName.CAPEX, SheetName.PROFIT)
    )
    tickers, lbl = model.inputs.tickers, model.label
    p = lambda key: param(model, key, s).d  # noqa: E731 - a scenario's value of a key
    long_run, fade, growth = p("long_run_capex_growth"), p("fade_years"), p("earnings_growth")
    length = inp["period_length"].d
    sheet.blank()
    sheet.header(f"Scenario {s}")
    if model.inputs.scenarios.varies("depreciation_convention"):
        offset = sheet.add(
            row_key("service_offset", scenario=s),
            lbl("service_offset"),
            const_formula=service_offset(p("depreciation_convention"), length),
        ).d
    else:
        offset = model.sheets[SheetName.DEPRECIATION]["service_offset"].d
    anchors = {
        t: sheet.add(
            row_key("capex_anchor_growth", scenario=s, ticker=t),
            lbl("capex_anchor_growth", t),
            level=1,
        )
        for t in tickers
    }
    capex = {t: sheet.add(row_key("capex", scenario=s, ticker=t), lbl("capex", t)) for t in tickers}
    trailing = {}
    if model.per_year > 1:
        trailing = {
            t: sheet.add(
                row_key("capex_trailing_year", scenario=s, ticker=t),
                lbl("capex_trailing_year", t),
                level=1,
            )
            for t in tickers
        }
    for t in tickers:
        flag, known = (
            cap[row_key("capex_is_known", ticker=t)].cur,
            cap[row_key("capex_known", ticker=t)].cur,
        )
        if t in trailing:
            trailing[t].formula = trailing_year(model, trailing[t], capex[t])
        anchors[t].formula = anchor_of(
            model, known_rows(model, t), capex[t], anchors[t], long_run, trailing.get(t)
        )
        g = faded_growth(model, t, anchors[t].cur, long_run, fade)
        capex[t].formula = IF(flag.eq(1), known, model.year_ago(capex[t]) * (1 + g))
    summary["capex"][s].formula = SUM(block(list(capex.values())))
    parts = charges(model, sheet, s, offset)
    sheet.blank()
    sheet.header(f"Scenario {s}: depreciation and amortization")
    da = {}
    deps = company_rows(model, sheet, s, class_rows(model, sheet, s, parts, 1))
    summary["depreciation"][s].formula = SUM(block(list(deps.values())))
    other = {}
    for t in tickers:
        other[t] = sheet.add(
            row_key("depreciation_other", scenario=s, ticker=t),
            lbl("depreciation_other", t),
        )
        amortization_growth = inp["amortization_growth"].d
        other[t].formula = other_da(
            other[t], Reported.of(model, t), deps[t].cur, amortization_growth
        )
    for t in tickers:
        da[t] = sheet.add(
            row_key("depreciation_and_amortization", scenario=s, ticker=t),
            lbl("depreciation_and_amortization", t),
            formula=total_da(Reported.of(model, t), deps[t].cur, other[t].cur),
        )
    da_total = sheet.add(
        row_key("depreciation_and_amortization", scenario=s, ticker=TOTAL),
        lbl("depreciation_and_amortization_total"),
        formula=SUM(block(list(da.values()))),
    )
    after, earnings, ni = {}, {}, {}
    for t in tickers:
        after[t] = sheet.add(
            row_key("after_tax_depreciation", scenario=s, ticker=t),
            lbl("after_tax_depreciation", t),
            level=1,
            formula=net_of_tax(model, t, da[t].cur, s),
        )
    revenue, margin = _revenue_and_margin(model, sheet, s, {t: after[t].cur for t in tickers})
    for t in tickers:
        row = sheet.add(
            row_key("earnings_before_da", scenario=s, ticker=t),
            lbl("earnings_before_da", t),
        )
        row.formula = company_earnings(
            model, t, row, after[t].cur, growth, revenue[t], margin.get(t)
        )
        earnings[t] = row
    for t in tickers:
        ni[t] = sheet.add(
            row_key("net_income", scenario=s, ticker=t),
            lbl("net_income", t),
            formula=net_income(model, t, earnings[t].cur, after[t].cur),
        )
    ni_total = sheet.add(
        row_key("net_income", scenario=s, ticker=TOTAL),
        lbl("net_income_total"),
        formula=SUM(block(list(ni.values()))),
    )
    for t in tickers:
        sheet.add(
            row_key("depreciation_pct_net_income", scenario=s, ticker=t),
            lbl("depreciation_pct_net_income", t),
            formula=ratio(da[t].cur, ni[t].cur),
        )
    summary["depreciation_pct_net_income"][s].formula = ratio(da_total.cur, ni_total.cur)
    del prof
