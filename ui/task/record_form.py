"""The pieces every "record something" dialog shares: the attachment list, the red error line,
Record/Cancel, Ctrl+Enter in the text box, and what happens on success or refusal.

Contract: `AttachmentList(choose, accessible, remove_accessible, height)` lists
chosen files (name shown, full path as data and tooltip), adds what
`choose(parent)` returns (a file already listed is listed once) and removes the
selected ones. `RecordDialogMixin` (after `WriteDialogMixin`, before `QDialog`)
gives a dialog with `error`, `recorded` and `refused` its `_done` and
`show_error`. Used by ui.task.action_forms and ui.score_entries. GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.office import Changes

ERROR_COLOR = "#c62828"


class AttachmentList(QWidget):
    """A list of files with "Add files…" and "Remove" beside it (see the module contract)."""

    changed = Signal()

    def __init__(self, choose: Callable[[QWidget], list[str]], accessible: str, remove_accessible: str,
                 height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choose = choose
        self.files = QListWidget()
        self.files.setAccessibleName(accessible)
        self.files.setMaximumHeight(height)
        self.add_button = QPushButton(_("Add &files…"))
        self.add_button.setAutoDefault(False)  # Enter records the form wherever the focus is
        self.add_button.clicked.connect(self.add_files)
        self.remove_button = QPushButton(_("Remo&ve"))
        self.remove_button.setAutoDefault(False)
        self.remove_button.setAccessibleName(remove_accessible)
        self.remove_button.clicked.connect(self.remove_selected)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.files, 1)
        row.addLayout(side)

    def add_files(self) -> None:
        """Ask for files and list those not listed yet."""
        present = set(self.paths())
        for path in self._choose(self.window()):
            if path in present:
                continue
            item = QListWidgetItem(Path(path).name)
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.files.addItem(item)
            present.add(path)

    def remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def paths(self) -> list[str]:
        """The full paths listed, in order."""
        return [str(self.files.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.files.count())]


def error_label() -> QLabel:
    """The hidden red line in which a refusal's sentence shows."""
    label = QLabel()
    label.setObjectName("formError")
    label.setAccessibleName(_("Why it was not recorded"))
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setVisible(False)
    return label


def record_buttons(submit: Callable[[], None], reject: Callable[[], None]) -> tuple[QDialogButtonBox, QPushButton]:
    """Record (the default: Enter) and Cancel (Esc); returns the box and its Record button."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(_("&Record"))
    ok.setDefault(True)
    buttons.accepted.connect(submit)
    buttons.rejected.connect(reject)
    return buttons, ok


def is_ctrl_enter(event: QEvent) -> bool:
    """Whether `event` is Ctrl+Enter pressed (which records from inside a text box)."""
    return (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))


def watch_edits(widget: QObject | None, slot: Callable[[], None]) -> None:
    """Call `slot` on every edit of `widget` (text, date or check box; None is ignored)."""
    if widget is None:
        return
    for name in ("textChanged", "dateChanged", "toggled"):
        signal = getattr(widget, name, None)
        if isinstance(signal, SignalInstance):
            signal.connect(lambda *_args: slot())
            return


class RecordDialogMixin:
    """Success closes the dialog after emitting `recorded`; a refusal shows in `error` and emits `refused`."""

    error: QLabel
    recorded: SignalInstance
    refused: SignalInstance

    def _done(self, changes: Changes) -> None:
        self._set_busy(False)  # type: ignore[attr-defined]
        self.error.setVisible(False)
        self.recorded.emit(changes)
        self.accept()  # type: ignore[attr-defined]

    def show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.setVisible(True)
        self.refused.emit(sentence)
