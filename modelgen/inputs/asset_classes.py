"""assumptions.csv: each company's asset classes (a share of capex, a useful life, a lag
into service), its own rows or the default (`*`) with the lives it overrides.

Validated row by row like the other files (see `rows`), then per company: the shares of a
ticker add up to 1, and every company has classes of its own or the default's.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelgen.inputs.csvread import Problems, Record, parse_number
from modelgen.inputs.rows import check_name, in_range, known_ticker, one_row_per
from modelgen.inputs.schema import ASSUMPTIONS
from modelgen.inputs.source import Source
from modelgen.inputs.tables import Company

SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class AssetClass:
    """A share of capex with a useful life (0: land) entering service `lag` years late."""

    name: str
    share: float
    useful_life: float
    lag: float = 0.0
    source: str = ""  # where the share and life come from


def read_asset_classes(
    source: Source, companies: list[Company], known: set[str] | None, probs: Problems
) -> dict[str, list[AssetClass]] | None:
    """Each company's asset classes: its own rows, else the default (`*`).

    A company whose rows leave `share` empty overrides only the life or lag of the default
    classes it names, so one class can differ without restating the others.
    """
    records = source.read(ASSUMPTIONS, probs)
    if records is None:
        return None
    # tickers with a row that failed: their share sum and coverage would only echo it
    failed = {r["ticker"] for r in one_row_per(records, "asset_class", probs, ignore_case=True)}
    rows: dict[str, list[tuple[Record, AssetClass]]] = {}
    overrides: dict[str, list[tuple[Record, str, float | None, float | None]]] = {}
    for rec in records:
        ticker = known_ticker(rec, known, probs, allow_default=True)
        n_before = len(probs.items)
        name = check_name(rec, "asset_class", probs, "the asset class")
        override = rec["ticker"] not in ("", "*") and rec["share"] == ""
        share = None if override else parse_number(rec, "share", probs, percent=True)
        life = parse_number(rec, "useful_life_years", probs, required=not override)
        lag = parse_number(rec, "in_service_lag_years", probs, required=False)
        share = in_range(
            rec,
            "share",
            share,
            probs,
            "{raw} is not a share between 0 and 1",
            "enter the fraction of capex, e.g. 0.6 or 60% (0: the class takes no new capex)",
            ok=lambda s: 0 <= s <= 1,
        )
        life = in_range(
            rec,
            "useful_life_years",
            life,
            probs,
            "the useful life {value:g} is negative",
            "enter a life in years (fractions such as 5.5 are fine; 0 is land)",
        )
        lag = in_range(
            rec,
            "in_service_lag_years",
            lag,
            probs,
            "the lag {value:g} is negative",
            "enter the years capex stays under construction, 0 or more",
        )
        if ticker and len(probs.items) > n_before:
            failed.add(ticker)
        if ticker and name and override:
            overrides.setdefault(ticker, []).append((rec, name, life, lag))
        elif ticker and name and share is not None and life is not None:
            if all(a.name.casefold() != name.casefold() for _, a in rows.get(ticker, [])):
                cls = AssetClass(name, share, life, lag or 0.0, rec["source"])
                rows.setdefault(ticker, []).append((rec, cls))
    for ticker, items in rows.items():
        if ticker in failed:
            continue
        total = sum(a.share for _, a in items)
        if abs(total - 1) > SHARE_TOLERANCE:
            who = "the default (*)" if ticker == "*" else ticker
            probs.add(
                ASSUMPTIONS.name,
                items[0][0].line,
                "share",
                f"the shares of {who} sum to {total:.6g}, not 1",
                "make the asset-class shares of each ticker add up to 1",
            )
    out: dict[str, list[AssetClass]] = {}
    for c in companies:
        own = rows.get(c.ticker) or rows.get("*")
        if own is None and not failed & {c.ticker, "*"}:
            probs.add(
                ASSUMPTIONS.name,
                0,
                "ticker",
                f"{c.ticker} has no asset classes and there is no default",
                f"add rows for {c.ticker} or for ticker *",
            )
        elif own is not None:
            out[c.ticker] = _override(c.ticker, [a for _, a in own], overrides, rows, probs)
    return out


def _override(
    ticker: str, classes: list[AssetClass], overrides: dict, rows: dict, probs: Problems
) -> list[AssetClass]:
    """The default classes with the company's own life and lag where it gives them."""
    by_name = {a.name: a for a in classes}
    for rec, name, life, lag in overrides.get(ticker, []):
        if ticker in rows:
            probs.add(
                rec.file,
                rec.line,
                "share",
                "is empty, but this company's other rows give shares",
                "give every row of the company a share, or leave the shares to the default",
            )
        elif name not in by_name:
            probs.add(
                rec.file,
                rec.line,
                "asset_class",
                f'the default (*) has no asset class "{name}" for {ticker} to override',
                "give a share to add a class, or use a class of the default",
            )
        else:
            a = by_name[name]
            by_name[name] = AssetClass(
                name,
                a.share,
                a.useful_life if life is None else life,
                a.lag if lag is None else lag,
                rec["source"] or a.source,
            )
    return list(by_name.values())
