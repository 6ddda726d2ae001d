"""`modelgen backtest`: the reported figures after a year are really hidden, the comparison
is the model's own numbers against the CSV's (recomputed here without modelgen's CSV code),
and the command exits 0, 1 and 2 as documented. Real builds, no mocks."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import modelgen
from modelgen.backtesting import Backtest, hide_reported, select_scenario
from tests.cli import run_modelgen

#: the shipped data's two cases: the companies' filings (the folder's default: None) and the
#: article's arithmetic
FILINGS_CASE, ARTICLE_CASE = None, "Article"
CASES = (FILINGS_CASE, ARTICLE_CASE)

# A small folder: financials.csv as Excel writes it where the decimal mark is a comma (BOM,
# semicolons, CRLF), with quoted text holding a semicolon and a line break.
FINANCIALS = (
    "\ufeffticker;period;net_income;source;depreciation;net_ppe;ppe_depreciation\r\n"
    'ALFA;2023;5,0;"10-K; as filed";6,0;24,0;\r\n'
    'ALFA;2024;6,0;"10-K\r\nsecond line";8,2;20,5;\r\n'
    "BETA;2023;7,0;10-K;16,0;48,0;12,0\r\n"
    'BETA;2024;8,0;"said ""so""; 10-K";20,0;40,5;16,3\r\n'
)
HIDDEN = (  # the same with every 2024 depreciation, net PP&E and PP&E depreciation blank
    "\ufeffticker;period;net_income;source;depreciation;net_ppe;ppe_depreciation\r\n"
    'ALFA;2023;5,0;"10-K; as filed";6,0;24,0;\r\n'
    'ALFA;2024;6,0;"10-K\r\nsecond line";;;\r\n'
    "BETA;2023;7,0;10-K;16,0;48,0;12,0\r\n"
    'BETA;2024;8,0;"said ""so""; 10-K";;;\r\n'
)
FILES = {
    "companies.csv": "ticker,name,fiscal_year_end_month\nALFA,Alfa,12\nBETA,Beta,12\n",
    "capex.csv": "ticker,period,capex\n"
    + "".join(f"{t},{y},{c}\n" for t, c in (("ALFA", 10), ("BETA", 20)) for y in range(2021, 2025)),
    "assumptions.csv": "ticker,asset_class,share,useful_life_years\n*,servers,1,5\n",
    "guidance.csv": "ticker,period,capex_low,capex_high\n",
    "settings.csv": "key,value\nunit,USD bn\nforecast_years,2\n",
    "scenarios.csv": "scenario,key,value\nShort,useful_life:*:servers,2\n",
}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("backtest") / "inputs"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "financials.csv").write_bytes(FINANCIALS.encode("utf-8"))
    return folder


@pytest.fixture(scope="module")
def shipped(shipped_inputs: Path) -> dict[str | None, Backtest]:
    """Both cases through 2023, once per module."""
    return {case: modelgen.backtest(shipped_inputs, 2023, case) for case in CASES}


#: the reported column compared -> the modelled row's sheet and key kind, as the brief has it
MODELLED = {
    "ppe_depreciation": ("Depreciation", "depreciation"),
    "depreciation": ("PP&E", "depreciation_and_amortization"),
    "net_ppe": ("PP&E", "net_book_value"),
}
HIDE = ("depreciation", "net_ppe", "ppe_depreciation")


def _read(path: Path) -> tuple[str, list[dict[str, str]]]:
    """A CSV's delimiter and rows, read with the csv module alone."""
    text = path.read_text(encoding="utf-8-sig")
    header = text.split("\n")[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    return sep, list(csv.DictReader(text.splitlines(keepends=True), delimiter=sep))


def _reported(folder: Path) -> dict[tuple[str, str, str], float]:
    """financials.csv's reported figures by (ticker, period, column)."""
    sep, rows = _read(folder / "financials.csv")
    out = {}
    for row in rows:
        for column in HIDE:
            text = (row.get(column) or "").strip()
            if text:
                out[(row["ticker"], row["period"], column)] = float(
                    text.replace(",", ".") if sep == ";" else text
                )
    return out


def _expected(folder: Path, through: int, scenario: str | None, tmp: Path) -> list[tuple]:
    """The comparison recomputed: a copy hidden with csv, built, read by row key."""
    copy = tmp / "copy"
    shutil.copytree(folder, copy)
    sep, rows = _read(copy / "financials.csv")
    for row in rows:
        if int(row["period"][:4]) > through:
            row.update({c: "" for c in HIDE if c in row})
    with open(copy / "financials.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=sep)
        writer.writeheader()
        writer.writerows(rows)
    if scenario is not None:
        with open(copy / "settings.csv", "a", encoding="utf-8") as f:
            f.write(f"scenario,{scenario}\n")
    model = modelgen.build_model(modelgen.read_inputs(copy))
    reported = _reported(folder)
    out = []
    for ticker in model.inputs.tickers:
        for period in (p for p in model.periods if int(p[:4]) > through):
            ppe = (ticker, period, "ppe_depreciation") in reported
            for basis in ("ppe_depreciation" if ppe else "depreciation", "net_ppe"):
                if (ticker, period, basis) in reported:
                    sheet, kind = MODELLED[basis]
                    modelled = model.value(sheet, f"{kind}:{ticker}", period)
                    value = reported[(ticker, period, basis)]
                    out.append((ticker, period, basis, modelled, value, modelled - value))
    return out


def _actual(rows) -> list[tuple]:
    return [(r.ticker, r.period, r.basis, r.modelled, r.reported, r.error) for r in rows]


def test_the_copy_keeps_every_byte_but_the_hidden_figures(small, tmp_path):
    assert modelgen.backtest(small, 2023).hidden == 5
    copy = tmp_path / "financials.csv"
    shutil.copy(small / "financials.csv", copy)
    assert hide_reported(copy, 2023) == 5
    assert copy.read_bytes() == HIDDEN.encode("utf-8")
    assert (small / "financials.csv").read_bytes() == FINANCIALS.encode("utf-8")  # untouched


@pytest.mark.parametrize("scenario", [None, "Short"])
def test_the_model_sees_no_reported_figure_after_the_year(small, scenario):
    result = modelgen.backtest(small, 2023, scenario)
    m = result.model
    for ticker in ("ALFA", "BETA"):
        for kind in ("depreciation_reported", "net_ppe_reported"):
            assert m.value("Inputs", f"{kind}:{ticker}", "2024") is None
            assert m.value("Inputs", f"{kind}:{ticker}", "2023") is not None
    assert m.value("Inputs", "scenario") == (scenario or "Base")  # settings.csv has no row
    assert result.scenario == (scenario or "Base")


@pytest.mark.parametrize("scenario", [None, "Short"])
def test_the_small_folder_compares_the_models_numbers(small, tmp_path, scenario):
    result = modelgen.backtest(small, 2023, scenario)
    expected = _expected(small, 2023, scenario, tmp_path)
    assert _actual(result.rows) == pytest.approx(expected, rel=1e-12)
    assert [r.basis for r in result.rows] == [
        "depreciation",
        "net_ppe",
        "ppe_depreciation",
        "net_ppe",
    ]
    for r in result.rows:
        assert r.error_pct == pytest.approx(r.error / r.reported)
        assert r.within == (abs(r.error_pct) <= result.tolerance)
    assert result.ok == (scenario is None)


@pytest.mark.parametrize("case", CASES)
def test_the_shipped_data_compares_the_models_numbers(shipped, shipped_inputs, tmp_path, case):
    result = shipped[case]
    assert result.model.value("Inputs", "depreciation_reported:AMZN", "2024") is None
    assert result.model.value("Inputs", "net_ppe_reported:AMZN", "2024") is None
    expected = _expected(shipped_inputs, 2023, case, tmp_path)
    assert _actual(result.rows) == pytest.approx(expected, rel=1e-12)
    tickers = ["MSFT", "AMZN", "GOOGL", "META"]
    assert [(r.ticker, r.basis) for r in result.rows] == [
        (t, basis) for t in tickers for basis in ("ppe_depreciation", "net_ppe")
    ]


def test_the_articles_arithmetic_fails_on_the_shipped_data(shipped, shipped_inputs):
    assert not shipped[ARTICLE_CASE].ok
    args = ["--inputs", shipped_inputs, "--through", "2023", "--scenario", ARTICLE_CASE]
    run = run_modelgen("backtest", *args)
    assert run.returncode == 1, run.stderr
    assert "FAILED" in run.stdout and "beyond tolerance" in run.stdout


def test_the_filings_hold_on_the_shipped_data(shipped, shipped_inputs):
    assert shipped[FILINGS_CASE].ok, "\n".join(shipped[FILINGS_CASE].lines())
    case = ["--scenario", FILINGS_CASE] if FILINGS_CASE else []
    run = run_modelgen("backtest", "--inputs", shipped_inputs, "--through", "2023", *case)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_command_exits_0_when_it_holds_and_1_when_not(small):
    held = run_modelgen("backtest", "--inputs", small, "--through", "2023")
    assert held.returncode == 0, held.stderr
    lines = held.stdout.splitlines()
    assert lines[0].startswith("Backtest through 2023, scenario Base: ")
    assert "ALFA    2024    D&A (total)" in held.stdout and "net PP&E" in held.stdout
    assert "ALFA: holds" in held.stdout and lines[-1].startswith("OK")
    failed = run_modelgen("backtest", "--inputs", small, "--through", "2023", "--scenario", "Short")
    assert failed.returncode == 1, failed.stderr
    assert "ALFA: 2 of 2 beyond tolerance" in failed.stdout
    assert failed.stdout.splitlines()[-1].startswith("FAILED")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--inputs", "none", "--through", "2023"], "the input folder does not exist"),
        (["--through", "2024"], "no depreciation or net PP&E is reported after 2024"),
        (["--through", "2020"], "2020 is before the first period (2021)"),
        (["--through", "2023", "--scenario", "Nope"], 'unknown scenario "Nope"; use one of'),
    ],
)
def test_bad_input_exits_2_without_a_traceback(small, tmp_path, args, message):
    out = tmp_path / "out.json"
    args = [str(tmp_path / a) if a == "none" else a for a in args]
    run = run_modelgen("backtest", "--inputs", small, *args, "--json", out)
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert "nothing was written" in run.stderr and not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_json_holds_the_rows_and_the_verdict(small, tmp_path):
    out = tmp_path / "backtest.json"
    run = run_modelgen("backtest", "--inputs", small, "--through", "2023", "--json", out)
    assert run.returncode == 0, run.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["through", "scenario", "tolerance", "rows", "ok"]
    assert (data["through"], data["scenario"], data["tolerance"], data["ok"]) == (
        2023,
        "Base",
        0.05,
        True,
    )
    keys = ["ticker", "period", "measure", "basis", "modelled", "reported", "error"]
    assert [list(r) for r in data["rows"]] == [[*keys, "error_pct", "within"]] * 4
    shown = ("ticker", "period", "basis", "modelled", "reported", "error")
    table = [tuple(r[k] for k in shown) for r in data["rows"]]
    assert table == pytest.approx(_expected(small, 2023, None, tmp_path), rel=1e-12)
    assert [r["measure"] for r in data["rows"]] == ["depreciation", "net_ppe"] * 2
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_api_name_is_the_function_even_once_the_module_is_imported():
    # why the module is backtesting.py: importing modelgen.backtest would have set the
    # package's attribute `backtest` to the module, over the lazily exported function
    assert callable(modelgen.backtest) and modelgen.backtest.__module__ == "modelgen.backtesting"


def test_select_scenario_replaces_the_row_or_adds_one(tmp_path):
    with_row = tmp_path / "a.csv"
    with_row.write_bytes(b"key;value\r\nscenario;Base\r\nunit;USD m")
    select_scenario(with_row, "Bull")
    assert with_row.read_bytes() == b"key;value\r\nscenario;Bull\r\nunit;USD m"
    without = tmp_path / "b.csv"
    without.write_bytes(b"\xef\xbb\xbfkey,value\r\nunit,USD m")
    select_scenario(without, "Bull")
    assert without.read_bytes() == b"\xef\xbb\xbfkey,value\r\nunit,USD m\r\nscenario,Bull\r\n"
