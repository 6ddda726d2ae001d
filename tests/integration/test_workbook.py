"""The written file itself, read back with openpyxl: contract, text safety, reproducibility."""

from __future__ import annotations

import hashlib
import re
import shutil

import openpyxl
import pytest

from modelgen.build import build
from tests.cli import run_modelgen

# no scenarios.csv in tests/data/varied, so no Scenarios sheet
SHEETS = [
    "Cover",
    "Inputs",
    "Capex",
    "Growth",
    "Depreciation",
    "PP&E",
    "Profit Impact",
    "Annual",
    "Sensitivity",
    "Sensitivity Workings",
    "Charts",
    "Checks",
]


@pytest.fixture(scope="module")
def varied_book(tmp_path_factory, varied_inputs):
    out = tmp_path_factory.mktemp("wb") / "varied.xlsx"
    build(varied_inputs, out)
    return out


def test_sheets_columns_and_keys(varied_book):
    wb = openpyxl.load_workbook(varied_book)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == SHEETS
    for name in SHEETS[1:]:
        ws = wb[name]
        keys = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
        assert "period" in keys
        r = keys.index("period") + 1
        labels = [ws.cell(r, c).value for c in range(5, 14)]
        if name == "Sensitivity":  # a two-way table: its columns are long-run growth rates
            assert labels[:7] == [f"growth {j}" for j in range(1, 8)]
        else:
            assert labels == [str(y) for y in range(2019, 2028)]  # text, not numbers
        assert ws.freeze_panes == ("A3" if name == "Charts" else "E3")  # charts span B on
        assert len([k for k in keys if k]) == len({k for k in keys if k})  # unique keys


def test_required_keys_exist(varied_book):
    wb = openpyxl.load_workbook(varied_book)
    keys = {name: {c.value for c in wb[name]["A"] if c.value} for name in SHEETS[1:]}
    for t in ("ALFA", "BETA", "GAMA"):
        assert {f"capex:{t}"} <= keys["Capex"]
        assert {f"capex_yoy:{t}", f"capex_share:{t}"} <= keys["Growth"]
        assert {f"depreciation:{t}", f"depreciation_opening:{t}"} <= keys["Depreciation"]
        assert {
            f"construction_in_progress:{t}",
            f"accumulated_depreciation:{t}",
            f"net_ppe_opening:{t}",
            f"net_book_value:{t}",
            f"depreciation_other:{t}",
            f"depreciation_and_amortization:{t}",
            f"depreciation_explained:{t}",
            f"net_ppe_variance:{t}",
        } <= keys["PP&E"]
        assert {
            f"net_income:{t}",
            f"depreciation_pct_net_income:{t}",
            f"run_rate_depreciation:{t}",
            f"run_rate_depreciation_pct_net_income:{t}",
            f"after_tax_depreciation:{t}",
        } <= keys["Profit Impact"]
        assert {f"capex_actual:{t}", f"useful_life:{t}:servers", f"share:{t}:servers"} <= keys[
            "Inputs"
        ]
    assert "depreciation_vintage:BETA:land_improvements:2020" in keys["Depreciation"]
    assert {"capex:TOTAL"} <= keys["Capex"] and {"capex_yoy:TOTAL"} <= keys["Growth"]
    assert {"depreciation:TOTAL"} <= keys["Depreciation"] and "check_failures" in keys["Checks"]
    for setting in (
        "long_run_capex_growth",
        "fade_years",
        "earnings_growth",
        "revenue_growth",
        "share_count_growth",
        "per_share_scale",
        "tax_rate",
        "depreciation_convention",
    ):
        assert setting in keys["Inputs"]


def test_calculation_sheets_hold_only_formulas(varied_book):
    wb = openpyxl.load_workbook(varied_book)
    for name in ("Capex", "Growth", "Depreciation", "PP&E", "Profit Impact", "Checks"):
        for row in wb[name].iter_rows(min_col=4):
            for cell in row:
                if isinstance(cell.value, int | float):
                    pytest.fail(f"{name}!{cell.coordinate} holds a typed number {cell.value}")


def test_text_from_csv_is_text_never_a_formula(varied_book):
    wb = openpyxl.load_workbook(varied_book)
    cover = "\n".join(str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value)
    assert '=HYPERLINK("http://example.com","Gamma")' in cover
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate} is a formula"
    # source notes starting with + - @ stay comments with the text as given
    inputs = wb["Inputs"]
    notes = [c.comment.text for row in inputs.iter_rows() for c in row if c.comment]
    assert any("+first year" in n for n in notes)


