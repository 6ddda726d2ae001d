"""The Cover and the title: settings `title` and `subject` name the model (Cover, document
properties, print headers), else its own companies do; the Cover opens with the headline
numbers, live references to the Annual sheet whose cached values are the Annual sheet's own,
and agree with arithmetic from the input CSVs and with LibreOffice."""

from __future__ import annotations

import csv
import math
import shutil
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from modelgen.build import build
from modelgen.engine.verify import compare
from modelgen.inputs.folder import load_inputs
from modelgen.inputs.starter import write_starter
from modelgen.xlsx.cells import WorkbookCells
from modelgen.xlsx.presentation import print_header
from tests.engine import engine, recalc_many
from tests.package_xml import read_once
from tests.reference import yearly

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = ROOT / "tests" / "data" / "article"
SHIPPED_TITLE = "Big Tech capex, depreciation and profit impact"
SHIPPED_SUBJECT = "Capex of Microsoft, Amazon, Alphabet and Meta and the depreciation it turns into"
ARTICLE_TITLE = (
    "Capex, depreciation and profit impact: Microsoft, Amazon, Alphabet and Meta Platforms"
)
# a header of the Cover's table -> the Annual row kind it shows
KINDS = {
    "Capex": "capex",
    "Growth": "capex_yoy",
    "D&A / NI": "depreciation_pct_net_income",
    "EPS impact": "eps_impact_incremental_da",
}
BIG = 13  # companies: more than the table lists one by one


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _add_settings(folder: Path, lines: list[str]) -> None:
    path = folder / "settings.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _big_folder(folder: Path) -> Path:
    """BIG companies, two actual years each, no guidance: the total only on the Cover."""
    folder.mkdir()
    companies = [(f"C{i:02d}", f"Company {i}") for i in range(1, BIG + 1)]
    (folder / "companies.csv").write_text(
        "ticker,name,fiscal_year_end_month\n" + "".join(f"{t},{n},12\n" for t, n in companies)
    )
    (folder / "capex.csv").write_text(
        "ticker,period,capex,source\n"
        + "".join(
            f"{t},2023,{i},x\n{t},2024,{i * 1.5},x\n" for i, (t, _) in enumerate(companies, 1)
        )
    )
    (folder / "financials.csv").write_text(
        "ticker,period,net_income,source\n"
        + "".join(
            f"{t},2023,{10 * i},x\n{t},2024,{12 * i},x\n" for i, (t, _) in enumerate(companies, 1)
        )
    )
    (folder / "guidance.csv").write_text("ticker,period,capex_low,capex_high,source\n")
    (folder / "assumptions.csv").write_text(
        "ticker,asset_class,share,useful_life_years\n*,all_assets,1,5\n"
    )
    (folder / "settings.csv").write_text("key,value\nunit,USD m\nforecast_years,3\n")
    return folder


@pytest.fixture(scope="module")
def folders(tmp_path_factory, shipped_inputs, quarterly_inputs) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("cover-inputs")
    starter = tmp / "starter"
    write_starter(starter)
    ampersand = tmp / "ampersand"
    shutil.copytree(ARTICLE, ampersand)
    _add_settings(ampersand, ['title,"R&D, capex & depreciation: &P is not a page number"'])
    return {
        "shipped": shipped_inputs,
        "article": ARTICLE,
        "quarterly": quarterly_inputs,
        "starter": starter,
        "ampersand": ampersand,
        "big": _big_folder(tmp / "big"),
    }


@pytest.fixture(scope="module")
def books(tmp_path_factory, folders, shipped_book) -> dict[str, Path]:
    """Each folder's workbook; the shipped inputs' is the one every build of them writes."""
    out = tmp_path_factory.mktemp("cover-books")
    built = {n: build(f, out / f"{n}.xlsx").out for n, f in folders.items() if n != "shipped"}
    return {"shipped": shipped_book, **built}


@pytest.fixture(scope="module")
def opened() -> Callable[[Path], openpyxl.Workbook]:
    """openpyxl.load_workbook (formula text, properties, print headers), once per workbook
    for this module's tests (none of them changes one)."""
    seen: dict[Path, openpyxl.Workbook] = {}

    def workbook(path: Path) -> openpyxl.Workbook:
        if path not in seen:
            seen[path] = openpyxl.load_workbook(path)
        return seen[path]

    return workbook


# --- reading the workbook back, by row key and by the Cover's own labels --------------------


