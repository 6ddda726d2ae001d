"""Each calculation block against arithmetic written independently (tests/reference.py)."""

from __future__ import annotations

import math
import re

import pytest

from modelgen.formulas.addresses import FIRST_PERIOD_COL
from modelgen.formulas.expressions import RenderContext
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import build_model
from tests.reference import compute


def model_of(folder):
    return build_model(load_inputs(folder), load_template())


def value_of(model, key):
    for sheet in model.sheets.values():
        if key in sheet.by_key:
            row = sheet[key]
            break
    else:
        raise KeyError(key)
    out = {"D": row.const_value()}
    if row.formula is not None or row.values is not None:
        out.update({p: v for p, v in zip(model.periods, row.period_result(), strict=True)})
    return out


def same(a, b):
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return (
        b is not None
        and not (isinstance(b, float) and math.isnan(b))
        and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    )


@pytest.mark.parametrize("which", ["shipped_inputs", "varied_inputs"])
def test_every_keyed_row_matches_the_independent_arithmetic(which, request):
    folder = request.getfixturevalue(which)
    model = model_of(folder)
    expected = compute(folder)
    assert len(expected) > 40
    for key, cells in expected.items():
        got = value_of(model, key)
        for period, want in cells.items():
            assert same(want, got[period]), f"{key} {period}: expected {want}, model {got[period]}"


def test_timeline_runs_from_first_actual_to_last_actual_plus_forecast(
    varied_inputs, shipped_inputs
):
    assert model_of(shipped_inputs).periods == [str(y) for y in range(2023, 2030)]
    assert model_of(varied_inputs).periods == [str(y) for y in range(2019, 2028)]


def test_the_articles_table(shipped_inputs):
    """The article's measure in its calendar years: 2024 capex / 5 over 2024 net income is
    16%, 26%, 10%, 12%, whatever the case's lives; calendar 2024 capex 243.05 (the article
    adds its rounded figures to 243.1)."""
    m = model_of(shipped_inputs)
    calendar = {
        t: value_of(m, f"run_rate_depreciation_pct_net_income:CY:{t}")["2024"]
        for t in ("MSFT", "AMZN", "GOOGL", "META")
    }
    assert {t: round(v, 2) for t, v in calendar.items()} == {
        "MSFT": 0.16,
        "AMZN": 0.26,
        "GOOGL": 0.10,
        "META": 0.12,
    }
    # Microsoft's calendar 2024 is its fiscal Q3 and Q4 2024 and Q1 and Q2 2025
    assert value_of(m, "capex:CY:MSFT")["2024"] == pytest.approx(14.0 + 19.0 + 20.0 + 22.6)
    ni = 21.939 + 22.036 + 24.667 + 24.108
    assert value_of(m, "net_income:CY:MSFT")["2024"] == pytest.approx(ni)
    assert value_of(m, "run_rate_depreciation:CY:MSFT")["2024"] == pytest.approx(75.6 / 5)
    assert value_of(m, "capex:CY:TOTAL")["2024"] == pytest.approx(75.6 + 77.658 + 52.535 + 37.256)
    # on the period sheets a year is each company's fiscal year: Microsoft's ends in June
    fiscal = value_of(m, "run_rate_depreciation_pct_net_income:MSFT")["2024"]
    assert fiscal == pytest.approx((11.2 + 11.5 + 14.0 + 19.0) / 5 / 88.136)


def test_guidance_midpoint_floor_and_point(shipped_inputs):
    m = model_of(shipped_inputs)
    assert value_of(m, "capex:META")["2025"] == pytest.approx((58.031 + 63.031) / 2)
    assert value_of(m, "capex:AMZN")["2025"] == pytest.approx(100.0)  # "more than 100": the floor
    assert value_of(m, "capex:GOOGL")["2025"] == pytest.approx(75.0)  # "about 75": a point


def test_growth_fades_to_the_long_run_rate_within_fade_years(shipped_inputs):
    m = model_of(shipped_inputs)
    yoy = value_of(m, "capex_yoy:MSFT")
    g = (11.2 + 11.5 + 14.0 + 19.0) / 31.235 - 1  # Microsoft's last known growth, fiscal 2024
    assert yoy["2025"] == pytest.approx(g + (0.05 - g) / 3)
    assert yoy["2026"] == pytest.approx(g + (0.05 - g) * 2 / 3)
    assert yoy["2027"] == pytest.approx(0.05)
    assert yoy["2029"] == pytest.approx(0.05)


