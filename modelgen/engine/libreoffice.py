"""LibreOffice, headless: finding `soffice`, its user profile, and one conversion run.

The one place that starts LibreOffice; `recalculate_many` (recalculate to .xlsx, for
`verify`), `preview` (print to PDF) and the benchmark (load to CSV) all run `convert`.

LibreOffice trusts an .xlsx file's cached values unless told otherwise, so every run uses a
user profile whose `registrymodifications.xcu` sets `OOXMLRecalcMode` (and `ODFRecalcMode`)
to 0, "always recalculate" (1 is "never", which the benchmark times against). A profile can
be reused across calls for speed, but not by two LibreOffice processes at once.

LibreOffice runs in a session of its own, so that a timeout, Ctrl-C or SIGTERM can end
`soffice.bin` too, not only the `soffice` script that starts it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from modelgen.engine.session import TimedOut, run_in_session
from modelgen.errors import EXIT_NO_ENGINE, ModelgenError

__all__ = [
    "INSTALL_HINT",
    "NAME",
    "EngineMissingError",
    "RecalcError",
    "convert",
    "find_soffice",
    "prepare_profile",
    "recalculate",
    "recalculate_many",
]

NAME = "LibreOffice"  # as reports name the engine
INSTALL_HINT = (
    "Install LibreOffice Calc; on Debian/Ubuntu: "
    "apt-get update && apt-get install -y libreoffice-calc-nogui"
)
ALWAYS, NEVER = 0, 1  # OOXMLRecalcMode: recalculate on load, or keep the cached values
_RECALC_PROPS = ("OOXMLRecalcMode", "ODFRecalcMode")
_XCU_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
)


class EngineMissingError(ModelgenError, RuntimeError):
    """A program modelgen needs (LibreOffice, pdftoppm) is not installed; says how to."""

    exit_code = EXIT_NO_ENGINE


class RecalcError(ModelgenError, RuntimeError):
    """LibreOffice ran but timed out or wrote no file; the message carries its output."""

    exit_code = EXIT_NO_ENGINE


def find_soffice() -> str | None:
    """The LibreOffice command: on PATH, else in the usual install places; None if absent."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    candidates = [Path("/usr/bin/soffice"), Path("/usr/lib/libreoffice/program/soffice")]
    candidates += sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def prepare_profile(profile: Path, recalc_mode: int = ALWAYS) -> None:
    """Make `profile` a LibreOffice user installation that loads in `recalc_mode`.

    Idempotent, and keeps whatever else LibreOffice wrote into an existing profile.
    """
    xcu = profile / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir(parents=True, exist_ok=True)
    text = xcu.read_text(encoding="utf-8") if xcu.exists() else _XCU_HEAD + "</oor:items>\n"
    for prop in _RECALC_PROPS:  # drop any earlier setting of ours or LibreOffice's
        text = re.sub(rf'<item [^>]*>\s*<prop oor:name="{prop}".*?</item>\s*', "", text, flags=re.S)
    ours = "".join(
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        f'<prop oor:name="{prop}" oor:op="fuse"><value>{recalc_mode}</value></prop></item>\n'
        for prop in _RECALC_PROPS
    )
    xcu.write_text(text.replace("</oor:items>", ours + "</oor:items>", 1), encoding="utf-8")


def convert(
    sources: Sequence[Path],
    outdir: Path,
    convert_to: str,
    *,
    timeout: float,
    doing: str,
    profile: Path | None = None,
    recalc_mode: int = ALWAYS,
) -> subprocess.CompletedProcess[str]:
    """Convert `sources` into `outdir` with ONE headless LibreOffice run.

    Returns the finished run: its exit code and, as `stdout`, all it printed. `convert_to` is LibreOffice's `--convert-to` argument (`xlsx:Calc MS Excel 2007 XML`,
    `pdf:calc_pdf_Export`, `csv`). `profile` is a user profile folder to (re)use, by default
    a throw-away one. `doing` names the work for the timeout message. Raises
    EngineMissingError without LibreOffice, RecalcError on a timeout; the caller checks the
    outputs, since LibreOffice exits 0 even when it could not load a file.
    """
    soffice = find_soffice()
    if soffice is None:
        raise EngineMissingError(f"LibreOffice (soffice) was not found. {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="modelgen-lo-") as scratch:
        profile_dir = Path(profile).resolve() if profile else Path(scratch, "profile")
        prepare_profile(profile_dir, recalc_mode)
        home = Path(scratch, "home")
        home.mkdir()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile_dir.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--convert-to",
            convert_to,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        env = dict(os.environ, HOME=str(home), TMPDIR=scratch)
        try:
            code, out, err = run_in_session(cmd, env, timeout)
        except BaseException as exc:  # the session is ended; its profile lock is ours, and dead
            (profile_dir / "user" / ".lock").unlink(missing_ok=True)
            if isinstance(exc, TimedOut):
                raise RecalcError(
                    f"LibreOffice did not finish {doing} within {timeout:g} s. "
                    f"Its output:\n{_text(exc.out, exc.err)}"
                ) from None
            raise
    return subprocess.CompletedProcess(cmd, code, _text(out, err))


def recalculate_many(
    paths: Sequence[str | Path],
    outdir: str | Path,
    *,
    timeout: float = 180,
    profile: Path | None = None,
) -> list[Path]:
    """Recalculate many workbooks in ONE LibreOffice run; return the outputs, in input order.

    Each output is ``outdir/<stem>.xlsx`` (an older file there is replaced). ``outdir`` must
    not hold any of the inputs, and two inputs may not share a stem. ``profile`` is a user
    profile folder to (re)use; by default a throw-away one. Raises EngineMissingError without
    LibreOffice, RecalcError (a RuntimeError) on a timeout or a missing output.
    """
    sources = [Path(p).resolve() for p in paths]
    if not sources:
        return []
    outdir = Path(outdir).resolve()
    outputs = [outdir / f"{src.stem}.xlsx" for src in sources]
    if len(set(outputs)) != len(outputs):
        raise ValueError("recalculate_many: two inputs share a file name; outputs would clash")
    for src in sources:
        if not src.is_file():
            raise FileNotFoundError(f"{src}: no such workbook to recalculate")
        if src.parent == outdir:
            raise ValueError(f"{src}: outdir {outdir} must differ from the workbook's folder")
    outdir.mkdir(parents=True, exist_ok=True)
    for out in outputs:
        out.unlink(missing_ok=True)

    run = convert(
        sources,
        outdir,
        "xlsx:Calc MS Excel 2007 XML",
        timeout=timeout,
        doing=f"recalculating {len(sources)} workbook(s)",
        profile=profile,
    )
    missing = [src for src, dst in zip(sources, outputs, strict=True) if not dst.is_file()]
    if missing:
        raise RecalcError(
            f"LibreOffice produced no recalculated file for {', '.join(map(str, missing))} "
            f"(exit code {run.returncode}). Its output:\n{run.stdout}"
        )
    return outputs


def recalculate(
    path: str | Path, outdir: str | Path, *, timeout: float = 180, profile: Path | None = None
) -> Path:
    """Recalculate one workbook with LibreOffice into ``outdir``; see recalculate_many."""
    return recalculate_many([path], outdir, timeout=timeout, profile=profile)[0]


def _text(out: bytes, err: bytes) -> str:
    return (out + err).decode("utf-8", errors="replace").strip() or "(nothing)"
