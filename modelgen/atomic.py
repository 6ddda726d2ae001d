"""Replace a file only when its new content is complete: a temporary file in the same
folder, renamed over the old one. A failure or an interrupt (Ctrl-C; SIGTERM, which the
command line turns into an exception) leaves the old file as it was and no temporary file
behind. A failure of the storage (a full disk, a file size limit, a read-only or failing
file system) and a folder where no file can be created are reported as an
:class:`OutputError` naming `out`, whatever layer (xlsxwriter, zipfile) met them."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError


class OutputError(ModelgenError, OSError):
    """The output could not be written; the previous file, if there was one, is unchanged."""

    exit_code = EXIT_BAD_INPUT

    def __str__(self) -> str:
        return (
            f"{self.filename}: could not be written ({self.strerror}); "
            "the previous file, if any, is unchanged"
        )


# Errors of the storage itself; others (a closed pipe on stdout, say) are not about `out`.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _storage_error(exc: BaseException) -> OSError | None:
    """The storage OSError behind `exc`: itself, or the one a library wrapped (xlsxwriter
    turns an OSError met while zipping into a FileCreateError)."""
    for candidate in (exc, exc.__cause__, exc.__context__):
        if isinstance(candidate, OSError) and candidate.errno in STORAGE_ERRNOS:
            return candidate
    return None


INTERRUPTS = {signal.SIGINT, signal.SIGTERM}
REPLACED: list[Path] = []  # files this process has replaced, so an interrupt can say so


def _block(signals: set[signal.Signals]) -> set[signal.Signals] | None:
    """Hold `signals` (POSIX); return the previous mask, None where this is not possible."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, signals)


def _unblock(mask: set[signal.Signals] | None) -> None:
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@contextlib.contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """Yield a temporary path beside `out`; on success it becomes `out`, else it is removed."""
    out = Path(out)
    # An interrupt between creating the temporary file and the `try` that removes it would
    # leave it behind; hold SIGINT and SIGTERM until the `try` is entered.
    mask = _block(INTERRUPTS)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        _unblock(mask)
        raise OutputError(exc.errno, exc.strerror, str(out)) from exc
    tmp = Path(name)
    try:
        _unblock(mask)  # a signal that came meanwhile is raised here, inside the `try`
        os.close(fd)
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
        REPLACED.append(out)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        cause = _storage_error(exc) if isinstance(exc, Exception) else None
        if cause is not None and not isinstance(exc, OutputError):
            raise OutputError(cause.errno, cause.strerror or str(cause), str(out)) from exc
        raise
