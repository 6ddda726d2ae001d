"""Amounts out of scale are caught; a model in whole dollars holds every check; build and
verify count the same checks and name the ones that fail.

An amount a thousand times its company's other figures of the column (dollars typed into a
`USD bn` model) is refused naming the file, line, figure, its neighbours and the unit, or,
with `allow_outliers`, read with a warning. Checks compare amounts within a tolerance that
grows with them, so the same model in dollars passes where it passes in billions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modelgen.build import build
from modelgen.engine.verify import verify
from modelgen.inputs.actuals import Fact
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.scale import outliers
from modelgen.inputs.timeline import Period
from tests.cli import ENV, run_modelgen
from tests.engine import engine, require_soffice
from tests.integration.test_inputs import (
    SHIPPED,
    all_problems,
    append,
    at,
    check,
    copy_shipped,
    replace_in,
    the_problem,
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_shipped(tmp_path / "inputs")


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped folder, with every column of financials.csv."""
    return Path(shutil.copytree(SHIPPED, tmp_path / "shipped"))


# --- amounts out of scale -------------------------------------------------------------


def test_dollars_in_a_billions_model_are_refused_naming_neighbours_and_unit(folder: Path) -> None:
    replace_in(folder, "capex.csv", "META,2024,37.3,", "META,2024,37300000000,")
    p = the_problem(folder)
    check(
        p,
        "capex.csv",
        9,
        "capex",
        (
            "META 2024 capex 37,300,000,000 USD bn",
            "more than 1,000 times",
            "27.6296 in 2023, line 8",
        ),
        ("enter it in USD bn (the unit of settings.csv)", "allow_outliers"),
    )


@pytest.mark.parametrize(
    "old, new, line, column, how",
    [
        ("MSFT,2024Q4,19.0,", "MSFT,2024Q4,19000000,", 8, "capex", "more than 1,000 times"),
        ("AMZN,2024,59.248,", "AMZN,2024,0.000059248,", 15, "net_income", "less than a thousandth"),
        (",52.795,32.1,", ",52795,32.1,", 15, "depreciation", "more than 1,000 times"),
        (
            ",11.178,11.020,",
            ",11.178,0.00001102,",
            18,
            "ppe_depreciation",
            "less than a thousandth",
        ),
        (",252.665,637.959,", ",252665000,637.959,", 15, "net_ppe", "more than 1,000 times"),
        (",252.665,637.959,", ",252.665,637959000,", 15, "revenue", "more than 1,000 times"),
    ],
)
def test_every_amount_column_is_checked(
    shipped: Path, old: str, new: str, line: int, column: str, how: str
) -> None:
    file = "capex.csv" if column == "capex" else "financials.csv"
    replace_in(shipped, file, old, new)
    check(the_problem(shipped), file, line, column, (how, "USD bn"), ("allow_outliers",))


def test_losses_zeros_and_a_decade_of_growth_are_in_scale(folder: Path) -> None:
    replace_in(folder, "financials.csv", "AMZN,2023,30.5155,", "AMZN,2023,-0.5,")
    replace_in(folder, "financials.csv", "GOOGL,2023,73.6029,", "GOOGL,2023,0,")
    replace_in(folder, "capex.csv", "META,2023,27.6296,", "META,2023,0.05,")  # 746 times less
    inputs = load_inputs(folder)
    assert at(inputs.net_income, "AMZN", "2023").value == -0.5
    assert at(inputs.capex, "META", "2023").value == 0.05
    assert not [w for w in inputs.warnings if "allow_outliers" in w]


def test_of_two_figures_the_other_companies_say_which_is_out_of_scale() -> None:
    two = {"X": {Period(2023): Fact(27.0, "", 2), Period(2024): Fact(37e9, "", 3)}}
    assert outliers(two) == {"X": [Period(2023), Period(2024)]}  # alone: both are named
    others = {"Y": {Period(2023): Fact(50.0, "", 4), Period(2024): Fact(60.0, "", 5)}}
    assert outliers({**two, **others}) == {"X": [Period(2024)]}
    small = {"X": {Period(2023): Fact(0.027, "", 2), Period(2024): Fact(37.0, "", 3)}}
    assert outliers({**small, **others}) == {"X": [Period(2023)]}


def test_one_figure_out_of_three_is_named_not_the_two_in_scale() -> None:
    three = {"X": {Period(y): Fact(v, "", y) for y, v in ((2022, 25.0), (2023, 27e9), (2024, 30))}}
    assert outliers(three) == {"X": [Period(2023)]}


