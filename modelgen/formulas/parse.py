"""Formula text read back into a tree: openpyxl's tokenizer, then Excel's operator precedence.

`parse("=A1+B1*2", "Calc")` gives a `Node`: a chain per operator level (`A1 + (B1 * 2)`), a
reference with its sheet and bounds, a function call with its arguments, a number or text.
`modelgen explain` shows a cell's formula from it. References that are not cells or ranges
(a defined name, a whole column) stay as written (kind `other`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils.cell import range_boundaries

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError

__all__ = ["FormulaParseError", "Node", "parse"]

_COMPARISONS = ("=", "<>", "<", ">", "<=", ">=")


class FormulaParseError(ModelgenError, ValueError):
    """Formula text this parser cannot read (`explain` then shows it as written)."""

    exit_code = EXIT_BAD_INPUT


def parse(formula: str, sheet: str) -> Node:
    """The tree of ``formula`` (with its ``=``), written on ``sheet`` (for bare references)."""
    return _Parser(formula, sheet).parse()


@dataclass
class Node:
    """A part of a formula: ``kind`` ref, call, chain (``parts``: operator and node, the first
    operator empty), neg (``args[0]`` negated), number, text or other."""

    kind: str  # ref, call, chain, neg, number, text, other
    text: str = ""
    sheet: str = ""
    bounds: tuple[int, int, int, int] = (0, 0, 0, 0)
    args: list[Node] = field(default_factory=list)
    parts: list[tuple[str, Node]] = field(default_factory=list)  # a chain's (op, node)


_LEVELS = [set(_COMPARISONS), {"&"}, {"+", "-"}, {"*", "/"}, {"^"}]


class _Parser:
    """Excel's operator precedence over openpyxl's tokens; a chain per operator level."""

    def __init__(self, formula: str, sheet: str) -> None:
        try:
            items = Tokenizer(formula).items
        except Exception as exc:  # noqa: BLE001 - the tokenizer raises plain errors
            raise FormulaParseError(f"{formula}: {exc}") from None
        self.tokens = [t for t in items if t.type != Token.WSPACE]
        self.at = 0
        self.sheet = sheet
        self.formula = formula

    def parse(self) -> Node:
        node = self._level(0)
        if self.at != len(self.tokens):
            self._fail()
        return node

    def _fail(self) -> None:
        raise FormulaParseError(f"cannot read {self.formula}")

    def _peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _next(self) -> Token:
        token = self._peek()
        if token is None:
            self._fail()
        self.at += 1
        return token  # type: ignore[return-value]

    def _level(self, level: int) -> Node:
        if level == len(_LEVELS):
            return self._unary()
        parts = [("", self._level(level + 1))]
        while (
            (t := self._peek()) is not None and t.type == Token.OP_IN and t.value in _LEVELS[level]
        ):
            self.at += 1
            parts.append((t.value, self._level(level + 1)))
        return parts[0][1] if len(parts) == 1 else Node("chain", parts=parts)

    def _unary(self) -> Node:
        t = self._peek()
        if t is not None and t.type == Token.OP_PRE:
            self.at += 1
            inner = self._unary()
            return Node("neg", args=[inner]) if t.value == "-" else inner
        node = self._primary()
        while (t := self._peek()) is not None and t.type == Token.OP_POST:
            self.at += 1
            node = Node("chain", parts=[("", node), ("/", Node("number", "100"))])
        return node

    def _primary(self) -> Node:
        t = self._next()
        if t.type == Token.OPERAND:
            if t.subtype == Token.RANGE:
                return self._ref(t.value)
            return Node("number" if t.subtype == Token.NUMBER else "text", t.value)
        if t.type == Token.FUNC and t.subtype == Token.OPEN:
            return self._call(t.value[:-1].upper())
        if t.type == Token.PAREN and t.subtype == Token.OPEN:
            node = self._level(0)
            close = self._next()
            if close.type != Token.PAREN:
                self._fail()
            return node
        self._fail()
        raise AssertionError  # unreachable

    def _call(self, name: str) -> Node:
        args: list[Node] = []
        if (t := self._peek()) is not None and t.type == Token.FUNC and t.subtype == Token.CLOSE:
            self.at += 1
            return Node("call", name, args=args)
        while True:
            t = self._peek()
            empty = t is not None and (
                t.type == Token.SEP or (t.type == Token.FUNC and t.subtype == Token.CLOSE)
            )
            args.append(Node("other", "(omitted)") if empty else self._level(0))
            t = self._next()
            if t.type == Token.FUNC and t.subtype == Token.CLOSE:
                return Node("call", name, args=args)
            if t.type != Token.SEP:
                self._fail()

    def _ref(self, text: str) -> Node:
        sheet, _, where = text.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'") if sheet else self.sheet
        try:
            c1, r1, c2, r2 = range_boundaries(where.replace("$", ""))
        except ValueError:
            return Node("other", text)  # a defined name, a whole column: shown as written
        if None in (c1, r1, c2, r2):
            return Node("other", text)
        return Node("ref", text, sheet, (c1, r1, c2, r2))
