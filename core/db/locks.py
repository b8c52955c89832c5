"""Which of SQLite's file locks this process holds on a database (Linux: /proc/locks).

Why: POSIX advisory locks belong to the process, and closing ANY descriptor of a
file in the process drops every lock the process holds on it (SQLite's
howtocorrupt §2.2). SQLite cannot notice; another process may then take the
write lock alongside ours or delete the -wal/-shm files we still use. The app
checks with `held_locks` before and after anything that might touch the files
(a file dialog) and reconnects when a lock went missing.

Contract:
- `side_files(db_path)` are the files SQLite keeps beside a database
  (-wal, -shm, -journal); `database_files(db_path)` is the database and those.
- `held_locks(db_path, pid)` is the set of those files (among the database and
  its -shm, the two SQLite locks in WAL mode) on which `pid` (default: this
  process) holds a POSIX lock, or None where it cannot be known (no /proc/locks,
  i.e. not Linux). It only stats files and reads /proc/locks: it never opens the
  database or its side files, so it cannot itself drop a lock.
- `lost_locks(before, after)` names the files locked in `before` and not in `after`.
- `write_lock_free(db_path, timeout_s)`: whether a write could start (see there).
"""
from __future__ import annotations

import os
from pathlib import Path

PROC_LOCKS = Path("/proc/locks")
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def side_files(db_path: str | Path) -> list[Path]:
    db_path = Path(db_path)
    return [db_path.with_name(db_path.name + suffix) for suffix in SIDE_SUFFIXES]


def database_files(db_path: str | Path) -> list[Path]:
    return [Path(db_path), *side_files(db_path)]


def _inode(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return os.major(st.st_dev), os.minor(st.st_dev), st.st_ino


def _locked_inodes(pid: int) -> set[tuple[int, int, int]] | None:
    """(major, minor, inode) of every POSIX lock `pid` holds, from /proc/locks; None if unreadable."""
    try:
        text = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    out: set[tuple[int, int, int]] = set()
    for line in text.splitlines():
        fields = line.split()
        if "->" in fields:  # a waiter on a lock, not a lock held
            continue
        # "1: POSIX  ADVISORY  READ 4509 fe:00:2163263 1073741826 1073742335"
        if len(fields) < 6 or fields[1] != "POSIX":
            continue
        try:
            owner = int(fields[4])
            major, minor, inode = fields[5].split(":")
            key = (int(major, 16), int(minor, 16), int(inode))
        except ValueError:
            continue
        if owner == pid:
            out.add(key)
    return out


def held_locks(db_path: str | Path, pid: int | None = None) -> set[Path] | None:
    """The database files (database, -shm) `pid` holds a lock on; None when not knowable here."""
    locked = _locked_inodes(os.getpid() if pid is None else pid)
    if locked is None:
        return None
    db_path = Path(db_path)
    held = set()
    for path in (db_path, db_path.with_name(db_path.name + "-shm")):
        key = _inode(path)
        if key is not None and key in locked:
            held.add(path)
    return held


def lost_locks(before: set[Path] | None, after: set[Path] | None) -> set[Path]:
    if before is None or after is None:
        return set()
    return before - after


def write_lock_free(db_path: str | Path, timeout_s: float) -> bool:
    """Whether a write transaction on `db_path` can start within `timeout_s` (it is rolled back at once).

    False means another connection has held SQLite's write lock all that time (a program
    that does not answer). Opens the file through SQLite only; a missing file, or one
    SQLite cannot use for another reason (that is for the caller's open to report), is True.
    """
    import sqlite3

    if not Path(db_path).is_file():
        return True
    conn = sqlite3.connect(str(db_path), timeout=timeout_s, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as err:
        return "locked" not in str(err) and "busy" not in str(err)
    except sqlite3.Error:
        return True
    finally:
        conn.close()
    return True
