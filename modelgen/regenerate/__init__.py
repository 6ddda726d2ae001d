"""regenerate: building again over last quarter's workbook. Reads the old workbook, carries
the analyst's input edits, reports plugs, copies the analyst's own sheets with their
references re-pointed by row key and period.

It plugs into the model (`build_model(adjust=...)`) and the writer
(`write_workbook(additions=...)`) through parameters: nothing below imports it.
"""
