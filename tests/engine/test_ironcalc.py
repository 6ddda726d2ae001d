"""IronCalc, the second engine: it judges a workbook with verify's own comparison, and the
places where IronCalc 0.9.1 computes differently from Excel and LibreOffice are pinned here,
so that a new version that fixes (or changes) them shows up."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

import modelgen
from modelgen.build import build
from modelgen.cli import app
from modelgen.engine import ironcalc
from modelgen.engine.verify import (
    CellError,
    Disagreement,
    EnginesReport,
    Mismatch,
    RecalcError,
    verify,
)
from modelgen.xlsx import aside
from tests.engine import engine, engine_profile, require_soffice
from tests.engine.test_verify import write_contract

ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article"


@pytest.fixture(scope="module")
def shipped(shipped_book: Path) -> Path:
    return shipped_book


def test_the_shipped_build_verifies_with_ironcalc(shipped):
    report = modelgen.verify(shipped, engine="ironcalc")
    assert report.ok, report.lines()
    assert report.engine == "IronCalc" and report.formula_cells > 10_000
    assert report.check_failures == 0
    assert report.lines()[0].startswith(f"{shipped}: OK: {report.formula_cells:,} formula cells")


@pytest.mark.parametrize("inputs", ["varied_inputs", "quarterly_inputs"])
def test_the_test_inputs_verify_with_ironcalc(inputs, request, tmp_path):
    book = build(request.getfixturevalue(inputs), tmp_path / "model.xlsx").out
    report = verify(book, engine="ironcalc")
    assert report.ok, report.lines()


def test_the_article_inputs_verify_with_ironcalc(tmp_path):
    """One asset class: the lookups over one cell are written as ranges (D21:D21), which
    IronCalc reads (test_one_cell_index_and_match), so the engines agree."""
    book = build(ARTICLE, tmp_path / "model.xlsx").out
    report = verify(book, engine="ironcalc")
    assert report.ok, report.lines()


@pytest.mark.parametrize("forked", [True, False])
def test_a_wrong_cached_value_is_caught_and_named(tmp_path, monkeypatch, request, forked):
    """The cached values are read in a forked process while IronCalc evaluates, or in
    turn where none can be forked (modelgen.xlsx.aside): the same report either way."""
    if forked:
        request.getfixturevalue("forkable")
    else:
        monkeypatch.setattr(aside, "fork_context", lambda: None)
    report = verify(write_contract(tmp_path / "contract.xlsx"), engine="ironcalc")
    growth = 88.0 / 55.7 - 1
    assert report.mismatches == [  # exactly what LibreOffice finds (test_verify.py)
        Mismatch("Calc", "G3", "capex_yoy:MSFT", "2026", 0.5, pytest.approx(growth, rel=1e-12)),
        Mismatch("Calc", "D5", "ratio:MSFT", "D", 0, "#DIV/0!"),
    ]
    assert report.errors == [CellError("Calc", "D5", "ratio:MSFT", "D", "#DIV/0!")]
    assert (report.formula_cells, report.check_failures, report.ok) == (12, 0, False)
    text = "\n".join(report.lines())
    assert "FAILED: 12 formula cells recalculated by IronCalc" in text
    assert (
        "Calc!G3 (key capex_yoy:MSFT, period 2026): cached 0.5 but IronCalc computes 0.579" in text
    )


def test_the_command_line_takes_the_engine(tmp_path):
    contract = write_contract(tmp_path / "contract.xlsx")
    run = CliRunner().invoke(app, ["verify", str(contract), "--engine", "ironcalc"])
    assert run.exit_code == 1, run.output
    assert (
        "Calc!G3 (key capex_yoy:MSFT, period 2026): cached 0.5 but IronCalc computes" in run.output
    )
    run = CliRunner().invoke(app, ["verify", str(contract), "--engine", "excel"])
    assert run.exit_code == 2 and "libreoffice" in run.output


def test_an_unknown_engine_is_refused(tmp_path):
    with pytest.raises(ValueError, match="libreoffice, ironcalc, gnumeric, formualizer, both, all"):
        verify(write_contract(tmp_path / "contract.xlsx"), engine="excel")


def test_without_the_package_the_message_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ironcalc", None)  # `import ironcalc` now fails
    with pytest.raises(modelgen.errors.ModelgenError, match="pip install ironcalc") as caught:
        verify(write_contract(tmp_path / "contract.xlsx"), engine="ironcalc")
    assert caught.value.exit_code == 3


def test_a_panic_inside_ironcalc_is_an_engine_error(monkeypatch, tmp_path):
    """A Rust panic reaches Python as a BaseException; verify turns it into RecalcError."""
    import ironcalc as package

    monkeypatch.setattr(package, "load_from_xlsx", lambda *args: package.test_panic())
    with pytest.raises(RecalcError, match="IronCalc could not recalculate .*panics") as caught:
        verify(write_contract(tmp_path / "contract.xlsx"), engine="ironcalc")
    assert caught.value.exit_code == 3


def _trap(path: Path) -> Path:
    """1, -2, 3 in A1:C1 and SUMPRODUCT(ABS(...)) of them, cached as Excel computes it: 6."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_row("A1", [1, -2, 3])
    ws.write_formula("A2", "=SUMPRODUCT(ABS(A1:C1))", None, 6)  # in the range's column A
    ws.write_formula("F2", "=SUMPRODUCT(ABS(A1:C1))", None, 6)  # outside its columns
    ws.write_formula("A3", "=SUMPRODUCT(ABS(A1:C1-0))", None, 6)  # a computed array
    ws.write_formula("A4", "=SUMPRODUCT(ABS(A1:C1-B1:D1))", None, 11)  # as straight_line.py
    wb.close()
    return path


