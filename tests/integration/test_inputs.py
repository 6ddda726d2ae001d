"""One test per input rule: the exact problem (file, line, column, what is wrong, what to do).

Each test starts from a copy of the shipped `inputs/` folder, changes one file, and reads the
problems back from `load_inputs`. Most assert that exactly one problem is reported: a rule
should report its cause once, not a cascade of echoes in other files.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from modelgen.inputs.csvread import InputError, Problem
from modelgen.inputs.folder import load_inputs

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"
# the article's figures alone, as first shipped: the folder every mutation starts from, so
# that the shipped model's own data (opening balances, scenarios) can grow without
# changing what these tests mutate
ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article"

COMPANIES = "ticker,name,fiscal_year_end_month\n"
CAPEX = "ticker,period,capex,source\n"
FINANCIALS = "ticker,period,net_income,source\n"
GUIDANCE = "ticker,period,capex_low,capex_high,source\n"
ASSUMPTIONS = "ticker,asset_class,share,useful_life_years\n"
SETTINGS = "key,value\n"


def copy_shipped(dest: Path) -> Path:
    """A copy of a valid input folder (the article's figures) at `dest`: the six files,
    without the optional scenarios.csv (tests/integration/test_scenarios.py covers it), so that a
    mutation of assumptions.csv is not also reported as a scenario naming a class that is
    gone."""
    shutil.copytree(ARTICLE, dest)
    (dest / "scenarios.csv").unlink(missing_ok=True)
    return dest


def replace_in(folder: Path, name: str, old: str, new: str) -> None:
    """Replace the first `old` in one file; fails loudly if `old` is not there."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_bytes(text.encode("utf-8"))


def append(folder: Path, name: str, rows: str) -> int:
    """Add rows at the end of a file; returns the line number of the first one."""
    text = (folder / name).read_text(encoding="utf-8")
    write(folder, name, text + rows)
    return len(text.splitlines()) + 1


def rename_ticker(folder: Path, old: str, new: str) -> None:
    """Rename a ticker in every file that has it at the start of a row."""
    for path in folder.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text(
            "".join(new + ln[len(old) :] if ln.startswith(old + ",") else ln for ln in lines),
            encoding="utf-8",
        )


def at(table: dict, ticker: str, period: str):  # noqa: ANN201 - a Fact or Guidance
    """The entry of `table[ticker]` for the period labelled `period` (e.g. "2024")."""
    found = [v for p, v in table[ticker].items() if str(p) == period]
    assert len(found) == 1, f"{ticker} {period} not in {sorted(map(str, table[ticker]))}"
    return found[0]


def labels(periods: object) -> list[str]:
    """Periods as the labels an analyst reads: "2024" (whatever type holds them)."""
    return [str(p) for p in periods]  # type: ignore[attr-defined]


def all_problems(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as info:
        load_inputs(folder)
    return info.value.problems


def the_problem(folder: Path) -> Problem:
    """The one problem the folder has (fails listing them all when there are more)."""
    problems = all_problems(folder)
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    return problems[0]


def check(
    p: Problem,
    file: str,
    line: int,
    column: str,
    message: tuple[str, ...] = (),
    hint: tuple[str, ...] = (),
) -> None:
    """Assert where the problem is and the key words of what is wrong and what to do."""
    assert (p.file, p.line, p.column) == (file, line, column), str(p)
    for word in message:
        assert word in p.message, f"{word!r} not in message of: {p}"
    for word in hint:
        assert word in p.hint, f"{word!r} not in hint of: {p}"
    assert p.hint, f"no hint in: {p}"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_shipped(tmp_path / "inputs")


# --- the shipped folder and the problem format -------------------------------------------


def test_shipped_inputs_are_valid() -> None:
    inputs = load_inputs(SHIPPED)
    assert inputs.tickers == ["MSFT", "AMZN", "GOOGL", "META"]
    # Microsoft's fiscal 2024 (to June) is the sum of its four quarters, which are kept
    assert inputs.company("MSFT").fiscal_year_end_month == 6
    assert at(inputs.capex, "MSFT", "2024").value == pytest.approx(11.2 + 11.5 + 14.0 + 19.0)
    assert len(inputs.capex_quarters["MSFT"]) == 8
    assert at(inputs.guidance, "AMZN", "2025").high is None  # "more than 100": a floor
    assert inputs.settings.depreciation_convention == "half_year"
    assert at(inputs.ppe_depreciation_reported, "AMZN", "2024").value == 32.1
    assert inputs.warnings == []


def test_problem_text_names_file_line_column_then_what_then_what_to_do() -> None:
    p = Problem("capex.csv", 3, "capex", '"x" is not a number', "enter a number")
    assert str(p) == 'capex.csv, line 3, column capex: "x" is not a number; enter a number'
    whole_file = Problem("capex.csv", 0, "", "is empty", "add a header")
    assert str(whole_file) == "capex.csv: is empty; add a header"
    no_column = Problem("capex.csv", 4, "", "the file is not UTF-8 text", "save as UTF-8")
    assert str(no_column) == "capex.csv, line 4: the file is not UTF-8 text; save as UTF-8"


def test_input_error_sorts_problems_by_file_then_line() -> None:
    err = InputError(
        [
            Problem("settings.csv", 2, "key", "b", "h"),
            Problem("capex.csv", 9, "capex", "c", "h"),
            Problem("capex.csv", 0, "", "d", "h"),
            Problem("assumptions.csv", 5, "share", "e", "h"),
            Problem("capex.csv", 3, "period", "f", "h"),
        ]
    )
    assert [(p.file, p.line) for p in err.problems] == [
        ("assumptions.csv", 5),
        ("capex.csv", 0),
        ("capex.csv", 3),
        ("capex.csv", 9),
        ("settings.csv", 2),
    ]
    assert str(err).splitlines()[0] == "assumptions.csv, line 5, column share: e; h"


def test_all_problems_of_a_folder_come_in_one_error_in_file_and_line_order(folder: Path) -> None:
    replace_in(folder, "settings.csv", "fade_years,3", "fade_years,0")  # line 6
    replace_in(folder, "capex.csv", "META,2024,37.3", "META,2024,lots")  # line 9
    replace_in(folder, "capex.csv", "MSFT,2024,75.6", "MSFT,2024,NaN")  # line 3
    replace_in(folder, "companies.csv", "GOOGL,Alphabet,12", "GOOGL,Alphabet,13")  # line 4
    replace_in(folder, "assumptions.csv", "*,all_assets,1,5", "*,all_assets,1,-5")  # line 2
    problems = all_problems(folder)
    assert [(p.file, p.line, p.column) for p in problems] == [
        ("assumptions.csv", 2, "useful_life_years"),
        ("capex.csv", 3, "capex"),
        ("capex.csv", 9, "capex"),
        ("companies.csv", 4, "fiscal_year_end_month"),
        ("settings.csv", 6, "value"),
    ]


# --- the folder and its files -------------------------------------------------------------


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    p = the_problem(tmp_path / "nowhere")
    check(p, str(tmp_path / "nowhere"), 0, "", ("does not exist",), ("--inputs", "init"))


def test_a_file_given_as_the_folder(folder: Path) -> None:
    p = the_problem(folder / "capex.csv")
    check(p, str(folder / "capex.csv"), 0, "", ("is not a folder",), ("--inputs",))


@pytest.mark.parametrize(
    "name, header",
    [
        ("companies.csv", "ticker,name,fiscal_year_end_month"),
        ("capex.csv", "ticker,period,capex,source"),
        ("financials.csv", "ticker,period,net_income,source"),
        ("guidance.csv", "ticker,period,capex_low,capex_high,source"),
        ("assumptions.csv", "ticker,asset_class,share,useful_life_years"),
        ("settings.csv", "key,value"),
    ],
)
def test_every_file_is_required_and_the_hint_gives_its_header(
    folder: Path, name: str, header: str
) -> None:
    (folder / name).unlink()
    check(the_problem(folder), name, 0, "", ("missing",), (header,))


def test_a_missing_file_spelt_in_another_case_is_pointed_at(folder: Path) -> None:
    (folder / "capex.csv").rename(folder / "Capex.csv")
    check(the_problem(folder), "capex.csv", 0, "", ("missing",), ('rename "Capex.csv"',))


def test_an_empty_file(folder: Path) -> None:
    write(folder, "capex.csv", "")
    check(the_problem(folder), "capex.csv", 0, "", ("empty",), ("ticker,period,capex,source",))


def test_a_file_of_blank_lines_is_empty(folder: Path) -> None:
    write(folder, "companies.csv", "\n\r\n  \n")
    check(the_problem(folder), "companies.csv", 0, "", ("empty",), ("header",))


@pytest.mark.parametrize("name", ["capex.csv", "companies.csv", "assumptions.csv"])
def test_capex_companies_and_assumptions_need_rows(folder: Path, name: str) -> None:
    header = (folder / name).read_text(encoding="utf-8").splitlines()[0] + "\n"
    write(folder, name, header)
    check(the_problem(folder), name, 0, "", ("header but no rows",), ("add",))


def test_guidance_financials_and_settings_may_be_header_only(folder: Path) -> None:
    write(folder, "guidance.csv", GUIDANCE)
    write(folder, "financials.csv", FINANCIALS)
    write(folder, "settings.csv", SETTINGS)
    inputs = load_inputs(folder)
    assert inputs.guidance == {}
    assert inputs.net_income == {}
    assert inputs.settings.forecast_years == 5  # the documented defaults
    assert inputs.settings.depreciation_convention == "full_year"


def test_a_folder_inside_the_folder_is_not_a_file(folder: Path) -> None:
    (folder / "guidance.csv").unlink()
    (folder / "guidance.csv").mkdir()
    check(the_problem(folder), "guidance.csv", 0, "", ("not a file",), ("CSV file",))


def test_an_unreadable_file(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "guidance.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    p = the_problem(folder)
    check(p, "guidance.csv", 0, "", ("cannot be read", "Permission denied"), ("readable",))


# --- headers, encodings, rows -------------------------------------------------------------


def test_bom_crlf_and_blank_trailing_lines_are_accepted(folder: Path) -> None:
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode() + b"\r\n\r\n\n")
    bom = load_inputs(folder)
    plain = load_inputs(ARTICLE)
    assert bom.tickers == plain.tickers
    assert bom.capex == plain.capex
    assert bom.net_income == plain.net_income
    assert bom.guidance == plain.guidance
    assert bom.asset_classes == plain.asset_classes
    assert bom.settings == plain.settings


def test_column_order_is_free(folder: Path) -> None:
    rows = [line.split(",") for line in (folder / "companies.csv").read_text().splitlines()]
    write(folder, "companies.csv", "".join(f"{r[2]},{r[0]},{r[1]}\n" for r in rows))
    assert load_inputs(folder).companies == load_inputs(ARTICLE).companies


def test_blank_trailing_columns_from_excel_are_accepted(folder: Path) -> None:
    write(folder, "companies.csv", COMPANIES.strip() + ",,\nMSFT,Microsoft,12,,\nAMZN,Amazon,12\n")
    write(folder, "capex.csv", CAPEX + "MSFT,2024,75.6,s\nAMZN,2024,77.7,s,\n")
    write(folder, "financials.csv", FINANCIALS)
    write(folder, "guidance.csv", GUIDANCE)
    inputs = load_inputs(folder)
    assert inputs.tickers == ["MSFT", "AMZN"]
    assert at(inputs.capex, "AMZN", "2024").value == 77.7


def test_a_misspelt_column_names_the_missing_one_and_suggests_the_rename(folder: Path) -> None:
    replace_in(folder, "capex.csv", "ticker,period,capex,", "ticker,period,capx,")
    missing, unknown = all_problems(folder)
    check(missing, "capex.csv", 1, "capex", ('"capex" is missing',), ('rename "capx" to "capex"',))
    check(unknown, "capex.csv", 1, "capx", ('unknown column "capx"',), ("ticker,period,capex",))


def test_header_names_are_exact_but_a_capitalised_one_gets_a_rename_hint(folder: Path) -> None:
    replace_in(folder, "companies.csv", "ticker,name,", "Ticker,name,")
    unknown, missing = all_problems(folder)  # same line: sorted by column, "T" before "t"
    check(missing, "companies.csv", 1, "ticker", ("missing",), ('rename "Ticker" to "ticker"',))
    check(unknown, "companies.csv", 1, "Ticker", ("unknown column",), ("ticker,name",))


def test_a_missing_column(folder: Path) -> None:
    write(folder, "assumptions.csv", "ticker,asset_class,share\n*,all,1\n")
    p = the_problem(folder)
    check(p, "assumptions.csv", 1, "useful_life_years", ("missing",), ("add the column",))


def test_a_column_twice(folder: Path) -> None:
    replace_in(folder, "settings.csv", "key,value", "key,value,value")
    check(the_problem(folder), "settings.csv", 1, "value", ("appears twice",), ("keep one",))


def test_a_semicolon_header_makes_the_file_semicolon_separated(folder: Path) -> None:
    text = (folder / "companies.csv").read_text(encoding="utf-8")
    write(folder, "companies.csv", text.replace(",", ";").replace("Amazon", '"Amazon, Inc."'))
    inputs = load_inputs(folder)
    assert inputs.tickers == ["MSFT", "AMZN", "GOOGL", "META"]
    assert inputs.companies[1].name == "Amazon, Inc."
    assert not [w for w in inputs.warnings if "companies.csv" in w]


def test_a_tab_separated_file_is_one_problem_that_says_what_to_save(folder: Path) -> None:
    write(folder, "companies.csv", "ticker\tname\tfiscal_year_end_month\nMSFT\tMicrosoft\t12\n")
    p = the_problem(folder)
    check(p, "companies.csv", 1, "", ("tabs",), ('"CSV UTF-8"',))
    assert "Comma delimited" not in p.hint


def test_a_column_the_model_does_not_use_is_a_warning_naming_file_and_column(
    folder: Path,
) -> None:
    replace_in(
        folder, "capex.csv", "ticker,period,capex,source", "ticker,notes,period,capex,source"
    )
    replace_in(folder, "capex.csv", "MSFT,2024,", "MSFT,see the 10-K,2024,")
    text = (folder / "capex.csv").read_text(encoding="utf-8").splitlines()
    rows = [text[0]] + [r if "10-K" in r else r.replace(",", ",,", 1) for r in text[1:]]
    write(folder, "capex.csv", "\n".join(rows) + "\n")
    inputs = load_inputs(folder)
    assert [w for w in inputs.warnings if "capex.csv" in w] == [
        'capex.csv, line 1, column notes: the column "notes" is not used by the model and is '
        "ignored; the columns read are ticker,period,capex,source"
    ]
    assert at(inputs.capex, "MSFT", "2024").value == 75.6


def test_a_row_may_leave_out_the_unused_columns_at_its_end_not_one_that_is_read(
    folder: Path,
) -> None:
    text = (folder / "capex.csv").read_text(encoding="utf-8")
    header, first, *rest = text.splitlines()
    write(folder, "capex.csv", "\n".join([header + ",notes", first + ",checked", *rest]) + "\n")
    inputs = load_inputs(folder)
    assert at(inputs.capex, "MSFT", "2023").value == 41.3115
    assert at(inputs.capex, "AMZN", "2024").value == 77.7
    short = rest[0].split(",")[:3]  # MSFT 2024 without its source
    write(folder, "capex.csv", "\n".join([header + ",notes", first, ",".join(short), *rest[1:]]))
    p = the_problem(folder)
    check(p, "capex.csv", 3, "source", ("expected 5 fields, found 3",), ("source,notes",))


def test_a_column_without_a_name_is_a_warning_naming_its_position(folder: Path) -> None:
    text = (folder / "companies.csv").read_text(encoding="utf-8").replace("ticker,", "ticker,,")
    write(folder, "companies.csv", re.sub(r"(?m)^([A-Z]+),", r"\1,x,", text))  # MSFT,x,...
    inputs = load_inputs(folder)
    assert inputs.tickers == ["MSFT", "AMZN", "GOOGL", "META"]
    assert [w for w in inputs.warnings if "companies.csv" in w] == [
        "companies.csv, line 1, column #2: a column without a name is not used by the model "
        "and is ignored; the columns read are ticker,name,fiscal_year_end_month,tax_rate,source"
    ]


def test_a_misspelt_optional_column_is_still_an_error(folder: Path) -> None:
    replace_in(folder, "guidance.csv", ",capex_high,", ",capex_hig,")
    p = the_problem(folder)
    check(p, "guidance.csv", 1, "capex_hig", ("unknown column",), ('rename it to "capex_high"',))


def test_a_row_with_too_many_fields(folder: Path) -> None:
    replace_in(folder, "companies.csv", "AMZN,Amazon,12", "AMZN,Amazon, Inc.,12")
    p = the_problem(folder)
    check(p, "companies.csv", 3, "fiscal_year_end_month", ("expected 3", "found 4"), ("quote",))


def test_a_row_with_too_few_fields(folder: Path) -> None:
    replace_in(folder, "companies.csv", "AMZN,Amazon,12", "AMZN,Amazon")
    p = the_problem(folder)
    check(p, "companies.csv", 3, "fiscal_year_end_month", ("found 2",), ("fiscal_year_end_month",))


def test_an_unclosed_quote_is_reported_where_it_opens(folder: Path) -> None:
    replace_in(folder, "companies.csv", "AMZN,Amazon,12", 'AMZN,"Amazon,12')
    p = the_problem(folder)
    check(p, "companies.csv", 3, "name", ("quote opened on line 3",), ('closing "',))


def test_a_row_is_located_by_the_line_it_starts_on(folder: Path) -> None:
    write(
        folder,
        "capex.csv",
        CAPEX + 'MSFT,2023,41.3,"two\nline source"\nMSFT,2024,x,"three\nline\nsource"\n'
        "AMZN,2023,47.9,s\nAMZN,2024,oops,s\nGOOGL,2024,52.5,s\nMETA,2024,37.3,s\n",
    )
    problems = all_problems(folder)
    assert [(p.line, p.column) for p in problems] == [(4, "capex"), (8, "capex")]


def test_binary_garbage(folder: Path) -> None:
    (folder / "capex.csv").write_bytes(bytes(range(256)) * 4)
    check(the_problem(folder), "capex.csv", 0, "", ("binary",), ("CSV UTF-8",))


def test_an_excel_workbook_saved_under_a_csv_name(folder: Path) -> None:
    (folder / "capex.csv").write_bytes(b"PK\x03\x04" + b"\x14\x00" * 40)
    check(the_problem(folder), "capex.csv", 0, "", ("Excel workbook",), ("CSV UTF-8",))


def test_utf16_from_excel_unicode_text(folder: Path) -> None:
    (folder / "companies.csv").write_bytes(
        (COMPANIES + "MSFT,Microsoft,12\n").encode("utf-16")  # with its BOM
    )
    check(the_problem(folder), "companies.csv", 0, "", ("UTF-16",), ("CSV UTF-8",))


def test_cp1252_is_reported_with_line_column_and_what_to_do(folder: Path) -> None:
    text = (folder / "companies.csv").read_text(encoding="utf-8")
    (folder / "companies.csv").write_bytes(text.replace("Meta", "Méta").encode("cp1252"))
    p = the_problem(folder)
    check(p, "companies.csv", 5, "name", ("not UTF-8", "0xe9", "é", "cp1252"), ("CSV UTF-8",))


def test_cp1252_in_a_semicolon_file_names_the_column_in_that_file(folder: Path) -> None:
    semicolons(folder, "companies.csv")
    text = (folder / "companies.csv").read_text(encoding="utf-8").replace("Meta", "Méta")
    (folder / "companies.csv").write_bytes(text.encode("cp1252"))
    p = the_problem(folder)
    check(p, "companies.csv", 5, "name", ("not UTF-8", "é"), ('"CSV UTF-8"',))


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, value",
    [("1,234.5", 1234.5), ("1,234", 1234.0), ("12,345,678", 12345678.0), ("-1.5e3", -1500.0)],
)
def test_thousands_separators_are_accepted_in_amounts(folder: Path, raw: str, value: float) -> None:
    replace_in(folder, "financials.csv", "MSFT,2024,92.8,", f'MSFT,2024,"{raw}",')
    append(folder, "settings.csv", "allow_outliers,true\n")  # 12,345,678 is out of scale
    assert at(load_inputs(folder).net_income, "MSFT", "2024").value == value


def semicolons(folder: Path, name: str) -> None:
    """Rewrite one file as European Excel saves it: semicolons, decimal commas (every point
    of the file becomes a comma: the article's files have points only in numbers and text)."""
    rows = csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8")))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(
        [c.replace(".", ",") for c in row] for row in rows
    )
    write(folder, name, out.getvalue())


