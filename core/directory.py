"""The directory: units, leaders (and the units they are in charge of), users.

Writes need a clerk or admin of the hub (users: an admin); rows are never deleted,
only deactivated. Look-ups by code or name raise a Refusal naming what was not found.

Edits (`edit_unit`, `set_unit_active`, `edit_leader`, `set_leader_active`,
`set_user_role`, `set_user_active`, `reset_password`) run in one transaction on
the caller's thread, are audited with the values before and after, bump `rev`
on the synced rows they change, and return `Changes(directory=True)` — or an
empty `Changes()` when the request changes nothing (no write, no audit entry).
A unit's code and a leader's or user's name are their keys and never change.
Rules: a unit with open assignments cannot be deactivated; a deactivated unit
cannot be put in a leader's charge; the last active administrator can be
neither deactivated nor demoted, and nobody deactivates or demotes themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from core import clock
from core.auth import MIN_PASSWORD, ROLES, User, hash_password, insert_user, list_users
from core.errors import Refusal, UsageError
from core.i18n import _, ngettext
from core.office import Changes, Session
from core.text_checks import check_code, check_line, visible

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
        raise Refusal(_("There is no unit with the code {code}; 'unit list' shows the codes.").format(
            code=visible(code)))
    return Unit(row[0], row[1], row[2], row[3], bool(row[4]))


def leader_by_name(db: sqlite_utils.Database, name: str) -> Leader:
    row = db.execute("SELECT id, name, title, active FROM leader WHERE name = ?", [name.strip()]).fetchone()
    if row is None:
        raise Refusal(_("There is no leader named {name}; 'leader list' shows the names.").format(
            name=visible(name)))
    return Leader(row[0], row[1], row[2], bool(row[3]), _leader_units(db, row[0]))


def _leader_units(db: sqlite_utils.Database, leader_id: int) -> tuple[str, ...]:
    return tuple(r[0] for r in db.execute(
        "SELECT u.code FROM leader_unit lu JOIN unit u ON u.id = lu.unit_id "
        "WHERE lu.leader_id = ? AND lu.active = 1 ORDER BY u.id", [leader_id]))


def list_leaders(db: sqlite_utils.Database) -> list[Leader]:
    return [Leader(r[0], r[1], r[2], bool(r[3]), _leader_units(db, r[0]))
            for r in db.execute("SELECT id, name, title, active FROM leader ORDER BY id")]


def add_unit(s: Session, code: str, name: str, kind: str) -> Unit:
    code, name = code.strip(), check_line(name, _("The unit name"))
    if not code or not name:
        raise UsageError(_("A unit needs a code and a name, e.g. --code TGZ --name 太公镇."))
    code = check_code(code, _("The unit code"))
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
    name = check_line(name, _("The leader's name"))
    title = check_line(title, _("The job title"))
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


# ---------------------------------------------------------------- edits

def _bump(s: Session, table: str, row_id: int, **values: object) -> None:
    """Update a synced row of this office and bump its revision."""
    sets = ", ".join(f"{k} = ?" for k in values)
    s.db.execute(f"UPDATE {table} SET {sets}, rev = rev + 1 WHERE id = ?", [*values.values(), row_id])


def _uuid(s: Session, table: str, row_id: int) -> str:
    return str(s.db.execute(f"SELECT uuid FROM {table} WHERE id = ?", [row_id]).fetchone()[0])


def edit_unit(s: Session, code: str, name: str, kind: str) -> Changes:
    """Rename a unit or change its kind; its code stays."""
    name = check_line(name, _("The unit name"))
    if not name:
        raise UsageError(_("The unit's name is empty; give the unit a name."))
    if kind not in KINDS:
        raise UsageError(_("'{kind}' is not a unit kind; choose township or department.").format(kind=kind))
    s.require_hub()
    with s.write():
        unit = unit_by_code(s.db, code)
        if (unit.name, unit.kind) == (name, kind):
            return Changes()
        if s.db.execute("SELECT 1 FROM unit WHERE name = ? AND id != ?", [name, unit.id]).fetchone():
            raise Refusal(_("A unit named {name} already exists.").format(name=name))
        _bump(s, "unit", unit.id, name=name, kind=kind)
        s.audit("unit_edit", ref=unit.code, row_uuid=_uuid(s, "unit", unit.id), name=name, kind=kind,
                before={"name": unit.name, "kind": unit.kind})
    return Changes(directory=True)


def open_assignment_count(db: sqlite_utils.Database, unit_id: int) -> int:
    """Assignments of the unit that are neither closed nor cancelled."""
    return int(db.execute(
        "SELECT COUNT(*) FROM assignment a JOIN assignment_status st ON st.assignment_id = a.id "
        "WHERE a.unit_id = ? AND st.state NOT IN ('closed', 'cancelled')", [unit_id]).fetchone()[0])


def set_unit_active(s: Session, code: str, active: bool) -> Changes:
    """Deactivate a unit (no new tasks can be given to it) or make it active again."""
    s.require_hub()
    with s.write():
        unit = unit_by_code(s.db, code)
        if unit.active == active:
            return Changes()
        if not active:
            n = open_assignment_count(s.db, unit.id)
            if n:
                raise Refusal(ngettext(
                    "{unit} still has {n} open assignment; close or cancel it before deactivating the unit.",
                    "{unit} still has {n} open assignments; close or cancel them before deactivating the unit.",
                    n).format(unit=unit.name, n=n))
        _bump(s, "unit", unit.id, active=int(active))
        s.audit("unit_activate" if active else "unit_deactivate", ref=unit.code,
                row_uuid=_uuid(s, "unit", unit.id))
    return Changes(directory=True)


def edit_leader(s: Session, name: str, title: str, unit_codes: list[str]) -> Changes:
    """Set a leader's job title and the units in their charge (links are deactivated, never deleted)."""
    title = check_line(title, _("The job title"))
    s.require_hub()
    with s.write():
        leader = leader_by_name(s.db, name)
        units = [unit_by_code(s.db, c) for c in dict.fromkeys(c.strip() for c in unit_codes) if c]
        wanted = {u.id for u in units}
        links = {int(r[0]): (int(r[1]), bool(r[2])) for r in s.db.execute(
            "SELECT unit_id, id, active FROM leader_unit WHERE leader_id = ?", [leader.id])}
        before = {uid for uid, (_lid, on) in links.items() if on}
        for u in units:
            if u.id not in before and not u.active:
                raise Refusal(_("The unit {unit} is deactivated; put only active units in a leader's charge.")
                              .format(unit=u.name))
        if title == leader.title and wanted == before:
            return Changes()
        if title != leader.title:
            _bump(s, "leader", leader.id, title=title)
        for uid in wanted ^ before:
            if uid in links:
                _bump(s, "leader_unit", links[uid][0], active=int(uid in wanted))
            else:
                s.db["leader_unit"].insert(s.synced_row(leader_id=leader.id, unit_id=uid, active=1))
        s.audit("leader_edit", ref=leader.name, row_uuid=_uuid(s, "leader", leader.id), title=title,
                units=list(_leader_units(s.db, leader.id)),
                before={"title": leader.title, "units": list(leader.units)})
    return Changes(directory=True)


