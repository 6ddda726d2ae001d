"""`modelgen backtest`: how far to trust the depreciation model before using it.

In a copy of the input folder, the reported depreciation, PP&E depreciation and net PP&E of
every period after a fiscal year are blanked (capex, net income, revenue, shares stay); the
model is built from the copy and set beside what the companies reported for those periods.

Like with like (docs/ACCOUNTING.md): modelled PP&E depreciation against the reported one,
else modelled D&A (with the other amortization carried forward) against total D&A. Net PP&E
**counts** against the same tolerance (`COUNTED`): on the shipped data the filings' case
ties it within 3% and the article's arithmetic misses by 10-13%, a book value that far
off means the charge to date is wrong. Assumptions fitted on later filings (class shares,
announced life changes) stay: the backtest hides reported figures, not knowledge.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from modelgen.inputs.csvread import InputError, Problem, separator
from modelgen.inputs.folder import Inputs, load_inputs
from modelgen.inputs.settings import SETTINGS_FILE
from modelgen.inputs.template import load_template
from modelgen.inputs.timeline import parse_period
from modelgen.keys import row_key
from modelgen.model import Model, build_model
from modelgen.sheets import SheetName
from modelgen.words import either, nearest, number

#: financials.csv's reported columns the backtest hides after the year (absent ones skipped)
HIDDEN_COLUMNS = ("depreciation", "ppe_depreciation", "net_ppe")
#: the measures whose errors decide `ok`
COUNTED = ("depreciation", "net_ppe")
#: basis (the reported column compared) -> (label, the modelled row's sheet and key kind)
BASES = {
    "ppe_depreciation": ("PP&E depreciation", SheetName.DEPRECIATION, "depreciation"),
    "depreciation": ("D&A (total)", SheetName.PPE, "depreciation_and_amortization"),
    "net_ppe": ("net PP&E", SheetName.PPE, "net_book_value"),
}


@dataclass(frozen=True)
class Line:
    """One company, period and measure: modelled against reported."""

    ticker: str
    period: str
    measure: str  # "depreciation" or "net_ppe"
    basis: str  # the financials.csv column compared: ppe_depreciation, depreciation, net_ppe
    modelled: float
    reported: float
    error: float  # modelled - reported
    error_pct: float | None  # error / reported (a fraction); None when reported is 0
    within: bool  # |error| <= tolerance x |reported|


@dataclass
class Backtest:
    """The comparison; `model` is the one built from the hidden copy."""

    through: int
    scenario: str
    tolerance: float
    rows: list[Line]
    hidden: int  # figures blanked in the copy's financials.csv
    model: Model = field(repr=False)

    @property
    def ok(self) -> bool:
        return all(r.within for r in self.rows if r.measure in COUNTED)

    def lines(self) -> list[str]:
        """The table, one line per company, and the verdict."""
        tol = f"{self.tolerance:.1%}"
        out = [
            f"Backtest through {self.through}, scenario {self.scenario}: {self.hidden} reported "
            f"{number(self.hidden, 'figure')} after {self.through} hidden; {self.model.unit}; "
            f"tolerance {tol}",
            f"{'company':<8}{'period':<8}{'measure':<19}{'modelled':>10}{'reported':>10}"
            f"{'error':>9}{'error %':>9}",
        ]
        out += [
            f"{r.ticker:<8}{r.period:<8}{BASES[r.basis][0]:<19}{r.modelled:>10,.2f}"
            f"{r.reported:>10,.2f}{r.error:>+9,.2f}{_pct(r.error_pct):>9}"
            + ("" if r.within else "  beyond tolerance")
            for r in self.rows
        ]
        out += [self._summary(t) for t in self.model.inputs.tickers]
        verdict = "OK" if self.ok else "FAILED"
        return [*out, f"{verdict}: depreciation and net PP&E errors count against {tol}"]

    def _summary(self, ticker: str) -> str:
        mine = [r for r in self.rows if r.ticker == ticker]
        if not mine:
            return f"{ticker}: nothing reported after {self.through} to compare"
        worst = max(mine, key=lambda r: (r.error_pct is None, abs(r.error_pct or 0)))
        off = sum(not r.within for r in mine)
        verdict = f"{off} of {len(mine)} beyond tolerance" if off else "holds"
        largest = f"{BASES[worst.basis][0]} {worst.period} {_pct(worst.error_pct)}"
        return f"{ticker}: {verdict}; largest error {largest}"

    def to_json(self) -> str:
        head = {k: getattr(self, k) for k in ("through", "scenario", "tolerance")}
        rows = {"rows": [asdict(r) for r in self.rows], "ok": self.ok}
        return json.dumps(head | rows, indent=2) + "\n"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.1%}"


def backtest(inputs_dir: str | Path, through: int, scenario: str | None = None) -> Backtest:
    """Hide the reported figures after fiscal year `through`, build, compare. InputError: a
    bad folder, a year with nothing before or after it, a scenario the folder lacks."""
    inputs = load_inputs(Path(inputs_dir))
    name = scenario if scenario is not None else inputs.settings.scenario
    known = inputs.scenarios.names
    if name not in known:
        close = nearest(name, known)
        mean = f"did you mean {either(close)}? Or " if close else ""
        _refuse("--scenario", f'unknown scenario "{name}"', f"{mean}use one of {', '.join(known)}")
    _check_year(inputs, through)
    tolerance = inputs.settings.tie_tolerance
    with tempfile.TemporaryDirectory(prefix="modelgen-backtest-") as tmp:
        copy = Path(tmp) / "inputs"
        shutil.copytree(inputs_dir, copy)
        hidden = hide_reported(copy / "financials.csv", through)
        if scenario is not None:
            select_scenario(copy / SETTINGS_FILE, scenario)
        model = build_model(load_inputs(copy), load_template())
    rows = list(_compare(inputs, model, through, tolerance))
    return Backtest(through, name, tolerance, rows, hidden, model)


def _reported(inputs: Inputs) -> dict[str, dict]:
    """Reported figures by financials.csv column, ticker and period."""
    return {
        "ppe_depreciation": inputs.ppe_depreciation_reported,
        "depreciation": inputs.depreciation_reported,
        "net_ppe": inputs.net_ppe_reported,
    }


def _check_year(inputs: Inputs, through: int) -> None:
    """The year must leave history to build on and reported figures after it."""
    first = inputs.periods[0].year
    years = {p.year for by in _reported(inputs).values() for s in by.values() for p in s}
    last = max(years, default=first)
    hint = f"give a year from {first} to {last - 1}" if last > first else "report a later year"
    if through < first:
        _refuse("--through", f"{through} is before the first period ({first})", hint)
    if through >= last:
        what = f"no depreciation or net PP&E is reported after {through} to compare"
        _refuse("--through", what, hint)


def _refuse(what: str, message: str, hint: str) -> None:
    raise InputError([Problem(what, 0, "", message, hint)])


def _compare(inputs: Inputs, model: Model, through: int, tolerance: float) -> Iterator[Line]:
    """Per company and period after `through`: PP&E depreciation where reported, else total
    D&A, then net PP&E; the modelled figure read from the model by row key."""
    reported = _reported(inputs)
    for t, p in ((t, p) for t in inputs.tickers for p in inputs.periods if p.year > through):
        ppe = p in reported["ppe_depreciation"].get(t, {})
        for basis in ("ppe_depreciation" if ppe else "depreciation", "net_ppe"):
            fact = reported[basis].get(t, {}).get(p)
            if fact is None:
                continue
            _, sheet, kind = BASES[basis]
            modelled = float(model.value(sheet, row_key(kind, ticker=t), p.label))  # type: ignore[arg-type]
            error, value = modelled - fact.value, fact.value
            measure = "net_ppe" if basis == "net_ppe" else "depreciation"
            pct = error / value if value else None
            within = abs(error) <= tolerance * abs(value)
            yield Line(t, p.label, measure, basis, modelled, value, error, pct, within)


def hide_reported(path: Path, through: int) -> int:
    """Blank the reported depreciation, PP&E depreciation and net PP&E of every period whose
    fiscal year is after `through`; returns how many figures were blanked."""
    count = 0

    def change(header: list[str], fields: list[str]) -> bool:
        nonlocal count
        period = parse_period(fields[header.index("period")])  # a column financials.csv needs
        cols = [header.index(c) for c in HIDDEN_COLUMNS if c in header]
        after = period is not None and period.year > through
        blank = [i for i in cols if after and i < len(fields) and fields[i].strip()]
        for i in blank:
            fields[i] = ""
        count += len(blank)
        return bool(blank)

    _rewrite(path, change)
    return count


def select_scenario(path: Path, name: str) -> None:
    """Make `name` the scenario of settings.csv: replace its `scenario` row or add one."""

    def change(header: list[str], fields: list[str]) -> bool:
        key, value = header.index("key"), header.index("value")
        if len(fields) <= max(key, value) or fields[key].strip() != "scenario":
            return False
        fields[value] = name
        return True

    _rewrite(path, change, add=["scenario", name])


def _rewrite(
    path: Path, change: Callable[[list[str], list[str]], bool], add: list[str] | None = None
) -> None:
    """Rewrite the rows `change` edits (in place, returning True) in the file's delimiter and
    line end, every other line byte for byte; append `add` if no row was edited. Read as
    modelgen.inputs.csvread reads: BOM, `separator`, newline-agnostic lines."""
    data = path.read_bytes()
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    text = data.decode("utf-8-sig")
    sep = separator(text)
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=sep)
    out: list[str] = []
    header: list[str] | None = None
    start, edited = 0, False
    for fields in reader:
        raw = "".join(lines[start : reader.line_num])
        start = reader.line_num
        if header is None:
            header = [h.strip() for h in fields] if any(f.strip() for f in fields) else None
        elif fields and change(header, fields):
            raw, edited = _row(fields, sep, raw[len(raw.rstrip("\r\n")) :]), True
        out.append(raw)
    if add is not None and not edited:
        ending = "\r\n" if "\r\n" in text else "\n"
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += ending
        out.append(_row(add, sep, ending))
    path.write_bytes(bom + "".join(out).encode("utf-8"))


def _row(fields: list[str], sep: str, ending: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator=ending).writerow(fields)
    return buf.getvalue()
