"""An option that names something (a ticker, a scenario) refuses a name that is not there,
naming the nearest ones: exit 2, one line, nothing written. (diff's `--key` and `--sheet`:
tests/integration/test_diff.py; verify and preview take no names, and `--engine` is a fixed choice.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from modelgen.build import build
from modelgen.sec.ingest import ingest_sec, ticker_in_folder
from tests.cli import run_modelgen
from tests.integration.test_quarter_end import snow_folder
from tests.integration.test_sec import SNOWFLAKE


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture(scope="module")
def snow(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A quarterly Snowflake folder whose companies.csv names it "Snowflake" (as an analyst
    types it; the filing says "SNOWFLAKE INC."), and the workbook built from it."""
    tmp = tmp_path_factory.mktemp("snow")
    folder = snow_folder(tmp / "inputs")
    ingest_sec(SNOWFLAKE, "SNOW", folder)
    companies = folder / "companies.csv"
    companies.write_text(companies.read_text().replace("SNOWFLAKE INC.", "Snowflake"))
    return folder, build(folder, tmp / "build" / "snow.xlsx").out


@pytest.fixture
def copy(snow: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the folder and the workbook that a test may change."""
    folder, book = snow
    (tmp_path / "build").mkdir()
    shutil.copytree(folder, tmp_path / "inputs")
    return tmp_path / "inputs", Path(shutil.copy2(book, tmp_path / "build" / book.name))


def test_update_refuses_a_ticker_not_in_the_folder(copy: tuple[Path, Path]) -> None:
    folder, book = copy
    before, old = snapshot(folder), book.read_bytes()
    run = run_modelgen("update", "--inputs", folder, "--sec", SNOWFLAKE, "--ticker", "SNWO",
                       "--workbook", book, timeout=120)  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    line = one_line(run.stderr)
    assert line.startswith(f'modelgen: no company "SNWO" in {folder / "companies.csv"}'), line
    assert (
        "did you mean SNOW? The companies are SNOW; to add a company, run modelgen ingest-sec"
        in line
    ), line
    assert snapshot(folder) == before and book.read_bytes() == old
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]  # no old copy kept


@pytest.mark.parametrize("ticker", ["SNWO", "MSFT"])
def test_ingest_refuses_a_new_ticker_for_a_company_already_there(
    copy: tuple[Path, Path], ticker: str
) -> None:
    """Snowflake's filing under a misspelt (or another company's) ticker would add Snowflake
    a second time; the folder has it as SNOW ("Snowflake", the filing's "SNOWFLAKE INC.")."""
    folder, _ = copy
    before = snapshot(folder)
    run = run_modelgen("ingest-sec", SNOWFLAKE, "--ticker", ticker, "--inputs", folder)
    assert run.returncode == 2, run.stdout + run.stderr
    line = one_line(run.stderr)
    assert f"{ticker} is not in {folder / 'companies.csv'}" in line, line
    assert "SNOWFLAKE INC.'s filing, which is SNOW there" in line, line
    assert "pass --ticker SNOW" in line and "--name" in line, line
    assert snapshot(folder) == before


def test_ingest_adds_a_new_company_under_its_own_name(copy: tuple[Path, Path]) -> None:
    """--name says it is another company: a second listing under a ticker of its own."""
    folder, _ = copy
    run = run_modelgen("ingest-sec", SNOWFLAKE, "--ticker", "SNOW2", "--name", "Snowflake, second listing", "--inputs", folder)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert 'SNOW2,"Snowflake, second listing"' in (folder / "companies.csv").read_text()


def test_the_filings_company_is_found_under_the_name_an_analyst_typed(snow) -> None:
    """update without --ticker: "SNOWFLAKE INC." is the folder's "Snowflake"."""
    folder, _ = snow
    assert ticker_in_folder(SNOWFLAKE, folder) == "SNOW"


def test_backtest_refuses_an_unknown_scenario_naming_the_nearest(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "inputs"
    run = run_modelgen("backtest", "--through", "2023", "--inputs", shipped, "--scenario", "base")
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith(
        '--scenario: unknown scenario "base"; did you mean Base? Or use one of Base, '
    ), run.stderr


def test_a_filing_for_another_companys_ticker_is_refused(tmp_path: Path) -> None:
    """Snowflake's figures in Microsoft's rows: the folder names MSFT "Microsoft"."""
    folder = Path(shutil.copytree(Path(__file__).resolve().parents[2] / "inputs", tmp_path / "in"))
    before = snapshot(folder)
    run = run_modelgen("ingest-sec", SNOWFLAKE, "--ticker", "MSFT", "--inputs", folder)
    assert run.returncode == 2, run.stdout + run.stderr
    line = one_line(run.stderr)
    assert f"SNOWFLAKE INC.'s filing, and MSFT is Microsoft in {folder / 'companies.csv'}" in line
    assert "pass SNOWFLAKE INC.'s own ticker" in line, line
    assert snapshot(folder) == before
