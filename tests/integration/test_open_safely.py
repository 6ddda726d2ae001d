"""xlsxsafe refuses every kind of bad file with a message that names it; good files open."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from modelgen.xlsx.open_safely import (
    OLE2_MAGIC,
    Limits,
    UnsafeWorkbookError,
    check_xlsx,
    open_workbook,
)

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def make_good(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Calc")
    ws.write_string("A1", "capex:MSFT")
    ws.write_number("E1", 55.7)
    ws.write_formula("F1", "=E1*2", None, 111.4)
    wb.close()
    return path


def rewrite(src: Path, dst: Path, replace: dict[str, bytes], drop: tuple[str, ...] = ()) -> Path:
    """Copy an xlsx zip, replacing or dropping members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
    return dst


def refused(path: Path, *words: str, limits: Limits | None = None) -> str:
    with pytest.raises(UnsafeWorkbookError) as exc:
        open_workbook(path, data_only=True, limits=limits)
    message = str(exc.value)
    assert str(path) in message, message
    for word in words:
        assert word.lower() in message.lower(), message
    return message


def test_good_workbook_opens_with_values_and_formulas(tmp_path: Path) -> None:
    path = make_good(tmp_path / "good.xlsx")
    values = open_workbook(path, data_only=True)["Calc"]
    formulas = open_workbook(path, data_only=False)["Calc"]
    assert values["A1"].value == "capex:MSFT"
    assert values["F1"].value == 111.4
    assert formulas["F1"].value == "=E1*2"


def test_read_only_workbook_opens_and_closes(tmp_path: Path) -> None:
    path = make_good(tmp_path / "good.xlsx")
    wb = open_workbook(path, data_only=True, read_only=True)
    try:
        assert [r for r in wb["Calc"].iter_rows(values_only=True)][0][-1] == 111.4
    finally:
        wb.close()


def test_unusual_suffix_still_opens(tmp_path: Path) -> None:
    path = make_good(tmp_path / "good.xlsx").rename(tmp_path / "model.xlsx.tmp")
    assert open_workbook(path, data_only=True)["Calc"]["F1"].value == 111.4


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nowhere.xlsx", "does not exist")


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    refused(folder, "not a file")


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "capex.xlsx"
    path.write_text("company,year,capex\nMSFT,2024,55.7\n")
    refused(path, "not an xlsx workbook")


def test_old_xls_says_save_as_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(OLE2_MAGIC + b"\x00" * 4096)
    refused(path, ".xls", "save it as .xlsx")


