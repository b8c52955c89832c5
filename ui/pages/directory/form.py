"""The small forms of the directory and settings pages: one dialog shape, one way to save.

Contract: a `FormDialog(ctx, title, parent)` subclass lays its fields out in
`self.form` (a QFormLayout, fields in tab order) and implements `job()`, which
reads the fields and returns the core write to run as `fn(session)`; it may
raise `ClerkError` for a check it can make at once (two passwords that differ),
and calls `chain(*fields)` for the tab order (fields, then Save, then Cancel).
"Save" (the default button, so Enter saves) runs the job through `ctx.write`
on the worker thread; Esc or Cancel closes the form with nothing written. A
refusal (ClerkError) appears in red inside the form, which stays open, and
`refused(sentence)` is emitted; success emits `saved(result)` and closes it.
Another exception goes to the crash handler. Open it with `open()` (window-modal,
never `exec()`), so tests drive it. Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import ClerkError
from core.i18n import _
from core.office import Changes, Session
from ui.shell.context import AppContext
from ui.write_dialog import WriteDialogMixin

ERROR_COLOR = "#c62828"
T = TypeVar("T")


def alive(owner: QObject, fn: Callable[[T], None]) -> Callable[[T], None]:
    """`fn`, called only while `owner` still exists (a late worker answer to a closed page does nothing)."""
    def call(arg: T) -> None:
        if shiboken6.isValid(owner):
            fn(arg)
    return call


def error_label(accessible: str) -> QLabel:
    """A red, wrapping, initially hidden label for a refusal's sentence."""
    label = QLabel()
    label.setObjectName("error")
    label.setAccessibleName(accessible)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


class FormDialog(WriteDialogMixin, QDialog):
    """A form that saves one core write (see the module contract)."""

    saved = Signal(object)
    refused = Signal(str)

    #: what the write changes when the core function does not return `Changes` (e.g. add_unit)
    write_changes: Changes | None = None

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None = None,
                 ok_text: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error = error_label(_("Problem"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text or _("Save"))
        self.ok_button.setDefault(True)
        self.ok_button.setAutoDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def chain(self, *widgets: QWidget) -> None:
        """Set the tab order: the fields in the order given, then Save, then Cancel."""
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        order = [*widgets, self.ok_button, cancel]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def job(self) -> Callable[[Session], Any]:
        """The write to run, read from the fields (may raise ClerkError for an immediate check)."""
        raise NotImplementedError

    def show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.setVisible(True)
        self.refused.emit(sentence)

    def submit(self) -> None:
        if self.busy:
            return
        try:
            fn = self.job()
        except ClerkError as err:
            self.show_error(str(err))
            return
        self._set_busy(True)
        self.ctx.write(fn, alive(self, self._done), alive(self, self._failed), changes=self.write_changes)

    def _done(self, result: object) -> None:
        self._set_busy(False)
        self.error.setVisible(False)
        self.saved.emit(result)
        self.accept()

