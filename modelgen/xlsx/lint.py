"""Excel's rules, checked on what modelgen writes: a build that would write something Excel
refuses fails with :class:`ExcelRuleError` (a modelgen bug, exit 70) before the old
workbook is replaced.

Excel's limits are defined here once; the writer's modules take them from here. The rules:

- formulas: at most `MAX_FORMULA` characters, `MAX_NESTING` levels of function calls
  (modelgen's own: `READABLE_FORMULA` characters and `READABLE_NESTING` levels of brackets;
  an analyst's, carried onto a sheet of its own or into a cell of modelgen's, keep Excel's),
  `MAX_ARGUMENTS` arguments to one function, balanced parentheses; only the functions of
  the formula rules (`ALLOWED_FUNCTIONS`, listed in docs/workbook.md); a function newer than Excel
  2007 carries its `_xlfn.` prefix; no call that needs array entry (`IF`, `TRANSPOSE`...)
  inside `SUMPRODUCT`, where Excel 365 would intersect it implicitly; no range where a
  function takes a value (`ABS(A1:A3)` outside `SUMPRODUCT`: Excel would intersect it);
- data validations: an inline list within `MAX_LIST` characters, titles within `MAX_TITLE`
  and messages within `MAX_MESSAGE` (xlsxwriter drops a validation over them with only a
  warning);
- defined names Excel accepts (`is_valid_name`), unique ignoring case in their scope;
- sheet names within `MAX_SHEET_NAME` characters, none of `[]:*?/\\`, unique ignoring case;
  print headers and footers within `MAX_HEADER`.

`LintedWorkbook` is the xlsxwriter workbook the writer uses: it checks validations, names
and sheets as they are added (xlsxwriter would drop or refuse them) and every formula when
it closes, before a byte is written. Formulas are parsed once per shape (the text without
digits and `$`: each company's row and each row's columns share a few shapes), so a
universe of 900,000 formulas costs a length test and a dictionary look-up each.
`lint_file` checks any .xlsx read with openpyxl, for the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import CellArrayFormulaTuple, CellFormulaTuple, Worksheet

from modelgen.errors import ExcelRuleError

MAX_FORMULA = 8192  # characters of a formula's text
MAX_NESTING = 64  # levels of function calls, one inside another
MAX_ARGUMENTS = 255  # arguments to one function
MAX_LIST = 255  # characters of an inline validation list
MAX_TITLE = 32  # characters of a validation's input or error title
MAX_MESSAGE = 255  # characters of a validation's input or error message
MAX_NAME = 255  # characters of a defined name
MAX_SHEET_NAME = 31  # characters of a sheet name
MAX_HEADER = 255  # characters of a print header or footer
SHEET_NAME_BAD = "[]:*?/\\"
#: what a reviewer reads in one glance (docs/formulas.md): modelgen's own formulas are at
#: most this long and nest brackets (function calls and parentheses) at most this deep;
#: an analyst's formula, carried, is not held to them (`LintedWorkbook.additions`)
READABLE_FORMULA = 400
READABLE_NESTING = 5

#: the functions of the formula rules (README, "The workbook"): in Excel 2010+, LibreOffice
#: and Google Sheets alike
ALLOWED_FUNCTIONS = frozenset(
    "SUM SUMIFS SUMPRODUCT MIN MAX IF AND OR INDEX MATCH ABS ROUND IFERROR".split()
)
#: calls that return an array only under array entry: inside SUMPRODUCT, Excel 365
#: intersects them implicitly where LibreOffice computes the array
ARRAY_ENTRY = frozenset("IF IFS IFERROR IFNA TRANSPOSE CHOOSE SWITCH".split())
#: functions of the rules that take values, not ranges: given a range outside SUMPRODUCT,
#: Excel intersects it with the formula's row or column (inside, Excel maps it over the
#: range, as LibreOffice does; IronCalc takes its first cell, which is an engine's concern)
VALUES_ONLY = frozenset("ABS ROUND IF IFERROR".split())
#: functions newer than Excel 2007, which Excel reads only with the `_xlfn.` prefix
NEEDS_PREFIX = frozenset(
    """ACOT ACOTH AGGREGATE ARABIC ARRAYTOTEXT BASE BETA.DIST BETA.INV BINOM.DIST
    BINOM.DIST.RANGE BINOM.INV BITAND BITLSHIFT BITOR BITRSHIFT BITXOR BYCOL BYROW
    CEILING.MATH CEILING.PRECISE CHISQ.DIST CHISQ.DIST.RT CHISQ.INV CHISQ.INV.RT CHISQ.TEST
    CHOOSECOLS CHOOSEROWS COMBINA CONCAT CONFIDENCE.NORM CONFIDENCE.T COT COTH COVARIANCE.P
    COVARIANCE.S CSC CSCH DAYS DECIMAL DROP ERF.PRECISE ERFC.PRECISE EXPAND EXPON.DIST F.DIST
    F.DIST.RT F.INV F.INV.RT F.TEST FILTER FILTERXML FLOOR.MATH FLOOR.PRECISE FORECAST.ETS
    FORECAST.ETS.CONFINT FORECAST.ETS.SEASONALITY FORECAST.ETS.STAT FORECAST.LINEAR
    FORMULATEXT GAMMA GAMMA.DIST GAMMA.INV GAMMALN.PRECISE GAUSS HSTACK HYPGEOM.DIST IFNA IFS
    IMAGE IMCOSH IMCOT IMCSC IMCSCH IMSEC IMSECH IMSINH IMTAN ISFORMULA ISOMITTED ISOWEEKNUM
    LAMBDA LET LOGNORM.DIST LOGNORM.INV MAKEARRAY MAP MAXIFS MINIFS MODE.MULT MODE.SNGL MUNIT
    NEGBINOM.DIST NETWORKDAYS.INTL NORM.DIST NORM.INV NORM.S.DIST NORM.S.INV NUMBERVALUE
    PDURATION PERCENTILE.EXC PERCENTILE.INC PERCENTRANK.EXC PERCENTRANK.INC PERMUTATIONA PHI
    POISSON.DIST QUARTILE.EXC QUARTILE.INC RANDARRAY RANK.AVG RANK.EQ REDUCE RRI SCAN SEC SECH
    SEQUENCE SHEET SHEETS SINGLE SKEW.P SORT SORTBY STDEV.P STDEV.S SWITCH T.DIST T.DIST.2T
    T.DIST.RT T.INV T.INV.2T T.TEST TAKE TEXTAFTER TEXTBEFORE TEXTJOIN TEXTSPLIT TOCOL TOROW
    UNICHAR UNICODE UNIQUE VALUETOTEXT VAR.P VAR.S VSTACK WEBSERVICE WEIBULL.DIST WORKDAY.INTL
    WRAPCOLS WRAPROWS XLOOKUP XMATCH XOR Z.TEST""".split()
)
_PREFIXES = ("_XLFN.", "_XLWS.")

# Defined names. A1 style: up to three letters and digits (also beyond XFD: harmless to
# avoid); R1C1 style: R, C, R1, C12, RC, R1C1.
_A1 = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1 = re.compile(r"[Rr][0-9]*([Cc][0-9]*)?|[Cc][0-9]*")
_NAME_BAD = re.compile(r"[^A-Za-z0-9_.]")

# The tokens of a formula that matter to its structure; everything else is skipped. Text
# and quoted sheet names come first so that nothing inside them counts.
_TOKEN = re.compile(
    r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|\{[^}]*\}|\[[^\]]*\]"
    r"|([A-Za-z_\\][A-Za-z0-9_.]*)\(|[(),:]"
)
_SHAPE_DROP = b"0123456789$"
_MAX_SHAPES = 200_000


@dataclass(frozen=True)
class Breach:
    """One rule broken: where (`Sheet!A1`, `name X`, `sheet X`), the rule, and how."""

    where: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule} ({self.detail})"


def utf16_len(text: str) -> int:
    """Characters as Excel counts them (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def looks_like_cell(name: str) -> bool:
    """Whether Excel would read `name` as a cell reference (A1 or R1C1 style)."""
    return bool(_A1.fullmatch(name) or _R1C1.fullmatch(name))


def is_valid_name(name: str) -> bool:
    """Whether `name` is a legal Excel defined name."""
    return (
        0 < len(name) <= MAX_NAME
        and (name[0].isascii() and (name[0].isalpha() or name[0] == "_"))
        and not _NAME_BAD.search(name)
        and not looks_like_cell(name)
    )


def _base(name: str) -> str:
    upper = name.upper()
    while upper.startswith(_PREFIXES):
        upper = upper[6:]
    return upper


def lint_formula_structure(
    text: str, allowed: frozenset[str] | None = ALLOWED_FUNCTIONS
) -> list[tuple[str, str]]:
    """(rule, detail) for each rule `text` (a formula without `=`) breaks, its length aside;
    `allowed=None` takes any function (an analyst's sheet)."""
    found: list[tuple[str, str]] = []
    stack: list[list[Any]] = []  # [function name or None, commas, holds a range]
    depth = sumproducts = 0
    readable = allowed is not None
    for m in _TOKEN.finditer(text):
        token = m.group()
        name = m.group(1)
        if name is not None:
            base = _base(name)
            prefixed = len(base) < len(name)
            if base in NEEDS_PREFIX and not prefixed:
                found.append(("needs the _xlfn. prefix", name))
            if allowed is not None and base not in allowed:
                found.append(("function outside the formula rules", name))
            depth += 1
            if depth == MAX_NESTING + 1:
                found.append(("nesting", f"more than {MAX_NESTING} levels of functions"))
            if sumproducts and base in ARRAY_ENTRY:
                found.append(("array call inside SUMPRODUCT", f"{name} needs array entry"))
            sumproducts += base == "SUMPRODUCT"
            stack.append([base, 0, False])
            if readable and len(stack) == READABLE_NESTING + 1:
                found.append(("nesting", f"more than {READABLE_NESTING} levels of brackets"))
        elif token == "(":
            stack.append([None, 0, False])
            if readable and len(stack) == READABLE_NESTING + 1:
                found.append(("nesting", f"more than {READABLE_NESTING} levels of brackets"))
        elif token == ",":
            if stack:
                stack[-1][1] += 1
        elif token == ":":
            if stack:
                stack[-1][2] = True
        elif token == ")":
            if not stack:
                found.append(("unbalanced parentheses", "a ) without its ("))
                continue
            base, commas, ranged = stack.pop()
            if base is None:  # a bracket: its range is its function's
                if stack and ranged:
                    stack[-1][2] = True
            else:
                if ranged and base in VALUES_ONLY and not sumproducts:
                    found.append(("range where Excel takes a value", f"{base} of a range"))
                depth -= 1
                sumproducts -= base == "SUMPRODUCT"
                if commas + 1 > MAX_ARGUMENTS:
                    found.append(("arguments", f"{base} has {commas + 1}, at most {MAX_ARGUMENTS}"))
    if stack:
        found.append(("unbalanced parentheses", f"{len(stack)} ( not closed"))
    return found


def lint_formula(
    text: str, allowed: frozenset[str] | None = ALLOWED_FUNCTIONS
) -> list[tuple[str, str]]:
    """(rule, detail) for each rule the formula `text` (with or without `=`) breaks."""
    text = text[1:] if text.startswith("=") else text
    found = []
    limit = _length_limit(allowed)
    if len(text) > limit:
        found.append(("formula length", f"{len(text):,} characters, at most {limit:,}"))
    return found + lint_formula_structure(text, allowed)


def _length_limit(allowed: frozenset[str] | None) -> int:
    """Excel's limit for an analyst's formula (`allowed` None), the readable one for ours."""
    return MAX_FORMULA if allowed is None else READABLE_FORMULA


def lint_validation(options: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule, detail) for each limit a data validation breaks; `options` as xlsxwriter takes
    them (`source` a list is an inline list)."""
    found = []
    source = options.get("source", options.get("value"))
    if options.get("validate") == "list" and isinstance(source, list | tuple):
        length = utf16_len(",".join(str(s) for s in source))
        if length > MAX_LIST:
            found.append(
                ("inline list length", f"{length} characters, at most {MAX_LIST}: use a range")
            )
    for key, limit in (
        ("input_title", MAX_TITLE),
        ("error_title", MAX_TITLE),
        ("input_message", MAX_MESSAGE),
        ("error_message", MAX_MESSAGE),
    ):
        text = options.get(key)
        if text and utf16_len(str(text)) > limit:
            found.append(
                (f"validation {key}", f"{utf16_len(str(text))} characters, at most {limit}")
            )
    return found


def lint_name(name: str, seen: set[str]) -> list[tuple[str, str]]:
    """(rule, detail) if `name` is not a name Excel accepts or repeats one of `seen` (case
    folded, with its scope: `Sheet!name` is local); adds it to `seen`."""
    scope, _, local = name.rpartition("!")
    found = []
    if not is_valid_name(local):
        why = "reads as a cell reference" if looks_like_cell(local) else "not a valid name"
        if len(local) > MAX_NAME:
            why = f"{len(local)} characters, at most {MAX_NAME}"
        found.append(("defined name", why))
    fold = f"{scope.casefold()}!{local.casefold()}"
    if fold in seen:
        found.append(("defined name", "defined twice, ignoring case"))
    seen.add(fold)
    return found


def lint_sheet_name(name: str, seen: set[str]) -> list[tuple[str, str]]:
    """(rule, detail) if Excel would refuse `name` as a sheet's name; adds it to `seen`."""
    found = []
    if not name or utf16_len(name) > MAX_SHEET_NAME:
        found.append(("sheet name", f"{utf16_len(name)} characters, 1 to {MAX_SHEET_NAME}"))
    bad = "".join(sorted(set(name) & set(SHEET_NAME_BAD)))
    if bad:
        found.append(("sheet name", f"holds {bad}"))
    if name.startswith("'") or name.endswith("'"):
        found.append(("sheet name", "starts or ends with '"))
    if name.casefold() in seen:
        found.append(("sheet name", "used twice, ignoring case"))
    seen.add(name.casefold())
    return found


class FormulaLint:
    """Formulas checked one by one, each shape (the text without digits and `$`) parsed
    once: a shape's rules are known after its first formula."""

    def __init__(self) -> None:
        # one table of shapes per set of allowed functions (None: any function)
        self.shapes: dict[frozenset[str] | None, dict[bytes, list[tuple[str, str]]]] = {}

    def table(self, allowed: frozenset[str] | None) -> dict[bytes, list[tuple[str, str]]]:
        """The shapes seen so far under `allowed`, each with the rules it breaks."""
        if sum(len(t) for t in self.shapes.values()) > _MAX_SHAPES:
            self.shapes.clear()
        return self.shapes.setdefault(allowed, {})

    def check(
        self, text: str, where: Any, allowed: frozenset[str] | None, out: list[Breach]
    ) -> None:
        """Append to `out` the rules `text` breaks; `where()` names the cell, lazily."""
        limit = _length_limit(allowed)
        if len(text) > limit:
            detail = f"{len(text):,} characters, at most {limit:,}"
            out.append(Breach(where(), "formula length", detail))
        shapes = self.shapes.setdefault(allowed, {})
        key = text.encode().translate(None, _SHAPE_DROP)
        found = shapes.get(key)
        if found is None:
            found = shapes[key] = lint_formula_structure(text, allowed)
        out.extend(Breach(where(), rule, detail) for rule, detail in found)


class LintedWorksheet(Worksheet):
    """An xlsxwriter worksheet whose validations are checked as they are added, and which
    remembers the formulas written into it while the workbook takes additions
    (`LintedWorkbook.additions`): an analyst's, held to Excel's limits alone."""

    breaches: list[Breach]
    taking_additions = False  # set by LintedWorkbook.additions while it is open
    carried: set[tuple[int, int]] | None = None  # (row, column) of each formula written then

    def _write_formula(self, row, col, formula, cell_format=None, value=0):  # type: ignore[no-untyped-def, override]
        if self.taking_additions:
            self._carry(row, col)
        return super()._write_formula(row, col, formula, cell_format, value)

    def _write_array_formula(self, first_row, first_col, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        if self.taking_additions:
            self._carry(first_row, first_col)
        return super()._write_array_formula(first_row, first_col, *args, **kwargs)

    def _carry(self, row: int, col: int) -> None:
        if self.carried is None:
            self.carried = set()
        self.carried.add((row, col))

    def data_validation(self, first_row, first_col, last_row=None, last_col=None, options=None):  # type: ignore[no-untyped-def, override]
        if isinstance(first_row, int) and isinstance(first_col, int):
            where = f"{self.name}!{xl_rowcol_to_cell(first_row, first_col)}"
            for rule, detail in lint_validation(options or {}):
                self.breaches.append(Breach(where, rule, detail))
        return super().data_validation(first_row, first_col, last_row, last_col, options)

    def set_header(self, header: str = "", options: dict[str, Any] | None = None, margin=None):  # type: ignore[no-untyped-def, override]
        self._lint_header("header", header)
        return super().set_header(header, options, margin)

    def set_footer(self, footer: str = "", options: dict[str, Any] | None = None, margin=None):  # type: ignore[no-untyped-def, override]
        self._lint_header("footer", footer)
        return super().set_footer(footer, options, margin)

    def _lint_header(self, which: str, text: str) -> None:
        if utf16_len(text) > MAX_HEADER:  # xlsxwriter would drop it with a warning
            detail = f"{utf16_len(text)} characters, at most {MAX_HEADER}"
            self.breaches.append(Breach(f"{self.name} {which}", f"print {which}", detail))


class LintedWorkbook(xlsxwriter.Workbook):
    """The writer's workbook: Excel's rules checked on what is added, and on every formula
    when it closes; a breach raises :class:`ExcelRuleError` and nothing is written.

    The readable limits and the formula rules' functions hold for the formulas modelgen
    generates, and only for them: what is written within `additions()` (an analyst's work,
    carried) keeps Excel's limits alone, whether on a sheet of its own (`foreign_sheets`) or
    in a cell of one of modelgen's sheets (the sheet's `carried` cells)."""

    def __init__(self, filename: str, options: dict[str, Any] | None = None) -> None:
        super().__init__(filename, options)
        self.breaches: list[Breach] = []
        self.foreign_sheets: set[str] = set()
        self._sheet_names: set[str] = set()
        self._names: set[str] = set()

    def add_worksheet(self, name=None, worksheet_class=None):  # type: ignore[no-untyped-def, override]
        if name is not None:
            found = lint_sheet_name(name, self._sheet_names)
            if found:  # xlsxwriter would raise an exception of its own
                raise ExcelRuleError([Breach(f"sheet {name!r}", r, d) for r, d in found])
        ws = super().add_worksheet(name, worksheet_class or LintedWorksheet)
        ws.breaches = self.breaches
        return ws

    @contextmanager
    def additions(self) -> Iterator[None]:
        """While open, what is written is not modelgen's: the sheets added become
        `foreign_sheets`, and each formula written into a sheet already there is one of
        that sheet's `carried` cells."""
        ours = list(self.worksheets())  # a copy: the workbook's own list grows
        for ws in ours:
            ws.taking_additions = True
        try:
            yield
        finally:
            for ws in ours:
                ws.taking_additions = False
            self.foreign_sheets |= {ws.name for ws in self.worksheets()} - {w.name for w in ours}

    def define_name(self, name: str, formula: str) -> int:  # type: ignore[override]
        self.breaches.extend(Breach(f"name {name}", r, d) for r, d in lint_name(name, self._names))
        return super().define_name(name, formula)

    def lint(self) -> list[Breach]:
        """Every breach so far, the formulas of every sheet included."""
        out = list(self.breaches)
        formulas = FormulaLint()
        for ws in self.worksheets():
            allowed = None if ws.name in self.foreign_sheets else ALLOWED_FUNCTIONS
            carried = getattr(ws, "carried", None) or set()
            _lint_table(ws, allowed, formulas, out, carried)
            for cell_range, rules in ws.cond_formats.items():
                for rule in rules:
                    criteria = rule.get("criteria")
                    if rule.get("type") == "expression" and isinstance(criteria, str):
                        where = f"{ws.name}!{cell_range}"
                        formulas.check(criteria.removeprefix("="), lambda w=where: w, allowed, out)
        return out

    def close(self) -> None:
        breaches = self.lint()
        if breaches:
            raise ExcelRuleError(breaches)
        super().close()


def _lint_table(
    ws: Worksheet,
    allowed: frozenset[str] | None,
    formulas: FormulaLint,
    out: list[Breach],
    carried: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> None:
    """The formulas of `ws`, the `carried` cells (an analyst's) under Excel's rules alone.
    The usual case, a short formula of a shape already seen and sound, costs a type test, a
    length test and a look-up; anything else takes the long way."""
    shapes, drop, limit = formulas.table(allowed), _SHAPE_DROP, _length_limit(allowed)
    for r, cells in ws.table.items():
        for c, cell in cells.items():
            kind = type(cell)
            if kind is not CellFormulaTuple and kind is not CellArrayFormulaTuple:
                continue
            text = cell.formula
            if carried and (r, c) in carried:
                where = f"{ws.name}!{xl_rowcol_to_cell(r, c)}"
                formulas.check(text, lambda w=where: w, None, out)
                continue
            if len(text) <= limit and shapes.get(text.encode().translate(None, drop)) == []:
                continue
            formulas.check(
                text, lambda r=r, c=c: f"{ws.name}!{xl_rowcol_to_cell(r, c)}", allowed, out
            )


def lint_file(path: Path, allowed: frozenset[str] | None = ALLOWED_FUNCTIONS) -> list[Breach]:
    """Every rule the workbook at `path` breaks, read with openpyxl (for tests and audits)."""
    import openpyxl
    from openpyxl.worksheet.formula import ArrayFormula

    wb = openpyxl.load_workbook(path)
    out: list[Breach] = []
    sheets: set[str] = set()
    for name in wb.sheetnames:
        out.extend(Breach(f"sheet {name!r}", r, d) for r, d in lint_sheet_name(name, sheets))
    names: set[str] = set()
    for name in wb.defined_names:
        out.extend(Breach(f"name {name}", r, d) for r, d in lint_name(name, names))
    formulas = FormulaLint()
    for ws in wb.worksheets:
        for name in ws.defined_names:
            local = f"{ws.title}!{name}"
            out.extend(Breach(f"name {local}", r, d) for r, d in lint_name(local, names))
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                text = v.text if isinstance(v, ArrayFormula) else v
                if cell.data_type == "f" and isinstance(text, str):
                    formulas.check(
                        text.removeprefix("="),
                        lambda ws=ws, cell=cell: f"{ws.title}!{cell.coordinate}",
                        allowed,
                        out,
                    )
        for dv in ws.data_validations.dataValidation:
            first = str(dv.sqref).split()[0].split(":")[0]  # a range, not a key
            where = f"{ws.title}!{first}"
            options: dict[str, Any] = {
                "validate": dv.type,
                "input_title": dv.promptTitle,
                "error_title": dv.errorTitle,
                "input_message": dv.prompt,
                "error_message": dv.error,
            }
            f1 = dv.formula1 or ""
            if dv.type == "list" and f1.startswith('"'):
                options["source"] = [f1[1:-1].replace('""', '"')]
            out.extend(Breach(where, r, d) for r, d in lint_validation(options))
    return out
