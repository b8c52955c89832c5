"""The sign-in dialog: one of the office's active users and a password.

Contract:
- `SignInDialog(office, users, check)` shows the office, a user combo (the last
  user who signed in on this computer first) and a password field. Accepting
  calls `check(name, password)` (core.auth.sign_in in the app); a `ClerkError`
  shows its sentence in the dialog, clears the password and keeps the dialog
  open; success stores `user` and accepts. Enter signs in, Esc cancels.
- `SignInDialog.ask(db_path, office)` (blocking, exec) is what ui.shell.app calls; tests
  replace this classmethod, and drive the dialog itself with show().
- `sign_in_from_environment(db, office)` signs in without a dialog when both
  CLOSELOOP_USER and CLOSELOOP_PASSWORD are set (as the CLI does; used for
  automation and benchmarks); a wrong password there opens the dialog with the
  sentence shown.
Threading: GUI thread only; the password check (scrypt, ~50 ms) runs inline.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.auth import User, list_users, sign_in
from core.db.connection import connect
from core.errors import ClerkError
from core.i18n import N_, _
from core.office import Office
from ui.shell import settings_store

ROLE_LABELS = {"admin": N_("Administrator"), "clerk": N_("Clerk"), "viewer": N_("Viewer")}
ERROR_STYLE = "color: #c62828;"


class SignInDialog(QDialog):
    """Choose a user, type the password (see the module contract)."""

    def __init__(self, office: Office, users: list[User], check: Callable[[str, str], User], *,
                 note: str = "", message: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = office
        self.user: User | None = None
        self._check = check
        self.setWindowTitle(_("Sign in to Closeloop"))
        heading = QLabel(office.name)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.user_combo = QComboBox()
        self.user_combo.setObjectName("user")
        self.user_combo.setAccessibleName(_("User"))
        for u in users:
            self.user_combo.addItem(_("{user} ({role})").format(user=u.name, role=_(ROLE_LABELS.get(u.role, u.role))),
                                    u.name)
        last = settings_store.value(settings_store.LAST_USER, office.uuid)
        if last and self.user_combo.findData(last) >= 0:
            self.user_combo.setCurrentIndex(self.user_combo.findData(last))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setAccessibleName(_("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(message)
        self.message.setObjectName("message")
        self.message.setAccessibleName(_("Sign-in message"))
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(bool(message))
        form = QFormLayout()
        user_label = QLabel(_("&User:"))
        user_label.setBuddy(self.user_combo)
        password_label = QLabel(_("&Password:"))
        password_label.setBuddy(self.password)
        form.addRow(user_label, self.user_combo)
        form.addRow(password_label, self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("&Sign in"))
        ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if note:
            hint = QLabel(note)
            hint.setObjectName("note")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(360)
        QWidget.setTabOrder(self.user_combo, self.password)
        QWidget.setTabOrder(self.password, self.buttons)
        self.password.setFocus()

    @Slot()
    def accept(self) -> None:
        name = self.user_combo.currentData()
        if name is None:
            self._show(_("This office has no active user; ask the administrator."))
            return
        try:
            self.user = self._check(name, self.password.text())
        except ClerkError as err:
            self._show(str(err))
            self.password.clear()
            self.password.setFocus()
            return
        settings_store.set_value(settings_store.LAST_USER, self.user.name, self.office.uuid)
        super().accept()

    def _show(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.message.setVisible(True)

    @classmethod
    def ask(cls, db_path: Path, office: Office, message: str = "") -> User | None:
        """Run the dialog on `db_path` (blocking); the signed-in user, or None if cancelled."""
        from core.demo.build import DEMO_PASSWORD, DEMO_USERS, is_demo_database  # only here: a heavy module

        db = connect(db_path)
        try:
            users = [u for u in list_users(db) if u.active]
            note = ""
            if is_demo_database(db_path):
                note = _("This is the demo county: sign in as {users} with the password {password}.").format(
                    users=" / ".join(name for name, _role in DEMO_USERS), password=DEMO_PASSWORD)
            dialog = cls(office, users, lambda name, password: sign_in(db, name, password), note=note,
                         message=message)
            return dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            db.conn.close()


def sign_in_from_environment(db_path: Path) -> tuple[User | None, str]:
    """(user, "") when CLOSELOOP_USER and CLOSELOOP_PASSWORD sign in; (None, sentence or "") otherwise."""
    name, password = os.environ.get("CLOSELOOP_USER"), os.environ.get("CLOSELOOP_PASSWORD")
    if not name or password is None:
        return None, ""
    db: sqlite_utils.Database = connect(db_path)
    try:
        return sign_in(db, name, password), ""
    except ClerkError as err:
        return None, str(err)
    finally:
        db.conn.close()
