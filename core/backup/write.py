"""Writing a backup file (see core.backup.format for its layout).

Contract: `write_backup(db, db_path, target)` snapshots `db` with SQLite's backup
API into `<target>.<pid>.partdb`, writes the ZIP with the snapshot, every evidence
file the snapshot refers to that is present beside the database (each checked
against its hash; a file whose content does not match is left out) and the
manifest into `<target>.<pid>.part`, fsyncs it and gives it its name without ever
replacing a file (a hard link, else a checked rename). A killed process leaves
only `.part`/`.partdb` files, which `clean_leftovers` removes later. Refuses an
existing `target` or a folder that cannot be written, with nothing left behind.
Runs on the caller's thread with the caller's connection.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import sqlite_utils

from core.backup.format import (
    DB_MEMBER,
    EVIDENCE_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    clean_leftovers,
    create_new,
    fsync_path,
    partial_name,
    referenced_evidence,
    sha256_file,
)
from core.errors import Refusal
from core.evidence import stored_path
from core.i18n import _


def _snapshot(db: sqlite_utils.Database, snap: Path) -> dict[str, object]:
    create_new(snap).close()
    dest = sqlite3.connect(str(snap), isolation_level=None)
    try:
        db.conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        office = dest.execute("SELECT uuid, code, name FROM office WHERE is_self = 1").fetchone()
        schema = [r[0] for r in dest.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        shas = sorted(referenced_evidence(dest))
    finally:
        dest.close()
    return {"office": {"uuid": office[0], "code": office[1], "name": office[2]} if office else None,
            "schema": schema, "shas": shas}


def _publish(part: Path, target: Path) -> None:
    """Give `part` the name `target`, never replacing a file."""
    try:
        os.link(part, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (FAT, some network shares): a checked rename
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(part, target)
        return
    part.unlink()


def write_backup(db: sqlite_utils.Database, db_path: Path, target: Path) -> Path:
    """Write the backup file `target` of `db` (whose file is `db_path`); see the module contract."""
    target = Path(target)
    if target.exists():
        raise Refusal(_("{path} already exists; a backup never replaces a file, choose another name.")
                      .format(path=target))
    part, snap = partial_name(target, "part"), partial_name(target, "partdb")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(target.parent)
        info = _snapshot(db, snap)
        db_sha, db_size = sha256_file(snap)
        evidence = []
        with create_new(part) as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
            z.write(snap, DB_MEMBER)
            for sha in info["shas"]:  # type: ignore[union-attr]
                stored = stored_path(db_path, sha)
                if not stored.is_file() or sha256_file(stored)[0] != sha:
                    continue
                z.write(stored, EVIDENCE_PREFIX + sha)
                evidence.append({"sha256": sha, "size": stored.stat().st_size})
            manifest = {"format": FORMAT, "version": FORMAT_VERSION, "office": info["office"],
                        "schema": info["schema"], "created_at": dt.datetime.now(dt.UTC).isoformat(),
                        "database": {"sha256": db_sha, "size": db_size}, "evidence": evidence}
            z.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            z.close()
            raw.flush()
            os.fsync(raw.fileno())
        _publish(part, target)
        fsync_path(target.parent)
    except FileExistsError as err:
        raise Refusal(_("{path} already exists; a backup never replaces a file, choose another name.")
                      .format(path=target)) from err
    except OSError as err:
        raise Refusal(_("The backup {path} cannot be written ({detail}); check that the folder exists, "
                        "can be written and has room. Nothing was written.").format(
            path=target, detail=err.strerror or err)) from err
    finally:
        for leftover in (part, snap, Path(f"{snap}-journal")):
            try:
                leftover.unlink()
            except OSError:
                pass
    return target
