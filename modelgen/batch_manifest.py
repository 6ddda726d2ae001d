"""The manifest of ``modelgen batch``: which input folders make which workbooks.

Either a CSV file with the header ``inputs,workbook`` or ``inputs,workbook,previous``, one
row per workbook, paths relative to the manifest's folder (``previous`` may be empty: the
workbook is built anew); or a folder of input folders, each subfolder with a
``settings.csv`` making ``FOLDER/NAME.xlsx`` from ``FOLDER/NAME/``, regenerated from that
workbook when it exists (carrying the analyst's work, as ``build --carry`` does).

A manifest that cannot be read is an InputError naming the file, line and column.
"""

from __future__ import annotations

import csv
from pathlib import Path

from modelgen.batch import Job
from modelgen.inputs.csvread import InputError, Problem

__all__ = ["read_manifest"]

COLUMNS = ("inputs", "workbook", "previous")


def read_manifest(path: Path) -> list[Job]:
    """The jobs of the manifest at ``path`` (a CSV file or a folder of input folders)."""
    path = Path(path)
    if path.is_dir():
        return _folder(path)
    if not path.is_file():
        raise InputError([Problem(str(path), 0, "", "no such manifest file or folder")])
    return _csv(path)


def _folder(folder: Path) -> list[Job]:
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and (p / "settings.csv").exists())
    if not subfolders:
        raise InputError(
            [Problem(str(folder), 0, "", "holds no input folder (a folder with settings.csv)")]
        )
    jobs = []
    for n, inputs in enumerate(subfolders, start=1):
        workbook = folder / f"{inputs.name}.xlsx"
        jobs.append(Job(n, inputs, workbook, workbook))
    return jobs


def _csv(path: Path) -> list[Job]:
    base = path.parent
    problems: list[Problem] = []
    jobs: list[Job] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), 0, "", f"is not UTF-8 text ({exc})")]) from exc
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise InputError([Problem(str(path), 1, "", "is empty; expected inputs,workbook")])
    header = [h.strip().lower() for h in rows[0]]
    if header[:2] != ["inputs", "workbook"] or any(h not in COLUMNS for h in header):
        raise InputError(
            [Problem(str(path), 1, "", "the header must be inputs,workbook[,previous]")]
        )
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(str(path), line, "", f"has {len(cells)} fields"))
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=False))
        inputs, workbook, previous = (row.get(c, "") for c in COLUMNS)
        if not inputs:
            problems.append(Problem(str(path), line, "inputs", "is empty"))
        elif not (base / inputs).is_dir():
            problems.append(Problem(str(path), line, "inputs", f"{inputs}: no such folder"))
        if not workbook.lower().endswith(".xlsx"):
            problems.append(Problem(str(path), line, "workbook", f"{workbook!r} is not a .xlsx"))
        if inputs and workbook:
            jobs.append(
                Job(line, base / inputs, base / workbook, base / previous if previous else None)
            )
    if problems:
        raise InputError(problems)
    return jobs
