"""A one-line progress bar for long builds: the stage, the company, the share written.

The command line shows it on a terminal only (never in a pipe, a log or with --quiet);
the library reports progress through a callback `(stage, item, done, total)` and knows
nothing of terminals.
"""

from __future__ import annotations

import time
from typing import TextIO

WIDTH = 28  # characters of the bar itself


class ProgressBar:
    """Redraws one line of `stream` at most every `interval` seconds; `close()` clears it."""

    def __init__(self, stream: TextIO, interval: float = 0.1) -> None:
        self.stream = stream
        self.interval = interval
        self._last = 0.0
        self._shown = 0

    def __call__(self, stage: str, item: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self.interval and done < total:
            return
        self._last = now
        if total > 0:
            share = min(1.0, done / total)
            filled = round(share * WIDTH)
            bar = f" [{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%}"
        else:
            bar = " ..."
        line = f"{stage[:16]:<16} {item[:14]:<14}{bar}"
        self.stream.write("\r" + line.ljust(self._shown))
        self.stream.flush()
        self._shown = len(line)

    def close(self) -> None:
        """Clear the line, so that what is printed next starts clean."""
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0
