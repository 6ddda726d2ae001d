"""Charts, names, validations, comments, conditional formats, print setup and the Cover,
read back from the written file (the zip's XML and openpyxl), and judged by LibreOffice
where it matters: the workbook still verifies, and the chart rows follow their inputs."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from typer.testing import CliRunner

from modelgen.build import build
from modelgen.cli import app
from modelgen.engine.verify import compare
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.template import load_template
from modelgen.model import build_model
from modelgen.xlsx.cells import read_cells
from modelgen.xlsx.names import NameTable, is_valid_name, key_name, looks_like_cell, sanitize
from modelgen.xlsx.presentation import fingerprint
from modelgen.xlsx.read_by_key import read_keyed
from tests.engine import engine, recalc_many
from tests.package_xml import type_values

NS = {
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
SHIPPED = Path(__file__).resolve().parents[2] / "inputs"
ARTICLE = Path(__file__).resolve().parents[1] / "data" / "article"  # the article's figures alone
REF = re.compile(
    r"^=?(?:'((?:[^']|'')+)'|([A-Za-z0-9_ ]+))!\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?$"
)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, shipped_inputs):
    out = tmp_path_factory.mktemp("presentation") / "shipped.xlsx"
    return build(shipped_inputs, out)


@pytest.fixture(scope="module")
def quarterly(tmp_path_factory, quarterly_inputs):
    out = tmp_path_factory.mktemp("presentation") / "quarterly.xlsx"
    return build(quarterly_inputs, out)


@pytest.fixture(scope="module")
def book(shipped):
    return openpyxl.load_workbook(shipped.out)


def _key(book, sheet: str, row: int) -> str | None:
    return book[sheet].cell(row, 1).value


def _parse_ref(ref: str) -> tuple[str, str, int, str, int]:
    m = REF.match(ref.strip())
    assert m, ref
    sheet = (m.group(1) or m.group(2)).replace("''", "'")
    c0, r0 = m.group(3), int(m.group(4))
    return sheet, c0, r0, m.group(5) or c0, int(m.group(6) or r0)


def _charts_by_sheet(path: Path) -> dict[str, list[str]]:
    """Sheet name -> the XML of the charts drawn on it, followed through the zip's rels."""
    z = zipfile.ZipFile(path)

    def rels(part: str) -> dict[str, str]:
        p = PurePosixPath(part)
        name = f"{p.parent}/_rels/{p.name}.rels"
        if name not in z.namelist():
            return {}
        xml = z.read(name).decode()
        out = {}
        for rid, target in re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', xml):
            out[rid] = str(PurePosixPath(p.parent, target)).replace("xl/worksheets/../", "xl/")
        return {k: re.sub(r"[^/]+/\.\./", "", v) for k, v in out.items()}

    wb_rels = rels("xl/workbook.xml")
    found: dict[str, list[str]] = {}
    for name, rid in re.findall(
        r'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', z.read("xl/workbook.xml").decode()
    ):
        for target in rels(wb_rels[rid]).values():
            if re.search(r"/drawings/drawing\d+\.xml$", target):
                found[name] = [z.read(t).decode() for t in rels(target).values() if "/charts/" in t]
    return found


def _series(chart_xml: str) -> list[dict[str, str]]:
    from xml.etree import ElementTree as ET

    root = ET.fromstring(chart_xml)
    out = []
    for ser in root.iter(f"{{{NS['c']}}}ser"):
        item = {
            "values": ser.find("c:val/c:numRef/c:f", NS).text,
            "categories": ser.find("c:cat/*/c:f", NS).text,
            "pattern": ser.find(".//a:pattFill", NS) is not None,
        }
        name = ser.find("c:tx//c:v", NS)
        item["name"] = name.text if name is not None else ""
        out.append(item)
    return out


def _row_keys(book, refs: list[str]) -> list[tuple[str, str | None]]:
    out = []
    for ref in refs:
        sheet, _, r0, _, r1 = _parse_ref(ref)
        assert r0 == r1, ref
        out.append((sheet, _key(book, sheet, r0)))
    return out


