"""Replace a file only when its new content is complete: a temporary file in the same
folder, renamed over the old one. A failure or an interrupt (Ctrl-C; SIGTERM, which the
command line turns into an exception) leaves the old file as it was and no temporary file
behind. A failure of the storage (a full disk, a file size limit, a read-only or failing
file system) and a folder where no file can be created are reported as an
:class:`OutputError` naming `out`, whatever layer (xlsxwriter, zipfile) met them."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError


class OutputError(ModelgenError, OSError):
    """The output could not be written; the previous file, if there was one, is unchanged."""

    exit_code = EXIT_BAD_INPUT

    def __str__(self) -> str:
        return (
            f"{self.filename}: could not be written ({self.strerror}); "
            "the previous file, if any, is unchanged"
        )


class OutputPathError(ModelgenError, ValueError):
    """An output asked for where nothing can be written as asked (a folder, a file that is
    not a workbook, a folder of files that exist): refused before anything was written.
    An output's problem, not the input's (exit 2 all the same)."""

    exit_code = EXIT_BAD_INPUT


# Errors of the storage itself; others (a closed pipe on stdout, say) are not about `out`.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _storage_error(exc: BaseException) -> OSError | None:
    """The storage OSError behind `exc`: itself, or the one a library wrapped (xlsxwriter
    turns an OSError met while zipping into a FileCreateError)."""
    for candidate in (exc, exc.__cause__, exc.__context__):
        if isinstance(candidate, OSError) and candidate.errno in STORAGE_ERRNOS:
            return candidate
    return None


INTERRUPTS = (signal.SIGINT, signal.SIGTERM)
REPLACED: list[Path] = []  # files this process has replaced, so an interrupt can say so


@dataclasses.dataclass
class _Held:
    """The handlers SIGINT and SIGTERM had, and the signals that came while held."""

    handlers: dict[int, Any]
    came: list[int]


def _hold_interrupts() -> _Held | None:
    """Record SIGINT and SIGTERM instead of acting on them, until `_release`; None off the
    main thread (where Python neither sets handlers nor raises KeyboardInterrupt).

    Not a signal mask: the kernel hands a signal sent to the process to any thread that
    does not block it (numpy's BLAS threads, say), and Python then raises in the main thread
    all the same; that left a temporary file behind under load."""
    if threading.current_thread() is not threading.main_thread():
        return None
    held = _Held({}, [])
    for sig in INTERRUPTS:
        held.handlers[sig] = signal.signal(sig, lambda signum, _: held.came.append(signum))
    return held


def _release(held: _Held | None) -> None:
    """Give the handlers back, then act on the first signal that came meanwhile (raise
    KeyboardInterrupt, say) as its handler would have."""
    if held is None:
        return
    for sig, handler in held.handlers.items():
        signal.signal(sig, signal.SIG_DFL if handler is None else handler)
    for sig in held.came[:1]:
        handler = held.handlers[sig]
        if callable(handler):
            handler(sig, None)
        elif handler != signal.SIG_IGN:
            signal.raise_signal(sig)


@contextlib.contextmanager
def replacing(out: Path, *, keep_mode: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `out`; on success it becomes `out`, else it is removed.

    The new file is readable by all (0644), or with `keep_mode` has the permissions of the
    file it replaces (an input file an analyst shares with a group keeps its mode)."""
    out = Path(out)
    mode = out.stat().st_mode & 0o7777 if keep_mode and out.is_file() else 0o644
    # An interrupt between creating the temporary file and the `try` that removes it would
    # leave it behind: SIGINT and SIGTERM wait until the `try` is entered.
    held = _hold_interrupts()
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        _release(held)
        raise OutputError(exc.errno, exc.strerror, str(out)) from exc
    except BaseException:
        _release(held)
        raise
    tmp = Path(name)
    try:
        _release(held)  # a signal that came meanwhile acts here, inside the `try`
        os.close(fd)
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, out)
        REPLACED.append(out)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        cause = _storage_error(exc) if isinstance(exc, Exception) else None
        if cause is not None and not isinstance(exc, OutputError):
            raise OutputError(cause.errno, cause.strerror or str(cause), str(out)) from exc
        raise


def write_bytes(out: Path, data: bytes) -> None:
    """Replace `out` with `data` whole (`replacing`), keeping the old file's permissions."""
    with replacing(out, keep_mode=True) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
