"""The workbook's sheets, named once.

`SheetName` is a string enumeration: `SheetName.PPE == "PP&E"`, so a member goes wherever a
sheet's name does (openpyxl, xlsxwriter, formulas), and the workbook's order is the
enumeration's.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["MODEL_SHEETS", "SheetName"]


class SheetName(StrEnum):
    """Every sheet modelgen writes, in the workbook's order."""

    COVER = "Cover"
    INPUTS = "Inputs"
    CAPEX = "Capex"
    GROWTH = "Growth"
    DEPRECIATION = "Depreciation"
    PPE = "PP&E"
    PROFIT = "Profit Impact"
    ANNUAL = "Annual"
    SCENARIOS = "Scenarios"
    SENSITIVITY = "Sensitivity"
    SENSITIVITY_WORKINGS = "Sensitivity Workings"
    CHARTS = "Charts"
    CHECKS = "Checks"
    RECORD = "_modelgen"  # hidden: what the build recorded, for the next regeneration


#: the sheets of rows over the timeline, built by the model (Cover and the record are not)
MODEL_SHEETS = tuple(s for s in SheetName if s not in (SheetName.COVER, SheetName.RECORD))
