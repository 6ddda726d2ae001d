"""`ingest_sec`: SEC company facts into capex.csv, financials.csv and companies.csv.

The Snowflake file (tests/data/sec) is real SEC data: its fiscal year ends 31 January, and 10-Q
capex and D&A are year to date. Expected figures below are written out by hand from its raw
facts, or read from the JSON by `snow_usd` (plain dict lookups, no modelgen code), so a mistake
in the derivation cannot hide behind the same mistake in the test.
"""

from __future__ import annotations

import calendar
import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelgen.inputs.folder import load_inputs
from modelgen.inputs.timeline import Period
from modelgen.sec.ingest import IngestReport, SecError, _format, ingest_sec
from modelgen.sec.periods import Fact, derive_periods, fiscal_position, nearest_month_end
from tests.cli import run_modelgen

ROOT = Path(__file__).resolve().parents[2]
SNOWFLAKE = ROOT / "tests" / "data" / "sec" / "snowflake-companyfacts.json"

CAPEX = "PaymentsToAcquirePropertyPlantAndEquipment"
PRODUCTIVE = "PaymentsToAcquireProductiveAssets"
NET_INCOME = "NetIncomeLoss"
DDA = "DepreciationDepletionAndAmortization"
PPE = "PropertyPlantAndEquipmentNet"
REVENUE = "RevenueFromContractWithCustomerExcludingAssessedTax"
SHARES = "WeightedAverageNumberOfDilutedSharesOutstanding"
HEADER = "ticker,period,net_income,source,depreciation,net_ppe,revenue,diluted_shares"
OTHER_CAPEX = (
    "ticker,period,capex,source\n"
    'MSFT,2023,41.3115,"derived: 75.6 / 1.83, Caijing"\n'
    "AMZN,2023,47.9630,stated\n"
)
OTHER_FINANCIALS = "ticker,period,net_income,source\nMSFT,2024,92.8,stated\n"
OTHER_COMPANIES = "ticker,name,fiscal_year_end_month\nMSFT,Microsoft,06\nAMZN,Amazon,12\n"


# ---------------------------------------------------------------- fixture writers


