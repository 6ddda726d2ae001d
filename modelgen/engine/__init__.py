"""engine: real spreadsheet engines as the judge. `libreoffice` starts LibreOffice;
`ironcalc` recalculates in process; `verify` has either or both recalculate a workbook and
compares every formula's cached value; `preview` renders each sheet as PNG.
"""

#: the engines `verify` can use, as the command line and the API name them
ENGINES = ("libreoffice", "ironcalc", "both")
