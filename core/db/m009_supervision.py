"""Migration m009_supervision (docs/design.md §7): inspection groups, inspections, findings, actions, people.

Contract: `apply(db, synced)` runs inside the migration's transaction (core/db/migrations.py
registers it as `m009_supervision`). New synced tables carry uuid/owner/rev, change-log
triggers (docs/sync.md "Change capture") and refuse deletes; rows the app never edits refuse
updates; the groups and their units are editable in part (FIXED_COLUMNS below never change).

- `person` (name, unit, post): UNIQUE (name, unit): two people of one name are told apart by unit.
- `inspection_group` (name, lead, members as a JSON list of names, active) and `group_unit`
  (the units a group covers, `active` so a unit can be taken off and put back).
- `inspection` (date, group, method survey|service|targeted|joint|follow_through, text) with
  `inspection_unit` (units visited) and `inspection_task` (tasks checked).
- `finding` gains `inspection_id` (NULL for the findings made before m009 and by
  `finding add --unit C --on D`: they stay valid), `severity` (minor|major, NULL = not stated),
  `task_id` (the rectification task), `deduct` (1: counts `monthly.finding` in its month; the old
  rows keep 1, as they always deducted) and `outside_group` (1: the override of a finding for a
  unit the inspection's group does not cover, recorded).
- `criticism` gains `finding_id` (the finding it followed, if any): a 通报批评 is always a
  `criticism` row, whichever command made it (core/supervision/actions.py).
- `accountability` (约谈 talk, 责令整改 rectify_order, 组织处理 disciplinary: unit, optional person,
  date, text, optional finding) and `accountability_evidence` (its files).

Adding columns changes the digest of the finding and criticism rows already sealed
(core/audit_chain.py), so the rows whose content still matched their seal are sealed again by
one audit entry `schema_migration`; a row changed outside the app before keeps its old seal and
`check` still names it.
"""
from __future__ import annotations

import datetime as dt
import json

import sqlite_utils

from core import audit_chain

TABLES = ("person", "inspection_group", "group_unit", "inspection", "inspection_unit", "inspection_task",
          "accountability", "accountability_evidence")
IMMUTABLE = ("person", "inspection", "inspection_unit", "inspection_task", "accountability",
             "accountability_evidence")
FIXED_COLUMNS = {
    "inspection_group": ("id", "uuid", "owner", "created_at"),
    "group_unit": ("id", "uuid", "owner", "group_id", "unit_id"),
}
METHODS = ("survey", "service", "targeted", "joint", "follow_through")
ACTION_KINDS = ("talk", "rectify_order", "disciplinary")  # 通报批评 is a criticism row
RESEALED = ("finding", "criticism")


