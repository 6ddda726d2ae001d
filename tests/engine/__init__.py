"""Shared test helpers for tests that need the real spreadsheet engine (LibreOffice).

Mark a test that needs LibreOffice with ``engine`` and call ``require_soffice()`` in it or its
fixture: without ``soffice`` the test is skipped, unless MODELGEN_REQUIRE_LIBREOFFICE=1 is set
(CI sets it), in which case it fails, so a CI machine without LibreOffice cannot go green by
skipping; ``require_ssconvert()`` and ``require_formualizer()`` do the same for Gnumeric and
Formualizer, the third and fourth engines. ``require_soffice()`` fails an unmarked test, so ``pytest -m "not engine"`` (the fast
tier) never starts LibreOffice. Recalculate in batches where you can: ``recalc_many_keyed`` starts LibreOffice once
for any number of workbooks.

All helpers share one LibreOffice user profile per test process (so one per pytest-xdist
worker), kept for the session so that LibreOffice starts fast and removed at exit. Do not
call the helpers from several threads at once: a profile serves one LibreOffice at a time.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from modelgen.engine.formualizer import INSTALL_HINT as FORMUALIZER_HINT
from modelgen.engine.gnumeric import INSTALL_HINT as GNUMERIC_HINT
from modelgen.engine.gnumeric import find_ssconvert
from modelgen.engine.libreoffice import find_soffice, recalculate_many
from modelgen.engine.verify import VerifyReport, verify_many
from modelgen.xlsx.read_by_key import KeyedSheet, read_keyed, values_frame

REQUIRE_ENV = "MODELGEN_REQUIRE_LIBREOFFICE"

#: Mark tests that need LibreOffice (registered in pyproject.toml); pair with require_soffice().
engine = pytest.mark.engine

_profiles: dict[str, Path] = {}

#: The test being set up or run (conftest.py's pytest_runtest_setup sets it).
current_test: pytest.Item | None = None


def soffice_available() -> bool:
    """Whether LibreOffice's ``soffice`` can be found."""
    return find_soffice() is not None


def require_soffice() -> None:
    """Skip the calling test without LibreOffice, or fail it when CI demands the engine.

    A test that is not marked ``engine`` fails: the fast tier must not need LibreOffice."""
    _require(
        "LibreOffice",
        soffice_available(),
        "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui",
    )


def require_ssconvert() -> None:
    """require_soffice() for Gnumeric's ssconvert (CI installs it with LibreOffice)."""
    _require("Gnumeric", find_ssconvert() is not None, f"Gnumeric is missing. {GNUMERIC_HINT}")


def formualizer_available() -> bool:
    """Whether the `formualizer` package (the test extra's) can be imported."""
    return importlib.util.find_spec("formualizer") is not None


def require_formualizer() -> None:
    """require_soffice() for Formualizer, an in-process engine of the test extra."""
    _require("Formualizer", formualizer_available(), f"Formualizer is missing: {FORMUALIZER_HINT}")


def _require(what: str, found: bool, message: str) -> None:
    if current_test is not None and current_test.get_closest_marker("engine") is None:
        pytest.fail(
            f"{current_test.nodeid} needs {what} but is not marked: add @engine "
            "(from tests.engine) so that `pytest -m 'not engine'` leaves it out"
        )
    if found:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV}=1 makes this a failure, not a skip)")
    pytest.skip(message)


def engine_profile() -> Path:
    """This process's reusable LibreOffice profile folder (one per xdist worker)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if worker not in _profiles:
        root = Path(tempfile.mkdtemp(prefix=f"modelgen-lo-profile-{worker}-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _profiles[worker] = root / "profile"
    return _profiles[worker]


def recalc_many(paths: Sequence[Path], tmp_dir: Path) -> list[Path]:
    """Recalculate workbooks with one LibreOffice run into ``tmp_dir/recalculated``."""
    require_soffice()
    return recalculate_many(paths, Path(tmp_dir) / "recalculated", profile=engine_profile())


def recalc_many_keyed(paths: Sequence[Path], tmp_dir: Path) -> list[dict[str, KeyedSheet]]:
    """Recalculate workbooks in one LibreOffice run and read each back by key (values)."""
    return [read_keyed(out, data_only=True) for out in recalc_many(paths, tmp_dir)]


def recalc_keyed(path: Path, tmp_dir: Path) -> dict[str, KeyedSheet]:
    """Recalculate one workbook with LibreOffice and read it back by key (values)."""
    return recalc_many_keyed([path], tmp_dir)[0]


def recalc_values(path: Path, tmp_dir: Path) -> pd.DataFrame:
    """Recalculate one workbook and return its tidy (sheet, key, period, value) frame."""
    return values_frame(recalc_keyed(path, tmp_dir))


def verify_files(paths: Sequence[Path]) -> list[VerifyReport]:
    """modelgen.engine.verify for many workbooks with one LibreOffice run (distinct file names)."""
    require_soffice()
    return verify_many(paths, profile=engine_profile())


def assert_engine_agrees(report: VerifyReport, check_failures: float = 0) -> None:
    """Every formula's cached value is what the engine computed, no error value, and
    check_failures as expected."""
    assert not report.mismatches and not report.errors, "\n".join(report.lines(limit=10))
    assert report.check_failures == check_failures, report.lines(limit=10)
