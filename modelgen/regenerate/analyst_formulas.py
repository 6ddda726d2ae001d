"""A small evaluator for the formulas on an analyst's own sheets, for their cached values.

modelgen writes every formula with its cached result (viewers that do not recalculate show
it, and ``verify`` compares it with LibreOffice). The analyst's sheets it carries hold
formulas it did not write; their re-pointed references read the new model, so the old
cached values are stale. This computes the usual client-note formulas: numbers, text,
references and ranges, ``+ - * / ^ & %``, comparisons, and SUM AVERAGE MIN MAX COUNT ABS
ROUND IF IFERROR AND OR NOT. Anything else raises :class:`Unsupported`, and the caller
falls back to the old cached value, and the workbook asks Excel to recalculate on open.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer

__all__ = ["XLError", "Unsupported", "evaluate_formula"]


class Unsupported(ValueError):
    """A formula this evaluator does not compute (a function or syntax it does not know)."""


class XLError(str):
    """An Excel error value such as #REF!; propagates through arithmetic."""


Resolve = Callable[[str], Any]  # a reference as written ("'Capex'!E5", "B2:C3") -> value(s)

_INFIX = {
    "^": (5, "left"),  # Excel: =2^3^2 is 64
    "*": (4, "left"),
    "/": (4, "left"),
    "+": (3, "left"),
    "-": (3, "left"),
    "&": (2, "left"),
    "=": (1, "left"),
    "<>": (1, "left"),
    "<": (1, "left"),
    ">": (1, "left"),
    "<=": (1, "left"),
    ">=": (1, "left"),
}
_PREFIX_PREC = 6  # Excel: negation binds tighter than ^ (=-2^2 is 4)
_POSTFIX_PREC = 6


def _num(v: Any) -> float:
    if isinstance(v, XLError):
        raise _Err(v)
    if v is None or v == "":
        return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, list):
        raise _Err(XLError("#VALUE!"))
    try:
        return float(str(v))
    except ValueError:
        raise _Err(XLError("#VALUE!")) from None


class _Err(Exception):
    def __init__(self, err: XLError) -> None:
        self.err = err


def _flat(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for a in args:
        out.extend(a if isinstance(a, list) else [a])
    return out


def _numbers(args: list[Any]) -> list[float]:
    vals = []
    for v in _flat(args):
        if isinstance(v, XLError):
            raise _Err(v)
        if isinstance(v, int | float) and not isinstance(v, bool):
            vals.append(float(v))
    return vals


def _round(x: Any, digits: Any = 0) -> float:
    n, d = _num(x), int(_num(digits))
    q = 10.0**d
    return math.copysign(math.floor(abs(n) * q + 0.5) / q, n)


_FUNCS: dict[str, Callable[..., Any]] = {
    "SUM": lambda *a: sum(_numbers(list(a))),
    "AVERAGE": lambda *a: sum(v) / len(v) if (v := _numbers(list(a))) else XLError("#DIV/0!"),
    "MIN": lambda *a: min(_numbers(list(a)), default=0.0),
    "MAX": lambda *a: max(_numbers(list(a)), default=0.0),
    "COUNT": lambda *a: float(len(_numbers(list(a)))),
    "ABS": lambda x: abs(_num(x)),
    "ROUND": _round,
    "AND": lambda *a: all(_num(v) != 0 for v in _flat(list(a)) if v is not None),
    "OR": lambda *a: any(_num(v) != 0 for v in _flat(list(a)) if v is not None),
    "NOT": lambda x: _num(x) == 0,
}


def _binary(op: str, a: Any, b: Any) -> Any:
    if op == "&":
        return _text(a) + _text(b)
    if op in ("=", "<>", "<", ">", "<=", ">="):
        for v in (a, b):
            if isinstance(v, XLError):
                raise _Err(v)
        x, y = _cmp_key(a), _cmp_key(b)
        return {
            "=": x == y,
            "<>": x != y,
            "<": x < y,
            ">": x > y,
            "<=": x <= y,
            ">=": x >= y,
        }[op]
    x, y = _num(a), _num(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "/":
        if y == 0:
            raise _Err(XLError("#DIV/0!"))
        return x / y
    if x == 0 and y < 0:
        raise _Err(XLError("#DIV/0!"))
    try:
        power = x**y
    except OverflowError:
        raise _Err(XLError("#NUM!")) from None
    if isinstance(power, complex) or power != power or abs(power) == float("inf"):
        raise _Err(XLError("#NUM!"))  # a negative number to a fraction, or too large
    return power


def _text(v: Any) -> str:
    if isinstance(v, XLError):
        raise _Err(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _cmp_key(v: Any) -> tuple[int, Any]:
    if v is None:
        v = 0.0
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, int | float):
        return (0, float(v))
    return (1, str(v).lower())


def _to_rpn(tokens: list[Token]) -> list[tuple[str, Any]]:
    """Shunting-yard: tokens to reverse Polish (kind, value) items."""
    out: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any, int]] = []  # (kind, value, precedence)
    argc: list[list[int]] = []
    for tok in tokens:
        kind, sub, val = tok.type, tok.subtype, tok.value
        if kind == Token.WSPACE:
            continue
        if kind == Token.OPERAND:
            if sub == Token.NUMBER:
                out.append(("val", float(val)))
            elif sub == Token.TEXT:
                out.append(("val", val[1:-1].replace('""', '"')))
            elif sub == Token.LOGICAL:
                out.append(("val", val.upper() == "TRUE"))
            elif sub == Token.ERROR:
                out.append(("val", XLError(val)))
            else:
                out.append(("ref", val))
        elif kind == Token.OP_PRE:
            stack.append(("pre", val, _PREFIX_PREC))
        elif kind == Token.OP_POST:
            out.append(("post", val))
        elif kind == Token.OP_IN:
            if val not in _INFIX:
                raise Unsupported(f"operator {val!r}")
            prec, assoc = _INFIX[val]
            while stack and stack[-1][0] in ("in", "pre"):
                top = stack[-1][2]
                if top > prec or (top == prec and assoc == "left"):
                    out.append(stack.pop()[:2])  # type: ignore[arg-type]
                else:
                    break
            stack.append(("in", val, prec))
        elif kind in (Token.FUNC, Token.PAREN) and sub == Token.OPEN:
            name = val[:-1].upper() if kind == Token.FUNC else ""
            stack.append(("open", name, 0))
            argc.append([0, len(out)])  # separators seen, output length at the opening
        elif kind == Token.SEP and sub == Token.ARG:
            while stack and stack[-1][0] != "open":
                out.append(stack.pop()[:2])  # type: ignore[arg-type]
            if not argc:
                raise Unsupported("a separator outside a function")
            argc[-1][0] += 1
        elif kind in (Token.FUNC, Token.PAREN) and sub == Token.CLOSE:
            while stack and stack[-1][0] != "open":
                out.append(stack.pop()[:2])  # type: ignore[arg-type]
            if not stack:
                raise Unsupported("unbalanced parentheses")
            _, name, _ = stack.pop()
            seps, start = argc.pop()
            if name:
                out.append(("func", (name, seps + 1 if len(out) > start else 0)))
        else:
            raise Unsupported(f"token {val!r}")
    while stack:
        kind, val, _ = stack.pop()
        if kind == "open":
            raise Unsupported("unbalanced parentheses")
        out.append((kind, val))
    return out


