"""Making bundles: what another office has not acknowledged, signed, encrypted, written safely.

Contract:
- `export_bundle(session, peer, folder, snapshot=False)` writes one bundle for `peer`
  (docs/sync.md) and records it in the outbox (`sync_bundle`, direction 'out');
  returns an `Exported`. It refuses, in a sentence, a peer whose encryption key this
  office does not know yet (a unit enrolled but not yet heard from).
- `export_all(session, folder, progress=None)` (hub) writes one bundle per enrolled unit office
  whose key is known and lists the others as skipped with the reason.
- `bundle_name(...)` says from whom to whom and when, in the office's language.
The database is read inside one read transaction, so a bundle is a consistent cut;
the outbox row is written after the file is safely on the stick.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from core import clock
from core.errors import Refusal
from core.evidence import stored_path
from core.i18n import _
from core.office import Session
from core.sync import identity as ident
from core.sync import office_keys
from core.sync.bundle_file import FORMAT, VERSION, canonical, write_bundle
from core.sync.rows import encode
from core.sync.selection import Peer, Selection, peer_rows, select_rows


@dataclass
class Exported:
    peer: Peer
    path: Path
    size: int
    counts: dict[str, int]
    evidence: int
    ranges: dict[str, list[int]] = field(default_factory=dict)


def require_folder(folder: str | Path) -> None:
    """Refuse a folder (the stick) that does not exist, in the clerk's words."""
    if not Path(folder).is_dir():
        raise Refusal(_("The folder {folder} does not exist; plug in the stick or choose another folder.").format(
            folder=folder))


def find_peer(conn: sqlite3.Connection, code: str) -> Peer:
    for peer in peer_rows(conn):
        if peer.code == code:
            return peer
    known = ", ".join(p.code for p in peer_rows(conn)) or _("none yet")
    raise Refusal(_("No office with the code {code} is enrolled here (known: {known}); enroll the unit first "
                    "with 'enroll export'.").format(code=code, known=known))


def peer_key(db: sqlite_utils.Database, peer: Peer) -> office_keys.KnownKey | None:
    """The peer's newest unrevoked key, or None."""
    keys = office_keys.keys_of(db, peer.uuid)
    return keys[-1] if keys else None


def bundle_name(sender: Peer, peer: Peer, day: dt.date, number: int) -> str:
    return _("{sender}_to_{recipient}_{date}_{n}.closeloop").format(
        sender=sender.name, recipient=peer.name, date=day.isoformat(), n=f"{number:04d}")


def records(conn: sqlite3.Connection, sel: Selection) -> list[dict]:
    out = []
    for table, ids in sel.rows.items():
        for rowid, wire in encode(conn, table, ids):
            device, seq = sel.positions[(table, rowid)]
            out.append({"t": table, "dev": device, "seq": seq, "row": wire})
    return out


def evidence_needed(recs: list[dict]) -> list[str]:
    return sorted({r["row"]["sha256"] for r in recs if r["t"] in ("evidence", "entry_evidence")})


