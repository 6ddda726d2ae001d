"""The figures of docs/reliability.md are the tests' own: each count it states is computed here
from the test module it names (a case list, a parametrize mark, the test functions, a number
in a test's source), so a case added or removed there fails this test until the doc says the
new number. Nothing is built and no engine runs: the test modules are only imported.

FIGURES maps a fragment of the doc, `{n}` where a number stands (a space matches any run of
whitespace, so the doc may wrap anywhere), to what the number is. Each fragment occurs once.

Not checked, because only a run or a random draw can count them: "about 20,000 keyed values"
(the keyed cells test_random_models compares with tests/reference.py, after building and
recalculating its 50 workbooks) and "lives from 0.5 to 40 years" (bounds inside the Hypothesis
strategies of tests/strategies.py, not a value a test module holds). Exit statuses and
Excel's limits the doc names are kept true by the tests of the behaviour itself.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path

from modelgen.xlsx import lint
from tests.engine import test_random_models as random_models
from tests.integration import test_bad_inputs as bad_inputs
from tests.integration import test_excel_limits as excel_limits
from tests.integration import test_excel_lint as excel_lint
from tests.integration import test_hostile_files as hostile_files
from tests.integration import test_hostile_text as hostile_text
from tests.integration import test_output_safety as output_safety

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
NUMBER = r"(\d[\d,_]*(?:\.\d+)?(?:e-?\d+)?|(?i:" + "|".join(WORDS) + "))"

Count = Callable[[], float | tuple[float, ...]]


def cases(test: Callable[..., object]) -> int:
    """How many cases a test's (single) parametrize mark gives it."""
    (mark,) = [m for m in getattr(test, "pytestmark", []) if m.name == "parametrize"]
    return len(mark.args[1])


def count_tests(module: object) -> int:
    """The test functions a module defines (a parametrized one counts once)."""
    name = getattr(module, "__name__", "")
    return sum(
        inspect.isfunction(f) and f.__module__ == name
        for key, f in vars(module).items()
        if key.startswith("test_")
    )


def in_source(function: Callable[..., object], pattern: str) -> list[int]:
    """The numbers `pattern`'s group finds in a function's source."""
    return [int(n) for n in re.findall(pattern, inspect.getsource(function))]


def span(bound: str) -> tuple[int, int]:
    """The lowest and highest `bound` over the sizes of test_random_models' plan."""
    sizes = [getattr(size, bound) for size, _ in random_models.PLAN]
    return min(lo for lo, _ in sizes), max(hi for _, hi in sizes)


BAD = bad_inputs.BAD
FIGURES: dict[str, Count] = {
    # tests/integration/test_bad_inputs.py
    "Bad input: {n} malformed input folders": lambda: len(BAD),
    "where there are ones: {n} and {n} of them": lambda: (
        sum(c.line is not None for c in BAD),
        sum(c.column is not None for c in BAD),
    ),
    "{n} run as real processes": lambda: len(bad_inputs.SUB_CASES),
    "{n} odd but valid folders": lambda: len(bad_inputs.GOOD),
    # tests/integration/test_hostile_text.py
    "Hostile text: {n} injection payloads": lambda: len(hostile_text.PAYLOADS),
    "{n} characters. The workbook's": lambda: max(map(len, hostile_text.PAYLOADS)),
    # tests/integration/test_hostile_files.py
    "Hostile files: {n} files": lambda: len(hostile_files.CASES),
    "{n} zip members": lambda: in_source(hostile_files._many_members, r"range\(([\d_]+)\)")[0],
    # tests/integration/test_output_safety.py
    "fail in {n} places while writing": lambda: cases(
        output_safety.test_a_build_failing_mid_write_leaves_the_old_workbook
    ),
    # tests/engine/test_random_models.py
    "Random models: {n} valid models": lambda: random_models.N_EXAMPLES,
    "the same {n} every run": lambda: random_models.N_EXAMPLES,
    "{n} to {n} companies": lambda: span("companies"),
    "{n} to {n} years of actuals": lambda: span("years"),
    "{n} to {n} asset classes": lambda: span("classes"),
    "{n} to {n} forecast years": lambda: span("forecast"),
    "within {n}.": lambda: random_models.REL,
    # tests/integration/test_excel_lint.py and test_excel_limits.py
    "test_excel_lint.py`, {n} tests": lambda: count_tests(excel_lint),
    "the test folders, {n} random models": lambda: sum(
        in_source(excel_lint.test_random_models_are_within_every_rule, r"generate\((\d+),")
    ),
    "a model with {n} asset classes": lambda: excel_limits.CLASSES,
    "a {n}-company universe": lambda: in_source(
        excel_lint.test_a_universe_of_more_than_255_companies_is_within_every_rule,
        r"write_universe\([^,]+,\s*(\d+)",
    )[0],
    "a universe above {n} companies": lambda: lint.MAX_ARGUMENTS,
    # the two engines
    "the {n} random models and the {n}-class model": lambda: (
        random_models.N_EXAMPLES,
        excel_limits.CLASSES,
    ),
}


def pattern(fragment: str) -> re.Pattern[str]:
    parts = []
    for piece in re.split(r"(\{n\}|\s+)", fragment):
        if piece == "{n}":
            parts.append(NUMBER)
        elif piece.isspace():
            parts.append(r"\s+")
        elif piece:
            parts.append(re.escape(piece))
    return re.compile("".join(parts))


def number(text: str) -> float:
    return WORDS.get(text.lower()) or float(text.replace(",", "").replace("_", ""))


def stale(text: str) -> list[str]:
    """Every figure of `text` that is not what the tests hold, or not found once."""
    problems = []
    for fragment, count in FIGURES.items():
        found = list(pattern(fragment).finditer(text))
        if len(found) != 1:
            problems.append(f"{fragment!r}: found {len(found)} times in the doc, not once")
            continue
        computed = count()
        want = computed if isinstance(computed, tuple) else (computed,)
        said = tuple(number(n) for n in found[0].groups())
        if said != want:
            said_as = " ".join(found[0][0].split())
            problems.append(f"{said_as!r}: the tests hold {', '.join(map(str, want))}")
    return problems


def test_every_figure_of_the_reliability_doc_is_what_its_tests_hold():
    problems = stale(DOC.read_text(encoding="utf-8"))
    assert not problems, "docs/reliability.md is out of date:\n" + "\n".join(problems)


def test_a_wrong_or_missing_figure_is_caught():
    text = DOC.read_text(encoding="utf-8")
    already = set(stale(text))  # the test above reports those
    n = len(BAD)
    wrong = text.replace(f"{n} malformed", f"{n + 1} malformed")
    assert set(stale(wrong)) - already == {
        f"'Bad input: {n + 1} malformed input folders': the tests hold {n}"
    }
    gone = text.replace("odd but valid folders", "odd but valid input folders")
    assert set(stale(gone)) - already == {
        "'{n} odd but valid folders': found 0 times in the doc, not once"
    }
