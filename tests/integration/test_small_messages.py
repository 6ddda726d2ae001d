"""The small messages a first trial met (issue 23, item 6), each through the real command:
a stray argument, an empty folder, a workbook where a CSV file should be, `1 company`,
the starter folder, and an output's problem called what it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from modelgen.inputs.folder import INPUT_FILES
from tests.cli import run_modelgen
from tests.integration.test_output_safety import write_folder

SHIPPED = Path(__file__).resolve().parents[2] / "inputs"


@pytest.mark.parametrize(
    "args, hint",
    [
        (["build", "base"], "--inputs base"),
        (["validate", "base"], "--inputs base"),
        (["build", "model.xlsx"], "--out model.xlsx"),
        (["backtest", "--through", "2023", "base"], "--inputs base"),
    ],
)
def test_a_stray_argument_suggests_the_option(args: list[str], hint: str) -> None:
    run = run_modelgen(*args, timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert f"takes no argument {args[-1]!r}; did you mean {hint}?" in run.stderr, run.stderr


def test_an_empty_folder_suggests_init(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("to do")
    run = run_modelgen("validate", "--inputs", empty, timeout=60)
    assert run.returncode == 2
    first, last = run.stderr.splitlines()
    assert first.startswith(f"{empty}: the folder holds none of the input files (companies.csv")
    assert f"modelgen init {empty}" in first, first
    assert last == "modelgen: 1 problem in the input"


@pytest.mark.parametrize(
    "name, suffix",
    [(name, ".xlsx") for name in INPUT_FILES] + [("settings.csv", ".XLSX"), ("capex.csv", ".ods")],
)
def test_a_workbook_beside_a_missing_csv_is_to_be_saved_as_csv(
    tmp_path: Path, name: str, suffix: str
) -> None:
    folder = write_folder(tmp_path / "in", 2, 3)
    (folder / name).unlink(missing_ok=True)
    stem = name.removesuffix(".csv")
    (folder / f"{stem}{suffix}").write_bytes(b"PK\x03\x04 a workbook")
    run = run_modelgen("validate", "--inputs", folder, timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    want = (
        f"{name}: the file is missing; {stem}{suffix} is a workbook, not read: save it as "
        f'CSV named {name} (in Excel use File > Save As > "CSV UTF-8")'
    )
    assert want in run.stderr.splitlines(), run.stderr


def test_one_company_reads_one_company(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in", 1, 3)
    run = run_modelgen("validate", "--inputs", folder, timeout=60)
    assert run.returncode == 0, run.stderr
    assert re.search(r"valid \(1 company, periods ", run.stdout), run.stdout
    run = run_modelgen("build", "--inputs", folder, "--out", tmp_path / "m.xlsx", timeout=120)
    assert run.returncode == 0, run.stderr
    assert ": 1 company, 8 periods, " in run.stdout.splitlines()[-1], run.stdout


def test_init_writes_every_file_the_reader_reads_and_it_builds(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    run = run_modelgen("init", folder, timeout=60)
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(INPUT_FILES)
    for name in ("opening_balances.csv", "life_changes.csv", "scenarios.csv"):
        assert len((folder / name).read_text().splitlines()) == 1, name  # a header to fill
        assert f"  wrote {folder / name}" in run.stdout
    run = run_modelgen("build", "--inputs", folder, "--out", tmp_path / "m.xlsx", timeout=120)
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr


@pytest.mark.parametrize(
    "target, words",
    [
        ("in/capex.csv", "the output does not end in .xlsx"),
        ("in", "the output is a folder"),
        ("in/capex.csv/model.xlsx", "which is a file, not a folder"),
    ],
)
def test_an_output_problem_is_not_called_a_problem_in_the_input(
    tmp_path: Path, target: str, words: str
) -> None:
    inputs = write_folder(tmp_path / "in", 2, 3)
    run = run_modelgen("build", "-q", "--inputs", inputs, "--out", tmp_path / target, timeout=60)
    assert run.returncode == 2
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"modelgen: {tmp_path / target}: the output "), line
    assert words in line
    assert "input" not in line.replace("--inputs", ""), line


def test_init_over_files_is_an_output_problem(tmp_path: Path) -> None:
    assert run_modelgen("init", tmp_path / "new", timeout=60).returncode == 0
    run = run_modelgen("init", tmp_path / "new", timeout=60)
    assert run.returncode == 2
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"modelgen: {tmp_path / 'new'} already holds companies.csv, "), line
    assert "(nothing was written)" in line and "in the input" not in line
