"""`modelgen verify` meets hostile and broken files with one clear line and exit 2.

Every file is made here, most from a real modelgen workbook: not a workbook at all, an old
.xls, a password-protected one, a truncated one, a zip bomb, XML with a DTD (billion laughs,
an external entity), a sheet claiming the whole grid, and so on. Each goes through the real
command line in its own process; the check (modelgen/xlsx/open_safely.py) refuses it before
LibreOffice or openpyxl parses anything. (The library-level refusals, with their limits,
are in tests/test_xlsxsafe.py.)
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from modelgen.build import build
from modelgen.cli import app
from modelgen.xlsx.open_safely import OLE2_MAGIC
from tests.cli import start_modelgen
from tests.integration.test_open_safely import BILLION_LAUGHS, rewrite

ROOT = Path(__file__).resolve().parents[2]

XXE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheets><sheet name="&xxe;" sheetId="1" r:id="rId1" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
    "</sheets></workbook>"
)


def _member(good: Path, name: str) -> bytes:
    with zipfile.ZipFile(good) as zf:
        return zf.read(name)


def _bomb(good: Path, path: Path) -> None:
    rewrite(good, path, {})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", b"\x00" * (64 * 1024 * 1024))


def _many_members(good: Path, path: Path) -> None:
    rewrite(good, path, {})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        for i in range(10_001):
            zf.writestr(f"xl/junk/{i}.bin", b"")


def _huge_dimension(good: Path, path: Path) -> None:
    sheet = _member(good, "xl/worksheets/sheet2.xml").decode()
    start = sheet.index("<dimension ref=")
    end = sheet.index("/>", start) + 2
    rewrite(
        good,
        path,
        {
            "xl/worksheets/sheet2.xml": (
                sheet[:start] + '<dimension ref="A1:XFD1048576"/>' + sheet[end:]
            ).encode()
        },
    )


# name -> (how to make it from a good workbook, words the message must hold)
CASES: dict[str, tuple[Callable[[Path, Path], None], tuple[str, ...]]] = {
    "csv_renamed.xlsx": (
        lambda good, p: p.write_text("ticker,period,capex\nMSFT,2024,55.7\n"),
        ("not an xlsx workbook",),
    ),
    "empty.xlsx": (lambda good, p: p.write_bytes(b""), ("not an xlsx",)),
    "garbage.xlsx": (lambda good, p: p.write_bytes(os.urandom(4096)), ("not an xlsx",)),
    "pdf.xlsx": (
        lambda good, p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        ("not an xlsx",),
    ),
    "old.xls": (
        lambda good, p: p.write_bytes(OLE2_MAGIC + b"\x00" * 8192),
        (".xls", "save it as .xlsx"),
    ),
    "old_named.xlsx": (lambda good, p: p.write_bytes(OLE2_MAGIC + b"\x00" * 8192), (".xls",)),
    "encrypted.xlsx": (
        lambda good, p: p.write_bytes(
            OLE2_MAGIC
            + b"\x00" * 5000
            + "EncryptionInfo".encode("utf-16-le")
            + b"\x00" * 64
            + "EncryptedPackage".encode("utf-16-le")
            + b"\x00" * 3000
        ),
        ("password", "remove the password"),
    ),
    "truncated.xlsx": (
        lambda good, p: p.write_bytes(good.read_bytes()[: good.stat().st_size // 2]),
        ("truncated",),
    ),
    "truncated_head.xlsx": (lambda good, p: p.write_bytes(good.read_bytes()[:100]), ("truncated",)),
    "zip_bomb.xlsx": (_bomb, ("zip bomb",)),
    "many_members.xlsx": (_many_members, ("parts",)),
    "billion_laughs.xlsx": (
        lambda good, p: rewrite(good, p, {"xl/worksheets/sheet1.xml": BILLION_LAUGHS.encode()}),
        ("DOCTYPE",),
    ),
    "external_entity.xlsx": (
        lambda good, p: rewrite(good, p, {"xl/workbook.xml": XXE.encode()}),
        ("DOCTYPE",),
    ),
    "no_workbook_part.xlsx": (
        lambda good, p: rewrite(good, p, {}, drop=("xl/workbook.xml",)),
        ("no xl/workbook.xml",),
    ),
    "plain_zip.xlsx": (
        lambda good, p: zipfile.ZipFile(p, "w").writestr("readme.txt", "just a zip"),
        ("no xl/workbook.xml",),
    ),
    "huge_dimension.xlsx": (_huge_dimension, ("1,048,576 rows",)),
    "corrupt_workbook_part.xlsx": (
        lambda good, p: rewrite(good, p, {"xl/workbook.xml": b"<workbook>not closed"}),
        ("could not be read",),
    ),
    "folder.xlsx": (lambda good, p: p.mkdir(), ("not a file",)),
    "missing.xlsx": (lambda good, p: None, ("does not exist",)),
}


_digests: dict[str, str | None] = {}
# These also run as real processes, all at once: the whole program, interpreter exit included.
IN_A_PROCESS = ("old.xls", "encrypted.xlsx", "zip_bomb.xlsx", "billion_laughs.xlsx")


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


@pytest.fixture(scope="module")
def files(tmp_path_factory, varied_inputs) -> dict[str, Path]:
    """Every hostile file, made from a real workbook; `_digests` keeps their SHA-256."""
    root = tmp_path_factory.mktemp("hostile_files")
    good = build(varied_inputs, root / "good.xlsx").out
    out = {}
    for name, (make, _) in CASES.items():
        path = root / name
        make(good, path)
        _digests[name] = _digest(path)
        out[name] = path
    return out


def assert_one_clear_line(name: str, path: Path, code: int, stdout: str, stderr: str) -> None:
    assert code == 2, (code, stdout, stderr)
    assert "Traceback" not in stderr + stdout
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith(f"modelgen: {path}: "), line
    for word in CASES[name][1]:
        assert word.lower() in line.lower(), line
    assert len(line) < 400, line


@pytest.mark.parametrize("name", list(CASES))
def test_verify_refuses_with_one_clear_line_and_exit_2(files, name):
    path = files[name]
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert_one_clear_line(name, path, result.exit_code, result.stdout, result.stderr)
    # verify reads; it never rewrites, repairs or deletes what it was given
    assert _digest(path) == _digests[name]
    assert path.is_dir() if name == "folder.xlsx" else path.exists() == (name != "missing.xlsx")


def test_the_same_from_real_processes(files):
    procs = {name: start_modelgen("verify", files[name]) for name in IN_A_PROCESS}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        assert_one_clear_line(name, files[name], proc.returncode, stdout, stderr)
