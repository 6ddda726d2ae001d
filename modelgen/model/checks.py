"""Checks: each a row that is 0 when it holds; `check_failures` counts the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import IF, INDEX, MAX, MIN, SUM, differs
from modelgen.model.closed_form import class_total_check, depreciation_view
from modelgen.rows import block, span

if TYPE_CHECKING:
    from modelgen.model import Model


def build(model: Model) -> None:
    inp, cap, dep = (model.sheets[n] for n in ("Inputs", "Capex", "Depreciation"))
    sheet = model.new_sheet("Checks")
    tickers, lbl = model.inputs.tickers, model.label
    tol = inp["check_tolerance"].d
    checks = []

    def check(key: str, label: str, *, const=None, formula=None):
        row = sheet.add(key, label, "1 = fails", fmt="flag", formula=formula, const_formula=const)
        if formula is not None:
            row.const_formula = SUM(span(row))
        checks.append(row)

    sheet.header("Inputs")
    for t in tickers:
        classes = model.inputs.asset_classes[t]
        shares = block([inp[f"share:{t}:{a.name}"] for a in classes], "const")
        lives = block([inp[f"useful_life:{t}:{a.name}"] for a in classes], "const")
        check(
            f"check_shares_sum:{t}",
            lbl("check_shares_sum", t),
            const=differs(SUM(shares), 1, tol),
        )
        check(
            f"check_lives_positive:{t}",
            lbl("check_lives_positive", t),
            const=IF(MIN(lives) <= 0, 1, 0),
        )

    sheet.header("Depreciation (column D: periods failing)")
    start, end, number = inp["period_start"], dep["timeline_end"].d, dep["period_number"].cur
    offset = dep["service_offset"].d
    grid_view = depreciation_view(model) == "grid"
    for t in tickers:
        if grid_view:
            grid = [r for r in dep.rows if r.key and r.key.startswith(f"depreciation_vintage:{t}:")]
            check(
                f"check_grid_total:{t}",
                lbl("check_grid_total", t),
                formula=differs(SUM(block(grid)), dep[f"depreciation:{t}"].cur, tol),
            )
        check(
            f"check_nbv_nonnegative:{t}",
            lbl("check_nbv_nonnegative", t),
            formula=IF(
                dep[f"net_book_value:{t}"].cur < -tol * MAX(1, dep[f"cumulative_capex:{t}"].cur),
                1,
                0,
            ),
        )
    for t in tickers if not grid_view else ():
        for a in model.inputs.asset_classes[t]:
            check(
                f"check_class_total:{t}:{a.name}",
                lbl("check_class_total", t, asset_class=a.name),
                const=class_total_check(model, t, a.name),
            )
    for t in tickers if grid_view else ():
        for a in model.inputs.asset_classes[t]:
            rows = [dep[f"depreciation_vintage:{t}:{a.name}:{p}"] for p in model.periods]
            share, life = inp[f"share:{t}:{a.name}"].d, inp[f"useful_life:{t}:{a.name}"].d
            charged = INDEX(block(rows, "const"), number)
            expected = cap[f"capex:{t}"].cur * share
            check(
                f"check_vintage_charged:{t}:{a.name}",
                lbl("check_vintage_charged", t, asset_class=a.name),
                formula=IF(start.cur + offset + life <= end, differs(charged, expected, tol), 0),
            )

    if model.extra_checks:
        sheet.header("Scenarios and other views")
    for key, label, formula in model.extra_checks:  # checks that other blocks contribute
        check(key, label, formula=formula)

    sheet.blank()
    failures = sheet.add("check_failures", lbl("check_failures"), "count", fmt="count")
    between = sheet.rows[checks[0].number - 1 : checks[-1].number]  # headers' D cells are empty
    failures.const_formula = SUM(block(between, "const"))
