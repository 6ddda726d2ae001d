"""`modelgen init`: a starter input folder with every file the readers read, one example
company, and the optional files (scenarios, opening balances, life changes) as their
header alone: a row added there is read, an empty file changes nothing."""

from __future__ import annotations

from pathlib import Path

from modelgen.atomic import OutputPathError, write_bytes
from modelgen.inputs.csvwrite import PLAIN
from modelgen.inputs.schema import (
    ASSUMPTIONS,
    CAPEX,
    COMPANIES,
    FILES,
    FINANCIALS,
    GUIDANCE,
    SETTINGS,
    FileSpec,
)

#: the example company's rows by file (the optional files: none); a column a row names is
#: written, in the schema's order, even where every row leaves it empty
ROWS: dict[str, list[dict[str, str]]] = {
    COMPANIES.name: [
        {"ticker": "EXMPL", "name": "Example Corp", "fiscal_year_end_month": "12", "tax_rate": ""}
    ],
    CAPEX.name: [
        {"ticker": "EXMPL", "period": str(year), "capex": capex, "source": f"annual report {year}"}
        for year, capex in ((2022, "10.0"), (2023, "12.5"), (2024, "16.0"))
    ],
    FINANCIALS.name: [
        {
            "ticker": "EXMPL",
            "period": str(year),
            "net_income": net_income,
            "source": f"annual report {year}",
            "revenue": revenue,
            "diluted_shares": shares,
        }
        for year, net_income, revenue, shares in (
            (2023, "20.0", "100.0", "1000"),
            (2024, "24.0", "112.0", "990"),
        )
    ],
    GUIDANCE.name: [
        {
            "ticker": "EXMPL",
            "period": "2025",
            "capex_low": "18",
            "capex_high": "20",
            "source": "Q4 2024 earnings call",
        }
    ],
    ASSUMPTIONS.name: [
        {"ticker": "*", "asset_class": name, "share": share, "useful_life_years": life}
        for name, share, life in (("servers", "0.6", "5"), ("buildings", "0.4", "25"))
    ],
    SETTINGS.name: [
        {"key": key, "value": value}
        for key, value in (
            ("unit", "USD bn"),
            ("forecast_years", "5"),
            ("depreciation_convention", "full_year"),
            ("long_run_capex_growth", "0.05"),
            ("fade_years", "3"),
            ("earnings_growth", "0.05"),
            ("tax_rate", "0.21"),
            ("revenue_growth", "0.05"),
            ("share_count_growth", "0"),
        )
    ],
}


def starter_file(spec: FileSpec) -> bytes:
    """The starter file `spec` declares: the columns its rows name (every column for a file
    without rows), then the rows, as English Excel's CSV UTF-8."""
    rows = ROWS.get(spec.name, [])
    named = {column for row in rows for column in row}
    header = [c for c in spec.columns if c in named] if rows else list(spec.columns)
    return PLAIN.render([header, *([row.get(c, "") for c in header] for row in rows)])


#: file name -> its starter text
STARTER = {spec.name: starter_file(spec).decode("utf-8") for spec in FILES}


def write_starter(folder: Path) -> list[Path]:
    """Create `folder` with the starter files; never overwrite a file that exists
    (OutputPathError: the folder is the command's output)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputPathError(f"{folder}: exists and is not a folder; choose a new folder name")
    clashes = [name for name in STARTER if (folder / name).exists()]
    if clashes:
        raise OutputPathError(
            f"{folder} already holds {', '.join(clashes)}; choose an empty or new folder "
            "(nothing was written)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in STARTER.items():
        path = folder / name
        write_bytes(path, text.encode("utf-8"))
        written.append(path)
    return written
