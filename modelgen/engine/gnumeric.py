"""Gnumeric, a fourth engine: `ssconvert --recalc in.xlsx out.xlsx`, one run per workbook.

ssconvert, like LibreOffice, keeps an .xlsx file's cached values unless told otherwise:
without `--recalc` the copy it writes carries modelgen's own numbers back, and a wrong
cached value would pass. With `--recalc` it recalculates every cell before writing
(tests/engine/test_engines.py proves it on a cached value that is wrong on purpose). `verify` reads
the copy and judges it as it judges LibreOffice's (`modelgen.engine.verify.judge`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from modelgen.engine.libreoffice import EngineMissingError, RecalcError
from modelgen.engine.session import TimedOut, run_in_session
from modelgen.engine.verify import Values, read_values

__all__ = ["INSTALL_HINT", "NAME", "find_ssconvert", "recalculate", "recalculate_to"]

NAME = "Gnumeric"  # as reports name the engine
INSTALL_HINT = (
    "Install Gnumeric's ssconvert; on Debian/Ubuntu: apt-get update && apt-get install -y gnumeric"
)


def find_ssconvert() -> str | None:
    """Gnumeric's converter, `ssconvert`, on PATH; None if absent."""
    return shutil.which("ssconvert")


def recalculate_to(path: str | Path, out: str | Path, *, timeout: float = 180) -> Path:
    """Have Gnumeric recalculate ``path`` and write the result to ``out`` (an .xlsx).

    Raises EngineMissingError without ssconvert, RecalcError on a timeout or when it writes
    no file (its output in the message).
    """
    ssconvert = find_ssconvert()
    if ssconvert is None:
        raise EngineMissingError(f"Gnumeric (ssconvert) was not found. {INSTALL_HINT}")
    out = Path(out)
    out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="modelgen-gnumeric-") as home:
        # its settings in memory and a throw-away HOME: parallel runs share nothing
        env = dict(os.environ, HOME=home, GSETTINGS_BACKEND="memory", TMPDIR=home)
        cmd = [ssconvert, "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(path), str(out)]
        try:
            code, said, _ = run_in_session(cmd, env, timeout, merge_stderr=True)
        except TimedOut:
            raise RecalcError(
                f"Gnumeric did not finish recalculating {path} within {timeout:g} s"
            ) from None
    if code != 0 or not out.is_file():
        text = said.decode("utf-8", errors="replace").strip() or "(nothing)"
        raise RecalcError(
            f"Gnumeric could not recalculate {path} (exit code {code}). Its output:\n{text}"
        )
    return out


def recalculate(path: str | Path, *, timeout: float = 180) -> Values:
    """Have Gnumeric recalculate ``path`` and return every non-empty cell's value."""
    with tempfile.TemporaryDirectory(prefix="modelgen-gnumeric-out-") as tmp:
        return read_values(recalculate_to(path, Path(tmp, "recalculated.xlsx"), timeout=timeout))
