"""`diff` as an analyst reads it: the forecast against the actual, the headline outputs, the rest.

Rates (a row whose unit is ``%``) read as percentages, their moves in percentage points
(``16.0% -> 17.2%  +1.2 pp``); column D reads ``constant``, not its letter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from modelgen.formulas.addresses import CONSTANT
from modelgen.words import number, plural

if TYPE_CHECKING:
    from modelgen.compare.diff import Change, DiffReport

__all__ = ["report_lines", "show_change"]


def report_lines(report: DiffReport, limit: int = 40) -> list[str]:
    """The whole report as text, `limit` changes per section at most."""
    out = [f"{report.old} -> {report.new} (tolerance {report.tolerance:g})"]
    out += [report.recalculated] if report.recalculated else []
    out += report.forecast_lines()
    headline = report.headline()
    if headline:
        out.append(f"Headline outputs: {len(headline)} moved")
        out += _section(headline, limit, sheet=True)
    out += [f"sheet added: {s}" for s in report.sheets_added]
    out += [f"sheet removed: {s}" for s in report.sheets_removed]
    for what, items in (
        ("period added", report.periods_added),
        ("period removed", report.periods_removed),
    ):
        out += [f"{what}: {i['sheet']} {i['period']}" for i in items]
    for what, items in (("row added", report.rows_added), ("row removed", report.rows_removed)):
        out += [f"{what}: {i['sheet']} {i['key']}" for i in items[:limit]]
        if len(items) > limit:
            more = len(items) - limit
            out.append(f"... and {more} more {number(more, 'row')} {what.split()[1]}")
    sheets = list(dict.fromkeys(c.sheet for c in report.changes))
    for sheet in sheets:
        rows = [c for c in report.changes if c.sheet == sheet]
        inputs = sum(1 for c in rows if c.kind == "input")
        rest = [c for c in rows if not c.headline]
        above = len(rows) - len(rest)
        note = f" ({above} headline, above)" if above else ""
        moved = plural(len(rows) - inputs, "output")
        out.append(f"{sheet}: {plural(inputs, 'input')} changed, {moved} moved{note}")
        out += _section(rest, limit)
    if not report.changed:
        out.append("no changes beyond the tolerance")
    return out


def _section(rows: list[Change], limit: int, sheet: bool = False) -> list[str]:
    if not rows:
        return []
    names = [f"{c.sheet} {c.key}" if sheet else c.key for c in rows[:limit]]
    width = max(len(n) for n in names)
    out = [f"  {c.kind:6} {n:{width}} {show_change(c)}" for c, n in zip(rows, names, strict=False)]
    if len(rows) > limit:
        out.append(f"  ... and {len(rows) - limit} more")
    return out


def show_change(c: Change) -> str:
    """`2026  155.486 -> 160.1  +4.61  +2.97%`; a rate `16.0% -> 17.2%  +1.2 pp`."""
    period = "constant" if c.period == CONSTANT else c.period
    if c.is_rate and c.change is not None:
        old, new, points = _rate(c.old, c.new, c.change)
        return f"{period:>8} {old:>14} -> {new:<14} {points:>12}"
    rel = "" if c.relative is None else f"{c.relative:+.2%}"
    delta = "" if c.change is None else f"{c.change:+,.6g}"
    return f"{period:>8} {_show(c.old):>14} -> {_show(c.new):<14} {delta:>12} {rel:>9}"


def _show(v: object) -> str:
    if v is None:
        return "(empty)"
    if isinstance(v, float):
        return f"{v:,.6g}"
    return str(v)


def _rate(old: object, new: object, change: float) -> tuple[str, str, str]:
    """Two rates as percentages and their move in points, with one decimal, or as many
    more (up to 6) as it takes for a move to show: 16.0% -> 17.2%, +1.2 pp."""
    decimals = 1
    while decimals < 6 and 0 < abs(change) * 100 < 0.5 * 10.0**-decimals:
        decimals += 1

    def pct(v: object) -> str:
        if isinstance(v, bool) or not isinstance(v, int | float):
            return _show(v)
        return f"{v:.{decimals}%}"

    return pct(old), pct(new), f"{change * 100:+.{decimals}f} pp"
