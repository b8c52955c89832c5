"""The two kinds of failure a user may see.

`Refusal` is a domain rule saying no (exit code 1 in the CLI); `UsageError` is
input that is not of the expected form (exit code 2). Both carry one sentence,
already translated, that tells the user what is wrong and how to fix it. Any
write that raises either has changed nothing.
"""
from __future__ import annotations


class ClerkError(Exception):
    """Base: `str(err)` is the sentence shown to the user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class Refusal(ClerkError):
    """A rule of the domain refuses the action; nothing was changed."""

    exit_code = 1


class UsageError(ClerkError):
    """The input is malformed (a non-date, an unknown option value)."""

    exit_code = 2
