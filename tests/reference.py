"""An independent re-computation of the capex model, straight from the CSV files.

Written from docs/DESIGN.md's formulas and the accounting of docs/ACCOUNTING.md (opening base, life
changes, construction in progress, land, the tie-out to reported D&A; the input files as
docs/property-and-equipment.md gives them) and the profit bridge of docs/profit-bridge.md
(tax per company, earnings before D&A and the margin they follow where a company has
revenue, net income, revenue, diluted shares, EPS and the EPS impact of the D&A added since
the last actual) with plain Python loops and the csv module,
sharing no code with modelgen, so that agreement between the two means something.
Annual timelines only; scenarios are not applied (the folder's figures are the Base case).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from modelgen.rowspec import sheet_of_kind


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [
            {k.strip(): (v or "").strip() for k, v in r.items()}
            for r in csv.DictReader(f)
            if any((v or "").strip() for v in r.values())
        ]


def _num(text: str) -> float:
    text = text.replace(",", "")
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


# docs/profit-bridge.md: `amount x per_share_scale / millions of shares` is per share, so the
# scale is the amount the unit's scale word stands for over a million (USD bn: 1,000)
SCALE_WORDS = {
    "k": 1e3,
    "thousand": 1e3,
    "thousands": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mm": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
}


def per_share_scale(unit: str) -> float:
    """The amount of one unit over a million shares: `USD bn` 1,000, `USD m` 1, `USD` 1e-6."""
    words = unit.lower().split()
    amount = SCALE_WORDS.get(words[-1], 1.0) if len(words) > 1 else 1.0
    return amount / 1e6


# docs/DESIGN.md: the asset enters service at v + o; the *_period names are the same offsets.
OFFSETS = {
    "full_year": 0.0,
    "half_year": 0.5,
    "next_year": 1.0,
    "start_of_period": 0.0,
    "mid_period": 0.5,
    "next_period": 1.0,
}


@dataclass
class ClassLedger:
    """One asset class of one company, period by period (docs/ACCOUNTING.md)."""

    opening: list[float]  # the charge of the opening base
    vintages: list[list[float]]  # vintages[v][t]: the charge of period v's spend in period t
    construction: list[float]  # construction in progress at each period's end

    @property
    def total(self) -> list[float]:
        return [
            self.opening[t] + sum(row[t] for row in self.vintages) for t in range(len(self.opening))
        ]


def _charge(book: float, life: float, remaining: float, in_service: float) -> float:
    """docs/ACCOUNTING.md's charge: nothing on land; the whole book value in the period where the
    remaining life ends (or a change left none); else the book value pro rata."""
    if life == 0:
        return 0.0
    if remaining <= in_service:
        return book
    return book * in_service / remaining


def class_ledger(
    starts: list[float],
    length: float,
    lives: list[float],
    spend: list[float],
    *,
    lag: float = 0.0,
    offset: float = 0.0,
    opening: float = 0.0,
    remaining: float = 0.0,
) -> ClassLedger:
    """Simulate one class: every asset carries its book value, the life it is on and the
    life it has left, updated period by period.

    `starts` are the periods' starts in years, `lives` the life in effect in each period,
    `spend` each period's capex times the class's share, `offset` the convention's fraction
    of a period (0, 0.5 or 1), `opening` and `remaining` the opening base (NBV0, R0).
    """
    n = len(starts)
    assert len(lives) == n and len(spend) == n
    # each asset: [book value, service start, life it is on (None before service), remaining]
    base: list = [opening, starts[0] if n else 0.0, lives[0] if n else 0.0, remaining]
    assets: list[list] = []
    out = ClassLedger([0.0] * n, [[0.0] * n for _ in range(n)], [0.0] * n)
    for t in range(n):
        s, e = starts[t], starts[t] + length
        assets.append([spend[t], s + lag + offset * length, None, 0.0])
        for i, asset in enumerate([base, *assets]):
            book, sigma, life, left = asset
            if sigma >= e:
                continue  # not in service yet: no charge
            if life is None:  # enters service now, on the life in effect now
                life, left = lives[t], lives[t]
            elif lives[t] != life:  # a change in estimate: prospective
                left += lives[t] - life
                life = lives[t]
            in_service = e - max(s, sigma)
            charge = _charge(book, life, left, in_service)
            asset[:] = [book - charge, sigma, life, left - in_service]
            if i == 0:
                out.opening[t] = charge
            else:
                out.vintages[i - 1][t] = charge
        out.construction[t] = sum(spend[v] for v in range(t + 1) if starts[v] + lag >= e)
    return out


@dataclass(frozen=True)
class Klass:
    name: str
    share: float
    life: float
    lag: float


def _lag(r: dict[str, str]) -> float | None:
    text = r.get("in_service_lag_years", "")
    return _num(text) if text else None


def yearly(
    rows: list[dict[str, str]], column: str, tickers: list[str], balance: bool = False
) -> dict[str, dict[int, float]]:
    """A column's figures by ticker and fiscal year, as an annual model takes them: the
    year's own figure, else its four quarters summed (a balance: the fourth)."""
    years: dict[str, dict[int, float]] = {t: {} for t in tickers}
    quarters: dict[tuple[str, int], dict[int, float]] = {}
    for r in rows:
        if not r.get(column):
            continue
        period = r["period"]
        if period.isdigit():
            years[r["ticker"]][int(period)] = _num(r[column])
        else:
            year, q = period.split("Q")
            quarters.setdefault((r["ticker"], int(year)), {})[int(q)] = _num(r[column])
    for (t, year), qs in quarters.items():
        if year not in years[t] and len(qs) == 4:
            years[t][year] = qs[4] if balance else sum(qs.values())
    return years


