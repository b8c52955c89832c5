"""This installation's identity: its device id, its keys and the binding to where it runs (docs/sync.md).

Contract:
- `ensure_identity(db)` returns the `Identity`: the device id and the Ed25519 signing
  and X25519 encryption keys of `sync_identity`, generated (and stored in hex) on first
  need; a hub also records its own public keys in `office_key`. It writes only when it
  generates, inside the caller's transaction if one is open, else in its own.
- `key_id(sign_pub)` is the first 16 hex digits of sha256(public key); `fingerprint`
  the first 20, upper case, in five groups of four, for a clerk to compare on paper.
- `sign` / `verify_signature`: Ed25519 over bytes (a bad signature is False, never raises).
- `machine_binding(db_path)`: sha256 of the machine id and the database's absolute path.
- `check_device(db, db_path)`: None when the binding matches (or is empty: a new or just
  migrated database is bound silently); otherwise the database was copied to another
  computer or folder: `renew_device(db, 'copied')` and the clerk's sentence saying so.
- `renew_device(db, reason)`: a new device id, recorded in `sync_device` (the lineage),
  the binding updated and, given `audit` (a session's), an audit entry. The keys stay.
Every write runs in the caller's transaction when one is open, else in its own
(core.db.connection.write_transaction).
"""
from __future__ import annotations

import hashlib
import os
import platform
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from core import clock
from core.db.connection import write_transaction
from core.i18n import _

Audit = Callable[..., None]  # Session.audit (core.office imports this module, so not the Session itself)

MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


@dataclass(frozen=True)
class Identity:
    """This installation: its device id and its key pairs (raw 32-byte keys)."""

    device: str
    sign_secret: bytes
    sign_pub: bytes
    enc_secret: bytes
    enc_pub: bytes
    key_id: str


def key_id(sign_pub: bytes) -> str:
    """The first 16 hex digits of sha256(signing public key)."""
    return hashlib.sha256(sign_pub).hexdigest()[:16]


def fingerprint(sign_pub: bytes) -> str:
    """The first 20 hex digits of sha256(signing public key), upper case, as 3F2A-9C01-…-…-…."""
    digits = hashlib.sha256(sign_pub).hexdigest()[:20].upper()
    return "-".join(digits[i:i + 4] for i in range(0, 20, 4))


