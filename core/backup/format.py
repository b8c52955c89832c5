"""The backup file: one ZIP (stored, not compressed) holding the database, its evidence files and a manifest.

Layout of `<name>.clbak`:
- `closeloop.db`: a consistent snapshot of the office database (SQLite's backup API);
- `evidence/<sha256>`: every evidence file the database refers to that was present;
- `manifest.json`: `format` ("closeloop-backup"), `version` (FORMAT_VERSION), `office`
  (`uuid`, `code`, `name`), `schema` (the applied migration names), `created_at` (UTC
  ISO), `database` (`sha256`, `size`) and `evidence` (a list of `sha256`, `size`).

Files being written are named `<target>.<pid>.part` (and `.partdb` for the snapshot);
a restore prepares `<db name>.<pid>.restoring` beside the database, the demo
is built in `<db name>.<pid>.building`. `clean_leftovers`
removes those a killed process left (its pid no longer runs), with their journals.
Pure helpers, any thread.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from core.processes import pid_alive

FORMAT = "closeloop-backup"
FORMAT_VERSION = 1
EXTENSION = ".clbak"
MANIFEST = "manifest.json"
DB_MEMBER = "closeloop.db"
EVIDENCE_PREFIX = "evidence/"
SQLITE_HEADER = b"SQLite format 3\x00"

_LEFTOVER = re.compile(r"^.+\.(\d+)\.(part|partdb|restoring|incoming|building)(\.creating)?(-journal|-wal|-shm)?$")


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


def unique_name(folder: Path, base: str) -> Path:
    """`folder/base.clbak`, or `base-2.clbak`, `base-3.clbak`… when taken."""
    target = Path(folder) / f"{base}{EXTENSION}"
    n = 2
    while target.exists():
        target = Path(folder) / f"{base}-{n}{EXTENSION}"
        n += 1
    return target


def partial_name(target: Path, kind: str) -> Path:
    """`<target>.<pid>.<kind>`: a file this process is writing (see the module contract)."""
    return target.with_name(f"{target.name}.{os.getpid()}.{kind}")


def _running(pid: int) -> bool:
    # on Windows (None: cannot tell) an open file cannot be removed: trying is the test
    return bool(pid_alive(pid))


def is_leftover(path: Path) -> bool:
    """Whether `path` is a partial file of a process that no longer runs."""
    m = _LEFTOVER.match(path.name)
    return bool(m) and not _running(int(m.group(1)))


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the partial files killed processes left in `folder` (never anything else); returns them."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.is_file() and is_leftover(entry):
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed


def sha256_file(path: Path) -> tuple[str, int]:
    """The sha256 (hex) and size of a file, read in 1 MB chunks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fsync_path(path: Path) -> None:
    """fsync a file, or a folder where the system allows it (never on Windows)."""
    if Path(path).is_dir() and os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def create_new(path: Path):  # noqa: ANN201 - a binary file object
    """Open `path` for writing, refusing one that exists (tests replace this to simulate a read-only folder)."""
    return open(path, "xb")


def referenced_evidence(conn) -> set[str]:  # noqa: ANN001 - any sqlite3 connection
    """The sha256 of every evidence file the database refers to (events and score entries)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    shas: set[str] = set()
    for table in ("evidence", "entry_evidence"):
        if table in tables:
            shas |= {r[0] for r in conn.execute(f"SELECT DISTINCT sha256 FROM {table}")}
    return shas
