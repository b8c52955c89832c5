"""Restoring a backup: everything checked first, then the evidence files, then the database in one step.

Contract: `restore(db_path, source, user_name, password, live=None)` (the CLI
passes no connection, the app its worker's) does, in this order, and refuses
with one sentence and nothing changed at any step before the last two:
1. the current database is *usable* if it opens, passes `quick_check`, has the
   exact schema of a known version and one office of its own; then the acting
   user must sign in to it as an administrator;
2. leftovers of killed backups and restores beside it are removed;
3. the backup is verified completely (core.backup.verify) and its database
   extracted into `<db>.<pid>.restoring` beside the live file (a folder that
   cannot be written is refused in its own words);
4. the backup must be of the same office (when the current database is usable)
   and the acting user must sign in to it, with the same password, as an
   administrator (the only credential check when the current database is
   missing or damaged);
5. the extracted database is migrated to the current schema; the task numbers
   issued in the current database since the backup are reserved in it
   (core.backup.numbers); it takes a new device id (core.sync.identity.renew_device,
   'restored': it writes as a new installation); the restore's audit entry is
   written in it through `Session.audit`, in one transaction;
6. the current content is backed up into the policy folder
   (`<name>-before-restore-<time>.clbak`);
7. the evidence files of the backup are added to the evidence folder (content
   addressed: adding one is harmless);
8. the prepared database replaces the current content in ONE step: SQLite's
   backup API into the live database (one transaction), or, when the current
   file is missing or damaged, a rename over it (the damaged file and its
   journals are kept beside it as `<db>.damaged-<time>`).
A process killed at any moment leaves either the old content or the new content
with its audit entry. Runs on the caller's thread.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from core import clock
from core.auth import sign_in
from core.backup import numbers
from core.backup.access import require_restore
from core.backup.format import (
    EVIDENCE_PREFIX,
    clean_leftovers,
    fsync_path,
    partial_name,
    sha256_file,
)
from core.backup.verify import Checked, check_backup
from core.errors import Refusal
from core.evidence import stored_path
from core.format import name_list
from core.i18n import _, ngettext
from core.office import Session, self_office


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    db_path: Path
    previous: Path | None          # the backup of the content before, or the damaged file moved aside
    previous_damaged: bool
    skipped: list[tuple[int, int, int]] = field(default_factory=list)   # (year, first, last) reserved
    missing: list[str] = field(default_factory=list)                    # evidence file names not present
    device: str = ""                                                    # the new device id (docs/sync.md)

    def sentences(self) -> list[str]:
        """What the restore did, in sentences for the CLI and the app."""
        if self.previous is None:
            lines = [_("Restored from {source}; there was no database at {path} before.").format(
                source=self.source, path=self.db_path)]
        elif self.previous_damaged:
            lines = [_("Restored from {source}; the damaged database was moved to {previous}.").format(
                source=self.source, previous=self.previous)]
        else:
            lines = [_("Restored from {source}; the previous content was kept in {safety}.").format(
                source=self.source, safety=self.previous)]
        if self.device:
            lines.append(_("The restored database writes as a new installation (device {device}), so the county "
                           "office can tell its records from those written before the backup.").format(
                device=self.device))
        lines += [numbers_sentence(y, a, b) for y, a, b in self.skipped]
        if self.missing:
            shown = name_list(self.missing[:5])
            lines.append(ngettext(
                "{n} evidence file the restored data refers to is neither in the backup nor on this computer: "
                "{names}.",
                "{n} evidence files the restored data refers to are neither in the backup nor on this computer: "
                "{names}.", len(self.missing)).format(n=len(self.missing), names=shown))
        return lines


def numbers_sentence(year: int, first: int, last: int) -> str:
    if first == last:
        return _("Task number {year}-{first} was issued after this backup and will not be used again.").format(
            year=year, first=first)
    return _("Task numbers {year}-{first} to {year}-{last} were issued after this backup and will not be used "
             "again.").format(year=year, first=first, last=last)


def usable(db_path: Path) -> bool:
    """Whether the database at `db_path` opens as a Closeloop office (see step 1); never creates it."""
    from core.db.connection import connect
    from core.db.schema import schema_problems

    if not db_path.is_file():
        return False
    try:
        db = connect(db_path)
    except Exception:
        return False
    try:
        return (db.execute("PRAGMA quick_check").fetchone()[0] == "ok" and not schema_problems(db.conn)
                and db.execute("SELECT COUNT(*) FROM office WHERE is_self = 1").fetchone()[0] == 1)
    except sqlite3.Error:
        return False
    finally:
        db.conn.close()


def _cannot_write(folder: Path, err: OSError) -> Refusal:
    return Refusal(_("The folder {folder} cannot be written ({detail}); a restore prepares the restored data "
                     "there before it replaces anything. Make the folder writable or free some room; nothing was "
                     "changed.").format(folder=folder, detail=err.strerror or err))


def _sign_in_backup(db: sqlite_utils.Database, source: Path, user_name: str, password: str):  # noqa: ANN202
    try:
        user = sign_in(db, user_name, password)
    except Refusal as err:
        raise Refusal(_("{user} does not sign in to the backup {path} with this password; a restore needs an "
                        "administrator who signs in with the same name and password to the current database and "
                        "to the backup. Nothing was changed.").format(user=user_name, path=source.name)) from err
    if not (user.active and user.role == "admin"):
        raise Refusal(_("Only an administrator may restore a backup; in the backup {path}, {user} is not an "
                        "administrator. Nothing was changed.").format(path=source.name, user=user_name))
    return user


def _check_credentials(tmp: Path, source: Path, user_name: str, password: str) -> None:
    db = sqlite_utils.Database(sqlite3.connect(f"file:{tmp}?mode=ro", uri=True), execute_plugins=False)
    try:
        _sign_in_backup(db, source, user_name, password)
    finally:
        db.conn.close()


def _missing_names(db: sqlite_utils.Database, shas: list[str]) -> list[str]:
    names: list[str] = []
    tables = set(db.table_names())
    for sha in shas:
        for table in ("evidence", "entry_evidence"):
            if table in tables:
                row = db.execute(f"SELECT name FROM {table} WHERE sha256 = ? LIMIT 1", [sha]).fetchone()
                if row:
                    names.append(row[0])
                    break
        else:
            names.append(sha[:12])
    return names


def _prepare(tmp: Path, checked: Checked, db_path: Path, user_name: str, password: str,
             live: sqlite_utils.Database | None, previous: Path | None, today: dt.date | None
             ) -> tuple[list[tuple[int, int, int]], list[str], str]:
    """Steps 4 (credentials) and 5 on the extracted database.

    Returns the skipped numbers, the missing files and the restored database's new
    device id: it writes as a new installation, bound to `db_path` (docs/sync.md).
    """
    from core.db.migrations import migrations
    from core.db.schema import schema_problems
    from core.sync.identity import renew_device

    db = sqlite_utils.Database(sqlite3.connect(str(tmp), isolation_level=None), execute_plugins=False)
    try:
        db.execute("PRAGMA journal_mode = MEMORY")  # a killed restore leaves a file that is simply removed
        db.execute("PRAGMA foreign_keys = ON")
        user = _sign_in_backup(db, checked.source, user_name, password)
        migrations.apply(db)
        problems = schema_problems(db.conn)
        if problems:
            raise Refusal(_("The file {path} is not a backup Closeloop can restore: {problems}").format(
                path=checked.source, problems=" ".join(problems[:3])))
        before = numbers.issued(live) if live is not None else {}
        skipped = numbers.skipped(before, numbers.issued(db))
        missing = _missing_names(db, [s for s in checked.missing if not stored_path(db_path, s).is_file()])
        session = Session(db, db_path, self_office(db), user, today or clock.today())
        with session.write(admin=True):
            if before:
                numbers.reserve(db, before)
            device = renew_device(db, "restored", db_path=db_path, audit=session.audit)
            session.audit("restore", ref=str(checked.source), previous=str(previous) if previous else None,
                          reserved=[f"{y}-{a}..{y}-{b}" for y, a, b in skipped], missing_evidence=len(missing))
        if live is not None:
            size = live.execute("PRAGMA page_size").fetchone()[0]
            if db.execute("PRAGMA page_size").fetchone()[0] != size:
                db.execute(f"PRAGMA page_size = {int(size)}")
                db.execute("VACUUM")
    finally:
        db.conn.close()
    fsync_path(tmp)
    return skipped, missing, device


def _add_evidence(checked: Checked, db_path: Path) -> None:
    import hashlib
    import zipfile

    if checked.plain or not checked.evidence:
        return
    with zipfile.ZipFile(checked.source) as z:
        for entry in checked.evidence:
            final = stored_path(db_path, entry.sha256)
            if final.is_file() and sha256_file(final) == (entry.sha256, entry.size):
                continue
            final.parent.mkdir(parents=True, exist_ok=True)
            incoming = partial_name(final, "incoming")
            digest = hashlib.sha256()
            with z.open(EVIDENCE_PREFIX + entry.sha256) as src, open(incoming, "wb") as out:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != entry.sha256:
                incoming.unlink()
                raise Refusal(_("The backup {path} changed while it was being restored; nothing was changed.")
                              .format(path=checked.source))
            os.replace(incoming, final)


def _safety_backup(live: sqlite_utils.Database, db_path: Path) -> Path:
    from core import backup_policy
    from core.backup.format import unique_name
    from core.backup.write import write_backup

    folder = backup_policy.policy(live, db_path).folder
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return write_backup(live, db_path, unique_name(folder, f"{db_path.stem}-before-restore-{stamp}"))


def _set_aside(db_path: Path, stamp: str) -> Path | None:
    """Move a damaged file and any journals out of the way; returns where the file went."""
    moved = None
    for suffix in ("", "-wal", "-shm", "-journal"):
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            aside = Path(f"{db_path}.damaged-{stamp}{suffix}")
            os.replace(side, aside)
            if not suffix:
                moved = aside
    return moved


def restore(db_path: str | Path, source: str | Path, user_name: str, password: str, *,
            live: sqlite_utils.Database | None = None, today: dt.date | None = None) -> RestoreResult:
    """Replace the office database's content with the backup `source` (see the module contract)."""
    from core.db.connection import open_database

    db_path, source = Path(db_path), Path(source)
    if db_path.is_dir():
        raise Refusal(_("{path} is a folder, not a Closeloop database; give the database file.").format(path=db_path))
    if not source.is_file():
        raise Refusal(_("The backup file {path} does not exist.").format(path=source))
    own = live is None
    if own and usable(db_path):
        live = open_database(db_path)
    damaged = live is None and db_path.exists()
    try:
        if live is not None:
            office = self_office(live)
            require_restore(sign_in(live, user_name, password))
        clean_leftovers(db_path.parent)
        tmp = partial_name(db_path, "restoring")
        try:
            try:
                db_path.parent.mkdir(parents=True, exist_ok=True)
                checked = check_backup(source, tmp)
            except OSError as err:
                raise _cannot_write(db_path.parent, err) from err
            if live is not None and checked.office.uuid != office.uuid:
                raise Refusal(_("The backup {path} belongs to another office ({office}); choose a backup of this "
                                "office.").format(path=source.name, office=checked.office.name))
            _check_credentials(tmp, checked.source, user_name, password)
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            previous = Path(f"{db_path}.damaged-{stamp}") if damaged else None
            if live is not None:
                previous = _safety_backup(live, db_path)  # refused in words if it cannot be written
            try:
                skipped, missing, device = _prepare(tmp, checked, db_path, user_name, password, live, previous, today)
                _add_evidence(checked, db_path)
            except OSError as err:
                raise _cannot_write(db_path.parent, err) from err
            if live is not None:
                src = sqlite3.connect(str(tmp))
                try:
                    src.backup(live.conn, pages=-1)  # one transaction on the live database
                finally:
                    src.close()
            else:
                previous = _set_aside(db_path, stamp) if damaged else None
                if not damaged:
                    _set_aside(db_path, stamp)  # stale journals of a missing file never replay into the new one
                os.replace(tmp, db_path)
                fsync_path(db_path.parent)
        finally:
            for leftover in (tmp, Path(f"{tmp}-journal")):
                try:
                    leftover.unlink()
                except OSError:
                    pass
    finally:
        if own and live is not None:
            live.conn.close()
    return RestoreResult(source, db_path, previous, damaged, skipped, missing, device)
