"""What the operating system and SQLite say, in the clerk's words: the one place that maps them.

Contract: `refusal_for(err, path)` turns the failures a clerk can fix or wait out
into a `Refusal` with one sentence (what is wrong, and what to do); anything else
gives None and stays an internal error. Every condition mapped here stops the
write before its COMMIT took effect (SQLite rolls the transaction back), so each
sentence may say that nothing was changed. `refusing_os_errors(path)` raises
those Refusals in place of the exceptions; the CLI's main loop, the write
transaction (core/db/connection.py) and the GUI's write path (ui/shell/context.py) use it.

The conditions, by SQLite's extended result name (Python 3.11 `sqlite_errorname`):
- SQLITE_BUSY* ("database is locked"): another process holds the write lock past
  the busy timeout;
- SQLITE_READONLY_DIRECTORY: the folder is read-only, so the -wal/-shm files
  cannot be made (even reading fails);
- SQLITE_READONLY and the other SQLITE_READONLY_*: the file (or its -shm) is read-only;
- SQLITE_FULL: the disk (or the database's size limit) is full;
- SQLITE_IOERR*: the disk failed to read or write.
An `OSError` with ENOSPC/EDQUOT (a file written beside the database) is a full
disk too; EROFS is a read-only disk.
"""
from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import Refusal
from core.i18n import _


def database_path(conn: sqlite3.Connection) -> Path | None:
    """The file behind `conn`'s main database, or None (in memory, or the connection is unusable)."""
    try:
        for _seq, name, file in conn.execute("PRAGMA database_list"):
            if name == "main" and file:
                return Path(file)
    except sqlite3.Error:
        pass
    return None


def _sqlite_name(err: sqlite3.Error) -> str:
    name = getattr(err, "sqlite_errorname", None)
    if name:
        return str(name)
    text = str(err).lower()  # an error made without SQLite's codes: go by its words
    if "database is locked" in text or "database is busy" in text:
        return "SQLITE_BUSY"
    if "readonly database" in text or "read-only database" in text:
        return "SQLITE_READONLY"
    if "database or disk is full" in text:
        return "SQLITE_FULL"
    if "disk i/o error" in text:
        return "SQLITE_IOERR"
    return ""


def busy_refusal() -> Refusal:
    return Refusal(_("Another window is writing to the database; try again in a moment."))


def full_refusal(path: Path | str | None) -> Refusal:
    return Refusal(_("The disk holding {path} is full, so nothing was saved; the database is unchanged. "
                     "Free some space and try again.").format(path=path or _("the database")))


def refusal_for(err: BaseException, path: Path | str | None = None) -> Refusal | None:
    """The Refusal for `err` (see the module docstring), or None when it is not one of these conditions."""
    if isinstance(err, sqlite3.Error):
        name = _sqlite_name(err)
        shown = path or _("the database")
        if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
            return busy_refusal()
        if name == "SQLITE_READONLY_DIRECTORY":
            folder = Path(path).resolve().parent if path else _("the database's folder")
            return Refusal(_("The folder {folder} that holds the database is read-only, and Closeloop must create "
                             "its working files (-wal, -shm) there; make the folder writable or move the database "
                             "to a writable folder. Nothing was changed.").format(folder=folder))
        if name.startswith("SQLITE_READONLY"):
            return Refusal(_("The database {path} is read-only, so nothing was changed (reading still works); "
                             "to make changes, make the file writable (e.g. chmod u+w) or ask whoever manages "
                             "this computer.").format(path=shown))
        if name == "SQLITE_FULL":
            return full_refusal(shown)
        if name.startswith("SQLITE_IOERR"):
            return Refusal(_("The disk failed to read or write the database {path} (disk I/O error), so nothing "
                             "was saved; check the disk or USB stick and try again.").format(path=shown))
        return None
    if isinstance(err, OSError) and not isinstance(err, (BrokenPipeError, ConnectionError)):
        where = err.filename or path or _("the database")
        if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return full_refusal(where)
        if err.errno == errno.EROFS:
            return Refusal(_("{path} is on a read-only disk, so nothing was changed; copy the database to a "
                             "writable disk and open it there.").format(path=where))
    return None


@contextmanager
def refusing_os_errors(path: Path | str | None = None) -> Iterator[None]:
    """Raise `refusal_for(err)` in place of a mapped sqlite3/OS error; anything else passes through."""
    try:
        yield
    except (sqlite3.Error, OSError) as err:
        refusal = refusal_for(err, path)
        if refusal is None:
            raise
        raise refusal from err
