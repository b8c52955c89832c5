"""Where the CLI gets passwords: CLOSELOOP_PASSWORD / CLOSELOOP_NEW_PASSWORD or a prompt."""
from __future__ import annotations

import getpass
import os
import sys

from core.errors import UsageError
from core.i18n import _


def _prompt(prompt: str, env: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(_("No password given: set {env} or run the command in a terminal to type it.")
                         .format(env=env))
    return getpass.getpass(prompt)


def acting_password(user: str) -> str:
    value = os.environ.get("CLOSELOOP_PASSWORD")
    return value if value is not None else _prompt(_("Password for {user}: ").format(user=user), "CLOSELOOP_PASSWORD")


def new_password(user: str) -> str:
    value = os.environ.get("CLOSELOOP_NEW_PASSWORD")
    if value is not None:
        return value
    first = _prompt(_("New password for {user}: ").format(user=user), "CLOSELOOP_NEW_PASSWORD")
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise UsageError(_("The two passwords differ; nothing was changed."))
    return first
