"""Scenarios and sensitivities: flip the selectors with openpyxl as an analyst would,
recalculate in LibreOffice, and compare with the independent re-computation of
tests/reference.py run on input folders that carry each case's values."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from modelgen.build import build
from modelgen.engine.verify import compare
from modelgen.inputs.csvread import InputError
from modelgen.inputs.folder import load_inputs
from modelgen.xlsx.read_by_key import KeyedRow, read_keyed
from tests.engine import engine, recalc_many, recalc_many_keyed
from tests.package_xml import type_values
from tests.reference import compute

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "tests" / "data" / "article"  # the article's figures alone


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def case_folder(src: Path, dst: Path, overrides: dict[str, str]) -> Path:
    """A copy of `src` whose CSV files carry `overrides` (key -> value): settings, a class's
    share, life or lag (assumptions.csv), its opening balance (opening_balances.csv), or a
    new life from a period (`useful_life_change:T:C:PERIOD`, life_changes.csv)."""
    shutil.copytree(src, dst)
    (dst / "scenarios.csv").unlink(missing_ok=True)
    settings = {r["key"]: r["value"] for r in _rows(dst / "settings.csv")}
    tickers = [r["ticker"] for r in _rows(dst / "companies.csv")]
    by_ticker: dict[str, list[dict[str, str]]] = {}
    for r in _rows(dst / "assumptions.csv"):
        r.setdefault("in_service_lag_years", "0")
        by_ticker.setdefault(r["ticker"], []).append(r)
    rows = []
    for t in tickers:  # every ticker's classes spelt out, so that one company can differ
        own = by_ticker.get(t, [])
        if own and all(r["share"] for r in own):
            rows += [{**r, "ticker": t} for r in own]
            continue
        lives = {r["asset_class"]: r for r in own}  # rows that override a life or a lag
        for r in by_ticker["*"]:
            mine = lives.get(r["asset_class"], {})
            rows.append(
                {
                    **r,
                    "ticker": t,
                    "useful_life_years": mine.get("useful_life_years") or r["useful_life_years"],
                    "in_service_lag_years": mine.get("in_service_lag_years")
                    or r["in_service_lag_years"],
                }
            )
    opening_file, changes_file = dst / "opening_balances.csv", dst / "life_changes.csv"
    opening = {
        (r["ticker"], r["asset_class"]): r
        for r in (_rows(opening_file) if opening_file.exists() else [])
    }
    changes = _rows(changes_file) if changes_file.exists() else []
    column = {
        "share": "share",
        "useful_life": "useful_life_years",
        "in_service_lag": "in_service_lag_years",
        "opening_net_book_value": "net_book_value",
        "opening_remaining_life": "remaining_life_years",
    }
    for key, value in overrides.items():
        if ":" not in key:
            settings[key] = value
            continue
        kind, ticker, name, *when = key.split(":")
        for r in [r for r in rows if r["asset_class"] == name and ticker in ("*", r["ticker"])]:
            if kind == "useful_life_change":
                changes.append(
                    {
                        "ticker": r["ticker"],
                        "asset_class": name,
                        "effective_from": when[0],
                        "useful_life_years": value,
                        "source": "",
                    }
                )
            elif kind.startswith("opening_"):
                row = opening.setdefault(
                    (r["ticker"], name),
                    {
                        "ticker": r["ticker"],
                        "asset_class": name,
                        "net_book_value": "0",
                        "remaining_life_years": "0",
                        "source": "",
                    },
                )
                row[column[kind]] = value
            else:
                r[column[kind]] = value
    settings.pop("scenario", None)
    _write(dst / "settings.csv", [{"key": k, "value": v} for k, v in settings.items()])
    _write(dst / "assumptions.csv", rows)
    if opening:
        _write(opening_file, list(opening.values()))
    if changes:
        _write(changes_file, changes)
    return dst


def scenario_overrides(folder: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"Base": {}}
    for r in _rows(folder / "scenarios.csv"):
        out.setdefault(r["scenario"], {})[r["key"]] = r["value"]
    return out


def set_input(
    book: Path, out: Path, values: dict[str, str], rows: dict[str, KeyedRow] | None = None
) -> Path:
    """Type values into Inputs column D by row key, as an analyst would, and save a copy
    (``rows``: the book's Inputs rows, when already read)."""
    rows = rows or read_keyed(book)["Inputs"].rows
    return type_values(book, out, "Inputs", {rows[k].cells["D"]: v for k, v in values.items()})


@pytest.fixture(scope="module")
def flipped(tmp_path_factory, shipped_book):
    """The shipped build (Base selected, as built) and a copy with each other scenario
    selected, and one with another sensitivity choice, recalculated in one LibreOffice run;
    what tests/reference.py computes for each case; and the base's recalculated copy."""
    tmp = tmp_path_factory.mktemp("scenarios")
    base = shipped_book
    rows = read_keyed(base)["Inputs"].rows
    assert rows["scenario"].constant == "Base"  # so the base is the Base case selected
    cases = scenario_overrides(ROOT / "inputs")
    books = {
        name: base
        if name == "Base"
        else set_input(base, tmp / f"{name}.xlsx", {"scenario": name}, rows)
        for name in cases
    }
    books["sens"] = set_input(
        base,
        tmp / "sens.xlsx",
        {"sensitivity_company": "GOOGL", "sensitivity_period": "2026"},
        rows,
    )
    recalculated = dict(zip(books, recalc_many(list(books.values()), tmp), strict=True))
    keyed = {name: read_keyed(path) for name, path in recalculated.items()}
    expected = {
        name: compute(case_folder(ROOT / "inputs", tmp / f"in-{name}", o))
        for name, o in cases.items()
    }
    return base, books, keyed, expected, tmp, recalculated["Base"]


def _close(a, b) -> bool:
    if a is None:
        return b in (None, "")
    return isinstance(b, int | float) and abs(a - b) <= 1e-9 * max(1.0, abs(a))


TIE_CHECKS = ("check_depreciation_ties:", "check_da_ties:", "check_amortization_sign:")
SENS = "check_sensitivity_class_capex"
SHEET = {
    "capex": "Capex",
    "depreciation": "Depreciation",
    "net_income": "Profit Impact",
    "depreciation_pct_net_income": "Profit Impact",
}


@engine
def test_each_scenario_selected_reruns_the_whole_model(flipped):
    _, _, keyed, expected, _, _ = flipped
    assert {"Base", "Bull", "Bear", "Article"} <= set(expected)
    for name, want in expected.items():
        for kind, sheet in SHEET.items():
            for t in ("MSFT", "AMZN", "GOOGL", "META", "TOTAL"):
                key = f"{kind}:{t}"
                if key not in want:
                    continue
                got = keyed[name][sheet].rows[key].values
                for period, value in want[key].items():
                    assert _close(value, got[period]), (name, key, period, value, got[period])
        checks = keyed[name]["Checks"].rows
        failing = {
            k
            for k, r in checks.items()
            if k.startswith("check_") and k != "check_failures" and r.constant
        }
        if name == "Article":  # the article's arithmetic does not tie to the filings, and
            # the sensitivity's class (the default's largest, servers) takes no capex in it
            assert failing and all(k.startswith(TIE_CHECKS) for k in failing - {SENS}), failing
            assert SENS in failing
            assert checks["check_failures"].constant == sum(checks[k].constant for k in failing)
        else:
            assert failing == set() and checks["check_failures"].constant == 0


@engine
def test_scenarios_sheet_shows_every_case_at_once(flipped):
    _, _, keyed, expected, _, _ = flipped
    scen = keyed["Base"]["Scenarios"].rows  # the Base file shows Bull and Bear too
    for name, want in expected.items():
        for period, value in want["capex:TOTAL"].items():
            assert _close(value, scen[f"capex:{name}:TOTAL"].values[period])
            assert _close(
                want["depreciation:TOTAL"][period],
                scen[f"depreciation:{name}:TOTAL"].values[period],
            )
            assert _close(
                want["depreciation_pct_net_income:TOTAL"][period],
                scen[f"depreciation_pct_net_income:{name}:TOTAL"].values[period],
            )


def _table(keyed) -> tuple[dict, list[float], list[float]]:
    """The Sensitivity sheet's rows, its lives (column D) and its growth rates (columns)."""
    sens = keyed["Sensitivity"].rows
    lives = [sens[f"sensitivity_eps_impact:{i}"].constant for i in range(1, 12)]
    rates = [sens["sensitivity_growth"].values[f"growth {j}"] for j in range(1, 8)]
    return sens, lives, rates


@engine
def test_sensitivity_tables_match_an_independent_computation(flipped):
    """Each cell is the model rebuilt with that life for the chosen class (the default, the
    first company's largest: servers; Alphabet's, whose life does not change) and that
    long-run growth, read in the chosen period."""
    _, _, keyed, _, tmp, _ = flipped
    sens, lives, rates = _table(keyed["sens"])
    assert lives == [3 + 0.5 * i for i in range(11)]
    assert rates == pytest.approx([-0.05 + 0.05 * j for j in range(7)])
    assert sens["sensitivity_base_useful_life"].constant == 6  # the base row: 6 years
    assert sens["sensitivity_base_growth"].constant == pytest.approx(0.05)
    for i, j in ((1, 1), (5, 3), (11, 7), (3, 6), (8, 2)):
        overrides = {
            "useful_life:GOOGL:servers": repr(lives[i - 1]),
            "long_run_capex_growth": repr(rates[j - 1]),
        }
        want = compute(case_folder(ROOT / "inputs", tmp / f"cell-{i}-{j}", overrides))
        column = f"growth {j}"
        assert _close(
            want["eps_impact_incremental_da:GOOGL"]["2026"],
            sens[f"sensitivity_eps_impact:{i}"].values[column],
        ), (i, j)
        assert _close(
            want["depreciation_pct_net_income:GOOGL"]["2026"],
            sens[f"sensitivity_depreciation_pct_net_income:{i}"].values[column],
        ), (i, j)


@engine
def test_sensitivity_varies_one_class_of_a_company_with_fewer_classes(tmp_path, varied_inputs):
    """BETA has two asset classes where ALFA has three: the chosen company's classes are
    picked by position; only the chosen class changes life, the others keep theirs, and a
    choice that matches nothing empties the table and fails a check."""
    base = build(varied_inputs, tmp_path / "varied.xlsx").out
    rows = read_keyed(base)["Inputs"].rows
    choices = (
        ("BETA", "servers", "2024"),
        ("ALFA", "network", "2025"),
        ("BETA", "network", "2024"),  # BETA has no network class
        ("ALFA", "servers", "2099"),  # no such period
    )
    books = [
        set_input(
            base,
            tmp_path / f"{t}-{c}-{p}.xlsx",
            {"sensitivity_company": t, "sensitivity_asset_class": c, "sensitivity_period": p},
            rows,
        )
        for t, c, p in choices
    ]
    keyed_books = recalc_many_keyed(books, tmp_path)
    for (t, c, p), keyed in zip(choices[:2], keyed_books[:2], strict=True):
        sens, lives, rates = _table(keyed)
        assert keyed["Checks"].rows["check_failures"].constant == 0
        for i, j in ((1, 1), (6, 4), (11, 7)):
            overrides = {
                f"useful_life:{t}:{c}": repr(lives[i - 1]),
                "long_run_capex_growth": repr(rates[j - 1]),
            }
            want = compute(case_folder(varied_inputs, tmp_path / f"{t}-{c}-{i}-{j}", overrides))
            got = sens[f"sensitivity_depreciation_pct_net_income:{i}"].values[f"growth {j}"]
            assert _close(want[f"depreciation_pct_net_income:{t}"][p], got), (t, c, i, j)
    for (_, c, _), keyed in zip(choices[2:], keyed_books[2:], strict=True):
        sens, _, _ = _table(keyed)
        checks = keyed["Checks"].rows
        failing = "check_sensitivity_asset_class" if c == "network" else "check_sensitivity_period"
        assert checks[failing].constant == 1 and checks["check_failures"].constant == 1
        assert sens["sensitivity_depreciation_pct_net_income:1"].values["growth 1"] in (None, "")


@engine
def test_flipped_workbooks_stay_free_of_errors(flipped):
    base, books, _, _, _, recalculated = flipped
    report = compare(base, recalculated)  # what `modelgen verify` judges, from the batch run
    assert report.ok, report.lines()
    wb = openpyxl.load_workbook(base)
    lists = {str(dv.sqref): dv.formula1 for dv in wb["Inputs"].data_validations.dataValidation}
    assert any("$D$" in f for f in lists.values())  # the scenario selector lists the names
    del books


@pytest.mark.parametrize(
    "row, message",
    [
        ("Bull,unit,USD m", "cannot vary by scenario"),
        ("Bull,long_run,0.1", "cannot vary by scenario"),
        ("Base,tax_rate,0.3", "Base is settings.csv"),
        ("Bull,useful_life:MSFT:all_assets,-1", "must be 0 or more"),
        ("Bull,useful_life_change:MSFT:all_assets:2025,0", "changed life must be above 0"),
        ("Bull,in_service_lag:*:all_assets,-2", "must be 0 or more"),
        ("Bull,useful_life:NOPE:all_assets,6", 'unknown ticker "NOPE"'),
        ("Bull,useful_life:*:servers,6", 'no company has the asset class "servers"'),
        ("Bull,share:MSFT:all_assets,0.5", "sum to 0.5, not 1"),
        ("Bull,depreciation_convention,monthly", 'unknown convention "monthly"'),
        ("B ull,tax_rate,0.3", "not a usable scenario name"),
    ],
)
def test_bad_scenarios_are_reported_with_file_and_line(tmp_path, row, message):
    folder = tmp_path / "in"
    shutil.copytree(ARTICLE, folder)
    (folder / "scenarios.csv").write_text("scenario,key,value\n" + row + "\n")
    with pytest.raises(InputError) as err:
        load_inputs(folder)
    text = str(err.value)
    assert "scenarios.csv" in text and message in text


def test_the_selected_scenario_must_exist(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "inputs", folder)
    with open(folder / "settings.csv", "a") as f:
        f.write("scenario,Sideways\n")
    with pytest.raises(InputError, match='scenario "Sideways" is not in scenarios.csv'):
        load_inputs(folder)
