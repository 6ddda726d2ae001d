"""engine: real spreadsheet engines as the judge. `libreoffice` starts LibreOffice;
`ironcalc` and `formualizer` recalculate in process; `gnumeric` runs ssconvert; `verify` has
one or several recalculate a workbook and compares every formula's cached value; `preview`
renders each sheet as PNG.
"""

#: each engine `verify` can use alone, as the command line and the API name it
SINGLE = ("libreoffice", "ironcalc", "gnumeric", "formualizer")
#: the names for several at once: `both` as it always was, `all` for every engine
GROUPS = {"both": ("libreoffice", "ironcalc"), "all": SINGLE}
#: the choices of `verify --engine`
ENGINES = (*SINGLE, *GROUPS)


def engines_of(choice: str) -> tuple[str, ...]:
    """The single engines a choice of ENGINES stands for, in report order."""
    return GROUPS.get(choice, (choice,))
