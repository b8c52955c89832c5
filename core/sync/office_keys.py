"""The public keys this office trusts (`office_key`) and the hub's signed directory of offices.

Contract (docs/sync.md, "Identities and keys"):
- `add_key` records a public key of an office (a key id already known is left as it is);
  `keys_of`, `find_key` read them back as `KnownKey`.
- `revoke(session, office_code, reason)`: at the hub, an administrator or clerk revokes
  every valid key of another office, with an audit entry; refused in one sentence
  (nothing changed) for an unknown office, an empty reason or nothing to revoke.
  `revoke_all_of(db, office_uuid, reason)` does it without checks (re-enrollment).
- `directory_document(db)`: the canonical JSON (sorted keys and lists, no spaces) of
  every office with its keys, validity and revocations, which the hub signs.
- `apply_directory(db, data, sig, hub_sign_pub)`: at a unit, verify the hub's signature
  (a Refusal otherwise, nothing changed), then add the keys it does not know and apply
  the revocations, in one transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlite_utils

from core import clock
from core.db.connection import write_transaction
from core.errors import Refusal, UsageError
from core.i18n import _
from core.sync.identity import key_id as key_id_of
from core.sync.identity import record_key, verify_signature

if TYPE_CHECKING:
    from core.office import Session

_COLUMNS = "office, key_id, sign_pub, enc_pub, device, valid_from, revoked_at, revoked_reason"


@dataclass(frozen=True)
class KnownKey:
    office: str           # the office's uuid
    key_id: str
    sign_pub: bytes
    enc_pub: bytes
    device: str
    valid_from: str
    revoked_at: str | None
    revoked_reason: str

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _key(row: Any) -> KnownKey:
    return KnownKey(row[0], row[1], bytes.fromhex(row[2]), bytes.fromhex(row[3]), row[4], row[5], row[6], row[7])


def add_key(db: sqlite_utils.Database, office_uuid: str, sign_pub: bytes, enc_pub: bytes, device: str,
            valid_from: str) -> str:
    """Record a public key of `office_uuid` (nothing if its key id is known); returns the key id."""
    return record_key(db, office_uuid, sign_pub, enc_pub, device, valid_from)


def keys_of(db: sqlite_utils.Database, office_uuid: str, *, include_revoked: bool = False) -> list[KnownKey]:
    """The keys of one office, oldest first; revoked ones only with `include_revoked`."""
    where = "" if include_revoked else " AND revoked_at IS NULL"
    return [_key(r) for r in db.execute(f"SELECT {_COLUMNS} FROM office_key WHERE office = ?{where} "
                                        "ORDER BY valid_from, id", [office_uuid]).fetchall()]


def find_key(db: sqlite_utils.Database, key_id: str) -> KnownKey | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM office_key WHERE key_id = ?", [key_id]).fetchone()
    return _key(row) if row else None


def all_keys(db: sqlite_utils.Database) -> list[tuple[str, KnownKey]]:
    """Every known key with its office's code ('' for an office not in the directory), by office code."""
    rows = db.execute(f"SELECT coalesce(o.code, ''), {', '.join('k.' + c.strip() for c in _COLUMNS.split(','))} "
                      "FROM office_key k LEFT JOIN office o ON o.uuid = k.office "
                      "ORDER BY o.code, k.valid_from, k.id").fetchall()
    return [(r[0], _key(r[1:])) for r in rows]


def revoke_all_of(db: sqlite_utils.Database, office_uuid: str, reason: str) -> int:
    """Revoke every valid key of `office_uuid` now; returns how many."""
    with write_transaction(db):
        cursor = db.execute("UPDATE office_key SET revoked_at = ?, revoked_reason = ? "
                            "WHERE office = ? AND revoked_at IS NULL", [clock.now_utc(), reason, office_uuid])
    return int(cursor.rowcount)


def revoke(session: Session, office_code: str, reason: str) -> int:
    """At the hub, revoke the keys of the office `office_code` (see the module contract); returns how many."""
    session.require_hub()
    session.require_write()
    code = office_code.strip()
    row = session.db.execute("SELECT uuid, name, is_self FROM office WHERE code = ?", [code]).fetchone()
    if row is None:
        raise Refusal(_("There is no office with the code {code}; 'keys show' lists the offices and their keys.")
                      .format(code=code))
    if row[2]:
        raise Refusal(_("The keys of this office itself cannot be revoked; revoke the key of another office."))
    if not reason.strip():
        raise UsageError(_("Say why the keys are revoked, e.g. --reason \"the USB stick was lost\"."))
    if not keys_of(session.db, row[0]):
        raise Refusal(_("The office {code} has no valid key to revoke; nothing was changed.").format(code=code))
    with session.write():
        ids = [k.key_id for k in keys_of(session.db, row[0])]
        count = revoke_all_of(session.db, row[0], reason.strip())
        session.audit("key_revoke", ref=code, row_uuid=row[0], keys=ids, reason=reason.strip())
    return count


def directory_document(db: sqlite_utils.Database) -> bytes:
    """The hub's directory of offices and their keys as canonical JSON bytes (see the module contract)."""
    offices = db.execute("SELECT o.uuid, o.code, o.name, o.role, u.uuid FROM office o "
                         "LEFT JOIN unit u ON u.id = o.unit_id ORDER BY o.uuid").fetchall()
    document = []
    for uuid, code, name, role, unit in offices:
        keys = [{"key_id": k.key_id, "sign": k.sign_pub.hex(), "enc": k.enc_pub.hex(), "device": k.device,
                 "valid_from": k.valid_from, "revoked_at": k.revoked_at, "revoked_reason": k.revoked_reason}
                for k in sorted(keys_of(db, uuid, include_revoked=True), key=lambda k: k.key_id)]
        document.append({"uuid": uuid, "code": code, "name": name, "role": role, "unit": unit, "keys": keys})
    return json.dumps({"offices": document}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _bad_directory() -> Refusal:
    return Refusal(_("The directory of offices in this bundle is not signed by the county office's key; "
                     "nothing was changed. Ask the county office for a new bundle."))


def apply_directory(db: sqlite_utils.Database, data: bytes, sig: bytes, hub_sign_pub: bytes) -> None:
    """At a unit: check the hub's signature over `data`, then add its new keys and its revocations."""
    if not verify_signature(hub_sign_pub, data, sig):
        raise _bad_directory()
    try:
        offices = json.loads(data.decode("utf-8"))["offices"]
        entries = [(o["uuid"], k) for o in offices for k in o["keys"]]
        for _office, k in entries:
            if key_id_of(bytes.fromhex(k["sign"])) != k["key_id"]:
                raise ValueError(k["key_id"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise Refusal(_("The directory of offices in this bundle cannot be read; nothing was changed. "
                        "Ask the county office for a new bundle.")) from err
    with write_transaction(db):
        for office_uuid, k in entries:
            add_key(db, office_uuid, bytes.fromhex(k["sign"]), bytes.fromhex(k["enc"]), str(k.get("device", "")),
                    str(k["valid_from"]))
            if k.get("revoked_at"):
                db.execute("UPDATE office_key SET revoked_at = ?, revoked_reason = ? "
                           "WHERE key_id = ? AND revoked_at IS NULL",
                           [str(k["revoked_at"]), str(k.get("revoked_reason", "")), k["key_id"]])
