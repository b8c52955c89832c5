"""Evidence files, stored by content hash beside the database, never in it.

Layout: `<db folder>/<db name>.evidence/<first two hex>/<sha256>`. `check_files()`
refuses missing, unreadable or oversized files before anything is written;
A file of the office's database itself (the database, its -wal, -shm or
-journal) is refused: copying it would open and close it in this process, which
drops this process's SQLite locks (core.db.locks). `store_file()` copies through a temporary file and renames, so a killed process
leaves at most an orphan temporary, never a half file under its hash.
"""
from __future__ import annotations

import hashlib
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.db.locks import database_files
from core.errors import Refusal
from core.i18n import _


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    name: str
    size: int


def evidence_dir(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.name}.evidence"


def stored_path(db_path: Path, sha256: str) -> Path:
    return evidence_dir(db_path) / sha256[:2] / sha256


def megabytes(size: int) -> str:
    """`size` bytes in MB for a message: one decimal, or two significant digits under 0.1 MB.

    So a low limit never reads "0.0 MB" (e.g. 4 KB over a 1 KB limit: "0.0038 MB", "0.001 MB").
    """
    from core.format import number

    value = size / 1048576
    digits = 1 if value >= 0.1 or value <= 0 else min(9, 1 - math.floor(math.log10(value)))
    return number(round(value, digits), "#,##0.0" + "#" * (digits - 1))


def _same_file(a: os.stat_result, path: Path) -> bool:
    try:
        b = os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_files(paths: list[str | Path], cap_bytes: int, db_path: Path | None = None) -> list[Path]:
    """The files as paths, or a Refusal for the first one missing, unreadable, too big or of `db_path`."""
    out = []
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise Refusal(_("The attachment {path} does not exist or is not a file; check the path.")
                          .format(path=path))
        if db_path is not None and any(_same_file(path.stat(), f) for f in database_files(db_path)):
            raise Refusal(_("The attachment {path} is the office's database itself; "
                            "attach a document, or make a backup to keep a copy of the database.")
                          .format(path=path))
        size = path.stat().st_size
        if size > cap_bytes:
            raise Refusal(_("The attachment {name} is {size} MB, over the limit of {cap} MB; "
                            "send a smaller file or ask the administrator to raise the limit.")
                          .format(name=path.name, size=megabytes(size), cap=megabytes(cap_bytes)))
        if not os.access(path, os.R_OK):
            raise Refusal(_("The attachment {path} cannot be read; check its permissions.").format(path=path))
        out.append(path)
    return out


def store_file(db_path: Path, source: Path) -> StoredFile:
    """Copy `source` into the evidence store; returns its hash, name and size."""
    folder = evidence_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        final = stored_path(db_path, sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, final)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return StoredFile(sha, Path(source).name, size)
