"""The periodic backup: a timer that asks the core whether a backup is due and takes it on the worker.

Contract: `BackupTimer(ctx)` (GUI thread) checks `core.backup_policy.is_due`
every `CHECK_EVERY_MS` (and once `FIRST_CHECK_MS` after `start()`, so start-up is
not slowed); when due, the same worker job takes the backup with
`core.backup_policy.take_backup` (SQLite's backup API, on the worker's own
connection, in the worker's queue order). It emits `backed_up(path)` or
`failed(sentence)` on the GUI thread; a viewer's office is backed up too (a
backup protects the data, it changes none). Only one check runs at a time.
`check_now()` runs a check at once (tests, "after a big import").
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.backup_policy import is_due, take_backup
from core.errors import ClerkError
from core.i18n import _
from ui.shell.context import AppContext

CHECK_EVERY_MS = 5 * 60_000
FIRST_CHECK_MS = 20_000


class BackupTimer(QObject):
    """Backs the office database up when its policy says it is due (see the module contract)."""

    backed_up = Signal(object)   # Path of the file written
    checked = Signal(bool)       # a check ended; True if it took a backup
    failed = Signal(str)         # a sentence for the status bar

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent or ctx)
        self.ctx = ctx
        self._busy = False
        self._timer = QTimer(self, interval=CHECK_EVERY_MS)
        self._timer.timeout.connect(self.check_now)
        self._first = QTimer(self, singleShot=True, interval=FIRST_CHECK_MS)
        self._first.timeout.connect(self.check_now)

    def start(self) -> None:
        self._first.start()
        self._timer.start()

    def stop(self) -> None:
        self._first.stop()
        self._timer.stop()

    @Slot()
    def check_now(self) -> None:
        if self._busy:
            return
        self._busy = True
        path = self.ctx.db_path

        def work(db: sqlite_utils.Database) -> Path | None:
            now = dt.datetime.now(dt.UTC)
            return take_backup(db, path, now) if is_due(db, path, now) else None

        self.ctx.query(work, self._done, self._failed)

    def _done(self, result: Path | None) -> None:
        self._busy = False
        if result is not None:
            self.backed_up.emit(result)
        self.checked.emit(result is not None)

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        detail = str(exc) if isinstance(exc, ClerkError) else f"{type(exc).__name__}: {exc}"
        self.failed.emit(_("The periodic backup failed: {detail}").format(detail=detail))
        self.checked.emit(False)