def _classes(folder: Path, tickers: list[str]) -> dict[str, list[Klass]]:
    """Each company's classes: its own rows with shares, else the `*` default with the life
    and lag its share-less rows override."""
    rows = _rows(folder / "assumptions.csv")
    default = [
        Klass(r["asset_class"], _num(r["share"]), _num(r["useful_life_years"]), _lag(r) or 0.0)
        for r in rows
        if r["ticker"] == "*"
    ]
    out: dict[str, list[Klass]] = {}
    for t in tickers:
        mine = [r for r in rows if r["ticker"] == t]
        if any(r["share"] for r in mine):
            out[t] = [
                Klass(
                    r["asset_class"], _num(r["share"]), _num(r["useful_life_years"]), _lag(r) or 0.0
                )
                for r in mine
                if r["share"]
            ]
            continue
        over = {r["asset_class"]: r for r in mine}
        classes = []
        for k in default:
            r = over.get(k.name)
            if r is not None:
                life = _num(r["useful_life_years"]) if r["useful_life_years"] else k.life
                lag = _lag(r)
                k = Klass(k.name, k.share, life, k.lag if lag is None else lag)
            classes.append(k)
        out[t] = classes
    return out


def _effective_year(text: str) -> tuple[int, int]:
    """`2025` -> (2025, 0); `2025Q3` -> (2025, 3): an annual model applies a quarter's
    change from the start of its fiscal year."""
    text = text.strip().upper()
    if "Q" in text:
        year, quarter = text.split("Q")
        return int(year), int(quarter)
    return int(text), 0


def _life_schedule(
    changes: list[dict[str, str]], ticker: str, name: str, base: float, years: list[int]
) -> tuple[list[float], dict[int, float]]:
    """The life in effect in each year (changes at or before the first year set it from the
    start, later ones from their year on), and the changes dated within the timeline
    (year -> new life), as the Inputs row `useful_life_change` shows them."""
    mine = sorted(
        (*_effective_year(r["effective_from"]), r["ticker"] != "*", _num(r["useful_life_years"]))
        for r in changes
        if r["asset_class"] == name and r["ticker"] in ("*", ticker)
    )
    if base == 0:
        mine = []  # land's life cannot change
    lives, shown = [], {}
    for y in years:
        life = base
        for year, _, _, new in mine:
            if year <= y:
                life = new
        lives.append(life)
    for year, _, _, new in mine:
        if years and years[0] <= year <= years[-1]:
            shown[year] = new
    return lives, shown


