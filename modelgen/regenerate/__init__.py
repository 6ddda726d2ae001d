"""regenerate: building again over last quarter's workbook. Reads the old workbook, carries
the analyst's input edits, reports plugs, copies the analyst's own sheets with their
references re-pointed by row key and period.

Three stages, each a result of the one before: `previous.read_previous` (OLD as read, a
frozen `Previous`), `apply.apply` (each edit's outcome, the carried values written into the
model before it is evaluated: an `Applied`) and `carry.write_carried` (the edits marked and
the analyst's sheets copied); `carry.Carry` is the result the Cover and the console report.

It plugs into the model (`build_model(adjust=...)`) and the writer
(`write_workbook(additions=...)`) through parameters: nothing below imports it.
"""
