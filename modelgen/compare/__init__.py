"""compare: what changed between two workbooks, by sheet, row key and period (`diff`), and
one cell's formula in words and numbers (`explain`)."""
