"""The quarter in one command: a new filing in, the workbook rebuilt with your edits, checked.

``modelgen update --inputs DIR --sec FILE [--ticker T] [--workbook W]``:

1. copies the inputs folder aside and ingests the filing into the copy (``ingest-sec``);
2. builds a new workbook from the copy, carrying the analyst's work in ``W``
   (``build --previous``);
3. recalculates the new workbook with an engine and checks every cached value (``verify``);
4. only then replaces ``W``, keeps the old one beside it as ``W.before-DATE.xlsx``, and puts
   the changed CSV files into ``DIR``;
5. compares the two workbooks (``diff``): the forecasts the new actuals replace.

A failure at any step before 4 leaves the folder and the workbook as they were.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from modelgen.atomic import replacing
from modelgen.build import BuildResult, build
from modelgen.errors import EXIT_BAD_INPUT, ModelgenError
from modelgen.locks import refuse_open
from modelgen.words import unknown_name

if TYPE_CHECKING:
    from modelgen.compare.diff import DiffReport
    from modelgen.engine.verify import EnginesReport, VerifyReport
    from modelgen.sec.ingest import IngestReport

__all__ = ["UpdateError", "UpdateResult", "kept_name", "update"]


class UpdateError(ModelgenError):
    """The update cannot start (no workbook to update, a ticker that is not the filing's
    company); nothing was changed."""

    exit_code = EXIT_BAD_INPUT


@dataclass
class UpdateResult:
    """What an update did: the ingest, the build, the check and the comparison."""

    workbook: Path  # the new workbook, where the old one was
    kept: Path | None  # the old workbook, kept beside it (None when the check failed)
    ingest: IngestReport
    build: BuildResult
    verify: VerifyReport | EnginesReport
    diff: DiffReport | None  # None when the check failed

    @property
    def ok(self) -> bool:
        return self.verify.ok


STAGING = ".modelgen-update-"  # the folder a quarter is staged in, beside the workbook


def kept_name(workbook: Path, today: date | None = None) -> Path:
    """Where the old workbook is kept: ``capex_model.before-2026-11-30.xlsx`` beside it
    (``-2``, ``-3``... when an update ran earlier the same day): never overwritten."""
    stem = f"{workbook.stem}.before-{(today or date.today()).isoformat()}"
    candidate, n = workbook.with_name(stem + workbook.suffix), 1
    while candidate.exists():
        n += 1
        candidate = workbook.with_name(f"{stem}-{n}{workbook.suffix}")
    return candidate


def _copy(source: Path, target: Path) -> None:
    """Copy ``source`` over ``target`` so that ``target`` is either old or new, never half."""
    with replacing(target) as temporary:
        shutil.copyfile(source, temporary)


def _known_ticker(ticker: str, facts: Path, inputs_dir: Path) -> str:
    """`ticker` in upper case, when it is the folder's company of the filing: an update
    brings a company's new figures; a misspelt ticker would add the company a second time,
    another company's would put the filing in its rows."""
    from modelgen.sec.companies import wrong_ticker
    from modelgen.sec.ingest import companies_in, entity_of

    ticker, companies = ticker.strip().upper(), companies_in(inputs_dir)
    file = inputs_dir / "companies.csv"
    if ticker not in companies:
        raise unknown_name(
            "company",
            ticker,
            list(companies),
            f"in {file}",
            f"to add a company, run modelgen ingest-sec {facts} --ticker {ticker} "
            f"--inputs {inputs_dir}, then modelgen build",
        )
    wrong = wrong_ticker(ticker, entity_of(facts), companies, file, facts)
    if wrong:
        raise UpdateError(wrong)
    return ticker


def update(
    inputs_dir: str | Path,
    facts: str | Path,
    *,
    ticker: str | None = None,
    workbook: str | Path = "build/capex_model.xlsx",
    template: str | Path | None = None,
    engine: str = "ironcalc",
    keep_edited_actuals: bool = False,
    force: bool = False,
) -> UpdateResult:
    """Ingest ``facts`` (SEC company facts) for ``ticker`` (default: the company of the
    folder the filing names), rebuild ``workbook`` carrying its edits, verify it with
    ``engine``; replace the workbook and the CSVs only when every value checks. A workbook
    open in Excel or LibreOffice is refused unless ``force`` (modelgen.locks)."""
    from modelgen.compare.diff import diff_workbooks
    from modelgen.engine.verify import verify
    from modelgen.sec.ingest import ingest_sec, ticker_in_folder

    inputs_dir, facts, workbook = Path(inputs_dir), Path(facts), Path(workbook)
    if not workbook.is_file():
        raise UpdateError(
            f"{workbook}: no workbook to update; build one first "
            f"(modelgen build --inputs {inputs_dir} --out {workbook}) or pass --workbook"
        )
    refuse_open(workbook, carried=True, force=force)
    ticker = (
        _known_ticker(ticker, facts, inputs_dir) if ticker else ticker_in_folder(facts, inputs_dir)
    )
    with tempfile.TemporaryDirectory(prefix=STAGING, dir=workbook.parent) as tmp:
        staged = Path(tmp, "inputs")
        # a workbook kept inside its inputs folder puts this staging folder there too
        shutil.copytree(inputs_dir, staged, ignore=shutil.ignore_patterns(f"{STAGING}*"))
        ingest = ingest_sec(facts, ticker, staged)
        new = Path(tmp, workbook.name)
        built = build(
            staged,
            new,
            Path(template) if template else None,
            previous=workbook,
            keep_edited_actuals=keep_edited_actuals,
            force=True,  # asked above; `new` is ours
        )
        report = verify(new, engine=engine)
        if not report.ok:
            return UpdateResult(workbook, None, ingest, built, report, None)
        refuse_open(workbook, carried=True, force=force)  # opened while it was rebuilt?
        kept = kept_name(workbook)
        _copy(workbook, kept)
        new.replace(workbook)  # the same folder: an atomic rename
        for path in ingest.written:
            _copy(path, inputs_dir / path.name)
        ingest.written = [inputs_dir / p.name for p in ingest.written]
        for checked in [report, *getattr(report, "reports", [])]:
            checked.path = workbook  # the report names the workbook where it now is
        built.out = workbook
    return UpdateResult(workbook, kept, ingest, built, report, diff_workbooks(kept, workbook))
