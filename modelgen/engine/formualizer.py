"""Formualizer, a third engine: a Rust spreadsheet engine on the package index, in process.

``formualizer.recalculate_file(src, out)`` loads the .xlsx, evaluates every formula and
writes a copy whose cached values are its results; `verify` reads that copy and judges it as
it judges LibreOffice's (`modelgen.engine.verify.judge`). An optional extra:
``pip install 'modelgen[engines]'``. Its edges (0.13) are pinned in tests/engine/test_engines.py
and described in docs/engines.md.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from modelgen.engine.libreoffice import EngineMissingError, RecalcError
from modelgen.engine.verify import Values, read_values

__all__ = ["INSTALL_HINT", "NAME", "recalculate"]

NAME = "Formualizer"  # as reports name the engine
INSTALL_HINT = "pip install formualizer (or pip install 'modelgen[engines]')"


def recalculate(path: str | Path) -> Values:
    """Have Formualizer recalculate ``path`` and return every non-empty cell's value.

    Raises EngineMissingError without the `formualizer` package, RecalcError when it cannot
    load or evaluate the file.
    """
    try:
        import formualizer
    except ImportError:
        raise EngineMissingError(f"Formualizer is not installed: {INSTALL_HINT}") from None
    with tempfile.TemporaryDirectory(prefix="modelgen-formualizer-") as tmp:
        out = Path(tmp, "recalculated.xlsx")
        try:
            formualizer.recalculate_file(str(path), str(out))
        except BaseException as exc:  # a panic in its Rust is a BaseException (pyo3)
            if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                raise  # Ctrl-C, SIGTERM and the like stay what they are
            raise RecalcError(f"Formualizer could not recalculate {path}: {exc}") from None
        if not out.is_file():
            raise RecalcError(f"Formualizer wrote no recalculated copy of {path}")
        return read_values(out)