def lineage(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT device FROM sync_device ORDER BY started_at, device")]


def base_manifest(conn: sqlite3.Connection, me: Peer, idy: ident.Identity, peer: Peer, kind: str,
                  sel: Selection, recs: list[dict], number: int, today: dt.date) -> dict:
    counts: dict[str, int] = {}
    for r in recs:
        counts[r["t"]] = counts.get(r["t"], 0) + 1
    return {
        "format": FORMAT, "version": VERSION, "bundle_id": uuid.uuid4().hex, "kind": kind,
        "from": {"office": me.uuid, "code": me.code, "name": me.name, "device": idy.device,
                 "lineage": lineage(conn), "key_id": idy.key_id, "bundle_no": number},
        "to": {"office": peer.uuid, "code": peer.code, "name": peer.name},
        "made_at": clock.now_utc(), "made_on": today.isoformat(), "ranges": sel.ranges,
        "ack": dict(conn.execute("SELECT device, upto FROM sync_received WHERE peer = ?", [peer.uuid]).fetchall()),
        "counts": counts,
    }


def members_for(session: Session, recs: list[dict]) -> list[tuple[str, bytes | Path]]:
    rows = b"".join(canonical(r) + b"\n" for r in recs)
    members: list[tuple[str, bytes | Path]] = [("rows.jsonl", rows)]
    if session.is_hub:
        document = office_keys.directory_document(session.db)
        idy = ident.ensure_identity(session.db)
        members += [("offices.json", document), ("offices.sig", ident.sign(idy, document))]
    for sha in evidence_needed(recs):
        path = stored_path(session.path, sha)
        if not path.exists():
            raise Refusal(_("The evidence file {sha} is missing from this office's store, so the bundle cannot "
                            "carry it; run 'check' and restore the file from a backup.").format(sha=sha[:12]))
        members.append((f"evidence/{sha}", path))
    return members


def export_bundle(session: Session, peer: Peer, folder: Path, *, snapshot: bool = False) -> Exported:
    """Write one bundle for `peer`; see the module contract."""
    conn = session.db.conn
    key = peer_key(session.db, peer)
    if key is None:
        raise Refusal(_("Closeloop does not know {office}'s key yet: it learns it from the first bundle {office} "
                        "sends after enrollment. Bring that bundle here and import it first.").format(
                            office=peer.name))
    require_folder(folder)
    folder = Path(folder)
    with session.write():
        idy = ident.ensure_identity(session.db)
    me = session.office
    conn.execute("BEGIN")  # one consistent read
    try:
        sel = select_rows(conn, me.uuid, peer, snapshot=snapshot)
        recs = records(conn, sel)
        number = conn.execute("SELECT bundles_made FROM sync_identity").fetchone()[0] + 1
        manifest = base_manifest(conn, me, idy, peer, "snapshot" if snapshot else "incremental", sel, recs,
                                 number, session.today)
        if not session.is_hub:
            proof = conn.execute("SELECT value FROM setting WHERE key = 'sync_key_proof'").fetchone()
            acked = conn.execute("SELECT value FROM setting WHERE key = 'sync_keys_known'").fetchone()
            if proof and not acked:
                manifest["keys"] = {"sign": idy.sign_pub.hex(), "enc": idy.enc_pub.hex(), "device": idy.device,
                                    "proof": proof[0]}
        members = members_for(session, recs)
    finally:
        conn.execute("ROLLBACK")
    path, sha, size = write_bundle(folder, bundle_name(me, peer, session.today, number), members, manifest,
                                   lambda body: ident.sign(idy, body), recipient_pub=key.enc_pub, to_office=peer.uuid,
                                   to_code=peer.code, key_id=key.key_id)
    with session.write():
        session.db.execute("UPDATE sync_identity SET bundles_made = bundles_made + 1")
        session.db.execute(
            "INSERT INTO sync_bundle (bundle_id, direction, peer, kind, file, sha256, size, ranges, status, at) "
            "VALUES (?, 'out', ?, ?, ?, ?, ?, ?, 'written', ?)",
            [manifest["bundle_id"], peer.uuid, manifest["kind"], str(path), sha, size, json.dumps(sel.ranges),
             clock.stamp(session.today)])
        session.audit("bundle export", ref=peer.code, to=peer.code, file=path.name, rows=len(recs),
                      evidence=len(members) - 1)
    return Exported(peer, path, size, manifest["counts"], len(evidence_needed(recs)), sel.ranges)


def export_all(session: Session, folder: Path, *, progress: Callable[[int, int, str], None] | None = None,
               ) -> tuple[list[Exported], list[tuple[Peer, str]]]:
    """One bundle per enrolled unit office with a known key; the others with why they were skipped.

    `progress(done, total, what)` is called before each unit and once at the end.
    """
    session.require_hub()
    require_folder(folder)
    made, skipped = [], []
    units = [p for p in peer_rows(session.db.conn) if p.role == "unit"]
    for done, peer in enumerate(units):
        if progress:
            progress(done, len(units), _("Writing the bundle for {office}").format(office=peer.name))
        if peer_key(session.db, peer) is None:
            skipped.append((peer, _("its first bundle, which carries its key, has not been imported yet")))
            continue
        made.append(export_bundle(session, peer, folder))
    if progress:
        progress(len(units), len(units), _("Done"))
    return made, skipped
