"""An engine's process, run in a session of its own so that it can be ended whole.

LibreOffice starts `soffice.bin` behind its script and Gnumeric's `ssconvert` may start
helpers: on a timeout, Ctrl-C or SIGTERM the whole session is killed, not just the process
modelgen started, so that nothing keeps running (or holding a profile) after modelgen
gives up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence

__all__ = ["TimedOut", "run_in_session"]


class TimedOut(Exception):
    """The run did not finish in time; `out` and `err` hold what it printed until then."""

    def __init__(self, out: bytes, err: bytes) -> None:
        super().__init__("timed out")
        self.out, self.err = out, err


def run_in_session(
    cmd: Sequence[str], env: dict[str, str], timeout: float, *, merge_stderr: bool = False
) -> tuple[int, bytes, bytes]:
    """Run `cmd` and return (exit code, stdout, stderr). Raises TimedOut after `timeout`
    seconds, and passes on Ctrl-C or SIGTERM, each once the session is killed."""
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException as exc:  # timeout, Ctrl-C, SIGTERM: end the whole session
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        if isinstance(exc, subprocess.TimeoutExpired):
            raise TimedOut(out or b"", err or b"") from None
        raise
    return proc.returncode, out or b"", err or b""
