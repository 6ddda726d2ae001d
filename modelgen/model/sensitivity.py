"""The Sensitivity sheet: depreciation as a share of net income for a chosen company,
against useful life and against long-run capex growth, as live formulas.

Excel's What-If data tables cannot be written by a writer and do not recalculate in
LibreOffice, so each axis value is a row that recomputes what it needs: a uniform useful
life re-depreciates the company's capex in one SUMPRODUCT; a long-run growth reruns the
capex forecast and depreciates it with the company's own classes. Columns are periods, as
everywhere; `chosen_period` marks the period the Inputs sheet asks about. Rows follow the
company chosen on Inputs through INDEX and MATCH, its asset classes included (by
position, from a table at the foot of the sheet), so the sheet's cost does not grow with
the number of companies beyond that table and the INDEX ranges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import IF, INDEX, MATCH_EXACT, MIN, SUM, ratio
from modelgen.model.ppe import other_amortization
from modelgen.model.straight_line import charge
from modelgen.rows import block

if TYPE_CHECKING:
    from modelgen.model import Model

#: what the chosen company's asset classes are read by, position by position
SLOT_KINDS = (("share", "%", "pct"), ("useful_life", "years", "years"), ("lag", "years", "years"))
LIFE_POINTS = 11  # 3 to 8 years in half years, by default
GROWTH_POINTS = 7  # -5% to 25% in steps of 5%, by default


def build(model: Model) -> None:
    tickers = model.inputs.tickers
    inp, cap, prof, dep, ppe = (
        model.sheets[n] for n in ("Inputs", "Capex", "Profit Impact", "Depreciation", "PP&E")
    )
    sheet = model.new_sheet("Sensitivity")
    lbl, unit = model.label, model.unit
    company = sheet.add(
        "company_number",
        lbl("company_number"),
        "count",
        fmt="count",
        const_formula=MATCH_EXACT(
            inp["sensitivity_company"].d, block([inp[f"ticker:{t}"] for t in tickers], "const")
        ),
    )
    n = company.d
    chosen = sheet.add(
        "chosen_period",
        lbl("chosen_period"),
        "flag",
        fmt="flag",
        formula=IF(sheet["period"].cur.eq(inp["sensitivity_period"].d), 1, 0),
    )
    del chosen

    def pick(source_sheet, kind: str, label: str, fmt: str, u: str):
        rows = [source_sheet[f"{kind}:{t}"] for t in tickers]
        return sheet.add(
            f"chosen_{kind}", lbl(label), u, fmt=fmt, level=1, formula=INDEX(block(rows), n)
        )

    capex = pick(cap, "capex", "chosen_capex", "amount", unit)
    ni = pick(prof, "net_income", "chosen_net_income", "amount", unit)
    depreciation = pick(dep, "depreciation", "chosen_depreciation", "amount", unit)
    opening = pick(dep, "depreciation_opening", "chosen_depreciation_opening", "amount", unit)
    other = pick(ppe, "depreciation_other", "chosen_depreciation_other", "amount", unit)
    reported_rows = block([inp[f"depreciation_reported:{t}"] for t in tickers])
    reported = sheet.add(
        "chosen_depreciation_reported",
        lbl("chosen_depreciation_reported"),
        unit,
        fmt="amount",
        level=1,
        formula=INDEX(reported_rows, n),
    )
    is_reported = sheet.add(
        "chosen_depreciation_is_reported",
        lbl("chosen_depreciation_is_reported"),
        "flag",
        fmt="flag",
        level=1,
        formula=IF(INDEX(reported_rows, n).is_set(), 1, 0),
    )
    is_known = pick(cap, "capex_is_known", "chosen_capex_is_known", "flag", "flag")
    known = pick(cap, "capex_known", "chosen_capex_known", "amount", unit)
    since = pick(cap, "capex_years_since_known", "chosen_capex_years_since_known", "years", "years")
    offset = dep["service_offset"].d
    slots = max(len(model.inputs.asset_classes[t]) for t in tickers)
    picks = [
        tuple(
            sheet.add(f"chosen_{kind}:{k}", lbl(f"chosen_{kind}", asset_class=str(k)), u, fmt=fmt)
            for kind, u, fmt in SLOT_KINDS
        )
        for k in range(1, slots + 1)
    ]
    after = [
        sheet.add(
            f"chosen_in_service_after:{k}",
            lbl("chosen_in_service_after", asset_class=str(k)),
            "years",
            fmt="years",
            const_formula=offset + lag.d,
        ).d
        for k, (_, _, lag) in enumerate(picks, start=1)
    ]
    # (share, service offset, life): the life in effect in the last period, that of capex
    # the model has not spent yet
    chosen_classes = [
        (share.d, o, life.d) for (share, life, _), o in zip(picks, after, strict=True)
    ]

    def step(key: str, u: str, fmt: str):
        """A working row under an axis value, labelled by its kind (the key before ':')."""
        return sheet.add(key, lbl(key.split(":")[0]), u, fmt=fmt, level=1)

    def by_class(key: str, point: int, capex_row, classes) -> list:
        """One working row per asset class position: its share of `capex_row` depreciated
        straight line (one SUMPRODUCT each, so no formula grows with the classes)."""
        rows = []
        for k, (share, o, life) in enumerate(classes, start=1):
            row = sheet.add(
                f"{key}:{point}:{k}",
                lbl(key, asset_class=str(k)),
                unit,
                fmt="amount",
                level=2,
                formula=share * charge(model, capex_row, o, life),
            )
            rows.append(row)
        return rows

    sheet.blank()
    sheet.header(
        "D&A / net income with capex at a uniform useful life (years in column D; land stays "
        "land, the opening base as modelled, D&A the reported figure where there is one)"
    )
    previous = None
    for i in range(1, LIFE_POINTS + 1):
        row = sheet.add(f"sensitivity_life:{i}", lbl("sensitivity_life"), "%", fmt="pct")
        row.const_formula = _axis_value(inp, "sensitivity_life", previous)
        modelled = step(f"sensitivity_life_depreciation:{i}", unit, "amount")
        others = step(f"sensitivity_life_other:{i}", unit, "amount")
        uniform = [(share * (life > 0), o, row.d) for share, o, life in chosen_classes]
        parts = by_class("sensitivity_life_class", i, capex, uniform)
        modelled.formula = SUM(block(parts)) + opening.cur
        others.formula = other_amortization(
            others, reported.cur, is_reported.cur.eq(1), modelled.cur
        )
        row.formula = ratio(modelled.cur + others.cur, ni.cur)
        previous = row

    sheet.blank()
    sheet.header("D&A / net income at a long-run capex growth (rate in column D)")
    long_fade = inp["fade_years"].d

    previous = None
    for j in range(1, GROWTH_POINTS + 1):
        out = sheet.add(f"sensitivity_growth:{j}", lbl("sensitivity_growth"), "%", fmt="pct")
        out.const_formula = _axis_value(inp, "sensitivity_growth", previous)
        g = out.d
        anchor = step(f"sensitivity_growth_anchor:{j}", "%", "pct")
        path = step(f"sensitivity_growth_capex:{j}", unit, "amount")
        year_ago = model.year_ago(path)
        anchor.formula = IF(
            is_known.cur.eq(1), IF(year_ago > 0, known.cur / year_ago - 1, g), anchor.prev
        )
        a = anchor.cur
        path.formula = IF(
            is_known.cur.eq(1),
            known.cur,
            year_ago * (1 + a + (g - a) * MIN(1, since.cur / long_fade)),
        )
        extra = step(f"sensitivity_growth_extra_capex:{j}", unit, "amount")
        extra.formula = path.cur - capex.cur
        dep_row = step(f"sensitivity_growth_depreciation:{j}", unit, "amount")
        parts = by_class("sensitivity_growth_class", j, extra, chosen_classes)
        dep_row.formula = depreciation.cur + SUM(block(parts))
        out.formula = ratio(dep_row.cur + other.cur, ni.cur)
        previous = out
    _classes_by_company(model, sheet, picks, n)


def _axis_value(inp, axis: str, previous):
    """An axis value in column D: the start input, or the previous value plus the step."""
    if previous is None:
        return inp[f"{axis}_start"].d
    return previous.d + inp[f"{axis}_step"].d


def _classes_by_company(model: Model, sheet, picks: list, n) -> None:
    """Every company's asset classes by position, one block per position, so that the
    chosen company's share, life and lag are one INDEX each (a company with fewer classes
    has share 0 there, and life 1 so that nothing divides by zero). The life is the one in
    effect in the last period: the life of capex the model has not spent yet."""
    inp, dep, lbl = model.sheets["Inputs"], model.sheets["Depreciation"], model.label
    tickers, last = model.inputs.tickers, model.n_periods - 1
    sheet.blank()
    sheet.header("Asset classes by company, by position (read by the chosen company's rows)")
    sources = {
        "share": lambda c: inp[f"share:{c}"].d,
        "useful_life": lambda c: dep[f"useful_life_in_effect:{c}"].at(last),
        "lag": lambda c: inp[f"in_service_lag:{c}"].d,
    }
    missing = {"share": 0.0, "useful_life": 1.0, "lag": 0.0}
    for col, (kind, unit, fmt) in enumerate(SLOT_KINDS):
        for k, pick in enumerate(picks, start=1):
            rows = []
            for t in tickers:
                classes = model.inputs.asset_classes[t]
                row = sheet.add(
                    f"class_{kind}:{k}:{t}",
                    lbl(f"class_{kind}", t, asset_class=str(k)),
                    unit,
                    fmt=fmt,
                    level=1,
                )
                if k <= len(classes):
                    row.const_formula = sources[kind](f"{t}:{classes[k - 1].name}")
                else:
                    row.const = missing[kind]
                rows.append(row)
            pick[col].const_formula = INDEX(block(rows, "const"), n)
