"""Settings → backups: where and how often, the last backup, "back up now", and restore.

Contract: `BackupSection(ctx, parent)` loads the policy and the backup files
through `ctx.query` (`core.backup_policy`; the files are listed and stat'ed on
the worker) and emits `loaded`. An administrator changes the folder (picked
through `choose_folder`, replaceable in tests) and the interval in hours (0 =
off) with "Save"; a clerk or administrator may "Back up now" (`backed_up(path)`);
an administrator may restore a listed backup: `confirm_restore` (replaceable)
asks first, for the administrator's password, then
`core.office_settings.restore_backup` runs on the worker (core.backup.restore: the
same checks as the CLI's, the safety backup, the reserved task numbers, the
audit entry, the one-step swap); `ctx.changed` is emitted
with everything changed so every page reloads, the section says what happened
(with the task numbers it reserved) and `restored(Restored)` is emitted. The
list shows only finished backups (`.clbak`, and old plain `.db` ones). Refusals show in red (`refused`).
Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from babel.units import format_unit
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import backup_policy
from core import office_settings as settings_ops
from core.i18n import _, babel_locale
from ui import file_dialogs
from ui.pages.directory.form import alive, error_label
from ui.pages.settings.common import say, show_failure
from ui.shell.context import AppContext

PATH_ROLE = Qt.ItemDataRole.UserRole


def choose_folder(parent: QWidget, start: str) -> str | None:
    """Ask for a folder (replaced in tests); None when the clerk cancels."""
    folder = file_dialogs.existing_folder(parent, _("Folder for backups"), start)
    return folder or None


def confirm_restore(parent: QWidget, text: str) -> str | None:
    """Ask before a restore, for the administrator's password (replaced in tests); None when cancelled.

    The password is checked against the current database and the backup (core.backup.restore).
    """
    password, ok = QInputDialog.getText(parent, _("Restore a backup"), text, QLineEdit.EchoMode.Password)
    return password if ok else None


def when_text(moment: dt.datetime) -> str:
    return format_datetime(moment.astimezone(), "medium", locale=babel_locale())


def size_text(size: int) -> str:
    mb = size / (1024 * 1024)
    if mb >= 1:
        return format_unit(round(mb, 1), "digital-megabyte", "short", locale=babel_locale())
    return format_unit(max(1, round(size / 1024)), "digital-kilobyte", "short", locale=babel_locale())


def _load(db: Any, path: Path) -> tuple[backup_policy.BackupPolicy, list[tuple[Path, int, dt.datetime]]]:
    files = []
    for f in backup_policy.list_backups(db, path):
        try:
            st = f.stat()
        except OSError:
            continue
        files.append((f, st.st_size, dt.datetime.fromtimestamp(st.st_mtime, dt.UTC)))
    return backup_policy.policy(db, path), files


def _row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    for w in widgets:
        row.addWidget(w)
    row.addStretch(1)
    return row


class BackupSection(QWidget):
    """Backups (see the module contract)."""

    loaded = Signal()
    backed_up = Signal(object)   # Path
    restored = Signal(object)    # core.office_settings.Restored
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.policy: backup_policy.BackupPolicy | None = None
        self.folder = QLineEdit()
        self.folder.setAccessibleName(_("Backup folder"))
        self.choose_button = QPushButton(_("&Choose…"))
        self.choose_button.clicked.connect(self.choose)
        self.every = QSpinBox()
        self.every.setRange(0, 24 * 30)
        self.every.setSuffix(_(" hours"))
        self.every.setSpecialValueText(_("Off"))
        self.every.setAccessibleName(_("Back up every"))
        self.every.setMinimumWidth(120)
        self.save_button = QPushButton(_("&Save"))
        self.save_button.clicked.connect(self.save_policy)
        self.last = QLabel()
        self.last.setAccessibleName(_("Last backup"))
        self.now_button = QPushButton(_("&Back up now"))
        self.now_button.clicked.connect(self.back_up_now)
        self.files = QListWidget()
        self.files.setAccessibleName(_("Backups"))
        self.files.itemSelectionChanged.connect(self._update_buttons)
        self.restore_button = QPushButton(_("&Restore…"))
        self.restore_button.clicked.connect(self.restore)
        self.message = error_label(_("Message"))

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        folder_label = QLabel(_("&Folder:"))
        folder_label.setBuddy(self.folder)
        form = QFormLayout()
        form.addRow(folder_label, folder_row)
        every_label = QLabel(_("Back up &every:"))
        every_label.setBuddy(self.every)
        form.addRow(every_label, _row(self.every, self.save_button))
        form.addRow(_("Last backup:"), _row(self.last, self.now_button))
        restore_row = _row(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("<b>Backups in the folder</b>, newest first")))
        layout.addWidget(self.files, 1)
        layout.addLayout(restore_row)
        layout.addWidget(self.message)
        note = QLabel(_("A restore first backs up the current content, so it can be undone by restoring that "
                        "backup. Only an administrator may change these settings or restore."))
        note.setWordWrap(True)
        layout.addWidget(note)
        admin = ctx.is_admin
        for w in (self.folder, self.choose_button, self.every):
            w.setEnabled(admin)
        self.save_button.setVisible(admin)
        self.restore_button.setVisible(admin)
        self.now_button.setVisible(ctx.can_write)
        self._update_buttons()
        self.reload()

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        path = self.ctx.db_path
        self.ctx.query(lambda db: _load(db, path), alive(self, self._loaded))

    def _loaded(self, result: tuple[backup_policy.BackupPolicy, list[tuple[Path, int, dt.datetime]]]) -> None:
        self.policy, files = result
        self.folder.setText(str(self.policy.folder))
        self.every.setValue(self.policy.every_hours)
        self.last.setText(when_text(self.policy.last_backup_at) if self.policy.last_backup_at
                          else _("No backup has been taken yet."))
        self.files.clear()
        for path, size, mtime in files:
            item = QListWidgetItem(f"{path.name}    {when_text(mtime)}    {size_text(size)}")
            item.setData(PATH_ROLE, str(path))
            self.files.addItem(item)
        self._update_buttons()
        self.loaded.emit()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(bool(self.files.selectedItems()))

    # ----- actions ----------------------------------------------------------------------

    def choose(self) -> None:
        folder = choose_folder(self, self.folder.text())
        if folder:
            self.folder.setText(folder)

    def save_policy(self) -> None:
        folder, every = self.folder.text().strip(), self.every.value()
        default = str(self.ctx.db_path.parent / "backups")
        self.ctx.write(lambda s: backup_policy.set_policy(s, None if folder == default else folder or None, every),
                       alive(self, lambda _p: self._done(_("Backup settings saved."))), alive(self, self._failed))

    def back_up_now(self) -> None:
        self.now_button.setEnabled(False)

        def done(path: Path) -> None:
            self.now_button.setEnabled(True)
            self._done(_("Backed up to {path}.").format(path=path))
            self.backed_up.emit(path)
        self.ctx.write(settings_ops.back_up_now, alive(self, done), alive(self, self._failed))

    def selected_backup(self) -> Path | None:
        items = self.files.selectedItems()
        return Path(items[0].data(PATH_ROLE)) if items else None

    def restore(self) -> None:
        source = self.selected_backup()
        if source is None:
            return
        text = _("Replace everything in this database with the backup {name}? The current content is backed "
                 "up first; every page reloads afterwards. Type your password to confirm; it must also sign you "
                 "in as an administrator in the backup.").format(name=source.name)
        password = confirm_restore(self, text)
        if password is None:
            return
        self.restore_button.setEnabled(False)

        def job(s: Any) -> tuple[settings_ops.Restored, Any]:
            restored = settings_ops.restore_backup(s, source, password)
            return restored, restored.changes

        def done(result: tuple[settings_ops.Restored, Any]) -> None:
            restored = result[0]
            self._done(" ".join(restored.sentences + [_("Every page has reloaded its data.")]))
            self.restored.emit(restored)
        self.ctx.write(job, alive(self, done), alive(self, self._failed))

    def _done(self, text: str) -> None:
        say(self.message, text)
        self.reload()

    def _failed(self, exc: Exception) -> None:
        self.now_button.setEnabled(True)
        self._update_buttons()
        show_failure(self.message, exc, self.refused)