@pytest.mark.parametrize(
    "raw, value",
    [
        ("75,6", 75.6),
        ("1234,5", 1234.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1\u202f234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("1.234", 1234.0),  # the decimal mark is the comma: a point is thousands
        ("12.345.678", 12345678.0),
        ("-0,5", -0.5),
        ("1,5E+03", 1500.0),
        ("92", 92.0),
    ],
)
def test_numbers_of_a_semicolon_file(folder: Path, raw: str, value: float) -> None:
    semicolons(folder, "financials.csv")
    append(folder, "settings.csv", "allow_outliers,true\n")  # 12.345.678 is out of scale
    replace_in(folder, "financials.csv", "MSFT;2024;92,8;", f"MSFT;2024;{raw};")
    assert at(load_inputs(folder).net_income, "MSFT", "2024").value == value


@pytest.mark.parametrize(
    "raw, hint",
    [
        ("1.234.5", "the decimal mark is the comma"),
        ("1 234.567,5", "the decimal mark is the comma"),  # two kinds of separator
        ("1,234,5", "such as 12,5"),
        ("12 34,5", "such as 12,5"),
        ("(5,0)", "minus sign: -5,0"),
    ],
)
def test_text_in_a_semicolon_file_number_says_how_to_write_it(
    folder: Path, raw: str, hint: str
) -> None:
    semicolons(folder, "financials.csv")
    replace_in(folder, "financials.csv", "MSFT;2024;92,8;", f'MSFT;2024;"{raw}";')
    p = the_problem(folder)
    check(p, "financials.csv", 3, "net_income", (f'"{raw}"', "not a number"), (hint,))


@pytest.mark.parametrize("raw", ["1 200", "1\u00a0200", "1 234.5"])
def test_a_space_between_digits_is_ambiguous_in_a_comma_file(folder: Path, raw: str) -> None:
    replace_in(folder, "capex.csv", "MSFT,2024,75.6,", f'MSFT,2024,"{raw}",')
    p = the_problem(folder)
    joined = raw.replace(" ", "").replace("\u00a0", "")
    check(
        p, "capex.csv", 3, "capex", (f'"{raw}"', "not a number"), ("ambiguous", f"write {joined}")
    )


@pytest.mark.parametrize("sep", [",", ";"])
@pytest.mark.parametrize("raw, sign", [("$1,200", "$"), ("€ 75,6", "€"), ("75.6 £", "£")])
def test_a_currency_sign_is_refused_naming_it(folder: Path, sep: str, raw: str, sign: str) -> None:
    if sep == ";":
        semicolons(folder, "capex.csv")
    old = "MSFT,2024,75.6," if sep == "," else "MSFT;2024;75,6;"
    replace_in(folder, "capex.csv", old, f'MSFT{sep}2024{sep}"{raw}"{sep}')
    p = the_problem(folder)
    bare = raw.replace(sign, "").strip()
    check(p, "capex.csv", 3, "capex", (f"currency sign ({sign})",), (f"sign: {bare}",))


@pytest.mark.parametrize("raw", ["NaN", "nan", "inf", "-Infinity", "1e400"])
def test_nan_and_infinity_are_not_numbers(folder: Path, raw: str) -> None:
    replace_in(folder, "financials.csv", "MSFT,2024,92.8,", f"MSFT,2024,{raw},")
    p = the_problem(folder)
    check(p, "financials.csv", 3, "net_income", ("not a finite number",), ("enter a number",))


def test_an_empty_required_number(folder: Path) -> None:
    replace_in(folder, "capex.csv", "MSFT,2024,75.6,", "MSFT,2024,,")
    check(the_problem(folder), "capex.csv", 3, "capex", ("empty",), ("enter a number",))


@pytest.mark.parametrize("raw", ["30%", "30 %", "1,234%"])
def test_a_percentage_is_rejected_for_an_amount(folder: Path, raw: str) -> None:
    replace_in(folder, "capex.csv", "MSFT,2024,75.6,", f'MSFT,2024,"{raw}",')
    p = the_problem(folder)
    check(p, "capex.csv", 3, "capex", ("percentage",), ("without %",))


def test_a_percentage_is_accepted_for_shares_and_rates(folder: Path) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + "*,servers,30%,5\n*,buildings,70 %,20\n")
    replace_in(folder, "settings.csv", "tax_rate,0.21", "tax_rate,30%")
    replace_in(folder, "settings.csv", "long_run_capex_growth,0.05", "long_run_capex_growth,4%")
    replace_in(folder, "settings.csv", "net_income_growth,0.05", "net_income_growth,-2.5%")
    inputs = load_inputs(folder)
    assert [a.share for a in inputs.asset_classes["MSFT"]] == pytest.approx([0.30, 0.70])
    assert inputs.settings.tax_rate == pytest.approx(0.30)
    assert inputs.settings.long_run_capex_growth == pytest.approx(0.04)
    assert inputs.settings.earnings_growth == pytest.approx(-0.025)


