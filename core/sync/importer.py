"""Importing a bundle: verify, decide (new, already imported, held, fork), apply in one transaction.

Contract (docs/sync.md, "Import"):
- `import_bundle(session, path, dry_run=False)` returns an `ImportReport`. It
  verifies first (core.sync.verify), writing nothing; a dry run stops after the
  plan. A bundle already imported changes nothing. A bundle that starts after what
  this office holds from the sender, or refers to rows not here yet, is *held*: a
  copy is kept in `<db>.sync/held/` and it is applied as soon as what it waits for
  has arrived. A bundle that gives a position this office holds another row for is
  a *fork*: kept in `<db>.sync/forks/`, listed, never merged. Otherwise every row
  is applied in one transaction with its evidence, the statuses it touches, the
  received ranges, the sender's acknowledgement, its keys (a unit's first bundle)
  and the signed directory (from the hub), the import marks of the assignments it
  changed (core.sync.marks), and an audit entry.
- A refusal (`Refusal`) leaves the database and the evidence store unchanged.
- `retry_held(session)` applies every held bundle that can now be applied.
"""
from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core import clock
from core.errors import Refusal
from core.evidence import stored_path
from core.i18n import _, ngettext
from core.office import Session
from core.sync import apply, marks, office_keys
from core.sync.bundle_file import file_digest
from core.sync.selection import Peer
from core.sync.verify import Verified, sync_dir, verify_bundle
from core.work import status


@dataclass
class ImportReport:
    file: str
    sender: str
    status: str  # applied, nothing_new, held, fork, verified (a dry run)
    applied: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    reason: str = ""
    also: list[ImportReport] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"file": self.file, "from": self.sender, "status": self.status, "applied": dict(self.applied),
                "skipped": {f"{t}:{why}": n for (t, why), n in self.skipped.items()}, "reason": self.reason,
                "also": [r.to_json() for r in self.also]}

    def sentences(self) -> list[str]:
        out = []
        total = sum(self.applied.values())
        if self.status == "applied":
            out.append(ngettext("Imported {file} from {sender}: {n} row applied.",
                                "Imported {file} from {sender}: {n} rows applied.", total).format(
                                    file=self.file, sender=self.sender, n=total))
        elif self.status == "verified":
            out.append(ngettext("{file} from {sender} is sound; importing it would apply {n} row.",
                                "{file} from {sender} is sound; importing it would apply {n} rows.", total).format(
                                    file=self.file, sender=self.sender, n=total))
        elif self.status == "nothing_new":
            out.append(_("{file} from {sender} holds nothing new: {reason}").format(
                file=self.file, sender=self.sender, reason=self.reason))
        elif self.status == "held":
            out.append(_("{file} from {sender} is held: {reason} It will be applied by itself once that has been "
                         "imported.").format(file=self.file, sender=self.sender, reason=self.reason))
        elif self.status == "fork":
            out.append(_("{file} from {sender} was kept aside and not merged: {reason}").format(
                file=self.file, sender=self.sender, reason=self.reason))
        for table, n in sorted(self.applied.items()):
            out.append(_("  applied: {n} × {what}").format(n=n, what=_(apply.TABLE_WORDS.get(table, table))))
        skipped = Counter()
        for (table, _why), n in self.skipped.items():
            skipped[table] += n
        for table, n in sorted(skipped.items()):
            out.append(_("  skipped, already held: {n} × {what}").format(
                n=n, what=_(apply.TABLE_WORDS.get(table, table))))
        for other in self.also:
            out += other.sentences()
        return out


def _received(session: Session, peer: Peer) -> dict[str, int]:
    return dict(session.db.execute("SELECT device, upto FROM sync_received WHERE peer = ?", [peer.uuid]).fetchall())


def _waiting_for(session: Session, v: Verified) -> str | None:
    """Why the bundle cannot apply yet (an earlier bundle is missing), or None."""
    if v.manifest.get("kind") == "snapshot":
        return None
    received = _received(session, v.sender)
    for device, pair in (v.manifest.get("ranges") or {}).items():
        since = pair[0] if isinstance(pair, list) and pair else 0
        if isinstance(since, int) and since > received.get(device, 0):
            return _("it continues a bundle from {sender} that has not been imported here yet.").format(
                sender=v.sender.name)
    return None


