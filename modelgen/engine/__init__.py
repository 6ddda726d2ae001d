"""engine: a real spreadsheet engine (LibreOffice) as the judge. `libreoffice` starts it;
`verify` recalculates a workbook and compares every formula's cached value; `preview`
renders each sheet as PNG.
"""
