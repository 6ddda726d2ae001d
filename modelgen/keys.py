"""Row keys, written and read in one place.

Every row the model writes has a key: its kind, then the parts its kind declares, then
perhaps a case: `capex:MSFT`, `capex:FY:TOTAL`, `share:MSFT:servers@Bull`,
`depreciation_vintage:AMZN:servers:2024`. Which parts a kind has, and in what order, is
its pattern in `modelgen.rowspec`; `RowKey` turns named fields into the text and the text
back into fields, so that nothing else builds a key with an f-string or takes one apart
with `split(":")`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "BASES",
    "CASE",
    "SEP",
    "TOTAL",
    "Pattern",
    "RowKey",
    "kind_of",
    "leading_parts",
    "row_key",
]

SEP, CASE = ":", "@"
TOTAL = "TOTAL"  # the ticker of a row that adds up every company
BASES = ("FY", "CY")  # the Annual sheet's fiscal and calendar years
FIELDS = ("basis", "scenario", "ticker", "asset_class", "index", "subject")
_SLOT = re.compile(r"\{(\w+)(\.\.\.)?\}")


def kind_of(key: str) -> str:
    """The kind of a key's text: what comes before its first `:` or `@`."""
    return re.split(r"[:@]", key, maxsplit=1)[0]


def leading_parts(key: str) -> list[str]:
    """The key and every prefix of it that names rows: `capex`, `capex:MSFT` for
    `capex:MSFT`; `growth`, `growth@Base` for `growth@Base` (what `diff --key` matches)."""
    head, _, case = key.partition(CASE)
    parts = head.split(SEP)
    found = [SEP.join(parts[: i + 1]) for i in range(len(parts))]
    return found + [key] if case else found


@dataclass(frozen=True)
class Pattern:
    """A key's shape: `kind`, then literal parts and `{field}` slots, `@{case}` allowed or not.

    `{index}` may repeat (a grid's row and column); `{subject}` names what the row is about
    (a flow, a line, a life), and `{subject...}`, last, takes the rest of the key, colons
    and all (the key a check is about).
    """

    text: str
    kind: str = field(init=False)
    slots: tuple[str, ...] = field(init=False)  # a field's name, or a literal part as "=FY"
    cased: bool = field(init=False)
    rest: bool = field(init=False)  # the last slot takes the rest of the key

    def __post_init__(self) -> None:
        head, _, case = self.text.partition(CASE)
        kind, *parts = head.split(SEP)
        slots, rest = [], False
        for i, p in enumerate(parts):
            m = _SLOT.fullmatch(p)
            if m and m.group(1) not in FIELDS:
                raise ValueError(f"{self.text}: unknown field {{{m.group(1)}}}")
            if m and m.group(2):
                if i != len(parts) - 1:
                    raise ValueError(f"{self.text}: only the last part takes the rest")
                rest = True
            slots.append(m.group(1) if m else "=" + p)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "slots", tuple(slots))
        object.__setattr__(self, "cased", case == "{case}")
        object.__setattr__(self, "rest", rest)

    def match(self, text: str) -> RowKey | None:
        """The key `text` read by this pattern, or None where it does not fit."""
        head, at, case = text.partition(CASE)
        if bool(at) != self.cased:  # a case where the pattern has one, and only there
            return None
        kind, *parts = head.split(SEP)
        if kind != self.kind:
            return None
        if self.rest and len(parts) >= len(self.slots):
            parts = [*parts[: len(self.slots) - 1], SEP.join(parts[len(self.slots) - 1 :])]
        if len(parts) != len(self.slots) or any(not p for p in parts):
            return None
        values: dict[str, object] = {"index": ()}
        for slot, part in zip(self.slots, parts, strict=True):
            if slot.startswith("="):
                if part != slot[1:]:
                    return None
            elif slot == "index":
                values["index"] = (*values["index"], part)  # type: ignore[misc]
            elif slot == "basis" and part not in BASES:
                return None
            else:
                values[slot] = part
        return RowKey(self.kind, case=case, **values)  # type: ignore[arg-type]

    def render(self, key: RowKey) -> str:
        """`key` as text in this pattern's order."""
        index = iter(key.index)
        parts = [self.kind]
        for slot in self.slots:
            if slot.startswith("="):
                parts.append(slot[1:])
            elif slot == "index":
                parts.append(next(index))
            else:
                parts.append(getattr(key, slot))
        text = SEP.join(parts)
        return f"{text}{CASE}{key.case}" if key.case else text

    def fits(self, key: RowKey) -> bool:
        """Whether `key`'s fields are exactly this pattern's slots."""
        if key.kind != self.kind or bool(key.case) != self.cased:
            return False
        named = {s for s in self.slots if not s.startswith("=")}
        given = {f for f in FIELDS if getattr(key, f)}
        literal_ok = all(
            s[1:] == key.basis for s in self.slots if s.startswith("=") and s[1:] in BASES
        )
        return given == named and len(key.index) == self.slots.count("index") and literal_ok


