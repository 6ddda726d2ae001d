"""An independent re-computation of the capex model, straight from the CSV files.

Written from DESIGN.md's formulas with plain Python loops and the csv module, sharing no
code with modelgen, so that agreement between the two means something.
"""

from __future__ import annotations

import csv
from pathlib import Path


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


# DESIGN.md: the asset enters service at v + o; the *_period names are the same offsets.
OFFSETS = {
    "full_year": 0.0,
    "half_year": 0.5,
    "next_year": 1.0,
    "start_of_period": 0.0,
    "mid_period": 0.5,
    "next_period": 1.0,
}


def compute(folder: Path) -> dict[str, dict[str, object]]:
    """Keyed expected values: {key: {period label: value}} plus {key: {"D": value}}."""
    folder = Path(folder)
    tickers = [r["ticker"] for r in _rows(folder / "companies.csv")]
    settings = {
        "forecast_years": 5,
        "depreciation_convention": "full_year",
        "long_run_capex_growth": 0.05,
        "fade_years": 3.0,
        "net_income_growth": 0.05,
        "tax_rate": 0.21,
    }
    for r in _rows(folder / "settings.csv"):
        k, v = r["key"], r["value"]
        if k in ("unit", "depreciation_convention"):
            settings[k] = v
        else:
            settings[k] = _num(v)
    capex_actual: dict[str, dict[int, float]] = {t: {} for t in tickers}
    for r in _rows(folder / "capex.csv"):
        capex_actual[r["ticker"]][int(r["period"])] = _num(r["capex"])
    ni_actual: dict[str, dict[int, float]] = {t: {} for t in tickers}
    for r in _rows(folder / "financials.csv"):
        ni_actual[r["ticker"]][int(r["period"])] = _num(r["net_income"])
    guide: dict[str, dict[int, float]] = {t: {} for t in tickers}
    for r in _rows(folder / "guidance.csv"):
        low = _num(r["capex_low"])
        high = _num(r["capex_high"]) if r.get("capex_high") else low
        guide[r["ticker"]][int(r["period"])] = (low + high) / 2
    classes: dict[str, list[tuple[str, float, float]]] = {}
    for r in _rows(folder / "assumptions.csv"):
        classes.setdefault(r["ticker"], []).append(
            (r["asset_class"], _num(r["share"]), _num(r["useful_life_years"]))
        )
    first = min(min(v) for v in capex_actual.values())
    last = max(max(v) for v in capex_actual.values())
    years = list(range(first, last + int(settings["forecast_years"]) + 1))
    lr, fade = settings["long_run_capex_growth"], settings["fade_years"]
    o = OFFSETS[settings["depreciation_convention"]]
    out: dict[str, dict[str, object]] = {}

    def put(key: str, values: list) -> None:
        out[key] = {str(y): v for y, v in zip(years, values, strict=True)}

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
    total = [sum(capex[t][i] for t in tickers) for i in range(len(years))]
    put("capex:TOTAL", total)

    def yoy(s: list[float]) -> list:
        return [None if i == 0 or s[i - 1] <= 0 else s[i] / s[i - 1] - 1 for i in range(len(s))]

    for t in tickers:
        put(f"capex_yoy:{t}", yoy(capex[t]))
        put(
            f"capex_share:{t}",
            [c / tot if tot > 0 else None for c, tot in zip(capex[t], total, strict=True)],
        )
    put("capex_yoy:TOTAL", yoy(total))

    dep: dict[str, list[float]] = {}
    for t in tickers:
        own = classes.get(t) or classes["*"]
        d = [0.0] * len(years)
        for name, share, life in own:
            cls = [0.0] * len(years)
            for vi, v in enumerate(years):
                row = []
                for ti, y in enumerate(years):
                    start, end = v + o, v + o + life
                    overlap = max(0.0, min(y + 1, end) - max(y, start))
                    row.append(capex[t][vi] * share / life * overlap)
                    cls[ti] += row[-1]
                out[f"depreciation_vintage:{t}:{name}:{v}"] = {
                    str(y): x for y, x in zip(years, row, strict=True)
                }
            put(f"depreciation_class:{t}:{name}", cls)
            d = [a + b for a, b in zip(d, cls, strict=True)]
            out[f"useful_life:{t}:{name}"] = {"D": life}
            out[f"share:{t}:{name}"] = {"D": share}
        dep[t] = d
        put(f"depreciation:{t}", d)
        acc, cum = [], []
        for i in range(len(years)):
            acc.append((acc[-1] if acc else 0.0) + d[i])
            cum.append((cum[-1] if cum else 0.0) + capex[t][i])
        put(f"accumulated_depreciation:{t}", acc)
        put(f"net_book_value:{t}", [c - a for c, a in zip(cum, acc, strict=True)])
    put("depreciation:TOTAL", [sum(dep[t][i] for t in tickers) for i in range(len(years))])

    g, tax = settings["net_income_growth"], settings["tax_rate"]
    ni_all = {}
    for t in tickers:
        ni: list[float] = []
        for i, y in enumerate(years):
            ni.append(ni_actual[t][y] if y in ni_actual[t] else (ni[i - 1] if i else 0.0) * (1 + g))
        ni_all[t] = ni
        put(f"net_income:{t}", ni)
        put(
            f"depreciation_pct_net_income:{t}",
            [d / n if n else None for d, n in zip(dep[t], ni, strict=True)],
        )
        own = classes.get(t) or classes["*"]
        factor = sum(share / life for _, share, life in own)
        rr = [c * factor for c in capex[t]]
        put(f"run_rate_depreciation:{t}", rr)
        put(
            f"run_rate_depreciation_pct_net_income:{t}",
            [r / n if n else None for r, n in zip(rr, ni, strict=True)],
        )
        after = [d * (1 - tax) for d in dep[t]]
        put(f"after_tax_depreciation:{t}", after)
        put(
            f"after_tax_depreciation_pct_net_income:{t}",
            [a / n if n else None for a, n in zip(after, ni, strict=True)],
        )
    ni_total = [sum(ni_all[t][i] for t in tickers) for i in range(len(years))]
    put("net_income:TOTAL", ni_total)
    dep_total = out["depreciation:TOTAL"]
    put(
        "depreciation_pct_net_income:TOTAL",
        [dep_total[str(y)] / n if n else None for y, n in zip(years, ni_total, strict=True)],
    )
    for t in tickers:
        put(f"capex_actual:{t}", [capex_actual[t].get(y) for y in years])
    out["check_failures"] = {"D": 0}
    return out


# The sheet on which each key prefix lives, per the contract.
SHEET_OF = {
    "capex": "Capex",
    "capex_yoy": "Growth",
    "capex_share": "Growth",
    "depreciation_vintage": "Depreciation",
    "depreciation_class": "Depreciation",
    "depreciation": "Depreciation",
    "accumulated_depreciation": "Depreciation",
    "net_book_value": "Depreciation",
    "net_income": "Profit Impact",
    "depreciation_pct_net_income": "Profit Impact",
    "run_rate_depreciation": "Profit Impact",
    "run_rate_depreciation_pct_net_income": "Profit Impact",
    "after_tax_depreciation": "Profit Impact",
    "after_tax_depreciation_pct_net_income": "Profit Impact",
    "check_failures": "Checks",
    "useful_life": "Inputs",
    "share": "Inputs",
    "capex_actual": "Inputs",
}