def test_fractional_life_and_half_year_convention(varied_inputs):
    m = model_of(varied_inputs)
    # BETA land_improvements: life 0.75 years, half-year convention: 2020's capex of 500 * 0.3
    # enters service mid-2020 and is fully charged by the first quarter of 2021.
    row = value_of(m, "depreciation_vintage:BETA:land_improvements:2020")
    assert row["2020"] == pytest.approx(150 * 0.5 / 0.75)
    assert row["2021"] == pytest.approx(150 * 0.25 / 0.75)
    assert row["2022"] == 0
    assert sum(v for k, v in row.items() if k != "D") == pytest.approx(150)


def test_ratio_with_zero_net_income_is_empty_not_an_error(varied_inputs):
    m = model_of(varied_inputs)
    assert math.isnan(value_of(m, "depreciation_pct_net_income:BETA")["2021"])  # net income 0
    assert math.isnan(value_of(m, "depreciation_pct_net_income:GAMA")["2023"])  # no net income


def test_checks_all_pass(shipped_inputs, varied_inputs):
    for folder in (shipped_inputs, varied_inputs):
        assert model_of(folder).check_failures() == 0


def test_checks_catch_a_broken_grid(shipped_inputs):
    """Break one vintage row's numbers after evaluation: the grid check must see it."""
    from modelgen.formulas.evaluate import evaluate_rows

    m = model_of(shipped_inputs)
    dep = m.sheets["Depreciation"]
    row = dep["depreciation_vintage:MSFT:servers:2024"]
    row.formula = row.formula * 2
    evaluate_rows(m.all_rows(), m.n_periods)
    assert m.check_failures() > 0


VOLATILE = re.compile(r"\b(OFFSET|INDIRECT|NOW|TODAY|RAND|RANDBETWEEN|CELL|LET|LAMBDA|XLOOKUP)\(")
ALLOWED = {
    "SUM",
    "SUMIFS",
    "SUMPRODUCT",
    "MIN",
    "MAX",
    "IF",
    "AND",
    "OR",
    "INDEX",
    "MATCH",
    "ABS",
    "ROUND",
    "IFERROR",
}


def _formulas(model):
    for sheet in model.sheets.values():
        for row in sheet.rows:
            if row.formula is not None:
                for i in range(model.n_periods):
                    yield row, i, row.formula.render(RenderContext(sheet.name, i, model.n_periods))
            if row.const_formula is not None:
                yield (
                    row,
                    -1,
                    row.const_formula.render(RenderContext(sheet.name, -1, model.n_periods)),
                )


def _relative(text, period):
    """The formula in R1C1 spirit: relative column letters replaced by their offset."""
    from modelgen.formulas.addresses import col_index

    def sub(m):
        prefix, col, row = m.group(1), m.group(2), m.group(3)
        if prefix == "$":
            return m.group(0)
        return f"C[{col_index(col) - FIRST_PERIOD_COL - period}]{row}"

    return re.sub(r"(\$?)([A-Z]{1,3})(\$?\d+)", sub, text)


@pytest.mark.parametrize("which", ["shipped_inputs", "varied_inputs", "quarterly_inputs"])
def test_formula_rules(which, request):
    model = model_of(request.getfixturevalue(which))
    by_row: dict[int, set[str]] = {}
    for row, period, text in _formulas(model):
        assert not VOLATILE.search(text), text
        assert set(re.findall(r"([A-Z]+)\(", text)) <= ALLOWED, text
        assert "--" not in text
        # no input typed into a formula: only unit constants appear as numbers
        numbers = re.findall(
            r"(?<![A-Z$\d.])(\d+(?:\.\d+)?)(?![\d:])", re.sub(r"\$?[A-Z]{1,3}\$?\d+", "", text)
        )
        # 2 a midpoint, 0.5 and 1 the service conventions, 3/4/12 months and quarters a year
        assert set(numbers) <= {"0", "1", "2", "0.5", "3", "4", "12"}, (row.key, text)
        if period >= 0:
            by_row.setdefault(id(row), set()).add(_relative(text, period))
    # one formula per row, the same across every period column
    assert all(len(forms) == 1 for forms in by_row.values())