def _schema(synced: str) -> str:
    methods = ", ".join(f"'{m}'" for m in METHODS)
    kinds = ", ".join(f"'{k}'" for k in ACTION_KINDS)
    return f"""
    CREATE TABLE person (
        id INTEGER PRIMARY KEY, {synced},
        name TEXT NOT NULL, unit_id INTEGER NOT NULL REFERENCES unit(id), post TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (name, unit_id));
    CREATE TABLE inspection_group (
        id INTEGER PRIMARY KEY, {synced},
        name TEXT NOT NULL UNIQUE, lead TEXT NOT NULL, members TEXT NOT NULL DEFAULT '[]',
        active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
    CREATE TABLE group_unit (
        id INTEGER PRIMARY KEY, {synced},
        group_id INTEGER NOT NULL REFERENCES inspection_group(id),
        unit_id INTEGER NOT NULL REFERENCES unit(id), active INTEGER NOT NULL DEFAULT 1,
        UNIQUE (group_id, unit_id));
    CREATE TABLE inspection (
        id INTEGER PRIMARY KEY, {synced},
        group_id INTEGER NOT NULL REFERENCES inspection_group(id), date TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ({methods})), text TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX inspection_date ON inspection(date, group_id);
    CREATE TABLE inspection_unit (
        id INTEGER PRIMARY KEY, {synced},
        inspection_id INTEGER NOT NULL REFERENCES inspection(id), unit_id INTEGER NOT NULL REFERENCES unit(id),
        UNIQUE (inspection_id, unit_id));
    CREATE INDEX inspection_unit_unit ON inspection_unit(unit_id);
    CREATE TABLE inspection_task (
        id INTEGER PRIMARY KEY, {synced},
        inspection_id INTEGER NOT NULL REFERENCES inspection(id), task_id INTEGER NOT NULL REFERENCES task(id),
        UNIQUE (inspection_id, task_id));
    CREATE INDEX inspection_task_task ON inspection_task(task_id);
    ALTER TABLE finding ADD COLUMN inspection_id INTEGER REFERENCES inspection(id);
    ALTER TABLE finding ADD COLUMN severity TEXT CHECK (severity IN ('minor', 'major'));
    ALTER TABLE finding ADD COLUMN task_id INTEGER REFERENCES task(id);
    ALTER TABLE finding ADD COLUMN deduct INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE finding ADD COLUMN outside_group INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX finding_inspection ON finding(inspection_id);
    ALTER TABLE criticism ADD COLUMN finding_id INTEGER REFERENCES finding(id);
    CREATE TABLE accountability (
        id INTEGER PRIMARY KEY, {synced},
        unit_id INTEGER NOT NULL REFERENCES unit(id), kind TEXT NOT NULL CHECK (kind IN ({kinds})),
        date TEXT NOT NULL, text TEXT NOT NULL, person TEXT NOT NULL DEFAULT '',
        finding_id INTEGER REFERENCES finding(id), user_name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX accountability_unit ON accountability(unit_id, date);
    CREATE TABLE accountability_evidence (
        id INTEGER PRIMARY KEY, {synced},
        action_id INTEGER NOT NULL REFERENCES accountability(id),
        sha256 TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL);
    CREATE INDEX accountability_evidence_action ON accountability_evidence(action_id);
    CREATE INDEX bonus_person ON bonus(unit_id, person);
    CREATE INDEX criticism_person ON criticism(unit_id, person);
    CREATE INDEX finding_person ON finding(unit_id, person);
    """


def _sealed_now(conn, table: str) -> dict[int, str]:  # noqa: ANN001 - sqlite3.Connection
    """rowid → digest of the rows whose content is the one their latest seal records."""
    latest = dict(conn.execute("SELECT row_id, digest FROM audit_seal WHERE tbl = ? ORDER BY audit_id",
                               [table]).fetchall())
    return {rowid: d for _t, rowid, d in audit_chain.seals_of(conn, table) if latest.get(rowid) == d}


def apply(db: sqlite_utils.Database, synced: str) -> None:
    """Create the tables and columns (see the module contract); inside the migration's transaction."""
    conn = db.conn
    intact = {table: _sealed_now(conn, table) for table in RESEALED}
    db.executescript(_schema(synced))
    for table in TABLES:
        db.execute(f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON [{table}] "
                   f"BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END")
        for when in ("INSERT", "UPDATE"):
            db.execute(f"CREATE TRIGGER {table}_change_{when.lower()} AFTER {when} ON [{table}] BEGIN "
                       f"INSERT INTO change_log (device, tbl, row_id) "
                       f"SELECT device, '{table}', new.rowid FROM sync_identity; END")
    for table in IMMUTABLE:
        db.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON [{table}] "
                   f"BEGIN SELECT RAISE(ABORT, 'this row is never edited; record a new one'); END")
    for table, cols in FIXED_COLUMNS.items():
        db.execute(f"CREATE TRIGGER {table}_fixed_columns BEFORE UPDATE OF {', '.join(cols)} ON [{table}] "
                   f"BEGIN SELECT RAISE(ABORT, 'these columns never change'); END")
    seals = [s for table in RESEALED for s in audit_chain.seals_of(conn, table, sorted(intact[table]))]
    if not seals:
        return
    office = conn.execute("SELECT code FROM office WHERE is_self = 1").fetchone()
    last_id, prev = audit_chain.chain_head(conn)
    values = [last_id + 1, dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"), "closeloop",
              office[0] if office else "", "schema_migration", "m009_supervision", None, None,
              json.dumps({"resealed": len(seals)})]
    audit_chain.insert_entry(conn, values, prev, seals)
