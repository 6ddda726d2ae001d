"""The data validations and conditional formats of an analyst's sheet, carried.

Read from OLD with openpyxl, written again with xlsxwriter, every formula in them (a list's
source range, a bound, a rule's condition) re-pointed by key and period like a cell's
formula. The common kinds are carried: validations of a list, a whole or decimal number, a
date, a time, a text length or a custom formula, with their messages; conditional formats
on a cell's value or on a formula, with a font colour, bold, italic and a fill. Any other
kind, and one whose reference cannot be re-pointed, is listed, never silently lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from modelgen.formulas.addresses import col_index
from modelgen.regenerate.repoint import Repointer, split_cell

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

__all__ = ["Rule", "read_rules", "rgb", "write_rules"]

#: OOXML's operators as xlsxwriter's criteria (a validation without one is "between")
CRITERIA = {
    None: "between",
    "between": "between",
    "notBetween": "not between",
    "equal": "==",
    "notEqual": "!=",
    "greaterThan": ">",
    "lessThan": "<",
    "greaterThanOrEqual": ">=",
    "lessThanOrEqual": "<=",
}
VALIDATIONS = {
    "list": "list",
    "whole": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "textLength": "length",
    "custom": "custom",
    None: "any",
}
FORMULA_KEYS = ("source", "value", "minimum", "maximum", "criteria")


@dataclass
class Rule:
    """A validation or conditional format: its ranges and its xlsxwriter options; the
    values of FORMULA_KEYS starting with "=" are formulas to re-point."""

    kind: str  # "validation" or "format"
    ranges: str  # "B2:B9 D4", as OLD wrote it
    options: dict[str, Any]
    style: dict[str, Any] | None = None  # a conditional format's font and fill
    priority: int = 0


def rgb(color: Any) -> str | None:
    """An openpyxl colour as "#RRGGBB"; None for theme and indexed colours."""
    value = getattr(color, "rgb", None) if color is not None else None
    if isinstance(value, str) and len(value) in (6, 8):
        return "#" + value[-6:]
    return None


def _operand(text: str | None) -> str | None:
    """A bound as OLD stores it: a number's text as it is, a formula "=" prefixed (to be
    re-pointed)."""
    if text is None:
        return None
    try:
        float(text)
    except ValueError:
        return "=" + str(text).removeprefix("=")
    return str(text)


def read_rules(ws: Any) -> tuple[list[Rule], list[str]]:
    """The validations and conditional formats of an openpyxl sheet; those not carried."""
    rules, failed = [], []
    for dv in ws.data_validations.dataValidation:
        where = f"{ws.title}!{dv.sqref}"
        validate = VALIDATIONS.get(dv.type, "")
        if not validate or (dv.operator not in CRITERIA):
            failed.append(f"{where}: a {dv.type} validation ({dv.operator})")
            continue
        opts: dict[str, Any] = {"validate": validate, "ignore_blank": bool(dv.allow_blank)}
        f1 = dv.formula1
        if validate == "list" and f1 and f1.startswith('"'):
            opts["source"] = f1[1:-1].replace('""', '"').split(",")
        elif validate in ("list", "custom"):
            opts["source" if validate == "list" else "value"] = "=" + (f1 or "").lstrip("=")
        elif validate != "any":
            opts["criteria"] = CRITERIA[dv.operator]
            if opts["criteria"] in ("between", "not between"):
                opts["minimum"], opts["maximum"] = _operand(f1), _operand(dv.formula2)
            else:
                opts["value"] = _operand(f1)
        if validate == "list":
            opts["dropdown"] = not dv.showDropDown  # OOXML's flag hides the arrow
        opts["show_input"], opts["show_error"] = (
            bool(dv.showInputMessage),
            bool(dv.showErrorMessage),
        )
        for key, text in (
            ("input_title", dv.promptTitle),
            ("input_message", dv.prompt),
            ("error_title", dv.errorTitle),
            ("error_message", dv.error),
        ):
            if text:
                opts[key] = text
        opts["error_type"] = dv.errorStyle or "stop"
        rules.append(Rule("validation", str(dv.sqref), opts))
    for cf in ws.conditional_formatting:
        for r in cf.rules:
            rule = _format_rule(r, str(cf.sqref))
            if rule is None:
                failed.append(f"{ws.title}!{cf.sqref}: a {r.type} conditional format")
            else:
                rules.append(rule)
    return rules, failed


def _format_rule(r: Any, ranges: str) -> Rule | None:
    formulas = list(r.formula or [])
    if r.type == "cellIs" and r.operator in CRITERIA and formulas:
        opts: dict[str, Any] = {"type": "cell", "criteria": CRITERIA[r.operator]}
        if opts["criteria"] in ("between", "not between"):
            if len(formulas) < 2:
                return None
            opts["minimum"], opts["maximum"] = _operand(formulas[0]), _operand(formulas[1])
        else:
            opts["value"] = _operand(formulas[0])
    elif r.type == "expression" and formulas:
        opts = {"type": "formula", "criteria": "=" + formulas[0].removeprefix("=")}
    else:
        return None
    if r.stopIfTrue:
        opts["stop_if_true"] = True
    return Rule("format", ranges, opts, _dxf(r.dxf), r.priority or 0)


def _dxf(dxf: Any) -> dict[str, Any]:
    """A conditional format's look as xlsxwriter format properties: font colour, bold,
    italic, fill colour and number format (borders and the rest stay behind)."""
    props: dict[str, Any] = {}
    font = getattr(dxf, "font", None)
    if font is not None:
        if rgb(font.color):
            props["font_color"] = rgb(font.color)
        if font.b:
            props["bold"] = True
        if font.i:
            props["italic"] = True
    fill = getattr(dxf, "fill", None)
    color = None
    for c in (getattr(fill, "bgColor", None), getattr(fill, "fgColor", None)):
        color = color or (rgb(c) if c is not None and c.rgb not in ("00000000",) else None)
    if color:
        props["bg_color"] = color
    fmt = getattr(dxf, "numFmt", None)
    if fmt is not None and getattr(fmt, "formatCode", None):
        props["num_format"] = fmt.formatCode
    return props


def write_rules(
    wb: Workbook, ws: Any, rules: list[Rule], repoint: Repointer
) -> tuple[int, int, list[str]]:
    """Write ``rules`` on ``ws``, re-pointed; (carried, references re-pointed, failures)."""
    carried, moved, failed = 0, 0, []
    for rule in sorted(rules, key=lambda r: (r.kind, r.priority)):
        opts, why = dict(rule.options), []
        for key in FORMULA_KEYS:
            value = opts.get(key)
            if isinstance(value, str) and value.startswith("="):
                opts[key], n, bad = repoint.formula(value, ws.name)
                moved, why = moved + n, why + bad
        kind = "validation" if rule.kind == "validation" else "conditional format"
        if why:
            failed.append(f"{ws.name}!{rule.ranges}: a {kind}, as {'; '.join(why)}")
            continue
        first, *more = rule.ranges.split()
        if more:
            opts["multi_range"] = rule.ranges
        if rule.kind == "format":
            opts["format"] = wb.add_format(rule.style or {})
            ws.conditional_format(*_box(first), opts)
        else:
            ws.data_validation(*_box(first), opts)
        carried += 1
    return carried, moved, failed


def _box(cells: str) -> tuple[int, int, int, int]:
    """``B2:C9`` (or ``B2``) -> zero-based (first row, first col, last row, last col)."""
    a, _, b = cells.partition(":")  # a range, not a key
    (_, c0, _, r0), (_, c1, _, r1) = split_cell(a), split_cell(b or a)
    return r0 - 1, col_index(c0), r1 - 1, col_index(c1)
