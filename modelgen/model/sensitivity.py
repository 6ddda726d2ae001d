"""The Sensitivity sheet: depreciation as a share of net income for a chosen company,
against useful life and against long-run capex growth, as live formulas.

Excel's What-If data tables cannot be written by a writer and do not recalculate in
LibreOffice, so each axis value is a row that recomputes what it needs: a uniform useful
life re-depreciates the company's capex in one SUMPRODUCT; a long-run growth reruns the
capex forecast and depreciates it with the company's own classes. Columns are periods, as
everywhere; `chosen_period` marks the period the Inputs sheet asks about. Rows follow the
company chosen on Inputs through INDEX and MATCH.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import IF, INDEX, MATCH_EXACT, MIN, SUM, ratio
from modelgen.model.straight_line import by_classes, charge
from modelgen.rows import block

if TYPE_CHECKING:
    from modelgen.model import Model

LIFE_POINTS = 11  # 3 to 8 years in half years, by default
GROWTH_POINTS = 7  # -5% to 25% in steps of 5%, by default
MAX_COMPANIES = 50  # a what-if view for a focused model, not for a universe


def build(model: Model) -> None:
    tickers = model.inputs.tickers
    if len(tickers) > MAX_COMPANIES:
        return
    inp, cap, prof, dep = (
        model.sheets[n] for n in ("Inputs", "Capex", "Profit Impact", "Depreciation")
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
    is_known = pick(cap, "capex_is_known", "chosen_capex_is_known", "flag", "flag")
    known = pick(cap, "capex_known", "chosen_capex_known", "amount", unit)
    since = pick(cap, "capex_years_since_known", "chosen_capex_years_since_known", "years", "years")
    offset = dep["service_offset"].d

    sheet.blank()
    sheet.header("Depreciation / net income at a uniform useful life (years in column D)")
    previous = None
    for i in range(1, LIFE_POINTS + 1):
        row = sheet.add(f"sensitivity_life:{i}", lbl("sensitivity_life"), "%", fmt="pct")
        row.const_formula = (
            inp["sensitivity_life_start"].d
            if previous is None
            else previous.d + inp["sensitivity_life_step"].d
        )
        row.formula = ratio(charge(model, capex, offset, row.d), ni.cur)
        previous = row

    sheet.blank()
    sheet.header("Depreciation / net income at a long-run capex growth (rate in column D)")
    long_fade = inp["fade_years"].d
    previous = None
    for j in range(1, GROWTH_POINTS + 1):
        out = sheet.add(f"sensitivity_growth:{j}", lbl("sensitivity_growth"), "%", fmt="pct")
        out.const_formula = (
            inp["sensitivity_growth_start"].d
            if previous is None
            else previous.d + inp["sensitivity_growth_step"].d
        )
        g = out.d
        anchor = sheet.add(
            f"sensitivity_growth_anchor:{j}",
            lbl("sensitivity_growth_anchor"),
            "%",
            fmt="pct",
            level=1,
        )
        path = sheet.add(
            f"sensitivity_growth_capex:{j}",
            lbl("sensitivity_growth_capex"),
            unit,
            fmt="amount",
            level=1,
        )
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
        by_company = []
        for pos, t in enumerate(tickers, start=1):
            classes = [
                (inp[f"share:{t}:{c.name}"].d, inp[f"useful_life:{t}:{c.name}"].d)
                for c in model.inputs.asset_classes[t]
            ]
            total = by_classes(model, path, offset, classes)
            by_company.append(
                sheet.add(
                    f"sensitivity_growth_depreciation:{j}:{t}",
                    lbl("sensitivity_growth_depreciation", t),
                    unit,
                    fmt="amount",
                    level=1,
                    formula=IF(n.eq(pos), total, 0),
                )
            )
        out.formula = ratio(SUM(block(by_company)), ni.cur)
        previous = out