# --- companies.csv ------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["0", "13", "-1", "12.5", "Dec"])
def test_fiscal_year_end_month_is_1_to_12(folder: Path, month: str) -> None:
    replace_in(folder, "companies.csv", "GOOGL,Alphabet,12", f"GOOGL,Alphabet,{month}")
    p = the_problem(folder)
    check(p, "companies.csv", 4, "fiscal_year_end_month", (f'"{month}"',), ("1 to 12",))


@pytest.mark.parametrize("month", ["1", "6", "12", "12.0"])
def test_fiscal_year_end_months_accepted(folder: Path, month: str) -> None:
    replace_in(folder, "companies.csv", "MSFT,Microsoft,12", f"MSFT,Microsoft,{month}")
    assert load_inputs(folder).companies[0].fiscal_year_end_month == int(float(month))


def test_a_company_listed_twice(folder: Path) -> None:
    replace_in(folder, "companies.csv", "GOOGL,Alphabet,12\n", "GOOGL,Alphabet,12\nMSFT,MS,6\n")
    p = the_problem(folder)
    check(p, "companies.csv", 5, "ticker", ("MSFT", "twice", "line 2"), ("one row per company",))


def test_tickers_differing_only_in_case_are_the_same_company(folder: Path) -> None:
    replace_in(folder, "companies.csv", "GOOGL,Alphabet,12\n", "GOOGL,Alphabet,12\nmsft,MS,6\n")
    p = the_problem(folder)
    check(p, "companies.csv", 5, "ticker", ("msft", "twice", "as MSFT"), ("ignoring case",))


