"""Shared fixtures: the shipped inputs, the varied test inputs, and built workbooks."""

from __future__ import annotations

from pathlib import Path

import pytest

import tests.engine

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "inputs"
VARIED = ROOT / "tests" / "data" / "varied"
QUARTERLY = ROOT / "tests" / "data" / "quarterly"


@pytest.fixture(scope="session")
def shipped_inputs() -> Path:
    return SHIPPED


@pytest.fixture(scope="session")
def varied_inputs() -> Path:
    return VARIED


@pytest.fixture(scope="session")
def quarterly_inputs() -> Path:
    return QUARTERLY


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tell tests.engine which test is running, before its fixtures are set up."""
    tests.engine.current_test = item


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep on one xdist worker the tests that share a module-scoped fixture, so that it is
    built once (with ``--dist loadgroup``, as scripts/test.sh runs them); the other tests
    spread over the workers one by one."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        defs = info.name2fixturedefs.values() if info else []
        if any(d[-1].scope == "module" for d in defs if d):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session")
def shipped_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workbook built from the shipped inputs, once per worker: what every build of
    them writes. Never edit it; copy it where a test needs a workbook to change."""
    from modelgen.build import build

    return build(SHIPPED, tmp_path_factory.mktemp("shipped_book") / "capex_model.xlsx").out


@pytest.fixture
def forkable(monkeypatch: pytest.MonkeyPatch) -> None:
    """modelgen.xlsx.aside forks here, as in a fresh process: a test before may leave
    threads behind (a Dask cluster's), and a process running threads is not forked."""
    from modelgen.xlsx import aside

    monkeypatch.setattr(aside.threading, "active_count", lambda: 1)
    assert aside.fork_context() is not None
