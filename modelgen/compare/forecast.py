"""Forecast against actual as text: the table `diff OLD NEW` prints first.

The rows come from :func:`modelgen.xlsx.forecast_actual.forecast_vs_actual` (one definition,
shared with the Cover of a regenerated workbook); this module only lays them out.
"""

from __future__ import annotations

from modelgen.xlsx.forecast_actual import Surprise, forecast_vs_actual

__all__ = ["Surprise", "forecast_lines", "forecast_vs_actual"]

HEAD = ("figure", "period", "forecast", "actual", "surprise", "%")


def forecast_lines(rows: list[Surprise]) -> list[str]:
    """The table: one line per figure, capex first; none when nothing became actual."""
    if not rows:
        return []
    width = max(len(HEAD[0]), *(len(s.label) for s in rows))
    period = max(len(HEAD[1]), *(len(s.period) for s in rows))

    def line(cells: tuple[str, ...], tail: str = "") -> str:
        label, when, *numbers = cells
        body = " ".join(f"{n:>11}" for n in numbers[:3]) + f" {numbers[3]:>8}"
        return f"  {label:<{width}} {when:>{period}} {body}{tail}".rstrip()

    out = [
        f"Forecast against actual: {len(rows)} figure{'s' if len(rows) != 1 else ''} "
        "forecast or guided before, actual now",
        line(HEAD),
    ]
    for s in rows:
        pct = "" if s.surprise_pct is None else f"{s.surprise_pct:+.1%}"
        cells = (s.label, s.period, f"{s.forecast:,.2f}", f"{s.actual:,.2f}")
        tail = "  (guidance midpoint)" if s.basis == "guidance" else ""
        out.append(line((*cells, f"{s.surprise:+,.2f}", pct), tail))
    return out
