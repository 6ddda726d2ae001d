"""Defined names across a regeneration: modelgen's are re-created, the analyst's carried.

A formula on an analyst's sheet may use the names modelgen defines (`Capex_META`,
`Useful_Life_META_all_assets`, :mod:`modelgen.xlsx.names`). modelgen defines them afresh on
every build, for the row of the same key, so such a formula keeps its text and its meaning.
A name of OLD that modelgen wrote (its name is the one modelgen gives the row it points to)
and that the new model no longer defines (the row is gone) is not carried: a formula using
it gets ``#REF!``, like a reference to a gone row.

Every other name of OLD is the analyst's own, workbook- or sheet-scoped: it is defined
again with its definition re-pointed by key and period, like a formula. A name that cannot
be (a row it points to is gone, its sheet is not in the new workbook, it is taken by one
of modelgen's names) is dropped and listed, and every formula that uses it shows a red
``#REF!`` with a comment: one visible mark per cell that lost its meaning, rather than a
name defined as ``#REF!`` that fails silently wherever it is used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from modelgen.formulas.addresses import quote_sheet
from modelgen.regenerate.repoint import Repointer, parse_ref, split_cell
from modelgen.xlsx.lint import is_valid_name
from modelgen.xlsx.names import key_name, plan_names
from modelgen.xlsx.read_by_key import KeyedSheet

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from modelgen.model import Model

__all__ = ["NameBook", "NamesCarried", "OldName", "carry_names", "define_names", "read_names"]

_SKIPPED = ("_xlnm.", "_xlfn.", "_xlws.")  # Excel's own: print areas, filters, new functions


@dataclass(frozen=True)
class OldName:
    """A defined name of OLD; ``key`` is the row modelgen named, None for the analyst's."""

    name: str
    scope: str | None  # the sheet of a sheet-scoped name; None: the workbook
    text: str  # the definition, without "="
    key: str | None = None
    hidden: bool = False

    @property
    def label(self) -> str:
        return f"{quote_sheet(self.scope)}!{self.name}" if self.scope else self.name


def read_names(wb: Any, generated: Iterable[str], keyed: dict[str, KeyedSheet]) -> list[OldName]:
    """The defined names of OLD (an openpyxl workbook), modelgen's told by their row key."""
    ours = set(generated)
    out = [_old(n, None, d, ours, keyed) for n, d in wb.defined_names.items()]
    for ws in wb.worksheets:
        out += [_old(n, ws.title, d, ours, keyed) for n, d in ws.defined_names.items()]
    return [n for n in out if not n.name.startswith(_SKIPPED)]


def _old(name: str, scope: str | None, dn: Any, ours: set[str], keyed: dict) -> OldName:
    text = str(dn.attr_text or "").removeprefix("=")
    ref = parse_ref(text)
    key = None
    if scope is None and ref is not None and ref.sheet in ours and ref.sheet in keyed:
        key = keyed[ref.sheet].row_keys.get(split_cell(ref.a)[3])
        if key is None or key_name(key).casefold() != name.casefold():
            key = None
    return OldName(name, scope, text, key, bool(dn.hidden))


@dataclass
class NameBook:
    """The names of the new workbook, by (scope, folded name): their definitions, and why the
    names of OLD that are not defined any more are gone."""

    defined: dict[tuple[str | None, str], str] = field(default_factory=dict)
    gone: dict[tuple[str | None, str], str] = field(default_factory=dict)

    def find(self, sheet: str | None, name: str, home: str) -> tuple[str | None, str] | None:
        """The (scope, folded name) a formula on ``home`` means by ``sheet!name``, if defined:
        a name of the formula's own sheet first, then the workbook's."""
        fold = name.casefold()
        for scope in (sheet,) if sheet else (home, None):
            if (scope, fold) in self.defined:
                return scope, fold
        return None

    def why_not(self, sheet: str | None, name: str, home: str) -> str:
        if self.find(sheet, name, home) is not None:
            return ""
        fold = name.casefold()
        for scope in (sheet,) if sheet else (home, None):
            if (scope, fold) in self.gone:
                return self.gone[(scope, fold)]
        return f"the defined name {name} is not in the new workbook"

    def definition(self, sheet: str | None, name: str, home: str) -> tuple[str, str] | None:
        """(definition without "=", the sheet its unqualified references mean), if defined."""
        found = self.find(sheet, name, home)
        if found is None:
            return None
        return self.defined[found], found[0] or home


@dataclass
class NamesCarried:
    """The analyst's names: those defined in the new workbook (label -> definition without
    "=") and those dropped, each with why."""

    book: NameBook
    carried: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


def carry_names(
    model: Model, old: list[OldName], repoint: Repointer, sheets: set[str]
) -> NamesCarried:
    """The new workbook's names: modelgen's (planned for ``model``) and the analyst's own,
    re-pointed; ``sheets`` are those the new workbook has. The book is also set on
    ``repoint``, so that formulas keep the names it defines."""
    book = NameBook()
    for fold, (_, ref, _) in plan_names(model).refs.items():
        book.defined[(None, fold)] = ref
    repoint.names = book
    out = NamesCarried(book)
    mine: dict[tuple[str | None, str], OldName] = {}
    for n in old:
        where = (n.scope, n.name.casefold())
        ref = parse_ref(n.text)
        if where in book.defined and ref and ref.sheet in repoint.old.keys() - repoint.analyst:
            continue  # modelgen's name by an older rule (or typed again): defined anew
        why = _why_not_carried(n, where, book, sheets)
        if why:
            book.gone.setdefault(where, f"the defined name {n.label} {why}")
            if n.key is None:
                out.dropped.append(f"{n.label} (={n.text}) {why}")
        elif n.key is None:
            mine[where] = n
            book.defined[where] = n.text
    changed = True
    while changed:  # a name whose definition uses a dropped name is dropped in turn
        changed = False
        for where, n in list(mine.items()):
            text, _, failed = repoint.formula("=" + n.text, n.scope or "")
            if failed or "#REF!" in n.text:
                why = "was #REF! already" if "#REF!" in n.text else "; ".join(failed)
                book.gone[where] = f"the defined name {n.label} is not carried: {why}"
                out.dropped.append(f"{n.label} (={n.text}): {why}")
                del book.defined[where], mine[where]
                changed = True
            else:
                book.defined[where] = text.removeprefix("=")
    out.carried = {n.label: book.defined[where] for where, n in mine.items()}
    return out


def _why_not_carried(
    n: OldName, where: tuple[str | None, str], book: NameBook, sheets: set[str]
) -> str:
    if n.key is not None:  # modelgen's: defined again when its row still is
        return "" if where in book.defined else f"names row {n.key!r}, not in the new workbook"
    if where in book.defined:
        return (
            "is now one of modelgen's names: yours was not carried (rename it in the old workbook)"
        )
    if n.scope is not None and n.scope not in sheets:
        return f"belongs to sheet {n.scope!r}, which is not in the new workbook"
    if not is_valid_name(n.name):
        return "is not a name Excel accepts"
    if n.hidden:
        return "is hidden (an add-in's?) and was not carried"
    return ""


def define_names(wb: Workbook, names: NamesCarried) -> None:
    """Define the analyst's names in ``wb`` (modelgen's own are defined by the writer)."""
    for label, text in names.carried.items():
        scope, _, name = label.rpartition("!")  # xlsxwriter takes the scope unquoted
        sheet = scope[1:-1].replace("''", "'") if scope.startswith("'") else scope
        wb.define_name(f"{sheet}!{name}" if scope else name, "=" + text)
