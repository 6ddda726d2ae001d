"""The documented tables stay true: the README's commands are the CLI's, docs/settings.md's
settings and their defaults the ones `settings.csv` accepts; the README stays short."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from typer.main import get_command

from modelgen.cli import app
from modelgen.inputs.settings import RENAMED, Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")


def _table(heading: str, text: str = README) -> list[list[str]]:
    """The cells of the first table after `heading`, header and rule left out."""
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]


def test_the_command_table_lists_every_command_and_its_options():
    cli = get_command(app)
    documented = {}
    for cells in _table("## Commands"):
        words = re.findall(r"`modelgen ([a-z-]+)([^`]*)`", cells[0])
        for name, rest in words:
            documented.setdefault(name, set()).update(re.findall(r"--[a-z-]+", rest))
    assert set(documented) == set(cli.commands)  # type: ignore[attr-defined]
    for name, options in documented.items():
        known = {
            opt
            for param in cli.commands[name].params  # type: ignore[attr-defined]
            for opt in param.opts
        }
        assert options <= known, (name, options - known)


def test_the_settings_table_lists_every_setting_with_its_default():
    rows = {
        re.sub(r"`", "", cells[0]): cells[1]
        for cells in _table("# Settings and their defaults", SETTINGS)
    }
    assert set(rows) == {f.name for f in fields(Settings)}
    defaults = Settings()
    for name, shown in rows.items():
        value = getattr(defaults, name)
        if value == "":
            assert shown == "(empty)", name
        elif isinstance(value, bool):
            assert shown == f"`{str(value).lower()}`", name
        elif isinstance(value, str):
            assert shown == f"`{value}`", name
        else:
            assert float(shown) == float(value), name
    table = dict(
        (re.sub(r"`", "", c[0]), c[2]) for c in _table("# Settings and their defaults", SETTINGS)
    )
    for old, (new, _) in RENAMED.items():  # an old name is documented beside its new one
        assert f"`{old}`" in table[new], (old, new)


def test_the_readme_is_at_most_350_lines_and_links_to_files_that_exist():
    assert len(README.splitlines()) <= 350
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if "://" not in target:
                assert (doc.parent / target).exists(), (doc.name, target)