@pytest.mark.parametrize("ticker", ["ME:TA", "ME TA", "-META", "M/ETA", "A" * 32])
def test_a_ticker_must_be_usable_in_row_keys(folder: Path, ticker: str) -> None:
    # the other files still say META, so they report it as unknown: that is the real mismatch
    rename_ticker(folder, "META", ticker)  # in every file: reported once, where it is listed
    p = the_problem(folder)
    check(p, "companies.csv", 5, "ticker", (f'"{ticker}"', "not usable"), ("letters",))


def test_total_is_reserved_for_the_totals_rows(folder: Path) -> None:
    rename_ticker(folder, "META", "Total")
    p = the_problem(folder)
    check(p, "companies.csv", 5, "ticker", ('"Total"', "reserved"), ("another spelling",))


@pytest.mark.parametrize("ticker", ["BRK.B", "RDS-A", "X_1", "7203"])
def test_tickers_with_points_dashes_and_digits_are_fine(folder: Path, ticker: str) -> None:
    rename_ticker(folder, "META", ticker)
    assert load_inputs(folder).tickers[-1] == ticker


def test_an_empty_company_name(folder: Path) -> None:
    replace_in(folder, "companies.csv", "AMZN,Amazon,12", "AMZN,,12")
    check(the_problem(folder), "companies.csv", 3, "name", ("name is empty",), ("enter",))


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","y")', "+1 Corp", "-minus", "@at", "Name, Inc."]
)
def test_a_company_name_is_text_whatever_it_starts_with(folder: Path, name: str) -> None:
    quoted = '"' + name.replace('"', '""') + '"'
    replace_in(folder, "companies.csv", "META,Meta Platforms,12", f"META,{quoted},12")
    assert load_inputs(folder).companies[-1].name == name