def compute(folder: Path) -> dict[str, dict[str, object]]:
    """Keyed expected values: {key: {period label: value}} plus {key: {"D": value}}."""
    folder = Path(folder)
    companies = _rows(folder / "companies.csv")
    tickers = [r["ticker"] for r in companies]
    settings = {
        "unit": "USD bn",
        "forecast_years": 5,
        "depreciation_convention": "full_year",
        "long_run_capex_growth": 0.05,
        "fade_years": 3.0,
        "earnings_growth": 0.05,
        "tax_rate": 0.21,
        "revenue_growth": 0.05,
        "share_count_growth": 0.0,
        "amortization_growth": 0.0,
        "run_rate_life_years": 5.0,
        "tie_tolerance": 0.05,
    }
    for r in _rows(folder / "settings.csv"):
        k, v = r["key"], r["value"]
        if k == "net_income_growth":  # the old name of earnings_growth
            k = "earnings_growth"
        try:
            settings[k] = _num(v)
        except ValueError:  # unit, depreciation_convention, depreciation_view, ...
            settings[k] = v
    capex_actual = yearly(_rows(folder / "capex.csv"), "capex", tickers)
    financials = _rows(folder / "financials.csv")
    ni_actual = yearly(financials, "net_income", tickers)
    reported: dict[str, dict[str, dict[int, float]]] = {
        "depreciation": yearly(financials, "depreciation", tickers),
        "ppe_depreciation": yearly(financials, "ppe_depreciation", tickers),
        "net_ppe": yearly(financials, "net_ppe", tickers, balance=True),
    }
    # the bridge's optional actuals (financials.csv) and tax rates (companies.csv)
    bridge_actual: dict[str, dict[str, dict[int, float]]] = {
        "revenue": {t: {} for t in tickers},
        "diluted_shares": {t: {} for t in tickers},
    }
    tax_of = {
        r["ticker"]: _num(r["tax_rate"]) if r.get("tax_rate") else settings["tax_rate"]
        for r in companies
    }
    for r in financials:
        for column, figures in bridge_actual.items():
            if r.get(column) and r["period"].isdigit():
                figures[r["ticker"]][int(r["period"])] = _num(r[column])
    guide: dict[str, dict[int, float]] = {t: {} for t in tickers}
    for r in _rows(folder / "guidance.csv"):
        low = _num(r["capex_low"])
        high = _num(r["capex_high"]) if r.get("capex_high") else low
        guide[r["ticker"]][int(r["period"])] = (low + high) / 2
    classes = _classes(folder, tickers)
    opening: dict[tuple[str, str], tuple[float, float]] = {}
    if (folder / "opening_balances.csv").exists():
        for r in _rows(folder / "opening_balances.csv"):
            opening[(r["ticker"], r["asset_class"])] = (
                _num(r["net_book_value"]),
                _num(r["remaining_life_years"]),
            )
    changes = []
    if (folder / "life_changes.csv").exists():
        changes = _rows(folder / "life_changes.csv")
    first = min(min(v) for v in capex_actual.values())
    last = max(max(v) for v in capex_actual.values())
    years = list(range(first, last + int(settings["forecast_years"]) + 1))
    n = len(years)
    lr, fade = settings["long_run_capex_growth"], settings["fade_years"]
    o = OFFSETS[settings["depreciation_convention"]]
    out: dict[str, dict[str, object]] = {}

    def put(key: str, values: list) -> None:
        out[key] = {str(y): v for y, v in zip(years, values, strict=True)}

    def add(*series: list[float]) -> list[float]:
        return [sum(s[i] for s in series) for i in range(n)]

    def running(series: list[float], start: float = 0.0) -> list[float]:
        acc, total = [], start
        for x in series:
            total += x
            acc.append(total)
        return acc

    def ratio(a: list, b: list) -> list:
        return [x / y if x is not None and y else None for x, y in zip(a, b, strict=True)]

    capex: dict[str, list[float]] = {}
    for t in tickers:
        series: list[float] = []
        anchor, since = 0.0, 0
        for i, y in enumerate(years):
            prev = series[i - 1] if i else 0.0
            known = capex_actual[t].get(y, guide[t].get(y))
            if known is not None:
                anchor = known / prev - 1 if prev > 0 else lr
                since = 0
                series.append(known)
            else:
                since += 1
                g = anchor + (lr - anchor) * min(1.0, since / fade)
                series.append(prev * (1 + g))
        capex[t] = series
        put(f"capex:{t}", series)
    capex_total = add(*capex.values())
    put("capex:TOTAL", capex_total)

    def yoy(s: list[float]) -> list:
        return [None if i == 0 or s[i - 1] <= 0 else s[i] / s[i - 1] - 1 for i in range(len(s))]

    for t in tickers:
        put(f"capex_yoy:{t}", yoy(capex[t]))
        put(
            f"capex_share:{t}",
            [c / tot if tot > 0 else None for c, tot in zip(capex[t], capex_total, strict=True)],
        )
    put("capex_yoy:TOTAL", yoy(capex_total))

    # Depreciation: the ledger of each class (docs/ACCOUNTING.md), then the PP&E roll-forward.
    starts = [float(y) for y in years]
    per_ticker: dict[str, dict[str, list[float]]] = {}
    for t in tickers:
        dep_classes, dep_opening, cip_classes, base = [], [], [], 0.0
        for k in classes[t]:
            lives, shown = _life_schedule(changes, t, k.name, k.life, years)
            nbv0, r0 = opening.get((t, k.name), (0.0, 0.0))
            base += nbv0
            ledger = class_ledger(
                starts,
                1.0,
                lives,
                [c * k.share for c in capex[t]],
                lag=k.lag,
                offset=o,
                opening=nbv0,
                remaining=r0,
            )
            for v, row in zip(years, ledger.vintages, strict=True):
                put(f"depreciation_vintage:{t}:{k.name}:{v}", row)
            put(f"useful_life_in_effect:{t}:{k.name}", lives)
            put(f"depreciation_opening:{t}:{k.name}", ledger.opening)
            put(f"depreciation_class:{t}:{k.name}", ledger.total)
            if k.lag:  # modelgen shows construction in progress for classes with a lag
                put(f"construction_in_progress:{t}:{k.name}", ledger.construction)
            out[f"useful_life:{t}:{k.name}"] = {"D": k.life}
            out[f"share:{t}:{k.name}"] = {"D": k.share}
            if k.lag:
                out[f"in_service_lag:{t}:{k.name}"] = {"D": k.lag}
            if (t, k.name) in opening:
                out[f"opening_net_book_value:{t}:{k.name}"] = {"D": nbv0}
                out[f"opening_remaining_life:{t}:{k.name}"] = {"D": r0}
            if shown:
                out[f"useful_life_change:{t}:{k.name}"] = {str(y): x for y, x in shown.items()}
            dep_classes.append(ledger.total)
            dep_opening.append(ledger.opening)
            cip_classes.append(ledger.construction)
        d = add(*dep_classes)
        cum, acc = running(capex[t]), running(d)
        nbv = [base + c - a for c, a in zip(cum, acc, strict=True)]
        # D&A: reported where reported; the rest of it is reported D&A less reported PP&E
        # depreciation (amortization), else less the model's (a residual), then grown
        rep_dep = [reported["depreciation"][t].get(y) for y in years]
        rep_filed = [reported["ppe_depreciation"][t].get(y) for y in years]
        rep_ppe = [reported["net_ppe"][t].get(y) for y in years]
        other, held = [], 0.0
        for r, f, x in zip(rep_dep, rep_filed, d, strict=True):
            if r is not None:
                held = r - (f if f is not None else x)
            else:
                held *= 1 + settings["amortization_growth"]
            other.append(held)
        # amortization where PP&E depreciation is reported wherever D&A is, on the timeline
        filed_years = {y for y, f in zip(years, rep_filed, strict=True) if f is not None}
        da_years = {y for y, r in zip(years, rep_dep, strict=True) if r is not None}
        amortized = bool(filed_years) and da_years <= filed_years
        per_ticker[t] = {
            "depreciation": d,
            "depreciation_opening": add(*dep_opening),
            "construction_in_progress": add(*cip_classes),
            "cumulative_capex": cum,
            "accumulated_depreciation": acc,
            "net_ppe_opening": [base] + nbv[:-1],
            "net_book_value": nbv,
            "depreciation_other": other,
            "depreciation_and_amortization": [
                r if r is not None else x + o for r, x, o in zip(rep_dep, d, other, strict=True)
            ],
        }
        for key, values in per_ticker[t].items():
            if key == "depreciation_other" and amortized:
                key = "amortization"
            put(f"{key}:{t}", values)
        variance = [None if f is None else x - f for x, f in zip(d, rep_filed, strict=True)]
        put(f"depreciation_variance:{t}", variance)
        put(f"depreciation_variance_pct:{t}", ratio(variance, rep_filed))
        put(
            f"depreciation_explained:{t}",
            [
                (x / f if f else None) if f is not None else (x / r if r else None)
                for x, f, r in zip(d, rep_filed, rep_dep, strict=True)
            ],
        )
        put(
            f"net_ppe_variance:{t}",
            [None if r is None else b - r for b, r in zip(nbv, rep_ppe, strict=True)],
        )
        for column, figures in reported.items():
            if any(y in figures[t] for y in years):
                out[f"{column}_reported:{t}"] = {
                    str(y): figures[t][y] for y in years if y in figures[t]
                }
    for key in (
        "depreciation",
        "construction_in_progress",
        "cumulative_capex",
        "accumulated_depreciation",
        "net_ppe_opening",
        "net_book_value",
        "depreciation_and_amortization",
    ):
        put(f"{key}:TOTAL", add(*(per_ticker[t][key] for t in tickers)))
    kinds = {
        "amortization" if f"amortization:{t}" in out else "depreciation_other" for t in tickers
    }
    other_total = kinds.pop() if len(kinds) == 1 else "depreciation_other"
    put(f"{other_total}:TOTAL", add(*(per_ticker[t]["depreciation_other"] for t in tickers)))

    # The profit bridge (docs/profit-bridge.md): D&A after tax at the company's rate; earnings
    # before D&A are actual net income plus it; after that, a company with a year where net
    # income and a revenue above 0 are both actual has revenue x the margin (earnings before
    # D&A over revenue) of its last such year, from its first actual net income on (0 before);
    # one without grows last year's at earnings_growth. Net income is the actual, else (from
    # the first actual on) what D&A after tax leaves of the earnings.
    scale = per_share_scale(str(settings["unit"]))
    eg, rg, sg = (settings[k] for k in ("earnings_growth", "revenue_growth", "share_count_growth"))

    def grown(actual: dict[int, float], growth: float) -> list[float]:
        """The actual, else the year before grown (0 before the first period)."""
        series: list[float] = []
        for i, y in enumerate(years):
            series.append(
                actual[y] if y in actual else (series[i - 1] if i else 0.0) * (1 + growth)
            )
        return series

    def per_share(amounts: list[float], shares: list[float]) -> list:
        return [a * scale / s if s > 0 else None for a, s in zip(amounts, shares, strict=True)]

    out["per_share_scale"] = {"D": scale}
    for key in ("tax_rate", "earnings_growth", "revenue_growth", "share_count_growth"):
        out[key] = {"D": settings[key]}
    bridge: dict[str, dict[str, list[float]]] = {}
    for t in tickers:
        tax = tax_of[t]
        out[f"tax_rate:{t}"] = {"D": tax}
        da = per_ticker[t]["depreciation_and_amortization"]
        after = [x * (1 - tax) for x in da]
        revenue = grown(bridge_actual["revenue"][t], rg)
        sales = bridge_actual["revenue"][t]
        margins = [
            (ni_actual[t][y] + after[i]) / sales[y]
            if y in ni_actual[t] and sales.get(y, 0.0) > 0
            else None
            for i, y in enumerate(years)
        ]
        last_margin = None
        carried: list[float] = []
        for i, m in enumerate(margins):
            last_margin = m if m is not None else last_margin
            carried.append(m if m is not None else (carried[i - 1] if i else 0.0))
        known, earnings, ni = [], [], []
        for i, y in enumerate(years):
            actual = ni_actual[t].get(y)
            known.append(1 if actual is not None else (known[i - 1] if i else 0))
            if actual is not None:
                earnings.append(actual + after[i])
                ni.append(actual)
            else:
                if last_margin is None:
                    earnings.append((earnings[i - 1] if i else 0.0) * (1 + eg))
                else:
                    earnings.append(revenue[i] * last_margin if known[i] == 1 else 0.0)
                ni.append(earnings[i] - after[i] if known[i] == 1 else 0.0)
        out[f"earnings_follow_revenue:{t}"] = {"D": 0 if last_margin is None else 1}
        if last_margin is not None:
            out[f"ebda_margin:{t}"] = {"D": last_margin}
            out[f"ebda_margin_override:{t}"] = {"D": None}
            put(f"ebda_margin_actual:{t}", margins)
            put(f"ebda_margin_last_actual:{t}", carried)
        shares = grown(bridge_actual["diluted_shares"][t], sg)
        base: list[float] = []  # D&A of the latest period with actual capex, carried forward
        for i, y in enumerate(years):
            base.append(da[i] if y in capex_actual[t] else (base[i - 1] if i else 0.0))
        bridge[t] = {"revenue": revenue, "after": after, "earnings": earnings, "ni": ni}
        put(f"revenue:{t}", revenue)
        put(f"after_tax_depreciation:{t}", after)
        put(f"earnings_is_known:{t}", known)
        put(f"earnings_before_da:{t}", earnings)
        put(f"net_income:{t}", ni)
        put(f"depreciation_pct_net_income:{t}", ratio(da, ni))
        put(f"after_tax_depreciation_pct_net_income:{t}", ratio(after, ni))
        put(f"capex_pct_revenue:{t}", ratio(capex[t], revenue))
        put(f"depreciation_pct_revenue:{t}", ratio(da, revenue))
        put(f"capex_to_depreciation:{t}", ratio(capex[t], da))
        put(f"diluted_shares:{t}", shares)
        put(f"eps:{t}", per_share(ni, shares))
        put(f"depreciation_at_last_actual:{t}", base)
        impact = [-(x - b) * (1 - tax) for x, b in zip(da, base, strict=True)]
        put(f"eps_impact_incremental_da:{t}", per_share(impact, shares))
        # the article's measure: one year's capex over its 5-year average life
        factor = 1 / settings["run_rate_life_years"]
        rr = [c * factor for c in capex[t]]
        put(f"run_rate_depreciation:{t}", rr)
        put(f"run_rate_depreciation_pct_net_income:{t}", ratio(rr, ni))
        for key, figures in (
            ("net_income_actual", ni_actual[t]),
            ("revenue_actual", bridge_actual["revenue"][t]),
            ("diluted_shares_actual", bridge_actual["diluted_shares"][t]),
        ):
            put(f"{key}:{t}", [figures.get(y) for y in years])

    def total(part: str) -> list[float]:
        return add(*(bridge[t][part] for t in tickers))

    da_total = add(*(per_ticker[t]["depreciation_and_amortization"] for t in tickers))
    for key, part in (
        ("revenue", "revenue"),
        ("after_tax_depreciation", "after"),
        ("earnings_before_da", "earnings"),
        ("net_income", "ni"),
    ):
        put(f"{key}:TOTAL", total(part))
    put("depreciation_pct_net_income:TOTAL", ratio(da_total, total("ni")))
    put("after_tax_depreciation_pct_net_income:TOTAL", ratio(total("after"), total("ni")))
    put("capex_pct_revenue:TOTAL", ratio(capex_total, total("revenue")))
    put("depreciation_pct_revenue:TOTAL", ratio(da_total, total("revenue")))
    put("capex_to_depreciation:TOTAL", ratio(capex_total, da_total))
    for t in tickers:
        put(f"capex_actual:{t}", [capex_actual[t].get(y) for y in years])
    # the tie-out checks (docs/property-and-equipment.md): reported periods more than the
    # tolerance off; every other check holds in a sound model
    tol, failures = settings["tie_tolerance"], 0
    for t in tickers:
        d, other = per_ticker[t]["depreciation"], per_ticker[t]["depreciation_other"]
        counts = {"check_depreciation_ties": 0, "check_da_ties": 0, "check_amortization_sign": 0}
        for i, y in enumerate(years):
            filed, total = (
                reported["ppe_depreciation"][t].get(y),
                reported["depreciation"][t].get(y),
            )
            if filed:  # 0 reported: the variance is no share of it
                counts["check_depreciation_ties"] += abs(d[i] / filed - 1) > tol
            if total is not None:
                counts["check_da_ties"] += abs(d[i] + other[i] - total) > tol * total
                counts["check_amortization_sign"] += d[i] - total > tol * total
        for key, n in counts.items():
            out[f"{key}:{t}"] = {"D": n}
            failures += n
    out["check_failures"] = {"D": failures}
    return out


