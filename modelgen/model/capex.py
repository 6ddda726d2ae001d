"""Capex: actual, else guidance, else growth fading to the long-run rate.

With `a` the last period with a known figure and `g_a` its growth on a year earlier (in a
quarterly model: the four quarters to `a` on the four before, so that one strong quarter does
not set the trend), for `k` years after it `g = g_a + (long_run - g_a) * MIN(1, k / fade_years)`
and capex is the figure a year earlier grown by `g`: last year's in an annual model, the same
quarter last year in a quarterly one. The model, every scenario and the sensitivity use the
same `anchor_growth` and `faded_growth`. Annual guidance in a quarterly model fills the quarters not yet
reported so that the year sums to the guidance midpoint, spread like a year earlier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr, Ref
from modelgen.formulas.functions import AND, IF, MAX, MIN, OR, SUM, SUMIFS
from modelgen.formulas.rows import Row, Sheet, block, span
from modelgen.keys import row_key
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model


def _sections(model: Model, sheet: Sheet):
    def section(title: str, kind: str) -> dict[str, Row]:
        sheet.header(title, level=1)
        return {
            t: sheet.add(row_key(kind, ticker=t), model.label(kind, t), level=1)
            for t in model.inputs.tickers
        }

    return section


def build(model: Model) -> None:
    inp = model.sheets[SheetName.INPUTS]
    sheet = model.new_sheet(SheetName.CAPEX)
    tickers = model.inputs.tickers
    section = _sections(model, sheet)
    long_run, fade = inp["long_run_capex_growth"].d, inp["fade_years"].d
    length = inp["period_length"].d

    if model.per_year == 1:
        known, is_known = _annual_known(model, section)
    else:
        known, is_known = _quarterly_known(model, section)
    since = section("Years since the last known figure", "capex_years_since_known")
    anchor = section("Growth of the last known figure on a year earlier", "capex_anchor_growth")
    growth = section("Forecast growth, fading to the long-run rate", "capex_forecast_growth")
    sheet.blank()
    sheet.header(SheetName.CAPEX)
    capex = {t: sheet.add(row_key("capex", ticker=t), model.label("capex", t)) for t in tickers}
    sheet.add(
        "capex:TOTAL",
        model.label("capex_total"),
        formula=SUM(block(list(capex.values()))),
    )
    trailing = {}
    if model.per_year > 1:
        trailing = section("Capex of the four quarters to date", "capex_trailing_year")
    for t in tickers:
        flag = is_known[t].cur
        since[t].formula = IF(flag.eq(1), 0, since[t].prev + length)
        if t in trailing:
            trailing[t].formula = trailing_year(model, trailing[t], capex[t])
        anchor[t].formula = anchor_of(
            model, known_rows(model, t), capex[t], anchor[t], long_run, trailing.get(t)
        )
        growth[t].formula = faded_growth(model, t, anchor[t].cur, long_run, fade)
        year_ago = model.year_ago(capex[t])
        capex[t].formula = IF(flag.eq(1), known[t].cur, year_ago * (1 + growth[t].cur))


def known_rows(model: Model, ticker: str) -> tuple[Row, Row, Row | None]:
    """A company's known flag, known capex and (quarterly) quarters on record."""
    cap = model.sheets[SheetName.CAPEX]
    record = cap[row_key("capex_quarters_on_record", ticker=ticker)] if model.per_year > 1 else None
    return (
        cap[row_key("capex_is_known", ticker=ticker)],
        cap[row_key("capex_known", ticker=ticker)],
        record,
    )


def trailing_year(model: Model, row: Row, path: Row) -> Expr:
    """The four quarters of `path` to date, as a running sum (one quarter in, one out)."""
    return row.prev + path.cur - model.year_ago(path)


def anchor_of(
    model: Model,
    known: tuple[Row, Row, Row | None],
    path: Row,
    row: Row,
    long_run: Expr,
    trailing: Row | None = None,
) -> Expr:
    """The growth of the last known figure on a year earlier of `path`, carried forward
    after it (`long_run` where there is no year earlier). Quarterly (`trailing`: the path's
    four quarters to date): the four quarters to the known one on the four before, once two
    years are on record. Reads `path` only in earlier columns: no circular reference."""
    flag, figure, record = known
    if trailing is None or record is None:
        earlier = model.year_ago(path)
        growth = IF(earlier > 0, figure.cur / earlier - 1, long_run)
    else:
        four = figure.cur + trailing.prev - model.year_ago(path)
        earlier = model.year_ago(trailing)
        years = model.sheets[SheetName.INPUTS]["periods_per_year"].d
        growth = IF(AND(record.cur >= 2 * years, earlier > 0), four / earlier - 1, long_run)
    return IF(flag.cur.eq(1), growth, row.prev)


