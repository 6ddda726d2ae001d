"""Where the input files' rows come from: a folder of CSV files, or pandas DataFrames.

The readers of `modelgen.inputs` ask a source for a file's records and never open a file
themselves, so a folder and a set of frames go through the same checks and messages
(`csvread.rows_table`), and frames never make a round trip through files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from modelgen.inputs.csvread import Problems, Record, read_csv, rows_table
from modelgen.inputs.csvwrite import PLAIN
from modelgen.inputs.schema import FILES, FileSpec


class Source(Protocol):
    """The input files' rows, by their declaration (`schema.FileSpec`)."""

    def read(
        self, spec: FileSpec, probs: Problems, *, broken: list[Record] | None = None
    ) -> list[Record] | None:
        """The file's records; None (with problems added) when it cannot be used."""
        ...

    def has(self, spec: FileSpec) -> bool:
        """True when the file is there (a file the folder may leave out is read only then)."""
        ...


class Folder:
    """A folder of CSV files."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def read(
        self, spec: FileSpec, probs: Problems, *, broken: list[Record] | None = None
    ) -> list[Record] | None:
        table = read_csv(self.folder / spec.name, spec, probs, broken=broken)
        return None if table is None else table.records

    def has(self, spec: FileSpec) -> bool:
        return (self.folder / spec.name).exists()

    def hashes(self) -> dict[str, str]:
        """sha256 of each input file there, by name."""
        return {
            spec.name: hashlib.sha256((self.folder / spec.name).read_bytes()).hexdigest()
            for spec in FILES
            if (self.folder / spec.name).is_file()
        }


class Frames:
    """Tables of cells (a header and rows, as text) by file name, made from DataFrames.

    A problem names the CSV file a frame stands for and the line its row would be on (the
    header is line 1); `api.inputs_from_frames` puts them in the words of frames.
    """

    def __init__(self, tables: dict[str, list[list[str]]]) -> None:
        self.tables = tables

    @classmethod
    def of(cls, frames: Mapping[str, Any]) -> Frames:
        """From frames by `FileSpec.frame` name (None: not given); `settings` may be a dict."""
        tables = {}
        for spec in FILES:
            frame = frames.get(spec.frame)
            if isinstance(frame, Mapping):
                tables[spec.name] = [["key", "value"], *([k, cell(v)] for k, v in frame.items())]
            elif frame is not None:
                header = [str(c) for c in frame.columns]
                rows = ([cell(v) for v in row] for row in frame.itertuples(index=False))
                tables[spec.name] = [header, *rows]
        return cls(tables)

    def read(
        self, spec: FileSpec, probs: Problems, *, broken: list[Record] | None = None
    ) -> list[Record] | None:
        rows = self.tables.get(spec.name, [list(spec.required)])  # not given: header only
        table = rows_table(spec.name, enumerate(rows, start=1), spec, probs, broken=broken)
        return None if table is None else table.records

    def has(self, spec: FileSpec) -> bool:
        return spec.name in self.tables

    def hashes(self) -> dict[str, str]:
        """sha256 of each given frame written as a CSV file, by the file's name."""
        return {
            name: hashlib.sha256(PLAIN.render(rows)).hexdigest()
            for name, rows in self.tables.items()
        }


def cell(value: object) -> str:
    """A frame's cell as text: empty for missing, integers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: pandas' missing value
            return ""
        return repr(int(value)) if value.is_integer() else repr(value)
    return str(value)
