"""What an analyst can break by typing where they should not, and the checks that say so.

Each workbook is typed into as an analyst would (a fiscal year, a period start, an input a
scenario sets; tests/package_xml.py), recalculated by LibreOffice, and read back: the
untouched workbooks pass every check, each edited one fails the check meant for it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from modelgen.build import build
from modelgen.xlsx.read_by_key import read_keyed
from tests.engine import engine, recalc_many
from tests.package_xml import read_once, type_values

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"
# typed over the scenario's value; revenue growth, not earnings growth, moves the shipped
# companies' net income (they have revenue: earnings before D&A follow it at a margin)
TYPED = {"tax_rate": 0.30, "revenue_growth": 0.20}


def _typed(src: Path, out: Path, edits: list[tuple[str, str, object]]) -> Path:
    """A copy of `src` with Inputs cells (key, period or "D") set to values."""
    cells = read_keyed(read_once(src))["Inputs"].rows
    return type_values(src, out, "Inputs", {cells[k].cells[p]: v for k, p, v in edits})


def _scenario_folder(dst: Path) -> Path:
    """The shipped inputs with Bull also setting the tax rate and revenue growth, and Meta
    without a rate of its own (so that the tax_rate setting reaches its net income)."""
    shutil.copytree(SHIPPED, dst)
    companies = (dst / "companies.csv").read_text(encoding="utf-8")
    (dst / "companies.csv").write_text(companies.replace(",12,0.1175,", ",12,,"), encoding="utf-8")
    with open(dst / "scenarios.csv", "a", encoding="utf-8") as f:
        f.write("Bull,tax_rate,0.15,test\nBull,revenue_growth,0.08,test\n")
    return dst


def _cover_line(path: Path, label: str) -> object:
    """Column B of the Cover row whose column A holds `label`."""
    cover = read_once(path).sheets["Cover"].values
    rows = sorted(r for r, c in cover if c == 1)
    return next(cover.get((r, 2)) for r in rows if cover[r, 1] == label)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, varied_inputs, quarterly_inputs):
    tmp = tmp_path_factory.mktemp("typed")
    books: dict[str, Path] = {}
    annual, quarterly = tmp / "annual.xlsx", tmp / "quarterly.xlsx"
    build(varied_inputs, annual)
    build(quarterly_inputs, quarterly)
    scenarios = tmp / "scenarios.xlsx"
    build(_scenario_folder(tmp / "scenario_inputs"), scenarios)
    books["annual"], books["quarterly"], books["scenarios"] = annual, quarterly, scenarios
    books["first_year"] = _typed(annual, tmp / "first_year.xlsx", [("fiscal_year", "2019", 2018)])
    books["start"] = _typed(annual, tmp / "start.xlsx", [("period_start", "2023", 2023.5)])
    books["length"] = _typed(annual, tmp / "length.xlsx", [("period_length", "D", 2)])
    # a first quarter: its year typed as the next
    q1 = read_keyed(read_once(quarterly))["Inputs"].periods[4]
    assert q1.endswith("Q1")
    books["quarter"] = _typed(
        quarterly, tmp / "quarter.xlsx", [("fiscal_year", q1, int(q1[:4]) + 1)]
    )
    for key, value in TYPED.items():
        books[key] = _typed(scenarios, tmp / f"{key}.xlsx", [(key, "D", value)])
    outs = recalc_many(list(books.values()), tmp)
    return {name: (books[name], out) for name, out in zip(books, outs, strict=True)}


def _checks(recalculated, name: str) -> dict[str, object]:
    rows = read_keyed(read_once(recalculated[name][1]))["Checks"].rows
    return {k: r.constant for k, r in rows.items() if k.startswith("check_")}


@engine
def test_untouched_workbooks_pass_every_check(recalculated):
    for name in ("annual", "quarterly", "scenarios"):
        checks = _checks(recalculated, name)
        assert checks["check_failures"] == 0, (name, {k: v for k, v in checks.items() if v})
        assert checks["check_timeline"] == 0
    line = _cover_line(recalculated["scenarios"][1], "Scenario inputs")
    assert line.startswith("Every input the scenario sets holds")


@engine
def test_annual_sheet_adds_up_to_the_periods(recalculated):
    keyed = read_keyed(read_once(recalculated["annual"][1]))
    for t in ("ALFA", "BETA", "GAMA"):
        periods = sum(v or 0 for v in keyed["Capex"].rows[f"capex:{t}"].values.values())
        years = sum(v or 0 for v in keyed["Annual"].rows[f"capex:FY:{t}"].values.values())
        assert years == pytest.approx(periods, rel=1e-12)
        assert keyed["Checks"].rows[f"check_annual_ties:{t}"].constant == 0


@engine
def test_a_fiscal_year_typed_over_fails_the_annual_and_timeline_checks(recalculated):
    """FY 2019 typed as 2018: the Annual sheet's years start a year early and lose 2027."""
    keyed = read_keyed(read_once(recalculated["first_year"][1]))
    checks = _checks(recalculated, "first_year")
    assert checks["check_timeline"] == 1  # one period's fiscal year is not its start's
    for t in ("ALFA", "BETA", "GAMA"):
        capex = keyed["Capex"].rows[f"capex:{t}"].values
        years = sum(v or 0 for v in keyed["Annual"].rows[f"capex:FY:{t}"].values.values())
        periods = sum(v or 0 for v in capex.values())
        assert years == pytest.approx(periods - capex["2027"], rel=1e-9)  # 2027 fell out
        assert checks[f"check_annual_ties:{t}"] == 1
    assert checks["check_failures"] >= 4


