"""Rewrite the figures of the README and docs/ from their sources (run by maintainers).

A figure is the text between `<!-- figures:NAME -->` and `<!-- /figures:NAME -->` in a
Markdown file. Each is computed here from where it comes from: a build of `inputs/` (the
build's output, the workbook's sheets, rows and formula cells, every row key) and
`bench/latest.json` (performance, written by `bench/run.py --snapshot`).
`tests/integration/test_figures.py` fails when a file differs from what this script would write now.

The pictures in docs/images are rendered by LibreOffice, which is not byte-stable, so they
are checked through the workbook they show: `--images` renders them again
(scripts/preview-docs.sh) and records the digest of that workbook's content in
docs/images/SOURCE.sha256; the test fails when the shipped workbook's content differs.

    python3 scripts/figures.py            # rewrite every marked region
    python3 scripts/figures.py --images   # and render the pictures again
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES_DIGEST = ROOT / "docs" / "images" / "SOURCE.sha256"
MARK = re.compile(r"(<!-- figures:([a-z-]+) -->\n)(.*?)(<!-- /figures:\2 -->)", re.S)


class Shipped:
    """The shipped model, built once from inputs/ in a temporary folder, as a user builds it."""

    def __init__(self, work: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
        env.pop("SOURCE_DATE_EPOCH", None)
        command = [sys.executable, "-m", "modelgen", "build", "--inputs", str(ROOT / "inputs")]
        done = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"building inputs/ failed:\n{done.stderr}")
        self.output = done.stdout
        self.path = work / "build" / "capex_model.xlsx"


def build_output(shipped: Shipped) -> str:
    return "```text\n" + shipped.output + "```\n"


def cells(shipped: Shipped) -> str:
    """Each sheet's keyed rows and formula cells, and the totals."""
    from modelgen.xlsx.cells import read_cells
    from modelgen.xlsx.read_by_key import read_keyed

    book = read_cells(shipped.path)
    keyed = read_keyed(book)
    lines = ["| sheet | rows with a key | formula cells |", "| --- | ---: | ---: |"]
    rows = formulas = 0
    for name, sheet in book.sheets.items():
        if name.startswith("_"):  # the hidden record of what was generated
            continue
        n_rows = len(keyed[name].rows) if name in keyed else 0
        n_formulas = len(sheet.formulas)
        rows, formulas = rows + n_rows, formulas + n_formulas
        lines.append(f"| {name} | {n_rows:,} | {n_formulas:,} |")
    lines.append(f"| **{len(lines) - 2} sheets** | **{rows:,}** | **{formulas:,}** |")
    return "\n".join(lines) + "\n"


def _pattern(key: str, words: dict[str, str]) -> str:
    parts = key.split(":")
    out = []
    for p in parts:
        if re.fullmatch(r"\d{4}(Q\d)?", p):
            out.append("PERIOD")
        elif re.fullmatch(r"\d+", p):
            out.append("N")
        else:
            out.append(words.get(p, p))
    return ":".join(out)


def row_keys(shipped: Shipped) -> str:
    """Every row key of the shipped workbook, by sheet, with a ticker, an asset class, a
    scenario and a period written as `T`, `CLASS`, `CASE` and `PERIOD`."""
    from modelgen import read_inputs
    from modelgen.xlsx.read_by_key import read_keyed

    inputs = read_inputs(ROOT / "inputs")
    words = {c.ticker: "T" for c in inputs.companies} | {"TOTAL": "T"}
    classes = {a.name for per in inputs.asset_classes.values() for a in per}
    words |= {name: "CLASS" for name in classes | {"all_assets"}}
    words |= {name: "CASE" for name in inputs.scenarios.names}
    out = []
    for name, sheet in read_keyed(shipped.path).items():
        seen: dict[str, str] = {}
        for key, row in sheet.rows.items():
            seen.setdefault(_pattern(key, words), str(row.unit or ""))
        out.append(f"### {name}\n\n| key | unit |\n| --- | --- |")
        out += [f"| `{k}` | {u} |" for k, u in seen.items()]
        out.append("")
    return "\n".join(out)


def _bench() -> dict:
    return json.loads((ROOT / "bench" / "latest.json").read_text(encoding="utf-8"))


