"""The benchmark's results as a plain-text table (also pasted into README's Performance)."""

from __future__ import annotations

import statistics


def _mb(x: float) -> str:
    return f"{x:,.0f} MB"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _per_company(scaling: list[dict], baseline: dict) -> list[tuple[int, float, float]]:
    """(companies, seconds per company, MB per company above a 1-company build's peak)."""
    base_s, base_mb = baseline["seconds"], baseline["peak_mb"]
    return [
        (
            s["companies"],
            (s["seconds"] - base_s) / (s["companies"] - 1),
            (s["peak_mb"] - base_mb) / (s["companies"] - 1),
        )
        for s in scaling
    ]


def table(r: dict) -> str:
    """Every figure of a run, and each target met or not."""
    t = r["targets"]
    b, f, p, lo = r["build"], r["floor"], r["pandas"], r["libreoffice"]
    # build and floor run in alternation, so each pair saw the machine alike: the median
    # of the pairs' ratios is the figure; the ratio of the two medians, which mixes
    # moments, is shown beside it
    ratio = statistics.median(r["pair_ratios"])
    n = b["companies"]
    lines = [
        f"modelgen universe benchmark: {r['machine']['cpus']} CPUs, Python "
        f"{r['machine']['python']}, medians of {r['runs']} runs "
        f"({r.get('pairs', r['runs'])} for the build, the floor and the scaling), "
        f"{r['when'][:10]}",
        "",
        f"Annual universe: {n} companies x {b['periods']} periods (20 actual, 10 forecast), "
        f"3 asset classes; {b['formula_cells']:,} formula cells of {r['cells']['all']:,}",
        f"{'':44}{'time':>9}{'peak memory':>14}{'file':>10}",
        f"{'modelgen build':44}{b['seconds']:>7.1f} s{_mb(b['peak_mb']):>14}{_size(b['bytes']):>10}",
        f"{'floor: plain xlsxwriter, the same cells':44}{f['seconds']:>7.1f} s"
        f"{_mb(f['peak_mb']):>14}{_size(f['bytes']):>10}",
        f"{'pandas to_excel, the same values':44}{p['seconds']:>7.1f} s"
        f"{_mb(p['peak_mb']):>14}{_size(p['bytes']):>10}",
        f"{'LibreOffice: load and recalculate all':44}{lo['recalc_seconds']:>7.1f} s",
        f"{'LibreOffice: load, no recalculation':44}{lo['load_seconds']:>7.1f} s",
        f"  build / floor {ratio:.2f} (median of {len(r['pair_ratios'])} adjacent pairs; "
        f"ratio of the medians {b['seconds'] / f['seconds']:.2f}); "
        f"build / pandas {b['seconds'] / p['seconds']:.2f}",
        f"  LibreOffice recalc / load {lo['ratio']:.2f} "
        f"(LibreOffice's start alone: {lo['startup_seconds']:.1f} s)",
        "",
        "Scaling (closed-form depreciation at every size; built in turns with the pairs above)",
        f"{'companies':>10}{'time':>9}{'per company':>13}{'peak memory':>13}{'per company':>13}",
    ]
    rows = _per_company(r["scaling"], r["baseline"])
    for s, (_, per_s, per_mb) in zip(r["scaling"], rows, strict=True):
        lines.append(
            f"{s['companies']:>10}{s['seconds']:>7.1f} s{per_s * 1000:>10.0f} ms"
            f"{_mb(s['peak_mb']):>13}{per_mb:>10.2f} MB"
        )
    per_s = [x[1] for x in rows]
    per_mb = [x[2] for x in rows]
    # linear growth: a company of the largest universe costs no more than one of the
    # smallest (a ratio below 1 is fixed costs spreading out, not a failure of linearity)
    flat_s = per_s[-1] / per_s[0] if per_s[0] > 0 else float("inf")
    flat_mb = per_mb[-1] / per_mb[0] if per_mb[0] > 0 else float("inf")
    spread_s = max(per_s) / min(per_s) if min(per_s) > 0 else float("inf")
    spread_mb = max(per_mb) / min(per_mb) if min(per_mb) > 0 else float("inf")
    big, small = r["scaling"][-1]["companies"], r["scaling"][0]["companies"]
    lines.append(
        f"  per company, {big} / {small} companies: time {flat_s:.2f}, memory {flat_mb:.2f} "
        f"(above a 1-company build: {r['baseline']['seconds']:.1f} s, "
        f"{_mb(r['baseline']['peak_mb'])}); highest / lowest of all sizes: time "
        f"{spread_s:.2f}, memory {spread_mb:.2f}"
    )
    q = r["quarterly"]
    lines.append("")
    if "skipped" in q:
        lines.append(f"Quarterly universe (100 companies, 80 quarters): skipped: {q['skipped']}")
    else:
        lines.append(
            f"Quarterly universe: {q['companies']} companies x {q['periods']} quarters: "
            f"{q['seconds']:.1f} s, {_mb(q['peak_mb'])}, {q['formula_cells']:,} formula cells, "
            f"{_size(q['bytes'])}"
        )
    h = r["help"]
    checks = [
        (
            "build / floor, median of the pairs",
            f"{ratio:.2f}",
            f"<= {t['build_floor']}",
            ratio <= t["build_floor"],
        ),
        (
            f"peak memory, {n} companies",
            _mb(b["peak_mb"]),
            f"< {_mb(t['peak_mb'])}",
            b["peak_mb"] < t["peak_mb"],
        ),
        (
            f"time per company, {big} / {small} companies",
            f"{flat_s:.2f}",
            f"<= {t['flat']}",
            flat_s <= t["flat"],
        ),
        (
            f"memory per company, {big} / {small} companies",
            f"{flat_mb:.2f}",
            f"<= {t['flat']}",
            flat_mb <= t["flat"],
        ),
        (
            "LibreOffice recalc / load",
            f"{lo['ratio']:.2f}",
            f"<= {t['recalc_ratio']}",
            lo["ratio"] <= t["recalc_ratio"],
        ),
        (
            "modelgen --help",
            f"{h['seconds']:.2f} s" + (", imports pandas" if h["imports_pandas"] else ""),
            f"< {t['help_s']} s, no pandas",
            h["seconds"] < t["help_s"] and not h["imports_pandas"],
        ),
    ]
    lines += ["", "Targets"]
    lines += [f"  {name:40}{got:>16}  {want:<20}{_verdict(ok)}" for name, got, want, ok in checks]
    lines.append(f"\n(total benchmark time {r['total_seconds'] / 60:.1f} min)")
    return "\n".join(lines)