@engine
def test_a_period_start_typed_over_fails_the_timeline_check(recalculated):
    checks = _checks(recalculated, "start")
    assert checks["check_timeline"] == 1 and checks["check_failures"] >= 1


@engine
def test_a_period_length_typed_over_fails_the_timeline_check_in_every_later_period(
    recalculated,
):
    periods = read_keyed(read_once(recalculated["length"][1]))["Inputs"].periods
    checks = _checks(recalculated, "length")
    assert checks["check_timeline"] == len(periods) - 1  # all but the first period


@engine
def test_a_quarter_moved_to_another_fiscal_year_fails_the_timeline_check(recalculated):
    """A quarter's fiscal year typed as the next: every total still adds up (the Annual
    sheet only moved the quarter between its years), so it is the timeline check that says."""
    checks = _checks(recalculated, "quarter")
    assert checks["check_timeline"] == 1 and checks["check_failures"] >= 1


@engine
@pytest.mark.parametrize("key", list(TYPED))
def test_an_input_the_scenario_sets_typed_over_is_caught(recalculated, key):
    generated, out = recalculated[key]
    rows = read_keyed(generated)["Inputs"].rows
    wb = openpyxl.load_workbook(generated, read_only=True)  # styles, and only Inputs is read
    typed, name = (wb["Inputs"][rows[k].cells["D"]] for k in (key, "scenario_name:Bull"))
    wb.close()
    assert rows[key].label.endswith("(the chosen scenario's: change its row below)")
    assert not str(typed.fill.fgColor.rgb).endswith("FFFFCC")  # a formula
    assert name.value == "Bull" and str(name.fill.fgColor.rgb).endswith("D9D9D9")  # fixed
    checks = _checks(recalculated, key)
    assert checks[f"check_scenario_input:{key}"] == 1
    assert checks["check_scenario_matches"] >= 1  # the Scenarios sheet's net income differs
    assert (
        checks["check_failures"]
        == checks[f"check_scenario_input:{key}"] + checks["check_scenario_matches"]
    )
    assert _cover_line(out, "Scenario inputs").startswith("An input the scenario sets was typed")
    assert _cover_line(out, "Check status") == "Checks failing: see the Checks sheet"
