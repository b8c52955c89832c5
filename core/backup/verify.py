"""Checking a backup completely before anything is replaced.

Contract: `check_backup(source, extract_to)` refuses, with one sentence naming the
file, anything that is not an intact backup of one Closeloop office, and leaves
the backup's database extracted at `extract_to` (a new file; the caller removes
it). Accepted are a `.clbak` file (core.backup.format) and, for the backups taken
before that format, a plain Closeloop database file. The checks, in order:
the container (ZIP readable, manifest of a known format, every member present,
every sha256 and size as the manifest says), then on the database: SQLite's
`PRAGMA integrity_check`, `core.db.schema.schema_problems` empty (exactly the
schema of a known version: tables, columns, indexes, triggers), exactly one
self office, and for a `.clbak` the manifest's office and schema matching the
database. `Checked.missing` lists the evidence files the database refers to
that the backup does not hold (all of them for a plain database file).
Never writes to `source`.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from core.backup.format import (
    DB_MEMBER,
    EVIDENCE_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SQLITE_HEADER,
    FileEntry,
    create_new,
    referenced_evidence,
)
from core.db.schema import schema_problems
from core.errors import Refusal
from core.i18n import _


@dataclass(frozen=True)
class BackupOffice:
    uuid: str
    code: str
    name: str


@dataclass(frozen=True)
class Checked:
    """What a verified backup holds."""

    source: Path
    plain: bool                      # an old plain database file, not a .clbak
    office: BackupOffice
    schema: tuple[str, ...]
    created_at: str | None
    evidence: list[FileEntry] = field(default_factory=list)   # the files the backup holds
    missing: list[str] = field(default_factory=list)          # referenced, not held (sha256)


def _not_a_backup(source: Path, detail: str | None = None) -> Refusal:
    if detail:
        return Refusal(_("The file {path} is not a Closeloop backup ({detail}).").format(path=source, detail=detail))
    return Refusal(_("The file {path} is not a Closeloop backup.").format(path=source))


def _damaged(source: Path, detail: str) -> Refusal:
    return Refusal(_("The backup {path} is damaged or incomplete: {detail}. Choose another backup; nothing "
                     "was changed.").format(path=source, detail=detail))


def _copy_member(z: zipfile.ZipFile, name: str, out_path: Path | None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    out = create_new(out_path) if out_path is not None else None
    try:
        with z.open(name) as src:
            while chunk := src.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                if out is not None:
                    out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest(), size


def _read_container(source: Path, extract_to: Path) -> tuple[dict, list[FileEntry]]:
    try:
        with zipfile.ZipFile(source) as z:
            names = set(z.namelist())
            if MANIFEST not in names:
                raise _not_a_backup(source, _("it has no manifest"))
            try:
                manifest = json.loads(z.read(MANIFEST).decode("utf-8"))
                db_entry = FileEntry(str(manifest["database"]["sha256"]), int(manifest["database"]["size"]))
                evidence = [FileEntry(str(e["sha256"]), int(e["size"])) for e in manifest["evidence"]]
                fmt, version = manifest["format"], manifest["version"]
                office = manifest["office"]
                str(office["uuid"])
            except (ValueError, KeyError, TypeError) as err:
                raise _damaged(source, _("its manifest cannot be read")) from err
            if fmt != FORMAT:
                raise _not_a_backup(source)
            if version != FORMAT_VERSION:
                raise Refusal(_("The backup {path} was written by a newer version of Closeloop (format {version}); "
                                "update Closeloop to restore it.").format(path=source, version=version))
            for entry in [db_entry] + evidence:
                member = DB_MEMBER if entry is db_entry else EVIDENCE_PREFIX + entry.sha256
                if member not in names:
                    raise _damaged(source, _("the file {name} is missing from it").format(name=member))
                got = _copy_member(z, member, extract_to if entry is db_entry else None)
                if got != (entry.sha256, entry.size):
                    raise _damaged(source, _("the file {name} does not match its checksum").format(name=member))
    except zipfile.BadZipFile as err:
        raise _damaged(source, _("the archive cannot be read")) from err
    except (EOFError, zipfile.LargeZipFile) as err:
        raise _damaged(source, _("the archive ends too early")) from err
    return manifest, evidence


def _copy_plain(source: Path, extract_to: Path) -> None:
    create_new(extract_to).close()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(extract_to))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _check_database(source: Path, path: Path) -> tuple[BackupOffice, tuple[str, ...], set[str]]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise _damaged(source, str(ok))
            problems = schema_problems(conn)
            if problems:
                raise Refusal(_("The file {path} is not a backup Closeloop can restore: {problems}").format(
                    path=source, problems=" ".join(problems[:3])))
            offices = conn.execute("SELECT uuid, code, name FROM office WHERE is_self = 1").fetchall()
            if len(offices) != 1:
                raise Refusal(_("The file {path} does not hold exactly one office of its own; it is not a "
                                "backup Closeloop can restore.").format(path=source))
            schema = tuple(r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid"))
            shas = referenced_evidence(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        raise _not_a_backup(source, str(err)) from err
    return BackupOffice(*offices[0]), schema, shas


def check_backup(source: Path, extract_to: Path) -> Checked:
    """Verify `source` completely, leaving its database at `extract_to` (see the module contract)."""
    source = Path(source)
    if not source.is_file():
        raise Refusal(_("The backup file {path} does not exist.").format(path=source))
    try:
        with open(source, "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as err:
        raise Refusal(_("The backup {path} cannot be read ({detail}).").format(
            path=source, detail=err.strerror or err)) from err
    if head == SQLITE_HEADER:
        manifest, evidence = None, []
        try:
            _copy_plain(source, extract_to)
        except sqlite3.DatabaseError as err:
            raise _not_a_backup(source, str(err)) from err
    elif zipfile.is_zipfile(source):
        manifest, evidence = _read_container(source, extract_to)
    elif head.startswith(b"PK\x03\x04"):
        raise _damaged(source, _("the archive ends too early"))
    else:
        raise _not_a_backup(source)
    office, schema, shas = _check_database(source, extract_to)
    if manifest is not None:
        if manifest["office"].get("uuid") != office.uuid or tuple(manifest.get("schema") or ()) != schema:
            raise _damaged(source, _("its manifest does not describe the database it holds"))
    held = {e.sha256 for e in evidence}
    return Checked(source, manifest is None, office, schema,
                   manifest.get("created_at") if manifest else None, evidence, sorted(shas - held))