def test_a_bad_month_does_not_make_the_company_unknown_elsewhere(folder: Path) -> None:
    replace_in(folder, "companies.csv", "META,Meta Platforms,12", "META,Meta Platforms,0")
    check(the_problem(folder), "companies.csv", 5, "fiscal_year_end_month", ('"0"',), ("1 to 12",))


def test_an_unusable_companies_file_is_reported_once(folder: Path) -> None:
    write(folder, "companies.csv", "ticker,name\nMSFT,Microsoft\n")
    p = the_problem(folder)  # not one "unknown ticker" per row of the other files
    check(p, "companies.csv", 1, "fiscal_year_end_month", ("missing",), ("add the column",))


# --- capex.csv and financials.csv ---------------------------------------------------------


def test_a_duplicate_capex_row(folder: Path) -> None:
    replace_in(folder, "capex.csv", "MSFT,2024,75.6,", "MSFT,2023,75.6,")
    p = the_problem(folder)
    check(p, "capex.csv", 3, "period", ("MSFT 2023", "twice", "line 2"), ("one row per ticker",))


def test_a_duplicate_financials_row(folder: Path) -> None:
    append(folder, "financials.csv", "AMZN,2024,60,restated\n")
    p = the_problem(folder)
    check(p, "financials.csv", 10, "period", ("AMZN 2024", "twice", "line 5"), ("one row",))


@pytest.mark.parametrize(
    "name, row",
    [
        ("capex.csv", "NVDA,2024,20,s"),
        ("financials.csv", "NVDA,2024,30,s"),
        ("guidance.csv", "NVDA,2025,30,35,s"),
    ],
)
def test_an_unknown_ticker(folder: Path, name: str, row: str) -> None:
    line = append(folder, name, row + "\n")
    p = the_problem(folder)
    check(p, name, line, "ticker", ('unknown ticker "NVDA"',), ("companies.csv",))


def test_an_unknown_ticker_in_another_case_gets_a_did_you_mean(folder: Path) -> None:
    replace_in(folder, "financials.csv", "GOOGL,2024,", "googl,2024,")
    p = the_problem(folder)
    check(p, "financials.csv", 7, "ticker", ('"googl"',), ('did you mean "GOOGL"',))


@pytest.mark.parametrize(
    "period, words",
    [
        ("FY2024", ("four digits",)),
        ("24", ("four digits",)),
        ("2024.0", ("write 2024",)),
        ("2024-12-31", ("four digits",)),
        ("", ("four digits",)),
    ],
)
def test_a_malformed_period(folder: Path, period: str, words: tuple[str, ...]) -> None:
    replace_in(folder, "capex.csv", "META,2024,", f"META,{period},")
    p = the_problem(folder)
    check(p, "capex.csv", 9, "period", (f'"{period}"', "not a fiscal year"), words)


