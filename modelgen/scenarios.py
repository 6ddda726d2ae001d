"""scenarios.csv: named cases that override settings and assumptions.

`scenario,key,value` rows such as `Bear,long_run_capex_growth,0.02` or
`Bull,useful_life:*:servers,6` (`*`: every company with that asset class). `Base` is the
case of settings.csv and assumptions.csv themselves; every scenario starts from it. The
file is optional: without it the model has the Base case only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modelgen.csvread import Problems, Record, duplicates, parse_number, read_table
from modelgen.settings import CONVENTIONS, Settings, choice

SCENARIOS_FILE = "scenarios.csv"
BASE = "Base"
# settings a scenario may change; the others shape the workbook and need a rebuild
VARIABLE_SETTINGS = (
    "long_run_capex_growth",
    "fade_years",
    "net_income_growth",
    "tax_rate",
    "depreciation_convention",
)


@dataclass
class Scenarios:
    """Scenario names (Base first) and, per varied key, its value in every scenario."""

    names: list[str] = field(default_factory=lambda: [BASE])
    values: dict[str, dict[str, float | str]] = field(default_factory=dict)

    def varies(self, key: str) -> bool:
        return key in self.values


def base_value(key: str, settings: Settings, classes: dict) -> float | str | None:
    """A key's Base value: a setting, or `share:T:k` / `useful_life:T:k` from assumptions."""
    if key in VARIABLE_SETTINGS:
        return getattr(settings, key)
    kind, ticker, name = key.split(":")
    for a in classes.get(ticker, []):
        if a.name == name:
            return a.share if kind == "share" else a.useful_life
    return None


def read_scenarios(
    folder: Path, settings: Settings, classes: dict | None, probs: Problems
) -> Scenarios:
    """Validate scenarios.csv against the settings and the companies' asset classes.

    `classes` None: the assumptions could not be read, so keys naming companies and asset
    classes are not checked (that problem is reported where it is).
    """
    out = Scenarios()
    path = folder / SCENARIOS_FILE
    if not path.exists():
        return out
    records = read_table(path, ["scenario", "key", "value"], (), probs)
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
        keys = (
            _expand(rec, classes, probs)
            if classes is not None or rec["key"] in VARIABLE_SETTINGS
            else []
        )
        value = _value(rec, keys[0] if keys else "", probs)
        if value is None or not keys:
            continue
        if name not in out.names:
            out.names.append(name)
        for key in keys:
            out.values.setdefault(key, {})[name] = value
    if classes is None:
        return out
    for key, by_name in out.values.items():
        base = base_value(key, settings, classes)
        for name in out.names:
            by_name.setdefault(name, base)  # type: ignore[arg-type]
        out.values[key] = {n: by_name[n] for n in out.names}
    _check_shares(out, classes, path.name, probs)
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
    key = rec["key"]
    if key in VARIABLE_SETTINGS:
        return [key]
    parts = key.split(":")
    if len(parts) != 3 or parts[0] not in ("share", "useful_life"):
        hint = (
            "it shapes the workbook: change it in settings.csv"
            if key in Settings.__dataclass_fields__
            else (
                f"use one of {', '.join(VARIABLE_SETTINGS)}, share:TICKER:CLASS or useful_life:TICKER:CLASS (TICKER may be *)"
            )
        )
        probs.add(rec.file, rec.line, "key", f'"{key}" cannot vary by scenario', hint)
        return []
    kind, ticker, name = parts
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
    keys = [f"{kind}:{t}:{name}" for t in tickers if any(a.name == name for a in classes[t])]
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
    percent = not key.startswith("useful_life") and key != "fade_years"
    v = parse_number(rec, "value", probs, percent=percent)
    if v is None:
        return None
    problem = None
    if key.startswith("useful_life") and v <= 0:
        problem = ("a useful life must be above 0", "enter years, e.g. 6")
    elif key.startswith("share") and not 0 < v <= 1:
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
                float(out.values.get(f"share:{ticker}:{a.name}", {}).get(name, a.share))
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
