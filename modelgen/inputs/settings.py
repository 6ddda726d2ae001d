"""settings.csv: `key,value` rows over documented defaults; unknown keys are an error."""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelgen.inputs.csvread import (
    Problems,
    Record,
    duplicates,
    near_miss,
    parse_number,
)
from modelgen.inputs.schema import SETTINGS
from modelgen.inputs.source import Source
from modelgen.inputs.timeline import FREQUENCIES

SETTINGS_FILE = SETTINGS.name
# When capex enters service, as a fraction of its period; the *_period names read better
# in quarterly models, the *_year names in annual ones: both are valid in either.
CONVENTIONS = {
    "full_year": 0.0,
    "half_year": 0.5,
    "next_year": 1.0,
    "start_of_period": 0.0,
    "mid_period": 0.5,
    "next_period": 1.0,
}
DEPRECIATION_VIEWS = ("auto", "grid", "closed_form")
# settings whose value is one of a list
CHOICES = {
    "depreciation_convention": CONVENTIONS,
    "frequency": FREQUENCIES,
    "depreciation_view": DEPRECIATION_VIEWS,
}
UNIT_RE = re.compile(r"^[A-Za-z$€£¥₹][A-Za-z$€£¥₹ .]{0,19}$")


#: a unit's scale word (singular, lower case) and the amount it stands for
SCALES = {
    **dict.fromkeys(("k", "th", "thousand"), 1e3),
    **dict.fromkeys(("m", "mn", "mm", "mln", "mio", "million"), 1e6),
    **dict.fromkeys(("b", "bn", "bln", "mrd", "billion"), 1e9),
    **dict.fromkeys(("tn", "trillion"), 1e12),
}


def unit_scale(unit: str) -> float | None:
    """What one amount of `unit` counts (`USD bn`: 1e9; `USD`: 1); None if a word of it
    is not a currency or a scale modelgen knows (per-share figures then count units)."""
    words = unit.lower().replace(".", " ").split()
    for word in words:
        for form in (word, word.removesuffix("s")):
            if form in SCALES:
                return SCALES[form]
    return 1.0 if len(words) <= 1 else None


@dataclass(frozen=True)
class Settings:
    """Model settings: `settings.csv` overrides these documented defaults."""

    unit: str = "USD bn"
    forecast_years: int = 5
    depreciation_convention: str = "full_year"
    long_run_capex_growth: float = 0.05  # capex growth once the cycle has faded
    fade_years: float = 3.0  # the article's three-year investment cycle
    earnings_growth: float = 0.05  # earnings before D&A, after the last actual net income
    tax_rate: float = 0.21  # US federal statutory rate; companies.csv may give a company's own
    revenue_growth: float = 0.05
    share_count_growth: float = 0.0  # diluted shares, a year on year
    frequency: str = "annual"  # or "quarterly": the period columns
    quarter_sum_tolerance: float = 0.001  # a year given both ways vs. its quarters, in the unit
    scenario: str = "Base"  # the live case when the workbook opens (scenarios.csv)
    depreciation_view: str = "auto"  # "grid" (vintage x period), "closed_form", or by size
    tie_tolerance: float = 0.05  # modelled against reported PP&E depreciation, relative
    amortization_growth: float = 0.0  # the rest of D&A after the last reported year
    run_rate_life_years: float = 5.0  # the article's measure: a year's capex / this many years
    allow_outliers: bool = False  # an amount out of scale with its company's is a warning
    title: str = ""  # the model's name; empty: named after its companies
    subject: str = ""  # one line on what it models (document properties, Cover)


SETTING_KEYS = tuple(Settings.__dataclass_fields__)
# older names still read, with a note: key -> (the setting it is now, the note)
RENAMED = {
    "net_income_growth": (
        "earnings_growth",
        "net_income_growth is read as earnings_growth: it now grows earnings before "
        "depreciation and amortization, and net income is what D&A leaves of them",
    )
}
TEXT_SETTINGS = ("title", "subject")
#: settings that are yes or no, and how they may be written (any case: Excel writes TRUE)
BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
BOOLEAN_SETTINGS = ("allow_outliers",)
# numeric settings that are not rates (no `%` accepted)
YEARS_OR_AMOUNTS = ("forecast_years", "fade_years", "quarter_sum_tolerance", "run_rate_life_years")
MAX_TEXT = 200  # a title or subject: one line, well inside Excel's 255-character properties


def choice(rec: Record, allowed, probs: Problems, what: str = "") -> str | None:
    """The row's `value` if it is one of `allowed`, else a problem naming the choices."""
    value = rec["value"]
    if value in allowed:
        return value
    what = what or {"depreciation_convention": "convention"}.get(
        rec["key"], rec["key"].replace("_", " ")
    )
    probs.add(
        rec.file, rec.line, "value", f'unknown {what} "{value}"', f"use one of {', '.join(allowed)}"
    )
    return None


