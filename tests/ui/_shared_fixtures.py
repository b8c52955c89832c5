"""Shared by the UI tests: an AppContext signed in to a test database.

`signed_in(path, user, password)` opens the database, reads its office and signs
`user` in through the core, closes the connection and returns the AppContext (the
caller closes it). `context_for(...)` is the same as a generator for a fixture:
it yields the context and closes it afterwards.

`open_page(qtbot, cls, ctx, *args, size=..., wait=...)` is how every page test
opens its page (the `show_page` fixture of tests/ui/conftest.py binds qtbot):
it builds `cls(ctx, *args)`, hands it to qtbot, sizes and shows it, and waits
as the page needs — `wait="loaded"` for the page's `loaded` signal around
`show()`, `"idle"` for the worker to finish what the constructor queued, `None`
for nothing — then for the window to be exposed.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from core.auth import sign_in
from core.db.connection import connect
from core.office import self_office
from ui.shell.context import AppContext

P = TypeVar("P")


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


def open_page(qtbot: Any, cls: type[P], ctx: AppContext, *args: object, size: tuple[int, int] = (1280, 800),
              wait: Literal["loaded", "idle"] | None = "loaded") -> P:
    """Build `cls(ctx, *args)`, show it at `size` and wait as `wait` says (see the module docstring)."""
    if wait == "idle":
        with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
            page: Any = cls(ctx, *args)
    else:
        page = cls(ctx, *args)
    qtbot.addWidget(page)
    page.resize(*size)
    if wait == "loaded":
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            page.show()
    else:
        page.show()
    qtbot.waitExposed(page)
    return page