@pytest.mark.parametrize("written", ["true", "TRUE", "yes", "1"])
def test_allow_outliers_reads_the_figure_with_a_warning(folder: Path, written: str) -> None:
    replace_in(folder, "capex.csv", "META,2024,37.3,", "META,2024,37300000000,")
    append(folder, "settings.csv", f"allow_outliers,{written}\n")
    inputs = load_inputs(folder)
    assert at(inputs.capex, "META", "2024").value == 37300000000
    assert inputs.settings.allow_outliers is True
    warned = [w for w in inputs.warnings if w.startswith("capex.csv, line 9, column capex: ")]
    assert len(warned) == 1 and "37,300,000,000 USD bn is more than 1,000 times" in warned[0]
    assert warned[0].endswith("read as it is, as allow_outliers is true in settings.csv")


def test_allow_outliers_is_true_or_false(folder: Path) -> None:
    append(folder, "settings.csv", "allow_outliers,maybe\n")
    p = the_problem(folder)
    check(p, "settings.csv", 9, "value", ('allow_outliers "maybe"', "true nor false"), ("true",))
    assert load_inputs(copy_shipped(folder.parent / "again")).settings.allow_outliers is False


def test_a_file_read_wrong_is_not_reported_again_as_out_of_scale(folder: Path) -> None:
    """A file mixing decimal marks is refused once, not also for the thousandfold figure its
    ambiguous number then makes."""
    replace_in(folder, "capex.csv", "MSFT,2024,75.6,", 'MSFT,2024,"75,6",')
    replace_in(folder, "capex.csv", "META,2024,37.3,", "META,2024,37.300,")
    assert len(all_problems(folder)) == 1


@pytest.mark.parametrize("allow", [False, True])
def test_1e308_is_out_of_range_without_a_warning_or_traceback(
    tmp_path: Path, folder: Path, allow: bool
) -> None:
    replace_in(folder, "capex.csv", "META,2024,37.3,", "META,2024,1e308,")
    if allow:
        append(folder, "settings.csv", "allow_outliers,true\n")
    env = {**ENV, "PYTHONWARNINGS": "default"}
    proc = run_modelgen("build", "--inputs", folder, "--out", tmp_path / "m.xlsx", env=env)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith('capex.csv, line 9, column capex: "1e308" is out of range'), (
        proc.stderr
    )
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "m.xlsx").exists()


# --- a model in whole dollars -----------------------------------------------------------

AMOUNTS = {
    "capex.csv": ("capex",),
    "financials.csv": ("net_income", "depreciation", "ppe_depreciation", "net_ppe", "revenue"),
    "guidance.csv": ("capex_low", "capex_high"),
    "opening_balances.csv": ("net_book_value",),
}


def in_dollars(source: Path, dest: Path) -> Path:
    """`source` with every amount × 1e9 and the unit `USD`: the same model in whole dollars."""
    import csv
    import io

    shutil.copytree(source, dest)
    for name, columns in AMOUNTS.items():
        path = dest / name
        header, *rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            for i, column in enumerate(header):
                if column in columns and row[i]:
                    row[i] = f"{round(float(row[i]) * 1e9)}"
            writer.writerow(row)
        path.write_text(out.getvalue(), encoding="utf-8")
    replace_in(dest, "settings.csv", "unit,USD bn", "unit,USD")
    return dest


