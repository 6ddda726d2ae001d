"""The command line: parses options, calls the library, maps errors to exit codes.

Exit codes: 0 success, 1 a failed verification, 2 bad usage or bad input (or an output
that cannot be written), 3 the spreadsheet engine is missing or failed, 70 a bug in modelgen
(with --debug, its traceback), 130 interrupted (Ctrl-C), 141 its output pipe was closed
(`| head`), 143 terminated (SIGTERM).
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from modelgen.cli_usage import ACCEPTS_STRAYS, NoArguments
from modelgen.engine import ENGINES
from modelgen.errors import EXIT_BAD_INPUT, EXIT_SOFTWARE, EXIT_VERIFY_FAILED, ModelgenError
from modelgen.words import number, plural

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn a folder of CSV files into an Excel workbook of live formulas.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's formatter alone costs 0.2 s per --help
    context_settings={"help_option_names": ["-h", "--help"]},  # every command inherits it
)
_state = {"debug": False}

Engine = StrEnum("Engine", {name: name for name in ENGINES})  # verify --engine's choices
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell tool killed by a closed pipe reports


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that cleanup runs (Python's default ends the process
    on the spot, skipping `finally` blocks and leaving a half-written temporary file)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _err(text: str) -> None:
    typer.echo(text, err=True)


def _run(fn: Callable[[], int | None], *, writes: bool = True) -> None:
    """Run a command body; turn known errors into messages and exit codes, never tracebacks.

    `writes`: the command writes files, so a failure says that nothing was written.
    """
    from modelgen.atomic import REPLACED
    from modelgen.inputs.csvread import InputError

    replaced_before = len(REPLACED)
    try:
        code = fn() or 0
    except InputError as exc:
        for p in exc.problems:
            _err(str(p))
        n = len(exc.problems)
        tail = "; nothing was written" if writes else ""
        _err(f"modelgen: {n} problem{'s' if n != 1 else ''} in the input{tail}")
        code = EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        done = REPLACED[replaced_before:] if writes else []
        _err(f"modelgen: {'terminated' if terminated else 'interrupted'}{_written(writes, done)}")
        code = EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except BrokenPipeError:  # `modelgen diff A B | head`: the reader has all it wants
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that the final flush does not fail too
        code = EXIT_BROKEN_PIPE
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        known = _known_error(exc)
        if known is not None:
            _err(f"modelgen: {_describe(exc)}")
            code = known
        else:
            if _state["debug"]:
                traceback.print_exc()
            _err(f"modelgen: internal error (a bug): {type(exc).__name__}: {exc}")
            _err("modelgen: run again with --debug for the traceback, and report it")
            code = EXIT_SOFTWARE
    raise typer.Exit(code)


def _written(writes: bool, done: list[Path]) -> str:
    """What an interrupted command left: files are replaced whole or not at all."""
    if not writes:
        return ""
    if done:  # the signal came after the new file was in place
        return f"; {', '.join(map(str, done))} had already been written in full"
    return "; nothing was written"


def _describe(exc: Exception) -> str:
    """An error in the user's words; an OSError also says what to do."""
    if isinstance(exc, OSError) and exc.filename:
        reason = exc.strerror or str(exc)
        return f"{exc.filename}: {reason.lower()}; check the path and its permissions"
    return str(exc)


def _known_error(exc: Exception) -> int | None:
    """The exit code of an error meant for the user (the hierarchy of modelgen.errors, and
    an operating system error on a named file); None for a bug."""
    if isinstance(exc, ModelgenError):
        return exc.exit_code
    if isinstance(exc, OSError) and exc.filename:
        return EXIT_BAD_INPUT
    return None


def _show_version(value: bool) -> None:
    if value:
        from modelgen._version import __version__

        typer.echo(f"modelgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    _state["debug"] = debug


InputsOpt = Annotated[Path, typer.Option("--inputs", help="Folder of input CSV files.")]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Replace the workbook even when a lock file says a program has it open."
    ),
]


