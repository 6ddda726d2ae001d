"""readback reads contract sheets by row key and period, from files written by xlsxwriter."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelgen.xlsx.open_safely import open_workbook
from modelgen.xlsx.read_by_key import ReadbackError, locate, read_keyed, values_frame
from tests.engine import engine, recalc_keyed

YEARS = ["2024", "2025", "2026"]


def write_contract(path: Path) -> Path:
    """Cover, Inputs (numbers), Calc (formulas), Notes (no period row: not a contract sheet)."""
    wb = xlsxwriter.Workbook(str(path))
    cover = wb.add_worksheet("Cover")
    cover.write_row("A1", ["period", "Capex model", "", "", "not", "read"])

    inputs = wb.add_worksheet("Inputs")
    inputs.write_row("A1", ["", "Inputs"])  # a title row: empty key
    inputs.write_row("A2", ["period", "Period", "", "", *YEARS])
    inputs.write_row("A3", ["capex:MSFT", "Microsoft capex", "USD bn", None, 44.5, 55.7])
    inputs.write_row("A4", ["useful_life:META:servers", "Meta servers life", "years", 5.5])
    inputs.write_row("A6", ["share:MSFT:servers", "Servers share", "%", 0.6])

    calc = wb.add_worksheet("Calc")
    calc.write_row("A1", ["period", "Period", "", "", *YEARS])
    calc.write_row("A2", ["depreciation:MSFT", "Depreciation", "USD bn"])
    for col, letter in enumerate("EFG", start=4):
        calc.write_formula(2 - 1, col, f"=Inputs!{letter}3/Inputs!$D$4", None, None)
    calc.write_formula("E2", "=Inputs!E3/Inputs!$D$4", None, 44.5 / 5.5)
    calc.write_formula("F2", "=Inputs!F3/Inputs!$D$4", None, 55.7 / 5.5)
    calc.write_formula("G2", "=Inputs!G3/Inputs!$D$4", None, 0)
    calc.write("A3", "check_total")
    calc.write_formula("D3", "=SUM(E2:G2)", None, (44.5 + 55.7) / 5.5)

    notes = wb.add_worksheet("Notes")
    notes.write_column("A1", ["same", "same"])  # duplicate "keys" outside a contract sheet
    wb.close()
    return path


@pytest.fixture
def contract(tmp_path: Path) -> Path:
    return write_contract(tmp_path / "contract.xlsx")


def test_reads_contract_sheets_only(contract: Path) -> None:
    sheets = read_keyed(contract)
    assert list(sheets) == ["Inputs", "Calc"]
    assert sheets["Inputs"].periods == YEARS
    assert list(sheets["Inputs"].rows) == [
        "period",
        "capex:MSFT",
        "useful_life:META:servers",
        "share:MSFT:servers",
    ]


def test_row_fields(contract: Path) -> None:
    inputs = read_keyed(contract)["Inputs"]
    capex = inputs.rows["capex:MSFT"]
    assert (capex.sheet, capex.row, capex.label, capex.unit) == (
        "Inputs",
        3,
        "Microsoft capex",
        "USD bn",
    )
    assert capex.constant is None
    assert capex.values == {"2024": 44.5, "2025": 55.7, "2026": None}
    assert capex.cells == {"D": "D3", "2024": "E3", "2025": "F3", "2026": "G3"}
    life = inputs.rows["useful_life:META:servers"]
    assert life.constant == 5.5
    assert life.values == {"2024": None, "2025": None, "2026": None}
    assert inputs.rows["share:MSFT:servers"].row == 6


def test_cached_values_and_formula_text(contract: Path) -> None:
    values = read_keyed(contract)["Calc"].rows
    assert values["depreciation:MSFT"].values["2025"] == pytest.approx(55.7 / 5.5)
    assert values["check_total"].constant == pytest.approx(100.2 / 5.5)
    formulas = read_keyed(contract, data_only=False)["Calc"].rows
    assert formulas["depreciation:MSFT"].values["2025"] == "=Inputs!F3/Inputs!$D$4"
    assert formulas["check_total"].constant == "=SUM(E2:G2)"


def test_accepts_an_open_workbook(contract: Path) -> None:
    wb = open_workbook(contract, data_only=False)
    assert read_keyed(wb)["Calc"].rows["check_total"].constant == "=SUM(E2:G2)"


def test_locate(contract: Path) -> None:
    sheets = read_keyed(contract)
    assert locate(sheets, "Calc", "F2") == ("depreciation:MSFT", "2025")
    assert locate(sheets, "Calc", "$G$2") == ("depreciation:MSFT", "2026")
    assert locate(sheets, "Calc", "D3") == ("check_total", "D")
    assert locate(sheets, "Inputs", "B3") == ("capex:MSFT", None)
    assert locate(sheets, "Inputs", "E1") == (None, "2024")  # the title row has no key
    assert locate(sheets, "Calc", "Z2") == ("depreciation:MSFT", None)
    assert locate(sheets, "Cover", "A1") == (None, None)


def test_values_frame(contract: Path) -> None:
    frame = values_frame(contract)
    assert list(frame.columns) == ["sheet", "key", "period", "value"]
    assert "period" not in set(frame["key"])
    life = frame[(frame.key == "useful_life:META:servers") & (frame.period == "D")]
    assert life["value"].tolist() == [5.5]
    calc = frame[(frame.sheet == "Calc") & (frame.key == "depreciation:MSFT")]
    assert calc["period"].tolist() == YEARS
    assert calc["value"].tolist()[:2] == pytest.approx([44.5 / 5.5, 55.7 / 5.5])
    no_constants = values_frame(contract, include_constants=False)
    assert "D" not in set(no_constants["period"])


def test_numeric_and_quarter_period_labels(tmp_path: Path) -> None:
    path = tmp_path / "q.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Quarters")
    ws.write_row("A1", ["period", "", "", "", "2025Q1", "2025Q2", None, "2026Q1"])
    ws.write_row("A2", ["capex:AMZN", "", "", "", 1, 2, 3, 4])
    years = wb.add_worksheet("Years")
    years.write_row("A1", ["period", "", "", "", 2024, 2025])  # typed as numbers by mistake
    wb.close()
    sheets = read_keyed(path)
    assert sheets["Quarters"].periods == ["2025Q1", "2025Q2"]  # periods stop at a gap
    assert sheets["Quarters"].rows["capex:AMZN"].values == {"2025Q1": 1, "2025Q2": 2}
    assert sheets["Years"].periods == ["2024", "2025"]


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (
            [["period", "", "", "", "2024"], ["capex:MSFT"], ["capex:MSFT"]],
            ["'capex:MSFT'", "2", "3"],
        ),
        ([["period", "", "", "", "2024", "2024"]], ["period '2024' appears twice"]),
    ],
)
def test_contract_breaches_are_named(tmp_path: Path, rows: list, words: list[str]) -> None:
    path = tmp_path / "dup.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Capex")
    for number, row in enumerate(rows):
        ws.write_row(number, 0, row)
    wb.close()
    with pytest.raises(ReadbackError) as exc:
        read_keyed(path)
    assert "'Capex'" in str(exc.value)
    for word in words:
        assert word in str(exc.value)


keys = st.from_regex(r"[a-z_]{1,12}(:[A-Z]{1,5}){0,2}", fullmatch=True).filter(
    lambda k: k != "period"
)
numbers = st.floats(min_value=-1e15, max_value=1e15)  # Excel shows 15 digits; not near inf


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_periods=st.integers(min_value=1, max_value=12),
    table=st.dictionaries(
        keys, st.lists(st.none() | numbers, min_size=13, max_size=13), max_size=8
    ),
)
def test_round_trip_any_table(n_periods: int, table: dict[str, list]) -> None:
    """Whatever keyed numbers are written by the contract come back under the same key."""
    periods = [f"{2020 + i}" for i in range(n_periods)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "r.xlsx")
        wb = xlsxwriter.Workbook(str(path))
        ws = wb.add_worksheet("Calc")
        ws.write_row(0, 0, ["period", "Period", "", "", *periods])
        for r, (key, values) in enumerate(table.items(), start=1):
            ws.write_row(r, 0, [key, f"label {r}", "USD bn"])
            for c, value in enumerate(values[: n_periods + 1]):
                if value is not None:
                    ws.write_number(r, 3 + c, value)
        wb.close()
        sheet = read_keyed(path)["Calc"]
    assert sheet.periods == periods
    assert list(sheet.rows) == ["period", *table]
    for key, values in table.items():
        row = sheet.rows[key]
        # xlsxwriter writes 16 significant digits ("%.16g"), not the 17 a float may need
        got = [row.constant, *(row.values[p] for p in periods)]
        for want, have in zip(values[: n_periods + 1], got, strict=True):
            if want is None:  # an empty cell reads back as None
                assert have is None
            else:
                assert have == pytest.approx(want, rel=1e-15)


@engine
def test_recalculated_values_read_by_key(contract: Path, tmp_path: Path) -> None:
    """LibreOffice recomputes Calc (G2 was cached 0); readback finds it by key and period."""
    sheets = recalc_keyed(contract, tmp_path)
    depreciation = sheets["Calc"].rows["depreciation:MSFT"].values
    assert depreciation["2024"] == pytest.approx(44.5 / 5.5, rel=1e-12)
    assert depreciation["2026"] == 0  # an empty input counts as 0
    assert sheets["Calc"].rows["check_total"].constant == pytest.approx(100.2 / 5.5, rel=1e-12)
