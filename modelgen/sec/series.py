"""The columns `ingest-sec` fills and the us-gaap tags each reads, first choice first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Series:
    """One column the ingest fills, and the us-gaap tags it reads, first choice first.

    The first column of a file is required (it must have figures, and only its periods get
    rows); the others fill the same rows where they have a figure. `kind` says how facts
    become periods: a flow is read from duration facts, its missing quarters derived by
    difference of year-to-date facts; a balance from instant facts (a value on a date); an
    average (a weighted-average share count) from duration facts as reported, a 12-month
    fact for the year and a 3-month fact for a quarter, never by difference.
    """

    file: str
    column: str
    tags: tuple[str, ...]
    related: tuple[str, ...] = ()  # words that find related tags when a required one is missing
    kind: Literal["flow", "balance", "average"] = "flow"
    unit: str = "USD"  # the XBRL unit read
    divisor: int | None = None  # the CSV holds fact / divisor; None: the model's amount unit

    @property
    def required(self) -> bool:
        """True for the first column of its file (capex, net_income): every row needs it."""
        return FILE_COLUMNS[self.file][0] == self.column


SERIES = (
    Series(
        "capex.csv",
        "capex",
        (
            "PaymentsToAcquirePropertyPlantAndEquipment",
            "PaymentsToAcquireProductiveAssets",  # Amazon's since 2016: PP&E and intangibles
            "PaymentsToAcquireOtherPropertyPlantAndEquipment",  # capex filed as "other" PP&E
        ),
        related=("PaymentsToAcquire", "CapitalExpenditure"),
    ),
    Series("financials.csv", "net_income", ("NetIncomeLoss",), ("NetIncome", "ProfitLoss")),
    Series(
        "financials.csv",
        "depreciation",
        (
            "DepreciationDepletionAndAmortization",
            "DepreciationAmortizationAndAccretionNet",
            "DepreciationAndAmortization",
            "Depreciation",  # an XBRL tag, not a sheet
        ),
    ),
    Series("financials.csv", "net_ppe", ("PropertyPlantAndEquipmentNet",), kind="balance"),
    Series(
        "financials.csv",
        "revenue",
        (
            "RevenueFromContractWithCustomerExcludingAssessedTax",  # ASC 606, since 2018
            "Revenues",
            "SalesRevenueNet",  # before ASC 606
        ),
    ),
    Series(
        "financials.csv",
        "diluted_shares",
        ("WeightedAverageNumberOfDilutedSharesOutstanding",),
        kind="average",
        unit="shares",
        divisor=10**6,  # millions of shares, whatever the model's amount unit
    ),
)
# file -> its columns, the required one first
FILE_COLUMNS = {s.file: [c.column for c in SERIES if c.file == s.file] for s in SERIES}
