"""Applying a verified bundle's rows: the ownership rule, forks, revisions, then the writes.

Contract (docs/sync.md, "Import"):
- `check(conn, sender, own, records)` decides without writing: it raises `Refusal`
  naming the first row that breaks the ownership rule, and returns a `Plan` that
  lists the rows to insert, the rows to update (a newer revision of a mutable row)
  and the rows skipped with why; `Plan.fork` names the positions this database
  holds with a different row (a fork: the caller keeps the bundle aside).
  `Plan.missing` lists references to rows neither held nor in the bundle (the
  caller holds the bundle until they arrive).
- `write(db, plan, bulk=None)` inserts and updates in the order of `rows.ALL_TABLES`,
  records every position in `sync_seen` and returns the ids of assignments whose status
  must be recomputed, and whether the calendar or the rules changed. Inside the caller's
  transaction. With a `bulk_load.BulkLoad` (a brand-new file: the enrollment) each
  table's inserts run their insert triggers' work as one statement after the
  executemany, with the same result.
A record is `{"t": table, "dev": device, "seq": n, "row": wire row}` (core.sync.rows).
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from core.db.migrations import ALL_FIXED_COLUMNS
from core.errors import Refusal
from core.i18n import N_, _
from core.sync.bulk_load import BulkLoad
from core.sync.rows import (
    ALL_TABLES,
    KEY_COLUMN,
    LOCAL_COLUMNS,
    MUTABLE_TABLES,
    REFS,
    Resolver,
    chunks,
    columns,
    decode,
    preload,
    ref_target,
)
from core.sync.selection import Peer
from core.work.workflow import UNIT_ACTIONS

TABLE_WORDS = {
    "office": N_("office"), "unit": N_("unit"), "leader": N_("leader"), "leader_unit": N_("leader's unit"),
    "meeting": N_("meeting"), "ruleset": N_("rule set"), "task": N_("task"), "assignment": N_("assignment"),
    "event": N_("record"), "evidence": N_("evidence file"), "bonus": N_("bonus"), "criticism": N_("criticism"),
    "finding": N_("finding"), "panel_score": N_("panel score"), "publication": N_("published score"),
    "entry_evidence": N_("evidence file"), "holiday": N_("holiday"), "holiday_year": N_("holiday year"),
    "person": N_("person"), "inspection_group": N_("inspection group"), "group_unit": N_("inspection group's unit"),
    "inspection": N_("inspection"), "inspection_unit": N_("unit visited"), "inspection_task": N_("task checked"),
    "accountability": N_("accountability action"), "accountability_evidence": N_("evidence file"),
}


@dataclass
class Plan:
    inserts: dict[str, list[dict]] = field(default_factory=dict)
    updates: dict[str, list[dict]] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)  # (table, reason) → n
    seen: list[tuple[str, int, str, str, int]] = field(default_factory=list)
    fork: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def applied(self) -> Counter:
        out: Counter = Counter()
        for table, rows in (*self.inserts.items(), *self.updates.items()):
            out[table] += len(rows)
        return out


@dataclass
class Written:
    assignments: set[int] = field(default_factory=set)
    calendar_years: set[int] = field(default_factory=set)
    rules: bool = False


def _offices(conn: sqlite3.Connection, records: list[dict]) -> dict[str, tuple[str, str | None]]:
    """office uuid → (role, unit uuid) for the offices held here and those the bundle brings."""
    out = {u: (role, unit) for u, role, unit in conn.execute(
        "SELECT o.uuid, o.role, u.uuid FROM office o LEFT JOIN unit u ON u.id = o.unit_id")}
    for r in records:
        if r["t"] == "office":
            row = r["row"]
            out.setdefault(row["uuid"], (row.get("role"), row.get("unit_id")))
    return out


def _refuse(sender: Peer, record: dict, why: str) -> Refusal:
    return Refusal(_("The bundle from {sender} carries a {what} it may not send ({why}); it was refused and "
                     "nothing was changed. Ask {sender} to make a new bundle with the current Closeloop.")
                   .format(sender=sender.name, what=_(TABLE_WORDS.get(record["t"], record["t"])), why=why))


class _Owners:
    """Which unit an event or evidence row of the bundle (or of this database) belongs to."""

    def __init__(self, conn: sqlite3.Connection, records: list[dict]) -> None:
        self.conn = conn
        self.assignment_unit = {r["row"]["uuid"]: r["row"]["unit_id"] for r in records if r["t"] == "assignment"}
        self.event = {r["row"]["uuid"]: r["row"] for r in records if r["t"] == "event"}

    def unit_of_assignment(self, uuid: str | None) -> str | None:
        if uuid in self.assignment_unit:
            return self.assignment_unit[uuid]
        row = self.conn.execute("SELECT u.uuid FROM assignment a JOIN unit u ON u.id = a.unit_id WHERE a.uuid = ?",
                                [uuid]).fetchone()
        return row[0] if row else None

    def event_row(self, uuid: str | None) -> dict | None:
        if uuid in self.event:
            return self.event[uuid]
        row = self.conn.execute("SELECT e.owner, e.kind, e.on_behalf, a.uuid FROM event e "
                                "JOIN assignment a ON a.id = e.assignment_id WHERE e.uuid = ?", [uuid]).fetchone()
        if row is None:
            return None
        return {"owner": row[0], "kind": row[1], "on_behalf": row[2], "assignment_id": row[3]}


def _unit_rule(record: dict, owner_unit: str | None, owners: _Owners) -> str | None:
    """Why a row owned by a unit office breaks the rule, or None (docs/sync.md, "Ownership rule")."""
    table, row = record["t"], record["row"]
    if table == "event":
        if row.get("kind") not in UNIT_ACTIONS or row.get("on_behalf"):
            return _("a unit may record only its own claims, reports, completions and extension requests")
        if owners.unit_of_assignment(row.get("assignment_id")) != owner_unit:
            return _("the record is on another unit's assignment")
        return None
    if table == "evidence":
        event = owners.event_row(row.get("event_id"))
        if event is None or event.get("owner") != row.get("owner"):
            return _("the evidence file belongs to a record of another office")
        return None
    return _("only the county office makes these")


def check(conn: sqlite3.Connection, sender: Peer, own: str, records: list[dict]) -> Plan:
    """Decide what the records would change, writing nothing (see the module contract)."""
    offices = _offices(conn, records)
    owners = _Owners(conn, records)
    hub_uuids = {u for u, (role, _unit) in offices.items() if role == "hub"}
    plan = Plan()
    resolver = Resolver(conn)
    by_table: dict[str, list[dict]] = {}
    for record in records:
        if record.get("t") not in ALL_TABLES:
            raise _refuse(sender, record, _("an unknown kind of row"))
        by_table.setdefault(record["t"], []).append(record)
    bundle_uuids = {t: {r["row"].get("uuid") for r in recs} for t, recs in by_table.items() if t not in KEY_COLUMN}
    for table in ALL_TABLES:
        recs = by_table.get(table, [])
        if not recs:
            continue
        if table in KEY_COLUMN:
            _check_keyed(conn, sender, table, recs, plan, hub_uuids)
            continue
        for record in recs:
            row = record["row"]
            owner = row.get("owner")
            if owner not in offices:
                raise _refuse(sender, record, _("its author is not an office of the directory"))
            if sender.role == "unit" and owner != sender.uuid:
                raise _refuse(sender, record, _("it was recorded by another office"))
            if owner not in hub_uuids:  # a unit's own row, or one the hub relays: the unit rule decides
                why = _unit_rule(record, offices[owner][1], owners)
                if why:
                    raise _refuse(sender, record, why)
        resolver.load(table, [r["row"]["uuid"] for r in recs])
        preload(resolver, table, [r["row"] for r in recs])
        held = {}
        uuids = [r["row"]["uuid"] for r in recs]
        for part in chunks(uuids):
            held.update({u: (rev, ow) for u, rev, ow in conn.execute(
                f"SELECT uuid, rev, owner FROM [{table}] WHERE uuid IN ({','.join('?' * len(part))})", list(part))})
        for record in recs:
            row = record["row"]
            plan.seen.append((record["dev"], record["seq"], table, row["uuid"], row.get("rev", 1)))
            if row["uuid"] in held:
                rev, owner = held[row["uuid"]]
                if owner != row.get("owner"):
                    raise _refuse(sender, record, _("it claims another author for a row this office holds"))
                if row.get("rev", 1) > rev and table in MUTABLE_TABLES:
                    plan.updates.setdefault(table, []).append(row)
                else:
                    plan.skipped[(table, "held")] += 1
                continue
            for column in REFS.get(table, {}):
                value = row.get(column)
                target = ref_target(table, column, row)
                if value is not None and value not in bundle_uuids.get(target, ()) \
                        and resolver.get(target, value) is None:
                    plan.missing.append(f"{table}.{column}={value}")
            plan.inserts.setdefault(table, []).append(row)
    _check_forks(conn, plan)
    return plan


def _check_keyed(conn: sqlite3.Connection, sender: Peer, table: str, recs: list[dict], plan: Plan,
                 hub_uuids: set[str]) -> None:
    if sender.role != "hub" or sender.uuid not in hub_uuids:
        raise _refuse(sender, recs[0], _("only the county office sets the holiday calendar"))
    received = dict(conn.execute("SELECT device, upto FROM sync_received WHERE peer = ?", [sender.uuid]).fetchall())
    cols = columns(conn, table)
    held = {row[0]: dict(zip(cols, row[1:], strict=True)) for row in conn.execute(
        f"SELECT [{KEY_COLUMN[table]}], * FROM [{table}]")}
    for record in recs:
        row = record["row"]
        if record["seq"] <= received.get(record["dev"], 0):
            plan.skipped[(table, "older")] += 1
        elif held.get(row.get(KEY_COLUMN[table])) == {c: row.get(c) for c in cols}:
            plan.skipped[(table, "held")] += 1
        else:
            plan.updates.setdefault(table, []).append(row)


def _check_forks(conn: sqlite3.Connection, plan: Plan) -> None:
    """Name the positions held here with another row; one query per device and chunk, not one per row."""
    by_device: dict[str, list[int]] = {}
    for device, seq, _table, _uuid, _rev in plan.seen:
        by_device.setdefault(device, []).append(seq)
    held: dict[tuple[str, int], tuple[str, str, int]] = {}
    for device, seqs in by_device.items():
        for part in chunks(sorted(set(seqs))):
            held.update({(device, seq): (tbl, uuid, rev) for seq, tbl, uuid, rev in conn.execute(
                f"SELECT seq, tbl, uuid, rev FROM sync_seen WHERE device = ? AND seq IN ({','.join('?' * len(part))})",
                [device, *part])})
    for device, seq, table, uuid, rev in plan.seen:
        row = held.get((device, seq))
        if row is not None and row != (table, uuid, rev):
            plan.fork.append(f"{device}:{seq}")


def write(conn: sqlite3.Connection, plan: Plan, bulk: BulkLoad | None = None) -> Written:
    """Insert and update the planned rows (see the module contract); `bulk` on a brand-new file only."""
    out = Written()
    resolver = Resolver(conn)
    deferred: list[tuple[str, str]] = []  # (publication uuid, superseded_by uuid)
    for table in ALL_TABLES:
        if table in KEY_COLUMN:
            rows = plan.updates.get(table, [])
            if rows:
                _upsert_keyed(conn, table, rows, out)
            continue
        rows = plan.inserts.get(table, [])
        preload(resolver, table, [*rows, *plan.updates.get(table, [])])
        if rows:
            cols = [c for c in columns(conn, table) if c != "id"]
            refs = [(i, REFS[table][c]) for i, c in enumerate(cols) if c in REFS.get(table, {})]
            local = [i for i, c in enumerate(cols) if c in LOCAL_COLUMNS.get(table, ())]  # office.is_self: 0
            values = []
            for wire in rows:  # decode() by column position: the row is built once, without a dict per row
                if table == "publication" and wire.get("superseded_by"):
                    deferred.append((wire["uuid"], wire["superseded_by"]))
                    wire = {**wire, "superseded_by": None}
                row = [wire.get(c) for c in cols]
                for i, target in refs:
                    if row[i] is not None:
                        row[i] = resolver.get(wire[target[1:]] if target.startswith("*") else target, row[i])
                for i in local:
                    row[i] = 0
                values.append(row)
            sql = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' * len(cols))})"
            if bulk is None:
                conn.executemany(sql, values)
            else:
                with bulk.inserting(table) as done:
                    done(conn.executemany(sql, values).rowcount)
            resolver.load(table, [w["uuid"] for w in rows])
        for wire in plan.updates.get(table, []):
            fixed = set(ALL_FIXED_COLUMNS.get(table, ())) | {"id", "uuid", "owner", "is_self"}
            v = decode(resolver, table, wire)
            cols = [c for c in columns(conn, table) if c not in fixed and c in v]
            if table == "publication" and v.get("superseded_by") is None and wire.get("superseded_by"):
                deferred.append((wire["uuid"], wire["superseded_by"]))
                cols.remove("superseded_by")
            conn.execute(f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in cols)} WHERE uuid = ?",
                         [*(v[c] for c in cols), wire["uuid"]])
        if table == "assignment":
            out.assignments |= {resolver.get("assignment", w["uuid"]) for w in rows}
        if table == "event":
            out.assignments |= {resolver.get("assignment", w["assignment_id"]) for w in rows}
        if table == "ruleset" and rows:
            out.rules = True
    for uuid, newer in deferred:
        conn.execute("UPDATE publication SET superseded_by = (SELECT id FROM publication WHERE uuid = ?) "
                     "WHERE uuid = ?", [newer, uuid])
    conn.executemany("INSERT OR IGNORE INTO sync_seen (device, seq, tbl, uuid, rev) VALUES (?, ?, ?, ?, ?)",
                     plan.seen)
    out.assignments.discard(None)
    return out


def _upsert_keyed(conn: sqlite3.Connection, table: str, rows: list[dict], out: Written) -> None:
    cols = [c for c in columns(conn, table)]
    key = KEY_COLUMN[table]
    sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in cols if c != key)
    conn.executemany(f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
                     f"VALUES ({', '.join('?' * len(cols))}) ON CONFLICT ([{key}]) DO UPDATE SET {sets}",
                     [[r.get(c) for c in cols] for r in rows])
    for r in rows:
        value = str(r.get(key, ""))
        if value[:4].isdigit():
            out.calendar_years.add(int(value[:4]))