def _grid(
    book: WorkbookCells | openpyxl.Workbook, sheet: str, width: int = 7
) -> list[list[object]]:
    """A sheet's cells by row, all as wide as the widest (``width`` at least): cached values
    (a workbook read with read_cells) or formula text (one loaded with openpyxl)."""
    if isinstance(book, WorkbookCells):
        grid = book.sheets[sheet].grid()
    else:
        grid = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    width = max([width, *map(len, grid)])
    return [r + [None] * (width - len(r)) for r in grid]


def _annual(book: WorkbookCells) -> dict[str, dict[str, object]]:
    """The Annual sheet: row key (column A) -> {period label: value} from column E on."""
    grid = _grid(book, "Annual")
    keyed = {r[0]: r for r in grid if r and isinstance(r[0], str)}
    labels = [str(v) for v in keyed["period"][4:] if v is not None]
    return {k: dict(zip(labels, r[4 : 4 + len(labels)], strict=True)) for k, r in keyed.items()}


def _table(book: WorkbookCells | openpyxl.Workbook) -> dict[str, dict[str, object]]:
    """The Cover's headline table: row label -> {column header: value (or formula)}."""
    grid = [r[:7] for r in _grid(book, "Cover")]
    start = next(i for i, r in enumerate(grid) if r[0] == "Headline numbers")
    head = next(i for i in range(start, len(grid)) if str(grid[i][1]).startswith("Capex "))
    headers = [h for h in grid[head][1:] if h]
    table = {}
    for r in grid[head + 1 :]:
        if r[0] in (None, "Check status"):
            break
        table[r[0]] = dict(zip(headers, r[1 : 1 + len(headers)], strict=True))
    return table


def _cover_lines(book: WorkbookCells, column: int = 1) -> list[object]:
    """The Cover's column A (or ``column``), top to bottom: its cached values, text here."""
    return [r[column - 1] for r in _grid(book, "Cover")]


def _key(header: str, ticker: str) -> tuple[str, str]:
    """'Growth 2025', 'MSFT' -> ('capex_yoy:FY:MSFT', '2025')."""
    name, year = header.rsplit(" ", 1)
    return f"{KINDS[name]}:FY:{ticker}", year


def _tickers(folder: Path) -> dict[str, str]:
    """Cover label -> ticker (Total -> TOTAL), from companies.csv."""
    names = {c["name"] or c["ticker"]: c["ticker"] for c in _rows(folder / "companies.csv")}
    return {"Total": "TOTAL", **names}


def _same(want: object, got: object) -> bool:
    if want in (None, ""):
        return got in (None, "")
    return isinstance(got, int | float) and math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-9)


# --- the title and the subject ----------------------------------------------------------


def test_the_shipped_title_names_cover_properties_and_print_headers(books, opened):
    path = books["shipped"]
    assert _cover_lines(read_once(path))[:2] == [SHIPPED_TITLE, SHIPPED_SUBJECT]
    wb = opened(path)
    assert wb.properties.title == SHIPPED_TITLE
    assert wb.properties.subject == SHIPPED_SUBJECT
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            assert ws.oddHeader.center.text == SHIPPED_TITLE, ws.title


def test_without_a_title_the_model_is_named_after_its_companies(books, opened):
    wb = opened(books["article"])
    assert wb.properties.title == ARTICLE_TITLE
    assert "Big Tech" not in (wb.properties.subject or "")
    assert "Microsoft, Amazon, Alphabet and Meta Platforms" in wb.properties.subject
    assert _cover_lines(read_once(books["article"]))[0] == ARTICLE_TITLE
    assert wb["Capex"].oddHeader.center.text == ARTICLE_TITLE
    starter = openpyxl.load_workbook(books["starter"])
    assert starter.properties.title == "Capex, depreciation and profit impact: Example Corp"
    assert _cover_lines(read_once(books["starter"]))[0] == starter.properties.title


def test_a_large_universe_is_named_briefly(books):
    title = openpyxl.load_workbook(books["big"]).properties.title
    assert (
        title == f"Capex, depreciation and profit impact: Company 1, Company 2 and {BIG - 2} more"
    )


