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