def write_inputs(folder: Path, unit: str | None = None, *, crlf_bom: bool = False) -> Path:
    """An inputs folder holding two other companies (and optionally a unit in settings.csv)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "capex.csv": OTHER_CAPEX,
        "financials.csv": OTHER_FINANCIALS,
        "companies.csv": OTHER_COMPANIES,
    }
    if unit is not None:
        files["settings.csv"] = f"key,value\nforecast_years,5\nunit,{unit}\n"
    for name, text in files.items():
        data = text.replace("\n", "\r\n").encode("utf-8-sig") if crlf_bom else text.encode()
        (folder / name).write_bytes(data)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def rows(folder: Path, name: str, ticker: str | None = None) -> list[dict[str, str]]:
    text = (folder / name).read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    return [r for r in table if ticker is None or r["ticker"] == ticker]


def values(
    folder: Path, name: str, ticker: str = "SNOW", column: str | None = None
) -> dict[str, Decimal]:
    """The ticker's figures in one column (by default the file's first), empty cells left out."""
    column = column or {"capex.csv": "capex", "financials.csv": "net_income"}[name]
    return {r["period"]: Decimal(r[column]) for r in rows(folder, name, ticker) if r[column]}


def sources(folder: Path, name: str, ticker: str = "SNOW") -> dict[str, str]:
    return {r["period"]: r["source"] for r in rows(folder, name, ticker)}


def fact(start: str, end: str, val: int, accn: str, filed: str, form: str = "10-Q", **extra):
    """One company-facts entry; fy/fp deliberately say something unrelated to the period."""
    return {"start": start, "end": end, "val": val, "accn": accn, "fy": 1999, "fp": "FY",
            "form": form, "filed": filed, **extra}  # fmt: skip


def instant(end: str, val: int, accn: str, filed: str, form: str = "10-Q") -> dict:
    """One balance entry (no `start`), as company facts give balance-sheet figures."""
    return {"end": end, "val": val, "accn": accn, "fy": 1999, "fp": "FY", "form": form,
            "filed": filed}  # fmt: skip


def write_facts(
    path: Path,
    capex: list[dict] | None,
    net_income: list[dict],
    gaap: dict[str, list[dict]] | None = None,
    shares: dict[str, list[dict]] | None = None,
    **extra,
) -> Path:
    """A small company-facts JSON file: capex (None: no such tag), net income, more `gaap` tags
    in USD and `shares` tags in the XBRL unit `shares`."""
    tags = {CAPEX: capex, NET_INCOME: net_income, **(gaap or {})}
    us_gaap = {
        tag: {"label": tag, "units": {"USD": entries}}
        for tag, entries in tags.items()
        if entries is not None
    }
    for tag, entries in (shares or {}).items():
        us_gaap[tag] = {"label": tag, "units": {"shares": entries}}
    doc = {"cik": 123, "entityName": "Tiny Corp", "facts": {"us-gaap": us_gaap, **extra}}
    path.write_text(json.dumps(doc))
    return path


def tiny_year(accn: str, filed: str, annual: int = 100, ytd9: int = 60) -> list[dict]:
    """Calendar 2024 (December year end): 3M 20, 6M 40, 9M `ytd9`, FY `annual`."""
    return [
        fact("2024-01-01", "2024-03-31", 20, accn + "q1", "2024-05-01"),
        fact("2024-01-01", "2024-06-30", 40, accn + "q2", "2024-08-01"),
        fact("2024-01-01", "2024-09-30", ytd9, accn + "q3", "2024-11-01"),
        fact("2024-01-01", "2024-12-31", annual, accn, filed, form="10-K"),
    ]


# ---------------------------------------------------------------- Snowflake, real data


@pytest.fixture
def snow(tmp_path: Path) -> tuple[Path, IngestReport]:
    folder = write_inputs(tmp_path / "inputs")
    return folder, ingest_sec(SNOWFLAKE, "SNOW", folder)


def test_fiscal_year_ends_in_january_and_company_is_added(snow):
    folder, report = snow
    assert report.fiscal_year_end_month == 1
    assert rows(folder, "companies.csv", "SNOW") == [
        {"ticker": "SNOW", "name": "SNOWFLAKE INC.", "fiscal_year_end_month": "1"}
    ]
    assert "added SNOW" in report.company


def test_a_period_ending_31_january_2024_is_fiscal_2024_q4():
    assert fiscal_position(nearest_month_end(date(2024, 1, 31)), 1) == (2024, 4)
    assert fiscal_position(nearest_month_end(date(2024, 4, 30)), 1) == (2025, 1)
    # 52/53-week years: an end on 2 February belongs to the January year end
    assert fiscal_position(nearest_month_end(date(2025, 2, 2)), 1) == (2025, 4)
    assert fiscal_position(nearest_month_end(date(2024, 6, 29)), 6) == (2024, 4)  # Microsoft
    assert fiscal_position(nearest_month_end(date(2024, 9, 30)), 6) == (2025, 1)
    assert fiscal_position(nearest_month_end(date(2024, 12, 31)), 12) == (2024, 4)


def test_fiscal_2024_is_labelled_from_the_year_ending_2024_01_31(snow):
    folder, _ = snow
    capex = values(folder, "capex.csv")
    # 10-K 0001640147-25-000052: 2023-02-01..2024-01-31 = 35,086,000 USD
    assert capex["2024"] == Decimal("0.035086")
    # that FY minus the 9M to 2023-10-31 (22,014,000): the quarter ending 2024-01-31
    assert capex["2024Q4"] == Decimal(35_086_000 - 22_014_000) / 10**9


def test_quarters_are_year_to_date_differences(snow):
    folder, _ = snow
    capex = values(folder, "capex.csv")
    bn = Decimal(10**9)
    # fiscal 2025, all capex facts from 2024-02-01:
    # 3M to 2024-04-30 = 16,519,000 (a discrete quarter)
    assert capex["2025Q1"] == Decimal(16_519_000) / bn
    # Q2 = 6M to 2024-07-31 (21,562,000) - 3M to 2024-04-30 (16,519,000)
    assert capex["2025Q2"] == Decimal(21_562_000 - 16_519_000) / bn
    # Q3 = 9M to 2024-10-31 (35,002,000) - 6M (21,562,000)
    assert capex["2025Q3"] == Decimal(35_002_000 - 21_562_000) / bn
    # Q4 = FY to 2025-01-31 (46,279,000) - 9M (35,002,000)
    assert capex["2025Q4"] == Decimal(46_279_000 - 35_002_000) / bn
    assert capex["2025"] == Decimal("0.046279")
    # fiscal 2020 has only a 9M fact (14,504,000) and the year (18,583,000): Q4 alone
    assert capex["2020Q4"] == Decimal(18_583_000 - 14_504_000) / bn
    assert "2020Q1" not in capex and "2020Q3" not in capex


def test_net_income_uses_discrete_quarters_and_derives_q4(snow):
    folder, _ = snow
    net_income = values(folder, "financials.csv")
    bn = Decimal(10**9)
    # 10-Q 0001640147-24-000207 reports the 3 months 2024-05-01..2024-07-31 directly
    assert net_income["2025Q2"] == Decimal(-316_899_000) / bn
    # Q4 = FY to 2025-01-31 (-1,285,640,000) - 9M to 2024-10-31 (-958,166,000)
    assert net_income["2025Q4"] == Decimal(-1_285_640_000 + 958_166_000) / bn
    assert net_income["2025"] == Decimal("-1.28564")


def test_source_says_which_facts_a_value_came_from(snow):
    folder, _ = snow
    capex, net_income = sources(folder, "capex.csv"), sources(folder, "financials.csv")
    assert capex["2025"] == "SEC 10-K accn 0001640147-25-000052 FY to 2025-01-31"
    assert capex["2025Q2"] == (
        "SEC 10-Q accn 0001640147-24-000207 (6M to 2024-07-31) "
        "minus 10-Q accn 0001640147-25-000110 (3M to 2024-04-30)"
    )
    assert capex["2025Q4"] == (
        "SEC 10-K accn 0001640147-25-000052 (FY to 2025-01-31) "
        "minus 10-Q accn 0001640147-24-000250 (9M to 2024-10-31)"
    )
    # the row's source: net income, then each other figure of the row by its column
    assert net_income["2025Q2"] == (
        "SEC 10-Q accn 0001640147-24-000207 3M to 2024-07-31; "
        "depreciation: 10-Q accn 0001640147-24-000207 (6M to 2024-07-31) "
        "minus 10-Q accn 0001640147-25-000110 (3M to 2024-04-30); "
        "revenue: 10-Q accn 0001640147-24-000207 3M to 2024-07-31"
    )


def test_latest_filing_wins_for_a_period_in_several_filings(snow):
    folder, _ = snow
    capex = sources(folder, "capex.csv")
    # fiscal 2023 is in the 10-Ks filed 2023-03-29, 2024-03-26 and 2025-03-21
    assert capex["2023"] == "SEC 10-K accn 0001640147-25-000052 FY to 2023-01-31"
    # Q1 fiscal 2025 is in its own 10-Q (2024-05-31) and a year later as a comparative
    assert capex["2025Q1"] == "SEC 10-Q accn 0001640147-25-000110 3M to 2024-04-30"


def test_quarters_sum_to_their_fiscal_year(snow):
    folder, report = snow
    for name in ("capex.csv", "financials.csv"):
        got = values(folder, name)
        years = [p for p in got if len(p) == 4 and all(f"{p}Q{q}" in got for q in (1, 2, 3, 4))]
        assert years == ["2021", "2022", "2023", "2024", "2025"]
        for year in years:
            assert sum(got[f"{year}Q{q}"] for q in (1, 2, 3, 4)) == got[year], (name, year)
    assert report.notes == []


def test_rows_are_sorted_and_other_tickers_keep_their_text(snow):
    folder, _ = snow
    capex = (folder / "capex.csv").read_text()
    assert 'AMZN,2023,47.9630,stated\nMSFT,2023,41.3115,"derived: 75.6 / 1.83, Caijing"\n' in capex
    periods = [r["period"] for r in rows(folder, "capex.csv", "SNOW")]
    assert periods[:5] == ["2019", "2020", "2020Q4", "2021", "2021Q1"]
    assert periods[-2:] == ["2025Q4", "2026Q1"]
    assert [r["ticker"] for r in rows(folder, "capex.csv")][:2] == ["AMZN", "MSFT"]
    assert rows(folder, "companies.csv")[:2] == [
        {"ticker": "MSFT", "name": "Microsoft", "fiscal_year_end_month": "06"},
        {"ticker": "AMZN", "name": "Amazon", "fiscal_year_end_month": "12"},
    ]
    for name in ("capex.csv", "financials.csv", "companies.csv"):
        data = (folder / name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data


def test_second_run_changes_nothing(snow):
    folder, first = snow
    before = snapshot(folder)
    second = ingest_sec(SNOWFLAKE, "SNOW", folder)
    assert snapshot(folder) == before
    assert (len(second.added), len(second.updated)) == (0, 0)
    assert first.row_counts() == (59, 0, 0) and second.row_counts() == (0, 0, 59)
    assert len(second.unchanged) == len(first.added)  # every cell written, then left alone
    assert second.company == "" and second.written == []
    assert "0 rows added, 0 updated, 59 unchanged" in second.lines()


def test_a_different_value_in_the_csv_is_restated_and_reported(tmp_path):
    folder = write_inputs(tmp_path)
    with (folder / "capex.csv").open("a") as handle:
        handle.write("SNOW,2025,0.05,guess from a news article\nSNOW,2024,0.035086,10-K p.62\n")
    report = ingest_sec(SNOWFLAKE, "SNOW", folder)
    restated = [c for c in report.updated if c.file == "capex.csv"]
    assert [(c.period, c.old, c.new) for c in restated] == [("2025", "0.05", "0.046279")]
    assert any("capex.csv: SNOW 2025 0.05 -> 0.046279" in line for line in report.lines())
    assert sources(folder, "capex.csv")["2025"].startswith("SEC 10-K")
    # the same value already there: unchanged, the analyst's source kept
    assert sources(folder, "capex.csv")["2024"] == "10-K p.62"
    assert report.row_counts()[0] == 57


@pytest.mark.parametrize(
    ("unit", "capex_2025", "net_income_2025"),
    [
        ("USD m", "46.279", "-1285.64"),
        ("USD k", "46279", "-1285640"),
        ("USD", "46279000", "-1285640000"),
        ("USD bn", "0.046279", "-1.28564"),
    ],
)
def test_amounts_are_converted_to_the_models_unit(tmp_path, unit, capex_2025, net_income_2025):
    folder = write_inputs(tmp_path, unit)
    report = ingest_sec(SNOWFLAKE, "SNOW", folder)
    assert report.unit == unit
    assert {r["period"]: r["capex"] for r in rows(folder, "capex.csv", "SNOW")}[
        "2025"
    ] == capex_2025
    assert {r["period"]: r["net_income"] for r in rows(folder, "financials.csv", "SNOW")}[
        "2025"
    ] == net_income_2025


def test_bom_crlf_and_column_order_are_read(tmp_path):
    folder = write_inputs(tmp_path, "USD m", crlf_bom=True)
    (folder / "capex.csv").write_bytes(
        b"\xef\xbb\xbfsource,capex,period,ticker\r\nstated,47.9630,2023,AMZN\r\n"
    )
    ingest_sec(SNOWFLAKE, "snow", folder, name="Snowflake")
    data = (folder / "capex.csv").read_bytes()  # kept as it was saved: BOM and CRLF
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == data.count(b"\n")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[:2] == ["source,capex,period,ticker", "stated,47.9630,2023,AMZN"]
    assert "SEC 10-K accn 0001640147-25-000052 FY to 2025-01-31,46.279,2025,SNOW" in lines
    assert rows(folder, "companies.csv", "SNOW")[0]["name"] == "Snowflake"


def test_an_empty_inputs_folder_gets_the_three_files(tmp_path):
    report = ingest_sec(SNOWFLAKE, "SNOW", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "capex.csv",
        "companies.csv",
        "financials.csv",
    ]
    assert (tmp_path / "capex.csv").read_text().startswith("ticker,period,capex,source\n")
    assert report.unit == "USD bn"


def test_a_wrong_year_end_month_is_corrected_and_reported(tmp_path):
    folder = write_inputs(tmp_path)
    with (folder / "companies.csv").open("a") as handle:
        handle.write("SNOW,Snowflake,12\n")
    report = ingest_sec(SNOWFLAKE, "SNOW", folder)
    assert report.company == "updated SNOW: fiscal_year_end_month 12 -> 1"
    assert rows(folder, "companies.csv", "SNOW") == [
        {"ticker": "SNOW", "name": "Snowflake", "fiscal_year_end_month": "1"}
    ]


# ---------------------------------------------------------------- Snowflake: D&A, net PP&E


def snow_usd(tag: str, start: str, end: str) -> int:
    """Snowflake's `tag` over start..end from the latest filing that reports it, looked up in
    the JSON directly (not through modelgen)."""
    doc = json.loads(SNOWFLAKE.read_text(encoding="utf-8"))
    entries = doc["facts"]["us-gaap"][tag]["units"]["USD"]
    matches = [e for e in entries if e.get("start") == start and e["end"] == end]
    assert matches, (tag, start, end)
    return max(matches, key=lambda e: e["filed"])["val"]


def test_depreciation_quarters_are_year_to_date_differences(snow):
    folder, _ = snow
    dep = values(folder, "financials.csv", column="depreciation")
    bn = Decimal(10**9)
    # fiscal 2025, DepreciationDepletionAndAmortization from 2024-02-01: 3M, 6M, 9M and FY
    q1, h1, m9, fy = (
        snow_usd(DDA, "2024-02-01", end)
        for end in ("2024-04-30", "2024-07-31", "2024-10-31", "2025-01-31")
    )
    assert (q1, h1, m9, fy) == (40_221_000, 85_332_000, 132_378_000, 182_508_000)
    assert dep["2025Q1"] == Decimal(q1) / bn
    assert dep["2025Q2"] == Decimal(h1 - q1) / bn
    assert dep["2025Q3"] == Decimal(m9 - h1) / bn
    assert dep["2025Q4"] == Decimal(fy - m9) / bn
    assert dep["2025"] == Decimal(fy) / bn == Decimal("0.182508")
    # fiscal 2022: every quarter a difference of the year-to-date facts of that year
    ytd = [snow_usd(DDA, "2021-02-01", e) for e in ("2021-04-30", "2021-07-31", "2021-10-31")]
    ytd.append(snow_usd(DDA, "2021-02-01", "2022-01-31"))
    assert [dep[f"2022Q{q}"] for q in (1, 2, 3, 4)] == [
        Decimal(now - before) / bn for now, before in zip(ytd, [0, *ytd[:3]], strict=True)
    ]
    for year in ("2021", "2022", "2023", "2024", "2025"):
        assert sum(dep[f"{year}Q{q}"] for q in (1, 2, 3, 4)) == dep[year]


def test_depreciation_falls_back_to_the_next_tag_for_a_period_the_first_lacks(snow):
    folder, _ = snow
    dep = values(folder, "financials.csv", column="depreciation")
    source = sources(folder, "financials.csv")
    bn = Decimal(10**9)
    # fiscal 2020 Q3 (Aug-Oct 2019): DepreciationDepletionAndAmortization has only 9M and FY
    # that year, but the narrower Depreciation tag reports the quarter itself
    assert dep["2020Q3"] == Decimal(snow_usd("Depreciation", "2019-08-01", "2019-10-31")) / bn
    assert (
        "; depreciation: Depreciation 10-Q accn 0001640147-20-000023 3M to 2019-10-31;"
        in source["2020Q3"]
    )
    # Q4 of that year comes from the first tag again: FY - 9M
    fy, m9 = snow_usd(DDA, "2019-02-01", "2020-01-31"), snow_usd(DDA, "2019-02-01", "2019-10-31")
    assert dep["2020Q4"] == Decimal(fy - m9) / bn
    assert "depreciation: 10-K accn 0001640147-22-000023 (FY to 2020-01-31)" in source["2020Q4"]
    # every net income row has a depreciation figure in this file
    assert set(dep) == set(values(folder, "financials.csv"))


def test_snowflake_has_no_net_ppe_so_its_cells_stay_empty_and_the_report_says_so(snow):
    folder, report = snow
    assert {r["net_ppe"] for r in rows(folder, "financials.csv")} == {""}
    assert {r["diluted_shares"] for r in rows(folder, "financials.csv")} == {""}
    assert report.missing == [
        "financials.csv net_ppe: no us-gaap PropertyPlantAndEquipmentNet; its cells are left empty",
        f"financials.csv diluted_shares: no us-gaap {SHARES}; its cells are left empty",
    ]
    assert "  " + report.missing[0] in report.lines()


def test_an_old_financials_csv_gains_the_new_columns(tmp_path):
    """A folder from before depreciation, net_ppe, revenue and diluted_shares: the columns are
    added at the end, empty for other tickers; an existing SNOW row keeps its net income and
    gets its depreciation and revenue."""
    folder = write_inputs(tmp_path)
    old_source = "SEC 10-K accn 0001640147-25-000052 FY to 2025-01-31"
    with (folder / "financials.csv").open("a") as handle:
        handle.write(f"SNOW,2025,-1.285640,{old_source}\n")
    report = ingest_sec(SNOWFLAKE, "SNOW", folder)
    lines = (folder / "financials.csv").read_text().splitlines()
    assert lines[0] == HEADER
    assert lines[1] == "MSFT,2024,92.8,stated,,,,"
    row = {r["period"]: r for r in rows(folder, "financials.csv", "SNOW")}["2025"]
    assert row == {
        "ticker": "SNOW",
        "period": "2025",
        "net_income": "-1.285640",  # the same number: its spelling stays
        "source": f"{old_source}; depreciation: 10-K accn 0001640147-25-000052 FY to 2025-01-31"
        "; revenue: 10-K accn 0001640147-25-000052 FY to 2025-01-31",
        "depreciation": str(Decimal(snow_usd(DDA, "2024-02-01", "2025-01-31")) / 10**9),
        "net_ppe": "",
        "revenue": str(Decimal(snow_usd(REVENUE, "2024-02-01", "2025-01-31")) / 10**9),
        "diluted_shares": "",
    }
    changed = [(c.period, c.column, c.old) for c in report.updated]
    assert changed == [("2025", "depreciation", ""), ("2025", "revenue", "")]
    assert report.row_counts("financials.csv") == (29, 1, 0)
    assert (
        "  financials.csv: added column(s) depreciation, net_ppe, revenue, diluted_shares"
        in report.lines()
    )
    assert "  filled in financials.csv: depreciation for 2025" in report.lines()
    assert "  filled in financials.csv: revenue for 2025" in report.lines()
    assert "  financials.csv: 29 rows added, 1 updated, 0 unchanged" in report.lines()
    # and a second run finds nothing to do
    before = snapshot(folder)
    again = ingest_sec(SNOWFLAKE, "SNOW", folder)
    assert snapshot(folder) == before and again.written == [] and again.columns == []


def test_an_empty_folder_gets_financials_with_the_new_columns(tmp_path):
    ingest_sec(SNOWFLAKE, "SNOW", tmp_path)
    header = (tmp_path / "financials.csv").read_text().splitlines()[0]
    assert header == HEADER


# ---------------------------------------------------------------- small synthetic files


def test_a_later_filing_restates_an_earlier_one(tmp_path):
    folder = write_inputs(tmp_path / "inputs", "USD")
    first = write_facts(
        tmp_path / "v1.json", tiny_year("A", "2025-02-01"), tiny_year("A", "2025-02-01")
    )
    ingest_sec(first, "TINY", folder)
    assert values(folder, "capex.csv", "TINY")["2024Q4"] == 40
    # a 10-K/A filed later says the year was 130, not 100; the original stays in the file
    amended = fact("2024-01-01", "2024-12-31", 130, "B", "2025-06-01", form="10-K/A")
    second = write_facts(
        tmp_path / "v2.json", [*tiny_year("A", "2025-02-01"), amended], tiny_year("A", "2025-02-01")
    )
    report = ingest_sec(second, "TINY", folder)
    assert sorted((c.file, c.period, c.old, c.new) for c in report.updated) == [
        ("capex.csv", "2024", "100", "130"),
        ("capex.csv", "2024Q4", "40", "70"),
    ]
    assert sources(folder, "capex.csv", "TINY")["2024"] == "SEC 10-K/A accn B FY to 2024-12-31"


def test_fy_and_fp_are_ignored_and_52_week_ends_snap_to_the_month(tmp_path):
    # a retailer whose years end on the Saturday nearest 31 January; fy/fp are all "1999 FY"
    capex = [
        fact("2023-01-29", "2024-02-03", 400, "K1", "2024-03-20", form="10-K"),
        fact("2024-02-04", "2024-05-04", 90, "Q1", "2024-06-01"),
        fact("2024-02-04", "2024-08-03", 200, "Q2", "2024-09-01"),
    ]
    path = write_facts(tmp_path / "f.json", capex, capex)
    report = ingest_sec(path, "RTL", write_inputs(tmp_path / "in", "USD"))
    assert report.fiscal_year_end_month == 1
    assert values(tmp_path / "in", "capex.csv", "RTL") == {"2024": 400, "2025Q1": 90, "2025Q2": 110}


def test_dei_fiscal_year_end_date_is_used_when_present(tmp_path):
    dei = {"CurrentFiscalYearEndDate": {"units": {"pure": [{"val": "--06-30", "filed": "x"}]}}}
    path = write_facts(
        tmp_path / "f.json", tiny_year("A", "2025-02-01"), tiny_year("A", "2025-02-01"), dei=dei
    )
    report = ingest_sec(path, "TINY", write_inputs(tmp_path / "in", "USD"))
    assert report.fiscal_year_end_month == 6
    # a calendar year is then not a fiscal year; calendar Q1 (Jan-Mar) is fiscal 2024 Q3
    assert "2024" not in values(tmp_path / "in", "capex.csv", "TINY")
    assert values(tmp_path / "in", "capex.csv", "TINY")["2024Q3"] == 20


def test_quarters_that_do_not_add_up_are_noted(tmp_path):
    ni = [*tiny_year("A", "2025-02-01"), fact("2024-04-01", "2024-06-30", 25, "Q2", "2024-08-01")]
    path = write_facts(tmp_path / "f.json", tiny_year("A", "2025-02-01"), ni)
    report = ingest_sec(path, "TINY", write_inputs(tmp_path / "in", "USD"))
    assert report.notes == [
        "financials.csv fiscal 2024: the quarters add up to 105 USD but the year is 100 USD"
    ]


def test_capex_is_chosen_per_period_from_the_first_tag_that_has_it(tmp_path):
    """PaymentsToAcquirePropertyPlantAndEquipment first, then PaymentsToAcquireProductiveAssets,
    period by period; a quarter derived by difference never mixes the two tags."""
    first = [
        fact("2023-01-01", "2023-12-31", 90, "K23", "2024-02-01", form="10-K"),
        fact("2024-01-01", "2024-03-31", 20, "Q1", "2024-05-01"),
        fact("2024-01-01", "2024-06-30", 45, "Q2", "2024-08-01"),
        fact("2024-01-01", "2024-12-31", 110, "K24", "2025-02-01", form="10-K"),
    ]  # no 9 months: Q3 and Q4 cannot come from this tag
    productive = [
        fact("2022-01-01", "2022-12-31", 70, "K22", "2023-02-01", form="10-K"),  # only here
        fact("2023-01-01", "2023-12-31", 95, "K23", "2024-02-01", form="10-K"),  # not used
        fact("2024-01-01", "2024-06-30", 46, "Q2", "2024-08-01"),
        fact("2024-01-01", "2024-09-30", 75, "Q3", "2024-11-01"),
        fact("2024-01-01", "2024-12-31", 112, "K24", "2025-02-01", form="10-K"),
    ]
    path = write_facts(
        tmp_path / "f.json", first, tiny_year("A", "2025-02-01"), {PRODUCTIVE: productive}
    )
    folder = write_inputs(tmp_path / "in", "USD")
    report = ingest_sec(path, "TINY", folder)
    assert values(folder, "capex.csv", "TINY") == {
        "2022": 70,  # productive
        "2023": 90,  # first tag
        "2024": 110,  # first tag
        "2024Q1": 20,  # first tag
        "2024Q2": 45 - 20,  # first tag
        "2024Q3": 75 - 46,  # productive 9M - productive 6M
        "2024Q4": 112 - 75,  # productive FY - productive 9M, not 110 - 75
    }
    source = sources(folder, "capex.csv", "TINY")
    assert source["2022"] == f"SEC {PRODUCTIVE} 10-K accn K22 FY to 2022-12-31"
    assert source["2023"] == "SEC 10-K accn K23 FY to 2023-12-31"
    assert source["2024Q3"] == (
        f"SEC {PRODUCTIVE} 10-Q accn Q3 (9M to 2024-09-30) minus 10-Q accn Q2 (6M to 2024-06-30)"
    )
    # quarters from two tags need not add up to the year: the report says so
    assert report.notes == [
        "capex.csv fiscal 2024: the quarters add up to 111 USD but the year is 110 USD"
    ]


@pytest.mark.parametrize(
    ("column", "tag"),
    [
        ("capex", PRODUCTIVE),
        ("capex", "PaymentsToAcquireOtherPropertyPlantAndEquipment"),
        ("depreciation", "DepreciationAmortizationAndAccretionNet"),
        ("depreciation", "DepreciationAndAmortization"),
        ("depreciation", "Depreciation"),
        ("revenue", "Revenues"),
        ("revenue", "SalesRevenueNet"),
    ],
)
def test_a_file_with_only_a_later_tag_uses_it(tmp_path, column, tag):
    figures = tiny_year("T", "2025-02-01")
    capex = None if column == "capex" else figures
    path = write_facts(tmp_path / "f.json", capex, figures, {tag: figures})
    folder = write_inputs(tmp_path / "in", "USD")
    ingest_sec(path, "TINY", folder)
    file = "capex.csv" if column == "capex" else "financials.csv"
    assert values(folder, file, "TINY", column) == {
        "2024": 100, "2024Q1": 20, "2024Q2": 20, "2024Q3": 20, "2024Q4": 40
    }  # fmt: skip
    assert sources(folder, file, "TINY")["2024Q1"].endswith(f"{tag} 10-Q accn Tq1 3M to 2024-03-31")


def net_ppe_facts() -> list[dict]:
    """Balances of a December-year-end company: year ends from 10-Ks, quarter ends from 10-Qs."""
    return [
        instant("2023-12-31", 500, "K23", "2024-02-01", form="10-K"),
        instant("2023-12-31", 510, "K24", "2025-02-01", form="10-K"),  # restated comparative
        instant("2024-03-31", 520, "Aq1", "2024-05-01"),
        instant("2024-05-15", 999, "X", "2024-05-20", form="8-K"),  # not a quarter end
        instant("2024-06-30", 540, "Aq2", "2024-08-01"),
        instant("2024-09-30", 560, "Aq3", "2024-11-01"),
        instant("2024-12-31", 600, "K24", "2025-02-01", form="10-K"),
    ]


def test_net_ppe_is_the_balance_at_each_period_end(tmp_path):
    year = tiny_year("A", "2025-02-01")
    path = write_facts(tmp_path / "f.json", year, year, {PPE: net_ppe_facts()})
    folder = write_inputs(tmp_path / "in", "USD")
    report = ingest_sec(path, "TINY", folder)
    net_ppe = values(folder, "financials.csv", "TINY", "net_ppe")
    # a quarter: the balance on its last day; the year: the balance at its end, as its Q4
    assert net_ppe == {"2024": 600, "2024Q1": 520, "2024Q2": 540, "2024Q3": 560, "2024Q4": 600}
    source = sources(folder, "financials.csv", "TINY")
    assert source["2024Q2"] == (
        "SEC 10-Q accn Aq2 (6M to 2024-06-30) minus 10-Q accn Aq1 (3M to 2024-03-31); "
        "net_ppe: 10-Q accn Aq2 at 2024-06-30"
    )
    assert source["2024"].endswith("; net_ppe: 10-K accn K24 at 2024-12-31")
    # 2023 has a balance but no net income: no row for it (net_income is required)
    assert report.notes == [
        "financials.csv net_ppe for 2023, 2023Q4 left out: the company facts have no "
        "net_income for them, and every row needs one"
    ]
    assert report.missing == [
        "financials.csv depreciation: no us-gaap DepreciationDepletionAndAmortization, "
        "DepreciationAmortizationAndAccretionNet, DepreciationAndAmortization or Depreciation; "
        "its cells are left empty",
        f"financials.csv revenue: no us-gaap {REVENUE}, Revenues or SalesRevenueNet; "
        "its cells are left empty",
        f"financials.csv diluted_shares: no us-gaap {SHARES}; its cells are left empty",
    ]


def test_the_latest_filing_wins_for_a_balance(tmp_path):
    year = [*tiny_year("A", "2025-02-01")]
    year.append(fact("2023-01-01", "2023-12-31", 80, "K23", "2024-02-01", form="10-K"))
    path = write_facts(tmp_path / "f.json", year, year, {PPE: net_ppe_facts()})
    folder = write_inputs(tmp_path / "in", "USD")
    ingest_sec(path, "TINY", folder)
    assert values(folder, "financials.csv", "TINY", "net_ppe")["2023"] == 510
    assert sources(folder, "financials.csv", "TINY")["2023"] == (
        "SEC 10-K accn K23 FY to 2023-12-31; net_ppe: 10-K accn K24 at 2023-12-31"
    )


def test_a_second_run_with_every_column_changes_nothing(tmp_path):
    year = tiny_year("A", "2025-02-01")
    gaap = {
        PRODUCTIVE: year,
        PPE: net_ppe_facts(),
        "DepreciationAndAmortization": year,
        "Revenues": year,
    }
    path = write_facts(tmp_path / "f.json", year[:2], year, gaap, {SHARES: share_facts()})
    folder = write_inputs(tmp_path / "in", "USD m")
    first = ingest_sec(path, "TINY", folder)
    before = snapshot(folder)
    second = ingest_sec(path, "TINY", folder)
    assert snapshot(folder) == before and second.written == []
    assert first.row_counts() == (10, 0, 0) and second.row_counts() == (0, 0, 10)
    assert (len(second.updated), len(second.unchanged)) == (0, len(first.added))
    assert "no files changed" in second.lines()


def test_a_restated_depreciation_is_reported_with_its_column(tmp_path):
    year = tiny_year("A", "2025-02-01")
    folder = write_inputs(tmp_path / "in", "USD")
    path = write_facts(tmp_path / "f.json", year, year, {DDA: year})
    ingest_sec(path, "TINY", folder)
    amended = fact("2024-01-01", "2024-12-31", 130, "B", "2025-06-01", form="10-K/A")
    path = write_facts(tmp_path / "g.json", year, year, {DDA: [*year, amended]})
    report = ingest_sec(path, "TINY", folder)
    assert sorted((c.file, c.period, c.column, c.old, c.new) for c in report.updated) == [
        ("financials.csv", "2024", "depreciation", "100", "130"),
        ("financials.csv", "2024Q4", "depreciation", "40", "70"),
    ]
    assert (
        "  restated in financials.csv: TINY 2024 depreciation 100 -> 130 "
        "(SEC 10-K/A accn B FY to 2024-12-31)"
    ) in report.lines()
    assert sources(folder, "financials.csv", "TINY")["2024"] == (
        "SEC 10-K accn A FY to 2024-12-31; depreciation: 10-K/A accn B FY to 2024-12-31"
    )


# ---------------------------------------------------------------- revenue and diluted shares


def test_snowflake_revenue_is_a_flow_in_the_models_unit(snow):
    folder, report = snow
    revenue = values(folder, "financials.csv", column="revenue")
    source = sources(folder, "financials.csv")
    bn = Decimal(10**9)
    # fiscal 2024 (2023-02-01..2024-01-31) under the first tag, from the 10-K filed 2025-03-21
    fy2024 = snow_usd(REVENUE, "2023-02-01", "2024-01-31")
    assert fy2024 == 2_806_489_000
    assert revenue["2024"] == Decimal(fy2024) / bn == Decimal("2.806489")
    assert source["2024"].endswith("; revenue: 10-K accn 0001640147-25-000052 FY to 2024-01-31")
    # fiscal 2025: Q1-Q3 are reported as 3-month facts; Q4 = FY - 9M
    q1 = snow_usd(REVENUE, "2024-02-01", "2024-04-30")
    q2 = snow_usd(REVENUE, "2024-05-01", "2024-07-31")
    q3 = snow_usd(REVENUE, "2024-08-01", "2024-10-31")
    m9 = snow_usd(REVENUE, "2024-02-01", "2024-10-31")
    fy = snow_usd(REVENUE, "2024-02-01", "2025-01-31")
    assert (q1, q2, q3, m9, fy) == (828_709_000, 868_823_000, 942_094_000, 2_639_626_000,
                                    3_626_396_000)  # fmt: skip
    assert [revenue[f"2025Q{q}"] for q in (1, 2, 3, 4)] == [
        Decimal(q1) / bn, Decimal(q2) / bn, Decimal(q3) / bn, Decimal(fy - m9) / bn
    ]  # fmt: skip
    assert revenue["2025"] == Decimal(fy) / bn
    assert source["2025Q4"].endswith(
        "; revenue: 10-K accn 0001640147-25-000052 (FY to 2025-01-31) "
        "minus 10-Q accn 0001640147-24-000250 (9M to 2024-10-31)"
    )
    for year in ("2021", "2022", "2023", "2024", "2025"):
        assert sum(revenue[f"{year}Q{q}"] for q in (1, 2, 3, 4)) == revenue[year]
    # every net income row has its revenue in this file, and nothing is reported missing
    assert set(revenue) == set(values(folder, "financials.csv"))
    assert not any("revenue" in line for line in report.missing + report.notes)


@pytest.mark.parametrize(("unit", "text"), [("USD", "3626396000"), ("USD m", "3626.396")])
def test_snowflake_revenue_follows_the_models_unit(tmp_path, unit, text):
    folder = write_inputs(tmp_path, unit)
    ingest_sec(SNOWFLAKE, "SNOW", folder)
    assert {r["period"]: r["revenue"] for r in rows(folder, "financials.csv", "SNOW")}[
        "2025"
    ] == text


def test_revenue_is_chosen_per_period_from_the_first_tag_that_has_it(tmp_path):
    """RevenueFromContractWithCustomerExcludingAssessedTax, else Revenues, else SalesRevenueNet,
    period by period; a quarter derived by difference never mixes tags."""
    first = [
        fact("2024-01-01", "2024-03-31", 200, "F1", "2024-05-01"),
        fact("2024-01-01", "2024-12-31", 1000, "K24", "2025-02-01", form="10-K"),
    ]  # no 6M or 9M: Q2 to Q4 cannot come from this tag
    revenues = [
        fact("2023-01-01", "2023-12-31", 800, "K23", "2024-02-01", form="10-K"),
        fact("2024-01-01", "2024-03-31", 195, "R3", "2024-05-01"),  # first tag has Q1
        fact("2024-01-01", "2024-06-30", 420, "R6", "2024-08-01"),
        fact("2024-01-01", "2024-09-30", 650, "R9", "2024-11-01"),
        fact("2024-01-01", "2024-12-31", 990, "K24", "2025-02-01", form="10-K"),  # not used
    ]
    sales = [
        fact("2022-01-01", "2022-12-31", 700, "K22", "2023-02-01", form="10-K"),
        fact("2023-01-01", "2023-12-31", 799, "K23", "2024-02-01", form="10-K"),  # not used
    ]
    net_income = [
        *tiny_year("A", "2025-02-01"),
        fact("2022-01-01", "2022-12-31", 5, "K22", "2023-02-01", form="10-K"),
        fact("2023-01-01", "2023-12-31", 6, "K23", "2024-02-01", form="10-K"),
    ]
    gaap = {REVENUE: first, "Revenues": revenues, "SalesRevenueNet": sales}
    path = write_facts(tmp_path / "f.json", net_income, net_income, gaap)
    folder = write_inputs(tmp_path / "in", "USD")
    report = ingest_sec(path, "TINY", folder)
    assert values(folder, "financials.csv", "TINY", "revenue") == {
        "2022": 700,  # SalesRevenueNet
        "2023": 800,  # Revenues
        "2024": 1000,  # first tag
        "2024Q1": 200,  # first tag
        "2024Q2": 420 - 195,  # Revenues 6M - Revenues 3M
        "2024Q3": 650 - 420,  # Revenues 9M - Revenues 6M
        "2024Q4": 990 - 650,  # Revenues FY - Revenues 9M, not 1000 - 650
    }
    source = sources(folder, "financials.csv", "TINY")
    assert source["2022"] == (
        "SEC 10-K accn K22 FY to 2022-12-31; revenue: SalesRevenueNet 10-K accn K22 FY to 2022-12-31"
    )
    assert source["2024"].endswith("; revenue: 10-K accn K24 FY to 2024-12-31")
    assert source["2024Q3"].endswith(
        "; revenue: Revenues 10-Q accn R9 (9M to 2024-09-30) minus 10-Q accn R6 (6M to 2024-06-30)"
    )
    # quarters from two tags need not add up to the year: the report says so, naming the column
    assert report.notes == [
        "financials.csv revenue fiscal 2024: the quarters add up to 995 USD but the year is 1000 USD"
    ]


def share_facts() -> list[dict]:
    """Weighted-average diluted shares of a December-year-end company, unit `shares`: years
    from 10-Ks, 3-month quarters and year-to-date averages from 10-Qs, no 3-month Q2 or Q4."""
    return [
        fact("2023-01-01", "2023-12-31", 1_050_000_000, "K23", "2024-02-01", form="10-K"),
        fact("2023-01-01", "2023-12-31", 1_051_000_000, "K24", "2025-02-01", form="10-K"),
        fact("2024-01-01", "2024-03-31", 1_010_123_456, "S1", "2024-05-01"),
        fact("2024-01-01", "2024-06-30", 1_015_000_000, "S2", "2024-08-01"),  # 6M average
        fact("2024-07-01", "2024-09-30", 1_030_500_000, "S3", "2024-11-01"),
        fact("2024-01-01", "2024-09-30", 1_020_000_000, "S3", "2024-11-01"),  # 9M average
        fact("2024-01-01", "2024-12-31", 1_025_250_000, "K24", "2025-02-01", form="10-K"),
    ]


@pytest.mark.parametrize("unit", ["USD", "USD bn"])
def test_diluted_shares_are_millions_as_reported_never_a_difference(tmp_path, unit):
    net_income = [
        *tiny_year("A", "2025-02-01"),
        fact("2023-01-01", "2023-12-31", 80, "K23", "2024-02-01", form="10-K"),
    ]
    path = write_facts(tmp_path / "f.json", net_income, net_income, shares={SHARES: share_facts()})
    folder = write_inputs(tmp_path / "in", unit)
    report = ingest_sec(path, "TINY", folder)
    by_period = {r["period"]: r for r in rows(folder, "financials.csv", "TINY")}
    # millions of shares, whatever the amount unit; the 2023 restatement in the later 10-K wins
    million = Decimal(10**6)
    assert values(folder, "financials.csv", "TINY", "diluted_shares") == {
        "2023": Decimal(1_051_000_000) / million,
        "2024": Decimal(1_025_250_000) / million,
        "2024Q1": Decimal(1_010_123_456) / million,
        "2024Q3": Decimal(1_030_500_000) / million,
    }
    assert by_period["2024Q1"]["diluted_shares"] == "1010.123456"
    assert by_period["2024"]["diluted_shares"] == "1025.25"
    # no 3-month Q2 or Q4: those cells stay empty, though year-to-date averages would give
    # 6M - 3M or FY - 9M; the rows are there for net income
    assert by_period["2024Q2"]["diluted_shares"] == by_period["2024Q4"]["diluted_shares"] == ""
    assert by_period["2024Q4"]["net_income"] != ""
    assert "diluted_shares" not in by_period["2024Q4"]["source"]
    assert by_period["2024Q1"]["source"].endswith("; diluted_shares: 10-Q accn S1 3M to 2024-03-31")
    assert by_period["2023"]["source"] == (
        "SEC 10-K accn K23 FY to 2023-12-31; diluted_shares: 10-K accn K24 FY to 2023-12-31"
    )
    # an average's quarters are not expected to add up to its year: no note
    assert report.notes == []
    assert not any("diluted_shares" in line for line in report.missing)


def test_a_share_count_in_usd_is_refused(tmp_path):
    year = tiny_year("A", "2025-02-01")
    doc = {
        "cik": 1,
        "facts": {
            "us-gaap": {
                CAPEX: {"units": {"USD": year}},
                NET_INCOME: {"units": {"USD": year}},
                SHARES: {"units": {"USD": year}},
            }
        },
    }
    message, _, _ = _error_case(tmp_path, doc)
    assert f"us-gaap {SHARES} has units USD, not shares" in message


def test_a_folder_with_ingested_revenue_and_shares_builds(tmp_path):
    """The real commands: init, ingest Snowflake (revenue, no shares) and a small file with
    shares, then build; the model's reader gets the figures the CSV holds."""
    folder = tmp_path / "model"
    assert run_modelgen("init", str(folder)).returncode == 0
    for name in ("capex.csv", "financials.csv", "companies.csv"):
        (folder / name).unlink()
    (folder / "guidance.csv").write_text("ticker,period,capex_low,capex_high,source\n")
    net_income = [
        *tiny_year("A", "2025-02-01"),
        fact("2023-01-01", "2023-12-31", 80, "K23", "2024-02-01", form="10-K"),
    ]
    tiny = write_facts(
        tmp_path / "tiny.json",
        net_income,
        net_income,
        {"Revenues": net_income},
        {SHARES: share_facts()},
    )
    for path, ticker in ((SNOWFLAKE, "SNOW"), (tiny, "TINY")):
        proc = run_modelgen("ingest-sec", str(path), "--ticker", ticker, "--inputs", str(folder))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run_modelgen("build", "--inputs", str(folder), "--out", str(tmp_path / "m.xlsx"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "m.xlsx").stat().st_size > 0
    inputs = load_inputs(folder)
    assert inputs.revenue["SNOW"][Period(2024)].value == pytest.approx(2.806489)
    assert inputs.revenue["TINY"][Period(2024)].value == pytest.approx(100 / 10**9)
    assert inputs.diluted_shares["TINY"][Period(2024)].value == pytest.approx(1025.25)
    assert "SNOW" not in inputs.diluted_shares


# ---------------------------------------------------------------- errors leave the CSVs alone


def _error_case(tmp_path: Path, content: str | dict) -> tuple[str, dict, Path]:
    folder = write_inputs(tmp_path / "inputs", crlf_bom=True)
    before = snapshot(folder)
    path = tmp_path / "facts.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(SecError) as caught:
        ingest_sec(path, "SNOW", folder)
    assert snapshot(folder) == before
    return str(caught.value), before, path


def test_an_ifrs_filer_is_refused(tmp_path):
    doc = {"cik": 1, "entityName": "SAP", "facts": {"dei": {}, "ifrs-full": {"ProfitLoss": {}}}}
    message, _, path = _error_case(tmp_path, doc)
    assert str(path) in message and "ifrs-full" in message and "US-GAAP" in message


def test_a_missing_tag_is_named_with_what_the_file_has(tmp_path):
    doc = {
        "cik": 1,
        "facts": {
            "us-gaap": {
                "PaymentsToAcquireProductiveAssets": {"units": {"USD": []}},
                NET_INCOME: {"units": {"USD": tiny_year("A", "2025-02-01")}},
            }
        },
    }
    message, _, _ = _error_case(tmp_path, doc)
    assert CAPEX in message and "PaymentsToAcquireProductiveAssets" in message


def test_a_file_without_any_capex_tag_names_the_tags_and_what_it_has(tmp_path):
    doc = {
        "cik": 1,
        "facts": {
            "us-gaap": {
                "PaymentsToAcquireBusinessesNetOfCashAcquired": {"units": {"USD": []}},
                NET_INCOME: {"units": {"USD": tiny_year("A", "2025-02-01")}},
            }
        },
    }
    message, _, _ = _error_case(tmp_path, doc)
    assert f"no us-gaap {CAPEX}, {PRODUCTIVE} or PaymentsToAcquireOther" in message
    assert "these look related: PaymentsToAcquireBusinessesNetOfCashAcquired" in message


def test_a_file_that_is_not_json_is_refused(tmp_path):
    message, _, path = _error_case(tmp_path, "<html>Request Rate Threshold Exceeded</html>")
    assert "not JSON" in message and str(path) in message


@pytest.mark.parametrize("doc", [{"facts": {}}, {"cik": 1}, [1, 2], {"cik": 1, "facts": []}])
def test_json_that_is_not_company_facts_is_refused(tmp_path, doc):
    message, _, _ = _error_case(tmp_path, doc)
    assert "not SEC company facts" in message


def test_an_unknown_unit_is_refused_before_anything_is_written(tmp_path):
    folder = write_inputs(tmp_path / "in", "EUR m")
    before = snapshot(folder)
    path = write_facts(tmp_path / "f.json", tiny_year("A", "x"), tiny_year("A", "x"))
    with pytest.raises(SecError, match="unit 'EUR m' is not known"):
        ingest_sec(path, "TINY", folder)
    assert snapshot(folder) == before


def test_a_missing_inputs_folder_is_an_error(tmp_path):
    path = write_facts(tmp_path / "f.json", tiny_year("A", "x"), tiny_year("A", "x"))
    with pytest.raises(SecError, match="does not exist"):
        ingest_sec(path, "TINY", tmp_path / "nope")
    assert not (tmp_path / "nope").exists()


def test_a_missing_facts_file_is_an_error(tmp_path):
    with pytest.raises(SecError, match="cannot read"):
        ingest_sec(tmp_path / "absent.json", "TINY", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ticker", ["", "SN OW", "A,B", "=CMD()"])
def test_an_unusable_ticker_is_refused(tmp_path, ticker):
    with pytest.raises(SecError, match="is not usable"):
        ingest_sec(tmp_path / "f.json", ticker, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_duplicate_rows_for_the_ticker_are_refused(tmp_path):
    folder = write_inputs(tmp_path / "in", "USD")
    (folder / "capex.csv").write_text("ticker,period,capex,source\nTINY,2024,1,a\nTINY,2024,2,b\n")
    before = snapshot(folder)
    path = write_facts(tmp_path / "f.json", tiny_year("A", "x"), tiny_year("A", "x"))
    with pytest.raises(SecError, match="two rows for TINY 2024"):
        ingest_sec(path, "TINY", folder)
    assert snapshot(folder) == before


# ---------------------------------------------------------------- properties


def month_end(index: int) -> date:
    """Last day of the month with index `year * 12 + month - 1`."""
    year, month = index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


@given(
    st.lists(st.integers(-(10**12), 10**12), min_size=4, max_size=4),
    st.integers(1, 12),
    st.integers(-(10**6), 10**6),
)
def test_year_to_date_differences_give_back_the_quarters(quarters, fye_month, stale):
    """3/6/9/12-month facts built from four quarters give them back exactly, whatever the
    year end, and an older filing of each span with another value is ignored."""
    opening = 2020 * 12 + fye_month - 1  # month index of the previous year end
    start = month_end(opening) + timedelta(days=1)
    facts = []
    for n in (1, 2, 3, 4):
        end = month_end(opening + 3 * n)
        ytd = Decimal(sum(quarters[:n]))
        facts.append(Fact(start, end, ytd, f"new{n}", "10-K" if n == 4 else "10-Q", "2022-06-01"))
        facts.append(Fact(start, end, ytd + stale + 1, f"old{n}", "10-Q", "2021-06-01"))
    got, notes = derive_periods(facts, fye_month)
    by_period = {v.period: v.usd for v in got}
    year = 2021  # the year starting after the 2020 year end ends in calendar 2021
    assert [by_period[f"{year}Q{q}"] for q in (1, 2, 3, 4)] == quarters
    assert by_period[str(year)] == sum(quarters) and notes == []


@given(st.integers(-(10**15), 10**15), st.sampled_from([1, 10**3, 10**6, 10**9]))
def test_formatted_amounts_round_trip_without_float_noise(usd, divisor):
    text = _format(Decimal(usd) / divisor)
    assert Decimal(text) * divisor == usd
    assert "e" not in text.lower() and text != "-0"
