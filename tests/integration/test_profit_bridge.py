"""The profit bridge (docs/profit-bridge.md): from D&A to net income and EPS.

Each case is an input folder written here from Python figures, and every expected value is
computed in this file from those figures with plain loops, sharing no code with modelgen.
Only D&A (the PP&E sheet's `depreciation_and_amortization:T`, an input of the bridge) is
read from the workbook, after checking that it ties out to the reported figures; capex and
everything the bridge derives are recomputed here. The values are checked as modelgen
caches them and as LibreOffice recalculates them.

The cases: an annual model with a company that has its own tax rate, revenue and diluted
shares (its last year given as four quarters) and one that has none of them; a quarterly
model where one strong quarter would have set the growth anchor; scenarios varying
`earnings_growth` and `tax_rate` (and, for a company at the tax setting, `revenue_growth`);
and the inputs that must be refused. The earnings rule (a company with revenue follows it at
its last actual margin) is checked against its own arithmetic here: twice the revenue
growth, a margin typed into the workbook and recalculated, the Sensitivity table against
the model rebuilt at each life, and a company without a margin to start from.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelgen.build import build
from modelgen.cli import app
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import build_model
from modelgen.xlsx.read_by_key import KeyedSheet, read_keyed
from tests.engine import engine, recalc_many_keyed

REL = ABS = 1e-9
Sheets = dict[str, KeyedSheet]


# --- the cases, as figures ----------------------------------------------------------------


@dataclass
class Case:
    """A folder's figures. `financials` rows: (ticker, period, net income, reported D&A,
    revenue, diluted shares in millions), None for an empty cell."""

    companies: list[tuple[str, str, int, str]]  # ticker, name, year end month, tax_rate cell
    capex: dict[str, dict[str, float]]
    financials: list[tuple[str, str, float, float | None, float | None, float | None]]
    settings: dict[str, str]
    guidance: list[tuple[str, int, float, float]] = field(default_factory=list)
    scenarios: list[tuple[str, str, str]] = field(default_factory=list)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True)
        _csv(
            folder / "companies.csv",
            ["ticker", "name", "fiscal_year_end_month", "tax_rate"],
            [list(c) for c in self.companies],
        )
        _csv(
            folder / "capex.csv",
            ["ticker", "period", "capex", "source"],
            [[t, p, v, "10-K"] for t, by in self.capex.items() for p, v in by.items()],
        )
        _csv(
            folder / "financials.csv",
            ["ticker", "period", "net_income", "source", "depreciation", "revenue", "diluted_shares"],
            [[t, p, ni, "10-K", *("" if x is None else x for x in rest)] for t, p, ni, *rest in self.financials],
        )  # fmt: skip
        _csv(
            folder / "guidance.csv",
            ["ticker", "period", "capex_low", "capex_high", "source"],
            [[*g, "call"] for g in self.guidance],
        )
        _csv(
            folder / "assumptions.csv",
            ["ticker", "asset_class", "share", "useful_life_years"],
            [["*", "servers", 0.6, 5], ["*", "buildings", 0.4, 20]],
        )
        _csv(folder / "settings.csv", ["key", "value"], [[k, v] for k, v in self.settings.items()])
        if self.scenarios:
            _csv(
                folder / "scenarios.csv",
                ["scenario", "key", "value", "source"],
                [[*s, "test"] for s in self.scenarios],
            )
        return folder


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


# OWN has its own tax rate (as a percentage), revenue (0 in 2021: no ratio), diluted shares,
# reported D&A with a gap, guidance after its last actual, and its 2024 as four quarters.
# BARE has none of them: no revenue, no shares, the tax_rate setting; a break-even year.
ANNUAL = Case(
    companies=[("OWN", "Own Rate Corp", 12, "16%"), ("BARE", "Bare Data Inc", 6, "")],
    capex={
        "OWN": {"2021": 40.0, "2022": 52.0, "2023": 70.0, "2024": 95.0},
        "BARE": {"2022": 8.0, "2023": 11.0, "2024": 9.0},
    },
    guidance=[("OWN", 2025, 110.0, 130.0)],
    financials=[
        ("OWN", "2021", 60.0, 12.0, 0.0, 7400.0),
        ("OWN", "2022", 66.0, None, 210.0, 7450.0),
        ("OWN", "2023", 71.0, 19.0, 236.0, 7430.0),
        ("OWN", "2024Q1", 18.0, 5.0, 61.0, 7410.0),
        ("OWN", "2024Q2", 19.0, 5.5, 63.0, 7400.0),
        ("OWN", "2024Q3", 20.0, 6.0, 66.0, 7390.0),
        ("OWN", "2024Q4", 21.0, 6.5, 70.0, 7380.0),
        ("BARE", "2023", 0.0, None, None, None),
        ("BARE", "2024", -3.5, None, None, None),
    ],
    settings={
        "unit": "USD bn",
        "forecast_years": "3",
        "depreciation_convention": "half_year",
        "long_run_capex_growth": "0.06",
        "fade_years": "2",
        "tax_rate": "0.25",
        "earnings_growth": "0.08",
        "revenue_growth": "12%",
        "share_count_growth": "-0.015",
    },
)
A_PERIODS = [str(y) for y in range(2021, 2028)]
# the OWN figures as a year: flows summed over the quarters, shares averaged
OWN_2024 = {"ni": 78.0, "da": 23.0, "revenue": 260.0, "shares": (7410 + 7400 + 7390 + 7380) / 4}

# QA: a steady climb, then one strong quarter (2024Q4); its own tax rate, revenue and shares
# every quarter, D&A reported once. QB: no tax rate, revenue or shares; annual guidance that
# fills its open quarters; net income from its second quarter, with a loss.
QA_CAPEX = {"2023Q1": 10.0, "2023Q2": 10.5, "2023Q3": 11.0, "2023Q4": 11.5,
            "2024Q1": 12.0, "2024Q2": 12.5, "2024Q3": 13.0, "2024Q4": 30.0}  # fmt: skip
QB_CAPEX = {
    "2023Q1": 4.0,
    "2023Q2": 4.2,
    "2023Q3": 4.4,
    "2023Q4": 4.6,
    "2024Q1": 4.8,
    "2024Q2": 5.0,
}
QUARTERLY = Case(
    companies=[("QA", "Quarter A", 12, "0.15"), ("QB", "Quarter B", 6, "")],
    capex={"QA": QA_CAPEX, "QB": QB_CAPEX},
    guidance=[("QB", 2024, 21.0, 23.0)],
    financials=[
        ("QA", p, 20.0 + i, 3.0 if p == "2024Q2" else None, 100.0 + 5 * i, 1000.0 - i)
        for i, p in enumerate(QA_CAPEX)
    ]
    + [
        ("QB", p, ni, None, None, None)
        for p, ni in (
            ("2023Q2", 1.5),
            ("2023Q3", -0.5),
            ("2023Q4", 2.0),
            ("2024Q1", 1.0),
            ("2024Q2", 1.8),
        )
    ],  # fmt: skip
    settings={
        "frequency": "quarterly",
        "unit": "USD m",
        "forecast_years": "2",
        "depreciation_convention": "mid_period",
        "long_run_capex_growth": "0.04",
        "fade_years": "2",
        "tax_rate": "0.3",
        "earnings_growth": "0.08",
        "revenue_growth": "0.1",
        "share_count_growth": "0.01",
    },
)
Q_PERIODS = [f"{y}Q{q}" for y in range(2023, 2027) for q in range(1, 5)]

SCENARIOS = [
    ("Bull", "earnings_growth", "0.2"),
    ("Bull", "tax_rate", "10%"),
    ("Bear", "earnings_growth", "-0.05"),
    ("Bear", "tax_rate", "0.3"),
]
SCENARIO_VALUES = {
    "Base": {"earnings_growth": 0.08, "tax_rate": 0.25},
    "Bull": {"earnings_growth": 0.2, "tax_rate": 0.10},
    "Bear": {"earnings_growth": -0.05, "tax_rate": 0.3},
}


CASES = {
    "annual": ANNUAL,
    "quarterly": QUARTERLY,
    "scenarios": replace(ANNUAL, scenarios=SCENARIOS),
    # the same scenarios, with Bull the live case: the whole bridge reruns on its values
    "bull": replace(ANNUAL, scenarios=SCENARIOS, settings={**ANNUAL.settings, "scenario": "Bull"}),
    # OWN at the tax setting, which the scenarios vary, and Bull's own revenue growth: each
    # scenario measures its own last actual margin and grows its own revenue
    "margin_scenarios": replace(
        ANNUAL,
        companies=[("OWN", "Own Rate Corp", 12, ""), ("BARE", "Bare Data Inc", 6, "")],
        scenarios=[*SCENARIOS, ("Bull", "revenue_growth", "0.24")],
    ),
}


# --- the bridge, computed here -------------------------------------------------------------


@dataclass
class Facts:
    """What the bridge needs of one model, from the case's figures."""

    periods: list[str]
    lag: int  # periods in a year: "a year earlier"
    tax: dict[str, float]
    ni: dict[str, dict[str, float]]
    revenue: dict[str, dict[str, float]]
    shares: dict[str, dict[str, float]]
    capex_actual: dict[str, set[str]]
    earnings_growth: float
    revenue_growth: float
    share_count_growth: float
    scale: float  # per_share_scale: the unit's amount over a million shares
    margin_override: dict[str, float] = field(default_factory=dict)  # typed on Inputs


