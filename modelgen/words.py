"""Wording shared by messages: a count with its noun in the right number, and the names
nearest one that is not there (`UnknownNameError`: a key, sheet, scenario or ticker asked
for that matches nothing, refused rather than silently matching nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from modelgen.errors import EXIT_BAD_INPUT, ModelgenError

#: how close a name must be to be suggested (difflib's ratio, case ignored)
CUTOFF = 0.6
_LISTED = 12  # the known names listed in full when there are at most this many


class UnknownNameError(ModelgenError, ValueError):
    """A name given on the command line (or to the API) that is not there; nothing done."""

    exit_code = EXIT_BAD_INPUT


def plural(n: int, noun: str) -> str:
    """`1 company`, `2 companies`, `0 checks`: the count and its noun, in its number."""
    return f"{n} {number(n, noun)}"


def number(n: float, noun: str) -> str:
    """The noun in the number `n` asks for: `company` for 1, else `companies`."""
    return noun if n == 1 else plural_of(noun)


def plural_of(noun: str) -> str:
    """`companies`, `keys`, `mismatches`: the regular plural of an English noun."""
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "sh", "ch", "x")) else "s")


def nearest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to `name`, best first: the same name in another case first,
    then difflib's close matches, case ignored; [] when none is close."""
    import difflib  # on use: the command line starts without it

    by_fold: dict[str, list[str]] = {}
    for k in dict.fromkeys(known):
        by_fold.setdefault(k.casefold(), []).append(k)
    fold = name.strip().casefold()
    found = list(by_fold.get(fold, []))
    for close in difflib.get_close_matches(fold, list(by_fold), n=n, cutoff=CUTOFF):
        found += [k for k in by_fold[close] if k not in found]
    return found[:n]


def either(names: Sequence[str]) -> str:
    """`A`, `A or B`, `A, B or C`."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def unknown_name(
    what: str, name: str, known: Sequence[str], where: str = "", hint: str = ""
) -> UnknownNameError:
    """The error for `name`, a `what` not found `where`: the nearest known names, or all of
    them when they are few, then `hint`. For example: `no scenario "base" in inputs; did you
    mean Base? The scenarios are Base, Bull, Bear`."""
    text = f'no {what} "{name}"' + (f" {where}" if where else "")
    close = nearest(name, known)
    parts = [f"did you mean {either(close)}?"] if close else []
    if 0 < len(known) <= _LISTED:
        parts.append(f"the {plural_of(what)} are {', '.join(known)}")
    elif not known:
        parts.append(f"there are no {plural_of(what)}")
    if hint:
        parts.append(hint)
    for part in parts:  # a sentence after the question
        text += f" {part[:1].upper()}{part[1:]}" if text.endswith("?") else f"; {part}"
    return UnknownNameError(text)
