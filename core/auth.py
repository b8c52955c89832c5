"""Local users and their passwords (hashlib.scrypt), and who may do what.

Roles: admin (everything, including users and restore), clerk (the daily work),
viewer (reads only). Password hashes are `scrypt$n$r$p$salt$hash` in hex.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import sqlite_utils

from core.clock import now_utc
from core.errors import Refusal, UsageError
from core.i18n import _
from core.text_checks import check_line

ROLES = ("admin", "clerk", "viewer")
_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD = 4


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool

    @property
    def can_write(self) -> bool:
        return self.active and self.role in ("admin", "clerk")


def validate_new_user(name: str, role: str, password: str) -> None:
    check_line(name, _("The user name"))
    if not name.strip():
        raise UsageError(_("The user name is empty; give the user a name."))
    if role not in ROLES:
        raise UsageError(_("'{role}' is not a role; choose admin, clerk or viewer.").format(role=role))
    if len(password) < MIN_PASSWORD:
        raise Refusal(_("The password is too short; use at least {n} characters.").format(n=MIN_PASSWORD))


def insert_user(db: sqlite_utils.Database, name: str, role: str, password: str, *,
                password_hash: str | None = None) -> User:
    """Add a user (the caller checks who may); refuses a duplicate name.

    `password_hash`: `hash_password(password)` already made by the caller (the enrollment makes it on
    another thread while the file is decrypted); by default it is made here.
    """
    name = name.strip()
    validate_new_user(name, role, password)
    if db.execute("SELECT 1 FROM user WHERE name = ?", [name]).fetchone():
        raise Refusal(_("A user named {name} already exists; choose another name.").format(name=name))
    row_id = db["user"].insert({"name": name, "role": role, "password_hash": password_hash or hash_password(password),
                                "active": 1, "created_at": now_utc()}).last_pk
    return User(int(row_id), name, role, True)


def sign_in(db: sqlite_utils.Database, name: str, password: str) -> User:
    """The user `name` if the password matches; a Refusal that names no detail otherwise."""
    row = db.execute("SELECT id, name, role, password_hash, active FROM user WHERE name = ?",
                     [name]).fetchone()
    if row is None or not check_password(password, row[3]):
        raise Refusal(_("Wrong user name or password; check both and try again."))
    if not row[4]:
        raise Refusal(_("The user {name} is deactivated; ask the administrator.").format(name=name))
    return User(row[0], row[1], row[2], bool(row[4]))


def list_users(db: sqlite_utils.Database) -> list[User]:
    return [User(r[0], r[1], r[2], bool(r[3]))
            for r in db.execute("SELECT id, name, role, active FROM user ORDER BY id")]
