"""scenarios.csv: named cases that override settings and assumptions.

`scenario,key,value` rows such as `Bear,long_run_capex_growth,0.02` or
`Bull,useful_life:*:servers,6` (`*`: every company with that asset class). `Base` is the
case of settings.csv and assumptions.csv themselves; every scenario starts from it. The
file is optional: without it the model has the Base case only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from modelgen.inputs.csvread import Problems, Record, duplicates, parse_number
from modelgen.inputs.schema import SCENARIOS
from modelgen.inputs.settings import CONVENTIONS, RENAMED, Settings, choice
from modelgen.inputs.source import Source
from modelgen.inputs.timeline import Period, Timeline, parse_period
from modelgen.keys import row_key

SCENARIOS_FILE = SCENARIOS.name
BASE = "Base"
# settings a scenario may change; the others shape the workbook and need a rebuild
VARIABLE_SETTINGS = (
    "long_run_capex_growth",
    "fade_years",
    "earnings_growth",
    "tax_rate",
    "revenue_growth",
    "share_count_growth",
    "depreciation_convention",
)
# per company and asset class: `KIND:TICKER:CLASS` (TICKER may be *), a constant in column D
CLASS_KEYS = (
    "share",
    "useful_life",
    "in_service_lag",
    "opening_net_book_value",
    "opening_remaining_life",
)
LIFE_CHANGE = "useful_life_change"  # `useful_life_change:TICKER:CLASS:PERIOD`, a period input


@dataclass
class Scenarios:
    """Scenario names (Base first) and, per varied key, its value in every scenario."""

    names: list[str] = field(default_factory=lambda: [BASE])
    values: dict[str, dict[str, float | str]] = field(default_factory=dict)
    # `useful_life_change:T:C` -> scenario -> {period: new life}, placed on the timeline
    life_changes: dict[str, dict[str, dict[Period, float]]] = field(default_factory=dict)
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (scenario, key)
    _dated: list[tuple[str, str, Period, float, Record]] = field(default_factory=list)

    def varies(self, key: str) -> bool:
        return key in self.values or key in self.life_changes

    def place(self, timeline: Timeline, probs: Problems, warnings: list[str]) -> None:
        """Put each scenario's life changes in the period from whose start they apply
        (the rules of life_changes.csv: at or before the first period, the start)."""
        first, last = timeline.periods[0], timeline.periods[-1]
        for name, key, when, life, rec in self._dated:
            if timeline.per_year == 1:
                when = Period(when.year)
            elif not when.is_quarter:
                when = Period(when.year, 1)
            where = f"{rec.file}, line {rec.line}: {name} {key}"
            if when > last:
                warnings.append(f"{where} is after the timeline ends ({last}) and is not used")
                continue
            if when < first:
                warnings.append(f"{where} is before the first period: it applies from {first}")
                when = first
            self.life_changes.setdefault(key, {}).setdefault(name, {})[when] = life
        self._dated.clear()


def base_value(
    key: str, settings: Settings, classes: dict, opening: dict | None = None
) -> float | str | None:
    """A key's Base value: a setting, or a class's share, life, lag or opening balance."""
    if key in VARIABLE_SETTINGS:
        return getattr(settings, key)
    kind, ticker, name = key.split(":")
    if kind.startswith("opening_"):
        o = (opening or {}).get(ticker, {}).get(name)
        if o is None:
            return 0.0
        return o.net_book_value if kind == "opening_net_book_value" else o.remaining_life
    for a in classes.get(ticker, []):
        if a.name == name:
            return {"share": a.share, "useful_life": a.useful_life, "in_service_lag": a.lag}[kind]
    return None


def read_scenarios(
    source: Source,
    settings: Settings,
    classes: dict | None,
    probs: Problems,
    opening: dict | None = None,
) -> Scenarios:
    """Validate scenarios.csv against the settings and the companies' asset classes.

    `classes` None: the assumptions could not be read, so keys naming companies and asset
    classes are not checked (that problem is reported where it is).
    """
    out = Scenarios()
    if not source.has(SCENARIOS):
        return out
    records = source.read(SCENARIOS, probs)
    if records is None:
        return out
    for first, dup in duplicates(records, ("scenario", "key")):
        probs.add(
            dup.file,
            dup.line,
            "key",
            f"{dup['scenario']} sets {dup['key']} twice (also line {first.line})",
            "keep one",
        )
    for rec in records:
        name = rec["scenario"]
        if not name or not all(c.isalnum() or c in "._-" for c in name) or len(name) > 31:
            probs.add(
                rec.file,
                rec.line,
                "scenario",
                f'"{name}" is not a usable scenario name',
                "use letters, digits, '.', '-' or '_' (at most 31)",
            )
            continue
        if name == BASE:
            probs.add(
                rec.file,
                rec.line,
                "scenario",
                "Base is settings.csv and assumptions.csv themselves",
                "change the Base case there, or name this scenario otherwise",
            )
            continue
        setting = RENAMED.get(rec["key"], (rec["key"], ""))[0] in VARIABLE_SETTINGS
        keys = _expand(rec, classes, probs) if classes is not None or setting else []
        value = _value(rec, keys[0] if keys else "", probs)
        if value is None or not keys:
            continue
        if name not in out.names:
            out.names.append(name)
        for key in keys:
            if key.startswith(LIFE_CHANGE + ":"):
                live, when = key.rsplit(":", 1)
                period = parse_period(when)
                assert period is not None  # checked by _expand
                out._dated.append((name, live, period, float(value), rec))
            else:
                out.values.setdefault(key, {})[name] = value
            if rec["source"]:
                out.sources[(name, key)] = rec["source"]
    if classes is None:
        return out
    for key, by_name in out.values.items():
        base = base_value(key, settings, classes, opening)
        for name in out.names:
            by_name.setdefault(name, base)  # type: ignore[arg-type]
        out.values[key] = {n: by_name[n] for n in out.names}
    _check_shares(out, classes, SCENARIOS.name, probs)
    if settings.scenario not in out.names:
        probs.add(
            "settings.csv",
            0,
            "value",
            f'the scenario "{settings.scenario}" is not in scenarios.csv',
            f"use one of {', '.join(out.names)}",
        )
    return out


def _expand(rec: Record, classes: dict, probs: Problems) -> list[str]:
    """The keys a row sets: a setting, or share/useful_life for one ticker or `*`."""
    key = RENAMED.get(rec["key"], (rec["key"], ""))[0]
    if key in VARIABLE_SETTINGS:
        return [key]
    parts = key.split(":")
    dated = len(parts) == 4 and parts[0] == LIFE_CHANGE and parse_period(parts[3]) is not None
    if not dated and (len(parts) != 3 or parts[0] not in CLASS_KEYS):
        hint = (
            "it shapes the workbook: change it in settings.csv"
            if key in Settings.__dataclass_fields__
            else (
                f"use one of {', '.join(VARIABLE_SETTINGS)}, KIND:TICKER:CLASS with KIND one of "
                f"{', '.join(CLASS_KEYS)}, or {LIFE_CHANGE}:TICKER:CLASS:PERIOD (TICKER may be *)"
            )
        )
        probs.add(rec.file, rec.line, "key", f'"{key}" cannot vary by scenario', hint)
        return []
    kind, ticker, name = parts[:3]
    suffix = f":{parts[3]}" if dated else ""
    tickers = list(classes) if ticker == "*" else [ticker]
    if ticker != "*" and ticker not in classes:
        probs.add(
            rec.file,
            rec.line,
            "key",
            f'unknown ticker "{ticker}" in {key}',
            "use a ticker of companies.csv, or *",
        )
        return []
    keys = [
        f"{kind}:{t}:{name}{suffix}" for t in tickers if any(a.name == name for a in classes[t])
    ]
    if not keys:
        probs.add(
            rec.file,
            rec.line,
            "key",
            f'no company has the asset class "{name}"',
            "use an asset class of assumptions.csv",
        )
    return keys


def _value(rec: Record, key: str, probs: Problems) -> float | str | None:
    if key == "depreciation_convention":
        return choice(rec, CONVENTIONS, probs, "convention")
    kind = key.split(":")[0]
    percent = kind == "share" or (kind.endswith("growth") or kind == "tax_rate")
    v = parse_number(rec, "value", probs, percent=percent)
    if v is None:
        return None
    problem = None
    if kind == LIFE_CHANGE and v <= 0:
        problem = ("a changed life must be above 0", "enter years, e.g. 6")
    elif kind in ("useful_life", *CLASS_KEYS[2:]) and v < 0:
        problem = ("this must be 0 or more", "enter years or an amount, e.g. 6")
    elif kind == "share" and not 0 <= v <= 1:
        problem = ("a share must be between 0 and 1", "enter e.g. 0.6 or 60%")
    elif key == "fade_years" and v <= 0:
        problem = ("fade_years must be above 0", "enter e.g. 3")
    elif key == "tax_rate" and not 0 <= v < 1:
        problem = ("tax_rate must be between 0 and 1", "enter e.g. 0.21")
    elif key.endswith("growth") and not -1 < v <= 1:
        problem = (
            "a growth rate must be above -100% and at most 100% a year",
            "enter e.g. 0.05 or 5%",
        )
    if problem:
        probs.add(rec.file, rec.line, "value", f"{rec['value']}: {problem[0]}", problem[1])
        return None
    return v


def _check_shares(out: Scenarios, classes: dict, file: str, probs: Problems) -> None:
    varied = {key.split(":")[1] for key in out.values if key.startswith("share:")}
    for ticker, items in classes.items():
        if ticker not in varied:
            continue  # the Base shares are checked in assumptions.csv
        for name in out.names[1:]:
            total = sum(
                float(
                    out.values.get(row_key("share", ticker=ticker, asset_class=a.name), {}).get(
                        name, a.share
                    )
                )
                for a in items
            )
            if abs(total - 1) > 1e-6:
                probs.add(
                    file,
                    0,
                    "value",
                    f"in {name}, the shares of {ticker} sum to {total:.6g}, not 1",
                    "change the other shares of the same scenario too",
                )
