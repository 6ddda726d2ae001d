"""Quarters: the timeline, years vs quarters, the quarterly model and calendar years.

The Snowflake tests ingest the real SEC company-facts file, build, recalculate with
LibreOffice and check values against arithmetic done here from the CSV rows.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from modelgen.build import build
from modelgen.engine.verify import compare
from modelgen.inputs.csvread import InputError
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.timeline import Period, make_timeline, parse_period, quarter_end_calendar_year
from modelgen.sec.ingest import ingest_sec
from modelgen.xlsx.read_by_key import read_keyed
from tests.engine import engine, recalc_many

ROOT = Path(__file__).resolve().parents[2]
SNOWFLAKE = ROOT / "tests" / "data" / "sec" / "snowflake-companyfacts.json"


# --- the timeline -------------------------------------------------------------------------


def test_periods_parse_shift_and_place():
    assert parse_period("2025Q1") == Period(2025, 1) and parse_period("2024") == Period(2024)
    assert parse_period("2025Q5") is None and parse_period("25Q1") is None
    assert Period(2025, 4).shift(1) == Period(2026, 1) and Period(2025, 1).shift(-1) == Period(
        2024, 4
    )
    assert Period(2025, 3).start == 2025.5 and Period(2025).start == 2025.0
    assert Period(2024) < Period(2024, 1) < Period(2024, 4) < Period(2025)


def test_quarter_end_calendar_year():
    # Microsoft: fiscal 2025 runs July 2024 to June 2025
    assert [quarter_end_calendar_year(Period(2025, q), 6) for q in (1, 2, 3, 4)] == [
        2024,
        2024,
        2025,
        2025,
    ]
    # Snowflake: fiscal 2025 runs February 2024 to January 2025
    assert [quarter_end_calendar_year(Period(2025, q), 1) for q in (1, 2, 3, 4)] == [
        2024,
        2024,
        2024,
        2025,
    ]
    assert [quarter_end_calendar_year(Period(2025, q), 12) for q in (1, 2, 3, 4)] == [2025] * 4


def test_quarterly_timeline_runs_to_the_end_of_the_last_forecast_year():
    tl = make_timeline("quarterly", Period(2024, 3), Period(2026, 1), 2)
    assert tl.labels[0] == "2024Q3" and tl.labels[-1] == "2028Q4" and tl.length == 0.25
    assert len(tl.periods) == 2 + 4 * 4
    assert make_timeline("annual", Period(2023), Period(2024), 5).labels[-1] == "2029"


# --- years and quarters in the inputs -----------------------------------------------------


def _folder(tmp_path: Path, capex_rows: str, settings: str = "") -> Path:
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "tests" / "data" / "article", folder)
    (folder / "companies.csv").write_text("ticker,name,fiscal_year_end_month\nACME,Acme,6\n")
    (folder / "capex.csv").write_text("ticker,period,capex,source\n" + capex_rows)
    (folder / "financials.csv").write_text("ticker,period,net_income,source\n")
    (folder / "guidance.csv").write_text("ticker,period,capex_low,capex_high,source\n")
    (folder / "settings.csv").write_text("key,value\n" + settings)
    return folder


def test_a_year_given_both_ways_must_match_its_quarters(tmp_path):
    rows = "ACME,2024,10,x\nACME,2024Q1,2,x\nACME,2024Q2,2,x\nACME,2024Q3,3,x\nACME,2024Q4,2.5,x\n"
    with pytest.raises(InputError) as err:
        load_inputs(_folder(tmp_path, rows))
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.column) == ("capex.csv", 2, "capex")
    assert "lines 3, 4, 5, 6" in problem.message and "9.5" in problem.message
    assert "quarter_sum_tolerance" in problem.hint


def test_annual_model_sums_complete_quarters_and_keeps_detail(tmp_path):
    rows = "ACME,2023,8,x\nACME,2024Q1,2,x\nACME,2024Q2,2,x\nACME,2024Q3,3,x\nACME,2024Q4,2.5,x\nACME,2025Q1,4,x\n"
    inputs = load_inputs(_folder(tmp_path, rows))
    assert inputs.capex["ACME"][Period(2024)].value == 9.5
    assert Period(2025) not in inputs.capex["ACME"]  # one quarter is not a year
    assert inputs.capex_quarters["ACME"][Period(2025, 1)].value == 4


def test_quarterly_model_refuses_a_year_given_only_as_a_whole_inside_the_quarters(tmp_path):
    rows = "ACME,2023Q3,1,x\nACME,2023Q4,1,x\nACME,2024,9,x\nACME,2025Q1,2,x\n"
    with pytest.raises(InputError) as err:
        load_inputs(_folder(tmp_path, rows, "frequency,quarterly\n"))
    messages = [str(p) for p in err.value.problems]
    assert any(
        "capex.csv, line 4, column period: ACME 2024 is given only as a year" in m for m in messages
    )


def test_quarterly_model_leaves_out_earlier_annual_history_with_a_warning(tmp_path):
    rows = "ACME,2022,5,x\nACME,2023Q1,1,x\nACME,2023Q2,1,x\nACME,2023Q3,1,x\nACME,2023Q4,1,x\n"
    inputs = load_inputs(_folder(tmp_path, rows, "frequency,quarterly\n"))
    assert inputs.timeline.labels[0] == "2023Q1"
    assert any(
        "2022 is given only as a year, before its first quarter" in w for w in inputs.warnings
    )


def test_guidance_must_be_for_a_fiscal_year(tmp_path):
    folder = _folder(tmp_path, "ACME,2024,9,x\n")
    (folder / "guidance.csv").write_text(
        "ticker,period,capex_low,capex_high,source\nACME,2025Q1,3,,x\n"
    )
    with pytest.raises(InputError) as err:
        load_inputs(folder)
    assert "guidance is for fiscal years" in str(err.value)


# --- Snowflake, quarterly, from the SEC file ---------------------------------------------


def _csv(path: Path, column: str) -> dict[str, float]:
    with open(path, newline="", encoding="utf-8") as f:
        return {r["period"]: float(r[column]) for r in csv.DictReader(f)}


def _snowflake(
    tmp: Path, name: str, settings: str, guidance: str, base: Path | None = None
) -> Path:
    folder = tmp / name
    if base is not None:
        shutil.copytree(base, folder)
    else:
        folder.mkdir()
        (folder / "companies.csv").write_text("ticker,name,fiscal_year_end_month\n")
        (folder / "capex.csv").write_text("ticker,period,capex,source\n")
        (folder / "financials.csv").write_text("ticker,period,net_income,source\n")
        (folder / "guidance.csv").write_text("ticker,period,capex_low,capex_high,source\n")
        (folder / "assumptions.csv").write_text(
            "ticker,asset_class,share,useful_life_years\n*,servers,0.7,5\n*,buildings,0.3,20\n"
        )
    (folder / "settings.csv").write_text("key,value\n" + settings)
    ingest_sec(SNOWFLAKE, "SNOW", folder)
    with open(folder / "guidance.csv", "a", encoding="utf-8") as f:
        f.write(guidance)
    return folder


@pytest.fixture(scope="module")
def snow(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("snow")
    quarterly = _snowflake(
        tmp,
        "quarterly",
        "frequency,quarterly\nunit,USD m\nforecast_years,2\ndepreciation_convention,mid_period\n"
        "long_run_capex_growth,0.05\nfade_years,3\n",
        "SNOW,2026,150,170,test guidance\n",
    )
    mixed = _snowflake(
        tmp,
        "mixed",
        "unit,USD bn\nforecast_years,3\n",
        "",
        base=ROOT / "tests" / "data" / "article",
    )
    books = [build(quarterly, tmp / "snow_q.xlsx").out, build(mixed, tmp / "mixed.xlsx").out]
    again = recalc_many(books, tmp)
    keyed = [read_keyed(book, data_only=True) for book in again]
    return {
        "quarterly": (quarterly, books[0], keyed[0], again[0]),
        "mixed": (mixed, books[1], keyed[1], again[1]),
    }


@engine
def test_quarterly_and_mixed_models_verify_clean_in_libreoffice(snow):
    """verify's judgement of the copies LibreOffice recalculated (test_verify runs the
    whole command)."""
    for name, (_, book, keyed, again) in snow.items():
        report = compare(book, again)
        assert report.mismatches == [] and report.errors == [], report.lines()
        checks = keyed["Checks"].rows
        failing = {k for k, r in checks.items() if k.startswith("check_") and r.constant}
        if name == "quarterly":
            assert report.ok and failing == set(), report.lines()
        else:  # the article's five-year class charges more than Snowflake's D&A in 2020-21
            assert failing == {"check_amortization_sign:SNOW", "check_failures"}
            assert checks["check_amortization_sign:SNOW"].constant == 2


@engine
def test_quarterly_guidance_fills_the_open_quarters_spread_like_a_year_earlier(snow):
    folder, _, keyed, _ = snow["quarterly"]
    given = _csv(folder / "capex.csv", "capex")
    capex = keyed["Capex"].rows["capex:SNOW"].values
    remaining = (150 + 170) / 2 - given["2026Q1"]
    base = given["2025Q2"] + given["2025Q3"] + given["2025Q4"]
    for q in ("2", "3", "4"):
        assert capex[f"2026Q{q}"] == pytest.approx(remaining * given[f"2025Q{q}"] / base, rel=1e-9)
    assert sum(capex[f"2026Q{q}"] for q in "1234") == pytest.approx(160, rel=1e-12)
    assert capex["2026Q1"] == given["2026Q1"]


@engine
def test_quarterly_forecast_grows_on_the_same_quarter_a_year_earlier(snow):
    _, _, keyed, _ = snow["quarterly"]
    capex = keyed["Capex"].rows["capex:SNOW"].values
    # growth of the four quarters to the last known one (guided 2026Q4) on the four before
    g_a = (
        sum(capex[f"2026Q{q}"] for q in range(1, 5)) / sum(capex[f"2025Q{q}"] for q in range(1, 5))
        - 1
    )
    assert keyed["Capex"].rows["capex_anchor_growth:SNOW"].values["2026Q4"] == pytest.approx(g_a)
    for k, label, earlier in (
        (1, "2027Q1", "2026Q1"),
        (2, "2027Q2", "2026Q2"),
        (5, "2028Q1", "2027Q1"),
    ):
        g = g_a + (0.05 - g_a) * min(1.0, 0.25 * k / 3)
        assert capex[label] == pytest.approx(capex[earlier] * (1 + g), rel=1e-9)
    growth = keyed["Growth"].rows
    assert growth["capex_yoy:SNOW"].values["2025Q3"] == pytest.approx(13.44 / 8.746 - 1, rel=1e-9)
    assert growth["capex_qoq:SNOW"].values["2025Q3"] == pytest.approx(13.44 / 5.043 - 1, rel=1e-9)
    assert growth["capex_yoy:SNOW"].values["2021Q3"] in (None, "")  # no quarter a year earlier


@engine
def test_fiscal_and_calendar_years_from_quarters(snow):
    folder, _, keyed, _ = snow["quarterly"]
    given = _csv(folder / "capex.csv", "capex")
    annual = keyed["Annual"].rows
    for year in ("2022", "2023", "2024", "2025"):
        assert annual["capex:FY:SNOW"].values[year] == pytest.approx(given[year], rel=1e-9)
    # calendar 2023: fiscal 2023 Q4 (ends January 2023) and fiscal 2024 Q1-Q3 (April-October 2023)
    cy2023 = given["2023Q4"] + given["2024Q1"] + given["2024Q2"] + given["2024Q3"]
    assert annual["capex:CY:SNOW"].values["2023"] == pytest.approx(cy2023, rel=1e-9)
    cy2020 = given["2020Q4"] + given["2021Q1"] + given["2021Q2"] + given["2021Q3"]
    assert annual["capex:CY:SNOW"].values["2020"] == pytest.approx(cy2020, rel=1e-9)
    # calendar 2028 would need fiscal 2029's first quarters, beyond the timeline: empty
    assert annual["capex:CY:SNOW"].values["2028"] in (None, "")
    assert annual["capex:CY:TOTAL"].values["2028"] in (None, "")
    assert annual["forecast_periods:FY:SNOW"].values["2026"] == 3
    assert annual["forecast_periods:FY:SNOW"].values["2025"] == 0


@engine
def test_mixed_model_calendar_years_match_the_quarters(snow):
    folder, _, keyed, _ = snow["mixed"]
    given = _csv(folder / "capex.csv", "capex")  # all tickers: periods repeat, so read SNOW's
    with open(folder / "capex.csv", newline="", encoding="utf-8") as f:
        snow_rows = {
            r["period"]: float(r["capex"]) for r in csv.DictReader(f) if r["ticker"] == "SNOW"
        }
    annual = keyed["Annual"].rows
    for cy in (2021, 2022, 2023, 2024):
        quarters = [f"{cy}Q4", f"{cy + 1}Q1", f"{cy + 1}Q2", f"{cy + 1}Q3"]
        assert annual["capex:CY:SNOW"].values[str(cy)] == pytest.approx(
            sum(snow_rows[q] for q in quarters), rel=1e-9
        )
        assert annual["capex_exact:CY:SNOW"].values[str(cy)] == 1
    # the December year-end companies: calendar = fiscal
    assert annual["capex:CY:MSFT"].values["2024"] == pytest.approx(75.6)
    assert given  # the file was read
    # a year without all its quarters falls back to months-weighted fiscal years
    fy = annual["capex:FY:SNOW"].values
    assert annual["capex_exact:CY:SNOW"].values["2019"] == 0
    assert annual["capex:CY:SNOW"].values["2019"] == pytest.approx(
        fy["2019"] / 12 + fy["2020"] * 11 / 12, rel=1e-9
    )
