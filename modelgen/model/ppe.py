"""The PP&E sheet: construction in progress, the roll-forward, and the tie-out to the filings.

- Construction in progress: a class's capex spent no more than its lag before the period's
  end (`start_v + lag >= end`), not yet in service, never depreciated.
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

from modelgen.formula import IF, SUM, SUMIFS, SUMPRODUCT, Crit, Expr, plus, ratio
from modelgen.rows import Row, block, span

if TYPE_CHECKING:
    from modelgen.model import Model

SHEET = "PP&E"


def other_amortization(row: Row, reported: Row, modelled: Expr) -> Expr:
    """Reported D&A less the modelled depreciation where reported, else the last such."""
    return IF(reported.cur.is_set(), reported.cur - modelled, row.prev)


def build(model: Model) -> None:
    inp, cap, dep = (model.sheets[n] for n in ("Inputs", "Capex", "Depreciation"))
    sheet = model.new_sheet(SHEET)
    tickers, lbl, unit = model.inputs.tickers, model.label, model.unit
    start, end = inp["period_start"], dep["period_end"]

    sheet.header("Construction in progress at the period's end: capex not yet in service")
    cip = {}
    for t in tickers:
        capex = span(cap[f"capex:{t}"])
        rows = []
        for a in model.inputs.asset_classes[t]:
            c = f"{t}:{a.name}"
            lag = inp[f"in_service_lag:{c}"].d
            spent = SUMIFS(
                capex, span(start), Crit(">=", end.cur - lag), span(start), Crit("<", end.cur)
            )
            rows.append(
                sheet.add(
                    f"construction_in_progress:{c}",
                    lbl("construction_in_progress_class", t, asset_class=a.name),
                    unit,
                    fmt="amount",
                    level=1,
                    formula=inp[f"share:{c}"].d * spent,
                )
            )
        cip[t] = rows
    company_rows = [
        sheet.add(
            f"construction_in_progress:{t}",
            lbl("construction_in_progress", t),
            unit,
            fmt="amount",
            formula=SUM(block(cip[t])),
        )
        for t in tickers
    ]
    _total(model, sheet, "construction_in_progress", company_rows)

    sheet.blank()
    sheet.header("Capex and depreciation to date")
    cum = {
        t: sheet.add(f"cumulative_capex:{t}", lbl("cumulative_capex", t), unit, fmt="amount")
        for t in tickers
    }
    for t in tickers:
        cum[t].formula = cum[t].prev + cap[f"capex:{t}"].cur
    _total(model, sheet, "cumulative_capex", list(cum.values()))
    acc = {
        t: sheet.add(
            f"accumulated_depreciation:{t}", lbl("accumulated_depreciation", t), unit, fmt="amount"
        )
        for t in tickers
    }
    for t in tickers:
        acc[t].formula = acc[t].prev + dep[f"depreciation:{t}"].cur
    _total(model, sheet, "accumulated_depreciation", list(acc.values()))

    sheet.blank()
    sheet.header("Roll-forward of net property and equipment")
    opening = {
        t: sheet.add(f"net_ppe_opening:{t}", lbl("net_ppe_opening", t), unit, fmt="amount")
        for t in tickers
    }
    _total(model, sheet, "net_ppe_opening", list(opening.values()))
    for kind, source, line in (
        ("ppe_capex", cap, "capex"),
        ("ppe_depreciation", dep, "depreciation"),
    ):
        rows = []
        for t in tickers:
            amount = source[f"{line}:{t}"].cur
            rows.append(
                sheet.add(
                    f"{kind}:{t}",
                    lbl(kind, t),
                    unit,
                    fmt="amount",
                    level=1,
                    formula=amount if kind == "ppe_capex" else -amount,
                )
            )
        _total(model, sheet, kind, rows)
    nbv = {}
    for t in tickers:
        base = [
            inp[f"opening_net_book_value:{t}:{a.name}"].d for a in model.inputs.asset_classes[t]
        ]
        nbv[t] = sheet.add(
            f"net_book_value:{t}",
            lbl("net_book_value", t),
            unit,
            fmt="amount",
            const_formula=plus(*base),
        )
        nbv[t].formula = nbv[t].d + cum[t].cur - acc[t].cur
        opening[t].formula = nbv[t].prev
    total = _total(model, sheet, "net_book_value", list(nbv.values()))
    total.const_formula = SUM(block(list(nbv.values()), "const"))

    sheet.blank()
    sheet.header("Tie-out: reported D&A and net PP&E against the model")
    other, da = {}, {}
    for t in tickers:
        reported, modelled = inp[f"depreciation_reported:{t}"], dep[f"depreciation:{t}"].cur
        other[t] = sheet.add(
            f"depreciation_other:{t}", lbl("depreciation_other", t), unit, fmt="amount"
        )
        other[t].formula = other_amortization(other[t], reported, modelled)
    _total(model, sheet, "depreciation_other", list(other.values()))
    for t in tickers:
        da[t] = sheet.add(
            f"depreciation_and_amortization:{t}",
            lbl("depreciation_and_amortization", t),
            unit,
            fmt="amount",
            formula=dep[f"depreciation:{t}"].cur + other[t].cur,
        )
    _total(model, sheet, "depreciation_and_amortization", list(da.values()))
    for t in tickers:
        reported = inp[f"depreciation_reported:{t}"].cur
        sheet.add(
            f"depreciation_explained:{t}",
            lbl("depreciation_explained", t),
            "%",
            fmt="pct",
            formula=IF(reported.is_set(), ratio(dep[f"depreciation:{t}"].cur, reported), ""),
        )
    reported_rows = block([inp[f"depreciation_reported:{t}"] for t in tickers])
    modelled_rows = block([dep[f"depreciation:{t}"] for t in tickers])
    sheet.add(
        "depreciation_explained:TOTAL",
        lbl("depreciation_explained_total"),
        "%",
        fmt="pct",
        formula=ratio(SUMPRODUCT(modelled_rows * reported_rows.is_set()), SUM(reported_rows)),
    )
    variance = []
    for t in tickers:
        reported = inp[f"net_ppe_reported:{t}"].cur
        variance.append(
            sheet.add(
                f"net_ppe_variance:{t}",
                lbl("net_ppe_variance", t),
                unit,
                fmt="amount",
                formula=IF(reported.is_set(), nbv[t].cur - reported, ""),
            )
        )
    _total(model, sheet, "net_ppe_variance", variance)


def _total(model: Model, sheet, kind: str, rows: list[Row]) -> Row:
    return sheet.add(
        f"{kind}:TOTAL",
        model.label(f"{kind}_total"),
        model.unit,
        fmt="amount",
        formula=SUM(block(rows)),
    )
