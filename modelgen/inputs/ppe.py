"""Property-and-equipment inputs: opening balances, useful-life changes, reported figures.

`opening_balances.csv` gives each class's book value and remaining life at the start of the
timeline; `life_changes.csv` gives new useful lives from a period on (prospective, as
docs/ACCOUNTING.md says); `financials.csv`'s optional `depreciation`, `ppe_depreciation` and
`net_ppe` columns give the reported D&A and the depreciation of property and equipment within
it (flows) and net property and equipment (a balance at the period's end).
See docs/property-and-equipment.md. Every rule reports a problem naming file, line, column.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelgen.inputs.actuals import Fact
from modelgen.inputs.csvread import Problems, Record, duplicates, parse_number
from modelgen.inputs.rows import as_date, one_row_per
from modelgen.inputs.schema import LIFE_CHANGES, OPENING_BALANCES, REPORTED_COLUMNS
from modelgen.inputs.source import Source
from modelgen.inputs.timeline import Period, Timeline, parse_period, quarters_of

OPENING_FILE = OPENING_BALANCES.name
LIFE_CHANGES_FILE = LIFE_CHANGES.name
__all__ = ["LIFE_CHANGES_FILE", "OPENING_FILE", "REPORTED_COLUMNS"]


@dataclass(frozen=True)
class Opening:
    """A class's book value and remaining life at the start of the first period."""

    net_book_value: float
    remaining_life: float
    source: str = ""
    line: int = 0


@dataclass(frozen=True)
class LifeChange:
    """A new useful life from the start of a period (given as written in the file)."""

    effective_from: Period
    useful_life: float
    source: str
    file: str
    line: int


def _class_of(
    rec: Record, ticker: str, classes: dict, probs: Problems, *, allow_default: bool
) -> list[tuple[str, object]]:
    """(ticker, asset class) pairs the row names; `*` is every company with that class."""
    name = rec["asset_class"]
    tickers = list(classes) if (allow_default and ticker == "*") else [ticker]
    found = [
        (t, a)
        for t in tickers
        for a in classes.get(t, [])
        if a.name == name  # exact, as row keys are
    ]
    if not found:
        who = "no company" if ticker == "*" else ticker
        probs.add(
            rec.file,
            rec.line,
            "asset_class",
            f'{who} has no asset class "{name}"',
            "use an asset class of assumptions.csv for that ticker",
        )
    return found


def read_opening_balances(
    source: Source, classes: dict | None, probs: Problems
) -> dict[str, dict[str, Opening]]:
    """Opening balances by ticker and class; {} when the file is absent."""
    if not source.has(OPENING_BALANCES):
        return {}
    records = source.read(OPENING_BALANCES, probs)
    if records is None:
        return {}
    one_row_per(records, "asset_class", probs)
    out: dict[str, dict[str, Opening]] = {}
    for rec in records:
        value = parse_number(rec, "net_book_value", probs, required=False)
        remaining = parse_number(rec, "remaining_life_years", probs, required=False)
        bad = False
        if rec["net_book_value"] == "":
            hint = "enter the book value at the start of the first period, or remove the row"
            what = "a remaining life without a book value" if remaining is not None else "is empty"
            probs.add(rec.file, rec.line, "net_book_value", what, hint)
            bad = True
        for column, v in (("net_book_value", value), ("remaining_life_years", remaining)):
            if v is not None and v < 0:
                probs.add(rec.file, rec.line, column, f"{v:g} is negative", "enter 0 or more")
                bad = True
        if classes is None or rec["ticker"] not in classes:
            if classes is not None:
                probs.add(
                    rec.file,
                    rec.line,
                    "ticker",
                    f'unknown ticker "{rec["ticker"]}"',
                    "use a ticker of companies.csv (opening balances are per company, not *)",
                )
            continue
        found = _class_of(rec, rec["ticker"], classes, probs, allow_default=False)
        if not found:
            continue
        ticker, asset = found[0]
        land = asset.useful_life == 0  # type: ignore[attr-defined]
        if rec["remaining_life_years"] == "" and not land:
            probs.add(
                rec.file,
                rec.line,
                "remaining_life_years",
                "is empty",
                "enter the years of life the class has left at the start (0 writes it off at once)",
            )
            bad = True
        if land and remaining:
            probs.add(
                rec.file,
                rec.line,
                "remaining_life_years",
                f"{asset.name} has a useful life of 0 (land, never depreciated), "  # type: ignore[attr-defined]
                f"so it cannot have {remaining:g} years left",
                "enter 0",
            )
            bad = True
        if not bad and value is not None:
            out.setdefault(ticker, {})[asset.name] = Opening(  # type: ignore[attr-defined]
                value, remaining or 0.0, rec["source"], rec.line
            )
    return out


