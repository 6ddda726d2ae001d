"""Depreciation by asset class in closed form: one formula per period, no vintage grid.

The grid charges vintage `v` (share `s`, life `L`, in service from `a_v = start_v + o`) in
period `[t, t_end)` with `capex_v * s / L * MAX(0, MIN(t_end, a_v + L) - MAX(t, a_v))`. It
is quadratic in periods. On an evenly spaced timeline the vintages charged in period `t`
form a run that ends at `t` itself:

- `t` (age 0), in service from `t + o`: charged `MAX(0, MIN(t_end - t - o, L))`;
- ages 1 to `c - 1`: in service since before `t` and still at `t_end`: charged a whole
  period, so their capex is summed with `SUMIFS` over the period numbers;
- age `c`, the oldest vintage still charged, whose life ends within `(t, t_end]`: charged
  `MIN(t_end, a_v + L) - t`, read with `INDEX` at position `t - c`;
- older vintages are fully depreciated.

`c` does not depend on `t`: it is the last period's, found with `MATCH` on the timeline
(column D of `depreciation_edge_age`; `c = 0` when a vintage is depreciated within its
own period). Each piece is the grid's own overlap formula for those vintages, so the sum
equals the grid's column sum exactly; the tests prove it in modelgen and in LibreOffice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formula import (
    AND,
    IF,
    INDEX,
    MATCH,
    MAX,
    MIN,
    SUM,
    SUMIFS,
    SUMPRODUCT,
    Crit,
    Expr,
    differs,
)
from modelgen.rows import Row, Sheet, span

if TYPE_CHECKING:
    from modelgen.model import Model

#: `auto` draws the vintage grid up to this many grid cells (companies x classes x periods²).
GRID_LIMIT = 200_000


def grid_cells(model: Model) -> int:
    """How many cells the vintage x period grid would have."""
    classes = sum(len(model.inputs.asset_classes[t]) for t in model.inputs.tickers)
    return classes * model.n_periods**2


def depreciation_view(model: Model) -> str:
    """`grid` or `closed_form`: the setting, or by size when it is `auto`."""
    view = getattr(model.inputs.settings, "depreciation_view", "auto")
    if view == "auto":
        return "grid" if grid_cells(model) <= GRID_LIMIT else "closed_form"
    return view


def add_class_rows(model: Model, sheet: Sheet) -> dict[tuple[str, str], Row]:
    """The `depreciation_edge_age` constants and the `depreciation_class` rows."""
    inp, cap = model.sheets["Inputs"], model.sheets["Capex"]
    lbl, unit = model.label, model.unit
    start, end, number = inp["period_start"], sheet["period_end"], sheet["period_number"]
    o, length, timeline_end = (
        sheet["service_offset"].d,
        inp["period_length"].d,
        sheet["timeline_end"].d,
    )
    count = sheet.add(
        "period_count", lbl("period_count"), "count", fmt="count", const_formula=MAX(span(number))
    )

    sheet.blank()
    sheet.header("Age of the oldest vintage still charged in a period (closed form)")
    age: dict[tuple[str, str], Row] = {}
    for t in model.inputs.tickers:
        for a in model.inputs.asset_classes[t]:
            life = inp[f"useful_life:{t}:{a.name}"].d
            bound = timeline_end - life - o  # the latest start of a vintage done by the end
            age[(t, a.name)] = sheet.add(
                f"depreciation_edge_age:{t}:{a.name}",
                lbl("depreciation_edge_age", t, asset_class=a.name),
                "periods",
                fmt="count",
                level=1,
                const_formula=IF(bound < start.at(0), count.d, count.d - MATCH(bound, span(start))),
            )

    sheet.blank()
    sheet.header("Depreciation by asset class")
    rows: dict[tuple[str, str], Row] = {}
    n_t, s_t, e_t = number.cur, start.cur, end.cur
    for t in model.inputs.tickers:
        capex = cap[f"capex:{t}"]
        for a in model.inputs.asset_classes[t]:
            share, life = inp[f"share:{t}:{a.name}"].d, inp[f"useful_life:{t}:{a.name}"].d
            c = age[(t, a.name)].d
            whole = SUMIFS(
                span(capex), span(number), Crit(">", n_t - c), span(number), Crit("<", n_t)
            )
            oldest = n_t - c
            edge = IF(
                AND(c > 0, n_t > c),
                INDEX(span(capex), oldest)
                * MAX(0, MIN(e_t, INDEX(span(start), oldest) + o + life) - s_t),
                0,
            )
            newest = capex.cur * MAX(0, MIN(e_t - s_t - o, life))
            rows[(t, a.name)] = sheet.add(
                f"depreciation_class:{t}:{a.name}",
                lbl("depreciation_class", t, asset_class=a.name),
                unit,
                fmt="amount",
                formula=share / life * (length * whole + edge + newest),
            )
    return rows


def class_total_check(model: Model, ticker: str, asset_class: str) -> Expr:
    """1 when a class's charges over the timeline differ from what its vintages owe.

    Each vintage owes `capex_v * s / L * MIN(L, timeline_end - a_v)`: its whole share of
    capex if its life ends within the timeline, else the part of it that has elapsed.
    """
    inp, cap, dep = (model.sheets[n] for n in ("Inputs", "Capex", "Depreciation"))
    share = inp[f"share:{ticker}:{asset_class}"].d
    life = inp[f"useful_life:{ticker}:{asset_class}"].d
    o, timeline_end, tol = dep["service_offset"].d, dep["timeline_end"].d, inp["check_tolerance"].d
    starts = span(inp["period_start"])
    done = starts + o + life <= timeline_end
    running = starts + o + life > timeline_end
    owed = (
        share
        / life
        * SUMPRODUCT(
            span(cap[f"capex:{ticker}"]) * (done * life + running * (timeline_end - starts - o))
        )
    )
    charged = SUM(span(dep[f"depreciation_class:{ticker}:{asset_class}"]))
    return differs(charged, owed, tol)
