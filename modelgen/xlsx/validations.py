"""Data validation on every input cell: what a cell accepts, said where it is typed.

Rules go by the row's kind (its key before the first `:`; a scenario's row `key@Bull` is
validated as `key`). Rows that carry their own list (`Row.choices`: the convention, the
scenario selector) are validated by the workbook writer, never twice. An input kind this
module does not know still gets "a number" when it holds numbers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from modelgen.formulas.addresses import CONST_COL, FIRST_PERIOD_COL, absolute, area, ref
from modelgen.keys import kind_of, row_key
from modelgen.sheets import SheetName
from modelgen.xlsx.headline import cut_at_word
from modelgen.xlsx.lint import MAX_LIST, MAX_MESSAGE, MAX_TITLE, utf16_len

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from modelgen.formulas.rows import Row, Sheet
    from modelgen.model import Model

BIG = 1e15  # "any number": Excel validation needs bounds

Rule = dict[str, Any]
_REMARK = re.compile(r"\s*\([^()]*\)")


def _decimal(criteria: str, message: str, **bounds: float) -> Rule:
    return {"validate": "decimal", "criteria": criteria, **bounds, "input_message": message}


def _whole(low: int, high: int, message: str) -> Rule:
    return {
        "validate": "integer",
        "criteria": "between",
        "minimum": low,
        "maximum": high,
        "input_message": message,
    }


ANY_NUMBER = _decimal("between", "A number.", minimum=-BIG, maximum=BIG)
NOT_NEGATIVE = _decimal(">=", "An amount of 0 or more (empty: not known).", value=0)
ABOVE_ZERO_YEARS = _decimal(">", "Years, above 0 (fractions allowed, e.g. 5.5).", value=0)
RATE = _decimal(">", "A growth rate above -100%, e.g. 5% or 0.05.", value=-1)

YEARS = _decimal(">=", "Years, 0 or more (fractions allowed, e.g. 5.5).", value=0)

RULES: dict[str, Rule] = {
    "useful_life": _decimal(">=", "Years, 0 for land (fractions allowed, e.g. 5.5).", value=0),
    "useful_life_change": _decimal(
        ">", "The new life in years from this period on; empty: no change.", value=0
    ),
    "in_service_lag": YEARS,
    "opening_remaining_life": YEARS,
    "opening_net_book_value": NOT_NEGATIVE,
    "depreciation_reported": NOT_NEGATIVE,
    "ppe_depreciation_reported": NOT_NEGATIVE,
    "net_ppe_reported": NOT_NEGATIVE,
    "share": _decimal("between", "A share from 0 to 1 (0% to 100%).", minimum=0, maximum=1),
    "long_run_capex_growth": RATE,
    "earnings_growth": RATE,
    "revenue_growth": RATE,
    "share_count_growth": RATE,
    "amortization_growth": RATE,
    "tie_tolerance": _decimal(
        "between", "A share of the reported figure, 0 to 1 (e.g. 5%).", minimum=0, maximum=1
    ),
    "run_rate_life_years": ABOVE_ZERO_YEARS,
    "peak_growth_threshold": RATE,
    "tax_rate": _decimal("between", "A tax rate from 0 to 1 (0% to 100%).", minimum=0, maximum=1),
    "ebda_margin_override": _decimal(
        "<=",
        "Earnings before D&A over revenue, e.g. 40% or 0.4: overrides the last actual margin. "
        "Delete it to use the last actual margin again.",
        value=1,
    ),
    "fade_years": ABOVE_ZERO_YEARS,
    "check_tolerance": _decimal(">=", "A tolerance of 0 or more.", value=0),
    "forecast_years": _whole(0, 50, "Whole years from 0 to 50; change settings.csv and rebuild."),
    "fiscal_year_end_month": _whole(1, 12, "The month the fiscal year ends, 1 to 12."),
    "capex_actual": NOT_NEGATIVE,
    "capex_guidance_low": NOT_NEGATIVE,
    "capex_guidance_high": NOT_NEGATIVE,
    "net_income_actual": ANY_NUMBER,
    "revenue_actual": NOT_NEGATIVE,
    "diluted_shares_actual": NOT_NEGATIVE,
    "period_start": ANY_NUMBER,
    "fiscal_year": _whole(1900, 2199, "A fiscal year; change the CSVs and rebuild."),
    "fiscal_quarter": _whole(1, 4, "A fiscal quarter, 1 to 4; change the CSVs and rebuild."),
    "period_length": _decimal(">", "Years per period, above 0.", value=0),
    "periods_per_year": _whole(1, 4, "1 (years) or 4 (quarters); change settings.csv and rebuild."),
    "frequency": {"validate": "list", "source": ["annual", "quarterly"]},
    "unit": {
        "validate": "length",
        "criteria": "between",
        "minimum": 1,
        "maximum": 20,
        "input_message": "The unit of amounts; change settings.csv and rebuild.",
    },
    "ticker": {"validate": "length", "criteria": "between", "minimum": 1, "maximum": 31},
    "scenario_name": {"validate": "length", "criteria": "between", "minimum": 1, "maximum": 31},
}


def input_cells(row: Row) -> tuple[int, int] | None:
    """Zero-based (first, last) columns of the row's input cells, or None."""
    if not row.is_input or not row.key:
        return None
    if row.values is not None and row.formula is None:
        return FIRST_PERIOD_COL, FIRST_PERIOD_COL + row.width - 1
    if row.const is not None and row.const_formula is None:
        return CONST_COL, CONST_COL
    return None


