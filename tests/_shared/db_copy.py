"""The one way the tests copy a template database.

Contract: `copy_database(source, target, *sql)` copies the database `source` to
`target` with SQLite's backup API (a consistent copy even of a live database in
WAL mode: never copy a database's file), then runs each statement of `sql` on
the copy and commits (a doctored copy: a unit office, a damaged backup), and
returns `target`. The copy's installation binding (docs/sync.md) is set for
`target`, so the copy is a database that has always been there, not a copied one
that takes a new device id at its first session. An existing `target` is replaced, with its -wal and -shm files.
Both conftests put the project root on sys.path, so tests import it as
`from tests._shared.db_copy import copy_database` (or use the `copy_db` fixture).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path


def copy_database(source: Path, target: Path, *sql: str) -> Path:
    """Copy `source` to `target` (SQLite backup), run `sql` on the copy; returns `target`."""
    for old in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        old.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
        if dst.execute("SELECT 1 FROM sqlite_master WHERE name = 'sync_identity'").fetchone():
            from core.sync.identity import machine_binding

            # bound where it lands, as if it had always been here (not a copied database)
            dst.execute("UPDATE sync_identity SET binding = ?", [machine_binding(target)])
        for statement in sql:
            dst.execute(statement)
        dst.commit()
    finally:
        src.close()
        dst.close()
    return target
