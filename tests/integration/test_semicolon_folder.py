"""Every command on a folder saved by a European Excel (semicolons, decimal commas, thousands
separators, a BOM, CRLF) does what it does on the same folder with commas: build, validate,
ingest-sec, update (IronCalc, no LibreOffice) and init-then-edit. ingest-sec writes into such
a folder in its convention, new files included, so that the folder never mixes two."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import modelgen
from tests.cli import run_modelgen
from tests.integration.test_inputs import save_as_european_excel
from tests.integration.test_quarter_end import last_quarters_facts, snow_folder
from tests.integration.test_sec import SNOWFLAKE

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"


def run(*args: str | Path) -> str:
    done = run_modelgen(*args)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def same_workbooks(want: Path, got: Path) -> int:
    """Assert every sheet with periods holds the same values in both; the sheets compared."""
    a, b = modelgen.read_workbook(want), modelgen.read_workbook(got)
    compared = 0
    for sheet in ("Inputs", "Capex", "Growth", "Depreciation", "Profit Impact", "Checks"):
        pd.testing.assert_frame_equal(b.frame(sheet), a.frame(sheet), check_exact=True)
        compared += 1
    return compared


def european_text(folder: Path) -> dict[str, str]:
    """Each CSV file's text, after checking it is saved as a European Excel saves it."""
    out = {}
    for path in sorted(folder.glob("*.csv")):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        text = data.decode("utf-8-sig")
        assert text.count("\r\n") == text.count("\n"), f"{path.name}: not CRLF throughout"
        assert ";" in text.splitlines()[0] and "," not in text.splitlines()[0], path.name
        assert not re.search(r"[0-9]\.[0-9]", text), f"{path.name}: a decimal point"
        out[path.name] = text
    return out


def test_build_and_validate_read_a_european_folder_as_the_comma_one(tmp_path: Path) -> None:
    eu = tmp_path / "eu"
    save_as_european_excel(SHIPPED, eu)
    assert run("validate", "--inputs", eu) == run("validate", "--inputs", SHIPPED).replace(
        str(SHIPPED), str(eu)
    )
    run("build", "--inputs", SHIPPED, "--out", tmp_path / "comma.xlsx", "--quiet")
    run("build", "--inputs", eu, "--out", tmp_path / "eu.xlsx", "--quiet")
    assert same_workbooks(tmp_path / "comma.xlsx", tmp_path / "eu.xlsx") == 6


@pytest.fixture(scope="module")
def snow(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Snowflake's quarterly folder with commas and saved by a European Excel, each given
    last quarter's filing by ingest-sec (which writes capex, financials and companies new)
    and built; then updated with the latest filing."""
    tmp = tmp_path_factory.mktemp("snow")
    old = last_quarters_facts(tmp / "old-facts.json")
    comma = snow_folder(tmp / "comma")
    eu = tmp / "eu"
    save_as_european_excel(comma, eu)
    out = {"comma": comma, "eu": eu}
    for name, folder in list(out.items()):
        run("ingest-sec", old, "--ticker", "SNOW", "--inputs", folder)
        out[f"{name}-ingested"] = tmp / f"{name}-ingested"
        shutil.copytree(folder, out[f"{name}-ingested"])
        book = tmp / f"{name}-book" / "book.xlsx"
        run("build", "--inputs", folder, "--out", book, "--quiet")
        shutil.copyfile(book, tmp / f"{name}-built.xlsx")
        run("update", "--sec", SNOWFLAKE, "--inputs", folder, "--workbook", book,
            "--engine", "ironcalc")  # fmt: skip
        out[f"{name}-book"] = book
    return out


def test_ingest_sec_writes_a_european_folder_in_its_convention(snow: dict[str, Path]) -> None:
    comma, eu = snow["comma-ingested"], snow["eu-ingested"]
    texts = european_text(eu)
    assert {"capex.csv", "financials.csv", "companies.csv"} <= set(texts)
    assert texts["capex.csv"].startswith("ticker;period;capex;source\r\n")
    # the same figures, the decimal point turned into a comma (written out by hand: FY2025)
    assert "SNOW;2025;46,279;" in texts["capex.csv"]
    assert "SNOW,2025,46.279," in (comma / "capex.csv").read_text()
    want = modelgen.build_model(modelgen.read_inputs(comma))
    got = modelgen.build_model(modelgen.read_inputs(eu))
    for sheet in ("Inputs", "Capex", "Profit Impact"):
        pd.testing.assert_frame_equal(got.frame(sheet), want.frame(sheet), check_exact=True)


def test_validate_and_build_after_ingest_agree(snow: dict[str, Path], tmp_path: Path) -> None:
    run("validate", "--inputs", snow["eu-ingested"])
    parent = snow["comma"].parent
    assert same_workbooks(parent / "comma-built.xlsx", parent / "eu-built.xlsx") == 6


def test_update_keeps_the_convention_and_gives_the_same_workbook(snow: dict[str, Path]) -> None:
    texts = european_text(snow["eu"])
    assert texts["capex.csv"] != european_text(snow["eu-ingested"])["capex.csv"]  # updated
    assert same_workbooks(snow["comma-book"], snow["eu-book"]) == 6
    run("validate", "--inputs", snow["eu"])


def test_init_then_edit_in_a_european_excel_builds_as_the_comma_edit(tmp_path: Path) -> None:
    run("init", tmp_path / "comma")
    save_as_european_excel(tmp_path / "comma", tmp_path / "eu")
    for name, old, new in (("comma", "EXMPL,2024,16.0,", "EXMPL,2024,17.5,"),
                           ("eu", "EXMPL;2024;16,0;", "EXMPL;2024;17,5;")):  # fmt: skip
        capex = tmp_path / name / "capex.csv"
        data = capex.read_bytes().decode("utf-8-sig")
        assert old in data
        capex.write_bytes(capex.read_bytes().replace(old.encode(), new.encode()))
        run("validate", "--inputs", tmp_path / name)
        run("build", "--inputs", tmp_path / name, "--out", tmp_path / f"{name}.xlsx", "--quiet")
    european_text(tmp_path / "eu")
    assert same_workbooks(tmp_path / "comma.xlsx", tmp_path / "eu.xlsx") == 6
    book = modelgen.read_workbook(tmp_path / "eu.xlsx")
    assert book.value("Capex", "capex:EXMPL", "2024") == 17.5
