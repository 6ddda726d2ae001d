"""The analyst's column, bar and line charts: read from OLD with openpyxl, re-made with xlsxwriter.

openpyxl 3.1 loads the charts of an existing workbook (``Worksheet._charts``; it is re-saving
that loses what it does not model). What is carried is what a client-note chart needs: its
type (line, column, bar; stacked or not), each series' values, categories and name with
their references re-pointed by key and period, the chart and axis titles, position and
size. Any other chart type, or a series whose reference cannot be re-pointed, is listed as
not carried rather than drawn wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.worksheet import Worksheet

from modelgen.regenerate.repoint import Repointer

__all__ = ["ChartSpec", "read_charts", "write_chart"]

EMU_PER_PIXEL = 9525
DEFAULT_SIZE = (480, 288)
_SUBTYPES = {"stacked": "stacked", "percentStacked": "percent_stacked"}


@dataclass
class ChartSpec:
    """What is carried of one chart; ``refs`` are written as in OLD, re-pointed on writing."""

    sheet: str
    kind: str  # line, column, bar
    subtype: str | None
    row: int
    col: int
    size: tuple[int, int]
    title: str | None = None
    x_title: str | None = None
    y_title: str | None = None
    series: list[dict[str, str]] = field(default_factory=list)  # values, categories, name

    def describe(self) -> str:
        return f"{self.sheet}: {self.kind} chart {self.title or '(untitled)'!r}"


def _text(title: Any) -> str | None:
    """A chart or axis title's text from openpyxl's rich-text structure."""
    if title is None:
        return None
    tx = getattr(title, "tx", None)
    rich = getattr(tx, "rich", None) if tx is not None else None
    if rich is None:
        ref = getattr(getattr(tx, "strRef", None), "f", None)
        return f"={ref}" if ref else None
    runs = [r.t for p in rich.p or [] for r in (p.r or []) if r.t]
    return "".join(runs) or None


def _ref(source: Any) -> str | None:
    """The formula of a series' data source (numRef or strRef), without '='."""
    if source is None:
        return None
    for attr in ("numRef", "strRef"):
        ref = getattr(source, attr, None)
        if ref is not None and ref.f:
            return str(ref.f)
    return None


def _size(anchor: Any) -> tuple[int, int]:
    ext = getattr(anchor, "ext", None)
    if ext is not None and getattr(ext, "width", None):
        return int(ext.width / EMU_PER_PIXEL), int(ext.height / EMU_PER_PIXEL)
    to = getattr(anchor, "to", None)
    start = getattr(anchor, "_from", None)
    if to is not None and start is not None:
        w = (to.col - start.col) * 64 + (to.colOff - start.colOff) // EMU_PER_PIXEL
        h = (to.row - start.row) * 20 + (to.rowOff - start.rowOff) // EMU_PER_PIXEL
        if w > 0 and h > 0:
            return int(w), int(h)
    return DEFAULT_SIZE


def read_charts(ws: Any) -> tuple[list[ChartSpec], list[str]]:
    """The carriable charts of an openpyxl worksheet, and a line for each one that is not."""
    specs, failed = [], []
    for chart in getattr(ws, "_charts", []):
        tag = getattr(chart, "tagname", type(chart).__name__)
        title = _text(chart.title)
        if tag == "lineChart":
            kind, subtype = "line", None
        elif tag == "barChart":
            kind = "bar" if getattr(chart, "barDir", "col") == "bar" else "column"
            subtype = _SUBTYPES.get(getattr(chart, "grouping", None) or "")
        else:
            failed.append(
                f"{ws.title}: a {tag} chart {title or ''!r} (only line, column and bar charts are carried)"
            )
            continue
        start = getattr(chart.anchor, "_from", None)
        spec = ChartSpec(
            ws.title,
            kind,
            subtype,
            start.row if start else 0,
            start.col if start else 0,
            _size(chart.anchor),
            title,
        )
        spec.x_title = _text(getattr(chart.x_axis, "title", None))
        spec.y_title = _text(getattr(chart.y_axis, "title", None))
        for s in chart.series:
            values = _ref(s.val)
            if values is None:
                failed.append(f"{spec.describe()}: a series without a cell reference")
                break
            series = {"values": values}
            cats = _ref(s.cat)
            if cats:
                series["categories"] = cats
            name = getattr(getattr(s.tx, "strRef", None), "f", None) if s.tx is not None else None
            if name:
                series["name_ref"] = name
            elif s.tx is not None and getattr(s.tx, "v", None):
                series["name"] = str(s.tx.v)
            spec.series.append(series)
        else:
            specs.append(spec)
    return specs, failed


def write_chart(wb: Any, ws: Worksheet, spec: ChartSpec, repoint: Repointer) -> tuple[int, str]:
    """Re-make one chart on ``ws``; (references re-pointed, "" or why it was not carried).

    Every reference is re-pointed before the chart is made, so a chart is carried whole or
    not at all.
    """
    moved, serieses = 0, []
    for series in spec.series:
        out: dict[str, Any] = {}
        for name, target in (
            ("values", "values"),
            ("categories", "categories"),
            ("name_ref", "name"),
        ):
            if name in series:
                text, n, failed = repoint.formula("=" + series[name], spec.sheet)
                if failed:
                    return 0, f"{spec.describe()}: series {name} {failed[0]}"
                moved, out[target] = moved + n, text
        if "name" in series:
            out["name"] = series["name"]
        serieses.append(out)
    titles = {}
    for name, text in (("title", spec.title), ("x", spec.x_title), ("y", spec.y_title)):
        if text and text.startswith("="):
            text, n, failed = repoint.formula(text, spec.sheet)
            if failed:
                return 0, f"{spec.describe()}: title {failed[0]}"
            moved += n
        titles[name] = text
    chart = wb.add_chart({"type": spec.kind, **({"subtype": spec.subtype} if spec.subtype else {})})
    for out in serieses:
        chart.add_series(out)
    if titles["title"]:
        chart.set_title({"name": titles["title"]})
    if titles["x"]:
        chart.set_x_axis({"name": titles["x"]})
    if titles["y"]:
        chart.set_y_axis({"name": titles["y"]})
    width, height = spec.size
    scale = {"x_scale": width / DEFAULT_SIZE[0], "y_scale": height / DEFAULT_SIZE[1]}
    ws.insert_chart(spec.row, spec.col, chart, scale)
    return moved, ""
