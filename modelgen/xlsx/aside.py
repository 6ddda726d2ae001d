"""Reading a workbook in a forked process while this one does something else.

Reading a large workbook's cells is seconds of pure Python, and so is what ``diff`` and
``verify`` do besides: ``diff`` reads a second workbook, ``verify`` waits for IronCalc to
load and evaluate the first. Forked, the reading runs on another core. Where a process
cannot be forked safely (a platform without fork, a daemon process, a process running
other threads such as a Dask worker), or inside ``in_turn`` (``batch``, whose workers
already fill the cores), the work is done here, in turn, with the same results.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterator
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Generic, TypeVar

from modelgen.xlsx.cells import SheetCells, each_sheet

__all__ = [
    "Aside",
    "Streamed",
    "aside",
    "fork_context",
    "in_turn",
    "sheets_aside",
    "streamed",
    "work_in_turn",
]

T = TypeVar("T")


def fork_context() -> BaseContext | None:
    """The context that forks this process, or None where that cannot be done safely (no
    fork on the platform; a daemon process, which may not have children; a process
    running other threads, such as a Dask worker, since a lock one of them holds would
    stay locked in the child) or is not wanted (``in_turn``)."""
    if _IN_TURN or "fork" not in multiprocessing.get_all_start_methods():
        return None
    if multiprocessing.current_process().daemon or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


_IN_TURN = False


@contextlib.contextmanager
def in_turn() -> Iterator[None]:
    """Inside, nothing is forked and the work is done in turn: ``batch`` runs its rows in
    as many processes as it has workers, and a reader beside each would only crowd them."""
    global _IN_TURN
    before, _IN_TURN = _IN_TURN, True
    try:
        yield
    finally:
        _IN_TURN = before


def work_in_turn() -> None:
    """``in_turn`` for the rest of this process's life: a pool worker's initializer."""
    global _IN_TURN
    _IN_TURN = True


class _Forked:
    """``fn(*args)`` handed to ``target`` in a forked process that sends what comes of it
    through a pipe; no process where none can be forked."""

    def __init__(self, target: Callable[..., None], fn: Callable[..., Any], args: tuple) -> None:
        self._fn, self._args = fn, args
        self._process: Any = None
        context = fork_context()
        if context is not None:
            self._results, send = context.Pipe(duplex=False)
            self._process = context.Process(target=target, args=(send, fn, args), daemon=True)
            self._process.start()
            send.close()

    def _received(self) -> object:
        """The next thing sent, or what the process raised, raised here."""
        try:
            ok, value = self._results.recv()
        except EOFError:
            self._process.join()
            code = self._process.exitcode
            raise RuntimeError(f"the process reading aside stopped (exit status {code})") from None
        if not ok:
            self._process.join()
            raise value
        return value

    def stop(self) -> None:
        """Stop the process if it is still running (the caller gave up on it)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._results.close()


class Aside(_Forked, Generic[T]):
    """``fn(*args)`` running in a forked process, or, where none can be forked, run when
    its result is asked for."""

    def __init__(self, fn: Callable[..., T], args: tuple[Any, ...]) -> None:
        super().__init__(_run, fn, args)

    def result(self) -> T:
        """What ``fn`` returned, once it has; what it raised is raised here."""
        if self._process is None:
            return self._fn(*self._args)
        value = self._received()
        self._process.join()
        return value  # type: ignore[return-value]


class Streamed(_Forked, Generic[T]):
    """The items of ``fn(*args)``, an iterator, made in a forked process and taken here as
    they are made (the maker waits while one is in the pipe, so neither side holds more
    than an item or two); where none can be forked, made here as they are asked for. An
    error in the making is raised where its item would have been."""

    def __init__(self, fn: Callable[..., Iterator[T]], args: tuple[Any, ...]) -> None:
        super().__init__(_stream, fn, args)

    def __iter__(self) -> Iterator[T]:
        if self._process is None:
            yield from self._fn(*self._args)
            return
        while True:
            more, item = self._received()  # type: ignore[misc]
            if not more:
                break
            yield item
            del item  # let go before the next is received
        self._process.join()


@contextlib.contextmanager
def aside(fn: Callable[..., T], *args: Any) -> Iterator[Aside[T]]:
    """``fn(*args)`` started in a forked process for the ``with`` block, stopped at its
    end if the block left without asking for the result."""
    running = Aside(fn, args)
    try:
        yield running
    finally:
        running.stop()


@contextlib.contextmanager
def streamed(fn: Callable[..., Iterator[T]], *args: Any) -> Iterator[Streamed[T]]:
    """``fn(*args)``'s items made in a forked process for the ``with`` block, which is
    stopped at the block's end if its items were not all taken."""
    running = Streamed(fn, args)
    try:
        yield running
    finally:
        running.stop()


def _run(send: Any, fn: Callable[..., object], args: tuple[Any, ...]) -> None:
    try:
        outcome: tuple[bool, object] = (True, fn(*args))
    except BaseException as exc:
        outcome = (False, _crossing(exc))
    send.send(outcome)
    send.close()


def _stream(send: Any, fn: Callable[..., Iterator[object]], args: tuple[Any, ...]) -> None:
    try:
        for item in fn(*args):
            send.send((True, (True, item)))
        send.send((True, (False, None)))  # no more
    except BaseException as exc:
        send.send((False, _crossing(exc)))
    send.close()


def _crossing(exc: BaseException) -> BaseException:
    """``exc``, or where it does not cross processes whole, an error with its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


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