def test_encrypted_workbook_says_remove_password(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
    directory += "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(OLE2_MAGIC + b"\x00" * 5000 + directory + b"\x00" * 3000)
    refused(path, "password", "remove the password")


def test_truncated_xlsx(tmp_path: Path) -> None:
    good = make_good(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(good[: len(good) // 2])
    refused(path, "damaged", "truncated")


def test_corrupt_member_becomes_clear_error(tmp_path: Path) -> None:
    """A zip whose directory is intact but whose data is garbage: openpyxl fails, we explain."""
    good = make_good(tmp_path / "good.xlsx")
    path = rewrite(good, tmp_path / "bad.xlsx", {"xl/workbook.xml": b"<workbook>not closed"})
    message = refused(path, "could not be read")
    assert "Traceback" not in message


def test_zip_bomb_refused_before_inflating(tmp_path: Path) -> None:
    good = make_good(tmp_path / "good.xlsx")
    path = tmp_path / "bomb.xlsx"
    rewrite(good, path, {})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", b"\x00" * (50 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    refused(path, "zip bomb")


def test_size_caps(tmp_path: Path) -> None:
    good = make_good(tmp_path / "good.xlsx")
    refused(good, "unpacks to", limits=Limits(max_member_bytes=100))
    refused(good, "unpacks to", limits=Limits(max_total_bytes=1000))


def test_billion_laughs_refused(tmp_path: Path) -> None:
    good = make_good(tmp_path / "good.xlsx")
    path = rewrite(
        good, tmp_path / "lol.xlsx", {"xl/worksheets/sheet1.xml": BILLION_LAUGHS.encode()}
    )
    refused(path, "DOCTYPE", "xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(
    "payload",
    [
        # after a comment and a processing instruction, before the root
        b'<?xml version="1.0"?><!-- hi --><?pi x?>\n<!DOCTYPE x [<!ENTITY a "b">]><x/>',
        # in UTF-16 with a byte order mark
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>'.encode(
            "utf-16"
        ),
        # in UTF-8 with a byte order mark
        b"\xef\xbb\xbf<!DOCTYPE x><x/>",
    ],
)
def test_doctype_found_however_dressed(tmp_path: Path, payload: bytes) -> None:
    good = make_good(tmp_path / "good.xlsx")
    path = rewrite(good, tmp_path / "dtd.xlsx", {"xl/styles.xml": payload})
    refused(path, "DOCTYPE")


def test_zip_without_workbook_xml(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "just a zip")
    refused(path, "no xl/workbook.xml")


def test_sheet_claiming_huge_dimension(tmp_path: Path) -> None:
    good = make_good(tmp_path / "good.xlsx")
    with zipfile.ZipFile(good) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    huge = sheet.replace(b'<dimension ref="A1:F1"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert huge != sheet
    path = rewrite(good, tmp_path / "huge.xlsx", {"xl/worksheets/sheet1.xml": huge})
    refused(path, "1,048,576 rows")
    # the default cap lets the real sheet through; a tiny cap does not
    check_xlsx(good)
    refused(good, "claims 1 rows x 6 columns", limits=Limits(max_sheet_cells=5))


def test_second_layer_openpyxl_parses_with_defusedxml(tmp_path: Path) -> None:
    """Even past our prolog scan, openpyxl's parser (defusedxml here) refuses entities."""
    import openpyxl
    from defusedxml import DefusedXmlException

    good = make_good(tmp_path / "good.xlsx")
    path = rewrite(
        good, tmp_path / "lol.xlsx", {"xl/worksheets/sheet1.xml": BILLION_LAUGHS.encode()}
    )
    assert openpyxl.DEFUSEDXML
    with pytest.raises(ValueError) as exc:  # openpyxl wraps the parser's refusal
        openpyxl.load_workbook(path)
    assert isinstance(exc.value.__cause__ or exc.value.__context__, DefusedXmlException)


def _declared(name: str, size: int, packed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = size, packed
    return info


def test_default_caps_admit_a_500_company_workbook() -> None:
    """The 500-company universe unpacks to 227 MB with a largest part of 160 MB packed 44
    times (issue 26): the default caps, set from the machine's memory, let it through, and
    the same sizes packed 200 times over are still a zip bomb."""
    from modelgen.xlsx.open_safely import _check_directory, machine_memory

    assert Limits().max_total_bytes == machine_memory() // 2
    infos = [
        _declared("xl/workbook.xml", 2_000, 1_000),
        _declared("xl/worksheets/sheet5.xml", 160 * 2**20, 160 * 2**20 // 44),
        _declared("xl/worksheets/sheet6.xml", 67 * 2**20, 67 * 2**20 // 30),
    ]
    _check_directory(Path("big.xlsx"), infos, Limits())  # no error
    bomb = [infos[0], _declared("xl/worksheets/sheet5.xml", 160 * 2**20, 160 * 2**20 // 200)]
    with pytest.raises(UnsafeWorkbookError, match="zip bomb"):
        _check_directory(Path("bomb.xlsx"), bomb, Limits())
    beyond = Limits().max_total_bytes + 1
    huge = [infos[0], _declared("xl/worksheets/sheet5.xml", beyond, beyond // 40)]
    with pytest.raises(UnsafeWorkbookError, match="unpacks to"):
        _check_directory(Path("huge.xlsx"), huge, Limits())
