"""The property-and-equipment inputs: opening_balances.csv, life_changes.csv, the lag and
land in assumptions.csv, reported D&A and net PP&E in financials.csv, and their scenarios.

Each bad folder must be refused naming the file, line and column and saying what to do,
every problem in one run, as for every other input file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modelgen.inputs.csvread import InputError
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.timeline import Period

BASE = {
    "companies.csv": "ticker,name,fiscal_year_end_month\nAAA,A Inc,12\nBBB,B Inc,12\n",
    "capex.csv": "ticker,period,capex\n"
    + "".join(f"{t},{y},{10 + y - 2020}\n" for t in ("AAA", "BBB") for y in range(2020, 2025)),
    "financials.csv": "ticker,period,net_income,source,depreciation,net_ppe\n"
    "AAA,2023,5,s,3.5,40\nAAA,2024,6,s,,\n",
    "guidance.csv": "ticker,period,capex_low,capex_high\n",
    "assumptions.csv": "ticker,asset_class,share,useful_life_years,in_service_lag_years\n"
    "*,servers,0.6,5,0\n*,buildings,0.3,25,1.5\n*,land,0.1,0,\n",
    "settings.csv": "key,value\nforecast_years,3\n",
}


def folder_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {**BASE, **files}.items():
        (folder / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return folder


def problems(folder: Path) -> list[tuple[str, int, str, str]]:
    with pytest.raises(InputError) as err:
        load_inputs(folder)
    return [(p.file, p.line, p.column, str(p)) for p in err.value.problems]


def test_the_new_files_and_columns_are_read(tmp_path):
    folder = folder_with(
        tmp_path,
        opening_balances__csv="ticker,asset_class,net_book_value,remaining_life_years,source\n"
        "AAA,servers,30,2.5,10-K\nAAA,land,8,0,10-K\n",
        life_changes__csv="ticker,asset_class,effective_from,useful_life_years,source\n"
        "*,servers,2022,6,10-K\nBBB,servers,2022,4,own\n",
    )
    inputs = load_inputs(folder)
    assert inputs.opening["AAA"]["servers"].net_book_value == 30
    assert inputs.opening["AAA"]["servers"].remaining_life == 2.5
    assert inputs.opening["AAA"]["land"].remaining_life == 0
    # `*` reaches every company; a company's own row for the same date wins
    assert inputs.life_changes["AAA"]["servers"][Period(2022)].useful_life == 6
    assert inputs.life_changes["BBB"]["servers"][Period(2022)].useful_life == 4
    assert [a.lag for a in inputs.asset_classes["AAA"]] == [0, 1.5, 0]
    assert inputs.depreciation_reported["AAA"][Period(2023)].value == 3.5
    assert inputs.net_ppe_reported["AAA"][Period(2023)].value == 40
    assert Period(2024) not in inputs.depreciation_reported["AAA"]  # empty cells are no figure


def test_a_company_overrides_one_class_without_restating_the_others(tmp_path):
    text = BASE["assumptions.csv"] + "BBB,buildings,,30,2\nBBB,servers,,4.5,\n"
    inputs = load_inputs(folder_with(tmp_path, assumptions__csv=text))
    bbb = {a.name: a for a in inputs.asset_classes["BBB"]}
    assert (bbb["buildings"].share, bbb["buildings"].useful_life, bbb["buildings"].lag) == (
        0.3,
        30,
        2,
    )
    assert (bbb["servers"].useful_life, bbb["servers"].lag) == (4.5, 0)
    assert [a.useful_life for a in inputs.asset_classes["AAA"]] == [5, 25, 0]


def test_changes_before_and_after_the_timeline_and_quarters_in_an_annual_model(tmp_path):
    folder = folder_with(
        tmp_path,
        life_changes__csv="ticker,asset_class,effective_from,useful_life_years,source\n"
        "AAA,servers,2019,6,\nAAA,buildings,2040,30,\nBBB,servers,2022Q3,5.5,\n",
    )
    inputs = load_inputs(folder)
    assert inputs.life_changes["AAA"]["servers"] == {
        Period(2020): inputs.life_changes["AAA"]["servers"][Period(2020)]
    }
    assert Period(2022) in inputs.life_changes["BBB"]["servers"]
    assert "buildings" not in inputs.life_changes.get("AAA", {})
    text = "\n".join(inputs.warnings)
    assert "life_changes.csv, line 2" in text and "from the start" in text
    assert "line 3" in text and "after the timeline" in text
    assert "line 4" in text and "annual" in text


@pytest.mark.parametrize(
    ("name", "text", "where", "words"),
    [
        (
            "opening_balances.csv",
            "ticker,asset_class,net_book_value,remaining_life_years\nAAA,racks,10,2\n",
            (2, "asset_class"),
            ('no asset class "racks"',),
        ),
        (
            "opening_balances.csv",
            "ticker,asset_class,net_book_value,remaining_life_years\nAAA,servers,,2\n",
            (2, "net_book_value"),
            ("remaining life without a book value",),
        ),
        (
            "opening_balances.csv",
            "ticker,asset_class,net_book_value,remaining_life_years\nAAA,servers,-3,2\n",
            (2, "net_book_value"),
            ("negative",),
        ),
        (
            "opening_balances.csv",
            "ticker,asset_class,net_book_value,remaining_life_years\nAAA,servers,3,-2\n",
            (2, "remaining_life_years"),
            ("negative",),
        ),
        (
            "opening_balances.csv",
            "ticker,asset_class,net_book_value,remaining_life_years\nAAA,land,3,2\n",
            (2, "remaining_life_years"),
            ("land",),
        ),
        (
            "opening_balances.csv",
            "ticker,asset_class,net_book_value,remaining_life_years\n"
            "AAA,servers,3,2\nAAA,servers,4,2\n",
            (3, "asset_class"),
            ("twice",),
        ),
        (
            "life_changes.csv",
            "ticker,asset_class,effective_from,useful_life_years\nAAA,land,2022,5\n",
            (2, "useful_life_years"),
            ("land", "cannot change"),
        ),
        (
            "life_changes.csv",
            "ticker,asset_class,effective_from,useful_life_years\nAAA,servers,2022,0\n",
            (2, "useful_life_years"),
            ("cannot change to 0",),
        ),
        (
            "life_changes.csv",
            "ticker,asset_class,effective_from,useful_life_years\nAAA,servers,22,6\n",
            (2, "effective_from"),
            ("not a fiscal year",),
        ),
        (
            "life_changes.csv",
            "ticker;asset_class;effective_from;useful_life_years\nAAA;servers;31.12.2025;6,5\n",
            (2, "effective_from"),
            (
                "not a fiscal year or quarter: it is a date",
                "e.g. 2025",
                "format the column as Text",
            ),
        ),
        (
            "life_changes.csv",
            "ticker,asset_class,effective_from,useful_life_years\n"
            "AAA,servers,2022,6\nAAA,servers,2022,7\n",
            (3, "effective_from"),
            ("twice",),
        ),
        (
            "life_changes.csv",
            "ticker,asset_class,effective_from,useful_life_years\nZZZ,servers,2022,6\n",
            (2, "ticker"),
            ("unknown ticker",),
        ),
        (
            "assumptions.csv",
            BASE["assumptions.csv"].replace("*,buildings,0.3,25,1.5", "*,buildings,0.3,25,-1"),
            (3, "in_service_lag_years"),
            ("negative",),
        ),
        (
            "assumptions.csv",
            BASE["assumptions.csv"] + "BBB,racks,,3,\n",
            (5, "asset_class"),
            ('no asset class "racks"',),
        ),
        (
            "financials.csv",
            "ticker,period,net_income,depreciation\nAAA,2023,5,-1\n",
            (2, "depreciation"),
            ("negative",),
        ),
    ],
)
def test_bad_ppe_inputs_name_file_line_and_column(tmp_path, name, text, where, words):
    folder = folder_with(tmp_path, **{name.replace(".", "__"): text})
    [(file, line, column, message)] = problems(folder)
    assert (file, line, column) == (name, *where), message
    for word in words:
        assert word in message, message


def test_every_problem_of_the_new_files_in_one_run(tmp_path):
    folder = folder_with(
        tmp_path,
        opening_balances__csv="ticker,asset_class,net_book_value,remaining_life_years\n"
        "AAA,servers,-3,2\nAAA,racks,1,1\n",
        life_changes__csv="ticker,asset_class,effective_from,useful_life_years\nAAA,land,2022,5\n",
    )
    found = problems(folder)
    assert [(f, n) for f, n, _, _ in found] == [
        ("life_changes.csv", 2),
        ("opening_balances.csv", 2),
        ("opening_balances.csv", 3),
    ]


def test_scenarios_vary_the_new_inputs(tmp_path):
    folder = folder_with(
        tmp_path,
        scenarios__csv="scenario,key,value,source\n"
        "Filed,useful_life_change:*:servers:2023,6,10-K\n"
        "Filed,opening_net_book_value:AAA:servers,12,10-K\n"
        "Filed,in_service_lag:BBB:buildings,2,\n"
        "Filed,share:*:land,0,\n"
        "Filed,share:*:servers,0.7,\n",
    )
    sc = load_inputs(folder).scenarios
    assert sc.names == ["Base", "Filed"]
    assert sc.life_changes["useful_life_change:AAA:servers"]["Filed"] == {Period(2023): 6.0}
    assert sc.values["opening_net_book_value:AAA:servers"] == {"Base": 0.0, "Filed": 12.0}
    assert sc.values["in_service_lag:BBB:buildings"] == {"Base": 1.5, "Filed": 2.0}
    assert sc.sources[("Filed", "opening_net_book_value:AAA:servers")] == "10-K"


def test_of_two_changes_before_the_timeline_the_later_holds(tmp_path):
    folder = folder_with(
        tmp_path,
        life_changes__csv="ticker,asset_class,effective_from,useful_life_years,source\n"
        "AAA,servers,2018,4.5,\nAAA,servers,2019,6,\nAAA,servers,2022,7,\n",
    )
    inputs = load_inputs(folder)
    changes = inputs.life_changes["AAA"]["servers"]
    assert {p: c.useful_life for p, c in changes.items()} == {Period(2020): 6, Period(2022): 7}
    assert any("line 2" in w and "superseded by line 3" in w for w in inputs.warnings)


def test_two_changes_in_one_period_of_the_timeline_are_an_error(tmp_path):
    folder = folder_with(
        tmp_path,
        life_changes__csv="ticker,asset_class,effective_from,useful_life_years,source\n"
        "AAA,servers,2022Q2,6,\nAAA,servers,2022Q3,7,\n",
    )
    [(file, line, column, message)] = problems(folder)
    assert (file, column) == ("life_changes.csv", "effective_from") and "both apply" in message