def test_the_charts_read_the_model_rows(shipped, book):
    tickers = shipped.model.inputs.tickers
    charts = _charts_by_sheet(shipped.out)
    assert list(charts) == ["Charts"] and len(charts["Charts"]) == 5
    capex, growth, share, bridge, fall = (_series(x) for x in charts["Charts"])
    assert 'c:grouping val="stacked"' in charts["Charts"][0]
    assert _row_keys(book, [s["values"] for s in capex]) == [
        ("Charts", f"{kind}:{t}")
        for t in tickers
        for kind in ("chart_capex_actual", "chart_capex_forecast")
    ]
    assert [s["pattern"] for s in capex] == [False, True] * len(tickers)  # forecast hatched
    assert _row_keys(book, [capex[0]["categories"]]) == [("Charts", "period")]
    assert _row_keys(book, [s["values"] for s in growth]) == [
        *(("Growth", f"capex_yoy:{t}") for t in tickers),
        ("Charts", "peak_growth_line"),
    ]
    assert (
        _parse_ref(growth[0]["values"])[1] == "F"
    )  # from the second period: the first has no growth
    assert _row_keys(book, [s["values"] for s in share]) == [
        ("Profit Impact", f"depreciation_pct_net_income:{t}") for t in tickers
    ]
    assert _row_keys(book, [s["values"] for s in bridge]) == [
        ("Profit Impact", "net_income:TOTAL"),
        ("Profit Impact", "after_tax_depreciation:TOTAL"),
    ]
    assert 'c:grouping val="stacked"' in charts["Charts"][3]
    years = [p for p in shipped.model.periods]
    assert _row_keys(book, [s["values"] for s in fall]) == [
        ("Charts", f"chart_vintage:{y}") for y in ["opening", *years]
    ]
    title = re.search(r"<c:title>.*?<c:f>([^<]+)</c:f>", charts["Charts"][4], re.S).group(1)
    assert _row_keys(book, [title]) == [("Charts", "chart_company")]
    # the rows hold what they say, as cached values
    cached = read_cells(shipped.out).sheets["Charts"].values  # (row, column) -> value
    rows = {v: r for (r, c), v in cached.items() if c == 1}
    assert cached.get((rows["peak_growth_threshold"], 4)) == pytest.approx(0.30)
    assert cached.get((rows["chart_company"], 4)) == tickers[0]
    assert [
        cached.get((rows["peak_growth_line"], c)) for c in range(5, 5 + len(years))
    ] == pytest.approx([0.30] * len(years))


def test_the_quarterly_waterfall_stacks_vintage_years(quarterly):
    model = quarterly.model
    charts = model.sheets["Charts"]
    years = sorted({str(p.year) for p in model.timeline.periods})
    assert [r.key for r in charts.rows if r.key and r.key.startswith("chart_vintage:")] == [
        f"chart_vintage:{y}" for y in ["opening", *years]
    ]
    t = model.inputs.tickers[0]  # the chosen company as built
    grid = [
        r
        for r in model.sheets["Depreciation"].rows
        if (r.key or "").startswith(f"depreciation_vintage:{t}:")
    ]
    assert grid
    for y in years:
        want = sum(r.result for r in grid if r.key.rsplit(":", 1)[1].startswith(y))
        assert charts[f"chart_vintage:{y}"].result == pytest.approx(want)
    stacked = sum(charts[f"chart_vintage:{y}"].result for y in ["opening", *years])
    assert stacked == pytest.approx(model.sheets["Depreciation"][f"depreciation:{t}"].result)


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("AB12", "_AB12"),
        ("R1C1", "_R1C1"),
        ("r", "_r"),
        ("C", "_C"),
        ("RC", "_RC"),
        ("R1C", "_R1C"),
        ("1abc", "_1abc"),
        ("a b-c.d", "a_b_c.d"),
        ("ABCD1", "ABCD1"),  # four letters: no column is that wide
        ("Capex_MSFT", "Capex_MSFT"),
        ("", "_"),
    ],
)
def test_sanitize_gives_a_legal_name(text, name):
    assert sanitize(text) == name
    assert is_valid_name(name)


