"""`modelgen preview`: every visible sheet of a workbook as PNG images, without Excel.

LibreOffice prints a workbook to PDF; `pdftoppm` (poppler-utils) turns pages into PNGs. So
that each image belongs to one sheet, the workbook is copied once per visible sheet with
every other sheet marked hidden (an edit of `xl/workbook.xml` in the zip: nothing else is
touched, charts included), and LibreOffice converts all the copies in one run; hidden
sheets are not printed. A sheet prints on as many landscape pages as its print setup
needs; its images are `NN-Sheet_Name-pageK.png`: NN its position among the visible sheets
(01 is the Cover), K the page. LibreOffice recalculates on load (the profile of
`modelgen.engine.libreoffice`), so the images show what the formulas compute.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from modelgen.engine.libreoffice import EngineMissingError, RecalcError, convert
from modelgen.xlsx.open_safely import check_xlsx

PDFTOPPM_HINT = "Install poppler-utils; on Debian/Ubuntu: apt-get install -y poppler-utils"
_SHEET = re.compile(r"<sheet\b[^>]*?/>")
_OURS = re.compile(r"^\d{2}-.+-page\d+\.png$")


@dataclass
class Page:
    """One rendered page of one sheet."""

    sheet: str
    position: int  # 1-based among the visible sheets
    page: int  # 1-based within the sheet
    path: Path
    width: int  # pixels
    height: int


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG, from its header."""
    head = Path(path).read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG image")
    return struct.unpack(">II", head[16:24])


def file_part(name: str) -> str:
    """A sheet name as a piece of a file name: `Profit Impact` -> `Profit_Impact`."""
    return re.sub(r"[^A-Za-z0-9.-]+", "_", name).strip("_.") or "sheet"


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\b{name}="([^"]*)"', tag)
    return m.group(1) if m else None


def _unescape(text: str) -> str:
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text


def visible_sheets(workbook_xml: str) -> list[tuple[int, str]]:
    """(index among all sheets, name) of the visible sheets, in order."""
    tags = _SHEET.findall(workbook_xml)
    return [
        (i, _unescape(_attr(tag, "name") or f"Sheet{i + 1}"))
        for i, tag in enumerate(tags)
        if _attr(tag, "state") in (None, "visible")
    ]


def _only(workbook_xml: str, keep: int) -> str:
    """`workbook_xml` with every sheet but the `keep`-th hidden and that one active."""
    tags = iter(range(10**9))

    def hide(m: re.Match[str]) -> str:
        tag, i = m.group(0), next(tags)
        if i == keep or _attr(tag, "state") not in (None, "visible"):
            return tag
        return tag.replace("<sheet ", '<sheet state="hidden" ', 1)

    xml = _SHEET.sub(hide, workbook_xml)
    # LibreOffice prints a hidden sheet that has a print area: drop the others' print setup
    xml = re.sub(
        r'<definedName name="_xlnm\.Print_(?:Area|Titles)" localSheetId="(\d+)"[^>]*>[^<]*</definedName>',
        lambda m: m.group(0) if int(m.group(1)) == keep else "",
        xml,
    )
    xml = xml.replace("<definedNames></definedNames>", "")
    xml = re.sub(r'\s(activeTab|firstSheet)="\d+"', "", xml)
    return re.sub(
        r"<workbookView\b", f'<workbookView activeTab="{keep}" firstSheet="{keep}"', xml, count=1
    )


def _copies(src: Path, scratch: Path) -> list[tuple[int, str, Path]]:
    """One copy of `src` per visible sheet: (position, sheet name, copy)."""
    out = []
    with zipfile.ZipFile(src) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
        parts = [(info, z.read(info.filename)) for info in z.infolist()]
    for position, (index, name) in enumerate(visible_sheets(xml), start=1):
        copy = scratch / f"{position:02d}.xlsx"
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as w:
            for info, data in parts:
                if info.filename == "xl/workbook.xml":
                    data = _only(xml, index).encode("utf-8")
                elif info.filename.startswith("xl/worksheets/sheet"):
                    data = data.replace(b' tabSelected="1"', b"")
                w.writestr(
                    zipfile.ZipInfo(info.filename, info.date_time), data, zipfile.ZIP_DEFLATED
                )
        out.append((position, name, copy))
    return out


def _to_pdf(paths: list[Path], outdir: Path, timeout: float) -> None:
    """Print every workbook in `paths` to `outdir/<stem>.pdf` with one LibreOffice run."""
    run = convert(
        paths,
        outdir,
        "pdf:calc_pdf_Export",
        timeout=timeout,
        doing=f"printing {len(paths)} sheet(s) to PDF",
    )
    missing = [p.name for p in paths if not (outdir / f"{p.stem}.pdf").is_file()]
    if missing:
        raise RecalcError(
            f"LibreOffice printed no PDF for {', '.join(missing)} "
            f"(exit code {run.returncode}). Its output:\n{run.stdout}"
        )


def _to_png(pdf: Path, prefix: Path, resolution: int, timeout: float) -> list[Path]:
    """The pages of `pdf` as `prefix-N.png`, in page order."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise EngineMissingError(f"pdftoppm was not found. {PDFTOPPM_HINT}")
    cmd = [pdftoppm, "-png", "-r", str(resolution), str(pdf), str(prefix)]
    done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RecalcError(f"pdftoppm failed on {pdf.name}: {done.stderr.decode(errors='replace')}")
    pages = prefix.parent.glob(f"{prefix.name}-*.png")
    return sorted(pages, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def preview(
    file: str | Path, out: str | Path | None = None, *, resolution: int = 80, timeout: float = 300
) -> list[Page]:
    """Render every visible sheet of `file` to PNGs in `out` (default: FILE-preview/).

    Earlier images of ours in `out` (`NN-*-pageK.png`) are replaced; nothing else there is
    touched. Raises EngineMissingError without LibreOffice or pdftoppm, RecalcError when
    either fails, UnsafeWorkbookError for a file that is not a sound workbook.
    """
    src = Path(file)
    check_xlsx(src)
    if pdftoppm_missing():
        raise EngineMissingError(f"pdftoppm was not found. {PDFTOPPM_HINT}")
    outdir = Path(out) if out is not None else src.with_name(f"{src.stem}-preview")
    outdir.mkdir(parents=True, exist_ok=True)
    pages: list[Page] = []
    with tempfile.TemporaryDirectory(prefix="modelgen-preview-") as tmp:
        scratch = Path(tmp)
        copies = _copies(src, scratch)
        pdfs = scratch / "pdf"
        (scratch / "png").mkdir()
        _to_pdf([c for _, _, c in copies], pdfs, timeout)
        for old in outdir.iterdir():
            if old.is_file() and _OURS.match(old.name):
                old.unlink()
        for position, name, copy in copies:
            rendered = _to_png(
                pdfs / f"{copy.stem}.pdf", scratch / "png" / copy.stem, resolution, timeout
            )
            for k, png in enumerate(rendered, start=1):
                dest = outdir / f"{position:02d}-{file_part(name)}-page{k}.png"
                shutil.move(png, dest)
                pages.append(Page(name, position, k, dest, *png_size(dest)))
    return pages


def pdftoppm_missing() -> bool:
    return shutil.which("pdftoppm") is None
