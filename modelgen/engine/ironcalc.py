"""IronCalc, a second engine: recalculates a workbook in process, no LibreOffice needed.

IronCalc (the `ironcalc` package, a Rust engine built for Excel compatibility) loads the
.xlsx, evaluates every formula and hands back each cell's value; `verify` judges those
values exactly as it judges LibreOffice's (`modelgen.engine.verify.judge`).

Where it differs from Excel (0.9.1): it reads a bare range given to a scalar function as
the implicit intersection with the formula's own row or column, inside `SUMPRODUCT` too,
so `=SUMPRODUCT(ABS(A1:C1))` in A2 is `ABS(A1)` and in F2 `#VALUE!`, where Excel and
LibreOffice sum every absolute value (tests/test_ironcalc.py). A computed array is taken
whole (`ABS(A1:C1-D1:F1)` works), and that is all modelgen writes.
"""

from __future__ import annotations

from pathlib import Path

from modelgen.engine.libreoffice import EngineMissingError, RecalcError
from modelgen.engine.verify import ErrorValue, Values

__all__ = ["NAME", "recalculate"]

NAME = "IronCalc"  # as reports name the engine


def recalculate(path: str | Path) -> Values:
    """Load `path` into IronCalc, evaluate it and return every non-empty cell's value.

    Raises EngineMissingError without the `ironcalc` package, RecalcError when IronCalc
    cannot load or evaluate the file.
    """
    try:
        import ironcalc
    except ImportError:
        raise EngineMissingError("IronCalc is not installed: pip install ironcalc") from None
    try:
        model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
        model.evaluate()
    except BaseException as exc:  # a panic in IronCalc's Rust is a BaseException (pyo3)
        if not isinstance(exc, ironcalc.WorkbookError) and type(exc).__name__ != "PanicException":
            raise  # Ctrl-C, SIGTERM and the like stay what they are
        raise RecalcError(f"IronCalc could not recalculate {path}: {exc}") from None
    sheets = [s["name"] for s in model.get_worksheets_properties()]
    error = ironcalc.CellType.ErrorValue
    values: Values = {}
    for sheet, row, column in model.get_all_cells():
        value = model.get_cell_value(sheet, row, column)
        if value is None:
            continue
        if model.get_cell_type(sheet, row, column) == error:
            value = ErrorValue(value)
        values[sheets[sheet], f"{ironcalc.column_name_from_number(column)}{row}"] = value
    return values
