"""Which company of the input folder a filing is, and the ticker checks that follow.

A filing names its company (`entityName`, "SNOWFLAKE INC.", "Amazon.com, Inc."); an
analyst's companies.csv writes "Snowflake", "Amazon". The two are the same company when
they agree once case, punctuation and the legal form are set aside (`same_company`).
A ticker that is not in the folder, given with a filing of a company that is there under
another ticker, is a misspelling, not a new company; a ticker of the folder whose company
is not the filing's is another company's (`wrong_ticker`). Taken as given, either would
put one company's figures in another's rows, or a company in twice, with checks green.
"""

from __future__ import annotations

import re
from pathlib import Path

from modelgen.words import either

#: words of a company name that say its legal form, not which company it is
LEGAL_FORMS = frozenset(
    "inc incorporated corp corporation co company ltd limited plc llc lp sa ag nv se the com".split()
)


def core_name(name: str) -> str:
    """`amazon` for "Amazon.com, Inc.": lower case, words only, the legal form left out."""
    words = re.findall(r"[0-9a-z]+", name.casefold())
    return " ".join([w for w in words if w not in LEGAL_FORMS] or words)


def same_company(a: str, b: str) -> bool:
    """Whether two names are one company's ("Snowflake" and "SNOWFLAKE INC.")."""
    return bool(core_name(a)) and core_name(a) == core_name(b)


def wrong_ticker(
    ticker: str, entity: str, companies: dict[str, str], file: Path, facts: Path
) -> str | None:
    """Why `ticker` cannot take `entity`'s filing, or None. The folder (`companies`, ticker
    to name, read from `file`) has the filing's company under another ticker, or has
    `ticker` as a company of another name: either way its rows would get another company's
    figures, or the company twice."""
    name = companies.get(ticker, "")
    if not entity or same_company(name, entity):
        return None
    others = [t for t, n in companies.items() if t != ticker and same_company(n, entity)]
    filing = f"{facts} is {entity}'s filing"
    if others and not name:
        return (
            f"{ticker} is not in {file}, and {filing}, which is {either(others)} there: "
            f"pass --ticker {others[0]} (or, to add it as another company, give it its own --name)"
        )
    if others:
        return f"{filing}, which is {either(others)} in {file}, not {ticker} ({name}): pass --ticker {others[0]}"
    if name:
        return (
            f"{filing}, and {ticker} is {name} in {file}: pass {entity}'s own ticker; "
            f"if {name} is now called {entity}, write that name in {file}"
        )
    return None