def _number(text: str) -> float:
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


def annual_facts(case: Case, tax_rate: float, earnings_growth: float) -> Facts:
    """The annual model's facts: a year given as four quarters is their sum (net income,
    revenue) or their average (diluted shares)."""
    ni: dict[str, dict[str, float]] = {t: {} for t, *_ in case.companies}
    revenue: dict[str, dict[str, float]] = {t: {} for t, *_ in case.companies}
    shares: dict[str, dict[str, float]] = {t: {} for t, *_ in case.companies}
    quarters: dict[tuple[str, str], list[tuple]] = {}
    for t, p, n, _, r, s in case.financials:
        if "Q" in p:
            quarters.setdefault((t, p[:4]), []).append((n, r, s))
            continue
        ni[t][p] = n
        if r is not None:
            revenue[t][p] = r
        if s is not None:
            shares[t][p] = s
    for (t, year), rows in quarters.items():
        assert len(rows) == 4
        ni[t][year] = sum(r[0] for r in rows)
        revenue[t][year] = sum(r[1] for r in rows)
        shares[t][year] = sum(r[2] for r in rows) / 4
    return Facts(
        periods=A_PERIODS,
        lag=1,
        tax={t: _number(x) if x else tax_rate for t, _, _, x in case.companies},
        ni=ni,
        revenue=revenue,
        shares=shares,
        capex_actual={t: set(by) for t, by in case.capex.items()},
        earnings_growth=earnings_growth,
        revenue_growth=_number(case.settings["revenue_growth"]),
        share_count_growth=_number(case.settings["share_count_growth"]),
        scale=1000.0,  # USD bn over millions of shares
    )


def quarterly_facts(case: Case) -> Facts:
    def column(i: int) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {t: {} for t, *_ in case.companies}
        for row in case.financials:
            if row[i] is not None:
                out[row[0]][row[1]] = row[i]
        return out

    s = case.settings
    return Facts(
        periods=Q_PERIODS,
        lag=4,
        tax={t: _number(x) if x else _number(s["tax_rate"]) for t, _, _, x in case.companies},
        ni=column(2),
        revenue=column(4),
        shares=column(5),
        capex_actual={t: set(by) for t, by in case.capex.items()},
        earnings_growth=_number(s["earnings_growth"]),
        revenue_growth=_number(s["revenue_growth"]),
        share_count_growth=_number(s["share_count_growth"]),
        scale=1.0,  # USD m over millions of shares
    )


def ratio(a: list, b: list) -> list:
    """a / b, None (an empty cell) where b is 0."""
    return [None if y == 0 else x / y for x, y in zip(a, b, strict=True)]


def add(*series: list[float]) -> list[float]:
    return [sum(xs) for xs in zip(*series, strict=True)]


def bridge(f: Facts, da: dict[str, list[float]], capex: dict[str, list[float]]) -> dict:
    """Every row of docs/profit-bridge.md, {key: [value by period]}, from the facts, the
    model's D&A and the capex computed in this file."""
    n, lag, out = len(f.periods), f.lag, {}

    def year_ago(series: list[float], i: int) -> float:
        return series[i - lag] if i >= lag else 0.0

    def grown(actual: dict[str, float], g: float) -> list[float]:
        series: list[float] = []
        for i, p in enumerate(f.periods):
            series.append(actual[p] if p in actual else year_ago(series, i) * (1 + g))
        return series

    tickers = list(f.tax)
    for t in tickers:
        tax = f.tax[t]
        after = [x * (1 - tax) for x in da[t]]
        revenue = grown(f.revenue[t], f.revenue_growth)
        # the margin rule: where net income and a revenue above 0 are both actual, earnings
        # before D&A over revenue; the last of them (or the override) is the forecast's
        margins = [
            (f.ni[t][p] + after[i]) / f.revenue[t][p]
            if p in f.ni[t] and f.revenue[t].get(p, 0) > 0
            else None
            for i, p in enumerate(f.periods)
        ]
        found = [m for m in margins if m is not None]
        margin = f.margin_override.get(t, found[-1]) if found else None
        known: list[int] = []
        earnings: list[float] = []
        ni: list[float] = []
        for i, p in enumerate(f.periods):
            actual = f.ni[t].get(p)
            known.append(1 if actual is not None or (i and known[i - 1]) else 0)
            if actual is not None:
                earnings.append(actual + after[i])
                ni.append(actual)
            else:
                if margin is None:  # no revenue: grown at the earnings growth
                    earnings.append(year_ago(earnings, i) * (1 + f.earnings_growth))
                else:  # revenue x margin, from the first actual net income on
                    earnings.append(revenue[i] * margin if known[i] else 0.0)
                ni.append(earnings[i] - after[i] if known[i] else 0.0)
        if margin is not None:
            carried: list[float] = []
            for i, m in enumerate(margins):
                carried.append(m if m is not None else (carried[i - 1] if i else 0.0))
            out[f"ebda_margin_actual:{t}"] = margins
            out[f"ebda_margin_last_actual:{t}"] = carried
        shares = grown(f.shares[t], f.share_count_growth)
        base: list[float] = []
        for i, p in enumerate(f.periods):
            base.append(da[t][i] if p in f.capex_actual[t] else (base[i - 1] if i else 0.0))
        eps = [x * f.scale / s if s > 0 else None for x, s in zip(ni, shares, strict=True)]
        impact = [
            -(x - b) * (1 - tax) * f.scale / s if s > 0 else None
            for x, b, s in zip(da[t], base, shares, strict=True)
        ]
        out |= {
            f"revenue:{t}": revenue,
            f"after_tax_depreciation:{t}": after,
            f"earnings_is_known:{t}": known,
            f"earnings_before_da:{t}": earnings,
            f"net_income:{t}": ni,
            f"depreciation_pct_net_income:{t}": ratio(da[t], ni),
            f"after_tax_depreciation_pct_net_income:{t}": ratio(after, ni),
            f"capex_pct_revenue:{t}": ratio(capex[t], revenue),
            f"depreciation_pct_revenue:{t}": ratio(da[t], revenue),
            f"capex_to_depreciation:{t}": ratio(capex[t], da[t]),
            f"diluted_shares:{t}": shares,
            f"eps:{t}": eps,
            f"depreciation_at_last_actual:{t}": base,
            f"eps_impact_incremental_da:{t}": impact,
        }
    total = {k: add(*(out[f"{k}:{t}"] for t in tickers)) for k in
             ("revenue", "after_tax_depreciation", "earnings_before_da", "net_income")}  # fmt: skip
    da_total, capex_total = add(*da.values()), add(*capex.values())
    out |= {f"{k}:TOTAL": v for k, v in total.items()}
    out["depreciation_pct_net_income:TOTAL"] = ratio(da_total, total["net_income"])
    out["after_tax_depreciation_pct_net_income:TOTAL"] = ratio(
        total["after_tax_depreciation"], total["net_income"]
    )
    out["capex_pct_revenue:TOTAL"] = ratio(capex_total, total["revenue"])
    out["depreciation_pct_revenue:TOTAL"] = ratio(da_total, total["revenue"])
    out["capex_to_depreciation:TOTAL"] = ratio(capex_total, da_total)
    assert all(len(v) == n for v in out.values())
    return out


