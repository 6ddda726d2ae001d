"""`modelgen init`: a starter input folder with every file the readers read, one example
company, and the optional files (scenarios, opening balances, life changes) as their
header alone: a row added there is read, an empty file changes nothing."""

from __future__ import annotations

from pathlib import Path

from modelgen.atomic import OutputPathError

STARTER = {
    "companies.csv": "ticker,name,fiscal_year_end_month,tax_rate\nEXMPL,Example Corp,12,\n",
    "capex.csv": (
        "ticker,period,capex,source\n"
        "EXMPL,2022,10.0,annual report 2022\n"
        "EXMPL,2023,12.5,annual report 2023\n"
        "EXMPL,2024,16.0,annual report 2024\n"
    ),
    "financials.csv": (
        "ticker,period,net_income,source,revenue,diluted_shares\n"
        "EXMPL,2023,20.0,annual report 2023,100.0,1000\n"
        "EXMPL,2024,24.0,annual report 2024,112.0,990\n"
    ),
    "guidance.csv": "ticker,period,capex_low,capex_high,source\nEXMPL,2025,18,20,Q4 2024 earnings call\n",
    "assumptions.csv": (
        "ticker,asset_class,share,useful_life_years\n*,servers,0.6,5\n*,buildings,0.4,25\n"
    ),
    "settings.csv": (
        "key,value\n"
        "unit,USD bn\n"
        "forecast_years,5\n"
        "depreciation_convention,full_year\n"
        "long_run_capex_growth,0.05\n"
        "fade_years,3\n"
        "earnings_growth,0.05\n"
        "tax_rate,0.21\n"
        "revenue_growth,0.05\n"
        "share_count_growth,0\n"
    ),
    "scenarios.csv": "scenario,key,value,source\n",
    "opening_balances.csv": "ticker,asset_class,net_book_value,remaining_life_years,source\n",
    "life_changes.csv": "ticker,asset_class,effective_from,useful_life_years,source\n",
}


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
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
