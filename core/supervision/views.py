"""Reads for the 督查 page and the bulletin (docs/design.md §7): pure reads, no writes.

Contract (each on the caller's connection; the GUI: the worker, through `ctx.query`):
- `list_inspections(db, date_from=None, date_to=None, group=None)`: the inspections by date
  (newest first) then id, each with its group, method, units visited, tasks checked, text and
  the number of its findings.
- `list_findings(db, as_of, inspection_id=None, date_from=None, date_to=None, unit=None)`: the
  findings (of one inspection, a period or a unit), oldest first, each with its severity,
  deduct and outside-group flags, person and rectification status (`rectification`).
- `rectification(db, finding_id, as_of)`: a finding's rectification status: None when no task
  was made, else the lead assignment's REF, state, light as of `as_of`, completion due in force,
  closed day and on-time flag (a `LedgerRow`, as the ledger shows it).
- `nail_items(db, as_of)`: the nail view (钉子型): every task among the tasks checked of two or
  more inspections that still has an open assignment (neither closed nor cancelled), with the
  inspections' dates, the number of times and its open assignments as ledger rows; the most
  inspected first, then by task number.
- `group_red_items(db, as_of)`: per active group (by id), each unit it covers (by code) with its
  red assignments as of `as_of` (ledger rows, by REF).
- `list_actions(db, date_from=None, date_to=None, unit=None)`: every accountability action, the
  通报批评 of the `criticism` table included (kind `criticism`), oldest first.
- `status(finding)`: the rectification's status key of STATUS_WORDS (the bulletin and the page):
  `on_time` / `late` once closed, `cancelled`, `overdue` while a step is past its due (the
  ledger's red light), else `under_way`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils

from core.i18n import N_
from core.supervision.groups import list_groups
from core.work.ledger import LedgerFilter, LedgerRow, ledger_ids, ledger_rows


@dataclass(frozen=True)
class InspectionView:
    id: int
    on: dt.date
    group: str
    method: str
    units: tuple[str, ...]
    tasks: tuple[str, ...]
    text: str
    findings: int


@dataclass(frozen=True)
class FindingView:
    id: int
    inspection_id: int | None
    on: dt.date
    unit: str
    unit_name: str
    severity: str | None
    text: str
    person: str
    deduct: bool
    outside_group: bool
    task_no: str | None
    rectification: LedgerRow | None


@dataclass(frozen=True)
class NailItem:
    task_no: str
    title: str
    times: int
    inspected_on: tuple[dt.date, ...]
    open: tuple[LedgerRow, ...]


@dataclass(frozen=True)
class ActionView:
    table: str  # criticism | accountability
    id: int
    kind: str
    on: dt.date
    unit: str
    unit_name: str
    person: str
    text: str
    finding_id: int | None


def _period(col: str, date_from: dt.date | None, date_to: dt.date | None) -> tuple[str, list[object]]:
    sql, args = "", []
    if date_from:
        sql, args = sql + f" AND {col} >= ?", [*args, date_from.isoformat()]
    if date_to:
        sql, args = sql + f" AND {col} <= ?", [*args, date_to.isoformat()]
    return sql, args


def list_inspections(db: sqlite_utils.Database, date_from: dt.date | None = None, date_to: dt.date | None = None,
                     group: str | None = None) -> list[InspectionView]:
    where, args = _period("i.date", date_from, date_to)
    if group:
        where, args = where + " AND g.name = ?", [*args, group.strip()]
    rows = db.execute(
        "SELECT i.id, i.date, g.name, i.method, i.text, "
        "(SELECT json_group_array(code) FROM (SELECT u.code FROM inspection_unit iu JOIN unit u ON u.id = iu.unit_id "
        " WHERE iu.inspection_id = i.id ORDER BY u.code)), "
        "(SELECT json_group_array(task_no) FROM (SELECT t.task_no FROM inspection_task it JOIN task t "
        " ON t.id = it.task_id WHERE it.inspection_id = i.id ORDER BY t.year, t.seq)), "
        "(SELECT COUNT(*) FROM finding f WHERE f.inspection_id = i.id) "
        "FROM inspection i JOIN inspection_group g ON g.id = i.group_id WHERE 1" + where
        + " ORDER BY i.date DESC, i.id DESC", args)
    return [InspectionView(r[0], dt.date.fromisoformat(r[1]), r[2], r[3], tuple(json.loads(r[5])),
                           tuple(json.loads(r[6])), r[4], r[7]) for r in rows]


def _lead_row(db: sqlite_utils.Database, task_id: int | None, as_of: dt.date) -> LedgerRow | None:
    if task_id is None:
        return None
    row = db.execute("SELECT id FROM assignment WHERE task_id = ? AND role = 'lead'", [task_id]).fetchone()
    return ledger_rows(db, [row[0]], as_of=as_of)[0] if row else None


def rectification(db: sqlite_utils.Database, finding_id: int, as_of: dt.date) -> LedgerRow | None:
    row = db.execute("SELECT task_id FROM finding WHERE id = ?", [finding_id]).fetchone()
    return _lead_row(db, row[0], as_of) if row else None


def list_findings(db: sqlite_utils.Database, as_of: dt.date, inspection_id: int | None = None,
                  date_from: dt.date | None = None, date_to: dt.date | None = None,
                  unit: str | None = None) -> list[FindingView]:
    where, args = _period("f.date", date_from, date_to)
    if inspection_id is not None:
        where, args = where + " AND f.inspection_id = ?", [*args, inspection_id]
    if unit:
        where, args = where + " AND u.code = ? COLLATE NOCASE", [*args, unit.strip()]
    rows = db.execute("SELECT f.id, f.inspection_id, f.date, u.code, u.name, f.severity, f.text, f.person, f.deduct, "
                      "f.outside_group, t.task_no, f.task_id FROM finding f JOIN unit u ON u.id = f.unit_id "
                      "LEFT JOIN task t ON t.id = f.task_id WHERE 1" + where + " ORDER BY f.date, f.id", args)
    return [FindingView(r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7], bool(r[8]),
                        bool(r[9]), r[10], _lead_row(db, r[11], as_of)) for r in rows.fetchall()]


def nail_items(db: sqlite_utils.Database, as_of: dt.date) -> list[NailItem]:
    rows = db.execute(
        "SELECT t.id, t.task_no, t.title, COUNT(DISTINCT it.inspection_id), json_group_array(i.date) "
        "FROM inspection_task it JOIN task t ON t.id = it.task_id JOIN inspection i ON i.id = it.inspection_id "
        "GROUP BY t.id HAVING COUNT(DISTINCT it.inspection_id) >= 2").fetchall()
    out = []
    for task_id, task_no, title, times, dates in rows:
        ids = [r[0] for r in db.execute(
            "SELECT a.id FROM assignment a JOIN assignment_status s ON s.assignment_id = a.id "
            "WHERE a.task_id = ? AND s.state NOT IN ('closed', 'cancelled') ORDER BY a.role DESC, a.id", [task_id])]
        open_rows = tuple(r for r in ledger_rows(db, ids, as_of=as_of) if r.state not in ("closed", "cancelled"))
        if open_rows:
            out.append(NailItem(task_no, title, int(times),
                                tuple(sorted(dt.date.fromisoformat(d) for d in json.loads(dates))), open_rows))
    out.sort(key=lambda n: (-n.times, tuple(int(x) for x in n.task_no.split("-"))))
    return out


def group_red_items(db: sqlite_utils.Database, as_of: dt.date) -> list[tuple[str, list[tuple[str, list[LedgerRow]]]]]:
    out = []
    for g in list_groups(db):
        if not g.active:
            continue
        units = []
        for code in g.units:
            ids = ledger_ids(db, LedgerFilter(unit=code, light="red"), as_of=as_of)
            units.append((code, [r for r in ledger_rows(db, ids, as_of=as_of) if r.unit_code == code]))
        out.append((g.name, units))
    return out


def list_actions(db: sqlite_utils.Database, date_from: dt.date | None = None, date_to: dt.date | None = None,
                 unit: str | None = None) -> list[ActionView]:
    out = []
    for table, kind in (("criticism", "'criticism'"), ("accountability", "x.kind")):
        where, args = _period("x.date", date_from, date_to)
        if unit:
            where, args = where + " AND u.code = ? COLLATE NOCASE", [*args, unit.strip()]
        for r in db.execute(f"SELECT x.id, {kind}, x.date, u.code, u.name, x.person, x.text, x.finding_id "
                            f"FROM {table} x JOIN unit u ON u.id = x.unit_id WHERE 1" + where, args):
            out.append(ActionView(table, r[0], r[1], dt.date.fromisoformat(r[2]), *r[3:]))
    out.sort(key=lambda a: (a.on, a.table, a.id))
    return out


STATUS_WORDS = {"on_time": N_("closed on time"), "late": N_("closed late"), "cancelled": N_("cancelled"),
                "overdue": N_("overdue"), "under_way": N_("under way")}


def status(f: FindingView) -> str:
    """A rectification's status key (see the module contract); the finding must have a task."""
    r = f.rectification
    assert r is not None
    if r.state == "closed":
        return "on_time" if r.on_time else "late"
    if r.state == "cancelled":
        return "cancelled"
    return "overdue" if r.light == "red" else "under_way"
