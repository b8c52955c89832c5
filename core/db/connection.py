"""Opening an office database.

Contract: `open_database(path)` returns a sqlite-utils `Database` in WAL mode,
`synchronous=FULL`, foreign keys on, a 5 s busy timeout, with every pending
migration applied (after a backup of the file when it already held data).
A connection belongs to the thread that opened it: a worker thread opens its own.

Writes: the database object's outermost `atomic()` (and so `Session.write()`,
sqlite-utils' own inserts and the migrations) is `write_transaction()`, which
starts with `BEGIN IMMEDIATE`: the write lock is taken first, waiting up to the
busy timeout, so a transaction that reads before it writes never fails half-way
because another process wrote in between (NOTES.md, SQLite locks). Nested ones are
savepoints. A write still waiting after the timeout is the Refusal "another window
is writing"; SQLite's other OS conditions are mapped in core/db/errors.py.
`commits()` counts the write transactions this process committed (the CLI says
whether a change was saved before a failure).
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from core.db.errors import database_path, refusal_for
from core.errors import Refusal
from core.i18n import _

BUSY_TIMEOUT_MS = 5000

_commits = 0  # write transactions committed by this process (any connection)


def commits(db: sqlite_utils.Database | None = None) -> int:
    """How many write transactions (or autocommitted write statements) were committed.

    By this process, or with `db` by that database object only (the GUI worker's jobs).
    """
    return _commits if db is None else int(getattr(db, "commit_count", 0))


def _committed(db: sqlite_utils.Database) -> None:
    global _commits
    _commits += 1
    db.commit_count = commits(db) + 1  # type: ignore[attr-defined]


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One write transaction: `BEGIN IMMEDIATE` … `COMMIT`, or a savepoint inside an open transaction.

    A Refusal if the write lock is still held by another connection after the busy
    timeout, or if a mapped OS condition (read-only, full disk…) stops it; in every
    failure the transaction is rolled back and nothing was changed.
    """
    conn = db.conn
    if conn.in_transaction:
        with sqlite_utils.Database.atomic(db):
            yield db
        return
    try:
        conn.execute("BEGIN IMMEDIATE")  # waits up to the busy timeout for the write lock
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except (sqlite3.Error, OSError) as err:
        refusal = refusal_for(err, database_path(conn))
        if refusal is None:
            raise
        raise refusal from err
    _committed(db)


def _statements(sql: str) -> Iterator[str]:
    """The complete statements of a script, stripped, and what is left after the last one."""
    start = 0
    for i, char in enumerate(sql):
        if char == ";":
            text = sql[start:i + 1].strip()
            if text and sqlite3.complete_statement(text):
                yield text
                start = i + 1
    rest = sql[start:].strip()
    if rest:
        yield rest


class OfficeDatabase(sqlite_utils.Database):
    """sqlite-utils' Database whose outermost `atomic()` is `write_transaction()` (BEGIN IMMEDIATE)."""

    @contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:  # type: ignore[override]
        with write_transaction(self) as db:
            yield db

    def executescript(self, sql: str) -> sqlite3.Cursor:
        """As sqlite-utils' executescript (inside a transaction: one statement at a time, no implicit commit).

        It splits the script by asking SQLite whether the text so far is complete after every character,
        joining it again each time (a migration's script took ~20 ms); a statement can only become complete
        at a semicolon, so `_statements` asks there only and yields the same statements.
        """
        if not self.conn.in_transaction:
            return super().executescript(sql)
        tracer = getattr(self, "_tracer", None)
        if tracer:
            tracer(sql, None)
        cursor = self.conn.cursor()
        for statement in _statements(sql):
            cursor.execute(statement)
        return cursor

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """As sqlite-utils' execute; a write statement outside a transaction counts as a commit."""
        if self.conn.in_transaction:
            return super().execute(sql, parameters)
        before = self.conn.total_changes
        cursor = super().execute(sql, parameters)
        if self.conn.total_changes != before:
            _committed(self)
        return cursor


def insert_row(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> int:
    """INSERT one row into `table` (a name from the schema) and return its rowid.

    One statement, where sqlite-utils' `db[table].insert()` also reads the schema
    (three SELECTs on sqlite_master) and wraps the insert in a savepoint: the hot
    write path (an action's event, evidence and audit rows) uses this instead.
    """
    columns = ", ".join(f'"{c}"' for c in row)
    cursor = db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(row))})',
                        list(row.values()))
    return int(cursor.lastrowid or 0)


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
    db = OfficeDatabase(conn, execute_plugins=False)  # no plugins: skips a ~40 ms entry-point scan
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as err:
        conn.close()
        refusal = refusal_for(err, path)  # a read-only folder, a full disk, another writer…
        if refusal is not None:
            raise refusal from err
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
