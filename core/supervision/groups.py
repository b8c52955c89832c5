"""Inspection groups (督查组) of the hub: a name, a lead, members and the units each covers.

Contract:
- `add_group(s, name, lead, members, units)` (hub, a writing user) refuses an empty name or
  lead, a name already used, an unknown unit and a unit named twice; one transaction, audited
  `group_add`. Members are names (text, not users nor leaders), kept in the order given.
- `edit_group(s, name, *, new_name=None, lead=None, members=None, units=None, active=None)`
  changes what is given (the directory's dialog, `group edit`): the name (refused when empty or
  another group's; inspections keep pointing at the group, so they show the new name), the lead, the members, the units covered (a unit taken off
  keeps its `group_unit` row with active 0, put back it is active again), active; a new
  revision (`rev` + 1) of each row changed, audited `group_edit`; nothing given changes
  nothing and returns an empty Changes.
- `list_groups(db)` every group by name with its units (active links only); `group_by_name`
  refuses an unknown name; `covers(db, group_id, unit_id)` says whether the group covers it.
Runs on the caller's thread and connection.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from core import clock
from core.directory import unit_by_code
from core.errors import Refusal, UsageError
from core.i18n import _
from core.office import Changes, Session
from core.text_checks import check_line


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    lead: str
    members: tuple[str, ...]
    units: tuple[str, ...]  # unit codes, by code
    active: bool


def _names(values: Sequence[str], what: str) -> tuple[str, ...]:
    out = []
    for v in values:
        v = check_line(v, what).strip()
        if v and v not in out:
            out.append(v)
    return tuple(out)


def _unit_ids(s: Session, codes: Sequence[str]) -> list[tuple[int, str]]:
    units = [unit_by_code(s.db, c) for c in codes if c.strip()]
    if len({u.id for u in units}) != len(units):
        raise UsageError(_("A unit is named twice in --units; name each unit once."))
    return [(u.id, u.code) for u in units]


def add_group(s: Session, name: str, lead: str, members: Sequence[str] = (), units: Sequence[str] = ()) -> Changes:
    """Add an inspection group (see the module contract)."""
    s.require_write()
    s.require_hub()
    name = check_line(name, _("The group's name")).strip()
    lead = check_line(lead, _("The group's lead")).strip()
    if not name or not lead:
        raise UsageError(_("A group needs a name and a lead, e.g. --name 第一督查组 --lead 张三."))
    people = _names(members, _("A member's name"))
    if s.db.execute("SELECT 1 FROM inspection_group WHERE name = ?", [name]).fetchone():
        raise Refusal(_("There is already a group named {name}; choose another name.").format(name=name))
    unit_ids = _unit_ids(s, units)
    with s.write():
        row = s.synced_row(name=name, lead=lead, members=json.dumps(people, ensure_ascii=False),
                           created_at=clock.now_utc())
        gid = int(s.db["inspection_group"].insert(row).last_pk)
        for uid, _code in unit_ids:
            s.db["group_unit"].insert(s.synced_row(group_id=gid, unit_id=uid))
        s.audit("group_add", ref=name, row_uuid=str(row["uuid"]), lead=lead, members=list(people),
                units=[c for _i, c in unit_ids])
    return Changes(directory=True)


def edit_group(s: Session, name: str, *, new_name: str | None = None, lead: str | None = None,
               members: Sequence[str] | None = None, units: Sequence[str] | None = None,
               active: bool | None = None) -> Changes:
    """Change a group (see the module contract)."""
    s.require_write()
    s.require_hub()
    g = group_by_name(s.db, name)
    changes: dict[str, object] = {}
    if new_name is not None:
        new_name = check_line(new_name, _("The group's name")).strip()
        if not new_name:
            raise UsageError(_("A group needs a name and a lead, e.g. --name 第一督查组 --lead 张三."))
        if new_name != g.name:
            if s.db.execute("SELECT 1 FROM inspection_group WHERE name = ? AND id != ?", [new_name, g.id]).fetchone():
                raise Refusal(_("There is already a group named {name}; choose another name.").format(name=new_name))
            changes["name"] = new_name
    if lead is not None:
        lead = check_line(lead, _("The group's lead")).strip()
        if not lead:
            raise UsageError(_("A group needs a name and a lead, e.g. --name 第一督查组 --lead 张三."))
        if lead != g.lead:
            changes["lead"] = lead
    if members is not None and _names(members, _("A member's name")) != g.members:
        changes["members"] = json.dumps(_names(members, _("A member's name")), ensure_ascii=False)
    if active is not None and active != g.active:
        changes["active"] = int(active)
    wanted = None if units is None else dict(_unit_ids(s, units))
    links = {uid: (lid, bool(act)) for lid, uid, act in s.db.execute(
        "SELECT id, unit_id, active FROM group_unit WHERE group_id = ?", [g.id])}
    link_changes = [] if wanted is None else (
        [(uid, None) for uid in wanted if uid not in links]
        + [(uid, lid) for uid, (lid, act) in links.items() if act != (uid in wanted)])
    if not changes and not link_changes:
        return Changes()
    with s.write():
        if changes:
            s.db.execute(f"UPDATE inspection_group SET {', '.join(f'{c} = ?' for c in changes)}, rev = rev + 1 "
                         "WHERE id = ?", [*changes.values(), g.id])
        for uid, lid in link_changes:
            if lid is None:
                s.db["group_unit"].insert(s.synced_row(group_id=g.id, unit_id=uid))
            else:
                s.db.execute("UPDATE group_unit SET active = 1 - active, rev = rev + 1 WHERE id = ?", [lid])
        s.audit("group_edit", ref=g.name, **{("new_name" if k == "name" else k): v for k, v in changes.items()},
                units=None if wanted is None else sorted(wanted.values()))
    return Changes(directory=True)


_GROUP_SQL = ("SELECT g.id, g.name, g.lead, g.members, g.active, "
              "(SELECT group_concat(code, ',') FROM (SELECT u.code FROM group_unit gu JOIN unit u ON u.id = gu.unit_id "
              "WHERE gu.group_id = g.id AND gu.active = 1 ORDER BY u.code)) FROM inspection_group g ")


def _group(row: Sequence[object]) -> Group:
    units = tuple(str(row[5]).split(",")) if row[5] else ()
    return Group(int(row[0]), str(row[1]), str(row[2]), tuple(json.loads(str(row[3]))), units, bool(row[4]))  # type: ignore[arg-type]


def list_groups(db: sqlite_utils.Database) -> list[Group]:
    return [_group(r) for r in db.execute(_GROUP_SQL + "ORDER BY g.id")]


def group_by_name(db: sqlite_utils.Database, name: str) -> Group:
    row = db.execute(_GROUP_SQL + "WHERE g.name = ?", [name.strip()]).fetchone()
    if row is None:
        raise Refusal(_("There is no inspection group named {name}; 'group list' shows the groups.")
                      .format(name=name.strip()))
    return _group(row)


def covers(db: sqlite_utils.Database, group_id: int, unit_id: int) -> bool:
    return db.execute("SELECT 1 FROM group_unit WHERE group_id = ? AND unit_id = ? AND active = 1",
                      [group_id, unit_id]).fetchone() is not None
