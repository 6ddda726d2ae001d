"""The reference's ledger (tests/reference.py) against docs/ACCOUNTING.md's worked examples.

Every expected number here is written by hand from the examples' text, so the reference
that judges modelgen is itself judged by the contract. No LibreOffice, no modelgen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reference import OFFSETS, class_ledger, compute

YEAR = 1.0
OPENING_HEADER = "ticker,asset_class,net_book_value,remaining_life_years,source\n"


def years(first: int, last: int) -> list[float]:
    return [float(y) for y in range(first, last + 1)]


def approx(values: list[float], abs: float = 1e-9) -> object:
    return pytest.approx(values, abs=abs)


def test_example_1_a_longer_life_spreads_what_is_left_over_the_new_remaining_life():
    """100 in 2020, life 4, full_year; from 2022 life 6: 25, 25, then 12.5 in 2022-2025."""
    ledger = class_ledger(years(2020, 2026), YEAR, [4, 4, 6, 6, 6, 6, 6], [100, 0, 0, 0, 0, 0, 0])
    assert ledger.vintages[0] == approx([25, 25, 12.5, 12.5, 12.5, 12.5, 0])
    assert ledger.total == approx([25, 25, 12.5, 12.5, 12.5, 12.5, 0])
    assert sum(ledger.total) == pytest.approx(100)


def test_example_1_without_the_change_is_straight_line():
    ledger = class_ledger(years(2020, 2025), YEAR, [4] * 6, [100, 0, 0, 0, 0, 0])
    assert ledger.total == approx([25, 25, 25, 25, 0, 0])


@pytest.mark.parametrize("new_life", [5, 5.5])
def test_example_2_a_shorter_life_that_leaves_none_writes_the_book_value_off(new_life):
    """100 in 2020, life 6; from 2025 life 5 (or 5.5): 16.667 a year, then the 16.667 left
    charged in 2025 at once, nothing after."""
    ledger = class_ledger(years(2020, 2026), YEAR, [6] * 5 + [new_life] * 2, [100] + [0] * 6)
    assert ledger.total == approx([16.667] * 5 + [16.667, 0], abs=0.0005)
    assert sum(ledger.total) == pytest.approx(100)


def test_example_3_a_lag_and_half_year():
    """A building of 100 in 2020, life 25, lag 2, half_year: in service from 2022.5;
    construction in progress at the end of 2020 and 2021; 2 in 2022, then 4 a year."""
    ledger = class_ledger(
        years(2020, 2025), YEAR, [25] * 6, [100, 0, 0, 0, 0, 0], lag=2, offset=0.5
    )
    assert ledger.total == approx([0, 0, 2, 4, 4, 4])
    assert ledger.construction == approx([100, 100, 0, 0, 0, 0])


def test_example_4_an_opening_base():
    """Opening book value 300, remaining life 2.5 at the start of 2016, life 4:
    120, 120, 60."""
    ledger = class_ledger(years(2016, 2020), YEAR, [4] * 5, [0] * 5, opening=300, remaining=2.5)
    assert ledger.opening == approx([120, 120, 60, 0, 0])
    assert ledger.total == approx([120, 120, 60, 0, 0])


def test_example_4_with_the_life_changed_to_6_from_2017():
    """The remaining life at the start of 2017 becomes 1.5 + 2 = 3.5: 180 / 3.5 = 51.43 a
    year in 2017-2019 and the 25.71 left in 2020."""
    ledger = class_ledger(
        years(2016, 2021), YEAR, [4, 6, 6, 6, 6, 6], [0] * 6, opening=300, remaining=2.5
    )
    assert ledger.opening == approx([120, 51.43, 51.43, 51.43, 25.71, 0], abs=0.005)
    assert sum(ledger.opening) == pytest.approx(300)


def test_an_opening_base_with_no_life_left_is_charged_in_the_first_period():
    ledger = class_ledger(years(2016, 2018), YEAR, [4] * 3, [0] * 3, opening=70, remaining=0)
    assert ledger.opening == approx([70, 0, 0])


def test_an_opening_base_with_a_fractional_life_left():
    ledger = class_ledger(years(2016, 2018), YEAR, [4] * 3, [0] * 3, opening=30, remaining=0.25)
    assert ledger.opening == approx([30, 0, 0])
    ledger = class_ledger(years(2016, 2018), YEAR, [4] * 3, [0] * 3, opening=30, remaining=1.5)
    assert ledger.opening == approx([20, 10, 0])


def test_land_is_never_depreciated():
    """Land (life 0): neither its capex nor its opening base is ever charged."""
    ledger = class_ledger(
        years(2020, 2024), YEAR, [0] * 5, [50, 0, 20, 0, 0], opening=200, remaining=0
    )
    assert ledger.total == [0, 0, 0, 0, 0]
    assert ledger.opening == [0, 0, 0, 0, 0]
    assert ledger.construction == [0, 0, 0, 0, 0]


def test_a_fractional_lag_with_full_year():
    """10 in 2020, life 2, lag 1.5: in service from mid-2021: 2.5, 5, 2.5; in progress at
    the end of 2020 only."""
    ledger = class_ledger(years(2020, 2024), YEAR, [2] * 5, [10, 0, 0, 0, 0], lag=1.5)
    assert ledger.total == approx([0, 2.5, 5, 2.5, 0])
    assert ledger.construction == approx([10, 0, 0, 0, 0])


def test_a_lag_of_a_whole_year_is_in_progress_at_its_periods_end_only():
    """Capex of 2020 with lag 1 is in progress at the end of 2020 (start + lag = end) and
    in service from 2021 (next_year: 2022)."""
    ledger = class_ledger(years(2020, 2024), YEAR, [2] * 5, [10, 6, 0, 0, 0], lag=1)
    assert ledger.construction == approx([10, 6, 0, 0, 0])
    assert ledger.total == approx([0, 5, 8, 3, 0])
    ledger = class_ledger(years(2020, 2024), YEAR, [2] * 5, [10, 0, 0, 0, 0], lag=1, offset=1)
    assert ledger.total == approx([0, 0, 5, 5, 0])


def test_an_asset_not_yet_in_service_starts_on_the_new_life():
    """10 in 2020, lag 2, life 4 until 2021 then 2: it enters service in 2022 on life 2."""
    ledger = class_ledger(years(2020, 2025), YEAR, [4, 4, 2, 2, 2, 2], [10] + [0] * 5, lag=2)
    assert ledger.total == approx([0, 0, 5, 5, 0, 0])


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(
    lives=st.lists(
        st.one_of(st.sampled_from([0.5, 1, 2.5, 4, 5.5, 25]), st.floats(0.25, 12)),
        min_size=1,
        max_size=3,
    ),
    spend=st.lists(st.floats(0, 1000), min_size=1, max_size=12),
    convention=st.sampled_from(sorted(OFFSETS)),
)
def test_without_changes_the_ledger_is_design_mds_overlap_formula(lives, spend, convention):
    """docs/DESIGN.md: vintage v is charged `K / L * overlap([v + o, v + o + L), [t, t + 1))`."""
    o, n = OFFSETS[convention], len(spend)
    for life in lives:
        ledger = class_ledger(years(2000, 2000 + n - 1), YEAR, [life] * n, spend, offset=o)
        for v in range(n):
            want = [
                spend[v] / life * max(0.0, min(t + 1, v + o + life) - max(t, v + o))
                for t in range(n)
            ]
            assert ledger.vintages[v] == pytest.approx(want, rel=1e-9, abs=1e-9)


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    base = {
        "companies.csv": "ticker,name,fiscal_year_end_month\nX,Ex,12\nY,Why,6\n",
        "capex.csv": "ticker,period,capex,source\nX,2016,0,10-K\nX,2017,0,10-K\n"
        "Y,2016,10,10-K\nY,2017,0,10-K\n",
        "financials.csv": "ticker,period,net_income,source\n",
        "guidance.csv": "ticker,period,capex_low,capex_high,source\n",
        "assumptions.csv": "ticker,asset_class,share,useful_life_years\n*,servers,1,4\n",
        "settings.csv": "key,value\nforecast_years,2\n",
    }
    tmp_path.mkdir(exist_ok=True)
    for name, text in {**base, **files}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_compute_ties_out_example_4_to_reported_figures(tmp_path):
    """Example 4 with the change, as a folder: X's servers carry the opening base; the
    reported D&A and net PP&E tie out period by period."""
    folder = _folder(
        tmp_path,
        {
            "opening_balances.csv": OPENING_HEADER + "X,servers,300,2.5,10-K\n",
            "life_changes.csv": "ticker,asset_class,effective_from,useful_life_years,source\n"
            "X,servers,2017,6,10-K\n",
            "financials.csv": "ticker,period,net_income,source,depreciation,net_ppe\n"
            "X,2016,1000,10-K,150,200\nX,2017,1000,10-K,,\nX,2018,500,10-K,60,\n",
        },
    )
    out = compute(folder)
    dep = [120, 51.43, 51.43, 51.43]
    assert list(out["depreciation:X"].values()) == approx(dep, abs=0.005)
    assert list(out["depreciation_opening:X"].values()) == approx(dep, abs=0.005)
    assert list(out["depreciation_opening:X:servers"].values()) == approx(dep, abs=0.005)
    assert list(out["useful_life_in_effect:X:servers"].values()) == [4, 6, 6, 6]
    assert list(out["useful_life_in_effect:Y:servers"].values()) == [4, 4, 4, 4]
    assert out["useful_life:X:servers"] == {"D": 4}
    assert out["useful_life_change:X:servers"] == {"2017": 6}
    assert list(out["net_ppe_opening:X"].values()) == approx([300, 180, 128.57, 77.14], abs=0.005)
    assert list(out["net_book_value:X"].values()) == approx([180, 128.57, 77.14, 25.71], abs=0.005)
    assert list(out["accumulated_depreciation:X"].values()) == approx(
        [120, 171.43, 222.86, 274.29], abs=0.005
    )
    # 150 - 120 = 30, held through 2017; 60 - 51.43 = 8.57 from 2018 on
    other = [30, 30, 8.57, 8.57]
    assert list(out["depreciation_other:X"].values()) == approx(other, abs=0.005)
    da = [150, 81.43, 60, 60]
    assert list(out["depreciation_and_amortization:X"].values()) == approx(da, abs=0.005)
    assert out["depreciation_explained:X"]["2016"] == pytest.approx(0.8)
    assert out["depreciation_explained:X"]["2017"] is None
    assert out["depreciation_explained:X"]["2018"] == pytest.approx(51.43 / 60, abs=1e-4)
    variance = {"2016": pytest.approx(-20), "2017": None, "2018": None, "2019": None}
    assert out["net_ppe_variance:X"] == variance
    # D&A over net income; earnings before D&A (500 + 60 after tax in 2018) grow 5%, and
    # net income is what D&A after tax leaves of them
    assert out["depreciation_pct_net_income:X"]["2016"] == pytest.approx(0.15)
    net_income_2019 = (500 + 60 * 0.79) * 1.05 - 60 * 0.79
    assert out["depreciation_pct_net_income:X"]["2019"] == pytest.approx(60 / net_income_2019)
    assert out["depreciation_reported:X"] == {"2016": 150, "2018": 60}
    assert out["net_ppe_reported:X"] == {"2016": 200}
    # Y reports nothing: no residual, D&A is its depreciation
    assert list(out["depreciation_other:Y"].values()) == [0, 0, 0, 0]
    assert list(out["depreciation:Y"].values()) == approx([2.5, 2.5, 2.5, 2.5])
    assert "net_ppe_reported:Y" not in out


def test_compute_reads_land_lags_overrides_and_dated_changes(tmp_path):
    """Land (life 0, share > 0, an opening base); a company that overrides the default's
    life and lag with share-less rows; a `*` change dated before the first period, one
    dated by a quarter (from its fiscal year's start) and one after the last period."""
    folder = _folder(
        tmp_path,
        {
            "capex.csv": "ticker,period,capex,source\nX,2016,100,10-K\nX,2017,0,10-K\n"
            "Y,2016,100,10-K\nY,2017,0,10-K\n",
            "assumptions.csv": "ticker,asset_class,share,useful_life_years,in_service_lag_years\n"
            "*,servers,0.8,4,\n*,land,0.2,0,\nY,servers,,2,1\n",
            "opening_balances.csv": OPENING_HEADER + "X,land,40,0,10-K\n",
            "life_changes.csv": "ticker,asset_class,effective_from,useful_life_years,source\n"
            "*,servers,2015,8,\nX,servers,2018Q3,2,\n*,servers,2030,3,\n",
        },
    )
    out = compute(folder)
    assert out["share:Y:servers"] == {"D": 0.8}
    assert out["useful_life:Y:servers"] == {"D": 2}
    assert out["useful_life:X:land"] == {"D": 0}
    assert out["in_service_lag:Y:servers"] == {"D": 1}
    assert "in_service_lag:X:servers" not in out
    # the 2015 change sets 8 from the start; 2018Q3 applies from 2018; 2030 never
    assert list(out["useful_life_in_effect:X:servers"].values()) == [8, 8, 2, 2]
    assert list(out["useful_life_in_effect:Y:servers"].values()) == [8, 8, 8, 8]
    assert out["useful_life_change:X:servers"] == {"2018": 2}
    # X: 80 of servers at 8 years: 10, 10, then 60 left with 0 remaining (age 2, life 2)
    assert list(out["depreciation_class:X:servers"].values()) == approx([10, 10, 60, 0])
    assert list(out["depreciation_class:X:land"].values()) == [0, 0, 0, 0]
    assert list(out["net_book_value:X"].values()) == approx([130, 120, 60, 60])
    # Y: lag 1, in service from 2017, on the life in effect then (8)
    assert list(out["construction_in_progress:Y"].values()) == approx([80, 0, 0, 0])
    assert list(out["construction_in_progress:Y:servers"].values()) == approx([80, 0, 0, 0])
    assert list(out["depreciation:Y"].values()) == approx([0, 10, 10, 10])
    # the run rate is the article's measure, capex / 5, whatever the classes' lives
    assert out["run_rate_depreciation:X"]["2016"] == pytest.approx(100 / 5)
    assert out["run_rate_depreciation:Y"]["2016"] == pytest.approx(100 / 5)
