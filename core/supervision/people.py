"""People (干部) and their cadre records (干部实绩档案): docs/design.md §7.

Contract:
- A person is (name, unit, post); two people of one name are told apart by their unit
  (UNIQUE name + unit). Rows are never edited nor deleted.
- `add_person(s, name, unit_code, post)` (hub, a writing user) refuses an empty or bad name,
  an unknown or inactive unit and a person already known in that unit; one transaction, audited
  `person_add`.
- `ensure_person(s, unit, name)` is called inside an entry's write (bonus, criticism, finding,
  accountability action): a name not yet known in that unit is added as a person of it (post
  empty, audited `person_add`) and the sentence saying so is returned for the clerk; None when
  the name is empty or already known.
- `find_people(db, name, unit_code=None)` the people of that name (of that unit, if given);
  `person_by_name` the one person, refusing an unknown name and, without a unit, a name two
  units share (naming the units).
- `record(db, person)` every recognition (bonus kinds) and accountability entry (通报批评,
  约谈, 责令整改, 组织处理) and every finding naming the person: the entries of the person's
  unit whose `person` is the person's name; oldest first, each with its date, kind, category
  (`recognition`, `accountability`, `finding`), text and source (the inspection a finding or
  action came from, else the entry's own kind). Reads only.
Runs on the caller's thread and connection.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from core import clock
from core.directory import Unit, unit_by_code
from core.errors import Refusal, UsageError
from core.format import name_list
from core.i18n import N_, _
from core.office import Changes, Session
from core.supervision.kinds import METHOD_WORDS
from core.text_checks import check_line


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    unit: str
    unit_name: str
    post: str


@dataclass(frozen=True)
class RecordEntry:
    """One line of a cadre record. `table`/`id` name the row; `source` says where it came from."""

    on: dt.date
    kind: str
    category: str
    text: str
    source: str
    table: str
    id: int


KIND_WORDS = {
    "approving_instruction": N_("Approving instruction"), "commendation": N_("Commendation"),
    "public_praise": N_("Public praise"), "typical_speech": N_("Typical speech"),
    "criticism": N_("Public criticism"), "talk": N_("Admonishing talk"),
    "rectify_order": N_("Order to rectify"), "disciplinary": N_("Disciplinary action"),
    "finding": N_("Inspection finding"),
}

_PERSON_SQL = ("SELECT p.id, p.name, u.code, u.name, p.post FROM person p JOIN unit u ON u.id = p.unit_id ")


def _check_name(name: str) -> str:
    name = check_line(name, _("The person's name")).strip()
    if not name:
        raise UsageError(_("The person's name is empty; give their name, e.g. --name 李四."))
    return name


def add_person(s: Session, name: str, unit_code: str, post: str = "") -> Changes:
    """Add a person of a unit (see the module contract)."""
    s.require_write()
    s.require_hub()
    name = _check_name(name)
    post = check_line(post, _("The post")).strip()
    unit = unit_by_code(s.db, unit_code)
    if not unit.active:
        raise Refusal(_("The unit {code} {name} is inactive; reactivate it in the directory first.")
                      .format(code=unit.code, name=unit.name))
    if find_people(s.db, name, unit.code):
        raise Refusal(_("{name} of {unit} is already known; 'person show {name}' shows their record.")
                      .format(name=name, unit=unit.code))
    with s.write():
        _insert(s, name, unit, post)
    return Changes()


def _insert(s: Session, name: str, unit: Unit, post: str) -> None:
    row = s.synced_row(name=name, unit_id=unit.id, post=post, user_name=s.user.name, created_at=clock.now_utc())
    s.db["person"].insert(row)
    s.audit("person_add", ref=unit.code, row_uuid=str(row["uuid"]), name=name, post=post)


def ensure_person(s: Session, unit: Unit, name: str) -> str | None:
    """Inside a write: add `name` as a person of `unit` when not yet known; the sentence saying so, or None."""
    name = name.strip()
    if not name or s.db.execute("SELECT 1 FROM person WHERE name = ? AND unit_id = ?", [name, unit.id]).fetchone():
        return None
    _insert(s, name, unit, "")
    return _("{name} was not yet known and was added as a person of {unit} {unit_name}.").format(
        name=name, unit=unit.code, unit_name=unit.name)


def find_people(db: sqlite_utils.Database, name: str, unit_code: str | None = None) -> list[Person]:
    sql, args = _PERSON_SQL + "WHERE p.name = ?", [name.strip()]
    if unit_code:
        sql += " AND u.code = ? COLLATE NOCASE"
        args.append(unit_code.strip())
    return [Person(*r) for r in db.execute(sql + " ORDER BY u.code", args)]


def list_people(db: sqlite_utils.Database, unit_code: str | None = None) -> list[Person]:
    """Every person (of one unit), by unit and name."""
    sql, args = _PERSON_SQL, []
    if unit_code:
        sql += "WHERE u.code = ? COLLATE NOCASE "
        args.append(unit_code.strip())
    return [Person(*r) for r in db.execute(sql + "ORDER BY u.code, p.name", args)]


def person_by_name(db: sqlite_utils.Database, name: str, unit_code: str | None = None) -> Person:
    """The one person of that name (and unit); see the module contract."""
    if unit_code:
        unit_by_code(db, unit_code)
    found = find_people(db, name, unit_code)
    if not found:
        raise Refusal(_("There is no person named {name}; 'person add' adds one, and a name given with "
                        "--person is added by itself.").format(name=name.strip()))
    if len(found) > 1:
        raise UsageError(_("{n} people are named {name}, of {units}; say which with --unit.").format(
            n=len(found), name=name.strip(), units=name_list(p.unit for p in found)))
    return found[0]


def _inspection_source(group: str | None, on: str | None, method: str | None) -> str:
    if group is None:
        return ""
    return _("{group}, {method} inspection of {date}").format(group=group, method=_(METHOD_WORDS.get(method or "", "")),
                                                             date=on)


_RECORD_SQL = """
SELECT 'bonus', b.id, b.kind, b.date, b.text, NULL, NULL, NULL FROM bonus b WHERE b.unit_id = :u AND b.person = :n
UNION ALL
SELECT 'criticism', c.id, 'criticism', c.date, c.text, g.name, i.date, i.method FROM criticism c
  LEFT JOIN finding f ON f.id = c.finding_id LEFT JOIN inspection i ON i.id = f.inspection_id
  LEFT JOIN inspection_group g ON g.id = i.group_id WHERE c.unit_id = :u AND c.person = :n
