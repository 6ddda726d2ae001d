"""Cell formats from the template: one xlsxwriter format per role and number format.

Roles follow the FAST colours: inputs blue on pale yellow, formulas black, links to other
sheets green; keys grey, headers on a pale fill. Fixed values (the timeline, the unit, the
tickers: set by the CSV files, changed by a rebuild) are dark grey on grey, like a label,
so that only what may be changed wears the input colours.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from modelgen.inputs.template import Template


class Styles:
    """Formats made on first use and shared, so the file holds each one once."""

    def __init__(self, workbook: Workbook, template: Template) -> None:
        self.wb = workbook
        self.t = template
        self._cache: dict[tuple[str, str], Format] = {}

    def _make(self, props: dict[str, Any]) -> Format:
        return self.wb.add_format({"font_name": "Calibri", "font_size": 10, **props})

    def get(self, role: str, fmt: str = "") -> Format:
        """A format for a cell `role` (input, carried, fixed, calc, link, key, label, unit,
        header, title, period)."""
        k = (role, fmt)
        if k not in self._cache:
            c = self.t.colours
            props: dict[str, Any] = {}
            if fmt:
                props["num_format"] = self.t.number_format(fmt)
            if role == "input":
                props.update(
                    font_color=c["input_font"],
                    bg_color=c["input_fill"],
                    border=1,
                    border_color="#BFBFBF",
                )
            elif role == "carried":  # an analyst's edit carried from --previous: unmissable
                props.update(
                    bold=True,
                    font_color=c["input_font"],
                    bg_color=c["carried_fill"],
                    border=2,
                    border_color=c["carried_border"],
                )
            elif role == "fixed":
                props.update(font_color=c["fixed_font"], bg_color=c["fixed_fill"])
            elif role == "calc":
                props.update(font_color=c["formula_font"])
            elif role == "link":
                props.update(font_color=c["link_font"])
            elif role == "key":
                props.update(font_color=c["key_font"], bg_color=c["key_fill"], font_size=8)
            elif role == "unit":
                props.update(font_color=c["key_font"], italic=True)
            elif role == "header":
                props.update(bold=True, font_color=c["header_font"], bg_color=c["header_fill"])
            elif role == "title":
                props.update(bold=True, font_size=14, font_color=c["title_font"])
            elif role == "period":
                props.update(bold=True, align="right", bottom=1, bg_color=c["header_fill"])
            elif role == "bold":
                props.update(bold=True, valign="top")  # level with wrapped text beside it
            elif role == "wrap":
                props.update(text_wrap=True, valign="top")
            elif role == "label_wrap":  # a label too long for column B, level with its row
                props.update(text_wrap=True)
            elif role == "ok":
                props.update(bold=True, bg_color=c["check_ok"])
            elif role == "fail":
                props.update(bold=True, bg_color=c["check_fail"])
            self._cache[k] = self._make(props)
        return self._cache[k]
