"""Shared by the UI tests: an AppContext signed in to a test database.

`signed_in(path, user, password)` opens the database, reads its office and signs
`user` in through the core, closes the connection and returns the AppContext (the
caller closes it). `context_for(...)` is the same as a generator for a fixture:
it yields the context and closes it afterwards.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from core.auth import sign_in
from core.db.connection import connect
from core.office import self_office
from ui.shell.context import AppContext


def signed_in(path: Path, user: str, password: str) -> AppContext:
    """An AppContext on `path` for `user`, signed in with `password` (the caller closes it)."""
    db = connect(path)
    try:
        return AppContext(path, self_office(db), sign_in(db, user, password))
    finally:
        db.conn.close()


def context_for(path: Path, user: str, password: str) -> Iterator[AppContext]:
    """For a fixture: `yield from context_for(...)` yields the signed-in context and closes it afterwards."""
    context = signed_in(path, user, password)
    yield context
    context.close()
