"""No file argument of a command may be the office's own database or one of its side files.

Why: reading or writing the live database with anything but SQLite (`rules import
office.db`, `report ledger --out office.db`, `--attach office.db-wal`) opens and
closes it in this process, which drops SQLite's POSIX locks (docs/database-safety.md),
and writing over it would destroy the office's record. `refuse_database_files(db, args)`
runs before any command does: a file argument naming the database, its -wal, -shm or
-journal (by path, or by identity through a link) is a Refusal, and nothing runs.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from core.db.locks import database_files
from core.errors import Refusal
from core.i18n import _

FILE_ARGUMENTS = ("file", "out", "attach", "requirements", "sheet", "from_enrollment")


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        return False
    return a.expanduser().resolve() == b.expanduser().resolve()


def given_files(args: argparse.Namespace) -> list[str]:
    """The values of the file arguments of `args` (FILE, --out, --attach …), in order."""
    found: list[str] = []
    for name in FILE_ARGUMENTS:
        value = getattr(args, name, None)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found.extend(v for v in value if isinstance(v, str))
    return found


def refuse_database_files(db_path: Path, args: argparse.Namespace) -> None:
    """Refuse (before anything runs) a file argument that is the database at `db_path` or a side file."""
    guarded = database_files(db_path)
    for given in given_files(args):
        if any(_same(Path(given), g) for g in guarded):
            raise Refusal(_("{path} is this office's database (or one of its journal files); Closeloop never "
                            "reads or writes it as a file. Choose another file; to keep a copy of the database, "
                            "use 'backup'.").format(path=given))