@dataclass(frozen=True)
class RowKey:
    """A row's key as fields; `str()` writes it by its kind's pattern, `parse` reads it."""

    kind: str
    basis: str = ""  # FY or CY: fiscal or calendar years (the Annual sheet)
    scenario: str = ""  # a case of the Scenarios sheet
    ticker: str = ""  # a company, or TOTAL
    asset_class: str = ""
    index: tuple[str, ...] = ()  # a vintage, a quarter, a position in a table
    subject: str = ""  # the key a row is about (`check_scenario_input:share:MSFT:servers`)
    case: str = ""  # a scenario's own input row (`fade_years@Bull`)

    def __post_init__(self) -> None:  # a position or a vintage may be given as a number
        object.__setattr__(self, "index", tuple(str(i) for i in self.index))

    def __str__(self) -> str:
        from modelgen.rowspec import patterns_of

        for pattern in patterns_of(self.kind):
            if pattern.fits(self):
                return pattern.render(self)
        raise ValueError(f"no declared pattern of {self.kind!r} fits {self!r}")

    def is_declared(self, sheet: str | None = None) -> bool:
        """Whether a declared pattern of its kind (on `sheet`) writes this key."""
        from modelgen.rowspec import patterns_of

        return any(p.fits(self) for p in patterns_of(self.kind, sheet))

    @classmethod
    def parse(cls, text: str, sheet: str | None = None) -> RowKey:
        """The fields of `text`, read by the first declared pattern of its kind that fits
        (on `sheet` only, where given); ValueError where none does."""
        from modelgen.rowspec import patterns_of

        for pattern in patterns_of(kind_of(text), sheet):
            key = pattern.match(text)
            if key is not None:
                return key
        raise ValueError(f"{text!r} is not a row key modelgen writes")

    @classmethod
    def read(cls, text: str, sheet: str | None = None) -> RowKey | None:
        """`parse`, or None for a key no pattern reads (an analyst's own row)."""
        try:
            return cls.parse(text, sheet)
        except ValueError:
            return None

    @property
    def parts(self) -> tuple[str, ...]:
        """The key's parts after its kind, in its pattern's order, its case left out."""
        text = str(self.with_(case=""))
        return tuple(text.split(SEP)[1:])

    def with_(self, **fields: object) -> RowKey:
        """This key with some fields changed: `key.with_(ticker=TOTAL)`."""
        return RowKey(**{**self.__dict__, **fields})  # type: ignore[arg-type]

    @property
    def is_total(self) -> bool:
        return self.ticker == TOTAL


def row_key(kind: str, **fields: object) -> str:
    """A key's text from its kind and fields: `row_key("share", ticker="MSFT",
    asset_class="servers")` is `share:MSFT:servers`, by the kind's declared pattern."""
    return str(RowKey(kind, **fields))  # type: ignore[arg-type]
