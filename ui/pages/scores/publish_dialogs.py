"""Publishing a period (after a confirmation) and reopening it (with a reason).

Contract: `PublishDialog(ctx, period)` asks to confirm and, on OK, runs
`core.scoring.publish.publish(session, period)` through `ctx.write`;
`ReopenDialog(ctx, period)` asks the reason and runs `core.scoring.publish.reopen`.
A refusal (the period has not ended, is already published, no reason) shows the
core's sentence in the dialog, which stays open; nothing was written. On success
the dialog accepts (and `ctx.changed` has told every page). The page opens them
with `open()` (never `exec()`), so tests drive them. GUI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.i18n import _
from core.office import Session
from core.scoring.publish import publish, reopen
from ui.shell.context import AppContext
from ui.write_dialog import WriteDialogMixin


class _PeriodDialog(WriteDialogMixin, QDialog):
    """Text, an error line and OK/Cancel; subclasses say what OK writes."""

    def __init__(self, ctx: AppContext, period: str, title: str, text: str, ok_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.period = ctx, period
        self.setWindowTitle(title)
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(self.text_label)
        self.layout_.addWidget(self.error_label)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def show_error(self, sentence: str) -> None:
        self.error_label.setText(sentence)
        self.error_label.show()

    def job(self, s: Session) -> object:
        raise NotImplementedError

    def _ok(self) -> None:
        if self.busy:
            return
        self.error_label.hide()
        self._set_busy(True)
        self.ctx.write(self.job, self._written, self._failed)

    def _written(self, _result: object) -> None:
        self._set_busy(False)
        self.accept()


class PublishDialog(_PeriodDialog):
    """Confirm, then publish (freeze) the period."""

    def __init__(self, ctx: AppContext, period: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, period, _("Publish {period}").format(period=period),
                         _("Publish the scores of {period}? The scores, ranks, rule-set version and the events "
                           "behind every point are frozen as they stand now; reports print this snapshot. "
                           "Changing them later needs a reopening with a reason.").format(period=period),
                         _("Publish"), parent)

    def job(self, s: Session) -> object:
        return publish(s, self.period)


class ReopenDialog(_PeriodDialog):
    """Ask the reason, then reopen the published period."""

    def __init__(self, ctx: AppContext, period: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, period, _("Reopen {period}").format(period=period),
                         _("Reopen the published scores of {period}? The publication stays on record, marked "
                           "reopened with your reason; publish again when the corrections are made.")
                         .format(period=period), _("Reopen"), parent)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setAccessibleName(_("Reason for reopening"))
        self.reason_edit.setPlaceholderText(_("Reason for reopening"))
        self.layout_.insertWidget(1, self.reason_edit)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setTabOrder(self.reason_edit, self.buttons)

    def job(self, s: Session) -> object:
        return reopen(s, self.period, self.reason_edit.text())
