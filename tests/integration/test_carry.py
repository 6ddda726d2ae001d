"""Carrying an analyst's work into next quarter's workbook, judged by the real LibreOffice.

The main test plays a quarter: build the shipped model, edit it as an analyst would
(openpyxl, then saved by LibreOffice as Excel would save it, with recalculated values),
add 2025 actuals to the CSVs, rebuild with ``previous=OLD``, recalculate, and check what was
carried, dropped, orphaned and re-pointed against the new workbook's own keyed values and
against independent arithmetic.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, LineChart, Reference, Series
from openpyxl.utils import coordinate_to_tuple

from modelgen.build import build
from modelgen.compare.diff import diff_workbooks
from modelgen.engine.verify import compare
from modelgen.inputs.template import load_template
from modelgen.regenerate.repoint import parse_ref
from modelgen.xlsx.cells import WorkbookCells, read_cells
from modelgen.xlsx.read_by_key import locate, read_keyed
from modelgen.xlsx.record import SHEET, read_provenance
from tests.engine import engine, recalc_many
from tests.package_xml import formula_text, open_sheets, read_once, repack, type_values
from tests.reference import compute

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"

NEW_2025 = {  # ticker: (capex 2025, net income 2025), the new quarter's actuals
    "MSFT": (88.2, 101.8),
    "AMZN": (128.3, 77.7),
    "GOOGL": (91.4, 132.2),
    "META": (72.2, 60.5),
}
META_LIFE, LONG_RUN = 20.0, 0.04  # the analyst's life of Meta's buildings (25 generated)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cell(keyed, sheet: str, key: str, period: str) -> str:
    return keyed[sheet].rows[key].cells[period]


def _input(book: Path | WorkbookCells, key: str) -> str:
    """The Inputs row an analyst types ``key``'s constant into: ``key`` itself or, where the
    workbook has scenarios and ``key`` is the formula picking one, the active ``key@Scenario``."""
    cells = book if isinstance(book, WorkbookCells) else read_cells(book)
    if ("Inputs", key, "D") in read_provenance(cells).inputs:
        return key
    return f"{key}@{read_keyed(cells)['Inputs'].rows['scenario'].constant}"


def _analyst_edits(generated: Path, edited: Path, cells: WorkbookCells) -> dict[str, str]:
    """Edit as an analyst: inputs, an actual, a plug, and a sheet of their own with charts.
    ``cells`` are ``generated``'s, as read_cells reads them.

    Returns the Client note's formulas by cell, as written.
    """
    keyed = read_keyed(cells)
    wb = openpyxl.load_workbook(generated)
    inputs = wb["Inputs"]
    life, growth = (
        _input(cells, k) for k in ("useful_life:META:buildings", "long_run_capex_growth")
    )
    inputs[_cell(keyed, "Inputs", life, "D")] = META_LIFE
    inputs[_cell(keyed, "Inputs", growth, "D")] = LONG_RUN
    inputs[_cell(keyed, "Inputs", "capex_actual:MSFT", "2024")] = 80.0  # an actual: dropped
    orphan = _input(cells, "useful_life:GOOGL:all_assets")
    inputs[_cell(keyed, "Inputs", orphan, "D")] = 6.0  # orphaned
    wb["Capex"][_cell(keyed, "Capex", "capex:AMZN", "2027")] = 120.0  # a plug

    note = wb.create_sheet("Client note")
    note["A1"] = "Meta: what capex does to profit"
    note.merge_cells("A1:D1")
    note.column_dimensions["A"].width = 34
    pi, cx = "'Profit Impact'", "Capex"
    formulas = {"A3": "Period"}
    for col, period in zip("BCD", ("2024", "2025", "2026"), strict=True):
        formulas[f"{col}3"] = f"={cx}!{_cell(keyed, 'Capex', 'period', period)}"
        formulas[f"{col}4"] = f"={cx}!{_cell(keyed, 'Capex', 'capex:META', period)}"
        dep = _cell(keyed, "Profit Impact", "depreciation_pct_net_income:META", period)
        formulas[f"{col}5"] = f"={pi}!${dep[0]}${dep[1:]}"
        first = _cell(keyed, "Capex", "capex:MSFT", period)
        last = _cell(keyed, "Capex", "capex:META", period)
        formulas[f"{col}6"] = f"=SUM({cx}!{first}:{last})"
        formulas[f"{col}7"] = f"={col}4/{col}6"
    formulas["A4"], formulas["A5"], formulas["A6"], formulas["A7"] = (
        "Meta capex",
        "Meta depreciation / net income",
        "Big four capex",
        "Meta share",
    )
    gone = _cell(keyed, "Depreciation", "depreciation_class:GOOGL:all_assets", "2024")
    formulas["A9"], formulas["B9"] = "Alphabet, one class", f"=Depreciation!{gone}*1"
    for ref, value in formulas.items():
        note[ref] = value
    for row in (4, 6):
        for col in "BCD":
            note[f"{col}{row}"].number_format = "#,##0.0"
    line = LineChart()
    line.title = "Meta capex"
    line.add_data(Reference(note, min_col=2, max_col=4, min_row=4), from_rows=True)
    line.set_categories(Reference(note, min_col=2, max_col=4, min_row=3))
    note.add_chart(line, "F3")
    bar = BarChart()
    bar.title = "Meta depreciation / net income"
    dep_row = keyed["Profit Impact"].rows["depreciation_pct_net_income:META"]
    span = (
        f"{pi}!${dep_row.cells['2024'][0]}${dep_row.row}:${dep_row.cells['2026'][0]}${dep_row.row}"
    )
    bar.series.append(Series(span, title="Meta"))
    note.add_chart(bar, "F20")
    wb.save(edited)
    return formulas


def _new_quarter(src: Path, dst: Path) -> None:
    """The inputs a quarter later: 2025 actuals for everyone; Alphabet's classes redrawn as
    two, without the article's `all_assets` (its Article case then puts capex in servers)."""
    shutil.copytree(src, dst)
    with (dst / "capex.csv").open("a", encoding="utf-8") as fh:
        fh.writelines(f"{t},2025,{c},test: 2025 actual\n" for t, (c, _) in NEW_2025.items())
    with (dst / "financials.csv").open("a", encoding="utf-8") as fh:
        # depreciation, net_ppe, revenue and diluted shares not reported yet: empty cells
        fh.writelines(f"{t},2025,{n},test: 2025 actual,,,,,\n" for t, (_, n) in NEW_2025.items())
    _keep_lines(dst / "assumptions.csv", lambda line: not line.startswith("GOOGL,"))
    with (dst / "assumptions.csv").open("a", encoding="utf-8") as fh:
        fh.write("GOOGL,servers,0.5,6,0,\nGOOGL,buildings,0.5,25,1,\n")
    with (dst / "scenarios.csv").open("a", encoding="utf-8") as fh:
        fh.write("Article,share:GOOGL:servers,1,\n")
    # the scenarios and opening balances name only the classes Alphabet still has
    gone = ("GOOGL:all_assets", "GOOGL:equipment", "GOOGL:land", "GOOGL,all_assets", "GOOGL,land")
    for name in ("scenarios.csv", "opening_balances.csv"):
        _keep_lines(dst / name, lambda line: not any(g in line for g in gone))