def written_off(folder: Path) -> Path:
    """Two years of capex in dollars depreciated within a year, then a year without: the net
    book value comes back to 0 from amounts of 1e11, whose rounding alone is 1e-5."""
    folder.mkdir()
    files = {
        "companies.csv": "ticker,name,fiscal_year_end_month\nMSFT,Microsoft,12\n",
        "capex.csv": "ticker,period,capex\nMSFT,2021,299361000000\nMSFT,2022,339176000000\n"
        "MSFT,2023,0\n",
        "financials.csv": "ticker,period,net_income\n",
        "guidance.csv": "ticker,period,capex_low,capex_high\n",
        "assumptions.csv": "ticker,asset_class,share,useful_life_years\n*,servers,1,0.75\n",
        "settings.csv": "key,value\nunit,USD\ndepreciation_convention,half_year\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_checks_scale_with_the_amounts_they_compare(tmp_path: Path) -> None:
    result = build(written_off(tmp_path / "usd"), tmp_path / "usd.xlsx")
    assert result.check_results.failing == []
    written_off_at = result.model.value("PP&E", "net_book_value:MSFT", "2023")
    assert isinstance(written_off_at, float) and abs(written_off_at) < 1e-3


@engine
def test_the_shipped_model_in_whole_dollars_verifies_in_both_engines(tmp_path: Path) -> None:
    require_soffice()
    dollars = in_dollars(SHIPPED, tmp_path / "usd")
    assert at(load_inputs(dollars).capex, "AMZN", "2024").value == 77658000000
    for folder in (dollars, written_off(tmp_path / "written_off")):
        result = build(folder, tmp_path / f"{folder.name}.xlsx")
        passed, total = result.checks
        assert passed == total
        report = verify(result.out, engine="both")
        assert report.ok, "\n".join(report.lines())
        for engine_report in report.reports:
            assert engine_report.check_failures == 0
            assert engine_report.check_results.summary() == f"{total}/{total} checks passed"


# --- build and verify count the same checks and name those that fail --------------------


def mixed_units(shipped: Path) -> Path:
    """The issue's model: Meta's 2024 capex in dollars in a USD bn model, allowed."""
    replace_in(shipped, "capex.csv", "META,2024,37.256,", "META,2024,37256000000,")
    append(shipped, "settings.csv", "allow_outliers,true\n")
    return shipped


def test_build_names_the_checks_that_fail(shipped: Path, tmp_path: Path) -> None:
    out = tmp_path / "mixed.xlsx"
    proc = run_modelgen("build", "--inputs", mixed_units(shipped), "--out", out)
    assert proc.returncode == 0, proc.stderr
    summary, failing = proc.stdout.splitlines()[-2:]
    result = build(shipped, tmp_path / "again.xlsx")
    checks = result.check_results
    assert 0 < len(checks.failing) < checks.total
    assert summary.endswith(f", {checks.total - len(checks.failing)}/{checks.total} checks passed")
    assert failing == "  failing checks: " + ", ".join(checks.failing)
    assert all(key.endswith(":META") for key in checks.failing), checks.failing
    assert "warning: capex.csv, line 16, column capex: META 2024 capex" in proc.stderr


def test_verify_counts_and_names_the_checks_build_does(shipped: Path, tmp_path: Path) -> None:
    result = build(mixed_units(shipped), tmp_path / "mixed.xlsx")
    report = verify(result.out, engine="ironcalc")
    lines = report.lines()
    assert report.check_results.failing == result.check_results.failing
    assert lines[0].endswith(", " + result.check_results.summary()), lines[0]
    assert "  failing checks: " + ", ".join(result.check_results.failing) in lines
    proc = run_modelgen("verify", result.out, "--engine", "ironcalc")
    assert proc.returncode == 1 and proc.stdout.splitlines() == lines


def test_one_input_typed_over_fails_each_check_that_catches_it_once(
    shipped_book: Path, tmp_path: Path
) -> None:
    """`fade_years` typed over on Inputs, where the selected scenario sets it: the input's
    own check fails, and the scenario's match with the model for capex, depreciation and
    D&A / net income (three parts, each a check). Their summary row below check_failures
    fails too but is not counted or named again: the model with the typed value (as build
    reads its checks) and IronCalc's recalculation of the typed workbook (as verify reads
    them) report the same N/M and the same four names; check_failures is the sum of their
    periods, as before."""
    from modelgen.build import BuildResult
    from modelgen.formulas.evaluate import evaluate_rows
    from modelgen.inputs.template import load_template
    from modelgen.model import build_model
    from modelgen.xlsx.read_by_key import read_keyed
    from tests.package_xml import type_values

    fade = read_keyed(shipped_book)["Inputs"].rows["fade_years"]
    assert fade.constant == 3
    typed = type_values(shipped_book, tmp_path / "typed.xlsx", "Inputs", {fade.cells["D"]: 5})
    model = build_model(load_inputs(SHIPPED), load_template())
    row = model.sheets["Inputs"]["fade_years"]
    row.const_formula, row.const = None, 5.0  # the same cell typed over, in the model
    evaluate_rows(model.all_rows(), model.n_periods)
    built = BuildResult(typed, model).check_results
    checks = model.sheets["Checks"]
    above = checks.rows[: checks["check_failures"].number - 1]
    counted = [r.key for r in above if r.key and r.key.startswith("check_")]
    parts = ["capex", "depreciation", "depreciation_pct_net_income"]
    assert built.failing == [
        "check_scenario_input:fade_years",
        *(f"check_scenario_matches:{line}" for line in parts),
    ]
    assert built.total == len(counted) and "check_scenario_matches" not in counted
    assert dict(built.summaries)["check_scenario_matches"] == 5  # fails, summed up only
    forecast = sum(1 for p in model.timeline.periods if p.label > "2024")
    assert model.check_failures() == 1 + 3 * forecast
    report = verify(typed, engine="ironcalc")
    assert report.check_results == built
    assert report.check_failures == model.check_failures()
    head, failing = report.lines()[:2]
    assert head.endswith(f", {built.total - 4}/{built.total} checks passed"), head
    assert failing == "  failing checks: " + ", ".join(built.failing)


@engine
def test_both_engines_count_and_name_the_same_checks_as_build(
    shipped: Path, tmp_path: Path
) -> None:
    require_soffice()
    result = build(mixed_units(shipped), tmp_path / "mixed.xlsx")
    report = verify(result.out, engine="both")
    assert not report.disagreements and not any(r.mismatches for r in report.reports)
    for engine_report in report.reports:
        assert engine_report.check_results == result.check_results