@app.command(cls=NoArguments, context_settings=ACCEPTS_STRAYS)
def build(
    inputs: InputsOpt = Path("inputs"),
    template: Annotated[
        Path | None, typer.Option("--template", help="Presentation template (TOML).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Workbook to write.")] = Path(
        "build/capex_model.xlsx"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    previous: Annotated[
        Path | None, typer.Option("--previous", help="Workbook whose analyst edits to carry.")
    ] = None,
    carry: Annotated[
        bool, typer.Option("--carry", help="Carry the edits in the existing --out workbook.")
    ] = False,
    keep_edited_actuals: Annotated[
        bool, typer.Option("--keep-edited-actuals", help="Carry edited actuals too.")
    ] = False,
    force: ForceOpt = False,
) -> None:
    """Build the workbook from the CSV folder."""

    def body() -> int:
        from modelgen.build import build as run_build
        from modelgen.progress import ProgressBar

        say: Callable[[str], Any] = (lambda _: None) if quiet else typer.echo
        old = previous if previous is not None or not carry else out  # --carry: from --out
        bar = ProgressBar(sys.stderr) if not quiet and sys.stderr.isatty() else None
        try:  # on a terminal the bar names each sheet; elsewhere one line per sheet
            result = run_build(
                inputs,
                out,
                template,
                on_sheet=(lambda _: None) if bar else lambda name: say(f"  wrote sheet {name}"),
                previous=old,
                keep_edited_actuals=keep_edited_actuals,
                on_progress=bar,
                force=force,
            )
        finally:
            if bar:
                bar.close()
        for line in result.carry.lines() if result.carry else []:
            say(line)
        for w in result.model.inputs.warnings:
            _err(f"warning: {w}")
        checks = result.check_results
        cells = result.formula_cells
        say(
            f"{result.out}: {plural(result.companies, 'company')}, "
            f"{plural(result.periods, 'period')}, {cells:,} {number(cells, 'formula cell')}, "
            f"{checks.summary()}"
        )
        failing = checks.failing_line()
        if failing:
            say(failing)
        return 0

    _run(body)


@app.command(cls=NoArguments, context_settings=ACCEPTS_STRAYS)
def validate(inputs: InputsOpt = Path("inputs")) -> None:
    """Check the CSV folder as build does, without writing a workbook."""

    def body() -> int:
        from modelgen.build import validate_inputs

        data = validate_inputs(inputs)
        for w in data.warnings:
            _err(f"warning: {w}")
        typer.echo(
            f"{inputs}: valid ({plural(len(data.companies), 'company')}, "
            f"periods {data.periods[0]}–{data.periods[-1]})"
        )
        return 0

    _run(body, writes=False)


@app.command(cls=NoArguments, context_settings=ACCEPTS_STRAYS)
def backtest(
    through: Annotated[
        int,
        typer.Option(
            "--through", metavar="YEAR", help="Hide reported depreciation and net PP&E after it."
        ),
    ],
    inputs: InputsOpt = Path("inputs"),
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="Case to test (default: the folder's).")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", metavar="FILE", help="Also write the rows as JSON.")
    ] = None,
) -> None:
    """Rebuild without the depreciation and net PP&E reported after YEAR and compare;
    exit 1 when an error exceeds tie_tolerance of the reported figure."""

    def body() -> int:
        from modelgen.atomic import replacing
        from modelgen.backtesting import backtest as run_backtest

        result = run_backtest(inputs, through, scenario)
        for w in result.model.inputs.warnings:
            _err(f"warning: {w}")
        for line in result.lines():
            typer.echo(line)
        if json_out is not None:
            with replacing(json_out) as tmp:
                tmp.write_text(result.to_json(), encoding="utf-8")
        return 0 if result.ok else EXIT_VERIFY_FAILED

    _run(body, writes=json_out is not None)


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="Workbook to recalculate and check.")],
    timeout: Annotated[
        int, typer.Option(help="Seconds to wait for LibreOffice or Gnumeric.")
    ] = 180,
    engine: Annotated[
        Engine,
        typer.Option(
            help="Engine that recalculates: LibreOffice, IronCalc (in process), Gnumeric, "
            "Formualizer (in process), both (LibreOffice and IronCalc) or all."
        ),
    ] = Engine.libreoffice,
) -> None:
    """Recalculate FILE and compare every formula's cached value."""

    def body() -> int:
        from modelgen.engine.verify import verify as run_verify

        report = run_verify(file, engine=engine.value, timeout=timeout)
        for line in report.lines():
            typer.echo(line)
        return 0 if report.ok else EXIT_VERIFY_FAILED

    _run(body, writes=False)


