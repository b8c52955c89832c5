"""The office a database belongs to, the acting session, the audit log and settings.

Contract: every write goes through a `Session` (the office, the signed-in user and
today's date). `Session.write()` opens one transaction; `audit()` appends to the
append-only audit log inside it. A viewer's session refuses every write.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from core import audit_chain, clock
from core.auth import User, insert_user, sign_in, validate_new_user
from core.db.connection import open_database, write_transaction
from core.errors import Refusal, UsageError
from core.i18n import _

DEFAULT_ATTACHMENT_MB = 50


def new_uuid() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Office:
    id: int
    uuid: str
    code: str
    name: str
    role: str
    unit_id: int | None


@dataclass(frozen=True)
class ActedOn:
    """The assignment an action was recorded on, and its state and completion due after it."""

    assignment_id: int
    ref: str
    state: str
    due: dt.date


@dataclass
class Changes:
    """What a write changed, so views can decide whether to redraw.

    `acted_on`: for an action (core.work.actions.record), the assignment it was recorded
    on with its new state, so a caller prints or redraws without looking it up again.
    `notes`: sentences for the clerk about what the write did besides (e.g. a person it added).
    """

    assignments: set[int] = field(default_factory=set)
    tasks: set[int] = field(default_factory=set)
    directory: bool = False
    calendar: bool = False
    rules: bool = False
    acted_on: ActedOn | None = None
    notes: list[str] = field(default_factory=list)

    def merge(self, other: Changes) -> Changes:
        self.assignments |= other.assignments
        self.tasks |= other.tasks
        self.directory |= other.directory
        self.calendar |= other.calendar
        self.rules |= other.rules
        self.acted_on = other.acted_on or self.acted_on
        self.notes += [n for n in other.notes if n not in self.notes]
        return self


def self_office(db: sqlite_utils.Database) -> Office:
    return _self_office_and_binding(db)[0]


def _self_office_and_binding(db: sqlite_utils.Database) -> tuple[Office, str]:
    """The office and the installation's stored binding (core.sync.identity), in one statement."""
    row = db.execute("SELECT id, uuid, code, name, role, unit_id, "
                     "(SELECT binding FROM sync_identity WHERE id = 1) FROM office WHERE is_self = 1").fetchone()
    if row is None:
        raise Refusal(_("This database has no office yet; create one with 'init' or 'demo'."))
    return Office(*row[:6]), row[6] or ""


def get_setting(db: sqlite_utils.Database, key: str, default: str) -> str:
    row = db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", [key, value])


def attachment_cap_bytes(db: sqlite_utils.Database) -> int:
    return int(float(get_setting(db, "attachment_max_mb", str(DEFAULT_ATTACHMENT_MB))) * 1024 * 1024)


@dataclass
class Session:
    """A signed-in user acting in this office's database."""

    db: sqlite_utils.Database
    path: Path
    office: Office
    user: User
    today: dt.date
    # the sentence for the clerk when opening found the database copied (core.sync.identity.check_device)
    device_notice: str | None = None

    @property
    def is_hub(self) -> bool:
        return self.office.role == "hub"

    def require_write(self, *, admin: bool = False) -> None:
        if not self.user.can_write:
            raise Refusal(_("The user {name} may only read; ask a clerk or the administrator to do this.")
                          .format(name=self.user.name))
        if admin and self.user.role != "admin":
            raise Refusal(_("Only an administrator may do this; sign in as an administrator."))

    def require_hub(self) -> None:
        if not self.is_hub:
            raise Refusal(_("Only the county supervision office (hub) may do this."))

    @contextmanager
    def write(self, *, admin: bool = False) -> Iterator[sqlite_utils.Database]:
        """One transaction for a group of writes; a refusal inside rolls it all back.

        The outermost one starts with BEGIN IMMEDIATE (core.db.connection.write_transaction):
        another process writing meanwhile makes it wait, up to the busy timeout, then
        refuse with "another window is writing"; nested ones are savepoints.
        """
        self.require_write(admin=admin)
        with write_transaction(self.db):
            yield self.db

    def __post_init__(self) -> None:
        audit_chain.install_capture(self.db)

    def audit(self, action: str, *, ref: str = "", row_uuid: str | None = None,
              effective_date: dt.date | None = None, **details: object) -> None:
        """Append to the hash-chained audit log, sealing the rows written since the last entry."""
        audit_chain.append(self.db, {
            "recorded_at": clock.now_utc(), "user_name": self.user.name, "office": self.office.code,
            "action": action, "ref": ref, "row_uuid": row_uuid,
            "effective_date": effective_date.isoformat() if effective_date else None,
            "details": json.dumps(details, ensure_ascii=False, default=str),
        })

    def synced_row(self, **values: object) -> dict[str, object]:
        """A new row owned by this office: uuid, owner and revision 1."""
        return {"uuid": new_uuid(), "owner": self.office.uuid, "rev": 1, **values}


