"""Backups with SQLite's online backup API (never a copy of the live file)."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from core.errors import Refusal
from core.i18n import _


def backup_to(db: sqlite_utils.Database, target: Path) -> Path:
    """Write a consistent copy of `db` to `target` (through a temporary file, then rename)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    if tmp.exists():
        tmp.unlink()
    dest = sqlite3.connect(str(tmp))
    try:
        db.conn.backup(dest)
    finally:
        dest.close()
    os.replace(tmp, target)
    return target


def check_backup_file(path: Path) -> None:
    """Refuse `path` unless it is an intact Closeloop database."""
    if not Path(path).is_file():
        raise Refusal(_("The backup file {path} does not exist.").format(path=path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise Refusal(
            _("The file {path} is not a Closeloop backup ({detail}).").format(path=path, detail=err)
        ) from err
    if ok != "ok":
        raise Refusal(_("The backup {path} is damaged: {detail}.").format(path=path, detail=ok))
    if not {"office", "task", "assignment", "_sqlite_migrations"} <= names:
        raise Refusal(_("The file {path} is not a Closeloop backup.").format(path=path))


def restore_from(db: sqlite_utils.Database, source: Path) -> None:
    """Replace the content of `db` with the backup at `source`, in one step.

    The caller backs up the current content first. The restored database is
    migrated by the next `open_database`.
    """
    check_backup_file(source)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(db.conn)
    finally:
        src.close()
