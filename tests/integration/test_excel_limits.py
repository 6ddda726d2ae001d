"""Excel refuses a formula over 8,192 characters; LibreOffice does not. A wide model (16 asset
classes, scenarios that vary every life and change them from a period) must stay within it,
and well within: the longest formula is what a reviewer has to read. Its workbook keeps
every other rule of Excel's too (modelgen.xlsx.lint), and every engine computes it alike."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from modelgen.build import BuildResult, build
from modelgen.engine.verify import verify
from modelgen.formulas.expressions import RenderContext
from modelgen.xlsx.lint import MAX_FORMULA, lint_file
from tests.engine import (
    assert_engine_agrees,
    engine,
    engine_profile,
    require_formualizer,
    require_soffice,
    require_ssconvert,
)
from tests.integration.test_excel_lint import longest_formula

CLASSES = 16


def _write(path: Path, header: str, rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header.split(","))
        out.writerows(rows)


def wide_model(folder: Path) -> Path:
    folder.mkdir()
    tickers = ("AAA", "BBB", "CCC")
    _write(
        folder / "companies.csv", "ticker,name,fiscal_year_end_month", [[t, t, 12] for t in tickers]
    )
    _write(
        folder / "capex.csv",
        "ticker,period,capex",
        [[t, y, 10 + y - 2015] for t in tickers for y in range(2015, 2025)],
    )
    _write(
        folder / "financials.csv",
        "ticker,period,net_income,depreciation,net_ppe",
        [[t, y, 20, 16, 60] for t in tickers for y in range(2022, 2025)],  # D&A above the model's
    )
    _write(folder / "guidance.csv", "ticker,period,capex_low,capex_high", [])
    _write(
        folder / "assumptions.csv",
        "ticker,asset_class,share,useful_life_years,in_service_lag_years",
        [["*", f"class{k:02d}", 1 / CLASSES, 3 + k, k % 3] for k in range(CLASSES)],
    )
    _write(
        folder / "opening_balances.csv",
        "ticker,asset_class,net_book_value,remaining_life_years",
        [[t, f"class{k:02d}", 5, 2 + k / 2] for t in tickers for k in range(CLASSES)],
    )
    _write(
        folder / "life_changes.csv",
        "ticker,asset_class,effective_from,useful_life_years",
        [["*", f"class{k:02d}", 2020, 4 + k] for k in range(0, CLASSES, 2)],
    )
    _write(folder / "settings.csv", "key,value", [["forecast_years", 5]])
    _write(
        folder / "scenarios.csv",
        "scenario,key,value",
        [
            [s, f"useful_life:*:class{k:02d}", 2 + k + i]
            for i, s in enumerate(("Short", "Long"))
            for k in range(CLASSES)
        ]
        + [["Long", f"useful_life_change:*:class{k:02d}:2022", 9 + k] for k in range(CLASSES)],
    )
    return folder


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The wide model and its workbook, built once (and linted as built)."""
    root = tmp_path_factory.mktemp("wide")
    return build(wide_model(root / "in"), root / "wide.xlsx")


@pytest.fixture(scope="module")
def wide_book(wide: BuildResult) -> Path:
    """The wide model's workbook."""
    return wide.out


def test_a_wide_model_keeps_every_formula_short(wide):
    model = wide.model  # build_model(load_inputs(...), load_template()), as the build made it
    longest, where = 0, ""
    for sheet in model.sheets.values():
        for row in sheet.rows:
            texts = []
            if row.const_formula is not None:
                texts.append(
                    row.const_formula.render(RenderContext(sheet.name, -1, model.n_periods))
                )
            if row.formula is not None:
                for col in (0, row.width - 1):
                    texts.append(
                        row.formula.render(RenderContext(sheet.name, col, model.n_periods))
                    )
            for text in texts:
                if len(text) > longest:
                    longest, where = len(text), f"{sheet.name}!{row.key}"
    assert longest < MAX_FORMULA, (longest, where)
    assert longest < 2000, (longest, where)  # well within: helper rows, not one long SUMPRODUCT
    assert model.check_failures() == 0


def test_the_wide_workbook_keeps_every_rule_of_excels(wide_book):
    book = wide_book
    assert lint_file(book) == []
    length, where = longest_formula(book)
    assert 0 < length < 2000, (length, where)


@engine
def test_both_engines_agree_with_every_cached_value_of_the_wide_model(wide_book):
    """16 asset classes, scenarios varying every life: LibreOffice and IronCalc each compute
    every formula to its cached value, and so agree with each other."""
    require_soffice()
    report = verify(wide_book, engine="both", profile=engine_profile())
    assert report.ok, report.lines(limit=10)
    assert all(r.formula_cells > 10_000 for r in report.reports), report.lines()


@engine
@pytest.mark.parametrize("name", ["gnumeric", "formualizer"])
def test_gnumeric_and_formualizer_compute_every_cached_value_of_the_wide_model(wide_book, name):
    """The third and fourth engines on the 16-class model (about 15 s each)."""
    {"gnumeric": require_ssconvert, "formualizer": require_formualizer}[name]()
    report = verify(wide_book, engine=name)
    assert report.formula_cells > 10_000
    assert_engine_agrees(report)
