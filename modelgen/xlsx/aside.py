"""Reading a workbook in a forked process while this one does something else.

Reading a large workbook's cells is seconds of pure Python, and so is what ``diff`` and
``verify`` do besides: ``diff`` reads a second workbook, ``verify`` waits for IronCalc to
load and evaluate the first. Forked, the reading runs on another core. Where a process
cannot be forked (a platform without fork, or a daemon process such as a batch worker,
which may not have children) the reading is done in turn, with the same results.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import tempfile
from collections.abc import Callable, Iterator
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Generic, TypeVar

from modelgen.xlsx.cells import SheetCells, each_sheet

__all__ = ["Aside", "aside", "fork_context", "sheets_aside"]

T = TypeVar("T")


def fork_context() -> BaseContext | None:
    """The context that forks this process, or None where that cannot be done."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    if multiprocessing.current_process().daemon:
        return None
    return multiprocessing.get_context("fork")


class Aside(Generic[T]):
    """``fn(*args)`` running in a forked process, or, where none can be forked, run when
    its result is asked for."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        self._fn, self._args = fn, args
        self._process: Any = None
        context = fork_context()
        if context is not None:
            self._results, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_run, args=(send, fn, args), daemon=True)
            self._process.start()
            send.close()

    def result(self) -> T:
        """What ``fn`` returned, once it has; what it raised is raised here."""
        if self._process is None:
            return self._fn(*self._args)
        try:
            ok, value = self._results.recv()
        except EOFError:
            self._process.join()
            code = self._process.exitcode
            raise RuntimeError(f"the process reading aside stopped (exit status {code})") from None
        self._process.join()
        if ok:
            return value
        raise value

    def stop(self) -> None:
        """Stop the process if it is still running (the caller gave up on it)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._results.close()


@contextlib.contextmanager
def aside(fn: Callable[..., T], *args: Any) -> Iterator[Aside[T]]:
    """``fn(*args)`` started in a forked process for the ``with`` block, stopped at its
    end if the block left without asking for the result."""
    running = Aside(fn, args)
    try:
        yield running
    finally:
        running.stop()


def _run(send: Any, fn: Callable[..., object], args: tuple[Any, ...]) -> None:
    try:
        outcome: tuple[bool, object] = (True, fn(*args))
    except BaseException as exc:
        outcome = (False, exc)
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # an error that does not cross processes whole: its message does
            outcome = (False, RuntimeError(f"{type(exc).__name__}: {exc}"))
    send.send(outcome)
    send.close()


@contextlib.contextmanager
def sheets_aside(
    path: Path, keep: Callable[[SheetCells], T]
) -> Iterator[Callable[[], Iterator[T]]]:
    """Start reading ``path``'s worksheets aside; inside the ``with``, the caller gets a
    function that yields ``keep(cells)`` of each worksheet in workbook order.

    The reader writes what it keeps of each sheet to a temporary file as it goes, so
    neither process holds more than one sheet's cells and the caller, busy elsewhere, need
    not take them as they come. An error in the reading is raised when the sheets are
    asked for, as reading them in turn raises it. Without fork they are read then."""
    if fork_context() is None:
        yield lambda: (keep(cells) for cells in each_sheet(path))
        return
    with tempfile.TemporaryDirectory(prefix="modelgen-aside-") as tmp:
        kept = Path(tmp, "sheets.pickle")
        with aside(_write_kept, path, keep, kept) as reading:

            def sheets() -> Iterator[T]:
                reading.result()
                with kept.open("rb") as fh:
                    while True:
                        try:
                            yield pickle.load(fh)
                        except EOFError:
                            return

            yield sheets


def _write_kept(path: Path, keep: Callable[[SheetCells], object], out: Path) -> None:
    with out.open("wb") as fh:
        for cells in each_sheet(path):
            pickle.dump(keep(cells), fh, protocol=pickle.HIGHEST_PROTOCOL)
