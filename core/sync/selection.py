"""What a bundle for one office carries: the rows it may see that it has not acknowledged.

Contract (docs/sync.md, "What a bundle carries"):
- `Peer` is an office of the directory as this database knows it.
- `visible_sql(table, peer, *, own)` is a SQL condition over `[table]` that holds
  for the rows `peer` may see; `own` is this office's uuid. A unit office, seen from
  the hub: the directory, rule sets, the calendar, meetings and publications; its
  tasks, their assignments; the events and evidence of its own assignments; its own
  bonuses, criticism and findings with their entry evidence; the inspection groups and
  their units (directory); its own people and accountability actions (with their files);
  the inspections that visited it or found against it, its own row of their units visited
  and the tasks checked that it can see. The hub, seen from a unit: the rows the unit owns.
- `select_rows(conn, own, peer, snapshot=False)` returns a `Selection`: per table,
  the rowids to send, each row's position (the device and seq of its latest change)
  and the ranges `{device: [since, upto]}` of this office's change log it covers. An
  incremental selection starts after `peer`'s acknowledgement, leaves out the rows
  `peer` owns, and adds what newly visible assignments need (their task, the task's
  other assignments, the events and evidence of the peer's assignment) and what newly
  visible findings and visits need (their inspection, its units-visited row of the peer and
  its visible tasks checked).
Reads only.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from core.office import Office
from core.sync.rows import ALL_TABLES, chunks

# An office of the directory as this database knows it: the same record as this office's own.
Peer = Office


@dataclass
class Selection:
    rows: dict[str, list[int]] = field(default_factory=dict)
    positions: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    ranges: dict[str, list[int]] = field(default_factory=dict)

    def count(self) -> int:
        return sum(len(v) for v in self.rows.values())


def peer_rows(conn: sqlite3.Connection) -> list[Peer]:
    """Every office of the directory but this one."""
    return [Peer(*r) for r in conn.execute(
        "SELECT id, uuid, code, name, role, unit_id FROM office WHERE is_self = 0 ORDER BY code")]


UNIT_ASSIGNMENTS = "SELECT id FROM assignment WHERE unit_id = {u}"
UNIT_TASKS = "SELECT task_id FROM assignment WHERE unit_id = {u}"
UNIT_INSPECTIONS = ("SELECT inspection_id FROM inspection_unit WHERE unit_id = {u} "
                    "UNION SELECT inspection_id FROM finding WHERE unit_id = {u} AND inspection_id IS NOT NULL")


def visible_sql(table: str, peer: Peer, *, own: str) -> str:
    """A condition over `[table]` for the rows `peer` may see (see the module contract)."""
    if peer.role == "hub":
        return "0" if table in ("holiday", "holiday_year") else f"[{table}].owner = '{own}'"
    u = int(peer.unit_id) if peer.unit_id is not None else -1
    if table in ("office", "unit", "leader", "leader_unit", "meeting", "ruleset", "publication",
                 "holiday", "holiday_year", "inspection_group", "group_unit"):
        return "1"
    if table in ("person", "accountability", "inspection_unit"):
        return f"[{table}].unit_id = {u}"
    if table == "accountability_evidence":
        return f"accountability_evidence.action_id IN (SELECT id FROM accountability WHERE unit_id = {u})"
    if table == "inspection":
        return f"inspection.id IN ({UNIT_INSPECTIONS.format(u=u)})"
    if table == "inspection_task":
        return (f"inspection_task.inspection_id IN ({UNIT_INSPECTIONS.format(u=u)}) "
                f"AND inspection_task.task_id IN ({UNIT_TASKS.format(u=u)})")
    if table == "task":
        return f"task.id IN ({UNIT_TASKS.format(u=u)})"
    if table == "assignment":
        return f"assignment.task_id IN ({UNIT_TASKS.format(u=u)})"
    if table == "event":
        return f"event.assignment_id IN ({UNIT_ASSIGNMENTS.format(u=u)})"
    if table == "evidence":
        return f"evidence.event_id IN (SELECT id FROM event WHERE assignment_id IN ({UNIT_ASSIGNMENTS.format(u=u)}))"
    if table in ("bonus", "criticism", "finding"):
        return f"[{table}].unit_id = {u}"
    if table == "entry_evidence":
        return " OR ".join(f"(entry_evidence.entry_kind = '{k}' AND entry_evidence.entry_id IN "
                           f"(SELECT id FROM {k} WHERE unit_id = {u}))" for k in ("bonus", "criticism", "finding"))
    return "0"  # panel scores stay at the hub


def _not_owned(table: str, peer: Peer) -> str:
    return "1" if table in ("holiday", "holiday_year") else f"[{table}].owner != '{peer.uuid}'"


def _acks(conn: sqlite3.Connection, peer: Peer) -> dict[str, int]:
    return dict(conn.execute("SELECT device, upto FROM sync_peer_ack WHERE peer = ?", [peer.uuid]).fetchall())


def _filter(conn: sqlite3.Connection, table: str, ids: list[int], condition: str) -> list[int]:
    out: list[int] = []
    for part in chunks(sorted(set(ids))):
        out += [r[0] for r in conn.execute(
            f"SELECT rowid FROM [{table}] WHERE rowid IN ({','.join('?' * len(part))}) AND ({condition})",
            list(part))]
    return out


def _positions(conn: sqlite3.Connection, table: str, ids: list[int]) -> dict[tuple[str, int], tuple[str, int]]:
    out = {}
    for part in chunks(ids):
        for row_id, seq, device in conn.execute(
                f"SELECT row_id, MAX(seq), device FROM change_log WHERE tbl = ? AND row_id IN "
                f"({','.join('?' * len(part))}) GROUP BY row_id", [table, *part]):
            out[(table, row_id)] = (device, seq)
    return out


def _needed(conn: sqlite3.Connection, peer: Peer, rows: dict[str, list[int]]) -> dict[str, list[int]]:
    """What the peer's assignments in `rows` need: their task, its assignments, the events and evidence."""
    if peer.role == "hub":
        return {}
    needed = _inspections_needed(conn, peer, rows)
    if not rows.get("assignment"):
        return needed
    mine = _filter(conn, "assignment", rows["assignment"], f"unit_id = {int(peer.unit_id or -1)}")
    if not mine:
        return needed
    marks = ",".join("?" * len(mine))
    tasks = [r[0] for r in conn.execute(f"SELECT DISTINCT task_id FROM assignment WHERE id IN ({marks})", mine)]
    tmarks = ",".join("?" * len(tasks))
    events = [r[0] for r in conn.execute(f"SELECT id FROM event WHERE assignment_id IN ({marks})", mine)]
    needed |= {
        "task": tasks,
        "assignment": [r[0] for r in conn.execute(f"SELECT id FROM assignment WHERE task_id IN ({tmarks})", tasks)],
        "event": events,
        "evidence": [r[0] for part in chunks(events) for r in conn.execute(
            f"SELECT id FROM evidence WHERE event_id IN ({','.join('?' * len(part))})", list(part))],
    }
    return needed


