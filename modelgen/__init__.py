"""modelgen: a folder of CSV files in, an Excel workbook of live formulas out."""

__version__ = "0.1.0"
