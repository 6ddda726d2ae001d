"""compare: what changed between two workbooks, by sheet, row key and period (`diff`)."""