def _inspections_needed(conn: sqlite3.Connection, peer: Peer, rows: dict[str, list[int]]) -> dict[str, list[int]]:
    """The inspections the selected findings and visits refer to, with the peer's visit row and tasks checked."""
    ids: set[int] = set()
    for table in ("finding", "inspection_unit", "inspection_task"):
        for part in chunks(sorted(rows.get(table, ()))):
            ids |= {r[0] for r in conn.execute(
                f"SELECT inspection_id FROM [{table}] WHERE rowid IN ({','.join('?' * len(part))}) "
                f"AND inspection_id IS NOT NULL", list(part))}
    if not ids:
        return {}
    u = int(peer.unit_id if peer.unit_id is not None else -1)
    marks = ",".join(str(i) for i in sorted(ids))
    return {
        "inspection": sorted(ids),
        "inspection_unit": [r[0] for r in conn.execute(
            f"SELECT id FROM inspection_unit WHERE inspection_id IN ({marks}) AND unit_id = {u}")],
        "inspection_task": [r[0] for r in conn.execute(
            f"SELECT id FROM inspection_task WHERE inspection_id IN ({marks}) AND task_id IN "
            f"({UNIT_TASKS.format(u=u)})")],
    }


def select_rows(conn: sqlite3.Connection, own: str, peer: Peer, *, snapshot: bool = False) -> Selection:
    """The rows a bundle for `peer` carries; see the module contract."""
    acks = {} if snapshot else _acks(conn, peer)
    sel = Selection()
    tops = conn.execute("SELECT device, MAX(seq) FROM change_log GROUP BY device").fetchall()
    changed: dict[str, set[int]] = {}
    for device, top in tops:
        since = acks.get(device, 0)
        sel.ranges[device] = [since, top]
        if since >= top:
            continue
        for table, row_id in conn.execute("SELECT tbl, row_id FROM change_log WHERE device = ? AND seq > ?",
                                          [device, since]):
            changed.setdefault(table, set()).add(row_id)
    for table in ALL_TABLES:
        condition = visible_sql(table, peer, own=own)
        if condition == "0":
            continue
        if not snapshot:
            condition = f"({condition}) AND {_not_owned(table, peer)}"
        if snapshot:
            ids = [r[0] for r in conn.execute(f"SELECT rowid FROM [{table}] WHERE {condition}")]
        else:
            ids = _filter(conn, table, list(changed.get(table, ())), condition)
        if ids:
            sel.rows[table] = ids
    if not snapshot:
        for table, ids in _needed(conn, peer, sel.rows).items():
            extra = set(_filter(conn, table, ids, _not_owned(table, peer))) - set(sel.rows.get(table, ()))
            if extra:
                sel.rows[table] = sorted({*sel.rows.get(table, ()), *extra})
    for table, ids in sel.rows.items():
        sel.positions.update(_positions(conn, table, ids))
    return sel