def _keep(session: Session, v: Verified, folder: str, status_: str, reason: str) -> None:
    target = sync_dir(session.path) / folder
    target.mkdir(parents=True, exist_ok=True)
    copy = target / f"{v.manifest['bundle_id']}.closeloop"
    if not copy.exists():
        tmp = copy.with_name(copy.name + ".partial")
        shutil.copyfile(v.path, tmp)
        os.replace(tmp, copy)
    with session.write():
        session.db.execute(
            "INSERT INTO sync_bundle (bundle_id, direction, peer, kind, file, status, reason, ranges, at) "
            "VALUES (?, 'in', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bundle_id, direction) DO UPDATE SET "
            "status = excluded.status, reason = excluded.reason",
            [v.manifest["bundle_id"], v.sender.uuid, v.manifest.get("kind", ""), str(copy), status_, reason,
             json.dumps(v.manifest.get("ranges") or {}), clock.stamp(session.today)])


def _store_evidence(session: Session, v: Verified) -> None:
    for sha, staged in v.staged.items():
        target = stored_path(session.path, sha)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)


def _missing_files(session: Session, v: Verified, plan: apply.Plan) -> list[str]:
    shas = {w["sha256"] for t in ("evidence", "entry_evidence") for w in plan.inserts.get(t, [])}
    return sorted(s for s in shas if s not in v.staged and not stored_path(session.path, s).exists())


def _take_ack(session: Session, v: Verified) -> None:
    """Store the sender's acknowledgement unless it comes from a device the sender has left (docs/sync.md)."""
    src = v.manifest["from"]
    device, number, lineage = src.get("device", ""), int(src.get("bundle_no") or 0), list(src.get("lineage") or [])
    row = session.db.execute("SELECT device, bundle_no, lineage FROM sync_peer_state WHERE peer = ?",
                             [v.sender.uuid]).fetchone()
    ack = {d: int(n) for d, n in (v.manifest.get("ack") or {}).items() if isinstance(n, int)}
    if row is not None:
        old_device, old_number, old_lineage = row[0], row[1], json.loads(row[2])
        if device == old_device and number <= old_number:
            return
        if device != old_device and device in old_lineage:
            return  # a late bundle from a device the sender has since left
        if device != old_device and old_device not in lineage:  # two devices that do not know each other
            held = dict(session.db.execute("SELECT device, upto FROM sync_peer_ack WHERE peer = ?",
                                           [v.sender.uuid]).fetchall())
            ack = {d: min(n, held.get(d, n)) for d, n in ack.items()}
    session.db.execute("INSERT OR REPLACE INTO sync_peer_state VALUES (?, ?, ?, ?)",
                       [v.sender.uuid, device, number, json.dumps(lineage)])
    session.db.execute("DELETE FROM sync_peer_ack WHERE peer = ?", [v.sender.uuid])
    session.db.conn.executemany("INSERT INTO sync_peer_ack VALUES (?, ?, ?)",
                                [(v.sender.uuid, d, n) for d, n in ack.items()])


def _learn_key(session: Session, v: Verified) -> None:
    key = v.new_key
    if key is None:
        return
    office_keys.revoke_all_of(session.db, v.sender.uuid, _("re-enrolled on another computer"))
    office_keys.add_key(session.db, v.sender.uuid, key["sign"], key["enc"], key["device"], clock.now_utc())
    session.db.execute("UPDATE enrollment SET used_at = ?, used_key = ? WHERE id = ?",
                       [clock.now_utc(), key["key_id"], key["enrollment"]])


