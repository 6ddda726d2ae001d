"""The depreciation of one asset class: docs/ACCOUNTING.md's rules as rows of formulas.

One definition, used by the Depreciation sheet, by every scenario on the Scenarios sheet,
and by nothing else that computes a charge, so the three cannot disagree:

- `useful_life_in_effect`: the life in each period, the life before any change in column D,
  a new life from every period whose change cell holds one (prospective: nothing restated);
- the opening base: its book value and its remaining life at each period's start (column D
  of the book value: the opening value; the life `R0 + (L(t) - L(first)) - elapsed`), and its
  charge;
- the vintages: in the grid view, for the capex of each period, the year it enters service
  (one row per class), then per vintage four rows a reviewer reads by eye: its book value at
  each period's start, its years in service within the period, its remaining life at the
  period's start, and its charge, `book value * years in service / remaining life` (0 for
  land, life 0; the whole book value when the remaining life ends within the period or a
  change left none); in the closed form one formula per period (`closed_form`), exact while
  the life does not change;
- the class's charge: vintages plus opening base.

See docs/property-and-equipment.md for the formulas in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from modelgen.formulas.expressions import Expr
from modelgen.formulas.functions import IF, MAX, SUM
from modelgen.formulas.rows import Row, Sheet, block
from modelgen.keys import RowKey
from modelgen.model import closed_form
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model


@dataclass
class ClassTerms:
    """What one class's depreciation is computed from: references to input cells."""

    ticker: str
    name: str  # the asset class
    capex: Row  # the company's capex, by period
    share: Expr
    lag: Expr
    opening_value: Expr
    opening_remaining: Expr
    base_life: Expr  # the life before any change (column D)
    changes: Row  # new lives by period, empty for no change
    scenario: str = ""  # the case on the Scenarios sheet; empty for the Depreciation sheet

    def key(self, kind: str, vintage: str | None = None) -> str:
        """The key of one of the class's rows (of one vintage's, given its period)."""
        index = () if vintage is None else (vintage,)
        return str(
            RowKey(
                kind, scenario=self.scenario, ticker=self.ticker, asset_class=self.name, index=index
            )
        )


def life_in_effect(sheet: Sheet, key: str, label: str, terms: ClassTerms) -> Row:
    """The useful life in each period: the last change at or before it, else the base life."""
    row = sheet.add(key, label, level=1, const_formula=terms.base_life)
    changed = terms.changes.cur
    row.formula = IF(changed > 0, changed, row.prev)
    return row


def remaining_charge(life: Expr, book: Expr, remaining: Expr, in_service: Expr) -> Expr:
    """A period's charge: `book * in_service / remaining`, all of it when the remaining
    life ends within the time in service (or a change left none), none for land.

    `MAX(remaining, in_service)` is that rule in one term; it is never 0, since an asset
    not in service has its whole (positive) life left.
    """
    return IF(life.eq(0), 0, book * in_service / MAX(remaining, in_service))


def opening_base(model: Model, sheet: Sheet, terms: ClassTerms, life: Row, level: int = 1) -> Row:
    """The book value and charge of the assets owned when the timeline starts."""
    inp, lbl = model.sheets[SheetName.INPUTS], model.label
    start, length = inp["period_start"], inp["period_length"].d
    fields = {"asset_class": terms.name}
    book = sheet.add(
        terms.key("opening_book_value"),
        lbl("opening_book_value", terms.ticker, **fields),
        level=level,
        const_formula=terms.opening_value,
    )
    remaining = sheet.add(
        terms.key("remaining_life_opening"),
        lbl("remaining_life_opening", terms.ticker, **fields),
        level=level + 1,
        formula=terms.opening_remaining + life.cur - life.at(0) - (start.cur - start.at(0)),
    )
    charge = sheet.add(
        terms.key("depreciation_opening"),
        lbl("depreciation_opening_class", terms.ticker, **fields),
        level=level,
    )
    book.formula = book.prev - charge.prev
    charge.formula = remaining_charge(life.cur, book.cur, remaining.cur, length)
    return charge


def vintage_grid(model: Model, sheet: Sheet, terms: ClassTerms, life: Row, o: Expr) -> list[Row]:
    """Per period's capex (a vintage): the year it enters service (one row for the class),
    then per vintage its book value at each period's start, its years in service within the
    period, its remaining life at the period's start, and its charge: a block of rows each,
    so that the charges add up as one range and the book values are checked as one."""
    inp, lbl = model.sheets[SheetName.INPUTS], model.label
    start, end = inp["period_start"], model.sheets[SheetName.DEPRECIATION]["period_end"]
    fields = {"asset_class": terms.name}
    service = sheet.add(
        terms.key("in_service_from"),
        lbl("in_service_from", terms.ticker, **fields),
        level=2,
        formula=start.cur + o,
    )

    def rows(kind: str, level: int = 2) -> list[Row]:
        return [
            sheet.add(
                terms.key(kind, v),
                lbl(kind, terms.ticker, vintage=v, **fields),
                level=level,
            )
            for v in model.periods
        ]

    books = rows("book_value_vintage")
    years = rows("years_in_service_vintage")
    remaining = rows("remaining_life_vintage")
    charges = rows("depreciation_vintage", level=1)
    for i, (book, y, left, charge) in enumerate(zip(books, years, remaining, charges, strict=True)):
        spend = IF(start.cur.eq(start.at(i)), terms.capex.at(i) * terms.share, 0)
        book.formula = book.prev - charge.prev + spend
        y.formula = MAX(0, end.cur - MAX(start.cur, service.at(i)))
        left.formula = life.cur - MAX(0, start.cur - service.at(i))
        charge.formula = remaining_charge(life.cur, book.cur, left.cur, y.cur)
    return charges


def class_charge(
    model: Model,
    sheet: Sheet,
    terms: ClassTerms,
    life: Row,
    offset: Expr,
    grid: bool,
) -> tuple[Row, Expr]:
    """The class's opening-base charge row, and its whole charge by period: its vintages
    (grid or closed form) plus the opening base."""
    opening = opening_base(model, sheet, terms, life)
    o = sheet.add(
        terms.key("in_service_after"),
        model.label("in_service_after", terms.ticker, asset_class=terms.name),
        level=1,
        const_formula=offset + terms.lag,
    ).d
    if grid:
        vintages = SUM(block(vintage_grid(model, sheet, terms, life, o)))
    else:
        vintages = closed_form.vintages(model, sheet, terms, life, o)
    return opening, vintages + opening.cur
