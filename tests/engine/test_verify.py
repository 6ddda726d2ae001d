"""verify: LibreOffice really recalculates, and compare reports exactly what disagrees.

The engine tests build small workbooks with xlsxwriter (formulas with chosen cached values),
recalculate them all in one LibreOffice run and read the real output.
"""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest
import xlsxwriter

from modelgen.engine import libreoffice
from modelgen.engine import verify as verify_mod
from modelgen.engine.libreoffice import (
    EngineMissingError,
    RecalcError,
    find_soffice,
    recalculate,
    recalculate_many,
)
from modelgen.engine.verify import CellError, Mismatch, compare, verify
from modelgen.xlsx.open_safely import UnsafeWorkbookError
from modelgen.xlsx.read_by_key import read_keyed
from tests.engine import engine, engine_profile, recalc_many, require_soffice, verify_files

YEARS = ["2024", "2025", "2026"]
CAPEX = [44.5, 55.7, 88.0]


def period_row(ws) -> None:
    ws.write_row("A1", ["period", "Period", "", "", *YEARS])


def write_one_plus_one(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Calc").write_formula("A1", "=1+1", None, 99)  # deliberately wrong
    wb.close()
    return path


def write_checks(wb, failures: int) -> None:
    checks = wb.add_worksheet("Checks")
    period_row(checks)
    checks.write_row("A2", ["check:capex_positive", "Capex > 0", "count"])
    checks.write_formula("D2", "=IF(MIN(Calc!E2:G2)>0,0,1)", None, 0)
    checks.write_row("A3", ["check:forced", "Always fails when D3 is 1", "count", failures])
    checks.write_row("A4", ["check_failures", "Failed checks", "count"])
    checks.write_formula("D4", "=SUM(D2:D3)", None, failures)


def write_contract(path: Path) -> Path:
    """Calc + Checks by the contract; G3 has a wrong cached value and D5 divides by zero."""
    wb = xlsxwriter.Workbook(str(path))
    calc = wb.add_worksheet("Calc")
    period_row(calc)
    calc.write_row("A2", ["capex:MSFT", "Microsoft capex", "USD bn", None, *CAPEX])
    calc.write_row("A3", ["capex_yoy:MSFT", "Growth", "%"])
    calc.write_formula("F3", "=F2/E2-1", None, CAPEX[1] / CAPEX[0] - 1)
    calc.write_formula("G3", "=G2/F2-1", None, 0.5)  # wrong: 88/55.7-1 = 0.5799
    calc.write_row("A4", ["capex_x2:MSFT", "Twice", "USD bn"])
    for col, value in zip("EFG", CAPEX, strict=True):
        calc.write_formula(f"{col}4", f"={col}2*2", None, value * 2)
    calc.write_row("A5", ["ratio:MSFT", "Bad ratio", "x"])
    calc.write_formula("D5", "=1/0", None, 0)
    calc.write_row("A6", ["unit:MSFT", "Text", ""])
    calc.write_formula("D6", '="USD"&" bn"', None, "USD bn")
    calc.write_row("A7", ["flag:MSFT", "Flag", ""])
    calc.write_formula("D7", "=E2>0", None, True)
    calc.write_row("A8", ["blank:MSFT", "Blank", ""])
    calc.write_formula("D8", '=""', None, "")
    calc.write_formula("B10", '="Notes"', None, "Notes")  # a formula on an unkeyed row
    write_checks(wb, failures=0)
    wb.close()
    return path


def write_good(path: Path, *, checks: bool = True, failures: int = 0) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    calc = wb.add_worksheet("Profit Impact")  # a sheet name that needs quotes
    period_row(calc)
    calc.write_row("A2", ["capex:MSFT", "Microsoft capex", "USD bn", None, *CAPEX])
    calc.write_row("A3", ["run_rate:MSFT", "Run rate", "USD bn", 5])
    for col, value in zip("EFG", CAPEX, strict=True):
        calc.write_formula(f"{col}3", f"={col}2/$D$3", None, value / 5)
    if checks:
        write_checks(wb, failures)
        wb.get_worksheet_by_name("Checks").write_formula(
            "D2", "=IF(MIN('Profit Impact'!E2:G2)>0,0,1)", None, 0
        )
    wb.close()
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Every engine workbook of this module, recalculated in ONE LibreOffice run."""
    require_soffice()
    src = tmp_path_factory.mktemp("src")
    inputs = {
        "one_plus_one": write_one_plus_one(src / "one_plus_one.xlsx"),
        "contract": write_contract(src / "contract.xlsx"),
        "good": write_good(src / "good.xlsx"),
        "failing": write_good(src / "failing.xlsx", failures=1),
        "no_checks": write_good(src / "no_checks.xlsx", checks=False),
    }
    outputs = recalc_many(list(inputs.values()), tmp_path_factory.mktemp("out"))
    return {name: (inputs[name], out) for name, out in zip(inputs, outputs, strict=True)}


@engine
def test_recalculation_really_happens(batch) -> None:
    original, recalculated = batch["one_plus_one"]
    assert read_cell(original, "A1") == 99  # the lie xlsxwriter was told to write
    assert read_cell(recalculated, "A1") == 2  # what LibreOffice computed


def read_cell(path: Path, cell: str) -> object:
    from modelgen.xlsx.open_safely import open_workbook

    return open_workbook(path, data_only=True)["Calc"][cell].value


@engine
def test_without_the_profile_setting_libreoffice_keeps_cached_values(tmp_path: Path) -> None:
    """Why the profile exists: a plain profile leaves =1+1 at its cached 99."""
    require_soffice()
    src = write_one_plus_one(tmp_path / "one_plus_one.xlsx")
    profile, out = tmp_path / "plain-profile", tmp_path / "out"
    subprocess.run(
        [find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert read_cell(out / "one_plus_one.xlsx", "A1") == 99


@engine
def test_compare_reports_exactly_the_mismatch_and_the_error(batch) -> None:
    original, recalculated = batch["contract"]
    report = compare(original, recalculated)
    growth = 88.0 / 55.7 - 1
    assert report.mismatches == [
        Mismatch("Calc", "G3", "capex_yoy:MSFT", "2026", 0.5, pytest.approx(growth, rel=1e-12)),
        Mismatch("Calc", "D5", "ratio:MSFT", "D", 0, "#DIV/0!"),
    ]
    assert report.errors == [CellError("Calc", "D5", "ratio:MSFT", "D", "#DIV/0!")]
    # F3, G3, E4:G4, D5, D6, D7, D8, B10 on Calc; D2, D4 on Checks
    assert report.formula_cells == 12
    assert report.has_checks and report.check_failures == 0
    assert not report.ok
    text = "\n".join(report.lines())
    assert "FAILED: 12 formula cells" in text
    assert (
        "Calc!G3 (key capex_yoy:MSFT, period 2026): cached 0.5 but LibreOffice computes 0.579"
        in text
    )
    assert "Calc!D5 (key ratio:MSFT, period D): shows #DIV/0!" in text


@engine
def test_recalculated_values_read_back_by_key(batch) -> None:
    _, recalculated = batch["contract"]
    calc = read_keyed(recalculated)["Calc"]
    assert calc.rows["capex_x2:MSFT"].values == pytest.approx(
        dict(zip(YEARS, [89.0, 111.4, 176.0], strict=True))
    )
    assert calc.rows["unit:MSFT"].constant == "USD bn"
    assert calc.rows["flag:MSFT"].constant is True


@engine
def test_good_workbook_is_ok(batch) -> None:
    report = compare(*batch["good"])
    assert report.ok, report.lines()
    assert (report.formula_cells, report.check_failures) == (5, 0)
    assert report.lines()[0].endswith(
        "OK: 5 formula cells recalculated by LibreOffice, 0 mismatches, 0 error values, check_failures = 0"
    )


@engine
def test_failed_checks_fail_the_report(batch) -> None:
    report = compare(*batch["failing"])
    assert not report.mismatches and not report.errors
    assert report.check_failures == 1 and not report.ok
    assert any("check_failures is not 0" in line for line in report.lines())


@engine
def test_no_checks_sheet_is_judged_on_formulas_alone(batch) -> None:
    report = compare(*batch["no_checks"])
    assert (report.has_checks, report.check_failures, report.ok) == (False, None, True)


@engine
def test_verify_end_to_end_and_in_batches(tmp_path: Path) -> None:
    require_soffice()
    good = write_good(tmp_path / "good.xlsx")
    bad = write_contract(tmp_path / "contract.xlsx")
    assert verify(good, profile=engine_profile()).ok
    reports = verify_files([good, bad])
    assert [r.ok for r in reports] == [True, False]
    assert [m.cell for m in reports[1].mismatches] == ["G3", "D5"]


@engine
def test_file_libreoffice_cannot_load_is_a_clear_error(tmp_path: Path) -> None:
    require_soffice()
    path = tmp_path / "src" / "junk.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"\x00\x01 not a workbook")
    with pytest.raises(RecalcError, match=r"no recalculated file for .*junk\.xlsx"):
        recalculate(path, tmp_path / "out", profile=engine_profile())


@engine
def test_timeout_is_a_clear_error(tmp_path: Path) -> None:
    require_soffice()
    src = write_one_plus_one(tmp_path / "one_plus_one.xlsx")
    with pytest.raises(RecalcError, match="did not finish recalculating 1 workbook"):
        recalculate(src, tmp_path / "out", timeout=0.2)


def test_verify_refuses_a_non_workbook_before_starting_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(UnsafeWorkbookError, match="notes.xlsx"):
        verify(path)


def test_engine_missing_says_how_to_install(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    src = write_one_plus_one(tmp_path / "a.xlsx")
    with pytest.raises(EngineMissingError, match="apt-get install -y libreoffice-calc-nogui"):
        recalculate(src, tmp_path / "out")


def test_batch_arguments_are_checked(tmp_path: Path) -> None:
    a = write_one_plus_one(tmp_path / "a.xlsx")
    (tmp_path / "other").mkdir()
    b = write_one_plus_one(tmp_path / "other" / "a.xlsx")
    with pytest.raises(ValueError, match="share a file name"):
        recalculate_many([a, b], tmp_path / "out")
    with pytest.raises(ValueError, match="must differ"):
        recalculate_many([a], tmp_path)
    assert recalculate_many([], tmp_path / "out") == []


def test_profile_forces_recalculation_over_an_earlier_setting(tmp_path: Path) -> None:
    xcu = tmp_path / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir()
    xcu.write_text(
        libreoffice._XCU_HEAD + '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>1</value></prop></item>\n'
        '<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" '
        'oor:op="fuse"><value>false</value></prop></item>\n</oor:items>\n'
    )
    for _ in range(2):  # idempotent
        libreoffice.prepare_profile(tmp_path)
    text = xcu.read_text()
    assert text.count("OOXMLRecalcMode") == 1 and text.count("ODFRecalcMode") == 1
    assert "<value>1</value>" not in text and "FirstRun" in text


def test_profile_can_keep_cached_values_instead(tmp_path: Path) -> None:
    """The benchmark times loading without recalculation: the same profile, mode 1."""
    libreoffice.prepare_profile(tmp_path, libreoffice.ALWAYS)
    libreoffice.prepare_profile(tmp_path, libreoffice.NEVER)
    text = (tmp_path / "user" / "registrymodifications.xcu").read_text()
    assert text.count("<value>1</value>") == 2 and "<value>0</value>" not in text


@pytest.mark.parametrize(
    ("cached", "recalculated", "same"),
    [
        (1.0, 1.0 + 1e-12, True),
        (1e12, 1e12 * (1 + 5e-10), True),
        (1e12, 1e12 * (1 + 5e-9), False),
        (0.0, 1e-12, True),  # near zero the absolute tolerance applies
        (0.0, 1e-6, False),
        (3, 3.0, True),
        ("", None, True),
        (None, None, True),
        (None, 0, False),  # a formula with no cached value shows blank, not 0
        ("USD", "USD", True),
        ("USD", "usd", False),
        (True, True, True),
        (True, 1, False),
        (0, "#DIV/0!", False),
        (math.pi, "3.14159", False),
    ],
)
def test_same(cached: object, recalculated: object, same: bool) -> None:
    assert verify_mod._same(cached, recalculated, 1e-9, 1e-9) is same


def test_find_soffice_finds_an_executable_or_none() -> None:
    found = find_soffice()
    assert found is None or Path(found).exists()


def test_lines_are_capped_and_name_sheet_cell_key_period() -> None:
    from modelgen.engine.verify import VerifyReport

    report = VerifyReport(
        path=Path("m.xlsx"),
        formula_cells=70,
        mismatches=[Mismatch("Profit Impact", f"E{r}", None, "2024", 1, 2) for r in range(60)],
        errors=[CellError("Capex", "F2", "capex:META", "2025", "#REF!")],
        has_checks=True,
    )
    lines = report.lines(limit=50)
    assert lines[0] == (
        "m.xlsx: FAILED: 70 formula cells recalculated by LibreOffice, 60 mismatches, "
        "1 error value, check_failures = ?"
    )
    assert (
        lines[1] == "  'Profit Impact'!E0 (key ?, period 2024): cached 1 but LibreOffice computes 2"
    )
    assert "  ... and 10 more mismatches" in lines
    assert "  Capex!F2 (key capex:META, period 2025): shows #REF!" in lines
    assert lines[-1] == "  Checks: check_failures is missing or not a number"