def faded_growth(model: Model, ticker: str, anchor: Expr, long_run: Expr, fade: Expr) -> Expr:
    """The anchor growth fading to `long_run` over `fade` years after the last known figure."""
    return faded(
        anchor,
        long_run,
        model.sheets[SheetName.CAPEX][row_key("capex_years_since_known", ticker=ticker)],
        fade,
    )


def faded(anchor: Expr, long_run: Expr, since: Row, fade: Expr) -> Expr:
    """`faded_growth` from the row of years since the last known figure."""
    return anchor + (long_run - anchor) * MIN(1, since.cur / fade)


def _annual_known(model: Model, section) -> tuple[dict[str, Row], dict[str, Row]]:
    inp = model.sheets[SheetName.INPUTS]
    known = section("Known capex: the actual, else the guidance midpoint", "capex_known")
    for t, row in known.items():
        actual, low, high = (
            inp[row_key(k, ticker=t)].cur
            for k in ("capex_actual", "capex_guidance_low", "capex_guidance_high")
        )
        row.formula = IF(
            actual.is_set(), actual, IF(low.is_set(), (low + IF(high.is_set(), high, low)) / 2, 0)
        )
    is_known = section("Known figure flag", "capex_is_known")
    for t, row in is_known.items():
        actual, low = (
            inp[row_key("capex_actual", ticker=t)].cur,
            inp[row_key("capex_guidance_low", ticker=t)].cur,
        )
        row.formula = IF(OR(actual.is_set(), low.is_set()), 1, 0)
    return known, is_known


def _quarterly_known(model: Model, section) -> tuple[dict[str, Row], dict[str, Row]]:
    """Quarters: the actual, else the year's guidance less what is reported, spread."""
    inp = model.sheets[SheetName.INPUTS]
    fy, start = inp["fiscal_year"], inp["period_start"]
    mid = section(
        "Guidance midpoint (in the fiscal year's last quarter)",
        "capex_guidance_mid",
    )
    flag = section("Guidance flag", "capex_guidance_flag")
    for t in model.inputs.tickers:
        low, high = (
            inp[row_key("capex_guidance_low", ticker=t)].cur,
            inp[row_key("capex_guidance_high", ticker=t)].cur,
        )
        mid[t].formula = IF(low.is_set(), (low + IF(high.is_set(), high, low)) / 2, 0)
        flag[t].formula = IF(low.is_set(), 1, 0)
    year_guidance = section("The fiscal year's guidance", "capex_year_guidance")
    year_guided = section("The fiscal year is guided (1)", "capex_year_is_guided")
    is_actual = section("Reported flag", "capex_is_actual")
    is_open = section("Not yet reported flag", "capex_is_open")
    reported = section("Reported so far in the fiscal year", "capex_year_reported")
    open_quarters = section(
        "Quarters of the fiscal year not yet reported", "capex_year_open_quarters"
    )
    year_ago = section("The same quarter a year earlier, reported", "capex_year_ago_actual")
    base = section("A year earlier, the quarters not yet reported", "capex_year_ago_base")
    guided = section("Guided quarters: the rest of the year's guidance, spread", "capex_guided")
    known = section("Known capex: the actual, else the guided quarter", "capex_known")
    is_known = section("Known figure flag", "capex_is_known")
    record = section("Quarters on record since the first known one", "capex_quarters_on_record")
    for t in model.inputs.tickers:
        actual = inp[row_key("capex_actual", ticker=t)]
        year_guidance[t].formula = SUMIFS(span(mid[t]), span(fy), fy.cur)
        year_guided[t].formula = SUMIFS(span(flag[t]), span(fy), fy.cur)
        is_actual[t].formula = IF(actual.cur.is_set(), 1, 0)
        is_open[t].formula = 1 - is_actual[t].cur
        reported[t].formula = SUMIFS(span(actual), span(fy), fy.cur)
        open_quarters[t].formula = SUMIFS(span(is_open[t]), span(fy), fy.cur)
        earlier = Ref(actual, "rel", -model.per_year)
        year_ago[t].formula = IF(start.cur >= start.at(0) + 1, IF(earlier.is_set(), earlier, 0), 0)
        base[t].formula = SUMIFS(span(year_ago[t]), span(fy), fy.cur, span(is_open[t]), 1)
        spread = IF(base[t].cur > 0, year_ago[t].cur / base[t].cur, 1 / open_quarters[t].cur)
        remaining = MAX(0, year_guidance[t].cur - reported[t].cur)
        guided[t].formula = IF(
            AND(year_guided[t].cur > 0, is_open[t].cur.eq(1)), remaining * spread, 0
        )
        known[t].formula = IF(actual.cur.is_set(), actual.cur, guided[t].cur)
        is_known[t].formula = IF(OR(actual.cur.is_set(), year_guided[t].cur > 0), 1, 0)
        on_record = OR(record[t].prev > 0, is_known[t].cur.eq(1))
        record[t].formula = IF(on_record, record[t].prev + 1, 0)
    return known, is_known
