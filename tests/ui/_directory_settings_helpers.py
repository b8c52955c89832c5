"""Shared by tests/ui/pages/directory/test_directory.py and test_settings*.py: a hub with a clerk and a viewer, and contexts.

The database is the shared small hub of tests/ui/conftest.py (units TGZ, XCZ,
JTJ, each with open assignments; leader 王建国 in charge of TGZ and JTJ; user
admin) plus the users clerk and viewer, added once per module through the core;
`hub_fixtures(name)` makes the template / hub / make_ctx fixtures a test module binds.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _shared_fixtures import signed_in

from tests._shared.db_copy import copy_database
from ui.shell.context import AppContext

PASSWORD = "test-pass"


copy_db = copy_database  # the shared helper (tests/_shared/db_copy.py), under the name these tests use


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


def hub_fixtures(name: str, *, office_folder: bool = False) -> tuple[Any, Any, Any]:
    """The fixtures `template` (module: build_template in a folder named `name`), `hub` (a copy per
    test, as tmp_path/hub.db or, with `office_folder`, tmp_path/office/hub.db) and `make_ctx`
    (context_factory on the copy). A test module binds them: `template, hub, make_ctx = hub_fixtures(...)`.
    """
    @pytest.fixture(scope="module")
    def template(template_db: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
        return build_template(template_db, tmp_path_factory.mktemp(name))

    @pytest.fixture
    def hub(template: Path, tmp_path: Path) -> Path:
        folder = tmp_path / "office" if office_folder else tmp_path
        folder.mkdir(exist_ok=True)
        return copy_db(template, folder / "hub.db")

    @pytest.fixture
    def make_ctx(hub: Path) -> Iterator[Callable[[str], AppContext]]:
        yield from context_factory(hub)

    return template, hub, make_ctx


def context_factory(path: Path) -> Iterator[Callable[[str], AppContext]]:
    """Yields `make(user)` → an AppContext signed in as `user`; closes them all afterwards."""
    made: list[AppContext] = []

    def make(user: str) -> AppContext:
        ctx = signed_in(path, user, PASSWORD)
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