def set_leader_active(s: Session, name: str, active: bool) -> Changes:
    """Deactivate a leader (kept with their tasks and units) or make them active again."""
    s.require_hub()
    with s.write():
        leader = leader_by_name(s.db, name)
        if leader.active == active:
            return Changes()
        _bump(s, "leader", leader.id, active=int(active))
        s.audit("leader_activate" if active else "leader_deactivate", ref=leader.name,
                row_uuid=_uuid(s, "leader", leader.id))
    return Changes(directory=True)


def _user(db: sqlite_utils.Database, name: str) -> User:
    row = db.execute("SELECT id, name, role, active FROM user WHERE name = ?", [name.strip()]).fetchone()
    if row is None:
        raise Refusal(_("There is no user named {name}; 'user list' shows the names.").format(
            name=visible(name)))
    return User(row[0], row[1], row[2], bool(row[3]))


def _other_active_admins(db: sqlite_utils.Database, user_id: int) -> int:
    return int(db.execute("SELECT COUNT(*) FROM user WHERE role = 'admin' AND active = 1 AND id != ?",
                          [user_id]).fetchone()[0])


def _check_not_self(s: Session, user: User) -> None:
    if user.id == s.user.id:
        raise Refusal(_("You cannot deactivate your own account or change your own role; "
                        "ask another administrator."))


def set_user_role(s: Session, name: str, role: str) -> Changes:
    """Change a user's role (an administrator's action)."""
    if role not in ROLES:
        raise UsageError(_("'{role}' is not a role; choose admin, clerk or viewer.").format(role=role))
    with s.write(admin=True):
        user = _user(s.db, name)
        if user.role == role:
            return Changes()
        _check_not_self(s, user)
        if user.role == "admin" and user.active and not _other_active_admins(s.db, user.id):
            raise Refusal(_("{name} is the last active administrator; make another user an administrator "
                            "first.").format(name=user.name))
        s.db.execute("UPDATE user SET role = ? WHERE id = ?", [role, user.id])
        s.audit("user_role", ref=user.name, role=role, before=user.role)
    return Changes(directory=True)


def set_user_active(s: Session, name: str, active: bool) -> Changes:
    """Deactivate a user (they can no longer sign in) or make them active again (administrator)."""
    with s.write(admin=True):
        user = _user(s.db, name)
        if user.active == active:
            return Changes()
        if not active:
            _check_not_self(s, user)
            if user.role == "admin" and not _other_active_admins(s.db, user.id):
                raise Refusal(_("{name} is the last active administrator and cannot be deactivated.")
                              .format(name=user.name))
        s.db.execute("UPDATE user SET active = ? WHERE id = ?", [int(active), user.id])
        s.audit("user_activate" if active else "user_deactivate", ref=user.name)
    return Changes(directory=True)


def reset_password(s: Session, name: str, password: str) -> Changes:
    """Give a user a new password (administrator); the old one stops working at once."""
    if len(password) < MIN_PASSWORD:
        raise Refusal(_("The password is too short; use at least {n} characters.").format(n=MIN_PASSWORD))
    with s.write(admin=True):
        user = _user(s.db, name)
        s.db.execute("UPDATE user SET password_hash = ? WHERE id = ?", [hash_password(password), user.id])
        s.audit("user_password", ref=user.name)
    return Changes(directory=True)


__all__ = ["Unit", "Leader", "list_units", "list_leaders", "list_users", "unit_by_code",
           "leader_by_name", "add_unit", "add_leader", "add_user", "edit_unit", "set_unit_active",
           "edit_leader", "set_leader_active", "set_user_role", "set_user_active", "reset_password",
           "open_assignment_count"]