def open_session(path: str | Path, user_name: str, password: str,
                 today: dt.date | None = None) -> Session:
    """Open the database at `path` and sign `user_name` in.

    Before anything is written, the installation's binding is checked
    (core.sync.identity.check_device): a database copied to another computer or
    folder takes a new device id, and `device_notice` says so for the clerk.
    """
    from core.sync.identity import check_device

    path = Path(path)
    if not path.exists():
        raise Refusal(_("There is no database at {path}; create one with 'init' or 'demo', "
                        "or give the right --db.").format(path=path))
    db = open_database(path)
    try:
        office, binding = _self_office_and_binding(db)
        user = sign_in(db, user_name, password)
        session = Session(db, path, office, user, today or clock.today())
        session.device_notice = check_device(db, path, stored=binding, audit=session.audit)
    except BaseException:
        db.conn.close()
        raise
    return session


def init_office(path: str | Path, *, name: str, code: str, admin: str, password: str,
                role: str = "hub", today: dt.date | None = None) -> Session:
    """Create a hub office database with its first administrator.

    Unit office databases are made from the hub's enrollment bundle (sync).
    """
    from core.rules.calendar import install_shipped
    from core.rules.ruleset import DEFAULT_TOML, save_ruleset
    from core.sync.identity import machine_binding

    path = Path(path)
    if role != "hub":
        raise Refusal(_("A unit office's database is made from the enrollment bundle the county "
                        "office exports for it; 'init' makes only a hub (--role hub)."))
    if not name.strip() or not code.strip():
        raise UsageError(_("The office needs a name and a code, e.g. --office 示例市督查室 --code HUB."))
    if path.exists() and path.stat().st_size > 0:
        raise Refusal(_("A database already exists at {path}; choose another --db.").format(path=path))
    validate_new_user(admin.strip(), "admin", password)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".creating")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    db = open_database(partial)
    try:
        audit_chain.install_capture(db)
        office_uuid = new_uuid()
        with db.atomic():
            now = clock.now_utc()
            db["office"].insert({"uuid": office_uuid, "owner": office_uuid, "rev": 1, "code": code.strip(),
                                 "name": name.strip(), "role": role, "unit_id": None, "is_self": 1,
                                 "created_at": now})
            user = insert_user(db, admin, "admin", password)
            install_shipped(db)
            # bound to the final path (not the one it is built in): it is no copy (core.sync.identity)
            db.execute("UPDATE sync_identity SET binding = ?", [machine_binding(path)])
            save_ruleset(db, DEFAULT_TOML, user.name, office_uuid)
            audit_chain.append(db, {"recorded_at": now, "user_name": user.name, "office": code.strip(),
                                "action": "init", "ref": code.strip(), "row_uuid": office_uuid,
                                "effective_date": None, "details": "{}"})
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.conn.close()
    os.replace(partial, path)
    for side in (Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        side.unlink(missing_ok=True)
    db = open_database(path)
    return Session(db, path, self_office(db), sign_in(db, admin.strip(), password), today or clock.today())
