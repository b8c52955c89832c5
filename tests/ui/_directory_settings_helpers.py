"""Shared by tests/ui/test_directory.py and test_settings.py: a hub with a clerk and a viewer, and contexts.

The database is the shared small hub of tests/ui/conftest.py (units TGZ, XCZ,
JTJ, each with open assignments; leader 王建国 in charge of TGZ and JTJ; user
admin) plus the users clerk and viewer, added once per module through the core.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.auth import sign_in
from core.db.connection import connect
from core.office import self_office
from ui.context import AppContext

PASSWORD = "test-pass"


def copy_db(source: Path, target: Path) -> Path:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def build_template(template_db: tuple[Path, object], folder: Path) -> Path:
    """The conftest's small hub plus a clerk and a viewer (cheap password hashes)."""
    from core.directory import add_user
    from core.office import open_session

    path = copy_db(template_db[0], folder / "hub.db")
    mp = pytest.MonkeyPatch()
    mp.setattr("core.auth._N", 2**10)
    s = open_session(path, "admin", PASSWORD)
    try:
        add_user(s, "clerk", "clerk", PASSWORD)
        add_user(s, "viewer", "viewer", PASSWORD)
    finally:
        s.db.conn.close()
        mp.undo()
    return path


def context_factory(path: Path) -> Iterator[Callable[[str], AppContext]]:
    """Yields `make(user)` → an AppContext signed in as `user`; closes them all afterwards."""
    made: list[AppContext] = []

    def make(user: str) -> AppContext:
        db = connect(path)
        try:
            ctx = AppContext(path, self_office(db), sign_in(db, user, PASSWORD))
        finally:
            db.conn.close()
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


def type_text(qtbot, widget, text: str) -> None:  # noqa: ANN001
    """Replace the text of a line edit as a clerk types it: keys for ASCII, an input-method commit for Chinese."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    widget.clear()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def read(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()
