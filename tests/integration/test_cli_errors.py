"""What the command line does when things go wrong that are not bad input.

An unexpected exception is a bug: one summary line naming it, a pointer to --debug, exit 70,
and the traceback only with --debug. Usage errors exit 2. Nothing here needs a built model:
the failures are provoked by replacing the library call the command makes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import modelgen.build
from modelgen.cli import app
from tests.cli import run_modelgen, start_modelgen

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the model fell over")


@pytest.fixture
def broken_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    # build and validate read the inputs through modelgen.build's load_inputs
    monkeypatch.setattr(modelgen.build, "load_inputs", boom)


def test_an_unexpected_exception_is_a_bug_with_exit_70_and_no_traceback(
    broken_loader: None,
) -> None:
    result = CliRunner().invoke(app, ["validate", "--inputs", str(SHIPPED)])
    assert result.exit_code == 70
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert lines[0] == "modelgen: internal error (a bug): RuntimeError: the model fell over"
    assert "--debug" in lines[1]
    assert len(lines) == 2
    assert "Traceback" not in result.stderr
    assert 'File "' not in result.stderr
    assert result.stdout == ""


def test_debug_shows_the_traceback_of_a_bug(broken_loader: None) -> None:
    result = CliRunner().invoke(app, ["--debug", "validate", "--inputs", str(SHIPPED)])
    assert result.exit_code == 70
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: the model fell over" in result.stderr
    assert "in boom" in result.stderr  # the frame that raised
    last = result.stderr.splitlines()
    assert "modelgen: internal error (a bug): RuntimeError: the model fell over" in last


def test_a_bug_in_build_is_reported_the_same_way(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(modelgen.build, "build", boom)
    out = tmp_path / "model.xlsx"
    result = CliRunner().invoke(app, ["build", "--inputs", str(SHIPPED), "--out", str(out)])
    assert result.exit_code == 70
    assert result.stderr.startswith("modelgen: internal error (a bug): RuntimeError:")
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "exc", [KeyError("capex:MSFT"), ZeroDivisionError("float division by zero"), AssertionError()]
)
def test_any_exception_type_is_summarised_on_one_line(
    monkeypatch: pytest.MonkeyPatch, exc: Exception
) -> None:
    def raise_it(*args: object, **kwargs: object) -> None:
        raise exc

    monkeypatch.setattr(modelgen.build, "load_inputs", raise_it)
    result = CliRunner().invoke(app, ["validate", "--inputs", str(SHIPPED)])
    assert result.exit_code == 70
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"modelgen: internal error (a bug): {type(exc).__name__}")
    assert "Traceback" not in result.stderr


def test_an_interrupt_says_nothing_was_written(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(modelgen.build, "load_inputs", interrupt)
    result = CliRunner().invoke(app, ["validate", "--inputs", str(SHIPPED)])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, says",
    [
        (["validate", "--no-such-option"], "No such option"),
        (["frobnicate"], "No such command"),
        (["verify"], "Missing argument"),
        (["validate", "--inputs"], "requires an argument"),
        (["build", "--quiet=maybe"], "--quiet"),
        (["verify", "x.xlsx", "--timeout", "soon"], "Invalid value for '--timeout'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], says: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output


def test_no_arguments_prints_help_and_exits_2() -> None:
    result = CliRunner().invoke(app, [])
    assert result.exit_code == 2
    assert "validate" in result.output and "build" in result.output


def test_a_usage_error_from_the_real_command() -> None:
    proc = run_modelgen("validate", "--no-such-option", timeout=60)
    assert proc.returncode == 2
    assert "No such option" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_valid_folder_validates_with_exit_0() -> None:
    result = CliRunner().invoke(app, ["validate", "--inputs", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "valid (4 companies" in result.stdout
    assert result.stderr == ""


def test_a_reader_that_stops_early_is_not_a_bug(tmp_path: Path) -> None:
    """`modelgen diff A B | head`: the closed pipe ends the command quietly (141, as a
    shell tool killed by SIGPIPE), not as an internal error."""
    from modelgen.build import build

    old = build(SHIPPED, tmp_path / "a.xlsx").out
    new = build(Path(__file__).parents[1] / "data" / "varied", tmp_path / "b.xlsx").out
    proc = start_modelgen("diff", old, new, text=False)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader goes away before the first line
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, stderr
    assert stderr == ""


def test_an_interrupt_after_the_workbook_is_in_place_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_build = modelgen.build.build

    def build_then_interrupt(*args: object, **kwargs: object) -> None:
        real_build(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(modelgen.build, "build", build_then_interrupt)
    out = tmp_path / "model.xlsx"
    result = CliRunner().invoke(app, ["build", "--inputs", str(SHIPPED), "--out", str(out)])
    assert result.exit_code == 130
    assert f"interrupted; {out} had already been written in full" in result.stderr
    assert "nothing was written" not in result.stderr
    from openpyxl import load_workbook

    assert "Inputs" in load_workbook(out, read_only=True).sheetnames  # complete, readable
