"""The Sensitivity sheet: a two-way table of the EPS impact of the added D&A (and of D&A /
net income) for a chosen company and period, against the useful life of one asset class the
analyst picks (rows) and the long-run capex growth (columns), as live formulas.

Excel's What-If data tables cannot be written by a writer and do not recalculate in
LibreOffice, so every cell is computed: the "Sensitivity Workings" sheet (period columns,
as every model sheet) reruns what each axis changes for the chosen company, read through
INDEX and MATCH so that its cost does not grow with the number of companies. Depreciation is
linear in capex, so with `c` the class varied, `L_i` a life and `g_j` a growth:

    D&A(i, j) = D&A at life L_i (base growth)      [life_depreciation:i + life_other:i]
              + the added capex of g_j at every class's own life   [growth_depreciation:j]
              + share_c * (charge of that added capex at L_i - at c's own life)

and net income is what D&A after tax leaves of earnings before D&A, as on Profit Impact.
Earnings before D&A are actual net income plus this life's D&A after tax where net income
is actual; after it, revenue x margin (the same at every life: Profit Impact's figure), or,
for a company without revenue, this life's earnings grown at `earnings_growth`.
The other classes, land and buildings among them, keep their lives. `table_ok` is 0 when the
chosen company, period or class matches nothing, and a check then fails (the table is empty);
another fails when the chosen class takes no capex in the live case (every row the same).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr
from modelgen.formulas.functions import AND, IF, IFERROR, INDEX, MATCH_EXACT, MAX, SUM, ratio
from modelgen.formulas.rows import block, span
from modelgen.keys import RowKey, kind_of, row_key
from modelgen.model.capex import anchor_of, faded, trailing_year
from modelgen.model.earnings import earnings_before_da, grown_earnings
from modelgen.model.ppe import Reported, other_da, total_da
from modelgen.model.profit import after_tax_at, carried_from_actual
from modelgen.model.straight_line import charge_by_period, charge_in, schedule, service_share
from modelgen.rowspec import sensitivity_outputs
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.formulas.rows import Row, Sheet
    from modelgen.model import Model

SHEET, WORKINGS = SheetName.SENSITIVITY, SheetName.SENSITIVITY_WORKINGS
#: what the chosen company's asset classes are read by, position by position
SLOT_KINDS = ("share", "useful_life", "lag", "name")
TABLE_ROWS = sensitivity_outputs()  # the table's outputs, as declared (modelgen.rowspec)
LIFE_POINTS = 11  # 3 to 8 years in half years, by default
GROWTH_POINTS = 7  # -5% to 25% in steps of 5%, by default


def build(model: Model) -> None:
    table = model.new_sheet(SHEET, [f"growth {j}" for j in range(1, GROWTH_POINTS + 1)])
    work = model.new_sheet(WORKINGS)
    chosen = _chosen(model, work)
    lives = _life_rows(model, table, work, chosen)
    growths = _growth_rows(model, table, work, chosen)
    cross = _grid(model, work, chosen, lives, growths)
    _tables(model, table, work, chosen, lives, growths, cross)
    _checks(model, work)


def _chosen(model: Model, work: Sheet) -> dict[str | tuple[str, int], Row]:
    """The chosen company's rows, its chosen class's share, life and service offset, and
    the position of the chosen period; each an INDEX into a block of every company's."""
    inp, lbl = model.sheets[SheetName.INPUTS], model.label
    tickers = model.inputs.tickers
    out: dict[str | tuple[str, int], Row] = {}

    def const(key: str, formula) -> Row:
        out[key] = work.add(key, lbl(key), const_formula=formula)
        return out[key]

    number = const(
        "company_number",
        IFERROR(
            MATCH_EXACT(
                inp["sensitivity_company"].d,
                block([inp[row_key("ticker", ticker=t)] for t in tickers], "const"),
            ),
            0,
        ),
    )
    n = const("company_row", MAX(1, number.d)).d
    period = const(
        "chosen_period_number",
        IFERROR(MATCH_EXACT(inp["sensitivity_period"].d, span(work["period"])), 0),
    )
    const(
        "chosen_period_start",
        INDEX(span(inp["period_start"]), MAX(1, period.d)),
    )
    sources = (
        (SheetName.CAPEX, "capex"),
        (SheetName.CAPEX, "capex_known"),
        (SheetName.CAPEX, "capex_is_known"),
        (SheetName.CAPEX, "capex_years_since_known"),
        *([(SheetName.CAPEX, "capex_quarters_on_record")] if model.per_year > 1 else []),
        (SheetName.DEPRECIATION, "depreciation"),
        (SheetName.INPUTS, "depreciation_reported"),
        (SheetName.INPUTS, "ppe_depreciation_reported"),
        (SheetName.PROFIT, "earnings_is_known"),
        (SheetName.PROFIT, "earnings_before_da"),
        (SheetName.PROFIT, "net_income"),
        (SheetName.PROFIT, "diluted_shares"),
    )
    for sheet_name, kind in sources:
        rows = block([model.sheets[sheet_name][row_key(kind, ticker=t)] for t in tickers])
        out[f"chosen_{kind}"] = work.add(
            f"chosen_{kind}", lbl(f"chosen_{kind}"), level=1, formula=INDEX(rows, n)
        )
    for kind, key in (
        ("depreciation_reported", "chosen_depreciation_is_reported"),
        ("ppe_depreciation_reported", "chosen_ppe_depreciation_is_reported"),
        ("net_income_actual", "chosen_net_income_is_actual"),
        ("capex_actual", "chosen_capex_is_actual"),
    ):  # INDEX itself in the test: a formula showing a blank cell shows 0, which is set
        rows = block([inp[row_key(kind, ticker=t)] for t in tickers])
        out[key] = work.add(key, lbl(key), level=1, formula=IF(INDEX(rows, n).is_set(), 1, 0))
    taxes = block([inp[row_key("tax_rate", ticker=t)] for t in tickers], "const")
    const("chosen_tax_rate", INDEX(taxes, n))
    rules = block([inp[row_key("earnings_follow_revenue", ticker=t)] for t in tickers], "const")
    const("chosen_earnings_follow_revenue", INDEX(rules, n))
    _classes(model, work, out, n)
    return out