def test_inputs_are_styled_as_inputs_and_formulas_not(varied_book):
    wb = openpyxl.load_workbook(varied_book)
    ws = wb["Inputs"]
    life = next(c for c in ws["A"] if c.value == "useful_life:BETA:servers")
    cell = ws.cell(life.row, 4)
    assert cell.value == 4.5
    assert cell.font.color.rgb.endswith("0000FF") and cell.fill.fgColor.rgb.endswith("FFFFCC")


STRUCTURE = ("period_start", "fiscal_year", "fiscal_quarter", "period_length")
STRUCTURE += ("periods_per_year", "forecast_years", "frequency", "unit", "per_share_scale")
STRUCTURE += ("fiscal_year_end_month", "ticker", "asset_class", "scenario_name")


@pytest.mark.parametrize("which", ["varied", "quarterly"])
def test_only_inputs_wear_the_input_colours(tmp_path, varied_book, quarterly_inputs, which):
    """A cell on a yellow fill is one to change: never a formula, never the timeline, the
    unit or a ticker, which are grey (fixed); every assumption and actual stays yellow."""
    book = varied_book
    if which == "quarterly":
        book = tmp_path / "q.xlsx"
        build(quarterly_inputs, book)
    wb = openpyxl.load_workbook(book)
    yellow = fixed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=3):
            kind = str(row[0].value or "").split("@")[0].split(":")[0]
            for cell in row[3:]:
                fill = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else ""
                if str(fill).endswith("FFFFCC"):
                    yellow += 1
                    assert kind not in STRUCTURE, f"{ws.title}!{cell.coordinate}"
                    assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                elif ws.title == "Inputs" and kind in STRUCTURE and cell.value is not None:
                    assert str(fill).endswith("D9D9D9"), f"{kind} at {cell.coordinate}"
                    assert cell.font.color.rgb.endswith("404040")
                    fixed += 1
    ws = wb["Inputs"]
    kinds = {str(c.value).split(":")[0] for c in ws["A"] if c.value}
    assert set(STRUCTURE) - {"fiscal_quarter", "scenario_name"} <= kinds  # no scenarios here
    periods = ws.max_column - 4
    assert fixed >= 2 * periods + 6  # period start and fiscal year in every period, and more
    assert yellow > 100


def calc_properties(path) -> str:
    """The workbook's <calcPr> element, as Excel reads it."""
    import zipfile

    xml = zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    return re.search(r"<calcPr[^>]*/>", xml).group(0)


def test_excel_does_not_recalculate_on_open_nor_ask_to_save(varied_book):
    """Every cached value is right, so no fullCalcOnLoad, and the calculation engine id of
    Excel 2019/365, so that Excel does not recalculate a file it takes for an older one."""
    calc = calc_properties(varied_book)
    assert "fullCalcOnLoad" not in calc and 'calcId="191029"' in calc
    assert "calcMode" not in calc  # automatic: an input changed recalculates what follows


def test_cover_lists_every_input_file_with_its_sha256(varied_book, varied_inputs):
    wb = openpyxl.load_workbook(varied_book)
    text = {str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value}
    for f in sorted(varied_inputs.glob("*.csv")):
        assert hashlib.sha256(f.read_bytes()).hexdigest() in text, f.name


def test_same_inputs_give_the_same_bytes(tmp_path, varied_inputs):
    inputs = tmp_path / "in"
    shutil.copytree(varied_inputs, inputs)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    build(inputs, a)
    build(inputs, b)
    assert a.read_bytes() == b.read_bytes()


def test_cli_build_prints_sheets_and_summary(tmp_path, varied_inputs):
    out = tmp_path / "m.xlsx"
    run = run_modelgen("build", "--inputs", varied_inputs, "--out", out)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    wrote = [ln.removeprefix("  wrote sheet ") for ln in lines if ln.startswith("  wrote sheet ")]
    assert wrote == SHEETS[1:] + ["Cover"]
    assert "3 companies, 9 periods" in lines[-1]
    assert re.search(r" (\d+)/\1 checks passed$", lines[-1]), lines[-1]
    quiet = run_modelgen("build", "-q", "--inputs", varied_inputs, "--out", out)
    assert quiet.returncode == 0 and quiet.stdout == ""


def test_init_writes_a_folder_that_builds(tmp_path):
    from typer.testing import CliRunner

    from modelgen.cli import app

    runner = CliRunner()
    folder = tmp_path / "new"
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    from modelgen.inputs.folder import INPUT_FILES

    assert sorted(p.name for p in folder.iterdir()) == sorted(INPUT_FILES)  # every one read
    result = runner.invoke(
        app, ["build", "--inputs", str(folder), "--out", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["init", str(folder)])
    assert again.exit_code == 2  # never overwrites
