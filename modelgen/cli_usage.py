"""Usage errors the command line words itself: a stray argument to a command that takes
none gets the option it was probably meant for (`modelgen build base`: `--inputs base`),
not only click's "Got unexpected extra argument"."""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand

#: (command, the argument's suffix) -> the option it was probably meant for; else --inputs
MEANT = {
    ("build", ".xlsx"): "--out",
    ("update", ".xlsx"): "--workbook",
    ("update", ".json"): "--sec",
}
ACCEPTS_STRAYS = {"allow_extra_args": True}  # the command's context_settings: see below


class NoArguments(TyperCommand):
    """A command without positional arguments. It is declared with `ACCEPTS_STRAYS`, so
    click keeps a stray argument in `ctx.args` rather than failing, and this class fails
    with the option it was meant for: `--inputs` (a folder), `--out` (a workbook)..."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if ctx.args:
            stray = ctx.args[0]
            ends = stray.lower().rsplit(".", 1)[-1] if "." in stray else ""
            option = MEANT.get((self.name or "", f".{ends}"), "--inputs")
            ctx.fail(
                f"{ctx.command_path} takes no argument {stray!r}; did you mean {option} {stray}?"
            )
        return rest
