"""The main job: an input folder and a template in, a verified-by-construction workbook out."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.atomic import OutputPathError
from modelgen.inputs.folder import Inputs, load_inputs
from modelgen.inputs.template import Template, load_template
from modelgen.locks import refuse_open
from modelgen.model import Model, build_model
from modelgen.sheets import SheetName
from modelgen.words import plural
from modelgen.xlsx.check_results import CheckResults

if TYPE_CHECKING:
    from modelgen.regenerate.apply import Applied
    from modelgen.regenerate.carry import Carry
    from modelgen.regenerate.previous import Previous


@dataclass
class BuildResult:
    """What a build wrote, for the summary line."""

    out: Path
    model: Model
    carry: Carry | None = None  # what was carried from --previous
    formula_cells: int = 0  # as written, and as verify counts them (modelgen.xlsx.formula_cells)

    @property
    def companies(self) -> int:
        return len(self.model.inputs.companies)

    @property
    def periods(self) -> int:
        return self.model.n_periods

    @property
    def check_results(self) -> CheckResults:
        """Each check's column D as computed (and cached in the workbook)."""
        rows = self.model.sheets[SheetName.CHECKS].rows
        return CheckResults.of((r.key, _plain(r.const_value())) for r in rows if r.key)

    @property
    def checks(self) -> tuple[int, int]:
        """(passed, total) over the check rows."""
        results = self.check_results
        return results.total - len(results.failing), results.total


def _plain(value: object) -> object:
    """A float as Python's (numpy's float64 compares alike; NaN: an empty cell)."""
    return None if isinstance(value, float) and value != value else value


def validate_inputs(inputs_dir: Path, template: Path | None = None) -> Inputs:
    """Everything a build checks before it writes: the inputs, the template and the
    workbook's defined names (two tickers that make one Excel name), so that `validate`
    refuses exactly what `build` refuses."""
    from modelgen.xlsx.names import plan_names

    inputs = load_inputs(inputs_dir)
    plan_names(build_model(inputs, load_template(template)))
    return inputs


def built_at(inputs: Inputs, template: Path | None) -> datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH, else the newest input file's time.

    Taking the time from the inputs, not the clock, is what makes the same inputs give
    byte-identical workbooks.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).replace(tzinfo=None)
    files = [inputs.folder / name for name in inputs.file_hashes]
    if template is not None:
        files.append(Path(template))
    newest = max((f.stat().st_mtime for f in files if f.exists()), default=0)
    return datetime.fromtimestamp(int(newest), UTC).replace(tzinfo=None)


def check_output_path(out: Path, inputs_dir: Path) -> None:
    """Refuse an output that would overwrite something that is not a workbook
    (OutputPathError)."""
    out = Path(out)
    problem = None
    folder = out.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        problem = (
            f"would be inside {folder}, which is a file, not a folder",
            "give --out a file name in a folder, such as build/capex_model.xlsx",
        )
    elif out.is_dir():
        problem = ("is a folder", "give --out a file name such as build/capex_model.xlsx")
    elif out.suffix.lower() != ".xlsx":
        problem = ("does not end in .xlsx", "name the output FILE.xlsx")
    elif out.exists() and not os.access(out, os.W_OK):
        problem = (
            "cannot be written (permission denied)",
            "choose another --out or fix the permissions",
        )
    if problem:
        raise OutputPathError(f"{out}: the output {problem[0]}; {problem[1]}")


def build(
    inputs_dir: Path,
    out: Path,
    template: Path | None = None,
    on_sheet: Callable[[str], None] | None = None,
    previous: Path | None = None,
    keep_edited_actuals: bool = False,
    on_progress: Callable[[str, str, int, int], None] | None = None,
    force: bool = False,
) -> BuildResult:
    """Load, model, and write; the old workbook at `out` survives any failure untouched.

    With `previous`, the analyst's work in that workbook is carried
    (modelgen.regenerate.carry). A workbook open in Excel or LibreOffice (`out`, or
    `previous`) is refused unless `force` (modelgen.locks).
    `on_progress(stage, item, done, total)` follows the stages and, while writing, each
    sheet and company (modelgen.progress draws it)."""
    check_output_path(out, inputs_dir)
    refuse_open(out, force=force)  # before anything is read: the quickest refusal
    (on_progress or (lambda *_: None))("Reading inputs", "", 0, 0)
    inputs = load_inputs(inputs_dir)
    return write(
        inputs,
        load_template(template),
        out,
        when=built_at(inputs, template),
        previous=previous,
        keep_edited_actuals=keep_edited_actuals,
        force=force,
        on_sheet=on_sheet,
        on_progress=on_progress,
    )


def write(
    inputs: Inputs,
    template: Template,
    out: Path,
    *,
    when: datetime,
    model: Model | None = None,
    previous: Path | None = None,
    keep_edited_actuals: bool = False,
    force: bool = False,
    on_sheet: Callable[[str], None] | None = None,
    on_progress: Callable[[str, str, int, int], None] | None = None,
) -> BuildResult:
    """The pipeline once the inputs are read, for the command line (`build`) and the API
    (`modelgen.write_workbook`) alike: refuse an open workbook, read `previous` (stage 1 of
    modelgen.regenerate.carry), model the inputs with the analyst's edits applied (stage 2)
    unless `model` is given and nothing is carried, and write `out` whole, stamped `when`,
    with the analyst's sheets (stage 3)."""
    from modelgen.xlsx.workbook import write_workbook

    if previous is not None:
        refuse_open(previous, carried=True, force=force)
    refuse_open(out, force=force)
    old: Previous | None = None
    if previous is not None:  # only a regeneration imports its code (and openpyxl)
        from modelgen.regenerate.previous import read_previous

        old = read_previous(previous)
    applied: Applied | None = None
    if model is None or old is not None:
        progress = on_progress or (lambda *_: None)
        progress("Modelling", plural(len(inputs.companies), "company"), 0, 0)
        model, applied = _model(inputs, template, old, keep_edited_actuals)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not os.access(out.parent, os.W_OK):
        raise OutputPathError(
            f"{out.parent}: the output folder cannot be written; choose another --out"
        )
    writer = None
    if applied is not None:
        from modelgen.regenerate.carry import CarryWriter

        writer = CarryWriter(applied)
    cells = write_workbook(
        model, out, built_at=when, on_sheet=on_sheet, additions=writer, on_progress=on_progress
    )
    return BuildResult(out, model, writer.carry if writer else None, cells)


def _model(
    inputs: Inputs, template: Template, old: Previous | None, keep_edited_actuals: bool
) -> tuple[Model, Applied | None]:
    """The model of `inputs`; with `old`, its edits applied before evaluation."""
    if old is None:
        return build_model(inputs, template), None
    from modelgen.regenerate.apply import apply

    applied: list[Applied] = []  # build_model's hook returns nothing: it hands it back here
    model = build_model(
        inputs, template, adjust=lambda m: applied.append(apply(old, m, keep_edited_actuals))
    )
    return model, applied[0]