def rule_for(row: Row, model: Model) -> Rule | None:
    """The validation of `row`'s input cells (None: the writer or nobody validates them)."""
    if getattr(row, "choices", None) is not None or not row.key:
        return None
    kind = kind_of(row.key)
    if kind == "chart_company":
        return _company_list(model)
    if kind in RULES:
        return RULES[kind]
    numeric = isinstance(row.const, float | int) or row.values is not None
    return ANY_NUMBER if numeric else None


def _company_list(model: Model) -> Rule:
    """The tickers the vintage chart can show (those with a `chart_pick` row): the Inputs
    cells that list them where there are such, else a list."""
    inp, charts = model.sheets[SheetName.INPUTS], model.sheets[SheetName.CHARTS]
    tickers = [t for t in model.inputs.tickers if row_key("chart_pick", ticker=t) in charts.by_key]
    if not tickers:  # no vintage chart (the closed-form view): any ticker
        return {"validate": "length", "criteria": "between", "minimum": 1, "maximum": 31}
    listed = [inp.by_key.get(row_key("ticker", ticker=t)) for t in tickers]
    rows = [r for r in listed if r is not None]
    numbers = [r.number for r in rows]
    if rows and len(rows) == len(listed) and numbers == list(range(numbers[0], numbers[-1] + 1)):
        cells = area(absolute(CONST_COL, numbers[0]), absolute(CONST_COL, numbers[-1]))
        source = "=" + ref(inp.name, cells)
    else:
        source = tickers
        if len(",".join(source)) > MAX_LIST:
            return {"validate": "length", "criteria": "between", "minimum": 1, "maximum": 31}
    return {"validate": "list", "source": source, "input_message": "Choose a ticker."}


def fit(text: str, limit: int) -> str:
    """`text` within Excel's `limit` (UTF-16 units), cut at a word and marked if it must be."""
    for room in range(min(len(text), limit), -1, -1):
        cut = cut_at_word(text, room)
        if utf16_len(cut) <= limit:
            return cut
    return ""


def title(label: str) -> str:
    """A validation's title from a row's label: whole if it fits, else without its
    parenthetical remarks, else cut at a word (Excel refuses more than `MAX_TITLE`)."""
    if utf16_len(label) > MAX_TITLE:
        label = " ".join(_REMARK.sub("", label).split()) or label
    return fit(label, MAX_TITLE)


def validate_inputs(ws: Worksheet, sheet: Sheet, model: Model) -> int:
    """Add a data validation to every input row of `sheet`; return how many were added."""
    added = 0
    for row in sheet.rows:
        cells = input_cells(row)
        rule = rule_for(row, model) if cells else None
        if cells is None or rule is None:
            continue
        options = dict(rule)
        message = options.pop("input_message", "")
        if message:
            options |= {
                "input_title": title(row.label),
                "input_message": fit(message, MAX_MESSAGE),
            }
        options |= {
            "error_title": "Not accepted",
            "error_message": fit(message or "Not accepted", MAX_MESSAGE),
        }
        ws.data_validation(row.number - 1, cells[0], row.number - 1, cells[1], options)
        added += 1
    return added