@pytest.mark.parametrize("sep", [",", ";"])
@pytest.mark.parametrize(
    "date", ["31/12/2024", "2024-12-31", "12/31/2024", "31.12.2024", "31-Dec-24", "Dec 2024"]
)
def test_an_excel_date_in_a_period_column_is_named_a_date(
    folder: Path, sep: str, date: str
) -> None:
    if sep == ";":
        semicolons(folder, "capex.csv")
    replace_in(folder, "capex.csv", f"META{sep}2024{sep}", f"META{sep}{date}{sep}")
    p = the_problem(folder)
    check(
        p,
        "capex.csv",
        9,
        "period",
        (f'"{date}"', "not a fiscal year or quarter: it is a date"),
        ("four digits, e.g. 2024", "format the column as Text"),
    )


@pytest.mark.parametrize("period", ["0024", "1899", "2200", "9999"])
def test_an_implausible_year(folder: Path, period: str) -> None:
    replace_in(folder, "capex.csv", "META,2023,", f"META,{period},")
    p = the_problem(folder)
    check(p, "capex.csv", 8, "period", (str(int(period)), "not a plausible"), ("1900 to 2199",))


def test_a_gap_in_a_tickers_actuals(folder: Path) -> None:
    replace_in(folder, "capex.csv", "GOOGL,2024,", "GOOGL,2027,")
    p = the_problem(folder)
    check(
        p,
        "capex.csv",
        7,
        "period",
        ("GOOGL", "2024–2026", "gap between 2023 and 2027"),
        ("continuous",),
    )


def test_a_gap_in_net_income_actuals(folder: Path) -> None:
    replace_in(folder, "financials.csv", "AMZN,2023,", "AMZN,2021,")
    p = the_problem(folder)
    check(p, "financials.csv", 5, "period", ("AMZN", "2022–2023"), ("missing", "continuous"))


def test_rows_may_come_in_any_order(folder: Path) -> None:
    lines = (folder / "capex.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    write(folder, "capex.csv", lines[0] + "".join(reversed(lines[1:])))

    def values(facts: dict) -> dict:
        return {t: {str(p): f.value for p, f in by.items()} for t, by in facts.items()}

    assert values(load_inputs(folder).capex) == values(load_inputs(ARTICLE).capex)


def test_negative_capex(folder: Path) -> None:
    replace_in(folder, "capex.csv", "AMZN,2024,77.7,", "AMZN,2024,-77.7,")
    check(the_problem(folder), "capex.csv", 5, "capex", ("-77.7", "negative"), ("positive",))


def test_negative_and_zero_net_income_are_accepted(folder: Path) -> None:
    replace_in(folder, "financials.csv", "AMZN,2023,30.5155,", "AMZN,2023,-2.7,")
    replace_in(folder, "financials.csv", "AMZN,2024,59.2,", "AMZN,2024,0,")
    inputs = load_inputs(folder)
    assert at(inputs.net_income, "AMZN", "2023").value == -2.7
    assert at(inputs.net_income, "AMZN", "2024").value == 0


def test_a_company_without_capex_actuals(folder: Path) -> None:
    write(folder, "capex.csv", CAPEX + "MSFT,2024,75.6,s\nAMZN,2024,77.7,s\nGOOGL,2024,52.5,s\n")
    p = the_problem(folder)
    check(p, "capex.csv", 0, "ticker", ("META has no capex actuals",), ("add at least one row",))


def test_a_company_whose_only_capex_row_is_bad_is_reported_once(folder: Path) -> None:
    write(folder, "capex.csv", CAPEX + "MSFT,2024,75.6,s\nAMZN,2024,77.7,s\nGOOGL,2024,52.5,s\n")
    append(folder, "capex.csv", "META,FY24,37.3,s\n")
    check(the_problem(folder), "capex.csv", 5, "period", ('"FY24"',), ("2024",))


# --- guidance.csv -------------------------------------------------------------------------


def test_an_empty_capex_high_means_the_low(folder: Path) -> None:
    g = at(load_inputs(folder).guidance, "AMZN", "2025")
    assert (g.low, g.high, g.midpoint) == (100, None, 100)
    assert at(load_inputs(folder).guidance, "META", "2025").midpoint == 62.5


def test_guidance_low_equal_to_high_is_fine(folder: Path) -> None:
    replace_in(folder, "guidance.csv", "META,2025,60,65,", "META,2025,62,62,")
    assert at(load_inputs(folder).guidance, "META", "2025").midpoint == 62


def test_guidance_low_above_high(folder: Path) -> None:
    replace_in(folder, "guidance.csv", "META,2025,60,65,", "META,2025,65,60,")
    p = the_problem(folder)
    check(p, "guidance.csv", 4, "capex_high", ("high 60", "below the low 65"), ("swap",))


def test_guidance_without_a_low(folder: Path) -> None:
    replace_in(folder, "guidance.csv", "META,2025,60,65,", "META,2025,,65,")
    check(the_problem(folder), "guidance.csv", 4, "capex_low", ("empty",), ("enter a number",))


def test_negative_guidance(folder: Path) -> None:
    replace_in(folder, "guidance.csv", "GOOGL,2025,75,", "GOOGL,2025,-75,")
    check(the_problem(folder), "guidance.csv", 3, "capex_low", ("negative",), ("positive",))


def test_duplicate_guidance(folder: Path) -> None:
    append(folder, "guidance.csv", "AMZN,2025,105,,later call\n")
    p = the_problem(folder)
    check(p, "guidance.csv", 5, "period", ("AMZN 2025", "twice", "line 2"), ("one row",))


def test_guidance_outside_the_timeline_or_for_an_actual_is_a_warning(folder: Path) -> None:
    append(folder, "guidance.csv", "MSFT,2040,90,,far\nMSFT,2024,80,,old\n")
    warnings = load_inputs(folder).warnings
    assert any(w.startswith("guidance.csv, line 5: MSFT 2040 is outside") for w in warnings)
    assert any(w.startswith("guidance.csv, line 6: MSFT 2024 has an actual") for w in warnings)


# --- assumptions.csv ----------------------------------------------------------------------


def test_the_star_row_is_the_default_and_own_rows_replace_it(folder: Path) -> None:
    write(
        folder,
        "assumptions.csv",
        ASSUMPTIONS + "*,all_assets,1,5\nMETA,servers,0.6,5.5\nMETA,buildings,0.4,30\n",
    )
    classes = load_inputs(folder).asset_classes
    assert [(a.name, a.share, a.useful_life) for a in classes["META"]] == [
        ("servers", 0.6, 5.5),
        ("buildings", 0.4, 30),
    ]
    assert [(a.name, a.share, a.useful_life) for a in classes["MSFT"]] == [("all_assets", 1, 5)]


def test_a_company_without_asset_classes_and_no_default(folder: Path) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + "MSFT,a,1,5\nAMZN,a,1,5\nGOOGL,a,1,5\n")
    p = the_problem(folder)
    check(p, "assumptions.csv", 0, "ticker", ("META has no asset classes",), ("ticker *",))