def _keep_lines(path: Path, keep) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if keep(line)), encoding="utf-8")


def _meta_depreciation(folder: Path, periods: list[str]) -> list[float]:
    """META's depreciation with the analyst's edits (its buildings' life, the long-run
    growth) written into a copy of `folder`, as tests/reference.py computes it."""
    copy = folder.parent / "edited-inputs"
    shutil.copytree(folder, copy)
    rows = list(csv.DictReader(open(copy / "assumptions.csv", encoding="utf-8", newline="")))
    for r in rows:
        if (r["ticker"], r["asset_class"]) == ("META", "buildings"):
            r["useful_life_years"] = repr(META_LIFE)
    with open(copy / "assumptions.csv", "w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(rows)
    settings = (copy / "settings.csv").read_text(encoding="utf-8")
    grown = settings.replace("long_run_capex_growth,0.05", f"long_run_capex_growth,{LONG_RUN}")
    (copy / "settings.csv").write_text(grown, encoding="utf-8")
    expected = compute(copy)["depreciation:META"]
    return [expected[p] for p in periods]


@engine
def test_a_quarter_later_the_analysts_work_is_carried(
    tmp_path: Path, shipped_inputs: Path, shipped_book: Path
):
    generated, edited = tmp_path / "generated.xlsx", tmp_path / "edited.xlsx"
    shutil.copyfile(shipped_book, generated)
    generated_cells = read_once(shipped_book)
    formulas = _analyst_edits(generated, edited, generated_cells)
    life, growth, orphan = (
        _input(generated_cells, k)
        for k in (
            "useful_life:META:buildings",
            "long_run_capex_growth",
            "useful_life:GOOGL:all_assets",
        )
    )
    (old,) = recalc_many([edited], tmp_path / "saved")  # saved as Excel would: recalculated
    old_bytes = _sha(old)
    new_inputs, new = tmp_path / "inputs", tmp_path / "new.xlsx"
    _new_quarter(shipped_inputs, new_inputs)

    result = build(new_inputs, new, previous=old)
    carry = result.carry
    assert _sha(old) == old_bytes, "OLD must never be modified"

    status = {(e.key, e.period): e.status for e in carry.edits}
    assert status == {
        (life, "D"): "carried",
        (growth, "D"): "carried",
        ("capex_actual:MSFT", "2024"): "dropped",
        (orphan, "D"): "orphaned",
    }
    assert [(p.sheet, p.key, p.period, p.value) for p in carry.plugs] == [
        ("Capex", "capex:AMZN", "2027", 120.0)
    ]
    assert carry.copy.sheets == ["Client note"] and carry.copy.charts == 2
    assert (
        len(carry.copy.failed) == 1
        and "depreciation_class:GOOGL:all_assets" in carry.copy.failed[0]
    )
    lines = "\n".join(carry.lines())
    assert "2 edits carried, 1 edits dropped, 1 edits orphaned, 1 plugs found" in lines

    (recalculated,) = recalc_many([new], tmp_path / "recalc")
    recalculated_cells = read_cells(recalculated)
    keyed = read_keyed(recalculated_cells)
    report = compare(new, recalculated)
    assert report.mismatches == [], report.lines()
    assert [(e.sheet, e.cell) for e in report.errors] == [("Client note", "B9")]

    # the carried edits are in place and drive the calculations
    inputs = keyed["Inputs"].rows
    assert inputs["useful_life:META:buildings"].constant == META_LIFE
    assert inputs["long_run_capex_growth"].constant == LONG_RUN
    # the CSV's (Microsoft's fiscal 2024, its four quarters), not the edit
    assert inputs["capex_actual:MSFT"].values["2024"] == pytest.approx(55.7)
    capex = keyed["Capex"].rows
    assert capex["capex:META"].values["2025"] == pytest.approx(NEW_2025["META"][0])  # not guidance
    periods = keyed["Depreciation"].periods
    assert periods == [str(y) for y in range(2023, 2031)]
    got = [keyed["Depreciation"].rows["depreciation:META"].values[p] for p in periods]
    assert got == pytest.approx(_meta_depreciation(new_inputs, periods), rel=1e-9)
    assert "useful_life:GOOGL:servers" in inputs and "useful_life:GOOGL:all_assets" not in inputs

    # carried edits are marked; the Cover has the summary; the record is hidden
    looked_at = ("Cover", "Inputs", "Client note", SHEET)
    formulas_wb = open_sheets(new, tmp_path / "looked-at.xlsx", looked_at)
    cell = formulas_wb["Inputs"][keyed["Inputs"].rows[life].cells["D"]]
    assert cell.comment is not None and "carried" in cell.comment.text and "25" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith(load_template().colours["carried_fill"].lstrip("#"))
    cover = "\n".join(
        str(c.value) for row in formulas_wb["Cover"].iter_rows() for c in row if c.value
    )
    assert "Carried from edited.xlsx" in cover and "Plugs found\n1" in cover
    assert formulas_wb[SHEET].sheet_state == "hidden"
    assert read_provenance(formulas_wb).inputs[("Inputs", life, "D")] == 25  # as generated

    # every re-pointed formula returns the value of the same key and period in the new model
    old_keyed = read_keyed(old)
    new_note = recalculated_cells.sheets["Client note"].values  # cached, as data_only

    def note_value(ref: str) -> object:
        return new_note.get(coordinate_to_tuple(ref))

    checked = 0
    for cell, text in formulas.items():
        if not text.startswith("=") or cell == "B9":
            continue
        refs = [parse_ref(part) for part in text[1:].replace("SUM(", "").rstrip(")").split("/")]
        expected = []
        for ref in refs:
            if ref.sheet is None:  # B4/B6 on the note itself
                expected.append(note_value(ref.a))
                continue
            a, b = ref.a.replace("$", ""), (ref.b or ref.a).replace("$", "")
            key_a, period = locate(old_keyed, ref.sheet, a)
            key_b, _ = locate(old_keyed, ref.sheet, b)
            rows = list(old_keyed[ref.sheet].rows)
            keys = rows[rows.index(key_a) : rows.index(key_b) + 1]
            values = [keyed[ref.sheet].rows[k].values[period] for k in keys]
            expected.append(values[0] if key_a == key_b else sum(values))
        want = expected[0] / expected[1] if len(expected) == 2 else expected[0]
        got = note_value(cell)
        assert got == (pytest.approx(want, rel=1e-12) if isinstance(want, float) else want), cell
        checked += 1
    assert checked == 15
    formulas_note = formulas_wb["Client note"]
    assert "#REF!" in formulas_note["B9"].value and formulas_note["B9"].comment is not None
    assert formulas_note["A1"].value == "Meta: what capex does to profit" and "A1:D1" in {
        str(r) for r in formulas_note.merged_cells.ranges
    }
    assert formulas_note.column_dimensions["A"].width == pytest.approx(34, abs=1)

    # the charts are carried, the bar chart re-pointed into Profit Impact
    charts = formulas_note._charts  # openpyxl reads the charts of a workbook it loads
    assert sorted(c.tagname for c in charts) == ["barChart", "lineChart"]
    bar = next(c for c in charts if c.tagname == "barChart")
    dep = keyed["Profit Impact"].rows["depreciation_pct_net_income:META"]
    want = f"'Profit Impact'!${dep.cells['2024'][0]}${dep.row}:${dep.cells['2026'][0]}${dep.row}"
    assert bar.series[0].val.numRef.f == want

    # diff lists exactly the changes made
    d = diff_workbooks(old, new)
    expected_inputs = {
        ("Inputs", f"{kind}:{t}", "2025")
        for t in NEW_2025
        for kind in ("capex_actual", "net_income_actual")
    }
    expected_inputs.add(("Inputs", "capex_actual:MSFT", "2024"))
    expected_inputs.add(("Inputs", "useful_life:GOOGL:buildings", "D"))  # 20 years, now 25
    # the sensitivity reads the latest actual period by default: 2024, now 2025
    expected_inputs.add(("Inputs", "sensitivity_period", "D"))
    # Alphabet's new classes: their rows in every scenario's table follow the new Base
    split = {x for x in d.inputs_changed() if ":GOOGL:" in x[1] and "@" in x[1]}
    assert split and all(x[2] == "D" for x in split)
    assert d.inputs_changed() - split == expected_inputs
    removed = {r["key"] for r in d.rows_removed if r["sheet"] == "Inputs"}
    assert {"share:GOOGL:all_assets", "useful_life:GOOGL:all_assets"} <= removed
    gone = ("all_assets", "equipment", "land")  # the classes Alphabet no longer has
    assert all(":GOOGL:" in k and k.split("@")[0].split(":")[2] in gone for k in removed)
    assert ("Inputs", "share:GOOGL:servers@Base", "D") in split  # 0.53 before, 0.5 now
    assert {p["period"] for p in d.periods_added} == {"2030"} and not d.periods_removed
    assert d.sheets_added == [] and d.sheets_removed == []
    moved = {(c.sheet, c.key, c.period) for c in d.changes if c.kind == "output"}
    assert ("Capex", "capex:AMZN", "2027") in moved  # the plug gave way to the formula


# --- without the engine: the record, a second quarter, --keep-edited-actuals, the CLI ---


def _edit(
    src: Path,
    dst: Path,
    cells: dict[tuple[str, str, str], object],
    note: bool = True,
    drop_record: bool = False,
    read: WorkbookCells | None = None,
):
    """Type ``cells`` (sheet, key, period) and, with ``note``, add a sheet "Note" whose A1 is
    a formula on Capex, as an analyst would (the note is saved without a computed value, as
    openpyxl saves a formula); with ``drop_record``, delete the record sheet. ``read``: ``src``
    as read_cells reads it, when the caller has it."""
    keyed = read_keyed(src if read is None else read)
    by_sheet: dict[str, dict[str, object]] = {}
    for (sheet, key, period), value in cells.items():
        by_sheet.setdefault(sheet, {})[_cell(keyed, sheet, key, period)] = value
    staged = dst.with_name(f"{dst.stem}-typing{dst.suffix}")
    shutil.copyfile(src, staged)
    for sheet, values in by_sheet.items():
        type_values(staged, staged.with_suffix(".tmp"), sheet, values)
        staged.with_suffix(".tmp").replace(staged)
    if note or drop_record:
        a1 = f"=Capex!{_cell(keyed, 'Capex', 'capex:META', '2024')}" if note else None
        add = {"Note": {"A1": a1}} if note else None
        repack(staged, staged, add=add, drop=SHEET if drop_record else None)
    staged.replace(dst)


def test_the_record_is_hidden_and_not_a_contract_sheet(
    tmp_path: Path, shipped_inputs: Path, shipped_book: Path
):
    wb = open_sheets(shipped_book, tmp_path / "record.xlsx", (SHEET,))
    assert wb.sheetnames[-1] == SHEET and wb[SHEET].sheet_state == "hidden"
    assert wb[SHEET].protection.sheet
    prov = read_provenance(wb)
    life = _input(read_once(shipped_book), "useful_life:META:all_assets")
    assert prov.inputs[("Inputs", life, "D")] == 5
    # Microsoft's fiscal 2024, the sum of its quarters
    assert prov.inputs[("Inputs", "capex_actual:MSFT", "2024")] == pytest.approx(55.7)
    assert prov.inputs[("Inputs", "capex_actual:MSFT", "2026")] is None  # an empty input cell
    assert prov.has_formula("Capex", "capex:META", "2024")
    assert not prov.has_formula("Inputs", "capex_actual:MSFT", "2024")
    assert SHEET not in read_keyed(read_once(shipped_book))


def test_the_record_read_by_pattern_is_the_record_read_by_cell(
    tmp_path: Path, shipped_book: Path
) -> None:
    """read_record reads modelgen's record by one pattern per row; the same record
    re-saved by openpyxl (styles, another shape) is read cell by cell, to the same result."""
    from modelgen.xlsx.cells import CellReader
    from modelgen.xlsx.record import _scan_record, read_record

    with CellReader(shipped_book) as book:
        assert _scan_record(book) is not None  # the pattern reads modelgen's own
        fast = read_record(book)
    assert fast == read_provenance(read_cells(shipped_book)) and fast.inputs
    wb = openpyxl.load_workbook(shipped_book)
    wb[SHEET]["A1"].font = openpyxl.styles.Font(bold=True)
    wb.save(tmp_path / "resaved.xlsx")
    with CellReader(tmp_path / "resaved.xlsx") as book:
        assert _scan_record(book) is None
        assert read_record(book) == fast


def test_edits_survive_two_quarters_and_actuals_are_kept_on_request(
    tmp_path: Path, shipped_inputs: Path, shipped_book: Path
):
    edited, shipped = tmp_path / "q1-edited.xlsx", read_once(shipped_book)
    key = _input(shipped, "useful_life:META:all_assets")
    life, actual = ("Inputs", key, "D"), ("Inputs", "capex_actual:MSFT", "2024")
    _edit(shipped_book, edited, {life: 5.5, actual: 80.0}, read=shipped)
    before = _sha(edited)
    second = tmp_path / "q2.xlsx"
    kept = build(shipped_inputs, second, previous=edited, keep_edited_actuals=True).carry
    assert _sha(edited) == before
    assert {(e.key, e.status) for e in kept.edits} == {
        (key, "carried"),
        ("capex_actual:MSFT", "carried"),
    }
    q2 = read_keyed(second)
    assert q2["Inputs"].rows["capex_actual:MSFT"].values["2024"] == 80.0
    assert q2["Capex"].rows["capex:MSFT"].values["2024"] == 80.0  # the cached value follows
    # a quarter later still: the record says what was generated, so the edits are still edits
    third = tmp_path / "q3.xlsx"
    carry = build(shipped_inputs, third, previous=second).carry
    assert {(e.key, e.status) for e in carry.edits} == {
        (key, "carried"),
        ("capex_actual:MSFT", "dropped"),
    }
    assert carry.copy.sheets == ["Note"] and carry.copy.repointed == 1
    q3 = read_cells(third)  # cached values, as openpyxl's data_only gives them
    assert q3.sheets["Note"].values[1, 1] == pytest.approx(37.256)  # A1


def test_a_workbook_without_a_record_carries_no_guessed_edits(
    tmp_path: Path, shipped_inputs: Path, shipped_book: Path
):
    old, shipped = tmp_path / "old.xlsx", read_once(shipped_book)
    life = _input(shipped, "useful_life:META:all_assets")
    _edit(shipped_book, old, {("Inputs", life, "D"): 5.5}, drop_record=True, read=shipped)
    assert SHEET not in read_cells(old).sheetnames and "Note" in read_cells(old).sheetnames
    carry = build(shipped_inputs, tmp_path / "new.xlsx", previous=old).carry
    assert carry.edits == [] and carry.plugs == []
    assert "no modelgen record" in carry.warnings[0]
    assert carry.copy.sheets == ["Note"]


def test_cli_carry_takes_the_existing_output(
    tmp_path: Path, shipped_inputs: Path, shipped_book: Path
):
    from typer.testing import CliRunner

    from modelgen.cli import app

    out, shipped = tmp_path / "m.xlsx", read_once(shipped_book)
    growth = ("Inputs", _input(shipped, "long_run_capex_growth"), "D")
    _edit(shipped_book, out, {growth: 0.03}, note=False, read=shipped)  # the existing output
    args = ["build", "--inputs", str(shipped_inputs), "--out", str(out), "--carry"]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    assert "1 edits carried" in run.output and "long_run_capex_growth" in run.output
    assert read_keyed(out)["Inputs"].rows["long_run_capex_growth"].constant == 0.03
    missing = CliRunner().invoke(app, [*args[:3], "--out", str(tmp_path / "none.xlsx"), "--carry"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_a_number_typed_over_a_scenario_input_is_carried_into_the_selected_case(
    tmp_path: Path, shipped_inputs: Path, shipped_book: Path
):
    """With scenarios, the long-run growth on Inputs is INDEX into its scenario rows. An
    analyst who types 7% over it means the live case: the value goes to that case's row, not
    a plug."""
    old = tmp_path / "old.xlsx"
    rows = read_keyed(read_once(shipped_book))["Inputs"].rows
    growth, scenario = rows["long_run_capex_growth"].cells["D"], rows["scenario"].cells["D"]
    assert formula_text(shipped_book, "Inputs", growth).startswith("=INDEX(")
    type_values(shipped_book, old, "Inputs", {scenario: "Bull", growth: 0.07})
    new = tmp_path / "new.xlsx"
    result = build(shipped_inputs, new, previous=old)
    carried = [e for e in result.carry.edits if e.status == "carried"]
    assert sorted((e.key, e.edited) for e in carried) == [
        ("long_run_capex_growth@Bull", 0.07),
        ("scenario", "Bull"),  # the chosen case is an edit too, and carried
    ]
    assert result.carry.plugs == []
    inputs = read_keyed(new)["Inputs"].rows
    assert inputs["long_run_capex_growth@Bull"].constant == 0.07
    assert inputs["long_run_capex_growth@Base"].constant == 0.05  # the other cases keep theirs


def test_an_edit_of_a_fixed_value_is_dropped_with_what_to_do(tmp_path: Path, varied_inputs: Path):
    """The timeline and fiscal year ends are grey (fixed): an edit of one is not carried
    into the new workbook, and the summary says to change the CSV files instead."""
    old = tmp_path / "old.xlsx"
    build(varied_inputs, old)
    month = ("fiscal_year_end_month:ALFA", "D")
    year = ("fiscal_year", "2020")
    _edit(old, old, {("Inputs", *month): 6, ("Inputs", *year): 6}, note=False)

    new = tmp_path / "new.xlsx"
    carry = build(varied_inputs, new, previous=old).carry
    dropped = {(e.key, e.period): e.reason for e in carry.edits if e.status == "dropped"}
    assert set(dropped) == {month, year} and len(carry.edits) == 2
    assert all("CSV files" in why and "rebuild" in why for why in dropped.values())
    inputs = read_keyed(new)["Inputs"].rows
    assert inputs["fiscal_year_end_month:ALFA"].constant == 12
    assert inputs["fiscal_year"].values["2020"] == 2020


def test_excel_recalculates_on_open_only_when_an_analyst_formula_is_stale(
    tmp_path: Path, varied_inputs: Path
):
    """A carried formula modelgen cannot compute (MEDIAN) keeps OLD's cached value, so the
    workbook asks Excel to recalculate on open; one it computes needs no recalculation."""
    from tests.integration.test_workbook import calc_properties

    old = tmp_path / "old.xlsx"
    build(varied_inputs, old)
    capex = read_keyed(old)["Capex"].rows["capex:ALFA"].cells["2024"]
    books = {}
    for name, formula in (
        ("computed", f"=Capex!{capex}*2"),
        ("stale", f"=MEDIAN(Capex!{capex},1)"),
    ):
        edited = repack(old, tmp_path / f"{name}-old.xlsx", add={"Note": {"A1": formula}})
        books[name] = tmp_path / f"{name}.xlsx"
        copy = build(varied_inputs, books[name], previous=edited).carry.copy
        assert copy.sheets == ["Note"] and copy.uncomputed == (name == "stale")
    assert "fullCalcOnLoad" not in calc_properties(books["computed"])
    assert 'fullCalcOnLoad="1"' in calc_properties(books["stale"])
