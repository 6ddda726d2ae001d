"""A workbook open in Excel or LibreOffice is not replaced: the one rule, for every command
that writes a workbook (build, update) and for the workbook whose edits a build carries.

Both programs put a lock file beside a workbook while they have it open: Excel
`~$name.xlsx`, LibreOffice `.~lock.name.xlsx#` (its text says who opened it, where and
when). Replacing the workbook then loses one side's work: the program saves the analyst's
copy over the new build, or the new build stands where unsaved edits were meant to go; and
a `--previous` workbook open elsewhere has edits on screen that its file does not hold.
A lock left by a program that crashed looks the same: whether its owner is gone is the
user's call, and `WorkbookOpenError` says how to make it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError

#: the owner fields of LibreOffice's lock file: its user name (often empty), the system's
#: user name, the host, the time it opened the file
_OWNER, _SYSTEM_USER, _HOST, _SINCE = range(4)


class WorkbookOpenError(ModelgenError):
    """A workbook to replace or carry from is open in another program; nothing was done."""

    exit_code = EXIT_BAD_INPUT


@dataclass(frozen=True)
class Lock:
    """A lock file beside a workbook: its path, the program, who holds it (when it says)."""

    path: Path
    program: str
    holder: str = ""  # "by Jane on laptop-7 since 06.12.2026 09:14", or ""


def locks_of(workbook: Path) -> list[Lock]:
    """The lock files of Excel and LibreOffice that stand beside `workbook`."""
    workbook = Path(workbook)
    found = []
    excel = workbook.with_name(f"~${workbook.name}")
    if excel.exists():
        found.append(Lock(excel, "Excel"))
    office = workbook.with_name(f".~lock.{workbook.name}#")
    if office.exists():
        found.append(Lock(office, "LibreOffice", _libreoffice_holder(office)))
    return found


def _libreoffice_holder(path: Path) -> str:
    """`by NAME on HOST since TIME` from a LibreOffice lock file; "" when unreadable."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().rstrip(";")
        reader = csv.reader(io.StringIO(text), escapechar="\\", quoting=csv.QUOTE_NONE)
        fields = next(reader, [])
    except (OSError, csv.Error):
        return ""
    if len(fields) <= _SINCE:
        return ""
    who = fields[_OWNER].strip() or fields[_SYSTEM_USER].strip()
    parts = [
        f"by {who}" if who else "",
        f"on {fields[_HOST].strip()}" if fields[_HOST].strip() else "",
    ]
    since = fields[_SINCE].strip()
    return " ".join(p for p in [*parts, f"since {since}" if since else ""] if p)


def refuse_open(workbook: Path, *, carried: bool = False, force: bool = False) -> None:
    """Raise WorkbookOpenError when a lock file says `workbook` is open, unless `force`.

    `carried`: the workbook is read for the analyst's edits (build --previous), not only
    replaced, so what is on screen and not saved would not be carried."""
    if force:
        return
    locks = locks_of(workbook)
    if not locks:
        return
    lock = locks[0]
    held = f"lock file {lock.path}" + (f", {lock.holder}" if lock.holder else "")
    risk = (
        "its edits there that are not saved would not be carried"
        if carried
        else "replacing it now would lose the work done there, or the program would later save "
        "its copy over the new one"
    )
    raise WorkbookOpenError(
        f"{workbook} is open in {lock.program} ({held}): {risk}; close it there"
        f"{' after saving' if carried else ''} and run again. If no program has it open "
        "(a crash can leave the lock file behind), delete the lock file, or pass --force"
    )
