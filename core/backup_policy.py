"""Where and how often the office database is backed up, and taking a backup.

Settings (table `setting`): `backup_folder` (default: `backups/` beside the
database), `backup_every_hours` (default 24; 0 turns the periodic backup off),
`last_backup_at` (UTC ISO time of the last backup taken through this module).
`take_backup()` writes a backup file (core.backup.write: the database by SQLite's
backup API, never a file copy, with its evidence files) named
`<db name>-YYYYmmdd-HHMMSS.clbak`, never overwriting one. `list_backups()` lists
the finished backups of this database in the folder (`.clbak`, and the plain
`.db` backups of earlier versions), after removing the partial files killed
backups and restores left there; a partial file is never listed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from core.backup.access import require_backup
from core.backup.format import EXTENSION, clean_leftovers, unique_name
from core.backup.write import write_backup
from core.errors import UsageError
from core.i18n import _
from core.office import Session, get_setting, set_setting

DEFAULT_EVERY_HOURS = 24


@dataclass(frozen=True)
class BackupPolicy:
    folder: Path
    every_hours: int
    last_backup_at: dt.datetime | None


def policy(db: sqlite_utils.Database, db_path: Path) -> BackupPolicy:
    folder = get_setting(db, "backup_folder", "") or str(Path(db_path).parent / "backups")
    every = int(get_setting(db, "backup_every_hours", str(DEFAULT_EVERY_HOURS)))
    last = get_setting(db, "last_backup_at", "")
    return BackupPolicy(Path(folder), every, dt.datetime.fromisoformat(last) if last else None)


def set_policy(s: Session, folder: str | Path | None, every_hours: int) -> BackupPolicy:
    """Save where and how often to back up (an administrator's setting)."""
    if not 0 <= every_hours <= 24 * 30:
        raise UsageError(_("Back up every 0 to 720 hours (0 turns the periodic backup off)."))
    with s.write(admin=True):
        set_setting(s.db, "backup_folder", str(folder or ""))
        set_setting(s.db, "backup_every_hours", str(int(every_hours)))
        s.audit("backup_policy", folder=str(folder or ""), every_hours=every_hours)
    return policy(s.db, s.path)


def is_due(db: sqlite_utils.Database, db_path: Path, now: dt.datetime) -> bool:
    """Whether a periodic backup is due at `now` (UTC)."""
    p = policy(db, db_path)
    if p.every_hours <= 0:
        return False
    return p.last_backup_at is None or now - p.last_backup_at >= dt.timedelta(hours=p.every_hours)


def take_backup(db: sqlite_utils.Database, db_path: Path, now: dt.datetime | None = None) -> Path:
    """Back the database up into the policy's folder; returns the file written."""
    now = now or dt.datetime.now(dt.UTC)
    p = policy(db, db_path)
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    target = write_backup(db, db_path, unique_name(p.folder, f"{Path(db_path).stem}-{stamp}"))
    set_setting(db, "last_backup_at", now.isoformat())
    return target


def back_up(s: Session, target: str | Path | None = None) -> Path:
    """A backup by the signed-in user (clerk or administrator, core.backup.access) into `target` or,
    without one, into the policy's folder; audited as `backup`; returns the file written.

    The one backup the CLI (`backup`) and the app (Settings → Backup) both call.
    """
    require_backup(s.user)
    if target is None:
        written = take_backup(s.db, s.path)
    else:
        written = write_backup(s.db, s.path, Path(target))
    with s.write():
        s.audit("backup", ref=str(written))
    return written


def list_backups(db: sqlite_utils.Database, db_path: Path) -> list[Path]:
    """Finished backup files of this database in the policy's folder, newest first (partial ones removed)."""
    folder = policy(db, db_path).folder
    if not folder.is_dir():
        return []
    clean_leftovers(folder)
    stem = Path(db_path).stem
    files = [f for pattern in (f"{stem}-*{EXTENSION}", f"{stem}-*.db") for f in folder.glob(pattern)
             if f.is_file()]
    return sorted(files, key=lambda f: f.stat().st_mtime, reverse=True)
