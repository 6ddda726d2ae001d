"""Work done in a forked process (modelgen.xlsx.aside): its result or its error comes back
as if it had been done in turn, and a process that dies is an error, never a silent gap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modelgen.xlsx import aside
from modelgen.xlsx.read_by_key import ReadbackError


def _double(x: int) -> tuple[int, int]:
    return os.getpid(), 2 * x


def _refuse(why: str) -> None:
    raise ReadbackError(why)


def _die() -> None:
    os._exit(9)


def test_the_result_comes_back_from_another_process(forkable):
    with aside.aside(_double, 21) as running:
        pid, value = running.result()
    assert value == 42 and pid != os.getpid()


def test_without_fork_it_is_done_in_turn(monkeypatch):
    monkeypatch.setattr(aside, "fork_context", lambda: None)
    with aside.aside(_double, 21) as running:
        assert running.result() == (os.getpid(), 42)


def test_an_error_comes_back_as_itself(forkable):
    with aside.aside(_refuse, "row key 'x' is used twice") as running:
        with pytest.raises(ReadbackError, match="used twice") as caught:
            running.result()
    assert caught.value.exit_code == 2


def test_a_process_that_dies_is_an_error(forkable):
    with aside.aside(_die) as running:
        with pytest.raises(RuntimeError, match="exit status 9"):
            running.result()


def test_the_sheets_come_back_in_workbook_order(shipped_book: Path, forkable):
    with aside.sheets_aside(shipped_book, _name_and_count) as sheets:
        forked = list(sheets())
    names = [name for name, _ in forked]
    assert names[:3] == ["Cover", "Inputs", "Capex"] and sum(n for _, n in forked) > 10_000
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aside, "fork_context", lambda: None)
        with aside.sheets_aside(shipped_book, _name_and_count) as sheets:
            assert list(sheets()) == forked


def _name_and_count(cells) -> tuple[str, int]:  # noqa: ANN001
    return cells.name, len(cells.formulas)


def _count_to(n: int, broken_at: int | None = None):  # noqa: ANN201
    for i in range(n):
        if i == broken_at:
            raise ReadbackError(f"sheet {i} is broken")
        yield os.getpid(), i


@pytest.mark.parametrize("forked", [True, False])
def test_streamed_items_come_in_order_and_an_error_where_its_item_was(
    forkable, monkeypatch, forked
):
    if not forked:
        monkeypatch.setattr(aside, "fork_context", lambda: None)
    with aside.streamed(_count_to, 5) as items:
        got = list(items)
    assert [i for _, i in got] == [0, 1, 2, 3, 4]
    assert {pid != os.getpid() for pid, _ in got} == {forked}
    taken = []
    with aside.streamed(_count_to, 5, 3) as items:
        with pytest.raises(ReadbackError, match="sheet 3 is broken"):
            for _, i in items:
                taken.append(i)
    assert taken == [0, 1, 2]


def test_a_stream_left_early_is_stopped(forkable):
    with aside.streamed(_count_to, 10**9) as items:
        first = next(iter(items))
    assert first[1] == 0 and not items._process.is_alive()


def test_sheets_are_paired_by_name_whatever_their_order():
    """diff takes NEW's sheets in its order and OLD's as they come (modelgen.compare.computed)."""
    from modelgen.compare.computed import Side, _paired

    old = Side([], set(), ["A", "B", "C"])
    theirs = iter([("A", "a"), ("B", "b"), ("C", "c")])
    mine = iter([("C", "C'"), ("A", "A'"), ("D", "D'")])
    assert list(_paired(old, theirs, mine)) == [  # type: ignore[arg-type]
        ("C", "c", "C'"),
        ("A", "a", "A'"),
        ("D", None, "D'"),
        ("B", "b", None),
    ]


def test_a_process_running_other_threads_is_not_forked():
    """A lock another thread holds would stay locked in the child (a Dask worker's threads)."""
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert aside.fork_context() is None
        with aside.aside(_double, 21) as running:
            assert running.result() == (os.getpid(), 42)  # done in turn, here
    finally:
        release.set()
        other.join()


def test_in_turn_nothing_is_forked_and_after_it_is_again(forkable):
    """batch runs its rows in turn inside each worker: its workers already fill the cores."""
    with aside.in_turn():
        assert aside.fork_context() is None
        with aside.aside(_double, 21) as running:
            assert running.result() == (os.getpid(), 42)
    assert aside.fork_context() is not None


def _forks() -> bool:
    return aside.fork_context() is not None


def test_a_batch_worker_reads_in_turn(forkable):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, initializer=aside.work_in_turn) as pool:
        assert pool.submit(_forks).result() is False
    with ProcessPoolExecutor(1) as pool:  # a plain pool worker would fork
        assert pool.submit(_forks).result() is True
