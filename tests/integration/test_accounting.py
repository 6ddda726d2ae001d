"""docs/ACCOUNTING.md in the workbook: its worked examples, and a ledger written here by hand.

Each case is a small input folder. The expected figures are written in the test (the worked
examples' own numbers) or computed by `ledger` below: a plain simulation of docs/ACCOUNTING.md,
asset by asset and period by period, sharing no code with modelgen. Every figure is checked
as modelgen caches it and as LibreOffice recalculates it, and again after a useful-life
change is typed into the workbook's Inputs sheet.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from modelgen.build import build
from modelgen.xlsx.read_by_key import read_keyed
from tests.engine import engine, recalc_many_keyed


def _write(path: Path, header: str, rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header.split(","))
        out.writerows(rows)


@dataclass
class Case:
    """One company `X` with capex by year and the PP&E inputs around it."""

    capex: dict[int, float]
    classes: list[list[object]]  # asset_class, share, life, lag
    convention: str = "full_year"
    opening: list[list[object]] = field(default_factory=list)  # class, value, remaining
    changes: list[list[object]] = field(default_factory=list)  # class, from, life
    reported: dict[int, tuple[object, object]] = field(default_factory=dict)  # D&A, net PP&E
    net_income: dict[int, float] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / "companies.csv", "ticker,name,fiscal_year_end_month", [["X", "X Inc", 12]])
        _write(
            folder / "capex.csv",
            "ticker,period,capex,source",
            [["X", y, v, "test"] for y, v in self.capex.items()],
        )
        _write(
            folder / "financials.csv",
            "ticker,period,net_income,source,depreciation,net_ppe",
            [
                ["X", y, ni, "test", *self.reported.get(y, ("", ""))]
                for y, ni in self.net_income.items()
            ],
        )
        _write(folder / "guidance.csv", "ticker,period,capex_low,capex_high,source", [])
        _write(
            folder / "assumptions.csv",
            "ticker,asset_class,share,useful_life_years,in_service_lag_years",
            [["*", *c] for c in self.classes],
        )
        _write(
            folder / "settings.csv",
            "key,value",
            [["forecast_years", 0], ["depreciation_convention", self.convention]],
        )
        _write(
            folder / "opening_balances.csv",
            "ticker,asset_class,net_book_value,remaining_life_years,source",
            [["X", *o, "test"] for o in self.opening],
        )
        _write(
            folder / "life_changes.csv",
            "ticker,asset_class,effective_from,useful_life_years,source",
            [["X", *c, "test"] for c in self.changes],
        )
        return folder


def ledger(case: Case, changes: list[list[object]] | None = None) -> dict[str, list[float]]:
    """docs/ACCOUNTING.md by hand: every asset simulated over the years of the case."""
    years = sorted(case.capex)
    offset = {"full_year": 0.0, "half_year": 0.5, "next_year": 1.0}[case.convention]
    changes = case.changes if changes is None else changes
    out: dict[str, list[float]] = {}
    total = [0.0] * len(years)
    opening_total = sum(float(o[1]) for o in case.opening)
    cip = [0.0] * len(years)
    for name, share, life0, lag in case.classes:
        lives, life = [], float(life0)
        for y in years:
            for cls, when, new in changes:
                if cls == name and int(when) <= y and (int(when) == y or y == years[0]):
                    life = float(new)
            lives.append(life)
        out[f"useful_life_in_effect:X:{name}"] = lives
        # each asset: its book value, service start, and remaining life at the start for
        # the opening base (None for a vintage: the class's life less its age)
        assets: list[dict] = []
        for o in case.opening:
            if o[0] == name:
                assets.append({"book": float(o[1]), "start": years[0], "left": float(o[2])})
        charges = [0.0] * len(years)
        opening_charges = [0.0] * len(years)
        for i, y in enumerate(years):
            spent = case.capex[y] * float(share)
            assets.append({"book": spent, "start": y + float(lag) + offset, "left": None})
            for a in assets:
                if lives[i] == 0 or a["book"] == 0:
                    continue
                begin = max(y, a["start"])
                in_service = max(0.0, y + 1 - begin)
                if in_service == 0:
                    continue
                if a["left"] is None:  # a vintage: its life minus its age
                    remaining = lives[i] - max(0.0, y - a["start"])
                else:  # the opening base: R0, shifted by every change since the start
                    remaining = a["left"] + lives[i] - lives[0] - (y - years[0])
                charge = (
                    a["book"] if remaining <= in_service else a["book"] * in_service / remaining
                )
                a["book"] -= charge
                charges[i] += charge
                if a["left"] is not None:
                    opening_charges[i] += charge
            for v in years[: i + 1]:
                if v + float(lag) >= y + 1:
                    cip[i] += case.capex[v] * float(share)
        out[f"depreciation_class:X:{name}"] = charges
        out[f"depreciation_opening:X:{name}"] = opening_charges
        total = [a + b for a, b in zip(total, charges, strict=True)]
    out["depreciation:X"] = total
    out["construction_in_progress:X"] = cip
    nbv, book = [], opening_total
    for i, y in enumerate(years):
        book += case.capex[y] - total[i]
        nbv.append(book)
    out["net_book_value:X"] = nbv
    out["net_ppe_opening:X"] = [opening_total, *nbv[:-1]]
    other, last = [], 0.0
    for i, y in enumerate(years):
        reported = case.reported.get(y, ("", ""))[0]
        if reported != "":
            last = float(reported) - total[i]
        other.append(last)
    out["depreciation_other:X"] = other
    out["depreciation_and_amortization:X"] = [a + b for a, b in zip(total, other, strict=True)]
    return out


# docs/ACCOUNTING.md's worked examples, annual, every amount in one unit
EXAMPLES = {
    "1: servers 4 -> 6 years from 2022": (
        Case({y: 100.0 if y == 2020 else 0.0 for y in range(2020, 2027)}, [["servers", 1, 4, 0]],
             changes=[["servers", 2022, 6]]),
        "depreciation_class:X:servers",
        [25, 25, 12.5, 12.5, 12.5, 12.5, 0],
    ),
    "2: servers 6 -> 5 years from 2025": (
        Case({y: 100.0 if y == 2020 else 0.0 for y in range(2020, 2027)}, [["servers", 1, 6, 0]],
             changes=[["servers", 2025, 5]]),
        "depreciation_class:X:servers",
        [100 / 6] * 5 + [100 / 6, 0],
    ),
    "2: servers 6 -> 5.5 years from 2025": (
        Case({y: 100.0 if y == 2020 else 0.0 for y in range(2020, 2027)}, [["servers", 1, 6, 0]],
             changes=[["servers", 2025, 5.5]]),
        "depreciation_class:X:servers",
        [100 / 6] * 5 + [100 / 6, 0],
    ),
    "3: a building, 25 years, 2 under construction, half year": (
        Case({y: 100.0 if y == 2020 else 0.0 for y in range(2020, 2025)},
             [["buildings", 1, 25, 2]], convention="half_year"),
        "depreciation_class:X:buildings",
        [0, 0, 2, 4, 4],
    ),
    "4: an opening base of servers, 2.5 years left of 4": (
        Case({y: 0.0 for y in range(2016, 2021)}, [["servers", 1, 4, 0]],
             opening=[["servers", 300, 2.5]]),
        "depreciation_class:X:servers",
        [120, 120, 60, 0, 0],
    ),
    "4: the same, 6 years from 2017": (
        Case({y: 0.0 for y in range(2016, 2021)}, [["servers", 1, 4, 0]],
             opening=[["servers", 300, 2.5]], changes=[["servers", 2017, 6]]),
        "depreciation_class:X:servers",
        [120, 180 / 3.5, 180 / 3.5, 180 / 3.5, 180 - 3 * 180 / 3.5],
    ),
}  # fmt: skip

# the worked examples' charges as the rows a reviewer reads: book value x years in service in
# the period / remaining life at its start (the whole book value once the life ends)
EXAMPLE_ROWS = {
    "1: servers 4 -> 6 years from 2022": {
        "in_service_from:X:servers": [2020, 2021, 2022, 2023, 2024, 2025, 2026],
        "book_value_vintage:X:servers:2020": [100, 75, 50, 37.5, 25, 12.5, 0],
        "years_in_service_vintage:X:servers:2020": [1, 1, 1, 1, 1, 1, 1],
        "remaining_life_vintage:X:servers:2020": [4, 3, 6 - 2, 3, 2, 1, 0],
        "depreciation_vintage:X:servers:2020": [25, 25, 12.5, 12.5, 12.5, 12.5, 0],
        "years_in_service_vintage:X:servers:2023": [0, 0, 0, 1, 1, 1, 1],
        "remaining_life_vintage:X:servers:2023": [4, 4, 6, 6, 5, 4, 3],
    },
    "3: a building, 25 years, 2 under construction, half year": {
        "in_service_from:X:buildings": [2022.5, 2023.5, 2024.5, 2025.5, 2026.5],
        "years_in_service_vintage:X:buildings:2020": [0, 0, 0.5, 1, 1],
        "remaining_life_vintage:X:buildings:2020": [25, 25, 25, 24.5, 23.5],
        "depreciation_vintage:X:buildings:2020": [0, 0, 100 / 25 * 0.5, 4, 4],
    },
    "4: the same, 6 years from 2017": {
        "remaining_life_opening:X:servers": [2.5, 1.5 + 2, 2.5, 1.5, 0.5],
        "depreciation_opening:X:servers": [120, 180 / 3.5, 180 / 3.5, 180 / 3.5, 180 - 540 / 3.5],
    },
}

# opening base, two life changes, a lag, land, half year, 12 years, reported D&A with a gap
LEDGER = Case(
    {y: 10.0 + 3 * (y - 2014) + (y % 3) * 2.5 for y in range(2014, 2026)},
    [["servers", 0.55, 4, 0], ["buildings", 0.35, 20, 1.5], ["land", 0.1, 0, 0]],
    convention="half_year",
    opening=[["servers", 40, 2.5], ["buildings", 90, 14], ["land", 12, 0]],
    changes=[["servers", 2017, 6], ["servers", 2022, 5]],
    reported={2014: (31.0, 150.0), 2015: (33.5, ""), 2017: (36.0, 160.0)},
    net_income={y: 50.0 + y - 2014 for y in range(2014, 2026)},
)
KEYS = (
    "useful_life_in_effect:X:servers",
    "depreciation_class:X:servers",
    "depreciation_class:X:buildings",
    "depreciation_class:X:land",
    "depreciation_opening:X:servers",
    "depreciation_opening:X:buildings",
    "depreciation:X",
    "construction_in_progress:X",
    "net_ppe_opening:X",
    "net_book_value:X",
    "depreciation_other:X",
    "depreciation_and_amortization:X",
)


def _values(sheets, key: str) -> list[float]:
    for sheet in sheets.values():
        if key in sheet.rows:
            row = sheet.rows[key]
            return [row.values[p] for p in sheet.periods]
    raise KeyError(key)


def _assert_rows(sheets, expected: dict[str, list[float]], keys, where: str) -> int:
    n = 0
    for key in keys:
        got = _values(sheets, key)
        for i, (g, w) in enumerate(zip(got, expected[key], strict=True)):
            assert math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-9), (where, key, i, g, w)
            n += 1
    return n


def test_the_ledger_in_this_file_gives_the_worked_examples():
    for name, (case, key, want) in EXAMPLES.items():
        got = ledger(case)[key]
        assert all(math.isclose(g, w, abs_tol=1e-12) for g, w in zip(got, want, strict=True)), name


@pytest.mark.parametrize("name", EXAMPLES)
def test_worked_examples_in_the_workbook(tmp_path, name):
    case, key, want = EXAMPLES[name]
    out = build(case.write(tmp_path / "in"), tmp_path / "x.xlsx").out
    cached = read_keyed(out, data_only=True)
    got = _values(cached, key)
    assert all(math.isclose(g, w, abs_tol=1e-9) for g, w in zip(got, want, strict=True)), got
    assert cached["Checks"].rows["check_failures"].constant == 0


@pytest.mark.parametrize("name", EXAMPLE_ROWS)
def test_worked_examples_as_rows_of_the_charge(tmp_path, name):
    out = build(EXAMPLES[name][0].write(tmp_path / "in"), tmp_path / "x.xlsx").out
    cached = read_keyed(out, data_only=True)
    _assert_rows(cached, EXAMPLE_ROWS[name], EXAMPLE_ROWS[name], name)


def test_worked_example_3_holds_the_building_in_construction(tmp_path):
    case = EXAMPLES["3: a building, 25 years, 2 under construction, half year"][0]
    out = build(case.write(tmp_path / "in"), tmp_path / "x.xlsx").out
    cip = _values(read_keyed(out, data_only=True), "construction_in_progress:X")
    assert cip == [100, 100, 0, 0, 0]


def test_the_synthetic_ledger_in_modelgen(tmp_path):
    out = build(LEDGER.write(tmp_path / "in"), tmp_path / "x.xlsx").out
    cached = read_keyed(out, data_only=True)
    want = ledger(LEDGER)
    assert _assert_rows(cached, want, KEYS, "cached") == len(KEYS) * 12
    assert any(w > 0 for w in want["construction_in_progress:X"])
    assert all(v == 0 for v in want["depreciation_class:X:land"])
    # the tie-out: D&A is the reported figure where there is one, held after
    da = _values(cached, "depreciation_and_amortization:X")
    assert [da[0], da[1], da[3]] == pytest.approx([31.0, 33.5, 36.0], rel=1e-12)
    assert _values(cached, "net_ppe_variance:X")[0] == pytest.approx(
        want["net_book_value:X"][0] - 150.0
    )
    assert _values(cached, "net_ppe_variance:X")[1] in ("", None)  # not reported: empty, not 0
    assert cached["Checks"].rows["check_failures"].constant == 0


def _type_life_change(path: Path, out: Path, year: str, life: float) -> Path:
    """Type a new useful life into the Inputs sheet as an analyst would, and save."""
    keyed = read_keyed(path)
    cell = keyed["Inputs"].rows["useful_life_change:X:buildings"].cells[year]
    wb = openpyxl.load_workbook(path)
    wb["Inputs"][cell] = life
    wb.save(out)
    return out


@engine
def test_the_synthetic_ledger_and_the_examples_in_libreoffice(tmp_path):
    built = build(LEDGER.write(tmp_path / "in"), tmp_path / "ledger.xlsx").out
    typed = _type_life_change(built, tmp_path / "typed.xlsx", "2019", 12.0)
    paths = [built, typed]
    for i, (case, _, _) in enumerate(EXAMPLES.values()):
        paths.append(build(case.write(tmp_path / f"ex{i}"), tmp_path / f"ex{i}.xlsx").out)
    sheets = recalc_many_keyed(paths, tmp_path)
    want = ledger(LEDGER)
    assert _assert_rows(sheets[0], want, KEYS, "LibreOffice") == len(KEYS) * 12
    retyped = ledger(LEDGER, [*LEDGER.changes, ["buildings", 2019, 12.0]])
    assert retyped["depreciation:X"] != want["depreciation:X"]
    assert _assert_rows(sheets[1], retyped, KEYS, "typed") == len(KEYS) * 12
    for recalculated in sheets[:2]:
        assert recalculated["Checks"].rows["check_failures"].constant == 0
    for (name, (_, key, expected)), recalculated in zip(EXAMPLES.items(), sheets[2:], strict=True):
        got = _values(recalculated, key)
        assert all(math.isclose(g, w, abs_tol=1e-9) for g, w in zip(got, expected, strict=True)), (
            name,
            got,
        )
        rows = EXAMPLE_ROWS.get(name, {})
        assert _assert_rows(recalculated, rows, rows, name) == len(rows) * len(expected)