@app.command()
def init(folder: Annotated[Path, typer.Argument(help="New input folder to create.")]) -> None:
    """Write a starter input folder (every CSV file, one example company)."""

    def body() -> int:
        from modelgen.inputs.starter import write_starter

        for path in write_starter(folder):
            typer.echo(f"  wrote {path}")
        typer.echo(f"Next: edit the files, then: modelgen build --inputs {folder}")
        return 0

    _run(body)


@app.command("ingest-sec")
def ingest_sec(
    file: Annotated[Path, typer.Argument(help="SEC XBRL company-facts JSON file.")],
    ticker: Annotated[str, typer.Option("--ticker", help="Ticker to add or update.")],
    inputs: InputsOpt = Path("inputs"),
    name: Annotated[
        str | None, typer.Option("--name", help="Company name (default: from the file).")
    ] = None,
) -> None:
    """Add or update a company's capex and net income from SEC company facts."""

    def body() -> int:
        from modelgen.sec.ingest import ingest_sec as run_ingest

        report = run_ingest(file, ticker, inputs, name=name)
        for line in report.lines():
            typer.echo(line)
        return 0

    _run(body)


@app.command(cls=NoArguments, context_settings=ACCEPTS_STRAYS)
def update(
    sec: Annotated[Path, typer.Option("--sec", help="SEC XBRL company-facts JSON file.")],
    inputs: InputsOpt = Path("inputs"),
    ticker: Annotated[
        str | None, typer.Option("--ticker", help="Ticker (default: the filing's company).")
    ] = None,
    workbook: Annotated[
        Path, typer.Option("--workbook", help="Workbook to rebuild; the old one is kept.")
    ] = Path("build/capex_model.xlsx"),
    engine: Annotated[
        Engine, typer.Option(help="Engine that checks the new workbook.")
    ] = Engine.ironcalc,
    force: ForceOpt = False,
) -> None:
    """Ingest a filing, rebuild the workbook with your edits, verify, show forecast vs actual."""

    def body() -> int:
        from modelgen.update import update as run_update

        result = run_update(
            inputs, sec, ticker=ticker, workbook=workbook, engine=engine.value, force=force
        )
        for line in result.ingest.lines() + (
            result.build.carry.lines() if result.build.carry else []
        ):
            typer.echo(line)
        for line in result.verify.lines():
            typer.echo(line)
        if not result.ok:
            typer.echo(f"{workbook} and {inputs} are unchanged: the new workbook did not verify")
            return EXIT_VERIFY_FAILED
        typer.echo(f"{workbook}: rebuilt; the old workbook is kept as {result.kept}")
        for line in result.diff.forecast_lines():
            typer.echo(line)
        return 0

    _run(body)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier workbook.")],
    new: Annotated[Path, typer.Argument(help="The later workbook.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    tolerance: Annotated[
        float, typer.Option("--tolerance", help="Ignore moves within X * max(1, |old|).")
    ] = 1e-9,
    sheet: Annotated[
        list[str] | None,
        typer.Option(
            "--sheet", metavar="NAME", help="Only this sheet (any case); repeat for more."
        ),
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option(
            "--key",
            metavar="KEY",
            help="Only this row key or its leading parts (capex: capex:MSFT, capex:TOTAL, "
            "not capex_known:MSFT); repeat for more.",
        ),
    ] = None,
) -> None:
    """Compare two workbooks by sheet, row key and period; exit 1 when they differ.

    First the forecast against the actual (figures forecast or guided in OLD, actual in
    NEW), then the headline outputs, then the rest."""

    def body() -> int:
        from modelgen.compare.diff import diff_workbooks

        report = diff_workbooks(old, new, tolerance).only(sheet, key)
        typer.echo(report.to_json() if as_json else "\n".join(report.lines()))
        return 1 if report.changed else 0

    _run(body)


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="Workbook modelgen wrote (edited or not).")],
    key: Annotated[str, typer.Argument(help="Row key, as in column A: depreciation:AMZN.")],
    period: Annotated[str, typer.Argument(help="Period label (2025, 2025Q1), or D: the constant.")],
    depth: Annotated[
        int, typer.Option("--depth", min=1, help="Levels of precedents to explain.")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """One cell's formula in words and numbers: each precedent by sheet, label, key, period
    and value, with the operators between them."""

    def body() -> int:
        from modelgen.api import read_workbook

        found = read_workbook(file).explain(key, period, depth)
        typer.echo(found.to_json() if as_json else "\n".join(found.lines()))
        return 0

    _run(body, writes=False)


@app.command()
def batch(
    manifest: Annotated[
        Path,
        typer.Argument(help="CSV of inputs,workbook[,previous], or a folder of input folders."),
    ],
    workers: Annotated[
        int | None, typer.Option("--workers", help="Worker processes (default: the CPU count).")
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option("--dask", metavar="ADDRESS", help="Run on this Dask scheduler instead."),
    ] = None,
    skip_done: Annotated[
        bool, typer.Option("--skip-done", help="Skip rows unchanged since they verified.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Build or regenerate every workbook of MANIFEST and verify each with IronCalc; exit 1
    when one did not verify, 2 when an input was refused."""

    def body() -> int:
        from modelgen.batch import run_batch
        from modelgen.batch_manifest import read_manifest
        from modelgen.progress import ProgressBar

        jobs = read_manifest(manifest)
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        try:
            result = run_batch(
                jobs,
                workers=workers,
                dask=dask,
                skip_done=skip_done,
                on_outcome=(lambda o, done, total: bar("Batch", f"row {o.row}", done, total))
                if bar
                else None,
            )
        finally:
            if bar:
                bar.close()
        typer.echo(result.to_json() if as_json else "\n".join(result.lines()))
        return result.exit_code

    _run(body)


@app.command()
def preview(
    file: Annotated[Path, typer.Argument(help="Workbook to render.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the PNGs (default: FILE-preview).")
    ] = None,
    resolution: Annotated[int, typer.Option(help="Pixels per inch.")] = 80,
) -> None:
    """Render each visible sheet of FILE to PNG images (LibreOffice, then pdftoppm)."""

    def body() -> int:
        from modelgen.engine.preview import preview as run_preview

        pages = run_preview(file, out, resolution=resolution)
        for page in pages:
            typer.echo(
                f"  {page.path} ({page.sheet}, page {page.page}, {page.width}x{page.height})"
            )
        sheets = plural(len({p.sheet for p in pages}), "sheet")
        typer.echo(f"{file}: {sheets}, {plural(len(pages), 'image')}")
        return 0

    _run(body)


def main() -> None:
    """Console entry point."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app(prog_name="modelgen")
    finally:
        # The command is over and its exit code set. Python gives a handled signal its
        # default action back while it shuts down, so a SIGTERM landing then would end the
        # process with -15 and no message (seen under load): from here on, ignore both.
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
