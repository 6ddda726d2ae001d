"""The decimal mark: a number that could be read two ways is never guessed.

A mark followed by exactly three digits (`18.074`, `1,234`) is a decimal mark or a thousands
separator. A file settles which with its other numbers (`41.3115` has a decimal point,
`41,5` a decimal comma); where none does, the separator's own convention reads the mark it
takes for decimal (`31.235` in a comma file, `31,235` in a semicolon one), and the other is
refused with both readings. A file whose numbers need both marks is refused once, at the
first number of the convention fewer of them use.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import modelgen
from modelgen.inputs.folder import load_inputs
from tests.integration.test_inputs import (
    SHIPPED,
    at,
    check,
    copy_shipped,
    replace_in,
    semicolons,
    the_problem,
)
from tests.integration.test_inputs import write as write_file


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_shipped(tmp_path / "inputs")


def with_semicolons(path: Path) -> None:
    """Rewrite a CSV file with semicolons between fields and every cell as it was: what a
    script, or an English Excel whose list separator is a semicolon, writes."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_semicolon_files_with_point_decimals_build_the_shipped_model(tmp_path: Path) -> None:
    """The issue's silent error: `77.658` and `574.785` in a semicolon file were read as
    77,658 and 574,785. Each file's other numbers (`7.8`, `11.0`) show the decimal point."""
    import shutil

    import pandas as pd

    folder = tmp_path / "inputs"
    shutil.copytree(SHIPPED, folder)
    names = [p.name for p in sorted(folder.glob("*.csv")) if p.name != "guidance.csv"]
    for name in names:
        with_semicolons(folder / name)
    assert "AMZN;2024;77.658;" in (folder / "capex.csv").read_text(encoding="utf-8")
    got = load_inputs(folder)
    assert at(got.capex, "AMZN", "2024").value == 77.658
    assert at(got.revenue, "AMZN", "2023").value == 574.785
    want = modelgen.build_model(modelgen.read_inputs(SHIPPED))
    model = modelgen.build_model(got)
    for sheet in want.sheets:
        if "period" in want.sheets[sheet].by_key:
            pd.testing.assert_frame_equal(model.frame(sheet), want.frame(sheet), check_exact=True)


GUIDANCE = "ticker{s}period{s}capex_low{s}capex_high{s}source\n"


def guidance(folder: Path, sep: str, amzn: str, meta: str) -> None:
    """guidance.csv with two rows: Amazon's low `amzn`, Meta's low and high `meta`."""
    rows = [f"AMZN{sep}2025{sep}{amzn}{sep}{sep}x", f"META{sep}2025{sep}{meta}{sep}{meta}{sep}y"]
    write_file(folder, "guidance.csv", GUIDANCE.format(s=sep) + "\n".join(rows) + "\n")


@pytest.mark.parametrize(
    "sep, amzn, meta, value",
    [
        (";", "18.074", "41.3115", 18.074),  # a decimal point elsewhere
        (";", "18.074", "41,5", 18074.0),  # a decimal comma elsewhere: the point is thousands
        (";", "18.074", "1.234,5", 18074.0),
        (";", "18.074", "1.234.567", 18074.0),  # two points: thousands
        (";", "18,074", "41,5", 18.074),  # European Excel, as before
        (";", "18,074", "41.3115", 18074.0),  # semicolons, point decimals, comma thousands
        (";", "18,074", "60", 18.074),  # nothing settles it: a semicolon file's decimal comma
        (",", '"1,234"', "41.5", 1234.0),  # as before
        (",", '"1,234"', '"1,234,567"', 1234.0),  # two commas: thousands
        (",", '"1,234"', '"41,5"', 1.234),  # quoted decimal commas throughout
        (",", "18.074", "60", 18.074),  # nothing settles it: a comma file's decimal point
        (",", "18.074", '"41,5"', 18074.0),
    ],
)
def test_the_file_settles_a_mark_followed_by_three_digits(
    folder: Path, sep: str, amzn: str, meta: str, value: float
) -> None:
    guidance(folder, sep, amzn, meta)
    assert at(load_inputs(folder).guidance, "AMZN", "2025").low == value