def annual_capex(case: Case, long_run: float, fade: float) -> dict[str, list[float]]:
    """Capex of the annual model: actual, else the guidance midpoint, else last year grown at
    the anchor growth fading to the long-run rate."""
    mid = {(t, str(y)): (lo + hi) / 2 for t, y, lo, hi in case.guidance}
    out = {}
    for t, *_ in case.companies:
        series: list[float] = []
        anchor, since = 0.0, 0
        for i, p in enumerate(A_PERIODS):
            prev = series[i - 1] if i else 0.0
            known = case.capex[t].get(p, mid.get((t, p)))
            if known is not None:
                anchor, since = (known / prev - 1 if prev > 0 else long_run), 0
                series.append(known)
            else:
                since += 1
                series.append(prev * (1 + anchor + (long_run - anchor) * min(1.0, since / fade)))
        out[t] = series
    return out


def quarterly_known(case: Case) -> dict[str, dict[str, float]]:
    """Known quarters: the actuals, and a guided year's open quarters filled so that the year
    sums to the midpoint, spread like the same quarters a year earlier."""
    out = {t: dict(by) for t, by in case.capex.items()}
    for t, year, lo, hi in case.guidance:
        quarters = [f"{year}Q{q}" for q in range(1, 5)]
        open_ = [q for q in quarters if q not in out[t]]
        remaining = (lo + hi) / 2 - sum(out[t][q] for q in quarters if q in out[t])
        earlier = {q: case.capex[t][f"{year - 1}Q{q[-1]}"] for q in open_}
        for q in open_:
            out[t][q] = remaining * earlier[q] / sum(earlier.values())
    return out


def trailing_anchor(known: dict[str, float]) -> float:
    """The growth anchor of a quarterly model: the four quarters to the last known one over
    the four before them, less 1."""
    last = sorted(known)[-1]
    i = Q_PERIODS.index(last)
    year = sum(known[p] for p in Q_PERIODS[i - 3 : i + 1])
    before = sum(known[p] for p in Q_PERIODS[i - 7 : i - 3])
    return year / before - 1


def quarterly_capex(case: Case, long_run: float, fade: float) -> dict[str, list[float]]:
    """Capex by quarter: known, else the same quarter a year earlier grown at the trailing
    anchor fading to the long-run rate over `fade` years."""
    out = {}
    for t, known in quarterly_known(case).items():
        anchor = trailing_anchor(known)
        last = Q_PERIODS.index(sorted(known)[-1])
        series: list[float] = []
        for i, p in enumerate(Q_PERIODS):
            if p in known:
                series.append(known[p])
            else:
                since = (i - last) * 0.25
                g = anchor + (long_run - anchor) * min(1.0, since / fade)
                series.append(series[i - 4] * (1 + g))
        out[t] = series
    return out


# --- reading and comparing -----------------------------------------------------------------


def row_values(sheets: Sheets, sheet: str, key: str) -> list:
    s = sheets[sheet]
    assert key in s.rows, f"{sheet} has no row {key}"
    return [s.rows[key].values[p] for p in s.periods]


def same(want: object, got: object) -> bool:
    if want is None:
        return got in (None, "")
    return (
        isinstance(got, int | float)
        and not isinstance(got, bool)
        and math.isclose(want, got, rel_tol=REL, abs_tol=ABS)  # type: ignore[arg-type]
    )


def assert_rows(sheets: Sheets, sheet: str, want: dict[str, list], where: str) -> int:
    problems, n = [], 0
    for key, values in want.items():
        got = row_values(sheets, sheet, key)
        assert len(got) == len(values), (where, key, len(got), len(values))
        for period, w, g in zip(sheets[sheet].periods, values, got, strict=True):
            n += 1
            if not same(w, g):
                problems.append(f"{where} {sheet} {key} {period}: expected {w}, got {g!r}")
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:15])
    return n


def no_error_values(sheets: Sheets, names: tuple[str, ...]) -> None:
    for name in names:
        for key, row in sheets[name].rows.items():
            for period, v in [("D", row.constant), *row.values.items()]:
                bad = isinstance(v, str) and (v.startswith("#") or v.startswith("Err:"))
                assert not bad, (name, key, period, v)


def da_of(sheets: Sheets, tickers: list[str]) -> dict[str, list[float]]:
    return {t: row_values(sheets, "PP&E", f"depreciation_and_amortization:{t}") for t in tickers}


# --- the workbooks: built once, read as cached and as LibreOffice recalculates them --------


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("bridge")
    return {
        name: build(case.write(tmp / name), tmp / f"{name}.xlsx").out
        for name, case in CASES.items()
    }


@pytest.fixture(scope="module")
def cached(books) -> dict[str, Sheets]:
    return {name: read_keyed(path, data_only=True) for name, path in books.items()}


@pytest.fixture(scope="module")
def recalculated(books, tmp_path_factory) -> dict[str, Sheets]:
    names = list(books)
    keyed = recalc_many_keyed([books[n] for n in names], tmp_path_factory.mktemp("recalc"))
    return dict(zip(names, keyed, strict=True))


@pytest.fixture(params=["cached", pytest.param("libreoffice", marks=engine)])
def book(request) -> dict[str, Sheets]:
    """Every case's workbook, as cached by modelgen or as recalculated by LibreOffice."""
    return request.getfixturevalue("cached" if request.param == "cached" else "recalculated")


# --- the annual model ----------------------------------------------------------------------


def test_annual_da_ties_out_to_the_reported_figures(book):
    sheets = book["annual"]
    assert sheets["Profit Impact"].periods == A_PERIODS
    da = da_of(sheets, ["OWN", "BARE"])["OWN"]
    # 2021 and 2023 as reported, 2024 the sum of its reported quarters
    assert [da[0], da[2], da[3]] == pytest.approx([12.0, 19.0, OWN_2024["da"]], rel=1e-12)
    assert all(x > 0 for x in da_of(sheets, ["BARE"])["BARE"][1:])


def test_annual_inputs_of_the_bridge(book):
    inp = book["annual"]["Inputs"].rows
    assert inp["tax_rate:OWN"].constant == pytest.approx(0.16)  # its own, given as 16%
    assert inp["tax_rate:BARE"].constant == pytest.approx(0.25)  # the setting
    assert inp["per_share_scale"].constant == pytest.approx(1000)  # USD bn / m shares
    assert inp["earnings_growth"].constant == pytest.approx(0.08)
    assert inp["revenue_growth"].constant == pytest.approx(0.12)
    assert inp["share_count_growth"].constant == pytest.approx(-0.015)
    revenue = inp["revenue_actual:OWN"].values
    shares = inp["diluted_shares_actual:OWN"].values
    assert [revenue[p] for p in ("2021", "2022", "2023", "2024")] == [0, 210, 236, 260]
    assert shares["2024"] == pytest.approx(OWN_2024["shares"], rel=1e-12)  # the average
    assert revenue["2025"] in (None, "") and shares["2025"] in (None, "")
    for key in ("revenue_actual:BARE", "diluted_shares_actual:BARE"):
        assert all(v in (None, "") for v in inp[key].values.values()), key