def test_name_rules():
    assert looks_like_cell("XFD1048576") and looks_like_cell("a1") and not looks_like_cell("A1B")
    assert not is_valid_name("A1") and not is_valid_name("2x") and not is_valid_name("a-b")
    assert not is_valid_name("x" * 256) and len(sanitize("x" * 300)) == 255
    assert key_name("useful_life:MSFT:servers") == "Useful_Life_MSFT_servers"
    assert key_name("capex:BRK.B") == key_name("capex:BRK-B") == "Capex_BRK_B"
    assert key_name("capex:FY:MSFT") == "Capex_FY_MSFT"
    table = NameTable()
    table.add("Capex_BRK_B", "Capex!$E$5:$K$5", "capex:BRK-B")
    table.add("capex_brk_b", "Capex!$E$6:$K$6", "capex:BRK_B")  # case-insensitive
    assert table.clashes == [("capex_brk_b", "capex:BRK_B", "capex:BRK-B")]
    assert len(table.items()) == 1  # the first keeps the name: nothing is overwritten


def test_names_point_to_their_rows(shipped, book):
    names = book.defined_names
    model = shipped.model
    last = openpyxl.utils.get_column_letter(4 + model.n_periods)

    def target(name: str) -> tuple[str, str | None, str]:
        sheet, c0, r0, c1, _ = _parse_ref(names[name].attr_text)
        return sheet, _key(book, sheet, r0), f"{c0}:{c1}"

    assert target("Useful_Life_MSFT_all_assets") == ("Inputs", "useful_life:MSFT:all_assets", "D:D")
    assert target("Share_META_all_assets") == ("Inputs", "share:META:all_assets", "D:D")
    assert target("Long_Run_Capex_Growth") == ("Inputs", "long_run_capex_growth", "D:D")
    assert target("Tax_Rate") == ("Inputs", "tax_rate", "D:D")
    assert target("Capex_Actual_AMZN") == ("Inputs", "capex_actual:AMZN", f"E:{last}")
    assert target("Capex_MSFT") == ("Capex", "capex:MSFT", f"E:{last}")
    assert target("Capex_TOTAL") == ("Capex", "capex:TOTAL", f"E:{last}")
    assert target("Capex_Yoy_GOOGL") == ("Growth", "capex_yoy:GOOGL", f"E:{last}")
    assert target("Depreciation_Pct_Net_Income_META") == (
        "Profit Impact",
        "depreciation_pct_net_income:META",
        f"E:{last}",
    )
    assert target("Net_Book_Value_MSFT") == ("PP&E", "net_book_value:MSFT", f"E:{last}")
    assert target("Depreciation_And_Amortization_AMZN")[:2] == (
        "PP&E",
        "depreciation_and_amortization:AMZN",
    )
    assert target("Check_Failures") == ("Checks", "check_failures", "D:D")
    assert target("Peak_Growth_Threshold") == ("Charts", "peak_growth_threshold", "D:D")
    assert target("Capex_FY_MSFT")[:2] == ("Annual", "capex:FY:MSFT")
    user = [n for n in names if not n.startswith("_xlnm")]
    assert all(is_valid_name(n) for n in user)
    assert len({n.casefold() for n in user}) == len(user)
    inputs = model.sheets["Inputs"]
    for row in inputs.rows:  # every key input in column D has its name
        if (
            row.key
            and "@" not in row.key
            and (row.const is not None or row.const_formula is not None)
        ):
            assert key_name(row.key) in names, row.key


def _with_tickers(src: Path, dst: Path, renames: dict[str, str]) -> Path:
    shutil.copytree(src, dst)
    for f in dst.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        for old, new in renames.items():
            text = re.sub(rf"\b{old}\b", new, text)
        f.write_text(text, encoding="utf-8")
    return dst


