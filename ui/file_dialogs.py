"""Every file dialog of the app, made so that it can never drop the database's locks.

Why: SQLite's locks are POSIX locks, and closing any descriptor of the database
file (or its -shm) in the app's process drops them all (core.db.locks). Qt's
file dialog guesses each listed file's type by reading its first bytes
(QMimeDatabase content matching, through the icon provider) and a GTK dialog
does the same in-process: browsing to the database's folder used to cost the
app its locks, and a CLI command then deleted the -wal the app was writing to.

Contract (GUI thread; blocking, like QFileDialog's static functions):
- `open_file`, `open_files`, `save_file` and `existing_folder` are the only way
  the app shows a file dialog (a test checks no other module uses QFileDialog).
  Each returns the chosen path(s) as str, "" / [] when the clerk cancels.
- The dialog is Qt's own widget dialog (never the platform's native or GTK one,
  which runs in our process and cannot be controlled), symlinks are not
  resolved, and its icon provider (`NameOnlyIconProvider`) gives icons and type
  names from the file name alone: no file in a listed folder is opened.
- Every guarded database (`guard(path, reconnect)`) and its -wal/-shm/-journal
  files, and any -wal/-shm/-journal file, are hidden from the listing.
- A chosen path that is a guarded database or one of its side files (typed in
  the name box, or reached through a link) is never returned: the clerk is told
  why (`refuse_database`, replaceable in tests) and the call returns as if
  cancelled, so no caller reads, copies or writes over the live database.
- Defence in depth: the locks this process holds on each guarded database are
  read (core.db.locks) before the dialog opens and after it closes; if one was
  lost, the guard's `reconnect()` is called (close every connection, open
  again, so SQLite takes its locks anew) and the loss is logged.
- It speaks the app's language: Qt's own words come from qtbase_<lang>.qm
  (ui.shell.app.install_qt_translations), a folder's type is our "Folder" (Qt's
  lacks a Chinese one) and the modification time is written as the app writes
  dates (core.format.date_and_time: 2026年11月24日 09:30), not in the system's form.
- `make_dialog(...)` builds the dialog without showing it (tests browse with it).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QFileInfo,
    QMimeDatabase,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QFileSystemModel, QMessageBox, QWidget

from core.db.locks import SIDE_SUFFIXES, database_files, held_locks, lost_locks
from core.format import date_and_time
from core.i18n import _

log = logging.getLogger(__name__)
DATE_COLUMN = 3  # QFileSystemModel's "Date Modified"


@dataclass
class Guard:
    """A database this process has open, and how to make SQLite take its locks again."""

    path: Path
    reconnect: Callable[[], None]


_guards: list[Guard] = []


def guard(path: str | Path, reconnect: Callable[[], None]) -> Guard:
    """Hide `path` from every file dialog and check its locks around each one; `unguard` undoes it."""
    entry = Guard(Path(path).resolve(), reconnect)
    _guards.append(entry)
    return entry


def unguard(entry: Guard) -> None:
    if entry in _guards:
        _guards.remove(entry)


def guarded_paths() -> set[str]:
    return {str(p) for g in _guards for p in database_files(g.path)}


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name's suffix; never opens a file (see module contract)."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QFileIconProvider.Option.DontUseCustomDirectoryIcons)
        self._mime = QMimeDatabase()
        self._icons: dict[str, QIcon] = {}

    def icon(self, what: object) -> QIcon:  # type: ignore[override]
        if not isinstance(what, QFileInfo):
            return super().icon(what)  # type: ignore[call-overload]
        if what.isDir():
            return super().icon(QFileIconProvider.IconType.Folder)
        name = self._mime.mimeTypeForFile(what.fileName(), QMimeDatabase.MatchMode.MatchExtension).iconName()
        if name not in self._icons:
            fallback = super().icon(QFileIconProvider.IconType.File)
            self._icons[name] = QIcon.fromTheme(name, fallback)
        return self._icons[name]

    def type(self, info: QFileInfo) -> str:
        if info.isDir():  # a fixed word, nothing read (Qt's own "Folder" has no Chinese in qtbase_zh_CN)
            return _("Folder")
        return self._mime.mimeTypeForFile(info.fileName(), QMimeDatabase.MatchMode.MatchExtension).comment()


class HideDatabaseFiles(QSortFilterProxyModel):
    """Rows of the dialog's file model, without the guarded databases and any SQLite side file;
    the modification time in the app's date form (core.format.date_and_time), not the system's."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.column() == DATE_COLUMN and role == Qt.ItemDataRole.DisplayRole:
            model = self.sourceModel()
            if isinstance(model, QFileSystemModel):
                moment = model.lastModified(self.mapToSource(index))
                if moment.isValid():
                    return date_and_time(moment.toPython())
        return super().data(index, role)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        index = model.index(row, 0, parent)
        path = str(index.data(QFileSystemModel.Roles.FilePathRole) or "")
        if not path:
            return True
        if path.endswith(SIDE_SUFFIXES):
            return False
        hidden = guarded_paths()
        return not hidden or (path not in hidden and str(Path(path).resolve()) not in hidden)


