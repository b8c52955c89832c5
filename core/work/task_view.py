"""The read model of one task: its assignments, dues, states and event timelines.

Contract: `task_detail(db, ref, as_of=T)` returns the JSON-ready view that both
faces show — the CLI's `task show` prints it, the desktop's task view draws it.
Assignments come lead first; each carries its dues, state, light (as of T),
pending extension, follow-up and its events in effective-date order (ties in
the order recorded) with their milestones and evidence files; the task's `due_days` is its own
completion period (None: the rule set's, docs/design.md §3), `due_days_mode` the general rule's
counting mode it is counted in (`own_period_text` says both in words). `assignment_brief`
is the small typed summary the action forms and the permissions need (the
dates that bound an action, the state and the pending extension).

Read-only (except that a missing status-cache row is rebuilt from the events); any thread that
owns `db`. Raises Refusal for an unknown task or REF.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils

from core.dates import from_iso
from core.errors import Refusal
from core.i18n import _
from core.work import ledger, status, status_check, tasks


@dataclass(frozen=True)
class AssignmentBrief:
    """One assignment as an action form needs it (dates as `date`)."""

    id: int
    ref: str
    task_no: str
    title: str
    unit_id: int
    unit_code: str
    unit_name: str
    role: str
    assigned_on: dt.date
    state: str
    due: dt.date
    pending_extension: dt.date | None
    follow_up: dt.date | None


def assignment_brief(db: sqlite_utils.Database, ref: str) -> AssignmentBrief:
    """The assignment named `ref` (TASKNO/UNITCODE) with its cached state and dues."""
    a = tasks.find_assignment(db, ref)
    status_check.ensure_rows(db, [a.id])
    row = db.execute(
        "SELECT t.title, u.name, s.state, s.due, s.pending_extension, s.follow_up FROM assignment a "
        "JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id "
        "JOIN assignment_status s ON s.assignment_id = a.id WHERE a.id = ?", [a.id]).fetchone()
    return AssignmentBrief(a.id, a.ref, a.task_no, row[0], a.unit_id, a.unit_code, row[1], a.role,
                           a.assigned_on, row[2], dt.date.fromisoformat(row[3]), from_iso(row[4]),
                           from_iso(row[5]))


def task_briefs(db: sqlite_utils.Database, task_no: str) -> list[AssignmentBrief]:
    """The briefs of every assignment of `task_no`, lead first."""
    return [assignment_brief(db, a.ref) for a in tasks.task_assignments(db, task_no)]


def _events(db: sqlite_utils.Database, assignment_id: int) -> list[dict[str, object]]:
    events = []
    for e in db.execute("SELECT id, kind, effective_date, recorded_at, user_name, on_behalf, text, "
                        "date_value, data FROM event WHERE assignment_id = ? ORDER BY effective_date, id",
                        [assignment_id]):
        files = [{"name": f[0], "sha256": f[1], "size": f[2]} for f in db.execute(
            "SELECT name, sha256, size FROM evidence WHERE event_id = ? ORDER BY id", [e[0]])]
        data = json.loads(e[8] or "{}")
        events.append({"kind": e[1], "on": e[2], "recorded_at": e[3], "user": e[4], "on_behalf": bool(e[5]),
                       "text": e[6], "value": e[7], "milestones": data.get("milestones", []), "files": files})
    return events


def task_detail(db: sqlite_utils.Database, ref: str, *, as_of: dt.date) -> dict[str, object]:
    """The JSON-ready view of a task (or of one assignment when `ref` has a '/'), lit as of `as_of`."""
    if "/" in ref:
        refs = [tasks.find_assignment(db, ref)]
        task_no = refs[0].task_no
    else:
        task_no = ref.strip()
        refs = tasks.task_assignments(db, task_no)
    t = db.execute(
        "SELECT t.task_no, t.title, t.content, t.category, t.source, t.assigned_on, l.name, m.title, "
        "t.rules_version, t.due_days FROM task t LEFT JOIN leader l ON l.id = t.leader_id "
        "LEFT JOIN meeting m ON m.id = t.meeting_id WHERE t.task_no = ?", [task_no]).fetchone()
    if t is None:
        raise Refusal(_("There is no task {task_no}; 'task list' shows the numbers.").format(task_no=task_no))
    status_check.ensure_rows(db, [r.id for r in refs])  # a deleted cache row is rebuilt, not a crash
    rows = {r.assignment_id: r for r in ledger.ledger_rows(db, [r.id for r in refs], as_of=as_of)}
    assignments = []
    for a in refs:
        r = rows[a.id]
        st = db.execute("SELECT base_due, claimed_on, first_report_on, submitted_on, closed_on, cancelled_on, "
                        "pending_extension, follow_up, returns, late_claim, late_report FROM assignment_status "
                        "WHERE assignment_id = ?", [a.id]).fetchone()
        assignments.append({
            "ref": r.ref, "unit": r.unit_code, "unit_name": r.unit_name, "role": r.role, "state": r.state,
            "light": r.light, "claim_due": r.claim_due, "report_due": r.report_due, "base_due": from_iso(st[0]),
            "due": r.due, "days_left": r.days_left, "claimed_on": st[1], "first_report_on": st[2],
            "submitted_on": st[3], "closed_on": st[4], "cancelled_on": st[5], "on_time": r.on_time,
            "pending_extension": st[6], "follow_up": st[7], "returns": st[8], "late_claim": bool(st[9]),
            "late_report": bool(st[10]), "warnings": list(r.warnings), "new": r.new, "events": _events(db, a.id)})
    return {"task_no": t[0], "title": t[1], "content": t[2], "category": t[3], "source": t[4],
            "assigned_on": t[5], "leader": t[6], "meeting": t[7], "rules_version": t[8], "due_days": t[9],
            "due_days_mode": None if t[9] is None else status.ruleset_for(db, int(t[8])).deadlines.general.mode,
            "assignments": assignments}


def own_period_text(detail: dict[str, object]) -> str:
    """The sentence naming a task's own completion period ('' when it has none), as both faces show it."""
    days, mode = detail.get("due_days"), detail.get("due_days_mode")
    if days is None:
        return ""
    if mode == "workdays":
        text = _("Completion period of its own: {days} working days after the assignment date")
    elif mode == "rollover":
        text = _("Completion period of its own: {days} days after the assignment date, a rest day moving it to "
                 "the next working day")
    else:
        text = _("Completion period of its own: {days} days after the assignment date")
    return text.format(days=days)
