"""Excel's rules (modelgen.xlsx.lint): each rule caught in a workbook made to break it, the
build failing as a modelgen bug (exit 70) without touching the old workbook, and the
shipped model and random models within every rule."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.worksheet.datavalidation import DataValidation
from typer.testing import CliRunner

from modelgen.build import build
from modelgen.cli import app
from modelgen.errors import ExcelRuleError
from modelgen.xlsx import lint
from modelgen.xlsx.lint import (
    ALLOWED_FUNCTIONS,
    LintedWorkbook,
    lint_file,
    lint_formula,
    lint_name,
    lint_sheet_name,
)
from modelgen.xlsx.validations import fit, title
from tests.package_xml import formula_texts

ROOT = Path(__file__).resolve().parents[2]


def _book(path: Path, *formulas: str) -> Path:
    """A workbook whose sheet S holds `formulas` in A1, A2, ... (written as they are)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for i, text in enumerate(formulas, start=1):
        ws.cell(i, 1, text)
    wb.save(path)
    return path


def _rules(path: Path, allowed=ALLOWED_FUNCTIONS) -> set[tuple[str, str]]:
    return {(b.where, b.rule) for b in lint_file(path, allowed)}


def test_a_formula_over_8192_characters(tmp_path):
    at_limit = "=1" + "+1" * 4095 + "0"  # 8,192 characters without "="
    over = at_limit + "0"
    assert len(at_limit) - 1 == lint.MAX_FORMULA == len(over) - 2
    book = _book(tmp_path / "b.xlsx", at_limit, over)  # on an analyst's sheet: Excel's limit
    assert _rules(book, allowed=None) == {("S!A2", "formula length")}


def test_more_than_64_levels_of_functions(tmp_path):
    def nested(n: int) -> str:
        return "=" + "ABS(" * n + "1" + ")" * n

    book = _book(tmp_path / "b.xlsx", nested(64), nested(65))
    assert _rules(book, allowed=None) == {("S!A2", "nesting")}


def test_modelgen_writes_no_formula_over_400_characters(tmp_path):
    at_limit = "=1" + "+1" * 199 + "0"  # 400 characters without "="
    over = at_limit + "0"
    assert len(at_limit) - 1 == lint.READABLE_FORMULA == len(over) - 2
    book = _book(tmp_path / "b.xlsx", at_limit, over)
    assert _rules(book) == {("S!A2", "formula length")}
    assert _rules(book, allowed=None) == set()  # an analyst's sheet: Excel's limit only


def test_modelgen_nests_brackets_at_most_5_levels(tmp_path):
    def nested(n: int, opener: str) -> str:
        return "=" + opener * n + "1" + ")" * n

    book = _book(
        tmp_path / "b.xlsx",
        nested(5, "ABS("),
        nested(6, "ABS("),
        nested(5, "("),
        nested(6, "("),  # brackets count as functions do
        "=MAX(1,(2+MIN(3,(4+ABS(5)))))",  # 5 levels
        "=MAX(1,(2+MIN(3,(4+ABS((5))))))",  # 6
    )
    assert lint.READABLE_NESTING == 5
    assert _rules(book) == {("S!A2", "nesting"), ("S!A4", "nesting"), ("S!A6", "nesting")}
    assert _rules(book, allowed=None) == set()


def test_more_than_255_arguments(tmp_path):
    book = _book(
        tmp_path / "b.xlsx",
        "=SUM(" + ",".join(["1"] * 255) + ")",
        "=SUM(" + ",".join(["1"] * 256) + ")",
        '=SUM("' + ",".join(["1"] * 300) + '")',  # commas in text are not arguments
    )
    assert _rules(book, allowed=None) == {("S!A2", "arguments")}


def test_only_the_functions_of_the_formula_rules(tmp_path):
    book = _book(
        tmp_path / "b.xlsx",
        "=IFERROR(INDEX(B1:B3,MATCH(1,C1:C3,0)),0)+ROUND(SUMIFS(B1:B3,C1:C3,1),2)",
        "=VLOOKUP(1,B1:C3,2,0)",
        "=SUM(OFFSET(B1,0,0,3,1))",
        "=\"VLOOKUP(1)\"&'VLOOKUP(x'!A1",  # text and a quoted sheet name are not calls
    )
    assert _rules(book) == {("S!A2", "function outside the formula rules")} | {
        ("S!A3", "function outside the formula rules")
    }
    assert _rules(book, allowed=None) == set()  # an analyst's sheet may use any


