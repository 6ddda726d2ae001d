"""Profit impact: depreciation against net income, and the article's run-rate arithmetic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import IF, SUM, SUMPRODUCT, ratio
from modelgen.rows import block

if TYPE_CHECKING:
    from modelgen.formula import Expr
    from modelgen.model import Model
    from modelgen.rows import Row


def net_income(model: Model, ticker: str, row: Row, growth: Expr) -> Expr:
    """The actual, else a year earlier grown at `growth` (the same quarter, in quarters)."""
    actual = model.sheets["Inputs"][f"net_income_actual:{ticker}"].cur
    return IF(actual.is_set(), actual, model.year_ago(row) * (1 + growth))


def build(model: Model) -> None:
    inp, cap, dep = (model.sheets[n] for n in ("Inputs", "Capex", "PP&E"))
    sheet = model.new_sheet("Profit Impact")
    tickers, lbl, unit = model.inputs.tickers, model.label, model.unit
    growth, tax = inp["net_income_growth"].d, inp["tax_rate"].d

    sheet.header("Net income: actual, else grown at the forecast rate")
    ni = {}
    for t in tickers:
        row = sheet.add(f"net_income:{t}", lbl("net_income", t), unit, fmt="amount")
        row.formula = net_income(model, t, row, growth)
        ni[t] = row
    ni_total = sheet.add(
        "net_income:TOTAL",
        lbl("net_income_total"),
        unit,
        fmt="amount",
        formula=SUM(block(list(ni.values()))),
    )

    sheet.blank()
    sheet.header("Depreciation and amortization (PP&E sheet) as a share of net income")
    for t in tickers:
        sheet.add(
            f"depreciation_pct_net_income:{t}",
            lbl("depreciation_pct_net_income", t),
            "%",
            fmt="pct",
            formula=ratio(dep[f"depreciation_and_amortization:{t}"].cur, ni[t].cur),
        )
    sheet.add(
        "depreciation_pct_net_income:TOTAL",
        lbl("depreciation_pct_net_income_total"),
        "%",
        fmt="pct",
        formula=ratio(dep["depreciation_and_amortization:TOTAL"].cur, ni_total.cur),
    )

    sheet.blank()
    sheet.header("Run rate: the yearly charge one year's capex adds (the article's capex / life)")
    factor = {}
    for t in tickers:
        classes = model.inputs.asset_classes[t]
        shares = block([inp[f"share:{t}:{a.name}"] for a in classes], "const")
        lives = block([inp[f"useful_life:{t}:{a.name}"] for a in classes], "const")
        factor[t] = sheet.add(
            f"run_rate_factor:{t}",
            lbl("run_rate_factor", t),
            "1/years",
            fmt="ratio",
            const_formula=SUMPRODUCT(shares * (lives > 0) / (lives + (lives.eq(0)))),
        )
    rr = {}
    for t in tickers:
        rr[t] = sheet.add(
            f"run_rate_depreciation:{t}",
            lbl("run_rate_depreciation", t),
            unit,
            fmt="amount",
            formula=cap[f"capex:{t}"].cur * factor[t].d,
        )
    for t in tickers:
        sheet.add(
            f"run_rate_depreciation_pct_net_income:{t}",
            lbl("run_rate_depreciation_pct_net_income", t),
            "%",
            fmt="pct",
            formula=ratio(rr[t].cur, ni[t].cur),
        )

    sheet.blank()
    sheet.header("After tax: depreciation and amortization lower taxable profit")
    after = {}
    for t in tickers:
        after[t] = sheet.add(
            f"after_tax_depreciation:{t}",
            lbl("after_tax_depreciation", t),
            unit,
            fmt="amount",
            formula=dep[f"depreciation_and_amortization:{t}"].cur * (1 - tax),
        )
    for t in tickers:
        sheet.add(
            f"after_tax_depreciation_pct_net_income:{t}",
            lbl("after_tax_depreciation_pct_net_income", t),
            "%",
            fmt="pct",
            formula=ratio(after[t].cur, ni[t].cur),
        )
