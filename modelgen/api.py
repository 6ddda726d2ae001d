"""The Python API: what the command line does, callable from a notebook or a script.

    import modelgen
    inputs = modelgen.read_inputs("inputs")            # or inputs_from_frames(...)
    model = modelgen.build_model(inputs)
    model.value("Profit Impact", "net_income:META", "2026")
    modelgen.write_workbook(model, "build/model.xlsx")

Paths may be `str` or `Path`. Bad input raises `InputError` with every problem in
`.problems` (file, line, column, message); every error meant for a user is a
`ModelgenError` with the `exit_code` the command line would give.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from modelgen.inputs.csvread import InputError, Problem
from modelgen.inputs.folder import Inputs, inputs_from, load_inputs
from modelgen.inputs.schema import FILES
from modelgen.inputs.source import Frames
from modelgen.inputs.template import load_template
from modelgen.model import Model
from modelgen.model import build_model as _build_model

if TYPE_CHECKING:
    import pandas as pd

    from modelgen.compare.diff import DiffReport
    from modelgen.compare.explain import ExplainableWorkbook
    from modelgen.engine.verify import EnginesReport, VerifyReport

PathLike = str | os.PathLike[str]

#: the frames `inputs_from_frames` takes, and the file each stands for
FRAMES = {spec.frame: spec.name for spec in FILES}


def read_inputs(folder: PathLike) -> Inputs:
    """Read and validate an input folder of CSV files, as `modelgen build` does."""
    return load_inputs(Path(folder))


def inputs_from_frames(
    *,
    companies: pd.DataFrame,
    capex: pd.DataFrame,
    assumptions: pd.DataFrame,
    financials: pd.DataFrame | None = None,
    guidance: pd.DataFrame | None = None,
    settings: pd.DataFrame | Mapping[str, Any] | None = None,
    scenarios: pd.DataFrame | None = None,
    opening_balances: pd.DataFrame | None = None,
    life_changes: pd.DataFrame | None = None,
) -> Inputs:
    """Inputs from pandas DataFrames with the CSV files' columns (strings or numbers),
    validated with the same rules and messages. A problem names the frame as its file and
    its row (1 for the first row of data) as its line; `settings` may be a dict. A frame
    not given is a file without rows (financials, guidance, settings) or left out."""
    given = dict(
        companies=companies,
        capex=capex,
        assumptions=assumptions,
        financials=financials,
        guidance=guidance,
        settings=settings,
        scenarios=scenarios,
        opening_balances=opening_balances,
        life_changes=life_changes,
    )
    source = Frames.of(given)
    try:
        inputs = inputs_from(source, Path("frames"))
    except InputError as exc:
        raise InputError([_from_frame(p) for p in exc.problems]) from None
    inputs.file_hashes = source.hashes()
    return inputs


def build_model(inputs: Inputs, template: PathLike | None = None) -> Model:
    """Every sheet's rows, formulas and computed values: read them with `.value` and
    `.frame` before (or without) writing a workbook."""
    return _build_model(inputs, load_template(None if template is None else Path(template)))


def write_workbook(
    model: Model, path: PathLike, previous: PathLike | None = None, *, force: bool = False
) -> Path:
    """Write `model` to `path` (replaced whole, or left as it was if writing fails); with
    `previous`, carry the analyst's edits and sheets from that workbook, as
    `modelgen build --previous` does: the same pipeline (`modelgen.build.write`). Returns
    the path written. A workbook open in Excel or LibreOffice raises WorkbookOpenError
    unless `force`, as the build does."""
    from modelgen.build import built_at, write

    folder = model.inputs.folder
    when = built_at(model.inputs, None) if folder.is_dir() else _now()
    return write(
        model.inputs,
        model.template,
        Path(path),
        when=when,
        model=model,
        previous=None if previous is None else Path(previous),
        force=force,
    ).out


def read_workbook(path: PathLike) -> ExplainableWorkbook:
    """A workbook's cached values by sheet, row key and period (`.value`, `.frame`), and
    one cell's formula in words and numbers (`.explain(key, period)`)."""
    from modelgen.compare.explain import ExplainableWorkbook
    from modelgen.xlsx.read_by_key import read_keyed

    return ExplainableWorkbook(Path(path), read_keyed(Path(path), data_only=True))


def verify(path: PathLike, engine: str = "libreoffice") -> VerifyReport | EnginesReport:
    """Recalculate `path` and compare every cached value (`.ok`, `.lines()`).

    `engine`: `libreoffice`, `ironcalc` (in process), `gnumeric`, `formualizer` (in
    process), `both` (LibreOffice and IronCalc) or `all` (every engine): the last two give an
    EnginesReport, which also lists the cells the engines compute differently
    (`.disagreements`).
    """
    from modelgen.engine.verify import verify as _verify

    return _verify(Path(path), engine=engine)


def diff(old: PathLike, new: PathLike, tolerance: float = 1e-9) -> DiffReport:
    """What changed from `old` to `new` by sheet, key and period (`.changed`, `.to_frame()`)."""
    from modelgen.compare.diff import diff_workbooks

    return diff_workbooks(Path(old), Path(new), tolerance)


def _from_frame(problem: Problem) -> Problem:
    """A problem in the words of frames: the frame's name, its row counted from 1."""
    names = {file: name for name, file in FRAMES.items()}
    name = names.get(Path(problem.file).name, problem.file)
    row = problem.line - 1 if problem.line > 1 else problem.line
    return Problem(name, row, problem.column, problem.message, problem.hint)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
