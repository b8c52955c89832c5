"""Backups and restores: the one module the CLI and the app both call, so their checks cannot differ.

- `back_up(s, target=None)`: a clerk or administrator (core.backup.access) backs the
  office up into `target` or, without one, into the policy's folder
  (core.backup_policy); audited as `backup`; returns the file.
- `restore(db_path, source, user_name, password, live=None)`: core.backup.restore.
- `check_backup(source, extract_to)`: core.backup.verify.
The file format is in core.backup.format; writing in core.backup.write.
"""
from __future__ import annotations

from pathlib import Path

from core.backup.access import require_backup, require_restore
from core.backup.restore import RestoreResult, restore
from core.backup.verify import Checked, check_backup
from core.backup.write import write_backup
from core.office import Session

__all__ = ["back_up", "restore", "RestoreResult", "check_backup", "Checked", "write_backup",
           "require_backup", "require_restore"]


def back_up(s: Session, target: str | Path | None = None) -> Path:
    """A backup by the signed-in user (clerk or administrator); audited; returns the file written."""
    from core import backup_policy

    require_backup(s.user)
    if target is None:
        written = backup_policy.take_backup(s.db, s.path)
    else:
        written = write_backup(s.db, s.path, Path(target))
    with s.write():
        s.audit("backup", ref=str(written))
    return written
