"""`modelgen preview`: every visible sheet as landscape PNG pages, from real LibreOffice and
pdftoppm; and the zip edit that makes each printed copy hold one visible sheet."""

from __future__ import annotations

import os
import re
import shutil
import zipfile

import openpyxl
import pytest
from typer.testing import CliRunner

from modelgen.cli import app
from modelgen.engine.preview import _only, file_part, png_size, visible_sheets
from tests.engine import REQUIRE_ENV, engine, require_soffice

PAGE = re.compile(r"^(\d{2})-(.+)-page(\d+)\.png$")


def require_pdftoppm() -> None:
    """Skip without pdftoppm, unless CI demands the engines (then fail), like require_soffice."""
    if shutil.which("pdftoppm"):
        return
    message = "pdftoppm is not installed: apt-get install -y poppler-utils"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1 makes this a failure, not a skip)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def book(shipped_book):
    return shipped_book


def test_each_copy_shows_one_sheet(book):
    xml = zipfile.ZipFile(book).read("xl/workbook.xml").decode()
    sheets = visible_sheets(xml)
    names = [n for _, n in sheets]
    assert names[:3] == ["Cover", "Inputs", "Capex"] and "_modelgen" not in names
    for index, name in sheets:
        only = _only(xml, index)
        assert visible_sheets(only) == [(index, name)]
        assert f'activeTab="{index}"' in only
        assert all(f'localSheetId="{i}"' not in only for i, _ in sheets if i != index)


@engine
def test_preview_renders_every_sheet_on_landscape_pages(book, tmp_path):
    require_soffice()
    require_pdftoppm()
    out = tmp_path / "png"
    (out).mkdir()
    (out / "99-Stale-page1.png").write_bytes(b"old")  # an earlier image of ours: replaced
    (out / "notes.txt").write_text("mine")  # anything else: left alone
    result = CliRunner().invoke(app, ["preview", str(book), "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages: dict[str, list[int]] = {}
    for png in sorted(out.glob("*.png")):
        m = PAGE.match(png.name)
        assert m, png.name
        pages.setdefault(m.group(2), []).append(int(m.group(3)))
        width, height = png_size(png)
        assert png.stat().st_size > 2000  # not blank
        assert 1.2 < width / height < 1.5, (png.name, width, height)  # a landscape page
    visible = [
        ws.title for ws in openpyxl.load_workbook(book).worksheets if ws.sheet_state == "visible"
    ]
    assert list(pages) == [file_part(n) for n in visible]  # one set per sheet, in order
    assert all(sorted(p) == list(range(1, len(p) + 1)) for p in pages.values())
    assert pages["Capex"] == [1] and pages["Growth"] == [1]  # fitted to width, one page tall
    assert (out / "notes.txt").read_text() == "mine"
    assert f"{len(visible)} sheets" in result.stdout


def test_preview_without_pdftoppm_exits_3(book, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # neither pdftoppm nor anything else
    result = CliRunner().invoke(app, ["preview", str(book), "--out", str(tmp_path / "png")])
    assert result.exit_code == 3
    assert "poppler-utils" in result.stderr


def test_preview_of_a_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["preview", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2
    assert "nope.xlsx" in result.stderr
