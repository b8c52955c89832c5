"""Revoking a unit office's keys at the hub: a reason and a confirmation, then core.sync.office_keys.revoke.

Contract: `RevokeDialog(ctx, code, name, parent)` says what revoking does (nothing
the unit's computer signs is accepted any more; it must be enrolled again),
asks the reason, and on "Revoke" runs `office_keys.revoke(session, code, reason)`
through `ctx.write`, which checks the permission (the hub, an administrator or
clerk) and refuses an empty reason. A refusal shows the core's sentence in the
dialog, which stays open; nothing was written. On success `revoked(count)`
follows and the dialog accepts. Opened with `open()` (never `exec()`), so tests
drive it. GUI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.i18n import _
from core.office import Changes, Session
from core.sync.office_keys import revoke
from ui.pages.directory.form import error_label
from ui.shell.context import AppContext
from ui.write_dialog import WriteDialogMixin


class RevokeDialog(WriteDialogMixin, QDialog):
    """See the module contract."""

    revoked = Signal(int)

    def __init__(self, ctx: AppContext, code: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.code = ctx, code
        self.setWindowTitle(_("Revoke the key of {office}").format(office=name))
        text = QLabel(_("After this, nothing that {office}'s computer signs is accepted here or relayed to other "
                        "offices; {office} must be enrolled again to sync. Revoke it when the computer or the "
                        "stick was lost or handed over.").format(office=name))
        text.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setAccessibleName(_("Why the key is revoked"))
        self.reason_edit.setPlaceholderText(_("Why the key is revoked, e.g. the USB stick was lost"))
        self.error = error_label(_("Why the key was not revoked"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Revoke"))
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.setVisible(True)

    def _ok(self) -> None:
        if self.busy:
            return
        self.error.setVisible(False)
        self._set_busy(True)
        code, reason = self.code, self.reason_edit.text()

        def job(s: Session) -> tuple[int, Changes]:
            return revoke(s, code, reason), Changes(directory=True)

        self.ctx.write(job, self._written, self._failed)

    def _written(self, result: tuple[int, Changes]) -> None:
        self._set_busy(False)
        self.revoked.emit(result[0])
        self.accept()
