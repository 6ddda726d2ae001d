"""The input files' declaration (`inputs/schema.py`), the one writer (`csvwrite.Dialect`) and
reading rows without a file (`source.Frames`): pure functions, no workbook, no engine."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from modelgen.inputs.csvread import Problems, rows_table
from modelgen.inputs.csvwrite import PLAIN, Dialect
from modelgen.inputs.numbers import parse
from modelgen.inputs.schema import CAPEX, FILES, FINANCIALS, SETTINGS, spec_of
from modelgen.inputs.source import Frames, cell
from modelgen.inputs.starter import STARTER
from modelgen.sec.periods import PeriodValue, period_sort_key, sum_notes
from modelgen.sec.series import SERIES

EUROPEAN = Dialect(";", ",", bom=True, newline="\r\n")


def test_every_file_is_declared_once_with_distinct_columns() -> None:
    names = [spec.name for spec in FILES]
    assert len(names) == len(set(names)) == 9
    for spec in FILES:
        assert len(spec.columns) == len(set(spec.columns)), spec.name
        assert set(spec.numbers) <= set(spec.columns), spec.name
        assert spec_of(spec.name) is spec


def test_the_columns_ingest_sec_fills_are_the_files_columns() -> None:
    for series in SERIES:
        assert series.column in spec_of(series.file).columns, series


def test_the_starter_files_use_only_declared_columns_and_read_back() -> None:
    for spec in FILES:
        header, *rows = csv.reader(io.StringIO(STARTER[spec.name]))
        assert set(spec.required) <= set(header) <= set(spec.columns), spec.name
        table = rows_table(spec.name, enumerate([header, *rows], 1), spec, probs := Problems())
        assert table is not None and not probs.items and not probs.warnings, spec.name
        assert len(table.records) == len(rows)


@pytest.mark.parametrize(
    ("value", "plain", "european"),
    [
        ("46279000", "46279000", "46279000"),
        ("0.046279", "0.046279", "0,046279"),
        ("-1285.640", "-1285.64", "-1285,64"),
        ("1E+3", "1000", "1000"),
        ("-0", "0", "0"),
        ("0.000001", "0.000001", "0,000001"),
    ],
)
def test_numbers_are_written_exactly_in_the_files_decimal_mark(value, plain, european) -> None:
    assert PLAIN.number(Decimal(value)) == plain
    assert EUROPEAN.number(Decimal(value)) == european


@pytest.mark.parametrize("value", ["46.279", "0.046279", "-1285.64", "1234.5", "18.074"])
def test_a_number_written_in_a_dialect_reads_back_as_itself(value: str) -> None:
    header = [*CAPEX.required, "source"]
    for dialect in (PLAIN, EUROPEAN):
        text = dialect.render([header, ["A", "2024", dialect.number(Decimal(value)), "x"]])
        if dialect.bom:
            assert text.startswith(b"\xef\xbb\xbf")
        decoded = text.decode("utf-8-sig")
        assert decoded.endswith(dialect.newline)
        rows = list(csv.reader(io.StringIO(decoded, newline=""), delimiter=dialect.separator))
        table = rows_table("capex.csv", enumerate(rows, 1), CAPEX, Problems(), dialect.separator)
        assert table is not None
        (rec,) = table.records
        assert parse(rec["capex"], rec.convention, percent=False) == float(value)


def test_a_cell_with_the_separator_is_quoted() -> None:
    assert EUROPEAN.render([["a;b", "c"]]) == b'\xef\xbb\xbf"a;b";c\r\n'
    assert PLAIN.render([["a,b", "c"]]) == b'"a,b",c\n'


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (float("nan"), ""), (12.0, "12"), (12.5, "12.5"), (3, "3"), ("x", "x")],
)
def test_a_frames_cell_is_text_without_a_float_tail(value: object, text: str) -> None:
    assert cell(value) == text


def test_frames_name_the_file_and_line_of_a_bad_row() -> None:
    source = Frames({"capex.csv": [["ticker", "period", "capex"], ["A", "2024", "1"], ["B"]]})
    probs = Problems()
    assert source.read(CAPEX, probs) is not None
    (problem,) = probs.items
    assert (problem.file, problem.line, problem.column) == ("capex.csv", 3, "period")


def test_a_frame_not_given_is_a_file_without_rows_and_hashes_nothing() -> None:
    source = Frames({})
    probs = Problems()
    assert source.read(FINANCIALS, probs) == [] and source.read(SETTINGS, probs) == []
    assert not probs.items
    assert source.read(CAPEX, probs) is None  # capex needs a row
    assert [p.message for p in probs.items] == ["has a header but no rows"]
    assert source.hashes() == {} and not source.has(FINANCIALS)


@pytest.mark.parametrize(
    ("periods", "order"),
    [
        (["2025", "2024Q4", "2024", "2024Q1"], ["2024", "2024Q1", "2024Q4", "2025"]),
        (["x", "2024q2", "2023"], ["2023", "2024q2", "x"]),
    ],
)
def test_periods_sort_years_before_their_quarters(periods, order) -> None:
    assert sorted(periods, key=period_sort_key) == order


def test_quarters_that_do_not_add_up_to_their_year_are_noted() -> None:
    values = [PeriodValue("2024", Decimal(10), "")]
    values += [PeriodValue(f"2024Q{q}", Decimal(q), "") for q in (1, 2, 3, 4)]  # 1+2+3+4
    assert sum_notes(values) == []
    values[0] = PeriodValue("2024", Decimal(11), "")
    assert sum_notes(values) == [
        "fiscal 2024: the quarters add up to 10 USD but the year is 11 USD"
    ]