@pytest.mark.parametrize(
    "sep, raw, readings",
    [
        (";", "18.074", ("18.074 (a decimal point)", "18074 (a point between thousands)")),
        (";", "-574.785", ("-574.785 (a decimal point)", "-574785 (a point between")),
        (",", "1,234", ("1.234 (a decimal comma)", "1234 (a comma between thousands)")),
    ],
)
def test_a_number_nothing_settles_is_refused_with_both_readings(
    folder: Path, sep: str, raw: str, readings: tuple[str, ...]
) -> None:
    guidance(folder, sep, f'"{raw}"', "60")
    p = the_problem(folder)
    kind = "point" if "." in raw else "comma"
    check(p, "guidance.csv", 2, "capex_low", (f'"{raw}" could be', *readings), (f"if the {kind}",))
    assert "no other number of the file" in p.message


def test_every_file_follows_the_rule(folder: Path) -> None:
    write_file(folder, "settings.csv", "key;value\nforecast_years;5\nfade_years;2.500\n")
    p = the_problem(folder)
    check(p, "settings.csv", 3, "value", ('"2.500" could be', "2.5 (a", "2500 (a"), ("2500",))


def test_a_semicolon_file_with_point_decimals_alone_is_read(folder: Path) -> None:
    """`0.21` and `1.5` have no three digits after the point: they show a decimal point."""
    write_file(folder, "settings.csv", "key;value\ntax_rate;0.21\nfade_years;1.5\n")
    settings = load_inputs(folder).settings
    assert (settings.tax_rate, settings.fade_years) == (0.21, 1.5)


def test_a_file_that_mixes_the_conventions_is_refused_once_at_the_first_conflict(
    folder: Path,
) -> None:
    replace_in(folder, "financials.csv", "AMZN,2024,59.2,", 'AMZN,2024,"59,2",')
    replace_in(folder, "financials.csv", "META,2024,62.4,", 'META,2024,"62,4",')
    p = the_problem(folder)
    check(
        p,
        "financials.csv",
        5,
        "net_income",
        ('"59,2" has a decimal comma', 'decimal points (line 2, column net_income: "82.8571")'),
        ("one decimal mark", "59.2 here (2 numbers of the file have a decimal comma)"),
    )


def test_the_conflict_is_the_convention_fewer_numbers_use_even_when_it_comes_first(
    folder: Path,
) -> None:
    semicolons(folder, "financials.csv")  # decimal commas
    replace_in(folder, "financials.csv", "MSFT;2023;82,8571;", "MSFT;2023;82.8571;")
    p = the_problem(folder)
    check(
        p,
        "financials.csv",
        2,
        "net_income",
        ('"82.8571" has a decimal point', 'decimal commas (line 3, column net_income: "92,8")'),
        ("82,8571",),
    )


def test_a_mixed_file_does_not_also_report_its_ambiguous_numbers(folder: Path) -> None:
    semicolons(folder, "capex.csv")
    replace_in(folder, "capex.csv", "MSFT;2024;75,6;", "MSFT;2024;75.6;")
    replace_in(folder, "capex.csv", "META;2024;37,3;", "META;2024;37.300;")
    p = the_problem(folder)
    check(p, "capex.csv", 3, "capex", ('"75.6" has a decimal point',), ("75,6",))


@pytest.mark.parametrize("raw, written", [("1.5", "1,5"), ("0.050", "0,05"), ("1 234.5", "1234,5")])
def test_a_point_decimal_in_a_file_of_decimal_commas_is_a_conflict(
    folder: Path, raw: str, written: str
) -> None:
    semicolons(folder, "financials.csv")
    replace_in(folder, "financials.csv", "MSFT;2024;92,8;", f'MSFT;2024;"{raw}";')
    p = the_problem(folder)
    check(p, "financials.csv", 3, "net_income", (f'"{raw}" has a decimal point',), (written,))