def test_annual_bridge_every_row(book):
    sheets = book["annual"]
    facts = annual_facts(ANNUAL, tax_rate=0.25, earnings_growth=0.08)
    capex = annual_capex(ANNUAL, long_run=0.06, fade=2.0)
    assert_rows(sheets, "Capex", {f"capex:{t}": v for t, v in capex.items()}, "annual")
    want = bridge(facts, da_of(sheets, ["OWN", "BARE"]), capex)
    assert assert_rows(sheets, "Profit Impact", want, "annual") == len(want) * len(A_PERIODS)
    no_error_values(sheets, ("Profit Impact", "Annual", "Inputs"))


def test_annual_bridge_reads_as_an_income_statement(book):
    """The contract's own statements, on the workbook's values."""
    sheets = book["annual"]
    rows = lambda k: row_values(sheets, "Profit Impact", k)  # noqa: E731
    da = da_of(sheets, ["OWN", "BARE"])
    # OWN has revenue: its earnings before D&A follow it at the margin of 2024, its last
    # year with net income and revenue (the sum of the quarters); BARE has none: grown
    margin = (OWN_2024["ni"] + OWN_2024["da"] * (1 - 0.16)) / OWN_2024["revenue"]
    assert sheets["Inputs"].rows["ebda_margin:OWN"].constant == pytest.approx(margin)
    assert sheets["Inputs"].rows["earnings_follow_revenue:OWN"].constant == 1
    assert sheets["Inputs"].rows["earnings_follow_revenue:BARE"].constant == 0
    assert "ebda_margin:BARE" not in sheets["Inputs"].rows
    assert rows("ebda_margin_actual:OWN")[0] in (None, "")  # revenue 0 in 2021: no margin
    revenue = rows("revenue:OWN")
    for t, tax in (("OWN", 0.16), ("BARE", 0.25)):
        ni, ebda = rows(f"net_income:{t}"), rows(f"earnings_before_da:{t}")
        for i, p in enumerate(A_PERIODS):
            assert rows(f"after_tax_depreciation:{t}")[i] == pytest.approx(da[t][i] * (1 - tax))
            if int(p) >= 2025:  # forecast: net income is what D&A after tax leaves
                assert ni[i] == pytest.approx(ebda[i] - da[t][i] * (1 - tax), rel=1e-12)
                if t == "OWN":
                    assert ebda[i] == pytest.approx(revenue[i] * margin, rel=1e-12)
                    assert revenue[i] == pytest.approx(revenue[i - 1] * 1.12, rel=1e-12)
                else:
                    assert ebda[i] == pytest.approx(ebda[i - 1] * 1.08, rel=1e-12)
    # actual net income stays the actual (2024: the sum of the quarters)
    assert rows("net_income:OWN")[:4] == pytest.approx([60, 66, 71, OWN_2024["ni"]], rel=1e-12)
    assert rows("net_income:BARE")[:4] == [0, 0, 0, -3.5]
    assert rows("earnings_is_known:BARE") == [0, 0, 1, 1, 1, 1, 1]
    # zero denominators: empty, never an error value
    assert rows("capex_pct_revenue:OWN")[0] in (None, "")  # revenue 0 in 2021
    assert rows("depreciation_pct_revenue:OWN")[0] in (None, "")
    # no net income in 2021 and 2022, then a break-even year
    assert all(v in (None, "") for v in rows("depreciation_pct_net_income:BARE")[:3])
    for kind in ("capex_pct_revenue", "depreciation_pct_revenue"):
        assert all(v in (None, "") for v in rows(f"{kind}:BARE")), kind  # no revenue at all
    assert rows("capex_to_depreciation:BARE")[0] in (None, "")  # no D&A before its capex
    # no shares: EPS and its impact are empty, never an error value or 0
    for kind in ("eps", "eps_impact_incremental_da"):
        assert all(v in (None, "") for v in rows(f"{kind}:BARE")), kind
    # OWN's EPS: net income in USD bn over millions of shares, in USD per share
    assert rows("eps:OWN")[0] == pytest.approx(60 * 1000 / 7400)
    # the D&A of the last actual (2024) is the base of the impact; guidance is not actual
    assert rows("depreciation_at_last_actual:OWN")[3:] == pytest.approx([OWN_2024["da"]] * 4)
    impact = rows("eps_impact_incremental_da:OWN")
    assert impact[:4] == pytest.approx([0, 0, 0, 0], abs=1e-12)
    assert all(x < 0 for x in impact[4:])  # the capex cycle's D&A costs each share
    assert "eps:TOTAL" not in sheets["Profit Impact"].rows  # EPS has no total


def test_annual_sheet_rolls_up_the_bridge(book):
    sheets = book["annual"]
    facts = annual_facts(ANNUAL, tax_rate=0.25, earnings_growth=0.08)
    capex = annual_capex(ANNUAL, long_run=0.06, fade=2.0)
    da = da_of(sheets, ["OWN", "BARE"])
    want = bridge(facts, da, capex)
    assert sheets["Annual"].periods == A_PERIODS  # one period a fiscal year
    rows = {
        "depreciation_and_amortization:FY:OWN": da["OWN"],
        "depreciation_and_amortization:FY:BARE": da["BARE"],
        "depreciation_and_amortization:FY:TOTAL": add(da["OWN"], da["BARE"]),
        "revenue:FY:OWN": want["revenue:OWN"],
        "revenue:FY:TOTAL": want["revenue:TOTAL"],
        "net_income:FY:OWN": want["net_income:OWN"],
        "net_income:FY:BARE": want["net_income:BARE"],
        "eps_impact_incremental_da:FY:OWN": want["eps_impact_incremental_da:OWN"],
        "depreciation_pct_net_income:FY:OWN": ratio(da["OWN"], want["net_income:OWN"]),
        "depreciation_pct_net_income:FY:BARE": ratio(da["BARE"], want["net_income:BARE"]),
        "depreciation_pct_net_income:FY:TOTAL": ratio(
            add(da["OWN"], da["BARE"]), want["net_income:TOTAL"]
        ),
    }
    assert_rows(sheets, "Annual", rows, "annual")
    # BARE has no shares: its yearly impact is empty, as on Profit Impact
    bare = row_values(sheets, "Annual", "eps_impact_incremental_da:FY:BARE")
    assert all(v in (None, "") for v in bare), bare


# --- scenarios -----------------------------------------------------------------------------


def assert_only_the_residual_fails(sheets: Sheets) -> None:
    """OWN's reported D&A is below its modelled depreciation (the residual negative), which
    check_amortization_sign catches in one reported year; every other check holds."""
    checks = sheets["Checks"].rows
    failing = {k: r.constant for k, r in checks.items() if k != "check_failures" and r.constant}
    assert failing == {"check_amortization_sign:OWN": 1}
    assert checks["check_failures"].constant == 1


def test_scenarios_rerun_the_bridge_with_their_growth_and_tax(book):
    sheets = book["scenarios"]
    scen = sheets["Scenarios"]
    da = da_of(sheets, ["OWN", "BARE"])
    capex = annual_capex(ANNUAL, long_run=0.06, fade=2.0)
    base_ni = None
    for s, v in SCENARIO_VALUES.items():
        want = bridge(annual_facts(ANNUAL, v["tax_rate"], v["earnings_growth"]), da, capex)
        # nothing varies depreciation: every scenario's D&A is the model's
        assert_rows(
            sheets,
            "Scenarios",
            {f"depreciation_and_amortization:{s}:{t}": da[t] for t in da},
            s,
        )
        rows = {f"net_income:{s}:{t}": want[f"net_income:{t}"] for t in da}
        rows |= {f"earnings_before_da:{s}:{t}": want[f"earnings_before_da:{t}"] for t in da}
        rows[f"net_income:{s}:TOTAL"] = want["net_income:TOTAL"]
        assert_rows(sheets, "Scenarios", rows, s)
        if s == "Base":
            base_ni = want["net_income:BARE"]
        else:  # the scenario's values make a difference
            assert want["net_income:BARE"][-1] != pytest.approx(base_ni[-1])
    # the live case is Base: the Profit Impact sheet is Base's bridge
    base = bridge(annual_facts(ANNUAL, 0.25, 0.08), da, capex)
    assert_rows(sheets, "Profit Impact", {k: base[k] for k in base if "net_income" in k}, "live")
    assert "net_income:Bull:OWN" in scen.rows
    assert_only_the_residual_fails(sheets)