# The kinds the reference computes; the sheet each lives on is the declared one
# (modelgen.rowspec), which docs/property-and-equipment.md and docs/profit-bridge.md describe.
REFERENCE_KINDS = (
    "capex",
    "capex_yoy",
    "capex_share",
    "useful_life_in_effect",
    "depreciation_vintage",
    "depreciation_opening",
    "depreciation_class",
    "depreciation",
    "construction_in_progress",
    "cumulative_capex",
    "accumulated_depreciation",
    "net_ppe_opening",
    "net_book_value",
    "depreciation_other",
    "depreciation_and_amortization",
    "depreciation_explained",
    "depreciation_variance",
    "depreciation_variance_pct",
    "amortization",
    "net_ppe_variance",
    "net_income",
    "depreciation_pct_net_income",
    "run_rate_depreciation",
    "run_rate_depreciation_pct_net_income",
    "after_tax_depreciation",
    "after_tax_depreciation_pct_net_income",
    "revenue",
    "earnings_is_known",
    "earnings_before_da",
    "ebda_margin_actual",
    "ebda_margin_last_actual",
    "capex_pct_revenue",
    "depreciation_pct_revenue",
    "capex_to_depreciation",
    "diluted_shares",
    "eps",
    "depreciation_at_last_actual",
    "eps_impact_incremental_da",
    "check_failures",
    "check_depreciation_ties",
    "check_da_ties",
    "check_amortization_sign",
    "useful_life",
    "share",
    "capex_actual",
    "in_service_lag",
    "opening_net_book_value",
    "opening_remaining_life",
    "useful_life_change",
    "depreciation_reported",
    "ppe_depreciation_reported",
    "net_ppe_reported",
    "net_income_actual",
    "revenue_actual",
    "diluted_shares_actual",
    "tax_rate",
    "per_share_scale",
    "earnings_growth",
    "earnings_follow_revenue",
    "ebda_margin",
    "ebda_margin_override",
    "revenue_growth",
    "share_count_growth",
)
SHEET_OF = {kind: str(sheet_of_kind(kind)) for kind in REFERENCE_KINDS}