def _classes(model: Model, work: Sheet, out: dict[str | tuple[str, int], Row], n) -> None:
    """The chosen company's asset classes by position, and the one the analyst varies."""
    inp, dep, lbl = (
        model.sheets[SheetName.INPUTS],
        model.sheets[SheetName.DEPRECIATION],
        model.label,
    )
    tickers, last = model.inputs.tickers, model.n_periods - 1
    slots = max(len(model.inputs.asset_classes[t]) for t in tickers)
    picks = {
        (kind, k): work.add(
            row_key(f"chosen_{kind}", index=(k,)),
            lbl(f"chosen_{kind}", asset_class=str(k)),
            level=1,
        )
        for kind in SLOT_KINDS
        for k in range(1, slots + 1)
    }
    offset = dep["service_offset"].d
    for k in range(1, slots + 1):
        out[("after", k)] = work.add(
            row_key("chosen_in_service_after", index=(k,)),
            lbl("chosen_in_service_after", asset_class=str(k)),
            level=1,
            const_formula=offset + picks[("lag", k)].d,
        )
        for kind in SLOT_KINDS:
            out[(kind, k)] = picks[(kind, k)]
    names = block([picks[("name", k)] for k in range(1, slots + 1)], "const")
    slot = work.add(
        "varied_class_number",
        lbl("varied_class_number"),
        const_formula=IFERROR(MATCH_EXACT(inp["sensitivity_asset_class"].d, names), 0),
    )
    out["varied_class_number"] = slot
    at = MAX(1, slot.d)
    for key, kind in (("varied_share", "share"), ("varied_useful_life", "useful_life")):
        column = block([picks[(kind, k)] for k in range(1, slots + 1)], "const")
        out[key] = work.add(key, lbl(key), const_formula=INDEX(column, at))
    afters = block([out[("after", k)] for k in range(1, slots + 1)], "const")
    out["varied_in_service_after"] = work.add(
        "varied_in_service_after",
        lbl("varied_in_service_after"),
        const_formula=INDEX(afters, at),
    )
    sources = {
        "share": lambda c: inp[row_key("share", **c)].d,
        "useful_life": lambda c: dep[row_key("useful_life_in_effect", **c)].at(last),
        "lag": lambda c: inp[row_key("in_service_lag", **c)].d,
        "name": None,
    }
    missing = {
        "share": 0.0,
        "useful_life": 1.0,
        "lag": 0.0,
        "name": "(none)",
    }  # no class is so named
    work.blank()
    work.header("Asset classes by company, by position (read by the chosen company's rows)")
    for kind in SLOT_KINDS:
        for k in range(1, slots + 1):
            rows = []
            for t in tickers:
                classes = model.inputs.asset_classes[t]
                row = work.add(
                    row_key(f"class_{kind}", index=(k,), ticker=t),
                    lbl(f"class_{kind}", t, asset_class=str(k)),
                    level=1,
                )
                if k > len(classes):
                    row.const = missing[kind]
                elif kind == "name":
                    row.const = classes[k - 1].name
                else:
                    row.const_formula = sources[kind](
                        {"ticker": t, "asset_class": classes[k - 1].name}
                    )
                rows.append(row)
            picks[(kind, k)].const_formula = INDEX(block(rows, "const"), n)