def make_dialog(parent: QWidget | None, title: str, folder: str, file_filter: str,
                mode: QFileDialog.FileMode, *, save: bool = False) -> QFileDialog:
    """The app's file dialog, configured as the module contract says, not shown."""
    dialog = QFileDialog(parent, title, folder, file_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setOption(QFileDialog.Option.DontResolveSymlinks, True)
    dialog.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
    provider = NameOnlyIconProvider()
    dialog.setIconProvider(provider)
    dialog.closeloop_icon_provider = provider  # type: ignore[attr-defined]  # the dialog does not own it
    proxy = HideDatabaseFiles(dialog)
    dialog.setProxyModel(proxy)
    dialog.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    return dialog


@contextmanager
def locks_kept() -> Iterator[None]:
    """Check every guarded database's locks around the block; reconnect where one was lost."""
    before = [(g, held_locks(g.path)) for g in list(_guards)]
    try:
        yield
    finally:
        for entry, held in before:
            lost = lost_locks(held, held_locks(entry.path))
            if not lost:
                continue
            log.error("a file dialog dropped this process's SQLite locks on %s; reconnecting",
                      ", ".join(sorted(str(p) for p in lost)))
            entry.reconnect()
            missing = lost_locks(held, held_locks(entry.path))
            if missing:
                log.error("the locks on %s could not be taken again", ", ".join(sorted(map(str, missing))))


def is_guarded_file(path: str | Path) -> bool:
    """Whether `path` is (by inode, so links count) a guarded database or one of its side files."""
    try:
        st = os.stat(path)
    except OSError:
        return str(Path(path).resolve()) in guarded_paths()
    for name in guarded_paths():
        try:
            other = os.stat(name)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            return True
    return str(Path(path).resolve()) in guarded_paths()


def refuse_database(parent: QWidget | None, path: str) -> None:
    """Say that the database cannot be chosen here (blocking; tests replace this)."""
    QMessageBox.warning(parent, _("Closeloop"), _(
        "{path} is the office's database, which cannot be chosen here; choose another file. "
        "To keep a copy of the database, make a backup.").format(path=path))


def _run(dialog: QFileDialog) -> list[str]:
    parent = dialog.parentWidget()
    with locks_kept():
        accepted = dialog.exec() == QFileDialog.DialogCode.Accepted
        files = list(dialog.selectedFiles()) if accepted else []
    dialog.deleteLater()
    refused = [f for f in files if is_guarded_file(f)]
    if refused:
        log.warning("refused the database file %s chosen in a file dialog", refused[0])
        refuse_database(parent, refused[0])
        return []
    return files


def open_file(parent: QWidget | None, title: str, folder: str = "", file_filter: str = "") -> str:
    """One existing file, or "" when cancelled."""
    files = _run(make_dialog(parent, title, folder, file_filter, QFileDialog.FileMode.ExistingFile))
    return files[0] if files else ""


def open_files(parent: QWidget | None, title: str, folder: str = "", file_filter: str = "") -> list[str]:
    """Existing files, or [] when cancelled."""
    return _run(make_dialog(parent, title, folder, file_filter, QFileDialog.FileMode.ExistingFiles))


def save_file(parent: QWidget | None, title: str, suggested: str = "", file_filter: str = "") -> str:
    """The path to save to (the dialog asks before replacing a file), or "" when cancelled."""
    files = _run(make_dialog(parent, title, suggested, file_filter, QFileDialog.FileMode.AnyFile, save=True))
    return files[0] if files else ""


def existing_folder(parent: QWidget | None, title: str, start: str = "") -> str:
    """An existing folder, or "" when cancelled."""
    files = _run(make_dialog(parent, title, start, "", QFileDialog.FileMode.Directory))
    return files[0] if files else ""
