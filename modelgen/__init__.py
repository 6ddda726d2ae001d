"""modelgen: a folder of CSV files in, an Excel workbook of live formulas out.

The public API (see `modelgen.api` and the README's "From Python" section):

    read_inputs, inputs_from_frames, build_model, write_workbook, read_workbook, verify,
    diff, backtest, ModelgenError, InputError, Problem

Names load on first use, so `import modelgen` (and the command line's `--help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from modelgen._version import __version__

#: public name -> the module that defines it
_API = {
    "read_inputs": "modelgen.api",
    "inputs_from_frames": "modelgen.api",
    "build_model": "modelgen.api",
    "write_workbook": "modelgen.api",
    "read_workbook": "modelgen.api",
    "verify": "modelgen.api",
    "diff": "modelgen.api",
    "backtest": "modelgen.backtesting",
    "ModelgenError": "modelgen.errors",
    "InputError": "modelgen.inputs.csvread",
    "Problem": "modelgen.inputs.csvread",
    "Inputs": "modelgen.inputs.folder",  # the class, not a sheet
    "Model": "modelgen.model",
}
__all__ = [
    "__version__",
    "read_inputs",
    "inputs_from_frames",
    "build_model",
    "write_workbook",
    "read_workbook",
    "verify",
    "diff",
    "backtest",
    "ModelgenError",
    "InputError",
    "Problem",
    "Inputs",  # the class, not a sheet
    "Model",
]

if TYPE_CHECKING:
    from modelgen.api import (
        build_model,
        diff,
        inputs_from_frames,
        read_inputs,
        read_workbook,
        verify,
        write_workbook,
    )
    from modelgen.backtesting import backtest
    from modelgen.errors import ModelgenError
    from modelgen.inputs.csvread import InputError, Problem
    from modelgen.inputs.folder import Inputs
    from modelgen.model import Model


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'modelgen' has no attribute {name!r}")