def _axis(inp, axis: str, previous):
    """An axis value: the start input, or the previous value plus the step."""
    if previous is None:
        return inp[f"{axis}_start"].d
    return previous + inp[f"{axis}_step"].d


def _life_rows(model: Model, table: Sheet, work: Sheet, chosen: dict) -> list[dict[str, Row]]:
    """Per life: the chosen company's modelled depreciation with the varied class at that
    life (base growth), and the rest of its D&A (ppe.other_da: amortization or a residual)."""
    inp, lbl = model.sheets[SheetName.INPUTS], model.label
    share, own = chosen["varied_share"].d, chosen["varied_useful_life"].d
    after, capex = chosen["varied_in_service_after"].d, chosen["chosen_capex"]
    work.blank()
    work.header("Useful life of the varied class (years in column D): depreciation at base growth")
    reported = Reported(
        chosen["chosen_depreciation_reported"].cur,
        chosen["chosen_depreciation_is_reported"].cur.eq(1),
        chosen["chosen_ppe_depreciation_reported"].cur,
        chosen["chosen_ppe_depreciation_is_reported"].cur.eq(1),
    )
    at_own = schedule(
        model, work, RowKey("charge", subject="varied"), lbl("varied_charge"), after, own
    )
    base = charge_by_period(model, work, "varied_charge", lbl("varied_charge"), capex, at_own)
    out, previous = [], None
    for i in range(1, LIFE_POINTS + 1):
        life = work.add(row_key("sensitivity_life", index=(i,)), lbl("sensitivity_life"))
        life.const_formula = _axis(inp, "sensitivity_life", previous)
        previous = life.d
        title = lbl("life_charge", life=str(i))
        of = RowKey("charge", subject="life", index=(str(i),))
        plan = schedule(model, work, of, title, after, life.d)
        at_life = charge_by_period(
            model, work, row_key("life_charge", index=(i,)), title, capex, plan
        )
        modelled = work.add(
            row_key("life_depreciation", index=(i,)),
            lbl("life_depreciation"),
            level=1,
        )
        modelled.formula = chosen["chosen_depreciation"].cur + share * (at_life.cur - base.cur)
        other = work.add(row_key("life_other", index=(i,)), lbl("life_other"), level=1)
        other.formula = other_da(other, reported, modelled.cur, inp["amortization_growth"].d)
        da = work.add(
            row_key("life_depreciation_and_amortization", index=(i,)),
            lbl("life_depreciation_and_amortization"),
            level=1,
            formula=total_da(reported, modelled.cur, other.cur),
        )
        after_tax = after_tax_at(da.cur, chosen["chosen_tax_rate"].d)
        earnings = work.add(
            row_key("life_earnings_before_da", index=(i,)),
            lbl("life_earnings_before_da"),
            level=1,
        )
        # after the actuals: revenue x margin, which no life changes (Profit Impact's
        # figure), or, without revenue, this life's earnings grown at the earnings growth
        forecast = IF(
            chosen["chosen_earnings_follow_revenue"].d.eq(1),
            chosen["chosen_earnings_before_da"].cur,
            grown_earnings(model, earnings, inp["earnings_growth"].d),
        )
        earnings.formula = earnings_before_da(
            chosen["chosen_net_income_is_actual"].cur.eq(1),
            chosen["chosen_net_income"].cur,
            after_tax,
            forecast,
        )
        last = work.add(
            row_key("life_depreciation_at_last_actual", index=(i,)),
            lbl("life_depreciation_at_last_actual"),
            level=1,
        )
        last.formula = carried_from_actual(last, chosen["chosen_capex_is_actual"].cur.eq(1), da.cur)
        out.append(
            {"life": life, "depreciation_and_amortization": da, "earnings": earnings, "base": last}
        )
    del table
    return out