def test_the_template_no_longer_names_the_shipped_model():
    text = (ROOT / "modelgen" / "templates" / "default.toml").read_text(encoding="utf-8")
    assert "Big Tech" not in text and "Microsoft" not in text
    settings = {r["key"]: r["value"] for r in _rows(ROOT / "inputs" / "settings.csv")}
    assert settings["title"] == SHIPPED_TITLE and settings["subject"] == SHIPPED_SUBJECT
    assert load_inputs(ROOT / "inputs").settings.title == SHIPPED_TITLE


def test_ampersands_in_the_title_are_text_in_the_print_header(books):
    title = "R&D, capex & depreciation: &P is not a page number"
    wb = openpyxl.load_workbook(books["ampersand"])
    assert wb.properties.title == title and _cover_lines(read_once(books["ampersand"]))[0] == title
    with zipfile.ZipFile(books["ampersand"]) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<oddHeader>&amp;CR&amp;&amp;D, capex &amp;&amp; depreciation: &amp;&amp;P is" in xml


def test_the_print_header_fits_excels_limit_cut_at_a_word():
    assert print_header("A & B") == "&CA && B"
    long = " ".join(["R&D"] * 60)  # 239 characters, 301 with every & doubled and the code
    header = print_header(long)
    assert len(header) <= 255 and header.startswith("&C") and header.endswith("R&&D…")
    assert header[2:-1].replace("&&", "&") == " ".join(["R&D"] * header.count("R&&D"))
    assert print_header("&" * 200) == "&C" + "&&" * 126 + "…"
    assert print_header("") == ""


# --- the headline numbers ---------------------------------------------------------------


@pytest.mark.parametrize("which", ["shipped", "article", "quarterly"])
def test_headline_numbers_are_the_annual_sheets_own(books, folders, opened, which):
    path = books[which]
    annual = _annual(read_once(path))
    table = _table(read_once(path))
    formulas = _table(opened(path))  # the formula text
    labels = _tickers(folders[which])
    assert list(table) == list(labels)  # the total, then each company in order
    checked = 0
    for label, cells in table.items():
        for header, got in cells.items():
            key, year = _key(header, labels[label])
            if key not in annual:  # no total of EPS
                assert got is None and key.startswith("eps_impact") and label == "Total"
                continue
            assert _same(annual[key][year], got), (which, label, header, annual[key][year], got)
            assert formulas[label][header].startswith("=Annual!$"), formulas[label][header]
            checked += 1
    assert checked >= 5 * len(labels) - 1


def test_headline_years_follow_the_last_actual_period(books):
    # annual models: the last actual year and the next
    assert list(next(iter(_table(read_once(books["shipped"])).values())))[:3] == [
        "Capex 2024",
        "Capex 2025",
        "Growth 2025",
    ]
    # quarterly: actuals run to 2025Q2, so fiscal 2025 is not complete: 2024 and 2025
    quarterly = _table(read_once(books["quarterly"]))["Total"]
    assert list(quarterly)[:2] == ["Capex 2024", "Capex 2025"]


def test_headline_capex_recomputed_from_the_csv_files(books, folders):
    for which, last in (("shipped", "2024"), ("article", "2024"), ("big", "2024")):
        labels = _tickers(folders[which])
        # a fiscal year as given, else its four quarters (Microsoft's, shipped)
        tickers = [t for t in labels.values() if t != "TOTAL"]
        capex = yearly(_rows(folders[which] / "capex.csv"), "capex", tickers)
        total = sum(by_year[int(last)] for by_year in capex.values())
        table = _table(read_once(books[which]))
        assert table["Total"][f"Capex {last}"] == pytest.approx(total, rel=1e-12)
        for label, cells in table.items():
            if label != "Total":
                want = capex[labels[label]][int(last)]
                assert cells[f"Capex {last}"] == pytest.approx(want, rel=1e-12)
    # 2025: guidance midpoints where given; the total's growth on 2024 is their arithmetic
    shipped = _table(read_once(books["shipped"]))
    guidance = {r["ticker"]: r for r in _rows(folders["shipped"] / "guidance.csv")}
    for label, ticker in _tickers(folders["shipped"]).items():
        g = guidance.get(ticker)
        if g and g["period"] == "2025":
            low, high = float(g["capex_low"]), float(g["capex_high"] or g["capex_low"])
            assert shipped[label]["Capex 2025"] == pytest.approx((low + high) / 2)
    total = shipped["Total"]
    assert total["Growth 2025"] == pytest.approx(total["Capex 2025"] / total["Capex 2024"] - 1)
    # fiscal years: Microsoft's 2024 ended in June (its four quarters); the article's
    # calendar total is the Cover's table of the article's measure (below)
    assert total["Capex 2024"] == pytest.approx(
        11.2 + 11.5 + 14.0 + 19.0 + 77.658 + 52.535 + 37.256
    )