def test_sumproduct_of_abs_of_a_bare_range_is_an_implicit_intersection(tmp_path):
    """Not "the first cell" as once reported: IronCalc 0.9.1 intersects the bare range with
    the formula's own column (A2: ABS(A1) = 1; F2: no such cell, #VALUE!). An argument that
    is computed (A1:C1-0, a difference of ranges as modelgen writes) is summed whole."""
    values = ironcalc.recalculate(_trap(tmp_path / "trap.xlsx"))
    assert values["Calc", "A2"] == 1
    assert values["Calc", "F2"] == "#VALUE!"
    assert (values["Calc", "A3"], values["Calc", "A4"]) == (6, 11)


def test_one_cell_index_and_match(tmp_path):
    """IronCalc 0.9.1 fails INDEX and MATCH over a single cell written as `B1` (Excel and
    LibreOffice take it as a one-cell range); written as `B1:B1` both work."""
    path = tmp_path / "one_cell.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_row("A1", ["x", 5])
    for cell, formula in {
        "A3": "=INDEX(B1,1)",
        "A4": "=INDEX(B1:B1,1)",
        "A5": '=MATCH("x",A1,0)',
        "A6": '=MATCH("x",A1:A1,0)',
    }.items():
        ws.write_formula(cell, formula, None, 0)
    wb.close()
    values = ironcalc.recalculate(path)
    assert [values["Calc", c] for c in ("A3", "A4", "A5", "A6")] == ["#VALUE!", 5, "#N/A", 1]


@engine
def test_both_engines_name_the_cells_they_disagree_on(tmp_path):
    require_soffice()
    report = verify(_trap(tmp_path / "trap.xlsx"), engine="both", profile=engine_profile())
    assert isinstance(report, EnginesReport) and not report.ok
    assert [r.engine for r in report.reports] == ["LibreOffice", "IronCalc"]
    assert report.reports[0].ok, report.reports[0].lines()  # LibreOffice computes as Excel
    assert report.disagreements == [
        Disagreement("Calc", "A2", None, None, 6, {"LibreOffice": 6, "IronCalc": 1}),
        Disagreement("Calc", "F2", None, None, 6, {"LibreOffice": 6, "IronCalc": "#VALUE!"}),
    ]
    lines = report.lines()
    assert (
        f"{tmp_path / 'trap.xlsx'}: FAILED: LibreOffice and IronCalc disagree on 2 formula cells"
        in lines
    )
    assert (
        "  Calc!F2 (key ?, period ?): cached 6, LibreOffice computes 6, IronCalc computes '#VALUE!'"
        in lines
    )


@engine
def test_the_shipped_build_verifies_with_both_engines(shipped):
    require_soffice()
    run = CliRunner().invoke(app, ["verify", str(shipped), "--engine", "both"])
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert lines[-1] == f"{shipped}: OK: LibreOffice and IronCalc agree on every formula cell"
    assert "recalculated by LibreOffice" in lines[0] and "recalculated by IronCalc" in lines[1]