def _apply_verified(session: Session, v: Verified, dry_run: bool) -> ImportReport:
    report = ImportReport(v.path.name, v.sender.name, "applied")
    bundle_id = v.manifest.get("bundle_id")
    done = session.db.execute("SELECT at FROM sync_bundle WHERE bundle_id = ? AND direction = 'in' AND "
                              "status = 'applied'", [bundle_id]).fetchone()
    if done:
        report.status, report.reason = "nothing_new", _("it was already imported on {date}.").format(date=done[0][:10])
        return report
    waiting = _waiting_for(session, v)
    plan = apply.check(session.db.conn, v.sender, session.office.uuid, v.records)
    if waiting is None and plan.missing:
        waiting = _("it refers to records from {sender} that have not arrived here yet.").format(
            sender=v.sender.name)
    if plan.fork:
        report.status = "fork"
        report.reason = _("{sender}'s computer sent two different histories under one installation id (the "
                          "database was probably copied and used in two places). Ask {sender} which computer is "
                          "the right one, and enroll it again.").format(sender=v.sender.name)
    elif waiting:
        report.status, report.reason = "held", waiting
    if dry_run:
        if report.status == "applied":
            report.status = "verified"
        report.applied, report.skipped = plan.applied(), plan.skipped
        return report
    if report.status in ("fork", "held"):
        _keep(session, v, "forks" if report.status == "fork" else "held", report.status, report.reason)
        return report
    missing = _missing_files(session, v, plan)
    if missing:
        raise Refusal(_("The bundle {name} lacks {n} evidence file(s) its records need ({first}…); it was refused "
                        "and nothing was changed. Ask {sender} for a new bundle.").format(
                            name=v.path.name, n=len(missing), first=missing[0][:12], sender=v.sender.name))
    with session.write():
        written = apply.write(session.db.conn, plan)
        marks.record(session.db.conn, plan, v.sender.uuid, bundle_id, clock.stamp(session.today))
        if v.directory is not None and v.sender.role == "hub":
            hub_keys = office_keys.keys_of(session.db, v.sender.uuid)
            if hub_keys:
                office_keys.apply_directory(session.db, v.directory[0], v.directory[1], hub_keys[-1].sign_pub)
            session.db.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('sync_keys_known', '1')")
        _learn_key(session, v)
        for device, pair in (v.manifest.get("ranges") or {}).items():
            upto = pair[1] if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], int) else 0
            session.db.execute("INSERT INTO sync_received VALUES (?, ?, ?) ON CONFLICT (peer, device) DO UPDATE "
                               "SET upto = max(upto, excluded.upto)", [v.sender.uuid, device, upto])
        _take_ack(session, v)
        if written.assignments:
            status.refresh(session.db, written.assignments)
        if written.calendar_years:
            status.refresh_years(session.db, written.calendar_years)
        session.db.execute(
            "INSERT INTO sync_bundle (bundle_id, direction, peer, kind, file, sha256, status, report, ranges, at) "
            "VALUES (?, 'in', ?, ?, ?, ?, 'applied', ?, ?, ?) ON CONFLICT (bundle_id, direction) DO UPDATE SET "
            "status = 'applied', reason = '', report = excluded.report, sha256 = excluded.sha256",
            [bundle_id, v.sender.uuid, v.manifest.get("kind", ""), str(v.path), file_digest(v.path)[0],
             json.dumps({t: n for t, n in plan.applied().items()}), json.dumps(v.manifest.get("ranges") or {}),
             clock.stamp(session.today)])
        _store_evidence(session, v)
        session.audit("bundle import", ref=v.sender.code, file=v.path.name, applied=sum(plan.applied().values()),
                      skipped=sum(plan.skipped.values()))
    report.applied, report.skipped = plan.applied(), plan.skipped
    if not report.applied:
        report.status, report.reason = "nothing_new", _("every row in it is already here.")
    return report


def import_bundle(session: Session, path: str | Path, *, dry_run: bool = False) -> ImportReport:
    """Verify and import one bundle; see the module contract."""
    session.require_write()
    verified = verify_bundle(session, path)
    try:
        report = _apply_verified(session, verified, dry_run)
    finally:
        verified.discard()
    if report.status == "applied" and not dry_run:
        report.also = retry_held(session)
    return report


def retry_held(session: Session) -> list[ImportReport]:
    """Apply every held bundle that can now be applied, until none can."""
    done: list[ImportReport] = []
    progress = True
    while progress:
        progress = False
        for (file,) in session.db.execute(
                "SELECT file FROM sync_bundle WHERE direction = 'in' AND status = 'held' ORDER BY id"
                ).fetchall():
            try:
                verified = verify_bundle(session, file)
            except Refusal:
                continue
            try:
                report = _apply_verified(session, verified, False)
            finally:
                verified.discard()
            if report.status in ("applied", "nothing_new"):
                done.append(report)
                progress = True
                Path(file).unlink(missing_ok=True)
    return done

