"""One exception hierarchy: every error modelgen means for its user, with its exit code.

The command line maps it to exit statuses in one place (`modelgen.cli`); a program calling
the API catches `ModelgenError`, or `InputError` for bad input with its `.problems`.
"""

from __future__ import annotations


class ModelgenError(Exception):
    """An error whose message is meant for the user; `exit_code` is the command's status."""

    exit_code = 1


EXIT_BAD_INPUT = 2  # the input, a file read or the output path
EXIT_NO_ENGINE = 3  # LibreOffice missing or failing