def read_life_changes(source: Source, classes: dict | None, probs: Problems) -> list[tuple]:
    """`(ticker, class name, LifeChange)` per company, `*` rows expanded; [] when absent.

    A company's own row for a class and date wins over a `*` row for the same.
    """
    if not source.has(LIFE_CHANGES):
        return []
    records = source.read(LIFE_CHANGES, probs)
    if records is None:
        return []
    for first, dup in duplicates(records, ("ticker", "asset_class", "effective_from")):
        probs.add(
            dup.file,
            dup.line,
            "effective_from",
            f"{dup['ticker']} {dup['asset_class']} changes twice from {dup['effective_from']} "
            f"(also line {first.line})",
            "keep one change per ticker, class and date",
        )
    own: dict[tuple[str, str, Period], tuple] = {}
    default: dict[tuple[str, str, Period], tuple] = {}
    for rec in records:
        when = parse_period(rec["effective_from"])
        if when is None:
            what, hint = as_date(
                rec["effective_from"],
                "a fiscal year or quarter",
                "write the fiscal year from which the life applies, e.g. 2025, or a quarter, 2025Q1",
            )
            probs.add(
                rec.file,
                rec.line,
                "effective_from",
                f'"{rec["effective_from"]}" is not {what}',
                hint,
            )
        life = parse_number(rec, "useful_life_years", probs)
        if life is not None and life < 0:
            probs.add(
                rec.file, rec.line, "useful_life_years", f"{life:g} is negative", "enter years"
            )
            life = None
        ticker = rec["ticker"]
        if classes is None:
            continue
        if ticker != "*" and ticker not in classes:
            probs.add(
                rec.file,
                rec.line,
                "ticker",
                f'unknown ticker "{ticker}"',
                "use a ticker of companies.csv, or * for every company with the class",
            )
            continue
        for t, asset in _class_of(rec, ticker, classes, probs, allow_default=True):
            if life is None or when is None:
                continue
            if not _life_change_ok(rec, asset, life, probs):
                break
            change = LifeChange(when, life, rec["source"], rec.file, rec.line)
            target = default if ticker == "*" else own
            target[(t, asset.name, when)] = (t, asset.name, change)  # type: ignore[attr-defined]
    return list({**default, **own}.values())


def _life_change_ok(rec: Record, asset, life: float, probs: Problems) -> bool:
    if asset.useful_life == 0:
        probs.add(
            rec.file,
            rec.line,
            "useful_life_years",
            f"{asset.name} has a useful life of 0 (land, never depreciated); it cannot change",
            "remove the row, or give the class a life in assumptions.csv",
        )
        return False
    if life == 0:
        probs.add(
            rec.file,
            rec.line,
            "useful_life_years",
            "a life cannot change to 0 (0 is land, never depreciated)",
            "enter the new life in years",
        )
        return False
    return True


def place_changes(
    changes: list[tuple], timeline: Timeline, probs: Problems, warnings: list[str]
) -> dict[str, dict[str, dict[Period, LifeChange]]]:
    """Each change in the model period from whose start it applies.

    A change at or before the first period sets the life at the start (the latest such one:
    earlier ones are superseded); one after the last period is not used; in an annual model
    a quarter applies from its fiscal year's start. Each of these says so in a warning. Two
    changes landing in one period of the timeline are an error.
    """
    out: dict[str, dict[str, dict[Period, LifeChange]]] = {}
    first, last = timeline.periods[0], timeline.periods[-1]
    # the latest first: of two changes at or before the first period, the later one holds
    ordered = sorted(changes, key=lambda c: (c[2].effective_from, c[2].line), reverse=True)
    for ticker, name, change in ordered:
        when = change.effective_from
        where = f"{change.file}, line {change.line}: {ticker} {name} from {when}"
        if timeline.per_year == 1 and when.is_quarter:
            if when.quarter != 1:
                warnings.append(
                    f"{where}: the model is annual, so the life applies from the start of "
                    f"fiscal {when.year}"
                )
            when = Period(when.year)
        elif timeline.per_year > 1 and not when.is_quarter:
            when = quarters_of(when.year)[0]
        if when > last:
            warnings.append(f"{where} is after the timeline ends ({last}) and is not used")
            continue
        by_period = out.setdefault(ticker, {}).setdefault(name, {})
        if when <= first:
            if first in by_period:
                later = by_period[first]
                warnings.append(
                    f"{where} is superseded by line {later.line} (from "
                    f"{later.effective_from}) before the timeline starts, and is not used"
                )
                continue
            warnings.append(
                f"{where} is at or before the first period ({first}): the life is "
                f"{change.useful_life:g} years from the start"
            )
            when = first
        if when in by_period:
            other = by_period[when]
            probs.add(
                change.file,
                change.line,
                "effective_from",
                f"{ticker} {name}: this change and line {other.line} both apply from {when}",
                "keep one change per period",
            )
            continue
        by_period[when] = change
    for by_class in out.values():  # periods in order, as the timeline reads
        for name in by_class:
            by_class[name] = dict(sorted(by_class[name].items()))
    return out


def reported(
    raw: dict[str, dict[Period, Fact]], column: str, timeline: Timeline
) -> dict[str, dict[Period, Fact]]:
    """Reported figures in the model's periods, by the column's kind (`REPORTED_COLUMNS`).

    Annual model: the year's figure, else its four quarters summed (a flow), averaged (an
    average) or the fourth (a balance). Quarterly model: the quarters, and a year's balance
    as its Q4 (a flow or an average says nothing about one quarter).
    """
    out: dict[str, dict[Period, Fact]] = {}
    kind = REPORTED_COLUMNS[column]
    wanted = set(timeline.periods)
    for ticker, facts in raw.items():
        series: dict[Period, Fact] = {}
        for period, fact in facts.items():
            if period in wanted:
                series[period] = fact
        for year in {p.year for p in facts}:
            quarters = [facts.get(q) for q in quarters_of(year)]
            if timeline.per_year == 1 and Period(year) in wanted and Period(year) not in series:
                if kind == "balance" and quarters[3] is not None:
                    series[Period(year)] = quarters[3]
                elif kind != "balance" and all(q is not None for q in quarters):
                    total = sum(q.value for q in quarters)  # type: ignore[union-attr]
                    if kind == "average":
                        total /= 4
                    how = "sum" if kind == "flow" else "average"
                    series[Period(year)] = Fact(total, f"{how} of quarters", quarters[0].line)  # type: ignore[union-attr]
            q4 = Period(year, 4)
            if timeline.per_year > 1 and kind == "balance" and q4 in wanted and q4 not in series:
                if Period(year) in facts:
                    series[q4] = facts[Period(year)]
        if series:
            out[ticker] = series
    return out