UNION ALL
SELECT 'accountability', a.id, a.kind, a.date, a.text, g.name, i.date, i.method FROM accountability a
  LEFT JOIN finding f ON f.id = a.finding_id LEFT JOIN inspection i ON i.id = f.inspection_id
  LEFT JOIN inspection_group g ON g.id = i.group_id WHERE a.unit_id = :u AND a.person = :n
UNION ALL
SELECT 'finding', f.id, 'finding', f.date, f.text, g.name, i.date, i.method FROM finding f
  LEFT JOIN inspection i ON i.id = f.inspection_id LEFT JOIN inspection_group g ON g.id = i.group_id
  WHERE f.unit_id = :u AND f.person = :n
"""


def record(db: sqlite_utils.Database, person: Person) -> list[RecordEntry]:
    """The person's cadre record (see the module contract), oldest first."""
    unit_id = db.execute("SELECT unit_id FROM person WHERE id = ?", [person.id]).fetchone()[0]
    out = []
    for table, row_id, kind, on, text, group, i_date, method in db.execute(_RECORD_SQL,
                                                                            {"u": unit_id, "n": person.name}):
        category = ("recognition" if table == "bonus" else "finding" if table == "finding" else "accountability")
        source = _inspection_source(group, i_date, method) or _(KIND_WORDS[kind])
        out.append(RecordEntry(dt.date.fromisoformat(on), kind, category, text, source, table, int(row_id)))
    out.sort(key=lambda e: (e.on, e.table, e.id))
    return out