def test_tickers_that_give_the_same_name_are_bad_input(tmp_path, shipped_inputs):
    folder = _with_tickers(shipped_inputs, tmp_path / "in", {"MSFT": "BRK-B", "AMZN": "BRK_B"})
    out = tmp_path / "model.xlsx"
    result = CliRunner().invoke(app, ["build", "--inputs", str(folder), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert (
        'companies.csv, line 3, column ticker: tickers "BRK-B" and "BRK_B" give the same Excel name'
        in result.stderr
    )
    assert not out.exists()
    checked = CliRunner().invoke(app, ["validate", "--inputs", str(folder)])
    assert checked.exit_code == 2, checked.output  # validate refuses what build refuses
    assert 'tickers "BRK-B" and "BRK_B" give the same Excel name' in checked.stderr


# --- validations, comments -----------------------------------------------------------


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


class _Validations:
    """A sheet's data validations with the bounds of their ranges, read once: `covering`
    asks what `cell in dv.sqref` asks of each, without openpyxl parsing the cell each time."""

    def __init__(self, ws) -> None:
        self.title = ws.title
        self.items = [(dv, [r.bounds for r in dv.sqref.ranges]) for dv in _validations(ws)]

    def covering(self, cell: str):
        row, col = coordinate_to_tuple(cell)
        found = [
            dv
            for dv, boxes in self.items
            if any(c0 <= col <= c1 and r0 <= row <= r1 for c0, r0, c1, r1 in boxes)
        ]
        assert len(found) == 1, (self.title, cell, len(found))  # one, never two
        return found[0]


def _covering(ws, cell: str):
    return _Validations(ws).covering(cell)


def test_every_input_cell_is_validated(shipped, book):
    sheets = {ws.title: _Validations(ws) for ws in book.worksheets}
    for sheet in shipped.model.sheets.values():
        for row in sheet.rows:
            if not row.is_input or not row.key:
                continue
            cols = [4] if row.const is not None else range(5, 5 + row.width)
            for c in cols:
                sheets[sheet.name].covering(f"{get_column_letter(c)}{row.number}")
    inputs = {r.key: r.number for r in shipped.model.sheets["Inputs"].rows if r.key}

    def rule(key: str, col: str = "D") -> tuple:
        dv = sheets["Inputs"].covering(f"{col}{inputs[key]}")
        return dv.type, dv.operator or "between", dv.formula1, dv.formula2

    life = next(
        k
        for k in ("useful_life:MSFT:all_assets", "useful_life:MSFT:all_assets@Bull")
        if k in inputs and shipped.model.sheets["Inputs"][k].is_input
    )
    assert rule(life) == ("decimal", "greaterThanOrEqual", "0", None)  # a scenario's too
    assert rule("share:MSFT:all_assets@Article") == ("decimal", "between", "0", "1")
    assert rule("opening_net_book_value:MSFT:servers") == (
        "decimal",
        "greaterThanOrEqual",
        "0",
        None,
    )
    assert rule("useful_life_change:MSFT:servers", "F") == ("decimal", "greaterThan", "0", None)
    assert rule("tax_rate") == ("decimal", "between", "0", "1")
    assert rule("earnings_growth") == ("decimal", "greaterThan", "-1", None)
    assert rule("tax_rate:MSFT") == ("decimal", "between", "0", "1")  # its own, from its 10-K
    assert rule("capex_actual:MSFT", "F") == ("decimal", "greaterThanOrEqual", "0", None)
    month = f"D{inputs['fiscal_year_end_month:MSFT']}"  # fixed: no message invites an edit
    assert not [dv for dv in _validations(book["Inputs"]) if month in dv.sqref]
    convention = _covering(book["Inputs"], f"D{inputs['depreciation_convention@Article']}")
    assert convention.type == "list" and "mid_period" in convention.formula1
    charts = {r.key: r.number for r in shipped.model.sheets["Charts"].rows if r.key}
    company = _covering(book["Charts"], f"D{charts['chart_company']}")
    assert company.type == "list"


def _sources(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [
            (r["ticker"], r["period"], r["source"]) for r in csv.DictReader(f) if r.get("source")
        ]


def test_every_actual_carries_its_source_on_its_cell(shipped, book, shipped_inputs):
    ws = book["Inputs"]
    keyed = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    columns = {ws.cell(keyed["period"], c).value: c for c in range(5, ws.max_column + 1)}
    checked = 0
    for file, kind in (("capex.csv", "capex_actual"), ("financials.csv", "net_income_actual")):
        for ticker, period, source in _sources(shipped_inputs / file):
            if period not in columns:
                continue
            cell = ws.cell(keyed[f"{kind}:{ticker}"], columns[period])
            assert cell.value is not None
            assert cell.comment is not None and source in cell.comment.text, (kind, ticker, period)
            checked += 1
        for ticker in shipped.model.inputs.tickers:  # not on the label any more
            assert ws.cell(keyed[f"{kind}:{ticker}"], 2).comment is None
    assert checked >= 15  # Microsoft's fiscal 2024 is its quarters: no row of its own


# --- conditional formats, print, Cover ---------------------------------------------


def _rules(ws) -> list[tuple[str, str]]:
    return [
        (str(cf.sqref), " ".join(rule.formula or []))
        for cf in ws.conditional_formatting
        for rule in cf.rules
    ]


def test_conditional_formats(shipped, book):
    charts = {r.key: r.number for r in shipped.model.sheets["Charts"].rows if r.key}
    flag = f"Charts!E${charts['forecast_period']}=1"
    for name in ("Capex", "Growth", "Depreciation", "Profit Impact", "Checks"):
        assert any(formula == flag for _, formula in _rules(book[name])), name
    assert any(f == f"E${charts['forecast_period']}=1" for _, f in _rules(book["Charts"]))
    growth = {r.key: r.number for r in shipped.model.sheets["Growth"].rows if r.key}
    first = growth[f"capex_yoy:{shipped.model.inputs.tickers[0]}"]
    assert (
        f"E{first}:K{growth['capex_yoy:TOTAL']}",
        f'AND(E{first}<>"",E{first}>Peak_Growth_Threshold)',
    ) in _rules(book["Growth"])
    checks = [f for _, f in _rules(book["Checks"])]
    assert any(f.endswith("<>0)") for f in checks) and any(f.endswith("=0)") for f in checks)
    assert any("All checks pass" in f for _, f in _rules(book["Cover"]))
    annual = [
        r.number
        for r in shipped.model.sheets["Annual"].rows
        if r.key and r.key.startswith("forecast_periods:")
    ]
    assert annual == list(range(annual[0], annual[-1] + 1))  # one run: one range, any company count
    assert f"MAX(E${annual[0]}:E${annual[-1]})>0" in [f for _, f in _rules(book["Annual"])]


def test_every_sheet_prints_landscape_fitted_to_width(book):
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1)  # absent: the default, 1 page wide
        assert int(ws.page_setup.fitToHeight) == 0  # as many pages tall as it takes
        assert ws.print_area, ws.title
        if ws.title != "Cover":
            assert ws.print_title_rows == "$1:$2" and ws.print_title_cols == "$A:$D", ws.title


def test_quarterly_sheets_print_two_fiscal_years_a_page(quarterly):
    """Quarters are not squeezed onto one page wide: each page holds two fiscal years of
    columns beside the repeated columns A-D, at a scale that fits them; the Annual sheet
    (fiscal years) and the Charts sheet stay one page wide."""
    book = openpyxl.load_workbook(quarterly.out)
    periods = [p.label for p in quarterly.model.timeline.periods]
    starts = [i for i, p in enumerate(periods) if p.endswith("Q1") and int(p[:4]) % 2 == 1]
    for name in ("Inputs", "Capex", "Depreciation", "Profit Impact", "Checks"):
        ws = book[name]
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, name
        breaks = [b.id for b in ws.col_breaks.brk]  # a page starts at column `id`, from 0
        first = periods.index(next(p for p in periods if p.endswith("Q1")))
        want = [4 + i for i in starts if i > first]  # after D, column E is period 0
        assert breaks == want, (name, breaks, periods)
        assert ws.print_title_cols == "$A:$D"
        scale = int(ws.page_setup.scale)
        widths = [int(ws.column_dimensions[c].width) for c in "ABCD"] + [10] * 8  # 46.71: 46
        pixels = sum(int(w * 7 + 5) for w in widths)
        assert 10 <= scale <= 100 and pixels * scale / 100 <= 960 < pixels * (scale + 1) / 100
    for name in ("Annual", "Charts"):
        assert book[name].sheet_properties.pageSetUpPr.fitToPage, name


def test_column_b_fits_the_labels_and_wraps_the_longest(book, shipped):
    """Column B is as wide as the longest label (at 0.85 of a width unit a character, plus
    2), never narrower than 46 nor wider than 80; a label longer still wraps."""
    for ws in book.worksheets:
        if ws.title in ("Cover", "_modelgen") or ws.sheet_state != "visible":
            continue
        rows = shipped.model.sheets[ws.title].rows
        labels = [r.label for r in rows if r.key and r.kind not in ("header", "title")]
        width = int(ws.column_dimensions["B"].width)  # written as 46.71 for 46
        assert width == min(80, max(46, round(0.85 * max(map(len, labels)) + 2))), ws.title
        for r in rows:
            if r.key and r.kind not in ("header", "title"):
                cell = ws.cell(r.number, 2)
                assert cell.value == r.label
                assert bool(cell.alignment.wrap_text) == (0.85 * len(r.label) + 2 > width)
    assert int(book["Checks"].column_dimensions["B"].width) == 80  # its labels say what to do


def test_cover_links_every_sheet_and_shows_the_fingerprint(shipped, book):
    ws = book["Cover"]
    links = {c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink}
    visible = [
        s.title for s in book.worksheets if s.sheet_state == "visible" and s.title != "Cover"
    ]
    assert {f"'{n}'!A1" for n in visible} <= links
    values = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert re.fullmatch(r"[0-9a-f]{64}", values["Build fingerprint"])
    assert values["Build fingerprint"] == fingerprint(shipped.model)
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props["modelgen fingerprint"] == values["Build fingerprint"]


def test_the_fingerprint_follows_inputs_template_and_nothing_else(
    tmp_path, shipped_inputs, shipped
):
    def fp(folder: Path, template: Path | None = None) -> str:
        return fingerprint(build_model(load_inputs(folder), load_template(template)))

    base = fingerprint(shipped.model)  # built from the shipped inputs by `build`
    assert fp(shipped_inputs) == base
    copy = shutil.copytree(shipped_inputs, tmp_path / "in")
    assert fp(copy) == base  # the folder's name and place do not count
    with (copy / "capex.csv").open("a", encoding="utf-8") as f:
        f.write("\n")  # a blank line: the same figures, other bytes
    assert fp(copy) != base
    tpl = tmp_path / "look.toml"
    tpl.write_text('[colours]\ninput_fill = "#FFFFAA"\n', encoding="utf-8")
    assert fp(shipped_inputs, tpl) != base


def test_helper_rows_take_their_labels_from_the_template(tmp_path, shipped_inputs):
    """The straight-line schedule's and the vintage grid's helper rows are labelled by the
    template's [labels], the charge they serve filled into {subject}."""
    tpl = tmp_path / "labels.toml"
    tpl.write_text(
        "[labels]\n"
        'charge_rate = "Rate for {subject}"\n'
        'charge_whole = "Whole periods for {subject}"\n'
        'years_in_service_vintage = "In service {vintage}, {name} {asset_class}"\n'
        'remaining_life_vintage = "Life left {vintage}, {name} {asset_class}"\n'
        'remaining_life_opening = "Opening life left, {name} {asset_class}"\n'
        'in_service_from = "Service from, {name} {asset_class}"\n',
        encoding="utf-8",
    )
    m = build_model(load_inputs(shipped_inputs), load_template(tpl))
    work, dep = m.sheets["Sensitivity Workings"], m.sheets["Depreciation"]
    varied = work["varied_charge"].label
    assert work["charge_rate:varied"].label == f"Rate for {varied}"
    assert work["varied_charge_whole"].label == f"Whole periods for {varied}"
    assert work["life_charge_whole:2"].label == f"Whole periods for {work['life_charge:2'].label}"
    assert work["charge_newest_age:varied"].label.startswith(varied)  # the default's words
    grid = {
        "years_in_service_vintage:AMZN:servers:2024": "In service 2024, Amazon servers",
        "remaining_life_vintage:AMZN:servers:2024": "Life left 2024, Amazon servers",
        "remaining_life_opening:AMZN:servers": "Opening life left, Amazon servers",
        "in_service_from:AMZN:servers": "Service from, Amazon servers",
    }
    assert {key: dep[key].label for key in grid} == grid


# --- LibreOffice ---------------------------------------------------------------------


@engine
def test_charts_and_names_verify_and_the_chart_rows_follow_their_inputs(
    shipped, quarterly, tmp_path
):
    # choose Amazon for the waterfall and report every company's 2025 capex: typed into a
    # copy, recalculated in the same LibreOffice run that verifies the two workbooks
    model = shipped.model
    charts, inputs = model.sheets["Charts"], model.sheets["Inputs"]
    chosen = type_values(
        shipped.out,
        tmp_path / "chosen.xlsx",
        "Charts",
        {f"D{charts['chart_company'].number}": "AMZN"},
    )
    col = get_column_letter(5 + model.periods.index("2025"))
    typed = {f"{col}{inputs[f'capex_actual:{t}'].number}": 100.0 for t in model.inputs.tickers}
    edited = type_values(chosen, tmp_path / "edited.xlsx", "Inputs", typed)
    books = [shipped.out, quarterly.out]
    *again, recalculated = recalc_many([*books, edited], tmp_path)
    reports = [compare(book, out) for book, out in zip(books, again, strict=True)]
    assert all(r.ok for r in reports), "\n".join(line for r in reports for line in r.lines())
    got = read_keyed(recalculated, data_only=True)
    chart, dep = got["Charts"].rows, got["Depreciation"].rows
    for p in model.periods:
        stacked = [chart[f"chart_vintage:{v}"].values[p] for v in ["opening", *model.periods]]
        assert sum(stacked) == pytest.approx(dep["depreciation:AMZN"].values[p])
        assert chart["chart_vintage:opening"].values[p] == pytest.approx(
            dep["depreciation_opening:AMZN"].values[p]
        )
        classes = [a.name for a in model.inputs.asset_classes["AMZN"]]
        for v in model.periods:  # a vintage's charge over Amazon's classes
            charged = sum(dep[f"depreciation_vintage:AMZN:{c}:{v}"].values[p] for c in classes)
            assert chart[f"chart_vintage:{v}"].values[p] == pytest.approx(charged)
    assert chart["forecast_period"].values["2025"] == 0  # reported now: no longer shaded
    assert chart["forecast_period"].values["2026"] == 1
    assert chart["chart_capex_actual:MSFT"].values["2025"] == 100
    assert chart["chart_capex_forecast:MSFT"].values["2025"] == 0


def _many_companies(folder: Path, n: int) -> Path:
    """`n` companies, each a copy of Microsoft's rows under a new ticker."""
    folder.mkdir()
    rows = {"companies.csv": [], "capex.csv": [], "financials.csv": []}
    for name in rows:
        lines = (ARTICLE / name).read_text(encoding="utf-8").splitlines()
        rows[name] = [lines[0]] + [
            line.replace("MSFT", f"C{i:02d}", 1)
            for i in range(n)
            for line in lines[1:]
            if line.startswith("MSFT,")
        ]
        (folder / name).write_text("\n".join(rows[name]) + "\n", encoding="utf-8")
    for name in ("assumptions.csv", "settings.csv"):
        shutil.copy(ARTICLE / name, folder / name)
    (folder / "guidance.csv").write_text("ticker,period,capex_low,capex_high,source\n")
    return folder


def test_many_companies_chart_the_first_twelve(tmp_path):
    result = build(_many_companies(tmp_path / "in", 14), tmp_path / "many.xlsx")
    book = openpyxl.load_workbook(result.out)
    capex, growth, share, _, fall = (_series(x) for x in _charts_by_sheet(result.out)["Charts"])
    assert len(capex) == 24 and len(growth) == 13 and len(share) == 12
    assert "the first 12 of 14 companies" in _charts_by_sheet(result.out)["Charts"][0]
    charts = result.model.sheets["Charts"]
    assert len([r for r in charts.rows if (r.key or "").startswith("chart_pick:")]) == 12
    assert len([r for r in charts.rows if (r.key or "").startswith("capex_reported:")]) == 14
    company = _covering(book["Charts"], f"D{charts['chart_company'].number}")
    assert company.type == "list" and "C12" not in company.formula1
