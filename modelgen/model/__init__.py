"""The capex model: line items over a timeline, built block by block.

Each block module adds the rows of one calculation (`capex`, `growth`, `depreciation`,
`profit`, `checks`) to its sheet, with formulas that reference rows built before it.
`build_model` runs them in order and evaluates every formula.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from modelgen.formulas.evaluate import evaluate_rows
from modelgen.formulas.expressions import Expr, Ref
from modelgen.formulas.functions import IF
from modelgen.formulas.rows import Row, Sheet
from modelgen.inputs.folder import Inputs
from modelgen.inputs.template import Template
from modelgen.inputs.timeline import Timeline
from modelgen.rowspec import spec_of
from modelgen.sheets import SheetName

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SHEETS = (
    SheetName.INPUTS,
    SheetName.CAPEX,
    SheetName.GROWTH,
    SheetName.DEPRECIATION,
    SheetName.PPE,
    SheetName.PROFIT,
    SheetName.ANNUAL,
    SheetName.CHECKS,
)


@dataclass
class Model:
    """All sheets' rows, their formulas and their evaluated values."""

    inputs: Inputs
    template: Template
    timeline: Timeline
    sheets: dict[str, Sheet] = field(default_factory=dict)
    # (key, label, formula[, "const"]): by period, or one cell in column D
    extra_checks: list[tuple] = field(default_factory=list)

    @property
    def periods(self) -> list[str]:
        """The period labels of the columns: `2024` or `2025Q1`."""
        return self.timeline.labels

    @property
    def per_year(self) -> int:
        return self.timeline.per_year

    def year_ago(self, row: Row) -> Expr:
        """The row one year earlier: the previous period in an annual model, the same quarter
        a year earlier in a quarterly one (0 where the timeline has no such period)."""
        if self.per_year == 1:
            return row.prev
        start = self.sheets[SheetName.INPUTS]["period_start"]
        return IF(start.cur >= start.at(0) + 1, Ref(row, "rel", -self.per_year), 0)

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    def new_sheet(self, name: str, periods: list[str] | None = None) -> Sheet:
        """A sheet with its title row and the `period` row, as every sheet but Cover has.

        Its period columns are the model's, unless `periods` gives others (the Annual sheet).
        Its keyed rows take their number format and unit from their declarations
        (`declared`); the `period` row is the one keyed row that has none.
        """
        periods = self.periods if periods is None else periods
        title = self.template.titles.get(name, name)
        sheet = Sheet(name, title, width=len(periods), declared=partial(self.declared, name))
        sheet.add(None, sheet.title, kind="title")
        labels = np.array(periods, dtype=object)
        period = self.template.label("period")
        sheet.add("period", period, kind="period", values=labels, fmt="text", undeclared=True)
        self.sheets[name] = sheet
        return sheet

    def declared(self, sheet: str, key: str) -> tuple[str, str]:
        """The number format and unit of the row `key` on `sheet`, as declared in
        `modelgen.rowspec`, the unit in this model's (`USD bn`). KeyError where none is."""
        spec = spec_of(sheet, key)
        return spec.fmt, spec.unit_in(self.unit)

    def label(self, kind: str, ticker: str = "", **fields: str) -> str:
        """A row's label from the template; a total across companies whose fiscal years end
        in different months says so (`fiscal_years_note`), except in calendar years."""
        name = self.company_name(ticker) if ticker else ""
        text = self.template.label(kind, ticker=ticker, name=name, **fields)
        if kind.endswith("_total") and not kind.endswith("_cy_total") and self.fiscal_years_note:
            text += f" ({self.fiscal_years_note})"
        return text

    @property
    def fiscal_years_note(self) -> str:
        """`each company's fiscal year; Microsoft's ends in June` where the companies' fiscal
        years end in different months, else empty: what a total across them adds up."""
        cached = self.__dict__.get("_fiscal_note")
        if cached is None:
            months = {c.fiscal_year_end_month for c in self.inputs.companies}
            odd = [c for c in self.inputs.companies if c.fiscal_year_end_month != 12]
            cached = ""
            if len(months) > 1:
                ends = ", ".join(
                    f"{c.name or c.ticker}'s ends in {MONTHS[c.fiscal_year_end_month - 1]}"
                    for c in odd[:3]
                )
                more = f" and {len(odd) - 3} more" if len(odd) > 3 else ""
                cached = f"each company's fiscal year; {ends}{more}"
            self.__dict__["_fiscal_note"] = cached
        return cached

    def company_name(self, ticker: str) -> str:
        companies = self.inputs.companies
        cached = self.__dict__.get("_names")  # by ticker: a scan per label is quadratic
        if cached is None or cached[0] is not companies or cached[1] != len(companies):
            names = {c.ticker: c.name or c.ticker for c in reversed(companies)}
            cached = self.__dict__["_names"] = (companies, len(companies), names)
        return cached[2].get(ticker, ticker)

    @property
    def unit(self) -> str:
        return self.inputs.settings.unit

    def all_rows(self) -> list[Row]:
        return [row for sheet in self.sheets.values() for row in sheet.rows]

    def value(self, sheet: str, key: str, period: str | None = None) -> float | str | None:
        """A cell by sheet, row key and period label (`None`: column D), as computed;
        an empty cell is None. Raises KeyError naming what is not there."""
        row = self._row(sheet, key)
        if period is None:
            return _plain(row.const_value())
        labels = list(self.sheets[sheet]["period"].values)  # type: ignore[arg-type]
        if period not in labels:
            raise KeyError(f"{sheet} has no period {period!r}; it has {', '.join(labels)}")
        if row.formula is None and row.values is None:
            return None
        return _plain(row.period_result()[labels.index(period)])

    def frame(self, sheet: str):  # noqa: ANN201 - a pandas DataFrame, imported on use
        """A sheet as a DataFrame: row keys as index, `D` then the period labels as columns."""
        import pandas as pd

        labels = [str(p) for p in self.sheets[sheet]["period"].values]  # type: ignore[union-attr]
        rows = [r for r in self.sheets[sheet].rows if r.key and r.kind not in ("period", "title")]
        data = {
            r.key: [self.value(sheet, r.key)] + [self.value(sheet, r.key, p) for p in labels]
            for r in rows
        }
        return pd.DataFrame.from_dict(data, orient="index", columns=["D", *labels])

    def _row(self, sheet: str, key: str) -> Row:
        if sheet not in self.sheets:
            raise KeyError(f"no sheet {sheet!r}; the sheets are {', '.join(self.sheets)}")
        if key not in self.sheets[sheet].by_key:
            raise KeyError(f"{sheet} has no row {key!r}")
        return self.sheets[sheet][key]

    def check_failures(self) -> float:
        return float(self.sheets[SheetName.CHECKS]["check_failures"].const_value())


def _plain(value: object) -> float | str | None:
    """A cell's value as Python: NaN (an empty cell) is None."""
    if isinstance(value, str):
        return value
    number = float(value)  # type: ignore[arg-type]
    return None if np.isnan(number) else number


def build_model(
    inputs: Inputs, template: Template, adjust: Callable[[Model], None] | None = None
) -> Model:
    """Every sheet's rows with formulas, evaluated: the single source of the workbook.

    `adjust(model)` runs before evaluation (carried analyst edits change input rows there).
    """
    from modelgen.model import (
        annual,
        capex,
        charts_sheet,
        checks,
        depreciation,
        growth,
        inputs_sheet,
        ppe,
        profit,
        scenario_sheet,
        sensitivity,
    )

    model = Model(inputs, template, inputs.timeline)
    blocks = (
        inputs_sheet,
        capex,
        growth,
        depreciation,
        ppe,
        profit,
        annual,
        scenario_sheet,
        sensitivity,
        charts_sheet,
        checks,
    )
    for block in blocks:
        block.build(model)
    if adjust is not None:
        adjust(model)
    evaluate_rows(model.all_rows(), model.n_periods)
    return model