def read_settings(source: Source, probs: Problems, notes: list[str] | None = None) -> Settings:
    """The settings over their defaults; a renamed key is read as its new name, with a note."""
    records = source.read(SETTINGS, probs)
    values: dict[str, object] = {}
    named: dict[str, Record] = {}
    for rec in records or []:
        new, note = RENAMED.get(rec["key"], (rec["key"], ""))
        if note and notes is not None:
            notes.append(f"{rec.file}, line {rec.line}: {note}")
        if new in named and named[new]["key"] != rec["key"]:
            probs.add(
                rec.file,
                rec.line,
                "key",
                f"{rec['key']} and {named[new]['key']} (line {named[new].line}) are one setting",
                f"keep {new}",
            )
        named.setdefault(new, rec)
    for first, dup in duplicates(records or [], ("key",)):
        probs.add(
            dup.file,
            dup.line,
            "key",
            f"{dup['key']} is set twice (also line {first.line})",
            "keep one",
        )
    for rec in records or []:
        key = RENAMED.get(rec["key"], (rec["key"], ""))[0]
        if key not in SETTING_KEYS:
            close = [
                k for k in SETTING_KEYS if k == key.lower().replace(" ", "_") or near_miss(k, key)
            ]
            probs.add(
                rec.file,
                rec.line,
                "key",
                f'unknown setting "{key}"',
                f'did you mean "{close[0]}"?'
                if close
                else f"the settings are {', '.join(SETTING_KEYS)}",
            )
        elif key == "unit":
            if not UNIT_RE.match(rec["value"]):
                probs.add(
                    rec.file,
                    rec.line,
                    "value",
                    f'"{rec["value"]}" is not a unit',
                    "name the currency and scale of the amounts, e.g. USD bn, EUR m, JPY bn",
                )
            else:
                values[key] = rec["value"]
        elif key == "scenario":
            values[key] = rec["value"]  # checked against scenarios.csv by the scenarios reader
        elif key in TEXT_SETTINGS:
            if len(rec["value"]) > MAX_TEXT or any(ord(c) < 32 for c in rec["value"]):
                probs.add(
                    rec.file,
                    rec.line,
                    "value",
                    f"the {key} is longer than {MAX_TEXT} characters or holds a line break",
                    f"give the {key} as one short line",
                )
            else:
                values[key] = rec["value"]
        elif key in CHOICES:
            value = choice(rec, CHOICES[key], probs)
            if value is not None:
                values[key] = value
        elif key in BOOLEAN_SETTINGS:
            if rec["value"].lower() in BOOLEANS:
                values[key] = BOOLEANS[rec["value"].lower()]
            else:
                probs.add(
                    rec.file,
                    rec.line,
                    "value",
                    f'{key} "{rec["value"]}" is neither true nor false',
                    "enter true or false",
                )
        else:
            _numeric_setting(rec, key, probs, values)
    return Settings(**values)  # type: ignore[arg-type]


def _numeric_setting(rec: Record, key: str, probs: Problems, values: dict[str, object]) -> None:
    v = parse_number(
        rec,
        "value",
        probs,
        percent=key not in YEARS_OR_AMOUNTS,
    )
    if v is None:
        return
    if key == "forecast_years":
        if v != int(v) or not 0 <= v <= 50:
            probs.add(
                rec.file,
                rec.line,
                "value",
                f"forecast_years {rec['value']} is not a whole number from 0 to 50",
                "enter e.g. 5",
            )
            return
        values[key] = int(v)
    elif key == "fade_years" and v <= 0:
        probs.add(
            rec.file,
            rec.line,
            "value",
            f"fade_years {v:g} is not positive",
            "enter the years growth takes to fade, e.g. 3",
        )
    elif key == "quarter_sum_tolerance" and v < 0:
        probs.add(
            rec.file,
            rec.line,
            "value",
            f"quarter_sum_tolerance {v:g} is negative",
            "enter an amount in the model's unit, e.g. 0.001",
        )
    elif key == "run_rate_life_years" and v <= 0:
        probs.add(
            rec.file,
            rec.line,
            "value",
            f"run_rate_life_years {v:g} is not positive",
            "enter the years the run rate spreads a year's capex over, e.g. 5",
        )
    elif key == "tie_tolerance" and not 0 <= v < 1:
        probs.add(
            rec.file,
            rec.line,
            "value",
            f"tie_tolerance {rec['value']} is not between 0 and 1",
            "enter the share of the reported figure the model may miss by, e.g. 0.05 or 5%",
        )
    elif key == "tax_rate" and not 0 <= v < 1:
        probs.add(
            rec.file,
            rec.line,
            "value",
            f"tax_rate {rec['value']} is not between 0 and 1",
            "enter e.g. 0.21 or 21%",
        )
    elif v <= -1 and key.endswith("growth"):
        probs.add(
            rec.file,
            rec.line,
            "value",
            f"{key} {rec['value']} is -100% or below",
            "enter a growth rate above -1",
        )
    elif v > 1 and key.endswith("growth"):
        probs.add(
            rec.file,
            rec.line,
            "value",
            f"{key} {rec['value']} is more than 100% a year",
            "enter a rate such as 0.05 or 5%"
            + ("" if rec["value"].endswith("%") else f" ({rec['value']} means {v:.0%})"),
        )
    else:
        values[key] = float(v)
