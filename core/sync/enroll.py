"""Enrollment: the hub writes a unit office's first file; the unit makes its database from it.

Contract (docs/sync.md, "Enrollment"):
- `enroll_export(session, unit_code, folder)` (hub) makes (or reuses) the unit's
  office row, supersedes earlier enrollments and revokes the keys of the unit's
  earlier computer, and writes one file with the directory, the rule sets, the
  calendar, the unit's tasks and assignments (lead and co) and the unit's earlier
  records, encrypted with a new one-time code. The code is returned, never written
  to the stick. All of it in one transaction: a failure leaves nothing behind.
- `init_from_enrollment(db_path, file, admin, password, code, today)` (unit) checks
  the file (the code, the hub's signature, the 30-day expiry, a file already used
  here), then builds the unit's database beside `db_path` and renames it into place
  only when complete; a refusal leaves no database. The enrollment file is marked
  used (`FILE.used` beside it).
- `peek_enrollment(file, code, today)` (unit, before joining) runs the same checks and
  returns what the clerk compares with the printed sheet: the unit the file sets up,
  the county office that wrote it, its fingerprint and the last valid day. It writes
  nothing. The fingerprint is inside the encrypted part, so it needs the code.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from core import audit_chain, clock
from core.auth import User, hash_password, insert_user, validate_new_user
from core.db.connection import connect, open_database
from core.db.migrations import migrate_database
from core.errors import Refusal
from core.evidence import stored_path
from core.i18n import _
from core.office import DEFAULT_ATTACHMENT_MB, Session, self_office
from core.sync import apply, office_keys, stream_crypto
from core.sync import identity as ident
from core.sync.bulk_load import BulkLoad
from core.sync.bundle_file import collect_members, open_bundle, write_bundle
from core.sync.enroll_code import key_proof, new_code, normalise, proof_key
from core.sync.exporter import base_manifest, members_for, records, require_folder
from core.sync.selection import Peer, select_rows
from core.sync.verify import parse_records

VALID_DAYS = 30
BUILD_CACHE_KIB = -65536  # the page cache while the unit's database is built: 64 MiB (the default is 2 MiB)
BULK_LOAD = True  # the snapshot's rows in bulk (core/sync/bulk_load.py); False: row by row (tests compare both)


@dataclass(frozen=True)
class Enrollment:
    path: Path
    code: str
    fingerprint: str
    unit_code: str
    unit_name: str
    expires_on: dt.date


def _unit_office(session: Session, unit_code: str) -> Peer:
    unit = session.db.execute("SELECT id, code, name, active FROM unit WHERE code = ?", [unit_code]).fetchone()
    if unit is None:
        raise Refusal(_("There is no unit with the code {code}; 'unit list' shows the codes.").format(code=unit_code))
    if not unit[3]:
        raise Refusal(_("The unit {name} is no longer active; reactivate it in the directory before enrolling it.")
                      .format(name=unit[2]))
    row = session.db.execute("SELECT id, uuid, code, name, role, unit_id FROM office WHERE unit_id = ?",
                             [unit[0]]).fetchone()
    if row is None:
        if session.db.execute("SELECT 1 FROM office WHERE code = ?", [unit[1]]).fetchone():
            raise Refusal(_("The office code {code} is already taken by another office; rename the unit's code "
                            "first.").format(code=unit[1]))
        session.db["office"].insert(session.synced_row(code=unit[1], name=unit[2], role="unit", unit_id=unit[0],
                                                       is_self=0, created_at=clock.now_utc()))
        row = session.db.execute("SELECT id, uuid, code, name, role, unit_id FROM office WHERE unit_id = ?",
                                 [unit[0]]).fetchone()
    return Peer(*row)


def enroll_export(session: Session, unit_code: str, folder: str | Path) -> Enrollment:
    """Write the enrollment file for a unit office; see the module contract."""
    session.require_hub()
    require_folder(folder)
    folder = Path(folder)
    code = new_code()
    expires = session.today + dt.timedelta(days=VALID_DAYS)
    with session.write():
        idy = ident.ensure_identity(session.db)
        peer = _unit_office(session, unit_code)
        office_keys.revoke_all_of(session.db, peer.uuid, _("re-enrolled on another computer"))
        session.db.execute("UPDATE enrollment SET superseded = 1 WHERE office = ?", [peer.uuid])
        session.db.execute("INSERT INTO enrollment (office, proof_key, made_at, expires_on) VALUES (?, ?, ?, ?)",
                           [peer.uuid, proof_key(code), clock.now_utc(), expires.isoformat()])
        for table in ("sync_peer_ack", "sync_peer_state"):
            session.db.execute(f"DELETE FROM {table} WHERE peer = ?", [peer.uuid])
        conn = session.db.conn
        me = session.office
        sel = select_rows(conn, me.uuid, peer, snapshot=True)
        recs = records(conn, sel)
        manifest = base_manifest(conn, me, idy, peer, "enrollment", sel, recs, 0, session.today)
        manifest["enrollment"] = {"office": peer.uuid, "expires_on": expires.isoformat(),
                                  "hub": {"sign": idy.sign_pub.hex(), "enc": idy.enc_pub.hex(), "key_id": idy.key_id}}
        name = _("Enrollment_{recipient}_{date}.closeloop").format(recipient=peer.name, date=session.today.isoformat())
        path, sha, size = write_bundle(folder, name, members_for(session, recs), manifest,
                                       lambda body: ident.sign(idy, body), code=normalise(code),
                                       to_office=peer.uuid, to_code=peer.code)
        conn.executemany("INSERT INTO sync_peer_ack VALUES (?, ?, ?)",
                         [(peer.uuid, d, r[1]) for d, r in sel.ranges.items()])
        session.db.execute(
            "INSERT INTO sync_bundle (bundle_id, direction, peer, kind, file, sha256, size, ranges, status, at) "
            "VALUES (?, 'out', ?, 'enrollment', ?, ?, ?, ?, 'written', ?)",
            [manifest["bundle_id"], peer.uuid, str(path), sha, size, json.dumps(sel.ranges), clock.stamp(session.today)])
        session.audit("enroll export", ref=peer.code, file=path.name, expires_on=expires.isoformat())
    return Enrollment(path, code, ident.fingerprint(idy.sign_pub), peer.code, peer.name, expires)


@dataclass(frozen=True)
class EnrollmentPreview:
    """What an enrollment file says about itself, read with its code (see `peek_enrollment`)."""

    unit_code: str
    unit_name: str
    hub_code: str
    hub_name: str
    fingerprint: str
    expires_on: dt.date


def peek_enrollment(file: str | Path, code: str, today: dt.date | None = None) -> EnrollmentPreview:
    """The unit, the county office, its fingerprint and the expiry of an enrollment file; writes nothing.

    Refuses as `init_from_enrollment` does (a wrong code, not an enrollment file, a bad signature,
    expired, already used here), with the same sentences.
    """
    file = Path(file)
    opened, info, hub_sign = _open_enrollment(file, code, today or clock.today())
    opened.close()
    to, sender = opened.manifest.get("to") or {}, opened.manifest.get("from") or {}
    return EnrollmentPreview(str(to.get("code", "")), str(to.get("name", "")), str(sender.get("code", "")),
                             str(sender.get("name", "")), ident.fingerprint(hub_sign),
                             dt.date.fromisoformat(info["expires_on"]))


def _refused(file: Path, why: str) -> Refusal:
    return Refusal(_("The enrollment file {name} cannot be used: {why} No database was created.").format(
        name=file.name, why=why))


def used_marker(file: Path) -> Path:
    return file.with_name(file.name + ".used")


def _open_enrollment(file: Path, code: str, today: dt.date):  # noqa: ANN202
    if used_marker(file).exists():
        raise _refused(file, _("it was already used to set up an office on {date}. Ask the county office for a new "
                               "enrollment file and code.").format(date=used_marker(file).read_text("utf-8")[:10]))
    try:
        with open(file, "rb") as f:
            header = stream_crypto.read_header(f)
    except OSError as err:
        raise _refused(file, _("it cannot be read ({detail}).").format(detail=err.strerror or err)) from err
    except stream_crypto.StreamError as err:
        if err.kind != "format":
            raise
        raise _refused(file, _("it is not an enrollment file. Choose the enrollment file that the county office "
                               "wrote on the stick for this office.")) from err
    if header.mode != "code":
        raise _refused(file, _("it is a sync bundle for an office already set up, not an enrollment file. Choose "
                               "the enrollment file that the county office wrote on the stick for this office."))
    try:
        opened = open_bundle(file, 1 << 30, code=normalise(code))
    except stream_crypto.StreamError as err:
        if err.kind != "wrong_key":
            raise
        raise _refused(file, _("the enrollment code does not open it. Retype the code from the printed enrollment "
                               "sheet; if it still fails, the file is damaged or belongs to another sheet: ask the "
                               "county office for a new file and code.")) from err
    manifest = opened.manifest
    info = manifest.get("enrollment")
    if manifest.get("kind") != "enrollment" or not isinstance(info, dict):
        opened.close()
        raise _refused(file, _("it is not an enrollment file."))
    try:
        hub_sign = bytes.fromhex(info["hub"]["sign"])
        expires = dt.date.fromisoformat(info["expires_on"])
    except (KeyError, TypeError, ValueError) as err:
        opened.close()
        raise _refused(file, _("its contents are damaged.")) from err
    if ident.key_id(hub_sign) != manifest["from"].get("key_id") or not ident.verify_signature(
            hub_sign, opened.manifest_bytes, opened.signature):
        opened.close()
        raise _refused(file, _("its signature does not match: it was altered or forged."))
    if today > expires:
        opened.close()
        raise _refused(file, _("it expired on {date}. Ask the county office to enroll this office again.").format(
            date=expires.isoformat()))
    return opened, info, hub_sign


def init_from_enrollment(db_path: str | Path, file: str | Path, *, admin: str, password: str, code: str,
                         today: dt.date | None = None) -> tuple[Session, str]:
    """Make the unit office's database from its enrollment file; returns the session and the hub's fingerprint."""
    db_path, file = Path(db_path), Path(file)
    today = today or clock.today()
    if db_path.exists() and db_path.stat().st_size > 0:
        raise Refusal(_("A database already exists at {path}; choose another --db.").format(path=db_path))
    validate_new_user(admin.strip(), "admin", password)
    # The administrator's password hash (scrypt, as for any user) is made on another thread while the file's
    # code is stretched (scrypt too) and the file decrypted: both release the GIL. No database is touched there.
    pool = ThreadPoolExecutor(max_workers=1)
    hashed = pool.submit(hash_password, password)
    pool.shutdown(wait=False)  # the hash still runs; a refused file simply never waits for it
    opened, info, hub_sign = _open_enrollment(file, code, today)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    box = Path(tempfile.mkdtemp(dir=db_path.parent, prefix=f".{db_path.name}.enrolling-"))
    partial = db_path.with_name(db_path.name + ".creating")
    try:
        try:
            memory, _staged = collect_members(opened, box)
        finally:
            opened.close()
        recs = parse_records(file, memory["rows.jsonl"])
        admin_user = _build(partial, recs, opened.manifest, info, hub_sign, admin, password, hashed, code, memory,
                            ident.machine_binding(db_path))
        for staged in box.iterdir():
            target = stored_path(db_path, staged.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
        os.replace(partial, db_path)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(box, ignore_errors=True)
    for side in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        side.unlink(missing_ok=True)
    try:
        used_marker(file).write_text(f"{today.isoformat()}\n", "utf-8")
    except OSError:
        pass  # a write-protected stick: the hub still refuses a second computer's keys
    db = open_database(db_path)
    # signed in as the administrator just made: checking the password against the hash made from it a moment
    # ago would only run scrypt a second time
    return Session(db, db_path, self_office(db), admin_user, today), ident.fingerprint(hub_sign)


def _build(partial: Path, recs: list[dict], manifest: dict, info: dict, hub_sign: bytes, admin: str,
           password: str, hashed: Future[str], code: str, memory: dict[str, bytes], binding: str) -> User:
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    db = connect(partial)
    try:
        # A new file nobody else knows, removed on any failure and renamed into place only when whole: it is
        # built without waiting for the disk at each commit (synchronous OFF) and with a cache that holds the
        # whole import; once the last checkpoint has written every page into the file, the file itself is
        # flushed to the disk (fsync) before `init_from_enrollment` renames it — the same durability at the
        # rename as synchronous FULL, without the WAL's own flushes of every page on the way.
        db.execute(f"PRAGMA cache_size = {BUILD_CACHE_KIB}")
        db.execute("PRAGMA synchronous = OFF")
        migrate_database(db, partial)
        audit_chain.install_capture(db)
        hub_office = manifest["from"]["office"]
        hubs = [r["row"] for r in recs if r["t"] == "office" and r["row"].get("uuid") == hub_office]
        own = info["office"]
        if not hubs or not any(r["t"] == "office" and r["row"].get("uuid") == own for r in recs):
            raise Refusal(_("The enrollment file does not describe the county office and this office; ask the "
                            "county office for a new one. No database was created."))
        hub = Peer(0, hub_office, hubs[0]["code"], hubs[0]["name"], "hub", None)
        with db.atomic():
            plan = apply.check(db.conn, hub, own, recs)
            apply.write(db.conn, plan, BulkLoad(db.conn) if BULK_LOAD else None)
            db.execute("UPDATE office SET is_self = 1 WHERE uuid = ?", [own])
            user = insert_user(db, admin, "admin", password, password_hash=hashed.result())
            idy = ident.ensure_identity(db)
            db.execute("UPDATE sync_identity SET binding = ?", [binding])
            office_keys.add_key(db, hub_office, hub_sign, bytes.fromhex(info["hub"]["enc"]),
                                manifest["from"].get("device", ""), clock.now_utc())
            if "offices.json" in memory:
                office_keys.apply_directory(db, memory["offices.json"], memory.get("offices.sig", b""), hub_sign)
            db.execute("INSERT INTO setting (key, value) VALUES ('sync_key_proof', ?)",
                       [key_proof(proof_key(code), idy.sign_pub, idy.enc_pub, own)])
            db.execute("INSERT INTO setting (key, value) VALUES ('attachment_max_mb', ?)",
                       [str(DEFAULT_ATTACHMENT_MB)])
            db.conn.executemany("INSERT INTO sync_received VALUES (?, ?, ?)",
                                [(hub_office, d, r[1]) for d, r in manifest["ranges"].items()])
            from core.work import status

            status.refresh(db, [r[0] for r in db.execute("SELECT id FROM assignment")])
            audit_chain.append(db, {"recorded_at": clock.now_utc(), "user_name": user.name,
                                    "office": self_office(db).code, "action": "init", "ref": "enrollment",
                                    "row_uuid": own, "effective_date": None,
                                    "details": json.dumps({"hub": hub.code}, ensure_ascii=False)})
        busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise RuntimeError("the new database's last checkpoint did not complete")
        db.conn.close()
        _flush_to_disk(partial)
        return user
    finally:
        db.conn.close()


def _flush_to_disk(path: Path) -> None:
    """fsync `path` (the new database, every page in it after the last checkpoint) before it is renamed."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows flushes only a file open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