def test_a_live_scenario_reruns_the_whole_bridge(book):
    """settings `scenario,Bull`: the Profit Impact sheet is Bull's bridge (BARE at Bull's tax
    rate, OWN at its own)."""
    sheets = book["bull"]
    da = da_of(sheets, ["OWN", "BARE"])
    capex = annual_capex(ANNUAL, long_run=0.06, fade=2.0)
    want = bridge(annual_facts(ANNUAL, tax_rate=0.10, earnings_growth=0.2), da, capex)
    assert sheets["Inputs"].rows["tax_rate:BARE"].constant == pytest.approx(0.10)
    assert sheets["Inputs"].rows["tax_rate:OWN"].constant == pytest.approx(0.16)
    assert_rows(sheets, "Profit Impact", want, "bull")
    assert_only_the_residual_fails(sheets)


# --- the earnings rule: revenue x margin where a company has revenue -------------------------


def test_scenarios_follow_their_revenue_growth_at_their_own_margin(book):
    """OWN at the tax setting: each scenario measures OWN's last actual margin with its own
    tax (as if the model were built with it), and Bull grows revenue at its own 24%."""
    sheets = book["margin_scenarios"]
    da = da_of(sheets, ["OWN", "BARE"])
    capex = annual_capex(ANNUAL, long_run=0.06, fade=2.0)
    case = CASES["margin_scenarios"]
    margins = {}
    for s, v in SCENARIO_VALUES.items():
        facts = annual_facts(case, v["tax_rate"], v["earnings_growth"])
        facts = replace(facts, revenue_growth=0.24 if s == "Bull" else 0.12)
        want = bridge(facts, da, capex)
        keys = ["earnings_before_da", "net_income", "ebda_margin_actual", "ebda_margin_last_actual"]
        rows = {f"{k}:{s}:OWN": want[f"{k}:OWN"] for k in keys}
        rows |= {f"{k}:{s}:BARE": want[f"{k}:BARE"] for k in ("earnings_before_da", "net_income")}
        if s != "Base":  # Base's is Profit Impact's (nothing varies revenue growth there)
            rows |= {f"revenue:{s}:{t}": want[f"revenue:{t}"] for t in da}
        assert_rows(sheets, "Scenarios", rows, s)
        margins[s] = sheets["Scenarios"].rows[f"ebda_margin:{s}:OWN"].constant
        assert margins[s] == pytest.approx(want["ebda_margin_last_actual:OWN"][-1], rel=1e-12)
        if s == "Base":
            assert_rows(sheets, "Profit Impact", want, "live")
    assert margins["Bull"] > margins["Base"] > margins["Bear"]  # lower tax, more added back
    assert sheets["Inputs"].rows["ebda_margin:OWN"].constant == pytest.approx(margins["Base"])
    assert sheets["Checks"].rows["check_scenario_matches"].constant == 0  # as the model


def _model_bridge(case: Case, tmp_path: Path) -> tuple[dict[str, list], dict[str, list]]:
    """The model's Profit Impact rows (no workbook: the fast tier) and the bridge computed
    here from the case's figures and the model's D&A."""
    model = build_model(load_inputs(case.write(tmp_path)), load_template())
    prof, ppe = model.sheets["Profit Impact"], model.sheets["PP&E"]
    tickers = [t for t, *_ in case.companies]
    da = {t: list(ppe[f"depreciation_and_amortization:{t}"].period_result()) for t in tickers}
    settings = case.settings
    facts = replace(
        annual_facts(case, _number(settings["tax_rate"]), _number(settings["earnings_growth"])),
        revenue_growth=_number(settings["revenue_growth"]),
    )
    want = bridge(facts, da, annual_capex(case, long_run=0.06, fade=2.0))
    got = {}
    for key in want:
        values = prof[key].period_result()
        got[key] = [None if isinstance(v, float) and math.isnan(v) else v for v in values]
    return want, got


def test_forecast_net_income_moves_with_revenue(tmp_path):
    """Twice the revenue growth: OWN's earnings before D&A after its actuals are revenue x
    its 2024 margin, so they grow twice as fast, and net income with them (D&A does not
    change); BARE, without revenue, keeps growing at the earnings growth."""
    runs = {}
    for g in (0.12, 0.24):
        case = replace(ANNUAL, settings={**ANNUAL.settings, "revenue_growth": str(g)})
        want, got = _model_bridge(case, tmp_path / str(g))
        for key, values in want.items():
            for p, w, v in zip(A_PERIODS, values, got[key], strict=True):
                assert same(w, v), (g, key, p, w, v)
        runs[g] = got
    margin = (OWN_2024["ni"] + OWN_2024["da"] * (1 - 0.16)) / OWN_2024["revenue"]
    slow, fast = (runs[g]["earnings_before_da:OWN"] for g in (0.12, 0.24))
    for k, i in enumerate(range(A_PERIODS.index("2025"), len(A_PERIODS)), start=1):
        assert slow[i] == pytest.approx(OWN_2024["revenue"] * 1.12**k * margin, rel=1e-12)
        assert fast[i] == pytest.approx(OWN_2024["revenue"] * 1.24**k * margin, rel=1e-12)
        assert fast[i] / fast[i - 1] - 1 == pytest.approx(2 * (slow[i] / slow[i - 1] - 1))
        # D&A is the same in both: net income moves by what earnings before D&A move
        gap = runs[0.24]["net_income:OWN"][i] - runs[0.12]["net_income:OWN"][i]
        assert gap == pytest.approx(fast[i] - slow[i], rel=1e-12)
    assert runs[0.12]["earnings_before_da:BARE"] == runs[0.24]["earnings_before_da:BARE"]
    bare = runs[0.24]["earnings_before_da:BARE"]
    assert bare[4:] == pytest.approx([bare[3] * 1.08**k for k in (1, 2, 3)], rel=1e-12)


def test_a_company_without_a_margin_to_start_from_grows_at_the_earnings_growth(tmp_path):
    """Revenue only where it is 0, or only in a year without net income, is no margin: the
    company keeps `earnings_growth`, has no margin rows, and its earnings say so on Inputs."""
    financials = [
        ("OWN", "2021", 60.0, 12.0, 0.0, 7400.0),
        ("OWN", "2022", 66.0, None, None, 7450.0),
        ("OWN", "2023", 71.0, 19.0, None, 7430.0),
        ("BARE", "2023", 0.0, None, None, None),
        ("BARE", "2024", -3.5, None, None, None),
    ]
    case = replace(ANNUAL, financials=financials)
    model = build_model(load_inputs(case.write(tmp_path / "in")), load_template())
    inp, prof = model.sheets["Inputs"], model.sheets["Profit Impact"]
    for t in ("OWN", "BARE"):
        assert inp[f"earnings_follow_revenue:{t}"].const_value() == 0
        assert f"ebda_margin:{t}" not in inp.by_key
        assert f"ebda_margin_actual:{t}" not in prof.by_key
    ebda = prof["earnings_before_da:OWN"].period_result()
    first = A_PERIODS.index("2024")  # OWN's net income ends in 2023 here
    assert list(ebda[first:]) == pytest.approx([ebda[2] * 1.08**k for k in (1, 2, 3, 4)])


