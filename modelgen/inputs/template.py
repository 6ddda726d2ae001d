"""Presentation templates (TOML): titles, labels, number formats, colours and widths.

A template changes how the workbook looks, never a number. Another template may override
any part; what it leaves out comes from the default, `modelgen/templates/default.toml`,
which ships inside the package and is found through it (so any install, from any folder).
The default has a label for every row the model writes (`modelgen.rowspec` declares which,
and a test holds the two together), so another template may leave out any label; a label
missing from both is an error naming the template and the row, never a made-up label.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from modelgen.inputs.csvread import InputError, Problem
from modelgen.rowspec import labelled_by

DEFAULT_TEMPLATE: Traversable = files("modelgen") / "templates" / "default.toml"
SECTIONS = ("workbook", "titles", "labels", "formats", "colours", "widths")


@dataclass
class Template:
    """The look of a workbook; `label()` turns a row kind into the analyst's words."""

    workbook: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)
    path: Path | None = None

    def label(self, kind: str, **fields: str) -> str:
        """The label `kind` of `[labels]`, its `{fields}` filled in where it names them.
        InputError, naming the template and the rows that take it, where it has none."""
        text = self.labels.get(kind)
        if text is None:
            raise InputError([self._no_label(kind)])
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):
            return text

    def _no_label(self, kind: str) -> Problem:
        rows = ", ".join(f"{s.sheet}!{s.pattern.text}" for s in labelled_by(kind))
        where = str(DEFAULT_TEMPLATE)
        if self.path is not None:
            where += f" (overlaid with {self.path})"
        return Problem(
            where,
            0,
            "",
            f'[labels] has no "{kind}"' + (f", the label of {rows}" if rows else ""),
            f'add {kind} = "…" to it',
        )

    def number_format(self, kind: str) -> str:
        return self.formats.get(kind, "General")


def _read(path: Path | Traversable) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            [
                Problem(
                    str(path), 0, "", "the template does not exist", "give --template a .toml file"
                )
            ]
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            [Problem(str(path), 0, "", f"is not valid TOML ({exc})", "fix the syntax")]
        ) from None
    problems = [
        Problem(str(path), 0, name, f'unknown section "[{name}]"', f"use {', '.join(SECTIONS)}")
        for name, value in data.items()
        if name not in SECTIONS or not isinstance(value, dict)
    ]
    if problems:
        raise InputError(problems)
    return data


def load_template(path: Path | None = None) -> Template:
    """The default template, overlaid with `path` when one is given."""
    base = _read(DEFAULT_TEMPLATE)
    if path is not None and Path(path).resolve() != Path(str(DEFAULT_TEMPLATE)).resolve():
        for name, section in _read(Path(path)).items():
            base.setdefault(name, {}).update(section)
    return Template(**{name: dict(base.get(name, {})) for name in SECTIONS}, path=path)
