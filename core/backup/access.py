"""Who may back up and who may restore: the one rule the CLI and the app both apply.

A clerk or an administrator may back up (a backup copies the office's data out of
the program, so a viewer may not); only an administrator may restore. The
periodic backup of the app (`core.backup_policy.take_backup`) is the program's
own safety net and asks no one.
"""
from __future__ import annotations

from core.auth import User
from core.errors import Refusal
from core.i18n import _


def require_backup(user: User) -> None:
    if not user.can_write:
        raise Refusal(_("The user {name} may only read; a clerk or an administrator may back up.")
                      .format(name=user.name))


def require_restore(user: User) -> None:
    if not (user.active and user.role == "admin"):
        raise Refusal(_("Only an administrator may restore a backup."))
