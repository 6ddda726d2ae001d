"""sec: SEC XBRL company facts in. `ingest` adds or updates a company's rows in the input
folder's CSV files; `periods` labels and derives fiscal periods; `series` says which
us-gaap tags each column reads.
"""
