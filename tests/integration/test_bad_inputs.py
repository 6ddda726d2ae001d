"""A corpus of malformed input folders, each one mutation of the shipped, valid `inputs/`.

Every case runs the command line (`modelgen validate`, in-process through typer's CliRunner;
a sample also as a real `python -m modelgen` subprocess, validate and build) and reads back
what a user would see: exit status 2, no traceback, and a problem line naming the file, the
line where there is one, the column where there is one, what is wrong and, after `; `, what
to do. A single mutation must not produce a cascade of problems: each case says how many
problem lines it allows (one, unless noted).

A second, smaller corpus holds inputs that look odd but must be accepted (thousands
separators in amounts, percentages in shares and rates, BOM + CRLF, formula-looking names).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelgen.cli import app
from modelgen.inputs.folder import load_inputs
from tests.cli import run_modelgen
from tests.integration.test_inputs import (
    append,
    at,
    copy_shipped,
    labels,
    rename_ticker,
    replace_in,
    write,
)

Mutation = Callable[[Path], None]

# FILE[, line N][, column C]: what is wrong; what to do
PROBLEM_LINE = re.compile(
    r"^(?P<file>.+?)(?:, line (?P<line>\d+))?(?:, column (?P<column>.+?))?"
    r": (?P<message>.+?); (?P<hint>.*)$"
)


def sub(name: str, old: str, new: str) -> Mutation:
    return lambda folder: replace_in(folder, name, old, new)


def put(name: str, data: str | bytes) -> Mutation:
    def mutate(folder: Path) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    return mutate


def add(name: str, rows: str) -> Mutation:
    return lambda folder: append(folder, name, rows)


def drop(name: str) -> Mutation:
    return lambda folder: (folder / name).unlink()


def header_only(name: str) -> Mutation:
    def mutate(folder: Path) -> None:
        header = (folder / name).read_text(encoding="utf-8").splitlines()[0]
        write(folder, name, header + "\n")

    return mutate


def encode_as(name: str, encoding: str, old: str = "", new: str = "") -> Mutation:
    def mutate(folder: Path) -> None:
        text = (folder / name).read_text(encoding="utf-8").replace(old, new, 1)
        (folder / name).write_bytes(text.encode(encoding))

    return mutate


def notes_column(name: str) -> Mutation:
    """A last column `notes` the model does not read, with a note on the first row."""

    def mutate(folder: Path) -> None:
        header, first, *rest = (folder / name).read_text(encoding="utf-8").splitlines()
        write(folder, name, "\n".join([header + ",notes", first + ",checked", *rest]) + ",\n")

    return mutate


def rename(old: str, new: str) -> Mutation:
    return lambda folder: rename_ticker(folder, old, new)


def no_folder(folder: Path) -> None:
    shutil.rmtree(folder)


def file_not_folder(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.write_text("ticker,name,fiscal_year_end_month\n", encoding="utf-8")


def folder_not_file(name: str) -> Mutation:
    def mutate(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()

    return mutate


@dataclass(frozen=True)
class Bad:
    """One malformed folder and the problem it must produce."""

    id: str
    mutate: Mutation
    file: str  # "{folder}" for the input folder itself
    line: int | None  # None: the problem is about the whole file
    column: str | None  # None: no column
    words: tuple[str, ...] = ()  # key words of the message
    max_problems: int = 1


BAD = [
    # columns and headers
    Bad("missing-column", sub("companies.csv", ",fiscal_year_end_month\n", "\n"), "companies.csv", 1, "fiscal_year_end_month", ("missing",)),
    Bad("misspelt-column", sub("capex.csv", "period,capex,", "period,capx,"), "capex.csv", 1, "capex", ("missing",), 2),
    Bad("capitalised-column", sub("financials.csv", ",net_income,", ",Net_Income,"), "financials.csv", 1, "net_income", ("missing",), 2),
    Bad("misspelt-optional-column", sub("guidance.csv", ",capex_high,", ",capex_hig,"), "guidance.csv", 1, "capex_hig", ("unknown column",)),
    Bad("column-twice", sub("settings.csv", "key,value\n", "key,value,key\n"), "settings.csv", 1, "key", ("twice",)),
    Bad("tab-separated", put("companies.csv", "ticker\tname\tfiscal_year_end_month\nMSFT\tMicrosoft\t12\n"), "companies.csv", 1, None, ("tabs",)),
    Bad("space-thousands-in-comma-file", sub("capex.csv", "MSFT,2024,75.6,", "MSFT,2024,1 200,"), "capex.csv", 3, "capex", ("not a number",)),
    Bad("ambiguous-point-in-semicolon-file", put("settings.csv", "key;value\nforecast_years;5\nfade_years;2.500\n"), "settings.csv", 3, "value", ("could be 2.5", "or 2500")),
    # files
    Bad("missing-capex", drop("capex.csv"), "capex.csv", None, None, ("missing",)),
    Bad("missing-settings", drop("settings.csv"), "settings.csv", None, None, ("missing",)),
    Bad("missing-companies", drop("companies.csv"), "companies.csv", None, None, ("missing",)),
    Bad("empty-companies", put("companies.csv", ""), "companies.csv", None, None, ("empty",)),
    Bad("empty-guidance", put("guidance.csv", ""), "guidance.csv", None, None, ("empty",)),
    Bad("blank-lines-only", put("settings.csv", "\r\n\r\n"), "settings.csv", None, None, ("empty",)),
    Bad("header-only-capex", header_only("capex.csv"), "capex.csv", None, None, ("no rows",)),
    Bad("header-only-companies", header_only("companies.csv"), "companies.csv", None, None, ("no rows",)),
    Bad("header-only-assumptions", header_only("assumptions.csv"), "assumptions.csv", None, None, ("no rows",)),
    Bad("csv-is-a-folder", folder_not_file("guidance.csv"), "guidance.csv", None, None, ("not a file",)),
    Bad("no-such-folder", no_folder, "{folder}", None, None, ("does not exist",)),
    Bad("folder-is-a-file", file_not_folder, "{folder}", None, None, ("not a folder",)),
    # encodings and garbage
    Bad("binary-garbage", put("capex.csv", bytes(range(256)) * 8), "capex.csv", None, None, ("binary",)),
    Bad("xlsx-named-csv", put("financials.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(200)), "financials.csv", None, None, ("Excel workbook",)),
    Bad("cp1252", encode_as("companies.csv", "cp1252", "Meta Platforms", "Méta Platforms"), "companies.csv", 5, "name", ("not UTF-8", "cp1252")),
    Bad("cp1252-source", encode_as("capex.csv", "cp1252", "stated; Caijing", "stated – Caijing"), "capex.csv", 3, "source", ("not UTF-8",)),
    Bad("utf16", encode_as("settings.csv", "utf-16"), "settings.csv", None, None, ("UTF-16",)),
    # rows
    Bad("ragged-too-many", sub("companies.csv", "AMZN,Amazon,12", "AMZN,Amazon, Inc.,12"), "companies.csv", 3, "fiscal_year_end_month", ("found 4",)),
    Bad("ragged-too-few", sub("capex.csv", "AMZN,2024,77.7,", "AMZN,2024,"), "capex.csv", 5, "source", ("found 3",)),
    Bad("unclosed-quote", sub("companies.csv", "AMZN,Amazon,12", 'AMZN,"Amazon,12'), "companies.csv", 3, "name", ("never closed",)),
    Bad("duplicate-capex-row", add("capex.csv", "MSFT,2024,75.6,again\n"), "capex.csv", 10, "period", ("twice", "line 3")),
    Bad("duplicate-company", add("companies.csv", "AMZN,Amazon.com,12\n"), "companies.csv", 6, "ticker", ("twice",)),
    Bad("duplicate-company-case", add("companies.csv", "amzn,Amazon.com,12\n"), "companies.csv", 6, "ticker", ("twice", "as AMZN")),
    Bad("duplicate-setting", add("settings.csv", "fade_years,4\n"), "settings.csv", 9, "key", ("twice",)),
    Bad("duplicate-asset-class", add("assumptions.csv", "*,all_assets,1,6\n"), "assumptions.csv", 3, "asset_class", ("twice",)),
    # numbers
    Bad("text-in-number", sub("capex.csv", "MSFT,2024,75.6,", "MSFT,2024,75.6x,"), "capex.csv", 3, "capex", ("not a number",)),
    Bad("nan", sub("financials.csv", "MSFT,2024,92.8,", "MSFT,2024,NaN,"), "financials.csv", 3, "net_income", ("not a finite number",)),
    Bad("inf", sub("guidance.csv", "META,2025,60,65,", "META,2025,60,inf,"), "guidance.csv", 4, "capex_high", ("not a finite number",)),
    Bad("minus-infinity-life", sub("assumptions.csv", "*,all_assets,1,5", "*,all_assets,1,-Infinity"), "assumptions.csv", 2, "useful_life_years", ("not a finite number",)),
    Bad("percent-in-amount", sub("capex.csv", "META,2024,37.3,", "META,2024,30%,"), "capex.csv", 9, "capex", ("percentage",)),
    Bad("decimal-comma", sub("capex.csv", "META,2024,37.3,", 'META,2024,"37,3",'), "capex.csv", 9, "capex", ("has a decimal comma", "mixes")),
    Bad("bracket-negative", sub("financials.csv", "AMZN,2023,30.5155,", "AMZN,2023,(30.5),"), "financials.csv", 4, "net_income", ("not a number",)),
    Bad("currency-sign", sub("capex.csv", "AMZN,2023,47.9630,", "AMZN,2023,$47.96,"), "capex.csv", 4, "capex", ("currency sign ($)",)),
    Bad("empty-number", sub("capex.csv", "AMZN,2023,47.9630,", "AMZN,2023,,"), "capex.csv", 4, "capex", ("empty",)),
    Bad("negative-capex", sub("capex.csv", "AMZN,2024,77.7,", "AMZN,2024,-77.7,"), "capex.csv", 5, "capex", ("negative",)),
    # tickers and periods
    Bad("unknown-ticker", add("capex.csv", "NVDA,2024,20,s\n"), "capex.csv", 10, "ticker", ("unknown ticker",)),
    Bad("unknown-ticker-typo", sub("guidance.csv", "GOOGL,2025,", "GOOGLE,2025,"), "guidance.csv", 3, "ticker", ("unknown ticker",)),
    Bad("empty-ticker", sub("financials.csv", "MSFT,2024,", ",2024,"), "financials.csv", 3, "ticker", ("empty",)),
    Bad("ticker-with-colon", rename("META", "ME:TA"), "companies.csv", 5, "ticker", ("not usable",)),
    Bad("ticker-with-space", rename("META", "META PLATFORMS"), "companies.csv", 5, "ticker", ("not usable",)),
    Bad("ticker-total", rename("META", "TOTAL"), "companies.csv", 5, "ticker", ("reserved",)),
    Bad("malformed-period", sub("capex.csv", "MSFT,2024,", "MSFT,FY2024,"), "capex.csv", 3, "period", ("not a fiscal year",)),
    Bad("period-as-date", sub("financials.csv", "META,2024,", "META,31/12/2024,"), "financials.csv", 9, "period", ("not a fiscal year",)),
    Bad("period-as-float", sub("guidance.csv", "AMZN,2025,", "AMZN,2025.0,"), "guidance.csv", 2, "period", ("not a fiscal year",)),
    Bad("period-implausible", sub("capex.csv", "META,2024,", "META,2204,"), "capex.csv", 9, "period", ("plausible",)),
    Bad("gap-in-actuals", sub("capex.csv", "GOOGL,2024,", "GOOGL,2026,"), "capex.csv", 7, "period", ("gap",)),
    Bad("company-without-capex", add("companies.csv", "NVDA,Nvidia,1\n"), "capex.csv", None, "ticker", ("NVDA has no capex",)),
    # companies
    Bad("month-13", sub("companies.csv", "GOOGL,Alphabet,12", "GOOGL,Alphabet,13"), "companies.csv", 4, "fiscal_year_end_month", ("not a month",)),
    Bad("month-0", sub("companies.csv", "MSFT,Microsoft,12", "MSFT,Microsoft,0"), "companies.csv", 2, "fiscal_year_end_month", ("not a month",)),
    Bad("month-name", sub("companies.csv", "MSFT,Microsoft,12", "MSFT,Microsoft,June"), "companies.csv", 2, "fiscal_year_end_month", ("not a month",)),
    Bad("empty-name", sub("companies.csv", "MSFT,Microsoft,12", "MSFT,,12"), "companies.csv", 2, "name", ("empty",)),
    # guidance
    Bad("guidance-low-above-high", sub("guidance.csv", "META,2025,60,65,", "META,2025,65,60,"), "guidance.csv", 4, "capex_high", ("below the low",)),
    # assumptions
    Bad("shares-not-summing-to-1", add("assumptions.csv", "META,servers,0.6,5\nMETA,buildings,0.3,25\n"), "assumptions.csv", 3, "share", ("sum to 0.9",)),
    Bad("share-above-1", sub("assumptions.csv", "*,all_assets,1,", "*,all_assets,150%,"), "assumptions.csv", 2, "share", ("between 0 and 1",)),
    Bad("negative-life", sub("assumptions.csv", "*,all_assets,1,5", "*,all_assets,1,-5.5"), "assumptions.csv", 2, "useful_life_years", ("negative",)),
    Bad("no-default-asset-classes", sub("assumptions.csv", "*,all_assets", "MSFT,all_assets"), "assumptions.csv", None, "ticker", ("no asset classes",), 3),
    # settings
    Bad("unknown-setting", add("settings.csv", "discount_rate,0.08\n"), "settings.csv", 9, "key", ("unknown setting",)),
    Bad("unknown-convention", sub("settings.csv", ",full_year", ",mid_year"), "settings.csv", 4, "value", ("unknown convention",)),
    Bad("forecast-years-fraction", sub("settings.csv", "forecast_years,5", "forecast_years,2.5"), "settings.csv", 3, "value", ("whole number",)),
    Bad("forecast-years-negative", sub("settings.csv", "forecast_years,5", "forecast_years,-1"), "settings.csv", 3, "value", ("whole number",)),
    Bad("fade-years-zero", sub("settings.csv", "fade_years,3", "fade_years,0"), "settings.csv", 6, "value", ("not positive",)),
    Bad("tax-rate-as-whole-percent", sub("settings.csv", "tax_rate,0.21", "tax_rate,21"), "settings.csv", 8, "value", ("between 0 and 1",)),
    Bad("growth-as-whole-percent", sub("settings.csv", "long_run_capex_growth,0.05", "long_run_capex_growth,5"), "settings.csv", 5, "value", ("more than 100%",)),
    Bad("unit-not-a-unit", sub("settings.csv", "unit,USD bn", "unit,1000"), "settings.csv", 2, "value", ("not a unit",)),
]  # fmt: skip

SUBPROCESS = {
    "misspelt-column",
    "missing-capex",
    "header-only-companies",
    "cp1252",
    "binary-garbage",
    "unclosed-quote",
    "nan",
    "no-such-folder",
}
BUILD = {"misspelt-column", "cp1252", "unclosed-quote", "nan"}


def test_the_corpus_is_large_and_varied() -> None:
    assert len(BAD) >= 40
    assert len({c.id for c in BAD}) == len(BAD)
    assert SUBPROCESS <= {c.id for c in BAD} and BUILD <= SUBPROCESS
    assert sum(c.line is not None for c in BAD) >= 40


def parse_problems(stderr: str) -> list[re.Match[str]]:
    """Every problem line of a bad-input report; fails on anything else in stderr."""
    lines = stderr.splitlines()
    assert lines, "nothing on stderr"
    # build adds "; nothing was written"; validate writes nothing, so it does not say so
    assert re.fullmatch(r"modelgen: \d+ problems? in the input(; nothing was written)?", lines[-1])
    matches = []
    for text in lines[:-1]:
        m = PROBLEM_LINE.match(text)
        assert m, f"not FILE[, line N][, column C]: what; what to do: {text!r}"
        matches.append(m)
    n = int(lines[-1].split()[1])
    assert n == len(matches)
    return matches


def assert_reported(case: Bad, folder: Path, code: int, stdout: str, stderr: str) -> None:
    assert code == 2, f"exit {code}\n{stdout}\n{stderr}"
    assert "Traceback" not in stderr and "Traceback" not in stdout
    assert "valid (" not in stdout
    problems = parse_problems(stderr)
    for m in problems:
        assert m["hint"].strip(), f"no hint (what to do) in {m.group(0)!r}"
    assert len(problems) <= case.max_problems, stderr
    file = case.file.format(folder=folder)
    wanted = [
        m
        for m in problems
        if m["file"] == file
        and m["line"] == (None if case.line is None else str(case.line))
        and m["column"] == case.column
    ]
    where = f"{file}, line {case.line}, column {case.column}"
    assert wanted, f"no problem at {where} in:\n{stderr}"
    for word in case.words:
        assert any(word in m["message"] for m in wanted), f"{word!r} not said at {where}:\n{stderr}"


def mutated(tmp_path: Path, case: Bad) -> Path:
    folder = copy_shipped(tmp_path / "inputs")
    case.mutate(folder)
    return folder


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_bad_input_is_reported_by_validate(tmp_path: Path, case: Bad) -> None:
    folder = mutated(tmp_path, case)
    result = CliRunner().invoke(app, ["validate", "--inputs", str(folder)])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert_reported(case, folder, result.exit_code, result.stdout, result.stderr)


SUB_CASES = [c for c in BAD if c.id in SUBPROCESS]


@pytest.mark.parametrize("case", SUB_CASES, ids=[c.id for c in SUB_CASES])
def test_bad_input_is_reported_by_the_real_command(tmp_path: Path, case: Bad) -> None:
    folder = mutated(tmp_path, case)
    proc = run_modelgen("validate", "--inputs", str(folder), cwd=tmp_path)
    assert_reported(case, folder, proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def old_workbook(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """An analyst's workbook from an earlier build: the file a failed build must leave alone.

    Written with xlsxwriter directly, so that these tests do not depend on the model.
    """
    import xlsxwriter

    out = tmp_path_factory.mktemp("old") / "capex_model.xlsx"
    wb = xlsxwriter.Workbook(str(out))
    ws = wb.add_worksheet("Capex")
    ws.write_row(0, 0, ["capex:MSFT", "Microsoft capex", "USD bn", None, 75.6])
    ws.write_formula(1, 4, "=E1*2", None, 151.2)
    wb.close()
    return out.read_bytes()


BUILD_CASES = [c for c in BAD if c.id in BUILD]


@pytest.mark.parametrize("case", BUILD_CASES, ids=[c.id for c in BUILD_CASES])
def test_a_failed_build_leaves_the_old_workbook_untouched(
    tmp_path: Path, case: Bad, old_workbook: bytes
) -> None:
    folder = mutated(tmp_path, case)
    out_dir = tmp_path / "build"
    out_dir.mkdir()
    out = out_dir / "capex_model.xlsx"
    out.write_bytes(old_workbook)
    before = out.stat()
    proc = run_modelgen("build", "--inputs", str(folder), "--out", str(out), cwd=tmp_path)
    assert_reported(case, folder, proc.returncode, proc.stdout, proc.stderr)
    assert out.read_bytes() == old_workbook
    assert out.stat().st_mtime_ns == before.st_mtime_ns
    assert list(out_dir.glob(".*.tmp")) == []
    assert sorted(p.name for p in out_dir.iterdir()) == ["capex_model.xlsx"]


def test_several_problems_are_all_reported_in_file_and_line_order(tmp_path: Path) -> None:
    folder = copy_shipped(tmp_path / "inputs")
    replace_in(
        folder,
        "settings.csv",
        "depreciation_convention,full_year",
        "depreciation_convention,straight",
    )
    replace_in(folder, "guidance.csv", "META,2025,60,65,", "META,2025,65,60,")
    replace_in(folder, "capex.csv", "META,2024,37.3,", "META,2024,n/a,")
    replace_in(folder, "capex.csv", "MSFT,2024,75.6,", "MSFT,2024,75.6%,")
    replace_in(folder, "companies.csv", "AMZN,Amazon,12", "AMZN,Amazon,14")
    replace_in(folder, "assumptions.csv", "*,all_assets,1,5", "*,all_assets,1,-1")
    replace_in(folder, "financials.csv", "GOOGL,2023,", "GOOGL,FY23,")
    proc = run_modelgen("validate", "--inputs", str(folder), cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    where = [(m["file"], m["line"], m["column"]) for m in parse_problems(proc.stderr)]
    assert where == [
        ("assumptions.csv", "2", "useful_life_years"),
        ("capex.csv", "3", "capex"),
        ("capex.csv", "9", "capex"),
        ("companies.csv", "3", "fiscal_year_end_month"),
        ("financials.csv", "6", "period"),
        ("guidance.csv", "4", "capex_high"),
        ("settings.csv", "4", "value"),
    ]
    assert proc.stderr.splitlines()[-1].startswith("modelgen: 7 problems")


# --- odd but valid: these must be accepted --------------------------------------------------


def bom_crlf(folder: Path) -> None:
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8").replace("\n", "\r\n")
        path.write_bytes("\ufeff".encode() + text.encode() + b"\r\n\r\n")


@dataclass(frozen=True)
class Good:
    id: str
    mutate: Mutation
    holds: Callable[[object], bool]  # a check on the loaded Inputs


GOOD = [
    Good("bom-crlf-blank-trailing-lines", bom_crlf, lambda i: i.tickers == ["MSFT", "AMZN", "GOOGL", "META"]),
    Good("hyperlink-formula-name", sub("companies.csv", "META,Meta Platforms,", 'META,"=HYPERLINK(""http://x"",""y"")",'), lambda i: i.companies[3].name == '=HYPERLINK("http://x","y")'),
    Good("thousands-separator-amount", sub("capex.csv", "MSFT,2024,75.6,", 'MSFT,2024,"1,234.5",'), lambda i: at(i.capex, "MSFT", "2024").value == 1234.5),
    Good("land-life-zero", put("assumptions.csv", "ticker,asset_class,share,useful_life_years\n*,servers,0.9,5\n*,land,0.1,0\n"), lambda i: [a.useful_life for a in i.asset_classes["MSFT"]] == [5, 0]),
    Good("percent-shares", put("assumptions.csv", "ticker,asset_class,share,useful_life_years\n*,servers,60%,5.5\n*,buildings,40%,30\n"), lambda i: [a.share for a in i.asset_classes["MSFT"]] == [0.6, 0.4]),
    Good("percent-rate", sub("settings.csv", "tax_rate,0.21", "tax_rate,30%"), lambda i: abs(i.settings.tax_rate - 0.30) < 1e-12),
    Good("header-only-guidance", header_only("guidance.csv"), lambda i: i.guidance == {}),
    Good("header-only-financials", header_only("financials.csv"), lambda i: i.net_income == {}),
    Good("header-only-settings", header_only("settings.csv"), lambda i: i.settings.forecast_years == 5),
    Good("blank-trailing-columns", sub("companies.csv", "fiscal_year_end_month\n", "fiscal_year_end_month,,\n"), lambda i: len(i.companies) == 4),
    Good("columns-reordered", put("settings.csv", "value,key\n3,forecast_years\n"), lambda i: labels(i.periods)[-1] == "2027"),
    Good("semicolons-point-decimals", put("settings.csv", "key;value\nforecast_years;3\ntax_rate;0.21\n"), lambda i: (i.settings.forecast_years, i.settings.tax_rate) == (3, 0.21)),
    Good("semicolons-decimal-commas", put("settings.csv", "key;value;\nforecast_years;3;\ntax_rate;21,5%;\nlong_run_capex_growth;0,05\n"), lambda i: (i.settings.forecast_years, i.settings.tax_rate, i.settings.long_run_capex_growth) == (3, 0.215, 0.05)),
    Good("unused-column-is-a-warning", notes_column("assumptions.csv"), lambda i: 'assumptions.csv, line 1, column notes: the column "notes" is not used' in i.warnings[0]),
    Good("multi-line-quoted-source", sub("capex.csv", '"stated; Caijing', '"stated;\nCaijing'), lambda i: "\n" in at(i.capex, "MSFT", "2024").source),
]  # fmt: skip


@pytest.mark.parametrize("case", GOOD, ids=[c.id for c in GOOD])
def test_odd_but_valid_input_is_accepted(tmp_path: Path, case: Good) -> None:
    folder = copy_shipped(tmp_path / "inputs")
    case.mutate(folder)
    result = CliRunner().invoke(app, ["validate", "--inputs", str(folder)])
    assert result.exit_code == 0, result.output
    assert "valid (4 companies" in result.stdout
    assert case.holds(load_inputs(folder))


def test_a_formula_looking_name_and_bom_crlf_build_with_the_real_command(tmp_path: Path) -> None:
    folder = copy_shipped(tmp_path / "inputs")
    GOOD[1].mutate(folder)
    bom_crlf(folder)
    out = tmp_path / "out" / "model.xlsx"
    proc = run_modelgen("build", "--inputs", str(folder), "--out", str(out), "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:2] == b"PK"
    assert list(out.parent.glob(".*.tmp")) == []
