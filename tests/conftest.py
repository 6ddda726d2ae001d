"""Shared fixtures: the shipped inputs, the varied test inputs, and built workbooks."""

from __future__ import annotations

from pathlib import Path

import pytest

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