def _block(book: WorkbookCells, title: str) -> dict[str, list[object]]:
    """A Cover table after the headline: row label -> its cells, from the header row whose
    column A starts with `title` to the first empty row."""
    grid = _grid(book, "Cover")
    start = next(i for i, r in enumerate(grid) if str(r[0]).startswith(title))
    rows = {}
    for r in grid[start + 2 :]:
        if r[0] is None:
            break
        rows[r[0]] = r[1:7]
    return rows


def test_the_cover_shows_the_articles_measure_and_the_tie_out(books):
    """The article's table as it printed it (calendar 2024 capex / 5 over net income), and
    each company's last reported year, modelled against reported PP&E depreciation."""
    shipped = read_once(books["shipped"])
    article = _block(shipped, "The article's measure, calendar 2024")
    assert {label: round(cells[3], 2) for label, cells in article.items()} == {
        "Microsoft": 0.16,
        "Amazon": 0.26,
        "Alphabet": 0.10,
        "Meta Platforms": 0.12,
    }
    assert article["Microsoft"][0] == pytest.approx(14.0 + 19.0 + 20.0 + 22.6)  # its quarters
    tie = _block(shipped, "Tie-out, last reported period")
    filed = {"Microsoft": 15.2, "Amazon": 32.1, "Alphabet": 15.311, "Meta Platforms": 15.29}
    assert set(tie) == set(filed)
    for label, (period, modelled, reported, gap, pct, _) in tie.items():
        assert period == "2024" and reported == filed[label]
        assert gap == pytest.approx(modelled - reported)
        assert pct == pytest.approx(modelled / reported - 1)
        assert abs(pct) <= 0.05  # the filings' case ties within the default tolerance


def test_headline_quarterly_capex_sums_the_quarters_of_the_fiscal_year(books, folders):
    capex = _rows(folders["quarterly"] / "capex.csv")
    by_year: dict[str, float] = defaultdict(float)
    for r in capex:
        if r["period"].startswith("2024Q"):
            by_year[r["ticker"]] += float(r["capex"])
    table = _table(read_once(books["quarterly"]))
    labels = _tickers(folders["quarterly"])
    for label, ticker in labels.items():
        if ticker != "TOTAL":
            assert table[label]["Capex 2024"] == pytest.approx(by_year[ticker], rel=1e-12)
    assert table["Total"]["Capex 2024"] == pytest.approx(sum(by_year.values()), rel=1e-12)


def test_a_large_universe_shows_the_total_only_and_says_so(books):
    table = _table(read_once(books["big"]))
    assert list(table) == ["Total"]
    text = "\n".join(str(v) for v in _cover_lines(read_once(books["big"])) if v)
    notes = _cover_lines(read_once(books["big"]), column=2)
    assert any(isinstance(n, str) and f"The total of {BIG} companies" in n for n in notes)
    assert "Check status" in text


def test_the_check_status_follows_the_table(books):
    lines = _cover_lines(read_once(books["shipped"]))
    status = lines.index("Check status")
    assert lines.index("Headline numbers") < status < lines.index("What this is")
    assert lines[status - 1] == "Meta Platforms"  # right after the table's last row


# --- LibreOffice -----------------------------------------------------------------------


@engine
def test_libreoffice_recalculates_the_headline_to_the_same_numbers(books, folders, tmp_path):
    names = ["shipped", "quarterly", "big"]
    recalculated = recalc_many([books[n] for n in names], tmp_path)
    for name, again in zip(names, recalculated, strict=True):
        report = compare(books[name], again)
        assert report.ok and report.mismatches == [] and report.errors == [], report.lines()
        annual, table, cached = (
            _annual(read_once(again)),
            _table(read_once(again)),
            _table(read_once(books[name])),
        )
        labels = _tickers(folders[name])
        for label, cells in table.items():
            for header, got in cells.items():
                key, year = _key(header, labels[label])
                want = annual.get(key, {}).get(year)
                assert _same(want, got), (name, label, header, want, got)
                assert _same(cached[label][header], got), (name, label, header)
        lines = {r[0]: r[1] for r in _grid(read_once(again), "Cover")}
        assert lines["Check status"] == "All checks pass"
