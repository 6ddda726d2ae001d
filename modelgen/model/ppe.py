"""The PP&E sheet: construction in progress, the roll-forward, and the tie-out to the filings.

- Construction in progress: a class's capex spent no more than its lag before the period's
  end (`start_v + lag >= end`), not yet in service, never depreciated. Only the classes
  built with a lag (in assumptions.csv or a scenario) have any; a lag typed into the
  workbook for another class moves its depreciation and net PP&E, not this line.
- The roll-forward an accountant recognises: net book value at the start, plus capex, less
  depreciation, equals net book value at the end. The end balance is computed on its own
  (opening base + capex to date - depreciation to date) and a check proves the two agree.
- The tie-out: reported D&A less modelled depreciation is the part the property and
  equipment do not explain (amortization of intangibles, software, leases), held at its
  last reported value in the forecast, so that D&A equals the reported figure wherever
  there is one; modelled net book value less reported net PP&E where reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Crit, Expr, Num
from modelgen.formulas.functions import IF, SUM, SUMIFS, SUMPRODUCT, plus, ratio
from modelgen.formulas.rows import Row, block, span
from modelgen.model.depreciation import lagged

if TYPE_CHECKING:
    from modelgen.model import Model

SHEET = "PP&E"


def other_amortization(row: Row, reported: Expr, is_reported: Expr, modelled: Expr) -> Expr:
    """Reported D&A less the modelled depreciation where reported, else the last such."""
    return IF(is_reported, reported - modelled, row.prev)


def build(model: Model) -> None:
    """The sheet top down as a reviewer reads it: the tie-out, the roll-forward, construction
    in progress, then capex and depreciation to date (rows first, formulas once all exist)."""
    inp, cap, dep = (model.sheets[n] for n in ("Inputs", "Capex", "Depreciation"))
    sheet = model.new_sheet(SHEET)
    tickers = model.inputs.tickers

    def lines(kind: str, unit: str | None = None, fmt: str = "amount", level: int = 0) -> dict:
        """One row per company and, for amounts, a total."""
        u = model.unit if unit is None else unit
        rows = {
            t: sheet.add(f"{kind}:{t}", model.label(kind, t), u, fmt=fmt, level=level)
            for t in tickers
        }
        if fmt == "amount":
            total = sheet.add(
                f"{kind}:TOTAL", model.label(f"{kind}_total"), u, fmt=fmt, level=level
            )
            total.formula = SUM(block(list(rows.values())))
        return rows

    sheet.header("Tie-out: the model against reported D&A and net PP&E")
    other = lines("depreciation_other")
    da = lines("depreciation_and_amortization")
    explained = lines("depreciation_explained", "%", "pct")
    explained_total = sheet.add(
        "depreciation_explained:TOTAL", model.label("depreciation_explained_total"), "%", fmt="pct"
    )
    variance = lines("net_ppe_variance")
    sheet.blank()
    sheet.header("Roll-forward of net property and equipment")
    opening = lines("net_ppe_opening")
    added = lines("ppe_capex", level=1)
    less = lines("ppe_depreciation", level=1)
    nbv = lines("net_book_value")
    sheet.blank()
    sheet.header(
        "Construction in progress at the period's end: capex of the classes built with a lag, "
        "not yet in service"
    )
    cip = {
        (t, a.name): sheet.add(
            f"construction_in_progress:{t}:{a.name}",
            model.label("construction_in_progress_class", t, asset_class=a.name),
            model.unit,
            fmt="amount",
            level=1,
        )
        for t in tickers
        for a in model.inputs.asset_classes[t]
        if lagged(model, t, a.name)
    }
    cip_total = lines("construction_in_progress")
    sheet.blank()
    sheet.header("Capex and depreciation to date")
    cum = lines("cumulative_capex")
    acc = lines("accumulated_depreciation")

    start, end = inp["period_start"], dep["period_end"]
    for t in tickers:
        capex, modelled = cap[f"capex:{t}"], dep[f"depreciation:{t}"].cur
        reported, reported_ppe = (
            inp[f"depreciation_reported:{t}"].cur,
            inp[f"net_ppe_reported:{t}"].cur,
        )
        other[t].formula = other_amortization(other[t], reported, reported.is_set(), modelled)
        da[t].formula = modelled + other[t].cur
        explained[t].formula = IF(reported.is_set(), ratio(modelled, reported), "")
        variance[t].formula = IF(reported_ppe.is_set(), nbv[t].cur - reported_ppe, "")
        opening[t].formula = nbv[t].prev
        added[t].formula = capex.cur
        less[t].formula = -modelled
        classes = model.inputs.asset_classes[t]
        nbv[t].const_formula = plus(
            *(inp[f"opening_net_book_value:{t}:{a.name}"].d for a in classes)
        )
        nbv[t].formula = nbv[t].d + cum[t].cur - acc[t].cur
        building = [a for a in classes if (t, a.name) in cip]
        for a in building:
            c = f"{t}:{a.name}"
            lag = inp[f"in_service_lag:{c}"].d
            spent = SUMIFS(
                span(capex), span(start), Crit(">=", end.cur - lag), span(start), Crit("<", end.cur)
            )
            cip[(t, a.name)].formula = inp[f"share:{c}"].d * spent
        rows = [cip[(t, a.name)] for a in building]
        cip_total[t].formula = SUM(block(rows)) if rows else Num(0)
        cum[t].formula = cum[t].prev + capex.cur
        acc[t].formula = acc[t].prev + modelled
    nbv_total = sheet["net_book_value:TOTAL"]
    nbv_total.const_formula = SUM(block(list(nbv.values()), "const"))
    reported_rows = block([inp[f"depreciation_reported:{t}"] for t in tickers])
    modelled_rows = block([dep[f"depreciation:{t}"] for t in tickers])
    explained_total.formula = ratio(
        SUMPRODUCT(modelled_rows * reported_rows.is_set()), SUM(reported_rows)
    )
