"""Opening an office database.

Contract: `open_database(path)` returns a sqlite-utils `Database` in WAL mode,
`synchronous=FULL`, foreign keys on, a 5 s busy timeout, with every pending
migration applied (after a backup of the file when it already held data).
A connection belongs to the thread that opened it: a worker thread opens its own.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from core.errors import Refusal
from core.i18n import _

BUSY_TIMEOUT_MS = 5000


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open `path` with the house pragmas, without touching the schema.

    A path that cannot be a database (a folder, an unreadable file) is a Refusal naming it.
    """
    if str(path) != ":memory:" and Path(path).is_dir():
        raise Refusal(_("{path} is a folder, not a Closeloop database; give the database file.").format(path=path))
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as err:
        raise Refusal(_("The file {path} cannot be opened ({detail}); check the path and its permissions.")
                      .format(path=path, detail=err)) from err
    db = sqlite_utils.Database(conn, execute_plugins=False)  # no plugins: skips a ~40 ms entry-point scan
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as err:
        conn.close()
        raise Refusal(
            _("The file {path} is not a Closeloop database or is damaged ({detail}).").format(
                path=path, detail=err
            )
        ) from err
    if str(mode).lower() != "wal" and str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
    return db


def open_database(path: str | Path, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if absent) and migrate the office database at `path`."""
    from core.db.migrations import migrate_database

    db = connect(path)
    if migrate:
        try:
            migrate_database(db, Path(path))
        except BaseException:
            db.conn.close()
            raise
    return db
