"""xlsx: the workbook file. Writing a model (workbook, the Cover, styles, presentation, names,
data validation, charts, the record sheet) with xlsxwriter, and reading a workbook back by
row key and period (open_safely, read_by_key) with openpyxl.

The writer imports the model, never the regeneration code: what a regeneration adds (the
analyst's sheets, carried edits) comes in through `workbook.write_workbook`'s `additions`.
A plain build imports no module here that needs openpyxl.
"""
