"""Write a synthetic coverage universe as a modelgen input folder.

Annual: N companies (default 500), 20 years of actuals (2005-2024), guidance for a third of
them, three asset classes whose lives run from 3 to 30 years (some fractional), buildings
under construction for 1 to 2 years, an opening base for every class, reported D&A and net
PP&E, revenue and diluted shares for the last three years, a tax rate of its own for every
fourth company, a server life change for every tenth company (drawn as a
vintage grid in every view), 10 forecast years. Quarterly: the same shape in quarters (default 100 companies, 80 quarters of history,
settings `frequency` = `quarterly`, periods such as `2025Q1`).

The figures are random but reproducible: the same arguments give the same bytes.

    python bench/universe.py OUT_DIR [--companies N] [--quarterly] [--view grid|closed_form]
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2005, 2024  # 20 years of actuals
FORECAST_YEARS = 10
CLASSES = (  # name, share range, lives to choose from (years), lags to choose from
    ("servers", (0.35, 0.6), (3, 4, 4.5, 5, 5.5, 6), (0,)),
    ("network", (0.15, 0.35), (7, 7.5, 8, 10, 12.25), (0,)),
    ("buildings", None, (15, 20, 25, 27.5, 30), (1, 1.5, 2)),  # the rest of the share
)
CHANGE_EVERY = 10  # every tenth company's servers change life (the grid's share of the work)
MONTHS = (12, 12, 12, 6, 3, 9)


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def write_universe(
    folder: Path,
    companies: int = 500,
    *,
    quarterly: bool = False,
    view: str | None = None,
    seed: int = 6,
    years: int = LAST_YEAR - FIRST_YEAR + 1,
) -> Path:
    """Write the CSV files of a universe into `folder` (created); return the folder.
    `years` of actuals end in LAST_YEAR (the benchmark's 20 by default)."""
    first_year = LAST_YEAR - years + 1
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    per_year = 4 if quarterly else 1
    periods = [
        f"{y}Q{q}" if quarterly else str(y)
        for y in range(first_year, LAST_YEAR + 1)
        for q in range(1, per_year + 1)
    ]
    tickers = [f"C{i:04d}" for i in range(1, companies + 1)]
    comp, capex, fin, guide, assume, opening, changes = [], [], [], [], [], [], []
    for i, t in enumerate(tickers):
        tax = _fmt(rng.uniform(0.1, 0.25)) if i % 4 == 0 else ""  # most take the setting
        comp.append([t, f"Company {i + 1:04d} Holdings", MONTHS[i % len(MONTHS)], tax])
        shares_m = rng.uniform(200, 8000)
        level = rng.uniform(0.2, 40.0) / per_year  # USD bn a period
        margin = rng.uniform(0.5, 3.0)
        first_level = level
        for n, p in enumerate(periods):
            level *= 1 + rng.gauss(0.08, 0.12) / per_year
            level = max(level, 0.01)
            capex.append([t, p, _fmt(level), "synthetic"])
            income = level * margin * max(1 + rng.gauss(0, 0.3), 0.1)  # a profit
            reported = ["", "", "", ""]
            if n >= len(periods) - 3 * per_year:  # the last three years: D&A, net PP&E,
                reported = [  # revenue and diluted shares
                    _fmt(level * rng.uniform(1.2, 1.6)),  # D&A: more than the PP&E explains
                    _fmt(level * rng.uniform(3, 6)),
                    _fmt(income * rng.uniform(4, 10)),
                    _fmt(shares_m),
                ]
            fin.append([t, p, _fmt(income), "synthetic", *reported])
        if i % 3 == 0:
            low = level * per_year * rng.uniform(1.0, 1.3)
            high = "" if i % 2 else _fmt(low * rng.uniform(1.0, 1.15))
            guide.append([t, LAST_YEAR + 1, _fmt(low), high, "synthetic guidance"])
        s1 = rng.uniform(*CLASSES[0][1])
        s2 = rng.uniform(*CLASSES[1][1])
        shares = [round(s1, 4), round(s2, 4)]
        shares.append(round(1 - sum(shares), 4))
        for (name, _, lives, lags), share in zip(CLASSES, shares, strict=True):
            life = rng.choice(lives)
            assume.append([t, name, _fmt(share), _fmt(life), _fmt(rng.choice(lags))])
            value = first_level * per_year * share * rng.uniform(1.0, 3.0)
            opening.append([t, name, _fmt(value), _fmt(life * rng.uniform(0.3, 0.9)), "synthetic"])
        if i % CHANGE_EVERY == 0:
            changes.append(
                [t, "servers", first_year + years // 2, _fmt(rng.choice((4, 5, 6, 7))), "synthetic"]
            )
    _write(folder / "companies.csv", ["ticker", "name", "fiscal_year_end_month", "tax_rate"], comp)
    _write(folder / "capex.csv", ["ticker", "period", "capex", "source"], capex)
    _write(
        folder / "financials.csv",
        [
            "ticker",
            "period",
            "net_income",
            "source",
            "depreciation",
            "net_ppe",
            "revenue",
            "diluted_shares",
        ],
        fin,
    )
    _write(
        folder / "guidance.csv", ["ticker", "period", "capex_low", "capex_high", "source"], guide
    )
    _write(
        folder / "assumptions.csv",
        ["ticker", "asset_class", "share", "useful_life_years", "in_service_lag_years"],
        assume,
    )
    _write(
        folder / "opening_balances.csv",
        ["ticker", "asset_class", "net_book_value", "remaining_life_years", "source"],
        opening,
    )
    _write(
        folder / "life_changes.csv",
        ["ticker", "asset_class", "effective_from", "useful_life_years", "source"],
        changes,
    )
    settings = [
        ["unit", "USD bn"],
        ["forecast_years", FORECAST_YEARS],
        ["depreciation_convention", "mid_period" if quarterly else "half_year"],
        ["long_run_capex_growth", "0.04"],
        ["fade_years", "3"],
        # drawn at random, a company's quarterly net income now and then lands near zero,
        # a thousandth of its other quarters: a break-even quarter, read with a warning
        ["allow_outliers", "true"],
    ]
    if quarterly:
        settings.append(["frequency", "quarterly"])
    if view:
        settings.append(["depreciation_view", view])
    _write(folder / "settings.csv", ["key", "value"], settings)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the CSV files into")
    parser.add_argument("--companies", type=int, default=None, help="500 annual, 100 quarterly")
    parser.add_argument("--quarterly", action="store_true", help="80 quarters of history")
    parser.add_argument("--view", choices=("grid", "closed_form", "auto"), default=None)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    n = args.companies or (100 if args.quarterly else 500)
    write_universe(args.out, n, quarterly=args.quarterly, view=args.view, seed=args.seed)
    print(f"{args.out}: {n} companies, {'quarterly' if args.quarterly else 'annual'}")


if __name__ == "__main__":
    main()
