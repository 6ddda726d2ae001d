"""The PP&E sheet: construction in progress, the roll-forward, and the tie-out to the filings.

- Construction in progress: a class's capex spent no more than its lag before the period's
  end (`start_v + lag >= end`), not yet in service, never depreciated. Only the classes
  built with a lag (in assumptions.csv or a scenario) have any; a lag typed into the
  workbook for another class moves its depreciation and net PP&E, not this line.
- The roll-forward an accountant recognises: net book value at the start, plus capex, less
  depreciation, equals net book value at the end. The end balance is computed on its own
  (opening base + capex to date - depreciation to date) and a check proves the two agree.
- The tie-out, like with like: the modelled depreciation against the depreciation of
  property and equipment the company reports (`depreciation_variance`), judged by a check
  against `tie_tolerance`. The rest of reported D&A (amortization of intangibles, content,
  leases) is a reported figure, reported D&A less reported PP&E depreciation; a company that
  reports only total D&A has the residual, reported D&A less modelled depreciation, in its
  place (`depreciation_other`): the analyst's first measure of the model, which a check
  fails when negative. After the last reported year the line is grown at
  `amortization_growth`. D&A is the reported figure wherever there is one; modelled net book
  value less reported net PP&E where reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Crit, Expr, Num
from modelgen.formulas.functions import IF, SUM, SUMIFS, SUMPRODUCT, plus, ratio
from modelgen.formulas.rows import Row, block, span
from modelgen.keys import TOTAL, row_key
from modelgen.model.depreciation import lagged
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model

SHEET = SheetName.PPE


def other_da(row: Row, reported: Reported, modelled: Expr, growth: Expr) -> Expr:
    """The rest of D&A: reported D&A less reported PP&E depreciation where both are reported
    (amortization), less the modelled depreciation where only D&A is (a residual), and after
    the last reported year the last such grown at `growth`."""
    taken = IF(reported.ppe_is_set, reported.ppe, modelled)
    return IF(reported.da_is_set, reported.da - taken, row.prev * (1 + growth))


def total_da(reported: Reported, modelled: Expr, other: Expr) -> Expr:
    """D&A: the reported figure wherever there is one, else modelled depreciation plus the rest."""
    return IF(reported.da_is_set, reported.da, modelled + other)


@dataclass(frozen=True)
class Reported:
    """A company's reported D&A and PP&E depreciation in a period, and whether each is there
    (a flag of its own: a reference read through INDEX shows an empty cell as 0)."""

    da: Expr
    da_is_set: Expr
    ppe: Expr
    ppe_is_set: Expr

    @classmethod
    def of(cls, model: Model, ticker: str) -> Reported:
        inp = model.sheets[SheetName.INPUTS]
        da, ppe = (
            inp[row_key("depreciation_reported", ticker=ticker)].cur,
            inp[row_key("ppe_depreciation_reported", ticker=ticker)].cur,
        )
        return cls(da, da.is_set(), ppe, ppe.is_set())


def other_kind(model: Model, ticker: str) -> str:
    """`amortization` where the company reports PP&E depreciation in every period it reports
    D&A, else `depreciation_other` (the residual, in some periods or all)."""
    da = model.inputs.depreciation_reported.get(ticker, {})
    ppe = model.inputs.ppe_depreciation_reported.get(ticker, {})
    return "amortization" if ppe and set(da) <= set(ppe) else "depreciation_other"


def build(model: Model) -> None:
    """The sheet top down as a reviewer reads it: the tie-out, the roll-forward, construction
    in progress, then capex and depreciation to date (rows first, formulas once all exist)."""
    inp, cap, dep = (
        model.sheets[n] for n in (SheetName.INPUTS, SheetName.CAPEX, SheetName.DEPRECIATION)
    )
    sheet = model.new_sheet(SHEET)
    tickers = model.inputs.tickers

    def lines(kind: str, level: int = 0, summed: bool = True) -> dict:
        """One row per company and, where `summed` (amounts), a total adding them."""
        rows = {
            t: sheet.add(row_key(kind, ticker=t), model.label(kind, t), level=level)
            for t in tickers
        }
        if summed:
            total = sheet.add(
                row_key(kind, ticker=TOTAL), model.label(f"{kind}_total"), level=level
            )
            total.formula = SUM(block(list(rows.values())))
        return rows

    sheet.header(
        "Tie-out: modelled depreciation against the reported depreciation of property and "
        "equipment; the rest of D&A; net PP&E"
    )
    variance = lines("depreciation_variance")
    variance_pct = lines("depreciation_variance_pct", summed=False)
    explained = lines("depreciation_explained", summed=False)  # its total is a ratio
    explained_total = sheet.add(
        "depreciation_explained:TOTAL", model.label("depreciation_explained_total")
    )
    other = _other_lines(model, sheet)
    da = lines("depreciation_and_amortization")
    ppe_variance = lines("net_ppe_variance")
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
            row_key("construction_in_progress", ticker=t, asset_class=a.name),
            model.label("construction_in_progress_class", t, asset_class=a.name),
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
    growth = inp["amortization_growth"].d
    for t in tickers:
        capex, modelled = (
            cap[row_key("capex", ticker=t)],
            dep[row_key("depreciation", ticker=t)].cur,
        )
        reported, reported_ppe = (
            Reported.of(model, t),
            inp[row_key("net_ppe_reported", ticker=t)].cur,
        )
        variance[t].formula = IF(reported.ppe_is_set, modelled - reported.ppe, "")
        variance_pct[t].formula = IF(reported.ppe_is_set, ratio(variance[t].cur, reported.ppe), "")
        explained[t].formula = IF(
            reported.ppe_is_set,
            ratio(modelled, reported.ppe),
            IF(reported.da_is_set, ratio(modelled, reported.da), ""),
        )
        other[t].formula = other_da(other[t], reported, modelled, growth)
        da[t].formula = total_da(reported, modelled, other[t].cur)
        ppe_variance[t].formula = IF(reported_ppe.is_set(), nbv[t].cur - reported_ppe, "")
        opening[t].formula = nbv[t].prev
        added[t].formula = capex.cur
        less[t].formula = -modelled
        classes = model.inputs.asset_classes[t]
        nbv[t].const_formula = plus(
            *(
                inp[row_key("opening_net_book_value", ticker=t, asset_class=a.name)].d
                for a in classes
            )
        )
        nbv[t].formula = nbv[t].d + cum[t].cur - acc[t].cur
        building = [a for a in classes if (t, a.name) in cip]
        for a in building:
            c = {"ticker": t, "asset_class": a.name}
            lag = inp[row_key("in_service_lag", **c)].d
            spent = SUMIFS(
                span(capex), span(start), Crit(">=", end.cur - lag), span(start), Crit("<", end.cur)
            )
            cip[(t, a.name)].formula = inp[row_key("share", **c)].d * spent
        rows = [cip[(t, a.name)] for a in building]
        cip_total[t].formula = SUM(block(rows)) if rows else Num(0)
        cum[t].formula = cum[t].prev + capex.cur
        acc[t].formula = acc[t].prev + modelled
    nbv_total = sheet["net_book_value:TOTAL"]
    nbv_total.const_formula = SUM(block(list(nbv.values()), "const"))
    reported_rows = block([inp[row_key("ppe_depreciation_reported", ticker=t)] for t in tickers])
    modelled_rows = block([dep[row_key("depreciation", ticker=t)] for t in tickers])
    explained_total.formula = ratio(
        SUMPRODUCT(modelled_rows * reported_rows.is_set()), SUM(reported_rows)
    )


def _other_lines(model: Model, sheet) -> dict[str, Row]:
    """The rest of D&A, one row per company keyed by what it is (`other_kind`), and a total."""
    tickers = model.inputs.tickers
    kinds = {t: other_kind(model, t) for t in tickers}
    rows = {t: sheet.add(row_key(kinds[t], ticker=t), model.label(kinds[t], t)) for t in tickers}
    kind = kinds[tickers[0]] if len(set(kinds.values())) == 1 else "depreciation_other"
    total = sheet.add(row_key(kind, ticker=TOTAL), model.label(f"{kind}_total"))
    total.formula = SUM(block(list(rows.values())))
    return rows
