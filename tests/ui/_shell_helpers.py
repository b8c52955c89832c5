"""Helpers for the shell and ledger-page tests (tests/ui/shell/test_shell*.py, test_ledger_page.py)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from core.auth import User, sign_in
from core.db.connection import connect
from core.office import Office, self_office
from core.work.ledger import LedgerFilter, ledger_ids
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)  # conftest.T


def office_and_user(db_path: Path, name: str, password: str) -> tuple[Office, User]:
    db = connect(db_path)
    try:
        return self_office(db), sign_in(db, name, password)
    finally:
        db.conn.close()


def make_ctx(db_path: Path, name: str, password: str) -> AppContext:
    office, user = office_and_user(db_path, name, password)
    return AppContext(db_path, office, user)


def add_user(db_path: Path, admin_password: str, name: str, role: str, password: str) -> None:
    from core.directory import add_user as core_add_user
    from core.office import open_session

    s = open_session(db_path, "admin", admin_password, today=T)
    try:
        core_add_user(s, name, role, password)
    finally:
        s.db.conn.close()


def core_ids(db_path: Path, flt: LedgerFilter, sort: str = "task_no", descending: bool = True) -> list[int]:
    db = connect(db_path)
    try:
        return ledger_ids(db, flt, as_of=T, sort=sort, descending=descending)
    finally:
        db.conn.close()


def by_name(root: QWidget, cls: type, accessible: str) -> QWidget:
    """The one child of type `cls` whose accessible name is `accessible`."""
    found = [w for w in root.findChildren(cls) if w.accessibleName() == accessible]
    assert len(found) == 1, f"{len(found)} widgets named {accessible!r}"
    return found[0]


def type_with_input_method(widget: QWidget, text: str) -> None:
    """Commit `text` as a Chinese input method does (QTest.keyClicks handles ASCII only)."""
    from PySide6.QtGui import QInputMethodEvent

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
