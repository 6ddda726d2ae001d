"""Forecast against actual: last quarter's forecast of a figure beside the actual that replaced it.

For every company and period whose figure was a forecast (or guidance) in OLD and is an actual
in NEW, the two side by side and the surprise, in the unit and in percent: capex first, then
depreciation and amortization (actual where the CSVs report it), then net income. A figure is
actual where its Inputs row records one (`capex_actual:MSFT`, `depreciation_reported:MSFT`,
`net_income_actual:MSFT` hold a number in that period), the same test the model's formulas use.
A total is listed where every company's figure is actual in NEW.

Both sides are keyed sheets (:mod:`modelgen.xlsx.read_by_key`): a workbook read back, or a
model just built (:func:`keyed_from_model`). ``diff OLD NEW`` (modelgen.compare) and the Cover
of a regenerated workbook (modelgen.regenerate.carry) use this one function; it lives beside
``read_by_key`` in ``xlsx`` because the regeneration code may not import ``compare``
(tests/integration/test_layers.py), and both may import ``xlsx``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from modelgen.keys import TOTAL, RowKey, kind_of
from modelgen.rowspec import Measure, measures
from modelgen.sheets import SheetName
from modelgen.xlsx.read_by_key import KeyedRow, KeyedSheet
from modelgen.xlsx.record import sheet_periods

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from modelgen.model import Model
    from modelgen.xlsx.styles import Styles

__all__ = [
    "MEASURES",
    "Measure",
    "Surprise",
    "compared_kinds",
    "compared_rows",
    "forecast_vs_actual",
    "keyed_from_model",
    "write_forecast_table",
]

INPUTS = SheetName.INPUTS
COVER_ROWS = 15  # rows of the Cover's table at most: capex first, then whole measures that fit

#: the figures compared with actuals, as declared (`modelgen.rowspec`)
MEASURES = measures()
GUIDED = (
    SheetName.CAPEX,
    "capex_is_known",
)  # 1 where capex is actual or guided: guided, if not actual


@dataclass
class Surprise:
    """One figure: OLD's forecast, NEW's actual and the difference (actual - forecast)."""

    sheet: str
    key: str
    period: str
    forecast: float
    actual: float
    surprise: float
    surprise_pct: float | None  # surprise / |forecast|; None when the forecast is 0
    label: str = ""  # "Capex: Microsoft"
    basis: str = "forecast"  # what OLD held: forecast or guidance


def _number(v: object) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return None
    return float(v)


def _value(sheets: dict[str, KeyedSheet], sheet: str, key: str, period: str) -> object:
    ks = sheets.get(sheet)
    row = ks.rows.get(key) if ks is not None else None
    return None if row is None else row.values.get(period)


def _is_actual(sheets: dict[str, KeyedSheet], m: Measure, ticker: str, period: str) -> bool:
    return _number(_value(sheets, INPUTS, str(RowKey(m.actual, ticker=ticker)), period)) is not None


def _tickers(sheets: dict[str, KeyedSheet]) -> list[str]:
    inputs = sheets.get(INPUTS)
    kind = MEASURES[0].actual + ":"
    if inputs is None:
        return []
    # `capex_actual:T`, not the quarterly detail of an annual model (`capex_actual:T:Q1`)
    return [k[len(kind) :] for k in inputs.rows if k.startswith(kind) and k.count(":") == 1]


def forecast_vs_actual(old: dict[str, KeyedSheet], new: dict[str, KeyedSheet]) -> list[Surprise]:
    """Every figure forecast or guided in `old` and actual in `new`, capex first."""
    tickers, old_tickers = _tickers(new), set(_tickers(old))
    out: list[Surprise] = []
    for m in MEASURES:
        if m.sheet not in old or m.sheet not in new:
            continue
        periods = [p for p in new[m.sheet].periods if p in old[m.sheet].periods]
        for period in periods:
            found = []
            for t in tickers:
                if _is_actual(new, m, t, period) and not _is_actual(old, m, t, period):
                    found.append(_surprise(old, new, m, t, period))
            found = [s for s in found if s is not None]
            everyone = all(_is_actual(new, m, t, period) for t in tickers)
            if found and everyone and len(tickers) > 1 and old_tickers >= set(tickers):
                found.append(_surprise(old, new, m, TOTAL, period))
            out += [s for s in found if s is not None]
    return out


def _surprise(
    old: dict[str, KeyedSheet], new: dict[str, KeyedSheet], m: Measure, ticker: str, period: str
) -> Surprise | None:
    key = str(RowKey(m.row, ticker=ticker))
    before = _number(_value(old, m.sheet, key, period))
    after = _number(_value(new, m.sheet, key, period))
    if before is None or after is None:
        return None  # a row or value missing on one side (a workbook without cached values)
    guided = ticker != TOTAL and m is MEASURES[0]
    guided = (
        guided
        and _number(_value(old, GUIDED[0], str(RowKey(GUIDED[1], ticker=ticker)), period)) == 1
    )
    change = after - before
    return Surprise(
        sheet=m.sheet,
        key=key,
        period=period,
        forecast=before,
        actual=after,
        surprise=change,
        surprise_pct=change / abs(before) if before != 0 else None,
        label=f"{m.title}: {_name(new, ticker)}",
        basis="guidance" if guided else "forecast",
    )


def _name(sheets: dict[str, KeyedSheet], ticker: str) -> str:
    """The company as the Capex sheet labels it (its name), else its ticker."""
    if ticker == TOTAL:
        return "Total"
    capex = sheets.get(MEASURES[0].sheet)
    row = capex.rows.get(str(RowKey(MEASURES[0].row, ticker=ticker))) if capex is not None else None
    label = row.label if row is not None else None
    return label if isinstance(label, str) and label.strip() else ticker


def compared_kinds() -> dict[str, list[str]]:
    """The kinds of row (`modelgen.keys.kind_of`) `forecast_vs_actual` reads, by sheet."""
    kinds = {INPUTS: [m.actual for m in MEASURES]}
    for m in MEASURES:
        kinds.setdefault(m.sheet, []).append(m.row)
    kinds[GUIDED[0]].append(GUIDED[1])
    return kinds


def compared_rows(sheet: KeyedSheet) -> KeyedSheet | None:
    """Of a workbook's keyed sheet, the rows `forecast_vs_actual` reads (None: none there),
    for a reader that lets the rest of the sheet go."""
    wanted = compared_kinds().get(sheet.name)
    if wanted is None:
        return None
    rows = {key: row for key, row in sheet.rows.items() if kind_of(key) in wanted}
    return KeyedSheet(sheet.name, sheet.periods, rows)


def keyed_from_model(model: Model) -> dict[str, KeyedSheet]:
    """The rows `forecast_vs_actual` reads, from a built and evaluated model."""
    out = {}
    for name, wanted in compared_kinds().items():
        sheet = model.sheets.get(name)
        if sheet is None:
            continue
        periods = sheet_periods(sheet)
        rows = {}
        for row in sheet.rows:
            if not row.key or kind_of(row.key) not in wanted:
                continue
            if row.formula is None and row.values is None:
                continue
            values = [None if _number(v) is None else float(v) for v in row.period_result()]
            rows[row.key] = KeyedRow(
                row.key, name, 0, label=row.label, values=dict(zip(periods, values, strict=True))
            )
        out[name] = KeyedSheet(name, periods, rows)
    return out


def write_forecast_table(
    ws: Worksheet, r: int, rows: list[Surprise], styles: Styles, unit: str = ""
) -> int:
    """The Cover's short table from row `r`: capex, then D&A and net income if they fit
    (`COVER_ROWS` at most); returns the next free row."""
    shown: list[Surprise] = []
    for m in MEASURES:
        these = [s for s in rows if s.sheet == m.sheet]
        if shown and len(shown) + len(these) > COVER_ROWS:
            break
        shown += these[: COVER_ROWS - len(shown)]
    head = f"Forecast against actual{f' ({unit})' if unit else ''}"
    ws.write_string(r, 0, head, styles.get("header"))
    for c, text in enumerate(
        ("Period", "Last forecast", "Actual", "Surprise", "Surprise %", "Forecast was"), start=1
    ):
        ws.write_string(r, c, text, styles.get("header"))
    r += 1
    for s in shown:
        ws.write_string(r, 0, s.label, styles.get("bold"))
        ws.write_string(r, 1, s.period)
        for c, v in ((2, s.forecast), (3, s.actual), (4, s.surprise)):
            ws.write_number(r, c, v, styles.get("calc", "amount"))
        if s.surprise_pct is not None:
            ws.write_number(r, 5, s.surprise_pct, styles.get("calc", "pct"))
        ws.write_string(r, 6, "guidance midpoint" if s.basis == "guidance" else "modelled")
        r += 1
    if len(shown) < len(rows):
        ws.write_string(r, 0, f"... and {len(rows) - len(shown)} more: modelgen diff OLD NEW")
        r += 1
    return r + 1
