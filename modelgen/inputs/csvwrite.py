"""Writing an input file the way the folder writes it: the one writer of CSV text.

A file keeps its separator, decimal mark, byte-order mark and line ends (`csvread.Table`),
so a folder saved by a European Excel (semicolons, decimal commas) stays one convention
when modelgen adds rows to it; `init` and `inputs_from_frames` write the comma convention.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from modelgen.inputs.csvread import BOM, Table
from modelgen.inputs.numbers import POINT


@dataclass(frozen=True)
class Dialect:
    """How a file is written: field separator, decimal mark, byte-order mark, line end."""

    separator: str = ","
    decimal: str = POINT
    bom: bool = False
    newline: str = "\n"

    @classmethod
    def of(cls, table: Table) -> Dialect:
        """The dialect `table` was read in."""
        conv = table.convention
        return cls(conv.separator, conv.decimal, table.bom, table.newline)

    def number(self, value: Decimal) -> str:
        """Exact decimal text, no exponent and no float noise (46279000 / 1e9 ->
        `0.046279`), with this dialect's decimal mark."""
        text = format(value.normalize(), "f")
        text = "0" if text in {"-0", "0"} else text
        return text.replace(POINT, self.decimal)

    def render(self, rows: Iterable[Sequence[str]]) -> bytes:
        """The rows (the header first) as the file's bytes."""
        out = io.StringIO()
        csv.writer(out, delimiter=self.separator, lineterminator=self.newline).writerows(rows)
        return (BOM if self.bom else b"") + out.getvalue().encode("utf-8")


#: what `init` and frames write: English Excel's CSV UTF-8 without its byte-order mark
PLAIN = Dialect()