def _run(rpn: list[tuple[str, Any]], resolve: Resolve) -> Any:
    stack: list[Any] = []
    for kind, val in rpn:
        if kind == "val":
            stack.append(val)
        elif kind == "ref":
            stack.append(resolve(val))
        elif kind == "pre":
            v = stack.pop()
            stack.append(-_num(v) if val == "-" else _num(v))
        elif kind == "post":
            stack.append(_num(stack.pop()) / 100.0)
        elif kind == "in":
            b, a = stack.pop(), stack.pop()
            stack.append(_binary(val, a, b))
        elif kind == "func":
            name, n = val
            args = stack[len(stack) - n :] if n else []
            del stack[len(stack) - n :]
            stack.append(_call(name, args))
    if len(stack) != 1:
        raise Unsupported("malformed formula")
    return stack[0]


def _call(name: str, args: list[Any]) -> Any:
    if name == "IF":
        if not 1 <= len(args) <= 3:
            raise Unsupported("IF arguments")
        cond = _num(args[0]) != 0
        if cond:
            return args[1] if len(args) > 1 else True
        return args[2] if len(args) > 2 else False
    if name == "IFERROR":  # arguments were evaluated; an error was caught in _arg
        return args[1] if isinstance(args[0], XLError) else args[0]
    fn = _FUNCS.get(name)
    if fn is None:
        raise Unsupported(f"function {name}")
    return fn(*args)


def evaluate_formula(formula: str, resolve: Resolve) -> Any:
    """The value of ``formula`` (text starting with ``=``); errors come back as XLError.

    ``resolve`` turns a reference as written into a value (a cell) or a list (a range).
    """
    tokens = Tokenizer(formula).items
    rpn = _to_rpn(tokens)
    # IFERROR must see an error as a value, not an exception: evaluate with errors as values
    try:
        value = _run_catching(rpn, resolve)
    except _Err as e:
        return e.err
    if isinstance(value, list):
        return XLError("#VALUE!")
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return XLError("#NUM!")
    return value


def _run_catching(rpn: list[tuple[str, Any]], resolve: Resolve) -> Any:
    """Run, turning each operation's error into an error value so IFERROR can catch it."""
    stack: list[Any] = []
    for item in rpn:
        try:
            stack = _step(stack, item, resolve)
        except _Err as e:
            kind, val = item
            n = {"pre": 1, "post": 1, "in": 2}.get(kind, val[1] if kind == "func" else 0)
            if n:
                del stack[len(stack) - n :]
            stack.append(e.err)
    if len(stack) != 1:
        raise Unsupported("malformed formula")
    if isinstance(stack[0], XLError):
        raise _Err(stack[0])
    return stack[0]


def _step(stack: list[Any], item: tuple[str, Any], resolve: Resolve) -> list[Any]:
    kind, val = item
    if kind in ("val", "ref"):
        return [*stack, _run([item], resolve)]
    n = {"pre": 1, "post": 1, "in": 2}.get(kind, val[1] if kind == "func" else 0)
    args = stack[len(stack) - n :] if n else []
    head = stack[: len(stack) - n] if n else stack
    result = _run([("val", a) for a in args] + [item], resolve) if args or kind == "func" else None
    return [*head, result]