def _growth_rows(model: Model, table: Sheet, work: Sheet, chosen: dict) -> list[dict[str, Row]]:
    """Per long-run growth: the chosen company's capex path, the capex it adds to the
    model's, and that added capex depreciated at every class's own life."""
    inp, lbl = model.sheets[SheetName.INPUTS], model.label
    point = table.add("growth_point", lbl("growth_point"))
    point.formula = point.prev + 1
    fade = inp["fade_years"].d
    flag, known = chosen["chosen_capex_is_known"], chosen["chosen_capex_known"]
    record = chosen.get("chosen_capex_quarters_on_record")
    since = chosen["chosen_capex_years_since_known"]
    at = chosen["chosen_period_start"].d  # the tables read one period: charges only there
    slots = [k for k in range(1, 1 + sum(1 for key in chosen if key[0] == "after"))]
    work.blank()
    work.header("In the chosen period: each vintage's years in service over its class's life")
    shares = {
        k: service_share(
            model,
            work,
            row_key("service_share", index=(k,)),
            lbl("service_share", asset_class=str(k)),
            chosen[("after", k)].d,
            chosen[("useful_life", k)].d,
            at,
        )
        for k in slots
    }
    varied_share = service_share(
        model,
        work,
        "service_share_varied",
        lbl("service_share_varied"),
        chosen["varied_in_service_after"].d,
        chosen["varied_useful_life"].d,
        at,
    )
    work.blank()
    work.header("Long-run capex growth rates (column D): the table's columns")
    rates: list[Row] = []
    for j in range(1, GROWTH_POINTS + 1):
        g = work.add(
            row_key("sensitivity_growth_rate", index=(j,)),
            lbl("sensitivity_growth_rate"),
        )
        g.const_formula = _axis(inp, "sensitivity_growth", rates[-1].d if rates else None)
        rates.append(g)
    out = []
    for j, g in enumerate(rates, start=1):
        work.blank()
        work.header(f"Long-run capex growth {j} (the rate above)")
        anchor = work.add(row_key("growth_anchor", index=(j,)), lbl("growth_anchor"), level=1)
        path = work.add(row_key("growth_capex", index=(j,)), lbl("growth_capex"), level=1)
        trailing = None
        if record is not None:
            trailing = work.add(
                row_key("growth_capex_trailing_year", index=(j,)),
                lbl("growth_capex_trailing_year"),
                level=1,
            )
            trailing.formula = trailing_year(model, trailing, path)
        anchor.formula = anchor_of(model, (flag, known, record), path, anchor, g.d, trailing)
        grown = model.year_ago(path) * (1 + faded(anchor.cur, g.d, since, fade))
        path.formula = IF(flag.cur.eq(1), known.cur, grown)
        extra = work.add(
            row_key("growth_extra_capex", index=(j,)),
            lbl("growth_extra_capex"),
            level=1,
        )
        extra.formula = path.cur - chosen["chosen_capex"].cur
        parts = [
            work.add(
                row_key("growth_class", index=(j, k)),
                lbl("growth_class", asset_class=str(k)),
                level=2,
                const_formula=chosen[("share", k)].d * charge_in(extra, shares[k]),
            )
            for k in slots
        ]
        out.append({"rate": g, "extra": extra, "parts": parts})
    work.blank()
    work.header("In the chosen period (column D): the added capex's depreciation, by growth")
    for j, growth in enumerate(out, start=1):
        growth["depreciation"] = work.add(
            row_key("growth_depreciation", index=(j,)),
            lbl("growth_depreciation"),
            const_formula=SUM(block(growth["parts"], "const")),
        )
    for j, growth in enumerate(out, start=1):
        growth["varied"] = work.add(
            row_key("growth_varied_charge", index=(j,)),
            lbl("growth_varied_charge"),
            const_formula=charge_in(growth["extra"], varied_share),
        )
    table.add(
        "sensitivity_growth",
        lbl("sensitivity_growth"),
        formula=INDEX(block(rates, "const"), point.cur),
    )
    return out