@pytest.mark.parametrize("shares", [("0.6", "0.3"), ("0.6", "0.5"), ("60%", "41%")])
def test_shares_of_a_ticker_sum_to_one(folder: Path, shares: tuple[str, str]) -> None:
    write(
        folder,
        "assumptions.csv",
        ASSUMPTIONS + f"*,all,1,5\nMSFT,a,{shares[0]},5\nMSFT,b,{shares[1]},20\n",
    )
    p = the_problem(folder)
    check(p, "assumptions.csv", 3, "share", ("shares of MSFT sum to",), ("add up to 1",))


def test_shares_of_the_default_sum_to_one(folder: Path) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + "*,a,0.5,5\n*,b,0.4,20\n")
    p = the_problem(folder)
    check(p, "assumptions.csv", 2, "share", ("default (*)", "sum to 0.9"), ("add up to 1",))


def test_shares_that_sum_to_one_within_rounding_are_fine(folder: Path) -> None:
    write(
        folder,
        "assumptions.csv",
        ASSUMPTIONS + "*,a,0.3333333,5\n*,b,0.3333333,6\n*,c,0.3333334,7\n",
    )
    assert len(load_inputs(folder).asset_classes["MSFT"]) == 3


@pytest.mark.parametrize("share", ["-0.5", "1.5", "150%"])
def test_a_share_outside_0_to_1(folder: Path, share: str) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + f"*,all,{share},5\n")
    p = the_problem(folder)  # not also "sum to" or "no asset classes"
    check(p, "assumptions.csv", 2, "share", ("not a share between 0 and 1",), ("60%",))


@pytest.mark.parametrize("life", ["-5", "-0.5"])
def test_a_useful_life_must_not_be_negative(folder: Path, life: str) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + f"*,servers,0.6,{life}\n*,buildings,0.4,25\n")
    p = the_problem(folder)  # not also "sum to 0.4" or "has no asset classes"
    check(p, "assumptions.csv", 2, "useful_life_years", ("negative",), ("0 is land", "5.5"))


def test_a_share_of_0_and_a_life_of_0_are_a_class_with_no_capex_and_land(folder: Path) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + "*,servers,1,5\n*,land,0,0\n")
    land = load_inputs(folder).asset_classes["MSFT"][1]
    assert (land.name, land.share, land.useful_life) == ("land", 0.0, 0.0)


@pytest.mark.parametrize("life", ["0.5", "5.5", "40", "2.25"])
def test_fractional_lives_are_fine(folder: Path, life: str) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + f"*,all,1,{life}\n")
    assert load_inputs(folder).asset_classes["MSFT"][0].useful_life == float(life)


def test_an_asset_class_twice_for_a_ticker(folder: Path) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + "*,servers,0.5,5\n*,Servers,0.5,6\n")
    p = the_problem(folder)
    check(p, "assumptions.csv", 3, "asset_class", ("twice", "line 2"), ("one row per ticker",))


def test_an_asset_class_name_must_be_usable_in_row_keys(folder: Path) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + "*,data:centres,1,5\n")
    p = the_problem(folder)
    check(p, "assumptions.csv", 2, "asset_class", ('"data:centres"', "not usable"), ("letters",))


def test_an_unknown_ticker_in_assumptions(folder: Path) -> None:
    write(folder, "assumptions.csv", ASSUMPTIONS + "*,all,1,5\nNVDA,all,1,5\n")
    p = the_problem(folder)
    check(p, "assumptions.csv", 3, "ticker", ('unknown ticker "NVDA"',), ("companies.csv",))


# --- settings.csv -------------------------------------------------------------------------


def test_an_unknown_setting_lists_the_known_ones(folder: Path) -> None:
    append(folder, "settings.csv", "discount_rate,0.08\n")
    p = the_problem(folder)
    check(p, "settings.csv", 9, "key", ('"discount_rate"',), ("forecast_years", "tax_rate"))


def test_a_misspelt_setting_gets_a_did_you_mean(folder: Path) -> None:
    replace_in(folder, "settings.csv", "fade_years,3", "fade_year,3")
    p = the_problem(folder)
    check(p, "settings.csv", 6, "key", ('unknown setting "fade_year"',), ('"fade_years"',))


def test_a_setting_twice(folder: Path) -> None:
    append(folder, "settings.csv", "tax_rate,0.25\n")
    p = the_problem(folder)
    check(p, "settings.csv", 9, "key", ("tax_rate", "twice", "line 8"), ("keep one",))


@pytest.mark.parametrize("value", ["0", "1", "10", "50"])
def test_forecast_years_whole_numbers_from_0(folder: Path, value: str) -> None:
    replace_in(folder, "settings.csv", "forecast_years,5", f"forecast_years,{value}")
    assert load_inputs(folder).settings.forecast_years == int(value)


@pytest.mark.parametrize("value", ["-1", "2.5", "51", "5%"])
def test_forecast_years_not_a_whole_number_from_0(folder: Path, value: str) -> None:
    replace_in(folder, "settings.csv", "forecast_years,5", f"forecast_years,{value}")
    p = the_problem(folder)
    check(p, "settings.csv", 3, "value", (value,), ())


@pytest.mark.parametrize(
    "convention", ["full_year", "half_year", "next_year", "start_of_period", "mid_period"]
)
def test_the_conventions(folder: Path, convention: str) -> None:
    replace_in(folder, "settings.csv", "convention,full_year", f"convention,{convention}")
    assert load_inputs(folder).settings.depreciation_convention == convention


@pytest.mark.parametrize("convention", ["mid_year", "Full_Year", "", "half-year"])
def test_an_unknown_convention(folder: Path, convention: str) -> None:
    replace_in(folder, "settings.csv", "convention,full_year", f"convention,{convention}")
    p = the_problem(folder)
    check(
        p,
        "settings.csv",
        4,
        "value",
        (f'unknown convention "{convention}"',),
        ("full_year", "half_year", "next_year"),
    )


