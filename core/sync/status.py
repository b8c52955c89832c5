"""What each office has received: acknowledgements, the outbox, held and forked bundles.

Contract: `sync_status(session)` returns a JSON-ready dict: `offices` (per other
office: code, name, role, whether its key is known, the date of the newest of our
bundles it has acknowledged, the newest bundle imported from it), `outbox` (each
bundle written: to whom, file, when, acknowledged or not), `held` (bundles kept
aside: held or fork, with why) and `lines`, the same in a clerk's sentences.
`unit_contact(session)` (the hub's "not synced for 7 days" list) returns one
`UnitContact` per enrolled unit office: the day of the newest bundle received from
it (applied, held or kept aside; None when never), the days since then counted to
`session.today` (core.clock, so CLOSELOOP_TODAY moves it) and `stale` when that is
`STALE_DAYS` or more, or never. Whether its key is known (it has sent its first
bundle) and valid comes with it. Reads only.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from core.format import medium_date
from core.i18n import _
from core.office import Session
from core.sync.selection import peer_rows


def _acknowledged(ranges: dict, acks: dict[str, int]) -> bool:
    return all(acks.get(device, 0) >= pair[1] for device, pair in ranges.items() if pair[1] > pair[0])


def sync_status(session: Session) -> dict:
    db = session.db
    offices, outbox, held, lines = [], [], [], []
    for peer in peer_rows(db.conn):
        acks = dict(db.execute("SELECT device, upto FROM sync_peer_ack WHERE peer = ?", [peer.uuid]).fetchall())
        has_key = db.execute("SELECT 1 FROM office_key WHERE office = ? AND revoked_at IS NULL",
                             [peer.uuid]).fetchone() is not None
        sent = db.execute("SELECT bundle_id, kind, file, at, ranges FROM sync_bundle WHERE direction = 'out' "
                          "AND peer = ? ORDER BY id", [peer.uuid]).fetchall()
        acked_until = None
        for bundle_id, kind, file, at, ranges in sent:
            ok = _acknowledged(json.loads(ranges), acks) and bool(acks)
            if ok:
                acked_until = at[:10]
            outbox.append({"to": peer.code, "file": file, "kind": kind, "at": at, "acknowledged": ok,
                           "bundle_id": bundle_id})
        last_in = db.execute("SELECT max(at) FROM sync_bundle WHERE direction = 'in' AND peer = ? "
                             "AND status = 'applied'", [peer.uuid]).fetchone()[0]
        offices.append({"code": peer.code, "name": peer.name, "role": peer.role, "key_known": has_key,
                        "acknowledged_until": acked_until, "last_imported": last_in})
        if acked_until:
            lines.append(_("{office} has received your records up to {date}.").format(
                office=peer.name, date=medium_date(dt.date.fromisoformat(acked_until))))
        elif sent:
            lines.append(_("{office} has not yet acknowledged any bundle from this office.").format(office=peer.name))
        if session.is_hub and peer.role == "unit" and not has_key:  # a unit never holds another unit's key
            lines.append(_("{office} is enrolled, but its first bundle (which carries its key) has not been "
                           "imported yet.").format(office=peer.name))
    for file, status, reason, at, code in db.execute(
            "SELECT b.file, b.status, b.reason, b.at, o.code FROM sync_bundle b LEFT JOIN office o ON o.uuid = b.peer "
            "WHERE b.direction = 'in' AND b.status IN ('held', 'fork') ORDER BY b.id"):
        held.append({"from": code, "file": file, "status": status, "reason": reason, "at": at})
        word = _("held") if status == "held" else _("kept aside (fork)")
        lines.append(_("Bundle from {office}, {word}: {reason}").format(office=code, word=word, reason=reason))
    waiting = sum(1 for o in outbox if not o["acknowledged"])
    lines.append(_("Outbox: {n} bundle(s) written, {waiting} not yet acknowledged.").format(
        n=len(outbox), waiting=waiting))
    return {"office": session.office.code, "offices": offices, "outbox": outbox, "held": held, "lines": lines}


STALE_DAYS = 7


@dataclass(frozen=True)
class UnitContact:
    code: str
    name: str
    last_received: dt.date | None
    days: int | None          # since last_received, to the office's today; None when never
    key_known: bool           # a valid (unrevoked) key of the unit is known here
    stale: bool               # STALE_DAYS or more, or never


def unit_contact(session: Session) -> list[UnitContact]:
    """Each enrolled unit office and when its newest bundle arrived (see the module contract)."""
    db = session.db
    out = []
    for peer in peer_rows(db.conn):
        if peer.role != "unit":
            continue
        at = db.execute("SELECT max(at) FROM sync_bundle WHERE direction = 'in' AND peer = ?",
                        [peer.uuid]).fetchone()[0]
        last = dt.date.fromisoformat(at[:10]) if at else None
        days = (session.today - last).days if last else None
        has_key = db.execute("SELECT 1 FROM office_key WHERE office = ? AND revoked_at IS NULL",
                             [peer.uuid]).fetchone() is not None
        out.append(UnitContact(peer.code, peer.name, last, days, has_key, days is None or days >= STALE_DAYS))
    return out