def _sign_pub_of(secret: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()


def _enc_pub_of(secret: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()


def _identity(device: str, sign_hex: str, enc_hex: str) -> Identity:
    sign_secret, enc_secret = bytes.fromhex(sign_hex), bytes.fromhex(enc_hex)
    sign_pub = _sign_pub_of(sign_secret)
    return Identity(device, sign_secret, sign_pub, enc_secret, _enc_pub_of(enc_secret), key_id(sign_pub))


def current_identity(db: sqlite_utils.Database) -> Identity | None:
    """This installation's identity if its keys exist yet; never writes."""
    row = db.execute("SELECT device, sign_secret, enc_secret FROM sync_identity WHERE id = 1").fetchone()
    return _identity(row[0], row[1], row[2]) if row and row[1] and row[2] else None


def ensure_identity(db: sqlite_utils.Database) -> Identity:
    """The identity of this installation, its keys generated on first need (see the module contract)."""
    row = db.execute("SELECT device, sign_secret, enc_secret FROM sync_identity WHERE id = 1").fetchone()
    if row[1] and row[2]:
        return _identity(row[0], row[1], row[2])
    with write_transaction(db):
        row = db.execute("SELECT device, sign_secret, enc_secret FROM sync_identity WHERE id = 1").fetchone()
        if row[1] and row[2]:  # another process generated them meanwhile
            return _identity(row[0], row[1], row[2])
        sign_hex = Ed25519PrivateKey.generate().private_bytes_raw().hex()
        enc_hex = X25519PrivateKey.generate().private_bytes_raw().hex()
        db.execute("UPDATE sync_identity SET sign_secret = ?, enc_secret = ? WHERE id = 1", [sign_hex, enc_hex])
        identity = _identity(row[0], sign_hex, enc_hex)
        own = db.execute("SELECT uuid, role FROM office WHERE is_self = 1").fetchone()
        if own is not None and own[1] == "hub":
            record_key(db, own[0], identity.sign_pub, identity.enc_pub, identity.device, clock.now_utc())
    return identity


def record_key(db: sqlite_utils.Database, office_uuid: str, sign_pub: bytes, enc_pub: bytes, device: str,
               valid_from: str) -> str:
    """INSERT a public key of an office into `office_key` unless its key id is known; returns the key id.

    core.sync.office_keys.add_key is the public face; this is here so that the identity
    records the hub's own key without importing that module.
    """
    kid = key_id(sign_pub)
    with write_transaction(db):
        db.execute("INSERT INTO office_key (office, key_id, sign_pub, enc_pub, device, valid_from, added_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING",
                   [office_uuid, kid, sign_pub.hex(), enc_pub.hex(), device, valid_from, clock.now_utc()])
    return kid


def sign(identity: Identity, data: bytes) -> bytes:
    """The 64-byte Ed25519 signature of `data` by this installation."""
    return Ed25519PrivateKey.from_private_bytes(identity.sign_secret).sign(data)


def verify_signature(sign_pub: bytes, data: bytes, sig: bytes) -> bool:
    """Whether `sig` is a valid Ed25519 signature of `data` by `sign_pub` (malformed input is False)."""
    try:
        Ed25519PublicKey.from_public_bytes(sign_pub).verify(sig, data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _machine_id() -> str:
    if os.name == "nt":
        try:
            import winreg

            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography",  # type: ignore[attr-defined]
                                0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as key:  # type: ignore[attr-defined]
                return str(winreg.QueryValueEx(key, "MachineGuid")[0])  # type: ignore[attr-defined]
        except OSError:
            pass
    else:
        for name in MACHINE_ID_FILES:
            try:
                text = Path(name).read_text(encoding="ascii").strip()
            except (OSError, UnicodeDecodeError):
                continue
            if text:
                return text
    return platform.node()


def machine_binding(db_path: str | Path) -> str:
    """sha256 hex of the machine id and the database's resolved absolute path."""
    where = str(Path(db_path).resolve())
    return hashlib.sha256(f"{_machine_id()}\n{where}".encode()).hexdigest()


def _main_file(db: sqlite_utils.Database) -> str:
    return next(row[2] for row in db.execute("PRAGMA database_list").fetchall() if row[1] == "main")


def renew_device(db: sqlite_utils.Database, reason: str, *, db_path: str | Path | None = None,
                 audit: Audit | None = None) -> str:
    """Take a new device id (`reason`: 'copied' or 'restored'); returns it. The keys stay.

    The binding is set for `db_path` (default: the connection's own file); with
    `audit` (a session's `audit`), an audit entry `device` records the old and the new id.
    """
    device = uuid.uuid4().hex
    binding = machine_binding(db_path if db_path is not None else _main_file(db))
    with write_transaction(db):
        previous = db.execute("SELECT device FROM sync_identity WHERE id = 1").fetchone()[0]
        db.execute("UPDATE sync_identity SET device = ?, binding = ? WHERE id = 1", [device, binding])
        db.execute("INSERT INTO sync_device (device, started_at, reason) VALUES (?, ?, ?)",
                   [device, clock.now_utc(), reason])
        if audit is not None:
            audit("device", ref=device, previous=previous, reason=reason)
    return device


def stored_binding(db: sqlite_utils.Database) -> str:
    return str(db.execute("SELECT binding FROM sync_identity WHERE id = 1").fetchone()[0])


def check_device(db: sqlite_utils.Database, db_path: str | Path, *, stored: str | None = None,
                 audit: Audit | None = None) -> str | None:
    """Renew the device id if the database was copied (see the module contract); the sentence, or None.

    `stored` is the binding the caller already read (core.office reads it with the office),
    so a matching binding costs no statement at all.
    """
    binding = machine_binding(db_path)
    if stored is None:
        stored = stored_binding(db)
    if stored == binding:
        return None
    if stored == "":
        with write_transaction(db):
            db.execute("UPDATE sync_identity SET binding = ? WHERE id = 1", [binding])
        return None
    device = renew_device(db, "copied", db_path=db_path, audit=audit)
    return _("This database was copied from another computer or folder; it now writes as a new installation "
             "(device {device}) so the county office can tell its records apart.").format(device=device)
