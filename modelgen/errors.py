"""One exception hierarchy: every error modelgen means for its user, with its exit code.

The command line maps it to exit statuses in one place (`modelgen.cli`); a program calling
the API catches `ModelgenError`, or `InputError` for bad input with its `.problems`.
"""

from __future__ import annotations


class ModelgenError(Exception):
    """An error whose message is meant for the user; `exit_code` is the command's status."""

    exit_code = 1


EXIT_VERIFY_FAILED = 1  # the engine disagrees, or a check fails
EXIT_BAD_INPUT = 2  # the input, a file read or the output path
EXIT_NO_ENGINE = 3  # LibreOffice missing or failing
EXIT_SOFTWARE = 70  # a bug in modelgen (sysexits' EX_SOFTWARE)
_MAX_REPORTED = 10


class ExcelRuleError(ModelgenError):
    """modelgen was about to write what Excel would refuse: a bug in modelgen, not in the
    inputs. `breaches` say where and which rule (`modelgen.xlsx.lint.Breach`)."""

    exit_code = EXIT_SOFTWARE

    def __init__(self, breaches: list) -> None:
        self.breaches = breaches
        shown = "; ".join(str(b) for b in breaches[:_MAX_REPORTED])
        more = len(breaches) - _MAX_REPORTED
        super().__init__(
            "internal error, a bug in modelgen: it was about to write what Excel would refuse: "
            + shown
            + (f"; and {more} more" if more > 0 else "")
            + ". The workbook was not written; please report this with the inputs."
        )