def _named(path: Path, unused: int, *, alias: bool = False) -> Path:
    """Formulas that read names, and ``unused`` names no formula mentions; cached as Excel
    computes them. With ``alias``, a formula reads a name defined by another name (Excel
    computes it; IronCalc 0.9.1 reads only names that are references: #NAME?)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_number("A1", 4)
    wb.define_name("Rate", "=Calc!$A$1")
    wb.define_name("Calc!Local_Rate", "=Calc!$A$1")  # a sheet's own name
    for i in range(unused):
        wb.define_name(f"Unused_{i}", f"=Calc!$B${i + 1}")
    ws.write_formula("C1", "=Rate*2+1", None, 9)
    ws.write_formula("C2", "=local_rate*10", None, 40)  # names are not case-sensitive
    ws.write_formula("C3", '=IFERROR(Unused_0,"gone")', None, 0)  # B1 is empty: 0
    if alias:
        wb.define_name("Base", "=Calc!$A$1")  # mentioned only by a name
        wb.define_name("Alias", "=Base")
        ws.write_formula("C4", "=Alias", None, 4)
    wb.close()
    return path


@pytest.mark.parametrize("unused", [10, ironcalc.NAMES_WORTH_PRUNING])
def test_a_name_a_formula_mentions_is_kept_for_ironcalc(unused, tmp_path):
    """IronCalc slows with every defined name, so the copy it loads keeps only the names a
    formula mentions: every formula computes as with all of them."""
    book = _named(tmp_path / "named.xlsx", unused)
    values = ironcalc.recalculate(book)
    assert [values["Calc", c] for c in ("C1", "C2", "C3")] == [9, 40, 0]
    report = verify(book, engine="ironcalc")
    assert report.ok and report.formula_cells == 3, report.lines()


def test_the_names_no_formula_mentions_are_left_out(tmp_path):
    """A name that only a kept name mentions is kept too."""
    book = _named(tmp_path / "named.xlsx", ironcalc.NAMES_WORTH_PRUNING, alias=True)
    loadable, formula_free = ironcalc._loadable(book, tmp_path)
    with zipfile.ZipFile(loadable) as zf:
        kept = re.findall(r'definedName name="([^"]+)"', zf.read("xl/workbook.xml").decode())
    assert sorted(kept) == ["Alias", "Base", "Local_Rate", "Rate", "Unused_0"]
    assert formula_free == set()


def _with_notes(path: Path, formula: str, cached: float, name: str | None = None) -> Path:
    """Calc!A1 holds ``formula`` (cached as ``cached``); Notes and Record hold no formula."""
    wb = xlsxwriter.Workbook(str(path))
    calc = wb.add_worksheet("Calc")
    calc.write_formula("A1", formula, None, cached)
    wb.add_worksheet("Notes").write_number("A1", 21)
    record = wb.add_worksheet("Record")
    record.write_column("A1", [f"line {i}" for i in range(50)])
    record.write_number("B1", 5)
    if name:
        wb.define_name(name, "=Record!$B$1")
    wb.close()
    return path


def _cells_loaded(loadable: Path) -> dict[str, bool]:
    """Whether each sheet of the copy IronCalc loads still has its cells."""
    with zipfile.ZipFile(loadable) as zf:
        return {
            sheet: b"<sheetData/>" not in zf.read(f"xl/worksheets/sheet{i}.xml")
            for i, sheet in enumerate(("Calc", "Notes", "Record"), start=1)
        }


@pytest.mark.parametrize(
    ("formula", "cached", "name", "loaded"),
    [
        ("=Notes!A1*2", 42, None, {"Calc": True, "Notes": True, "Record": False}),
        ("=Notes!A1+Shown", 26, "Shown", {"Calc": True, "Notes": True, "Record": True}),
        ('=INDIRECT("Rec"&"ord!B1")', 5, None, {"Calc": True, "Notes": True, "Record": True}),
    ],
)
def test_a_sheet_without_formulas_is_loaded_unless_nothing_can_read_it(
    tmp_path, formula, cached, name, loaded
):
    """verify leaves out of IronCalc's copy the cells of a formula-free sheet that no sheet,
    no defined name and no INDIRECT can read (modelgen's record): never one a formula reads,
    in any case, so every formula computes as before."""
    book = _with_notes(tmp_path / "notes.xlsx", formula, cached, name)
    loadable, formula_free = ironcalc._loadable(book, tmp_path, unread=True)
    assert formula_free == {"Notes", "Record"}
    assert _cells_loaded(loadable) == loaded
    report = verify(book, engine="ironcalc")
    assert report.ok and report.formula_cells == 1, report.lines()
    assert ironcalc.recalculate(book)["Record", "B1"] == 5  # all of them, read whole


def test_a_sheet_named_in_another_case_is_loaded(tmp_path):
    """Excel reads NOTES!A1 as Notes!A1, so a mention in any case keeps a sheet's cells.
    (IronCalc 0.9.1 itself does not: it computes #REF! for NOTES!A1.)"""
    book = _with_notes(tmp_path / "notes.xlsx", "=NOTES!A1*2", 42)
    loadable, _ = ironcalc._loadable(book, tmp_path, unread=True)
    assert _cells_loaded(loadable) == {"Calc": True, "Notes": True, "Record": False}
    assert ironcalc.recalculate(book)["Calc", "A1"] == "#REF!"