@pytest.mark.parametrize("value", ["0", "-1"])
def test_fade_years_must_be_positive(folder: Path, value: str) -> None:
    replace_in(folder, "settings.csv", "fade_years,3", f"fade_years,{value}")
    check(the_problem(folder), "settings.csv", 6, "value", ("not positive",), ("e.g. 3",))


def test_fractional_fade_years_are_fine(folder: Path) -> None:
    replace_in(folder, "settings.csv", "fade_years,3", "fade_years,0.5")
    assert load_inputs(folder).settings.fade_years == 0.5


@pytest.mark.parametrize("value", ["1", "-0.1", "21"])
def test_tax_rate_from_0_to_below_1(folder: Path, value: str) -> None:
    replace_in(folder, "settings.csv", "tax_rate,0.21", f"tax_rate,{value}")
    check(the_problem(folder), "settings.csv", 8, "value", ("not between 0 and 1",), ("21%",))


@pytest.mark.parametrize("value", ["-1", "-100%", "-2"])
def test_growth_of_minus_100_percent_or_below(folder: Path, value: str) -> None:
    replace_in(folder, "settings.csv", "net_income_growth,0.05", f"net_income_growth,{value}")
    check(the_problem(folder), "settings.csv", 7, "value", ("-100% or below",), ("above -1",))


@pytest.mark.parametrize("value, means", [("5", "(5 means 500%)"), ("150%", "")])
def test_growth_above_100_percent_a_year(folder: Path, value: str, means: str) -> None:
    replace_in(folder, "settings.csv", "growth,0.05", f"growth,{value}")  # long_run_capex_growth
    p = the_problem(folder)
    check(p, "settings.csv", 5, "value", ("more than 100%",), ("0.05 or 5%", means))


@pytest.mark.parametrize("unit", ["USD bn", "EUR m", "JPY bn", "USD", "£m"])
def test_units(folder: Path, unit: str) -> None:
    replace_in(folder, "settings.csv", "unit,USD bn", f"unit,{unit}")
    assert load_inputs(folder).settings.unit == unit


@pytest.mark.parametrize("unit", ["", "1000", "=A1", "a very long unit name indeed"])
def test_not_a_unit(folder: Path, unit: str) -> None:
    replace_in(folder, "settings.csv", "unit,USD bn", f"unit,{unit}")
    check(the_problem(folder), "settings.csv", 2, "value", ("not a unit",), ("EUR m",))


def test_an_empty_setting_value(folder: Path) -> None:
    replace_in(folder, "settings.csv", "fade_years,3", "fade_years,")
    check(the_problem(folder), "settings.csv", 6, "value", ("empty",), ("enter a number",))


# --- the timeline -------------------------------------------------------------------------


def test_the_timeline_runs_from_the_earliest_actual_to_the_latest_plus_forecast_years(
    folder: Path,
) -> None:
    append(folder, "capex.csv", "MSFT,2022,30,s\nMSFT,2021,25,s\n")
    replace_in(folder, "settings.csv", "forecast_years,5", "forecast_years,3")
    inputs = load_inputs(folder)
    assert labels(inputs.periods) == ["2021", "2022", "2023", "2024", "2025", "2026", "2027"]


def test_the_timeline_uses_capex_not_financials_or_guidance(folder: Path) -> None:
    append(folder, "financials.csv", "MSFT,2022,70,s\n")
    replace_in(folder, "settings.csv", "forecast_years,5", "forecast_years,0")
    inputs = load_inputs(folder)
    assert labels(inputs.periods) == ["2023", "2024"]
    assert any("MSFT 2022 is outside the timeline 2023–2024" in w for w in inputs.warnings)
    assert any("2025 is outside the timeline" in w for w in inputs.warnings)  # guidance


def test_companies_may_start_in_different_years(folder: Path) -> None:
    replace_in(folder, "capex.csv", "GOOGL,2023,32.2086,", "GOOGL,2024,32.2086,")
    replace_in(folder, "capex.csv", "GOOGL,2024,52.5,", "GOOGL,2025,52.5,")
    inputs = load_inputs(folder)
    assert labels(sorted(inputs.capex["GOOGL"])) == ["2024", "2025"]
    assert labels(inputs.periods) == [str(y) for y in range(2023, 2031)]


# --- CSV from a European Excel ----------------------------------------------------------

#: columns whose numbers are names (years, months): Excel writes them without separators
NOT_AMOUNTS = ("period", "effective_from", "fiscal_year_end_month", "key", "ticker")


def european(cell: str, column: str, n: int) -> str:
    """A number cell as European Excel writes it: decimal comma, and thousands separated by
    a point or a no-break space, row `n` by row; any other cell as it is."""
    if column in NOT_AMOUNTS or not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell):
        return cell
    whole, _, fraction = cell.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    groups = [digits[max(0, i - 3) : i] for i in range(len(digits), 0, -3)][::-1]
    return sign + ("." if n % 2 else "\u00a0").join(groups) + ("," + fraction if fraction else "")


def save_as_european_excel(source: Path, dest: Path) -> None:
    """Every CSV of `source` as a German or French Excel saves it: semicolons, decimal
    commas, thousands separators, a UTF-8 BOM and CRLF line ends."""
    dest.mkdir()
    for path in sorted(source.glob("*.csv")):
        header, *rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        for n, row in enumerate(rows):
            writer.writerow(european(c, h, n) for h, c in zip(header, row, strict=True))
        (dest / path.name).write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


def test_a_folder_saved_by_european_excel_builds_the_shipped_model(tmp_path: Path) -> None:
    import pandas as pd

    import modelgen

    shipped = Path(__file__).resolve().parents[2] / "inputs"
    folder = tmp_path / "inputs"
    save_as_european_excel(shipped, folder)
    capex = (folder / "capex.csv").read_bytes()
    assert capex.startswith(b"\xef\xbb\xbfticker;period;capex;source\r\n")
    assert "AMZN;2024;77,658;" in capex.decode("utf-8")
    financials = (folder / "financials.csv").read_bytes().decode("utf-8-sig")
    assert ";7\u00a0472\r\n" in financials and ";7.469\r\n" in financials
    want = modelgen.build_model(modelgen.read_inputs(shipped))
    got = modelgen.build_model(modelgen.read_inputs(folder))
    assert got.inputs.warnings == want.inputs.warnings
    assert list(got.sheets) == list(want.sheets)
    compared = 0
    for sheet in want.sheets:
        if "period" not in want.sheets[sheet].by_key:
            continue
        pd.testing.assert_frame_equal(got.frame(sheet), want.frame(sheet), check_exact=True)
        compared += 1
    assert compared >= 5