def _grid(model: Model, work: Sheet, chosen: dict, lives: list, growths: list) -> list[list[Row]]:
    """For every life and growth, in the chosen period: the varied class's charge on the
    capex that growth adds, at that life (per unit of share; a block of growths per life)."""
    lbl = model.label
    after, at = chosen["varied_in_service_after"].d, chosen["chosen_period_start"].d
    blocks = []
    for i, life in enumerate(lives, start=1):
        work.blank()
        work.header(f"Useful life {i}: the varied class's charge on the added capex (column D)")
        share = service_share(
            model,
            work,
            row_key("service_share_life", index=(i,)),
            lbl("service_share_life", life=str(i)),
            after,
            life["life"].d,
            at,
        )
        blocks.append(
            [
                work.add(
                    row_key("sensitivity_cross", index=(i, j)),
                    lbl("sensitivity_cross", life=str(i), growth=str(j)),
                    const_formula=charge_in(growth["extra"], share),
                )
                for j, growth in enumerate(growths, start=1)
            ]
        )
    return blocks


def _tables(
    model: Model, table: Sheet, work: Sheet, chosen: dict, lives: list, growths: list, cross: list
) -> None:
    """The tables: rows are lives (years in column D), columns long-run growth rates. D&A
    and net income at each life and growth are working rows below the two tables."""
    inp, lbl, unit = model.sheets[SheetName.INPUTS], model.label, model.unit
    number = MAX(1, chosen["chosen_period_number"].d)

    def at_period(key: str, source: Row, level: int = 0) -> Expr:
        """`source` in the chosen period, in column D of the workings."""
        return work.add(
            key,
            lbl(kind_of(key)),
            level=level,
            const_formula=INDEX(span(source), number),
        ).d

    work.blank()
    work.header("The chosen period's figures (column D)")
    shares = at_period("chosen_diluted_shares_at_period", chosen["chosen_diluted_shares"])
    ni = at_period("chosen_net_income_at_period", chosen["chosen_net_income"])
    known = at_period("chosen_earnings_is_known_at_period", chosen["chosen_earnings_is_known"])
    actual = at_period(
        "chosen_net_income_is_actual_at_period", chosen["chosen_net_income_is_actual"]
    )
    at = {
        kind: [
            at_period(row_key(f"{kind}_at_period", index=(i,)), life[kind], 1)
            for i, life in enumerate(lives, 1)
        ]
        for kind in ("depreciation_and_amortization", "earnings", "base")
    }
    found = AND(
        chosen["company_number"].d > 0,
        chosen["chosen_period_number"].d > 0,
        chosen["varied_class_number"].d > 0,
    )
    ok = work.add("table_ok", lbl("table_ok"), const_formula=IF(found, 1, 0)).d
    tax, scale = chosen["chosen_tax_rate"].d, inp["per_share_scale"].d
    share = chosen["varied_share"].d
    point = table["growth_point"].cur
    added = table.add(
        "sensitivity_added_depreciation",
        lbl("sensitivity_added_depreciation"),
        formula=INDEX(block([g["depreciation"] for g in growths], "const"), point),
    ).cur
    varied = table.add(
        "sensitivity_varied_added_charge",
        lbl("sensitivity_varied_added_charge"),
        formula=INDEX(block([g["varied"] for g in growths], "const"), point),
    ).cur

    table.blank()
    for key, source in (
        ("table_company", "sensitivity_company"),
        ("table_period", "sensitivity_period"),
        ("table_asset_class", "sensitivity_asset_class"),
    ):
        table.add(key, lbl(key), const_formula=inp[source].d)
    table.add(
        "sensitivity_base_useful_life",
        lbl("sensitivity_base_useful_life"),
        const_formula=chosen["varied_useful_life"].d,
    )
    table.add(
        "sensitivity_base_growth",
        lbl("sensitivity_base_growth"),
        const_formula=inp["long_run_capex_growth"].d,
    )

    def section(title: str, kind: str, level: int = 0) -> list[Row]:
        table.blank()
        table.header(title, level=level)
        return [
            table.add(
                row_key(kind, index=(i,)),
                lbl(kind),
                const_fmt="years",
                level=level,
                const_formula=life["life"].d,
            )
            for i, life in enumerate(lives, start=1)
        ]

    eps = section(
        f"EPS impact of the added D&A ({unit.split()[0]} per share): useful life of the varied "
        "class (column D, years) against long-run capex growth (columns)",
        "sensitivity_eps_impact",
    )
    pct = section(
        "D&A / net income: useful life of the varied class against long-run capex growth",
        "sensitivity_depreciation_pct_net_income",
    )
    da = section(
        "Working rows: D&A at each useful life and growth",
        "sensitivity_depreciation_and_amortization",
        level=1,
    )
    income = section(
        "Working rows: net income at each useful life and growth",
        "sensitivity_net_income",
        level=1,
    )
    for i in range(len(lives)):
        charge_at_life = INDEX(block(cross[i], "const"), point)
        da[i].formula = (
            at["depreciation_and_amortization"][i] + added + share * (charge_at_life - varied)
        )
        forecast = at["earnings"][i] - after_tax_at(da[i].cur, tax)
        income[i].formula = IF(actual.eq(1), ni, IF(known.eq(1), forecast, 0))
        eps[i].formula = IF(
            AND(ok.eq(1), shares > 0),
            after_tax_at(at["base"][i] - da[i].cur, tax) * scale / shares,
            "",
        )
        pct[i].formula = IF(ok.eq(1), ratio(da[i].cur, income[i].cur), "")


def _checks(model: Model, work: Sheet) -> None:
    """The table is empty, and a check fails, when a choice on Inputs matches nothing."""
    for key, row in (
        ("check_sensitivity_company", "company_number"),
        ("check_sensitivity_period", "chosen_period_number"),
        ("check_sensitivity_asset_class", "varied_class_number"),
    ):
        model.extra_checks.append((key, model.label(key), IF(work[row].d > 0, 0, 1), "const"))
    # a class that takes no capex in the live case varies nothing: every row would be the same
    key = "check_sensitivity_class_capex"
    model.extra_checks.append(
        (key, model.label(key), IF(work["varied_share"].d > 0, 0, 1), "const")
    )