@pytest.mark.parametrize("first", ["OWN", "BARE"])
def test_sensitivity_net_income_is_the_model_rebuilt_at_that_life_and_growth(tmp_path, first):
    """The Sensitivity table's net income for the chosen company (the first: OWN, which
    follows revenue, or BARE, which grows at the earnings growth) equals the net income of
    the model rebuilt with that servers life and long-run growth, in the chosen period; and
    OWN's earnings before D&A at every life are the actuals with that life's D&A added back,
    then revenue x margin, the same at every life."""
    companies = sorted(ANNUAL.companies, key=lambda c: c[0] != first)
    case = replace(ANNUAL, companies=companies)
    model = build_model(load_inputs(case.write(tmp_path / "base")), load_template())
    inp, work = model.sheets["Inputs"], model.sheets["Sensitivity Workings"]
    sens = model.sheets["Sensitivity"]
    assert inp["sensitivity_company"].const_value() == first
    assert inp["sensitivity_asset_class"].const_value() == "servers"
    period = str(inp["sensitivity_period"].const_value())
    at = A_PERIODS.index(period)
    lives = [work[f"sensitivity_life:{i}"].const_value() for i in range(1, 12)]
    rates = [work[f"sensitivity_growth_rate:{j}"].const_value() for j in range(1, 8)]
    for i, j in ((1, 1), (4, 6), (11, 3)):
        folder = case.write(tmp_path / f"cell-{i}-{j}")
        _edit(folder / "assumptions.csv", "*,servers,0.6,5", f"*,servers,0.6,{lives[i - 1]!r}")
        _edit(
            folder / "settings.csv",
            "long_run_capex_growth,0.06",
            f"long_run_capex_growth,{rates[j - 1]!r}",
        )
        rebuilt = build_model(load_inputs(folder), load_template())
        want = rebuilt.sheets["Profit Impact"][f"net_income:{first}"].period_result()[at]
        got = sens[f"sensitivity_net_income:{i}"].period_result()[j - 1]
        assert got == pytest.approx(want, rel=1e-9), (first, i, j)
    if first != "OWN":
        return
    ni = annual_facts(ANNUAL, 0.25, 0.08).ni["OWN"]
    margin = (OWN_2024["ni"] + OWN_2024["da"] * (1 - 0.16)) / OWN_2024["revenue"]
    revenue = model.sheets["Profit Impact"]["revenue:OWN"].period_result()
    for i in range(1, 12):
        da = work[f"life_depreciation_and_amortization:{i}"].period_result()
        ebda = work[f"life_earnings_before_da:{i}"].period_result()
        for k, p in enumerate(A_PERIODS):
            want = ni[p] + da[k] * (1 - 0.16) if p in ni else revenue[k] * margin
            assert ebda[k] == pytest.approx(want, rel=1e-12), (i, p)


TYPED_MARGIN = 0.5


@pytest.fixture(scope="module")
def typed_margin(books, tmp_path_factory) -> dict[str, tuple[Path, dict[str, KeyedSheet]]]:
    """The scenarios workbook with a margin typed into OWN's override on Inputs, and the
    annual one with a margin typed over the formula `ebda_margin:OWN` itself, as LibreOffice
    recalculates them (tests/package_xml.py types as an analyst would)."""
    from tests.package_xml import type_values

    tmp = tmp_path_factory.mktemp("typed_margin")
    typed = {}
    for name, key in (("scenarios", "ebda_margin_override:OWN"), ("annual", "ebda_margin:OWN")):
        cell = read_keyed(books[name])["Inputs"].rows[key].cells["D"]
        typed[name] = type_values(books[name], tmp / f"{name}.xlsx", "Inputs", {cell: TYPED_MARGIN})
    again = recalc_many_keyed(list(typed.values()), tmp)
    return {n: (typed[n], sheets) for n, sheets in zip(typed, again, strict=True)}


def test_the_margin_override_is_an_empty_input_over_a_formula_default(books, cached):
    """As built: the override is blue on yellow and empty; the margin in use is a formula
    (black), the last actual margin, and its label says how to override it."""
    import openpyxl

    rows = read_keyed(books["annual"], data_only=False)["Inputs"].rows
    override, margin = rows["ebda_margin_override:OWN"], rows["ebda_margin:OWN"]
    assert override.constant is None
    assert str(margin.constant).startswith("=IF(")
    assert "override the last actual margin" in str(override.label)
    wb = openpyxl.load_workbook(books["annual"], read_only=True)
    ws = wb["Inputs"]
    typed, formula = ws[override.cells["D"]], ws[margin.cells["D"]]
    assert str(typed.fill.fgColor.rgb).endswith("FFFFCC")  # blue on yellow: an input
    assert str(typed.font.color.rgb).endswith("0000FF")
    assert not str(formula.fill.fgColor.rgb).endswith("FFFFCC")
    wb.close()
    last = row_values(cached["annual"], "Profit Impact", "ebda_margin_last_actual:OWN")[-1]
    assert cached["annual"]["Inputs"].rows["ebda_margin:OWN"].constant == pytest.approx(last)


def test_a_typed_margin_is_carried_into_the_regenerated_workbook(books, tmp_path):
    """The override is an input: `build --previous` carries a margin typed into it (a
    number typed over the formula would only be reported as a plug)."""
    from tests.package_xml import type_values

    case = CASES["annual"]
    cell = read_keyed(books["annual"])["Inputs"].rows["ebda_margin_override:OWN"].cells["D"]
    typed = type_values(books["annual"], tmp_path / "typed.xlsx", "Inputs", {cell: TYPED_MARGIN})
    out = build(case.write(tmp_path / "in"), tmp_path / "next.xlsx", previous=typed).out
    sheets = read_keyed(out)
    assert sheets["Inputs"].rows["ebda_margin_override:OWN"].constant == TYPED_MARGIN
    assert sheets["Inputs"].rows["ebda_margin:OWN"].constant == TYPED_MARGIN
    revenue = row_values(sheets, "Profit Impact", "revenue:OWN")
    ebda = row_values(sheets, "Profit Impact", "earnings_before_da:OWN")
    assert ebda[4:] == pytest.approx([r * TYPED_MARGIN for r in revenue[4:]], rel=1e-12)


def test_profit_impact_says_it_is_an_illustration(books):
    """One line under the title and the periods: not a consensus forecast."""
    from tests.package_xml import read_once

    cells = read_once(books["annual"]).sheets["Profit Impact"].values
    assert "period" == cells[2, 1]
    assert "not a consensus forecast" in cells[3, 2]


@engine
def test_a_typed_margin_flows_through_profit_impact_and_every_scenario(typed_margin):
    """0.5 typed into OWN's override: the forecast is revenue x 0.5 on Profit Impact and in
    every scenario, the margin rows still show the actuals, and the selected scenario still
    equals the model (check_scenario_matches)."""
    _, sheets = typed_margin["scenarios"]
    da = da_of(sheets, ["OWN", "BARE"])
    capex = annual_capex(ANNUAL, long_run=0.06, fade=2.0)
    assert sheets["Inputs"].rows["ebda_margin:OWN"].constant == pytest.approx(TYPED_MARGIN)
    for s, v in SCENARIO_VALUES.items():
        facts = annual_facts(ANNUAL, v["tax_rate"], v["earnings_growth"])
        want = bridge(replace(facts, margin_override={"OWN": TYPED_MARGIN}), da, capex)
        rows = {f"{k}:{s}:{t}": want[f"{k}:{t}"] for k in ("earnings_before_da", "net_income")
                for t in ("OWN", "BARE")}  # fmt: skip
        assert_rows(sheets, "Scenarios", rows, f"typed {s}")
        assert sheets["Scenarios"].rows[f"ebda_margin:{s}:OWN"].constant == TYPED_MARGIN
        if s == "Base":
            assert_rows(sheets, "Profit Impact", want, "typed")
            revenue = want["revenue:OWN"]
            ebda = row_values(sheets, "Profit Impact", "earnings_before_da:OWN")
            assert ebda[4:] == pytest.approx([r * TYPED_MARGIN for r in revenue[4:]])
    assert sheets["Checks"].rows["check_scenario_matches"].constant == 0  # as the model


