"""Migration m010_task_due_days (docs/design.md §3): a task's own completion period.

Contract: `apply(db)` runs inside the migration's transaction (core/db/migrations.py registers
it as `m010_task_due_days`).

- `task` gains `due_days` (INTEGER, NULL = the rule set's completion rule of its category).
  When set (1–365, a `general` task only: a CHECK refuses anything else) the completion is
  due that many days after the assignment date, counted in the general rule's mode of the
  task's rule-set version (core/rules/deadlines.py). It is set when the task is made
  (`finding add … --rectify DAYS`) and never changes afterwards, like the rest of the row
  (`task_immutable`); it travels with the task like its other columns (core/sync/rows.py
  sends every column).
- Existing tasks keep NULL, so their dues and the status cache do not change.

Adding a column changes the digest of every task row already sealed (core/audit_chain.py), so
the rows whose content still matched their latest seal are sealed again by one audit entry
`schema_migration` (as m009 did for findings); a row changed outside the app before keeps its
old seal and `check` still names it.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3

import sqlite_utils

from core import audit_chain

MAX_DUE_DAYS = 365
RESEALED = ("task",)


def intact_rows(conn: sqlite3.Connection, table: str) -> list[int]:
    """The rowids of `table` whose current content is the one their latest seal records."""
    latest = dict(conn.execute("SELECT row_id, digest FROM audit_seal WHERE tbl = ? ORDER BY audit_id",
                               [table]).fetchall())
    return sorted(rowid for _t, rowid, d in audit_chain.seals_of(conn, table) if latest.get(rowid) == d)


def reseal(conn: sqlite3.Connection, intact: dict[str, list[int]], migration: str) -> None:
    """Seal these rows again, as they are now, with one audit entry `schema_migration` (none if no rows)."""
    seals = [s for table, ids in intact.items() for s in audit_chain.seals_of(conn, table, ids)]
    if not seals:
        return
    office = conn.execute("SELECT code FROM office WHERE is_self = 1").fetchone()
    last_id, prev = audit_chain.chain_head(conn)
    values = [last_id + 1, dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"), "closeloop",
              office[0] if office else "", "schema_migration", migration, None, None,
              json.dumps({"resealed": len(seals)})]
    audit_chain.insert_entry(conn, values, prev, seals)


def apply(db: sqlite_utils.Database) -> None:
    """Add `task.due_days` and seal the intact task rows again (see the module contract)."""
    conn = db.conn
    intact = {table: intact_rows(conn, table) for table in RESEALED}
    db.execute(f"ALTER TABLE task ADD COLUMN due_days INTEGER CHECK (due_days IS NULL OR "
               f"(due_days BETWEEN 1 AND {MAX_DUE_DAYS} AND category = 'general'))")
    reseal(conn, intact, "m010_task_due_days")