def _per_company(r: dict) -> tuple[float, float]:
    """Time and memory per company above a 1-company build, 500 / 50 (bench/report.py's)."""
    base, sizes = r["baseline"], {s["companies"]: s for s in r["scaling"]}
    small, large = sizes[min(sizes)], sizes[max(sizes)]

    def per(s: dict, what: str) -> float:
        return (s[what] - base[what]) / (s["companies"] - 1)

    return per(large, "seconds") / per(small, "seconds"), per(large, "peak_mb") / per(
        small, "peak_mb"
    )


def _median(values: list[float]) -> float:
    v = sorted(values)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def performance() -> str:
    r = _bench()
    b, t = r["build"], r["targets"]
    time_ratio, memory_ratio = _per_company(r)
    rows = [
        ("build / floor, median of the pairs", f"{_median(r['pair_ratios']):.2f}", f"≤ {t['build_floor']}"),
        ("peak memory, 500 companies", f"{b['peak_mb']:,.0f} MB", f"< {t['peak_mb']:,} MB"),
        ("time per company, 500 / 50 companies", f"{time_ratio:.2f}", f"≤ {t['flat']}"),
        ("memory per company, 500 / 50 companies", f"{memory_ratio:.2f}", f"≤ {t['flat']}"),
        ("LibreOffice recalc / load", f"{r['libreoffice']['ratio']:.2f}", f"≤ {t['recalc_ratio']}"),
        ("`modelgen --help`", f"{r['help']['seconds']:.2f} s", f"< {t['help_s']} s, no pandas"),
    ]
    lines = [
        f"`bench/latest.json`, {r['when'][:10]}, {r['machine']['cpus']} CPUs, Python "
        f"{r['machine']['python']}: {b['companies']} companies × {b['periods']} periods, "
        f"{b['formula_cells']:,} formula cells; build {b['seconds']:.1f} s, floor "
        f"{r['floor']['seconds']:.1f} s, pandas `to_excel` {r['pandas']['seconds']:.1f} s.",
        "",
        "| measure | result | target |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {a} | {b_} | {c} |" for a, b_, c in rows]
    return "\n".join(lines) + "\n"


def performance_summary() -> str:
    r = _bench()
    return (
        f"Build / plain xlsxwriter {_median(r['pair_ratios']):.2f}, peak memory "
        f"{r['build']['peak_mb']:,.0f} MB for {r['build']['companies']} companies "
        f"({r['build']['formula_cells']:,} formula cells), `bench/latest.json` of "
        f"{r['when'][:10]}.\n"
    )


FIGURES: dict[str, Callable[..., str]] = {
    "build-output": build_output,
    "cells": cells,
    "row-keys": row_keys,
    "performance": lambda _: performance(),
    "performance-summary": lambda _: performance_summary(),
}


def workbook_digest(path: Path) -> str:
    """SHA-256 of what the workbook shows: every cell of every sheet, the Cover's build time
    left out (it is the time of the inputs, not of what they say)."""
    from modelgen.xlsx.cells import read_cells

    h = hashlib.sha256()
    for name, sheet in read_cells(path).sheets.items():
        built = {r for (r, c), v in sheet.values.items() if c == 1 and v == "Built"}
        for (r, c), value in sorted(sheet.values.items()):
            if name == "Cover" and r in built:
                continue
            h.update(f"{name}\t{r}\t{c}\t{value!r}\n".encode())
    return h.hexdigest()


def marked_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def rewritten(text: str, shipped: Shipped) -> str:
    """`text` with every marked region written afresh."""

    def one(m: re.Match[str]) -> str:
        name = m[2]
        if name not in FIGURES:
            raise SystemExit(f"unknown figure {name!r}: one of {', '.join(FIGURES)}")
        return m[1] + FIGURES[name](shipped) + m[4]

    return MARK.sub(one, text)


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as work:
        shipped = Shipped(Path(work))
        for path in marked_files():
            old = path.read_text(encoding="utf-8")
            new = rewritten(old, shipped)
            if new != old:
                path.write_text(new, encoding="utf-8")
                print(f"rewrote {path.relative_to(ROOT)}")
        if "--images" in argv:
            subprocess.run(["bash", str(ROOT / "scripts" / "preview-docs.sh")], check=True)
            IMAGES_DIGEST.write_text(workbook_digest(shipped.path) + "\n", encoding="utf-8")
            print(f"wrote {IMAGES_DIGEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
