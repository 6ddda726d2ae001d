"""Scenario inputs on the Inputs sheet: the selector, the scenario table, and live inputs
that pick their value from the table with INDEX (never nested IFs), so that switching the
selector in Excel or LibreOffice reruns the whole model.

A live input is a formula, not on the input fill: its label says the scenario sets it, a
note names its rows in the table, and a check (`check_scenario_input:KEY`) fails when a
number is typed over it, since the Scenarios sheet and regeneration read the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.functions import IF, INDEX, MATCH_EXACT
from modelgen.formulas.rows import Row, Sheet, block
from modelgen.keys import RowKey, row_key
from modelgen.sheets import SheetName

if TYPE_CHECKING:
    from modelgen.model import Model


def add_selector(model: Model, sheet: Sheet) -> None:
    """The `scenario` selector and its list of names, when there is more than Base."""
    sc = model.inputs.scenarios
    if len(sc.names) < 2:
        return
    sheet.blank()
    sheet.header("Scenario: choose the live case")
    sheet.add(
        "scenario",
        model.label("scenario"),
        kind="input",
        const=model.inputs.settings.scenario,
    )
    number = sheet.add("scenario_number", model.label("scenario_number"))
    names = [
        sheet.add(
            row_key("scenario_name", scenario=n),
            model.label("scenario_name", scenario=n),
            kind="input",
            const=n,
            level=1,
        )
        for n in sc.names
    ]
    number.const_formula = MATCH_EXACT(sheet["scenario"].d, block(names, "const"))
    sheet["scenario"].choices = block(names, "const")


def add_table(model: Model, sheet: Sheet) -> None:
    """One input row per varied key and scenario; the live rows INDEX into it."""
    sc = model.inputs.scenarios
    if len(sc.names) < 2:
        return
    sheet.blank()
    sheet.header("Scenario values: one row per scenario (the live input above picks one)")
    number = sheet["scenario_number"].d
    for key, by_name in sc.values.items():
        live = sheet[key]
        rows = [
            _scenario_row(sheet, live, n, const=v if isinstance(v, str) else float(v))
            for n, v in by_name.items()
        ]
        live.kind, live.const = "calc", None
        live.const_formula = INDEX(block(rows, "const"), number)
        _driven(model, live, rows)
    for key, by_name in sc.life_changes.items():
        _period_table(model, sheet, key, by_name)


def _driven(model: Model, live: Row, rows: list[Row]) -> None:
    """Say on `live` that the scenario sets it, and check that nothing was typed over it:
    the check holds the live cell's own formula beside it, so only a typed value differs."""
    first, last = rows[0], rows[-1]
    check = row_key("check_scenario_input", subject=live.key)
    live.note = (
        f"The selected scenario sets this cell: it picks one of rows {first.number} to "
        f"{last.number} ({first.key} ...) by the scenario chosen above. To change a case, type "
        f"into its row; a number typed here fails the check {check} on the Checks sheet."
    )
    what = live.label
    live.label = model.label("scenario_driven", input=what)
    number = model.sheets[SheetName.INPUTS]["scenario_number"].d
    label = model.label("check_scenario_input", input=what)
    if live.formula is None:  # a constant in column D
        fails = IF(live.d.eq(INDEX(block(rows, "const"), number)), 0, 1)
        model.extra_checks.append((check, label, fails, "const"))
    else:  # a row of periods
        model.extra_checks.append((check, label, IF(live.cur.eq(INDEX(block(rows), number)), 0, 1)))


def _scenario_row(sheet: Sheet, live: Row, scenario: str, **value: object) -> Row:
    """The input row of `live` in one scenario, `key@scenario`: its label and list of
    choices (a scenario's convention is chosen from the same list); its unit and format are
    declared, as `key@{case}`."""
    return sheet.add(
        str(RowKey.parse(live.key).with_(case=scenario)),
        f"{live.label}: {scenario}",
        kind="input",
        level=1,
        choices=live.choices,
        **value,
    )


def _period_table(model: Model, sheet: Sheet, key: str, by_name: dict) -> None:
    """A period input (the useful-life changes) varied by scenario: one row per scenario,
    each the Base row with the scenario's own periods over it; the live row picks one."""
    live = sheet[key]
    base = live.values
    assert base is not None
    column = {p: i for i, p in enumerate(model.timeline.periods)}
    rows = []
    for n in model.inputs.scenarios.names:
        values = base.copy()
        for period, life in by_name.get(n, {}).items():
            values[column[period]] = life
        rows.append(_scenario_row(sheet, live, n, values=values))
    live.kind, live.values = "calc", None
    live.formula = INDEX(block(rows), sheet["scenario_number"].d)
    _driven(model, live, rows)


def param(model: Model, key: str, scenario: str) -> Row:
    """The row holding `key` in `scenario`: its table row if it varies, else the input."""
    inp = model.sheets[SheetName.INPUTS]
    if model.inputs.scenarios.varies(key):
        return inp[str(RowKey.parse(key).with_(case=scenario))]
    return inp[key]
