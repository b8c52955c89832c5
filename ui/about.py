"""The About box: versions and where this office's files are.

Contract: `AboutDialog(ctx)` lists the versions of Closeloop, Python, Qt,
PySide6 and SQLite, and the paths of the database, the log file and the backup
folder (from the office's backup policy, read through `ctx.reader`). "Copy"
puts the same text on the clipboard for a support request. `present()` opens
it without blocking (a classmethod tests may replace). GUI thread only.
"""
from __future__ import annotations

import platform
import sqlite3

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import core
from core.backup_policy import policy
from core.i18n import _
from ui.shell import crash
from ui.shell.context import AppContext


def about_rows(ctx: AppContext) -> list[tuple[str, str]]:
    """(label, value) pairs shown in the box, in order."""
    try:
        backups = str(policy(ctx.reader, ctx.db_path).folder)
    except Exception as exc:  # the box must open even on a strange database
        backups = f"? ({type(exc).__name__})"
    return [
        (_("Closeloop"), core.__version__),
        (_("Python"), platform.python_version()),
        (_("Qt"), qVersion()),
        (_("PySide6"), PySide6.__version__),
        (_("SQLite"), sqlite3.sqlite_version),
        (_("Database"), str(ctx.db_path.resolve())),
        (_("Log file"), str(crash.log_path())),
        (_("Backup folder"), backups),
    ]


class AboutDialog(QDialog):
    """Versions and data paths, with a Copy button (see the module contract)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About Closeloop"))
        self.rows = about_rows(ctx)
        title = QLabel(_("Closeloop — the 13710 supervision work system"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        form = QFormLayout()
        for label, value in self.rows:
            field = QLabel(value)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setAccessibleName(label)
            form.addRow(_("{label}:").format(label=label), field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(_("&Copy"))
        copy.setAccessibleName(_("Copy versions and paths"))
        copy.clicked.connect(self.copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)

    def text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.rows)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())

    @classmethod
    def present(cls, parent: QWidget, ctx: AppContext) -> AboutDialog:
        dialog = cls(ctx, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