@engine
def test_a_margin_typed_over_the_formula_flows_through_profit_impact(typed_margin):
    """A number typed over the formula `ebda_margin:OWN` itself, not into the override
    above it, drives the forecast too (the override is where a margin is meant to go: an
    input, which a regenerated workbook carries)."""
    _, sheets = typed_margin["annual"]
    da = da_of(sheets, ["OWN", "BARE"])
    facts = replace(annual_facts(ANNUAL, 0.25, 0.08), margin_override={"OWN": TYPED_MARGIN})
    want = bridge(facts, da, annual_capex(ANNUAL, long_run=0.06, fade=2.0))
    assert_rows(sheets, "Profit Impact", want, "typed over")


# --- the quarterly model -------------------------------------------------------------------


def test_quarterly_growth_anchor_is_the_trailing_four_quarters(book):
    sheets = book["quarterly"]
    capex_sheet = sheets["Capex"]
    assert capex_sheet.periods == Q_PERIODS
    known = quarterly_known(QUARTERLY)
    # QA: the four quarters of 2024 over those of 2023, not 2024Q4 over 2023Q4
    qa = (
        sum(QA_CAPEX[f"2024Q{q}"] for q in range(1, 5))
        / sum(QA_CAPEX[f"2023Q{q}"] for q in range(1, 5))
        - 1
    )
    one_quarter = QA_CAPEX["2024Q4"] / QA_CAPEX["2023Q4"] - 1
    assert qa == pytest.approx(67.5 / 43 - 1) and one_quarter > qa + 1.0  # 161% against 57%
    # QB: its guided 2024 (the midpoint, 22) over its 2023 quarters
    qb = 22.0 / sum(QB_CAPEX[f"2023Q{q}"] for q in range(1, 5)) - 1
    assert trailing_anchor(known["QA"]) == pytest.approx(qa)
    assert trailing_anchor(known["QB"]) == pytest.approx(qb)
    for t, anchor in (("QA", qa), ("QB", qb)):
        got = row_values(sheets, "Capex", f"capex_anchor_growth:{t}")
        # from the last known quarter (2024Q4) on, carried through the forecast
        for p, g in zip(Q_PERIODS[7:], got[7:], strict=True):
            assert same(anchor, g), (t, p, anchor, g)
    capex = quarterly_capex(QUARTERLY, long_run=0.04, fade=2.0)
    assert_rows(sheets, "Capex", {f"capex:{t}": v for t, v in capex.items()}, "quarterly")
    # the forecast year after the strong quarter: about the trailing growth, not 2.6 times
    next_year = sum(capex["QA"][8:12])
    assert next_year / 67.5 < 1.6


def test_annual_anchor_after_a_forecast_gap_is_growth_on_the_forecast_year(tmp_path):
    """The quarterly anchor must leave annual models as they were: guidance two years after
    the last actual grows on the forecast year between them (capex.py's docstring: `g_a`
    is the last known figure's growth on a year earlier), not at the long-run rate."""
    case = Case(
        companies=[("X", "X", 12, "")],
        capex={"X": {"2020": 100.0, "2021": 110.0}},
        guidance=[("X", 2023, 150.0, 150.0)],
        financials=[("X", "2021", 10.0, None, None, None)],
        settings={"forecast_years": "3", "long_run_capex_growth": "0.05", "fade_years": "3"},
    )
    sheets = read_keyed(build(case.write(tmp_path / "in"), tmp_path / "gap.xlsx").out)
    g = 0.1 + (0.05 - 0.1) * 1 / 3  # 2022: 2021's growth fading for one year
    y2022 = 110 * (1 + g)
    anchor = 150 / y2022 - 1
    y2024 = 150 * (1 + anchor + (0.05 - anchor) / 3)
    assert_rows(sheets, "Capex", {"capex:X": [100, 110, y2022, 150, y2024]}, "gap")
    assert same(anchor, row_values(sheets, "Capex", "capex_anchor_growth:X")[3])


def test_quarterly_bridge_every_row(book):
    sheets = book["quarterly"]
    assert sheets["Profit Impact"].periods == Q_PERIODS
    da = da_of(sheets, ["QA", "QB"])
    assert da["QA"][Q_PERIODS.index("2024Q2")] == pytest.approx(3.0)  # the reported quarter
    capex = quarterly_capex(QUARTERLY, long_run=0.04, fade=2.0)
    want = bridge(quarterly_facts(QUARTERLY), da, capex)
    assert assert_rows(sheets, "Profit Impact", want, "quarterly") == len(want) * len(Q_PERIODS)
    no_error_values(sheets, ("Profit Impact", "Annual", "Capex", "Inputs"))
    rows = lambda k: row_values(sheets, "Profit Impact", k)  # noqa: E731
    # a year earlier is the same quarter a year earlier: revenue, shares and earnings
    i = Q_PERIODS.index("2025Q1")
    assert rows("revenue:QA")[i] == pytest.approx(120 * 1.1)
    assert rows("diluted_shares:QA")[i] == pytest.approx(996 * 1.01)
    # QA has revenue: earnings before D&A are revenue x the margin of its last quarter
    last = Q_PERIODS.index("2024Q4")
    margin = (27 + rows("after_tax_depreciation:QA")[last]) / 135  # net income, revenue
    assert rows("earnings_before_da:QA")[i] == pytest.approx(120 * 1.1 * margin)
    # QB has none: grown at the earnings growth from the same quarter a year earlier
    assert rows("earnings_before_da:QB")[i] == pytest.approx(
        rows("earnings_before_da:QB")[i - 4] * 1.08
    )
    assert rows("eps:QA")[0] == pytest.approx(20 / 1000)  # USD m over millions of shares
    assert rows("earnings_is_known:QB")[:2] == [0, 1]
    for kind in ("eps", "eps_impact_incremental_da", "capex_pct_revenue"):
        assert all(v in (None, "") for v in rows(f"{kind}:QB")), kind


def test_quarterly_annual_sheet_sums_the_quarters(book):
    sheets = book["quarterly"]
    da = da_of(sheets, ["QA", "QB"])
    capex = quarterly_capex(QUARTERLY, long_run=0.04, fade=2.0)
    want = bridge(quarterly_facts(QUARTERLY), da, capex)
    years = ["2023", "2024", "2025", "2026"]
    assert sheets["Annual"].periods == years

    def by_year(series: list) -> list[float]:
        return [sum(x for x, p in zip(series, Q_PERIODS, strict=True) if p[:4] == y) for y in years]

    ni = {t: by_year(want[f"net_income:{t}"]) for t in ("QA", "QB")}
    da_fy = {t: by_year(da[t]) for t in ("QA", "QB")}
    rows = {
        "depreciation_and_amortization:FY:QA": da_fy["QA"],
        "depreciation_and_amortization:FY:TOTAL": add(da_fy["QA"], da_fy["QB"]),
        "revenue:FY:QA": by_year(want["revenue:QA"]),
        "revenue:FY:TOTAL": by_year(want["revenue:TOTAL"]),
        "net_income:FY:QB": ni["QB"],
        "eps_impact_incremental_da:FY:QA": by_year(want["eps_impact_incremental_da:QA"]),
        "depreciation_pct_net_income:FY:QA": ratio(da_fy["QA"], ni["QA"]),
        "depreciation_pct_net_income:FY:QB": ratio(da_fy["QB"], ni["QB"]),
    }
    assert_rows(sheets, "Annual", rows, "quarterly")
    assert by_year(want["revenue:QA"])[:2] == [430.0, 510.0]  # the actual quarters summed


# --- inputs that work, and inputs that are refused -------------------------------------------


