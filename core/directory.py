"""The directory: units, leaders (and the units they are in charge of), users.

Writes need a clerk or admin of the hub (users: an admin); rows are never deleted,
only deactivated. Look-ups by code or name raise a Refusal naming what was not found.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from core import clock
from core.auth import ROLES, User, insert_user, list_users
from core.errors import Refusal, UsageError
from core.i18n import _
from core.office import Session

KINDS = ("township", "department")


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    name: str
    kind: str
    active: bool


@dataclass(frozen=True)
class Leader:
    id: int
    name: str
    title: str
    active: bool
    units: tuple[str, ...]


def list_units(db: sqlite_utils.Database, *, kind: str | None = None) -> list[Unit]:
    sql = "SELECT id, code, name, kind, active FROM unit"
    args: list[object] = []
    if kind:
        sql += " WHERE kind = ?"
        args.append(kind)
    return [Unit(r[0], r[1], r[2], r[3], bool(r[4])) for r in db.execute(sql + " ORDER BY kind DESC, id", args)]


def unit_by_code(db: sqlite_utils.Database, code: str) -> Unit:
    row = db.execute("SELECT id, code, name, kind, active FROM unit WHERE code = ? COLLATE NOCASE",
                     [code.strip()]).fetchone()
    if row is None:
        raise Refusal(_("There is no unit with the code {code}; 'unit list' shows the codes.").format(code=code))
    return Unit(row[0], row[1], row[2], row[3], bool(row[4]))


def leader_by_name(db: sqlite_utils.Database, name: str) -> Leader:
    row = db.execute("SELECT id, name, title, active FROM leader WHERE name = ?", [name.strip()]).fetchone()
    if row is None:
        raise Refusal(_("There is no leader named {name}; 'leader list' shows the names.").format(name=name))
    return Leader(row[0], row[1], row[2], bool(row[3]), _leader_units(db, row[0]))


def _leader_units(db: sqlite_utils.Database, leader_id: int) -> tuple[str, ...]:
    return tuple(r[0] for r in db.execute(
        "SELECT u.code FROM leader_unit lu JOIN unit u ON u.id = lu.unit_id "
        "WHERE lu.leader_id = ? AND lu.active = 1 ORDER BY u.id", [leader_id]))


def list_leaders(db: sqlite_utils.Database) -> list[Leader]:
    return [Leader(r[0], r[1], r[2], bool(r[3]), _leader_units(db, r[0]))
            for r in db.execute("SELECT id, name, title, active FROM leader ORDER BY id")]


def add_unit(s: Session, code: str, name: str, kind: str) -> Unit:
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise UsageError(_("A unit needs a code and a name, e.g. --code TGZ --name 太公镇."))
    if kind not in KINDS:
        raise UsageError(_("'{kind}' is not a unit kind; choose township or department.").format(kind=kind))
    s.require_hub()
    with s.write():
        if s.db.execute("SELECT 1 FROM unit WHERE code = ? COLLATE NOCASE", [code]).fetchone():
            raise Refusal(_("The unit code {code} is taken; choose another code.").format(code=code))
        if s.db.execute("SELECT 1 FROM unit WHERE name = ?", [name]).fetchone():
            raise Refusal(_("A unit named {name} already exists.").format(name=name))
        row = s.synced_row(code=code, name=name, kind=kind, active=1, created_at=clock.now_utc())
        unit_id = s.db["unit"].insert(row).last_pk
        s.audit("unit_add", ref=code, row_uuid=str(row["uuid"]), name=name, kind=kind)
    return Unit(int(unit_id), code, name, kind, True)


def add_leader(s: Session, name: str, title: str = "", unit_codes: list[str] | None = None) -> Leader:
    name = name.strip()
    if not name:
        raise UsageError(_("The leader's name is empty; give a name, e.g. --name 王建国."))
    s.require_hub()
    with s.write():
        if s.db.execute("SELECT 1 FROM leader WHERE name = ?", [name]).fetchone():
            raise Refusal(_("A leader named {name} already exists.").format(name=name))
        units = [unit_by_code(s.db, c) for c in unit_codes or [] if c.strip()]
        row = s.synced_row(name=name, title=title.strip(), active=1, created_at=clock.now_utc())
        leader_id = int(s.db["leader"].insert(row).last_pk)
        for u in units:
            s.db["leader_unit"].insert(s.synced_row(leader_id=leader_id, unit_id=u.id, active=1))
        s.audit("leader_add", ref=name, row_uuid=str(row["uuid"]), title=title,
                units=[u.code for u in units])
    return Leader(leader_id, name, title.strip(), True, tuple(u.code for u in units))


def add_user(s: Session, name: str, role: str, password: str) -> User:
    if role not in ROLES:
        raise UsageError(_("'{role}' is not a role; choose admin, clerk or viewer.").format(role=role))
    with s.write(admin=True):
        user = insert_user(s.db, name, role, password)
        s.audit("user_add", ref=user.name, role=role)
    return user


__all__ = ["Unit", "Leader", "list_units", "list_leaders", "list_users", "unit_by_code",
           "leader_by_name", "add_unit", "add_leader", "add_user"]
