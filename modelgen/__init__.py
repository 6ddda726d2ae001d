"""modelgen: a folder of CSV files in, an Excel workbook of live formulas out."""

from modelgen._version import __version__

__all__ = ["__version__"]