def test_the_docs_list_exactly_the_allowed_functions_and_modelgen_uses_no_other():
    readme = (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")
    listed = re.search(r"a function outside `([A-Z ]+)`", readme.replace("\n", " "))
    assert listed is not None
    assert set(listed.group(1).split()) == ALLOWED_FUNCTIONS
    code = (ROOT / "modelgen" / "formulas" / "functions.py").read_text(encoding="utf-8")
    used = set(re.findall(r'Func\("([A-Z.]+)"', code))
    assert used and used <= ALLOWED_FUNCTIONS


def test_newer_functions_need_the_xlfn_prefix(tmp_path):
    book = _book(tmp_path / "b.xlsx", "=IFNA(B1,0)", "=_xlfn.IFNA(B1,0)", "=_xlfn.STDEV.S(B1:B3)")
    assert _rules(book, allowed=None) == {("S!A1", "needs the _xlfn. prefix")}


def test_no_array_call_inside_sumproduct(tmp_path):
    book = _book(
        tmp_path / "b.xlsx",
        "=SUMPRODUCT(IF(B1:B3>0,1,0))",
        "=SUMPRODUCT(TRANSPOSE(B1:D1)*C1:C3)",
        "=SUMPRODUCT(B1:B3*(C1:C3>0))",  # coerced with *: fine
        "=IF(B1>0,SUMPRODUCT(B1:B3),0)+IF(B2>0,1,0)",  # IF outside SUMPRODUCT: fine
    )
    assert _rules(book) - {("S!A2", "function outside the formula rules")} == {
        ("S!A1", "array call inside SUMPRODUCT"),
        ("S!A2", "array call inside SUMPRODUCT"),
    }


def test_no_range_where_a_function_takes_a_value(tmp_path):
    book = _book(
        tmp_path / "b.xlsx",
        "=ABS(B1:B3)",  # Excel intersects the range with the formula's row
        "=MAX(1,ROUND((B1:B3)*2,0))",  # inside brackets too
        "=ABS(SUM(B1:B3))+SUMPRODUCT(ABS(B1:B3))",  # SUM takes the range; SUMPRODUCT maps ABS
        '=IF(B1=0,"a:b",INDEX(B1:B3,2))',  # a colon in text is no range
    )
    assert _rules(book) == {
        ("S!A1", "range where Excel takes a value"),
        ("S!A2", "range where Excel takes a value"),
    }


def test_unbalanced_parentheses():
    assert [r for r, _ in lint_formula("=SUM(1,2")] == ["unbalanced parentheses"]
    assert [r for r, _ in lint_formula("=SUM(1,2))")] == ["unbalanced parentheses"]
    assert lint_formula("=(1+2)*SUM((3),4)") == []


def test_validation_lists_titles_and_messages_within_excels_lengths(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    items = ",".join(f"item{i:03d}" for i in range(40))  # 319 characters
    for dv, cell in (
        (DataValidation(type="list", formula1=f'"{items}"'), "A1"),
        (DataValidation(type="list", formula1='"a,b,c"', promptTitle="x" * 33), "A2"),
        (DataValidation(type="whole", prompt="y" * 256, errorTitle="z" * 32), "A3"),
        (DataValidation(type="list", formula1="$B$1:$B$400", error="e" * 255), "A4"),
    ):
        ws.add_data_validation(dv)
        dv.add(cell)
    wb.save(tmp_path / "b.xlsx")
    assert _rules(tmp_path / "b.xlsx") == {
        ("S!A1", "inline list length"),
        ("S!A2", "validation input_title"),
        ("S!A3", "validation input_message"),
    }


def test_xlsxwriter_would_drop_a_validation_the_lint_refuses_it(tmp_path):
    wb = LintedWorkbook(str(tmp_path / "b.xlsx"))
    ws = wb.add_worksheet("S")
    with pytest.warns(UserWarning):  # xlsxwriter drops it, saying so only as a warning
        ws.data_validation(4, 3, 4, 3, {"validate": "list", "source": ["x" * 30] * 10})
    with pytest.raises(ExcelRuleError) as caught:
        wb.close()
    assert caught.value.exit_code == 70
    assert "S!D5: inline list length" in str(caught.value)
    assert not (tmp_path / "b.xlsx").exists()


def test_titles_are_cut_at_a_word_within_excels_limit():
    label = "Meta Platforms: share of capex, servers and network"
    cut = fit(label, lint.MAX_TITLE)
    assert len(cut) <= 32 and cut.endswith("…")
    assert label.startswith(cut[:-1]) and label[len(cut) - 1] in " ,"  # a word boundary
    assert fit("Capex", 32) == "Capex"
    assert title("Tax rate (companies without their own)") == "Tax rate"  # remarks go first
    assert title("Forecast years (rebuild)") == "Forecast years (rebuild)"  # fits: whole
    assert lint.utf16_len(fit("😀" * 40, 32)) <= 32  # Excel counts UTF-16 units


@pytest.mark.parametrize(
    "name",
    ["FY2025", "CY24", "A1", "xfd1048576", "R1C1", "R2", "C3", "RC", "r", "1x", "a-b", "x" * 256],
)
def test_defined_names_excel_refuses(name):
    assert [rule for rule, _ in lint_name(name, set())] == ["defined name"]


def test_defined_names_unique_ignoring_case_in_their_scope():
    seen: set[str] = set()
    assert lint_name("Capex_MSFT", seen) == []
    assert lint_name("FY_2025", seen) == [] and lint_name("x" * 255, seen) == []
    assert lint_name("S!Capex_MSFT", seen) == []  # a sheet's own name: another scope
    assert [r for r, _ in lint_name("CAPEX_msft", seen)] == ["defined name"]


def test_a_bad_defined_name_fails_the_workbook(tmp_path):
    wb = LintedWorkbook(str(tmp_path / "b.xlsx"))
    wb.add_worksheet("S")
    with pytest.warns(UserWarning):
        wb.define_name("FY2025", "=S!$A$1")
    with pytest.raises(ExcelRuleError, match="name FY2025: defined name"):
        wb.close()


@pytest.mark.parametrize("name", ["x" * 32, "a/b", "a[1]", "what?", "a:b", "'quoted'", ""])
def test_sheet_names_excel_refuses(name):
    assert lint_sheet_name(name, set())


def test_sheet_names_unique_ignoring_case(tmp_path):
    seen: set[str] = set()
    assert lint_sheet_name("x" * 31, seen) == [] and lint_sheet_name("Capex", seen) == []
    assert lint_sheet_name("CAPEX", seen)
    wb = LintedWorkbook(str(tmp_path / "b.xlsx"))
    wb.add_worksheet("Capex")
    with pytest.raises(ExcelRuleError, match="sheet 'capex'"):
        wb.add_worksheet("capex")
    with pytest.raises(ExcelRuleError, match="sheet 'P&L: 2025'"):
        wb.add_worksheet("P&L: 2025")


def test_a_print_header_over_255_characters(tmp_path):
    wb = LintedWorkbook(str(tmp_path / "b.xlsx"))
    ws = wb.add_worksheet("S")
    ws.set_footer("&C" + "x" * 253)  # 255: fits
    with pytest.warns(UserWarning):
        ws.set_header("&C" + "x" * 254)
    with pytest.raises(ExcelRuleError, match="S header: print header"):
        wb.close()


def test_formulas_and_conditional_formats_are_linted_when_the_workbook_closes(tmp_path):
    wb = LintedWorkbook(str(tmp_path / "b.xlsx"))
    ws = wb.add_worksheet("S")
    ws.write_formula(2, 1, "=SUM(A1:A2)", None, 0)
    ws.write_formula(3, 1, "=VLOOKUP(1,A1:B2,2,0)", None, 0)
    ws.conditional_format(0, 0, 3, 0, {"type": "formula", "criteria": "=ISBLANK(A1)"})
    with pytest.raises(ExcelRuleError) as caught:
        wb.close()
    assert {(b.where, b.rule) for b in caught.value.breaches} == {
        ("S!B4", "function outside the formula rules"),
        ("S!A1:A4", "function outside the formula rules"),
    }
    assert not (tmp_path / "b.xlsx").exists()
    other = LintedWorkbook(str(tmp_path / "c.xlsx"))
    other.add_worksheet("Mine").write_formula(0, 0, "=VLOOKUP(1,B1:C2,2,0)", None, 0)
    other.foreign_sheets = {"Mine"}  # an analyst's sheet: any function
    other.close()
    assert lint_file(tmp_path / "c.xlsx", allowed=None) == []


def test_a_build_that_breaks_a_rule_is_a_bug_and_leaves_the_old_workbook(
    tmp_path, shipped_inputs, shipped_book, monkeypatch
):
    out = tmp_path / "model.xlsx"
    shutil.copyfile(shipped_book, out)  # the old workbook: what a build of them writes
    before = out.read_bytes()
    monkeypatch.setattr(lint, "READABLE_FORMULA", 100)  # as if modelgen wrote longer formulas
    with pytest.raises(ExcelRuleError) as caught:
        build(shipped_inputs, out)
    message = str(caught.value)
    assert "bug in modelgen" in message and "formula length" in message
    assert re.search(r"[A-Za-z& ]+![A-Z]+[0-9]+: formula length", message)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.xlsx"]  # no temporary left
    result = CliRunner().invoke(app, ["build", "--inputs", str(shipped_inputs), "--out", str(out)])
    assert result.exit_code == 70, result.output
    assert out.read_bytes() == before


def longest_formula(path: Path) -> tuple[int, str]:
    """The longest formula of a workbook file (characters without `=`) and its cell."""
    return max(((len(text), where) for where, text in formula_texts(path)), default=(0, ""))


def test_the_shipped_model_is_within_every_rule(shipped_book):
    out = shipped_book  # what a build of the shipped inputs writes
    assert lint_file(out) == []
    length, where = longest_formula(out)
    assert length <= 200, (length, where)  # docs/formulas.md: the shipped model's limit
    titles = 0
    for ws in openpyxl.load_workbook(out).worksheets:
        for dv in ws.data_validations.dataValidation:
            if not dv.promptTitle:
                continue
            for cells in dv.sqref.ranges:
                label = ws.cell(cells.min_row, 2).value
                short = re.sub(r"\s*\([^()]*\)", "", label)
                cut = dv.promptTitle.removesuffix("…")
                titles += 1
                assert dv.promptTitle in (label, short) or (
                    dv.promptTitle.endswith("…")
                    and short.startswith(cut)
                    and short[len(cut)] in " ,:;-"
                ), (dv.promptTitle, label)  # whole, without remarks, or cut at a word
    assert titles > 100


@pytest.mark.parametrize("folder", ["varied", "quarterly"])
def test_the_test_folders_are_within_every_rule(tmp_path, folder):
    out = build(ROOT / "tests" / "data" / folder, tmp_path / "model.xlsx").out
    assert lint_file(out) == []


def test_an_analysts_sheet_may_use_any_function(tmp_path, shipped_inputs, shipped_book):
    old = Path(shutil.copyfile(shipped_book, tmp_path / "old.xlsx"))
    wb = openpyxl.load_workbook(old)
    wb.create_sheet("Mine")["B2"] = "=AVERAGE(Capex!E5:G5)+VLOOKUP(1,Capex!D5:E9,2,0)"
    wb.save(old)
    new = build(shipped_inputs, tmp_path / "new.xlsx", previous=old).out  # linted: it builds
    assert "AVERAGE(" in dict(formula_texts(new))["Mine!B2"]
    assert {b.where for b in lint_file(new)} == {"Mine!B2"}  # ours would not be allowed it


def _long(value: str) -> str:
    """A formula of 500 characters and 8 levels of functions: over modelgen's readable
    limits (400, 5), within Excel's (8,192, 64)."""
    inner = f"ROUND({value}" + "+0" * 208 + ",4)"
    for _ in range(7):
        inner = f"IF(1>0,{inner},0)"
    assert len(inner) == 500 and inner.count("(") == 8
    return "=" + inner


def test_a_formula_written_as_an_addition_keeps_excels_limits_alone(tmp_path):
    """Within `additions()` (what build --previous carries) a formula written into one of
    modelgen's sheets, or onto a sheet added then, is held to Excel's limits and may use any
    function; modelgen's own formulas, before and after, to the readable ones."""
    from modelgen.xlsx.workbook import ModelSheet

    long = _long("1.000")
    wb = LintedWorkbook(str(tmp_path / "ok.xlsx"))
    ours = wb.add_worksheet("Ours", worksheet_class=ModelSheet)
    ours.write_formula(0, 0, "=SUM(B1:B2)", None, 0)
    with wb.additions():
        ours.write_formula(1, 0, long, None, 1)
        ours.write_formula(2, 0, "=_xlfn.STDEV.S(B1:B2)", None, 0)
        wb.add_worksheet("Mine").write_formula(0, 0, "=" + long[1:] + "+MEDIAN(1,2)", None, 2.5)
    ours.write_formula(3, 0, "=MAX(B1:B2)", None, 0)  # modelgen's again (the Cover)
    wb.close()
    texts = dict(formula_texts(tmp_path / "ok.xlsx"))
    assert texts["Ours!A2"] == long[1:] and texts["Ours!A3"] == "_xlfn.STDEV.S(B1:B2)"
    assert {b.where for b in lint_file(tmp_path / "ok.xlsx")} == {"Ours!A2", "Ours!A3", "Mine!A1"}

    mine = LintedWorkbook(str(tmp_path / "ours.xlsx"))  # the same formula written as modelgen's
    mine.add_worksheet("Ours", worksheet_class=ModelSheet).write_formula(0, 0, long, None, 1)
    with pytest.raises(ExcelRuleError) as caught:
        mine.close()
    assert {(b.where, b.rule) for b in caught.value.breaches} == {
        ("Ours!A1", "formula length"),
        ("Ours!A1", "nesting"),
    }
    excel = LintedWorkbook(str(tmp_path / "excel.xlsx"))  # Excel's limits hold for additions
    sheet = excel.add_worksheet("Ours", worksheet_class=ModelSheet)
    with excel.additions():
        sheet.write_formula(0, 0, "=1" + "+1" * 4096, None, 0)
        sheet.write_formula(1, 0, "=" + "ABS(" * 65 + "1" + ")" * 65, None, 1)
    with pytest.raises(ExcelRuleError) as caught:
        excel.close()
    assert {(b.where, b.rule) for b in caught.value.breaches} == {
        ("Ours!A1", "formula length"),
        ("Ours!A2", "nesting"),
    }


def test_an_analysts_long_formula_carried_into_a_build_never_fails_it(
    tmp_path, shipped_inputs, shipped_book
):
    """500 characters, 8 levels, typed into an input of modelgen's Inputs sheet (saved with
    its value, as Excel saves it) and on the analyst's own sheet: build --previous carries
    both and builds; the input keeps the analyst's value (an input is a number: its formula
    is carried as what it computes), the sheet the formula itself, and IronCalc computes the
    cached value of every formula of the new workbook."""
    from modelgen.api import verify
    from modelgen.xlsx.read_by_key import read_keyed
    from tests.package_xml import Typed, repack, type_values

    cell = read_keyed(shipped_book)["Inputs"].rows["tie_tolerance"].cells["D"]
    typed = type_values(
        shipped_book, tmp_path / "typed.xlsx", "Inputs", {cell: Typed(_long("0.060"), 0.06)}
    )
    old = repack(typed, tmp_path / "old.xlsx", add={"Mine": {"A1": _long("1.000")}})
    result = build(shipped_inputs, tmp_path / "new.xlsx", previous=old)
    assert [(e.key, e.status, e.edited) for e in result.carry.edits] == [
        ("tie_tolerance", "carried", 0.06)
    ]
    new = result.out
    assert read_keyed(new, data_only=True)["Inputs"].rows["tie_tolerance"].constant == 0.06
    assert "=" + dict(formula_texts(new))["Mine!A1"] == _long("1.000")
    mine = openpyxl.load_workbook(new, read_only=True, data_only=True)["Mine"]
    assert next(mine.iter_rows(max_row=1, max_col=1, values_only=True)) == (1,)
    report = verify(new, engine="ironcalc")
    assert not report.mismatches and not report.errors, report.lines()[:5]


def test_random_models_are_within_every_rule(tmp_path):
    from tests.engine.test_random_models import generate
    from tests.strategies import CLASSY, WIDE

    examples = generate(3, WIDE, tmp_path / "wide") + generate(3, CLASSY, tmp_path / "classy")
    for i, ex in enumerate(examples):
        book = build(ex.folder, tmp_path / f"model{i}.xlsx").out  # linted while built
        assert lint_file(book) == [], ex.folder


def test_a_universe_of_more_than_255_companies_is_within_every_rule(tmp_path):
    """The benchmark's universe above 255 companies: a formula with one argument per company
    broke Excel's 255 arguments there (the Annual sheet's shading did, until the lint caught
    it). The build lints what it writes, so building it is the test; three years of
    actuals are enough (what breaks is the number of companies)."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from universe import write_universe
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = write_universe(tmp_path / "universe", 260, view="closed_form", years=3)
    assert build(folder, tmp_path / "universe.xlsx").out.exists()


def test_the_plain_writer_is_the_linted_one():
    """Every workbook modelgen writes goes through LintedWorkbook (xlsxwriter's own class is
    named nowhere else in the writer)."""
    sources = (ROOT / "modelgen").rglob("*.py")
    plain = [
        p.relative_to(ROOT)
        for p in sources
        if "xlsxwriter.Workbook(" in p.read_text(encoding="utf-8")
    ]
    assert plain == [], plain
    assert xlsxwriter.Workbook in LintedWorkbook.__mro__