def _folder(tmp_path: Path, case: Case = ANNUAL) -> Path:
    return case.write(tmp_path / "in")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _validate(folder: Path):
    return CliRunner().invoke(app, ["validate", "--inputs", str(folder)])


def test_a_tax_rate_above_one_is_refused_with_file_line_and_column(tmp_path):
    folder = _folder(tmp_path)
    _edit(folder / "companies.csv", "BARE,Bare Data Inc,6,", "BARE,Bare Data Inc,6,1.5")
    result = _validate(folder)
    assert result.exit_code == 2, result.output
    assert "companies.csv, line 3, column tax_rate" in result.stderr
    assert "1.5" in result.stderr


@pytest.mark.parametrize(
    ("column", "old", "new", "line"),
    [
        ("revenue", "OWN,2022,66.0,10-K,,210.0,", "OWN,2022,66.0,10-K,,-210.0,", 3),
        ("diluted_shares", "OWN,2023,71.0,10-K,19.0,236.0,7430.0", "OWN,2023,71.0,10-K,19.0,236.0,-7430", 4),
    ],
)  # fmt: skip
def test_negative_revenue_or_shares_are_refused(tmp_path, column, old, new, line):
    folder = _folder(tmp_path)
    _edit(folder / "financials.csv", old, new)
    result = _validate(folder)
    assert result.exit_code == 2, result.output
    assert f"financials.csv, line {line}, column {column}" in result.stderr
    assert "negative" in result.stderr


def test_the_old_name_net_income_growth_still_works_with_a_note(tmp_path):
    folder = _folder(tmp_path)
    _edit(folder / "settings.csv", "earnings_growth,0.08", "net_income_growth,0.08")
    result = _validate(folder)
    assert result.exit_code == 0, result.output
    assert "net_income_growth" in result.stderr and "earnings_growth" in result.stderr
    # and the workbook grows earnings before D&A at it, as with the new name
    out = build(folder, tmp_path / "old.xlsx").out
    sheets = read_keyed(out, data_only=True)
    assert sheets["Inputs"].rows["earnings_growth"].constant == pytest.approx(0.08)
    facts = annual_facts(ANNUAL, tax_rate=0.25, earnings_growth=0.08)
    want = bridge(facts, da_of(sheets, ["OWN", "BARE"]), annual_capex(ANNUAL, 0.06, 2.0))
    assert_rows(sheets, "Profit Impact", {k: want[k] for k in want if "net_income" in k}, "old")


def test_both_names_of_earnings_growth_are_refused(tmp_path):
    folder = _folder(tmp_path)
    with open(folder / "settings.csv", "a", encoding="utf-8") as f:
        f.write("net_income_growth,0.03\n")
    result = _validate(folder)
    assert result.exit_code == 2, result.output
    assert "settings.csv, line" in result.stderr and "one setting" in result.stderr


def test_a_folder_without_the_new_columns_builds_with_the_settings(tmp_path):
    """companies.csv without tax_rate, financials.csv without revenue and diluted shares:
    the tax setting applies, revenue and shares are 0, EPS is empty."""
    folder = _folder(tmp_path)
    (folder / "companies.csv").write_text(
        "ticker,name,fiscal_year_end_month\nOWN,Own,12\nBARE,Bare,6\n", encoding="utf-8"
    )
    (folder / "financials.csv").write_text(
        "ticker,period,net_income,source\nOWN,2023,71,x\nBARE,2024,-3.5,x\n", encoding="utf-8"
    )
    sheets = read_keyed(build(folder, tmp_path / "plain.xlsx").out, data_only=True)
    assert sheets["Inputs"].rows["tax_rate:OWN"].constant == pytest.approx(0.25)
    for t in ("OWN", "BARE"):
        assert all(v == 0 for v in row_values(sheets, "Profit Impact", f"revenue:{t}"))
        assert all(v in (None, "") for v in row_values(sheets, "Profit Impact", f"eps:{t}"))
    no_error_values(sheets, ("Profit Impact", "Annual"))


@pytest.mark.parametrize(
    ("unit", "scale"),
    [
        ("USD bn", 1000.0),
        ("USD m", 1.0),
        ("USD k", 0.001),
        ("USD", 1e-6),
        ("EUR millions", 1.0),
        ("USD billions", 1000.0),
        ("USD thousands", 0.001),
    ],
)
def test_per_share_scale_is_the_unit_over_a_million_shares(tmp_path, unit, scale):
    """docs/profit-bridge.md: `amount x per_share_scale / millions of shares` is per share.
    A unit the settings accept must not be read as single units (off by a million).
    The model's own values (no workbook): writing them is judged by the tests above."""
    folder = _folder(tmp_path)
    _edit(folder / "settings.csv", "unit,USD bn", f"unit,{unit}")
    model = build_model(load_inputs(folder), load_template())
    per_share = model.sheets["Inputs"]["per_share_scale"].const_value()
    assert per_share == pytest.approx(scale, rel=1e-12)
    eps = model.sheets["Profit Impact"]["eps:OWN"].period_result()[0]
    assert eps == pytest.approx(60 * scale / 7400, rel=1e-12)


# --- the random models (tests/engine/test_random_models.py) cover the bridge's inputs ---------------


def test_the_random_models_cover_the_bridge_inputs(tmp_path):
    """The derandomized sample the random-model suite judges holds the new inputs: a tax
    column with empty cells, revenue and shares with gaps and zeros, every new setting (and
    the old name), scenarios varying each of them, and EPS figures to compare."""
    from tests.engine.test_random_models import PLAN, generate

    examples = []
    for i, (size, n) in enumerate(PLAN):
        examples += generate(n, size, tmp_path / str(i))
    specs = [ex.spec for ex in examples]
    cos = [c for s in specs for c in s.companies]
    keys = {k for s in specs for k, _ in s.settings}
    varied = {k for s in specs for _, k, _ in s.scenarios}

    def values(prefix: str) -> list:
        return [
            v
            for ex in examples
            for key, cells in ex.expected.items()
            if key.split(":")[0] == prefix and not key.endswith(":TOTAL")
            for v in cells.values()
        ]

    covered = {
        "a company with its own tax rate": any(c.tax_rate for c in cos),
        "a tax rate as a percentage": any((c.tax_rate or "").endswith("%") for c in cos),
        "a tax column with an empty cell": any(
            (s.tax_column or any(c.tax_rate for c in s.companies))
            and any(c.tax_rate is None for c in s.companies)
            for s in specs
        ),
        "revenue": any(c.revenue for c in cos),
        "revenue with a gap": any(None in c.revenue for c in cos),
        "a revenue of 0": any(0.0 in c.revenue for c in cos),
        "diluted shares": any(c.diluted_shares for c in cos),
        "diluted shares with a gap": any(None in c.diluted_shares for c in cos),
        "diluted shares of 0": any(0.0 in c.diluted_shares for c in cos),
        "a company without shares beside one with": any(
            any(c.diluted_shares for c in s.companies)
            and any(not c.diluted_shares for c in s.companies)
            for s in specs
        ),
        "every new setting": {"earnings_growth", "revenue_growth", "share_count_growth"} <= keys,
        "the old name net_income_growth": "net_income_growth" in keys,
        "a unit other than USD bn": "unit" in keys,
        "scenarios varying each bridge setting": {
            "tax_rate",
            "revenue_growth",
            "share_count_growth",
        }
        <= varied
        and bool(varied & {"earnings_growth", "net_income_growth"}),
        "EPS figures": any(isinstance(v, float) for v in values("eps")),
        "empty EPS": any(v is None for v in values("eps")),
        "a non-zero EPS impact": any(isinstance(v, float) and v != 0 for v in values("eps_impact_incremental_da")),
    }  # fmt: skip
    missing = [name for name, ok in covered.items() if not ok]
    assert not missing, f"the {len(specs)} random models never include: {missing}"
