"""A row's formula text in every period column, as filling it right in Excel gives it,
rendered once.

A row has one formula for all its period columns; only the letters of its relative
references change from column to column. The formula is rendered once at a far-away
sentinel column, where every relative reference has four letters (no real column has more
than three), and the result is split into literal text and column offsets. Each column's
text is then a string join. The first column is checked against a direct rendering, once
per text shape (the same text but for row numbers, as each company's row has), and a
formula whose text the split cannot explain is rendered column by column as before.
"""

from __future__ import annotations

import re
from functools import lru_cache

from modelgen.formulas.addresses import FIRST_PERIOD_COL, col_index, col_letter
from modelgen.formulas.expressions import Expr, RenderContext

_SENTINEL = 100_000  # a period index whose columns have four letters
_NEAR = 10_000  # offsets larger than this are not references of ours
_DIGITS = re.compile(r"[0-9]+")
# texts, digits aside, whose split matched a direct rendering
_PROVEN: set[tuple[str, tuple[int, ...]]] = set()
_FOUR = re.compile(r"(?<![A-Za-z0-9$_.])([A-Z]{4})(?=\$?[0-9])")


@lru_cache(maxsize=4096)
def _letters(offset: int, n: int) -> tuple[str, ...]:
    """The column letters of a reference at `offset` in each of `n` period columns."""
    return tuple(col_letter(FIRST_PERIOD_COL + i + offset) for i in range(n))


def column_texts(formula: Expr, sheet: str, n: int) -> list[str]:
    """The formula's text (without `=`) in each of the `n` period columns of `sheet`."""
    if n == 0:
        return []
    text = formula.render(RenderContext(sheet, _SENTINEL, n))
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _FOUR.finditer(text):
        offset = col_index(m.group(1)) - FIRST_PERIOD_COL - _SENTINEL
        if abs(offset) > _NEAR:
            continue
        pieces.append(text[pos : m.start()])
        offsets.append(offset)
        pos = m.end()
    pieces.append(text[pos:])
    if not offsets:
        texts = [text] * n
    else:
        template = "{}".join(p.replace("{", "{{").replace("}", "}}") for p in pieces)
        texts = [
            template.format(*args) for args in zip(*(_letters(o, n) for o in offsets), strict=True)
        ]
    shape = (_DIGITS.sub("#", text), tuple(offsets))  # the same for each company's row
    if shape not in _PROVEN:
        if texts[0] != formula.render(RenderContext(sheet, 0, n)):
            return [formula.render(RenderContext(sheet, i, n)) for i in range(n)]
        if len(_PROVEN) > 100_000:
            _PROVEN.clear()
        _PROVEN.add(shape)
    return texts
