"""What every screen shares: the office, the signed-in user, the database worker.

Contract (GUI thread only):
- `AppContext(db_path, office, user)` owns one `DbWorker` (the worker thread owns
  its connection) and one read-only `reader` connection for instant small reads
  on the GUI thread (a page of 200 ledger rows, a combo's items: < ~30 ms).
- `query(fn, on_done, on_error)` runs `fn(db)` on the worker; callbacks on the GUI thread.
- `write(fn, on_done, on_error)` runs `fn(session)` on the worker with a `Session`
  bound to the worker's connection (so core's refusals and transactions apply);
  on success it emits `changed(Changes)` (returned by `fn`, or the `changes`
  argument), so every
  page can decide whether to redraw (docs/architecture.md §9, habit 1). A `ClerkError` reaches
  `on_error` as the sentence to show; nothing was written. So do a full disk, a
  read-only database or folder and another process holding the write lock past
  the busy timeout (core/db/errors.py words them, as in the CLI).
- `navigate(key, options)` asks the main window to show a page (e.g. the ledger
  filtered to red items); `open_task(task_no)` asks for the task view;
  `marks_seen(ids)` says that opening a task cleared these assignments' import marks
  (ui.task.view; the ledger un-bolds them in place, without re-querying).
- The database is guarded (ui.file_dialogs.guard): file dialogs hide it and,
  should one still drop this process's SQLite locks, call `reconnect()`, which
  closes the reader and the worker's connection and opens both again, so SQLite
  takes its locks anew (all of the process's connections on the file must be
  closed at once for that: SQLite keeps one lock state per file and process).
- `today()` is the effective "today" (core.clock: CLOSELOOP_TODAY in tests).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtCore import QObject, Signal

from core import clock, permissions
from core.auth import User
from core.db.connection import commits
from core.db.errors import refusal_for
from core.office import Changes, Office, Session
from ui import file_dialogs
from ui.shell.worker import DbWorker


def open_reader(path: Path) -> sqlite_utils.Database:
    """A read-only connection owned by the GUI thread."""
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=True)
    conn.execute("PRAGMA busy_timeout = 5000")
    return sqlite_utils.Database(conn)


class AppContext(QObject):
    """The signed-in office session as the GUI sees it (see module contract)."""

    changed = Signal(object)          # core.office.Changes after a write
    navigate = Signal(str, object)    # page key, options dict
    open_task = Signal(str)           # task number
    marks_seen = Signal(object)       # set of assignment ids whose import mark was cleared (core.sync.marks)

    def __init__(self, db_path: Path, office: Office, user: User, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.office = office
        self.user = user
        self.worker = DbWorker(self.db_path, self)
        self.reader = open_reader(self.db_path)
        self._guard = file_dialogs.guard(self.db_path, self.reconnect)

    @property
    def is_hub(self) -> bool:
        return self.office.role == "hub"

    @property
    def can_write(self) -> bool:
        return self.user.can_write

    @property
    def hub_may_write(self) -> bool:
        """A user who may write, of the hub office (core.permissions.hub_may_write)."""
        return permissions.hub_may_write(self.office.role, self.user)

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin" and self.user.active

    def today(self) -> Any:
        return clock.today()

    def query(self, fn: Callable[[sqlite_utils.Database], Any], on_done: Callable[[Any], None],
              on_error: Callable[[Exception], None] | None = None) -> None:
        self.worker.submit(fn, on_done, on_error or self._unhandled)

    def write(self, fn: Callable[[Session], Any], on_done: Callable[[Any], None],
              on_error: Callable[[Exception], None], *, changes: Changes | None = None) -> None:
        """Run a core write; `changes` says what it changes when `fn` does not return Changes."""
        office, user, path = self.office, self.user, self.db_path

        def job(db: sqlite_utils.Database) -> Any:
            # the role as it stands now: a user demoted or deactivated meanwhile writes no more
            row = db.execute("SELECT role, active FROM user WHERE id = ?", [user.id]).fetchone()
            current = User(user.id, user.name, row[0], bool(row[1])) if row else User(user.id, user.name,
                                                                                          "viewer", False)
            saved_before = commits(db)
            try:
                return fn(Session(db, path, office, current, clock.today()))
            except (sqlite3.Error, OSError) as err:
                # a full disk, a read-only file, another writer: a sentence, unless the job had already
                # committed a change (then "nothing was saved" would be false: the crash report says more)
                refusal = refusal_for(err, path) if commits(db) == saved_before else None
                if refusal is None:
                    raise
                raise refusal from err

        def done(result: Any) -> None:
            found = result if isinstance(result, Changes) else next(
                (r for r in result if isinstance(r, Changes)), None) if isinstance(result, tuple) else None
            if found or changes:
                self.changed.emit(found or changes)
            on_done(result)

        self.worker.submit(job, done, on_error)

    @staticmethod
    def _unhandled(exc: Exception) -> None:
        raise exc

    def reconnect(self) -> None:
        """Close every connection of this context and open them again (blocking; GUI thread)."""
        self.reader.conn.close()
        self.worker.reopen()
        self.reader = open_reader(self.db_path)
        self.reader.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # a read takes the lock

    def close(self) -> None:
        file_dialogs.unguard(self._guard)
        self.worker.close()
        self.reader.conn.close()
