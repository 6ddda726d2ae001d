"""The input files and their columns, declared once: every reader and writer of a file
(`load_inputs`, `inputs_from_frames`, `init`, `ingest-sec`, the names' line lookup) takes
its columns from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileSpec:
    """One input file: its name, the columns it must have, the ones it may have, the
    columns holding numbers (they settle the file's decimal mark) and whether it needs a
    row of data."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    needs_rows: bool = False
    needed: bool = True  # False: the folder may leave the file out

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the model reads, required first."""
        return (*self.required, *self.optional)

    @property
    def frame(self) -> str:
        """The name `inputs_from_frames` gives the file's frame: `capex` for capex.csv."""
        return self.name.removesuffix(".csv")


#: financials.csv's optional columns and how a year is made of its quarters: a flow sums
#: them, a balance is the fourth quarter's, an average (weighted diluted shares) is their mean
REPORTED_COLUMNS = {
    "depreciation": "flow",
    "ppe_depreciation": "flow",
    "net_ppe": "balance",
    "revenue": "flow",
    "diluted_shares": "average",
}

COMPANIES = FileSpec(
    "companies.csv",
    ("ticker", "name", "fiscal_year_end_month"),
    ("tax_rate", "source"),
    ("fiscal_year_end_month", "tax_rate"),
    needs_rows=True,
)
CAPEX = FileSpec(
    "capex.csv", ("ticker", "period", "capex"), ("source",), ("capex",), needs_rows=True
)
FINANCIALS = FileSpec(
    "financials.csv",
    ("ticker", "period", "net_income"),
    ("source", *REPORTED_COLUMNS),
    ("net_income", *REPORTED_COLUMNS),
)
GUIDANCE = FileSpec(
    "guidance.csv",
    ("ticker", "period", "capex_low"),
    ("capex_high", "source"),
    ("capex_low", "capex_high"),
)
ASSUMPTIONS = FileSpec(
    "assumptions.csv",
    ("ticker", "asset_class", "share", "useful_life_years"),
    ("in_service_lag_years", "source"),
    ("share", "useful_life_years", "in_service_lag_years"),
    needs_rows=True,
)
SETTINGS = FileSpec("settings.csv", ("key", "value"), (), ("value",))
SCENARIOS = FileSpec(
    "scenarios.csv", ("scenario", "key", "value"), ("source",), ("value",), needed=False
)
OPENING_BALANCES = FileSpec(
    "opening_balances.csv",
    ("ticker", "asset_class", "net_book_value", "remaining_life_years"),
    ("source",),
    ("net_book_value", "remaining_life_years"),
    needed=False,
)
LIFE_CHANGES = FileSpec(
    "life_changes.csv",
    ("ticker", "asset_class", "effective_from", "useful_life_years"),
    ("source",),
    ("useful_life_years",),
    needed=False,
)

#: every input file, in the order `init` writes them and `inputs_from_frames` takes them
FILES = (
    COMPANIES,
    CAPEX,
    FINANCIALS,
    GUIDANCE,
    ASSUMPTIONS,
    SETTINGS,
    SCENARIOS,
    OPENING_BALANCES,
    LIFE_CHANGES,
)
BY_NAME = {spec.name: spec for spec in FILES}


def spec_of(name: str) -> FileSpec:
    """The declaration of the file called `name` (`capex.csv`)."""
    return BY_NAME[name]
