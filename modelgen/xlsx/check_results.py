"""The Checks sheet's results, as build computes them and as an engine recalculates them:
one definition of what a check is and how its outcome reads, so that `build` and `verify`
count the same checks and name the same ones when they fail.

What is counted is what `check_failures` adds up: the check rows above it, each a thing
that can fail (a check of several parts is one row per part). The check rows below it sum
up those parts (`check_timeline` fails where `check_timeline_steps` or
`check_timeline_fiscal_year` does): they are read as summaries, neither counted nor named,
so that one problem is one failing check and `N/M checks passed` counts each check once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from modelgen.words import plural

FAILURES = "check_failures"  # the count of failing periods over every check (column D)
SHOWN = 20  # failing checks named in one line; a count says the rest


def is_check(key: str) -> bool:
    """A check row: keyed `check_...`, 0 in column D when it holds."""
    return key.startswith("check_") and key != FAILURES


@dataclass(frozen=True)
class CheckResults:
    """Each check's column D (0 when it holds), by row key, in the sheet's order; and the
    summaries of checks of several parts, below `check_failures`, apart."""

    values: tuple[tuple[str, object], ...]
    summaries: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, object]]) -> CheckResults:
        """The results among `pairs` of (row key, column D value), in the sheet's order:
        the checks above `check_failures`, and the summaries below it."""
        checks: list[tuple[str, object]] = []
        summaries: list[tuple[str, object]] = []
        found = checks
        for key, value in pairs:
            if key == FAILURES:
                found = summaries
            elif is_check(key):
                found.append((key, value))
        return cls(tuple(checks), tuple(summaries))

    @property
    def total(self) -> int:
        return len(self.values)

    @property
    def failing(self) -> list[str]:
        """The keys of the checks that do not hold: any D but the number 0 (an error value
        or an empty cell fails too)."""
        return [k for k, v in self.values if _fails(v)]

    def summary(self) -> str:
        """`N/M checks passed` (`1/1 check passed`)."""
        return f"{self.total - len(self.failing)}/{plural(self.total, 'check')} passed"

    def failing_line(self) -> str | None:
        """`  failing checks: KEY, KEY, ...` (at most SHOWN, then how many more), or None."""
        keys = self.failing
        if not keys:
            return None
        more = f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else ""
        return f"  failing checks: {', '.join(keys[:SHOWN])}{more}"


def _fails(value: object) -> bool:
    return isinstance(value, bool) or value != 0
