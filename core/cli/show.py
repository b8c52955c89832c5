"""`task show REF|TASKNO`: a task with its assignments, dues and event timelines."""
from __future__ import annotations

import json

from core import ledger, tasks
from core.actions import ACTION_NAMES, STATE_NAMES
from core.cli import output as out
from core.dates import from_iso
from core.errors import Refusal
from core.i18n import _
from core.office import Session


def task_detail(s: Session, ref: str) -> dict[str, object]:
    """The JSON-ready view of a task (or of one assignment when `ref` has a '/')."""
    if "/" in ref:
        refs = [tasks.find_assignment(s.db, ref)]
        task_no = refs[0].task_no
    else:
        task_no = ref.strip()
        refs = tasks.task_assignments(s.db, task_no)
    t = s.db.execute(
        "SELECT t.task_no, t.title, t.content, t.category, t.source, t.assigned_on, l.name, m.title, "
        "t.rules_version FROM task t LEFT JOIN leader l ON l.id = t.leader_id "
        "LEFT JOIN meeting m ON m.id = t.meeting_id WHERE t.task_no = ?", [task_no]).fetchone()
    if t is None:
        raise Refusal(_("There is no task {task_no}; 'task list' shows the numbers.").format(task_no=task_no))
    rows = {r.assignment_id: r for r in ledger.ledger_rows(s.db, [r.id for r in refs], as_of=s.today)}
    assignments = []
    for a in refs:
        r = rows[a.id]
        st = s.db.execute("SELECT base_due, claimed_on, first_report_on, submitted_on, closed_on, cancelled_on, "
                          "pending_extension, follow_up, returns, late_claim, late_report FROM assignment_status "
                          "WHERE assignment_id = ?", [a.id]).fetchone()
        events = []
        for e in s.db.execute("SELECT id, kind, effective_date, recorded_at, user_name, on_behalf, text, "
                              "date_value, data FROM event WHERE assignment_id = ? ORDER BY effective_date, id",
                              [a.id]):
            files = [{"name": f[0], "sha256": f[1], "size": f[2]} for f in s.db.execute(
                "SELECT name, sha256, size FROM evidence WHERE event_id = ? ORDER BY id", [e[0]])]
            data = json.loads(e[8] or "{}")
            events.append({"kind": e[1], "on": e[2], "recorded_at": e[3], "user": e[4], "on_behalf": bool(e[5]),
                           "text": e[6], "value": e[7], "milestones": data.get("milestones", []), "files": files})
        assignments.append({
            "ref": r.ref, "unit": r.unit_code, "unit_name": r.unit_name, "role": r.role, "state": r.state,
            "light": r.light, "claim_due": r.claim_due, "report_due": r.report_due, "base_due": from_iso(st[0]),
            "due": r.due, "days_left": r.days_left, "claimed_on": st[1], "first_report_on": st[2],
            "submitted_on": st[3], "closed_on": st[4], "cancelled_on": st[5], "on_time": r.on_time,
            "pending_extension": st[6], "follow_up": st[7], "returns": st[8], "late_claim": bool(st[9]),
            "late_report": bool(st[10]), "warnings": list(r.warnings), "events": events})
    return {"task_no": t[0], "title": t[1], "content": t[2], "category": t[3], "source": t[4],
            "assigned_on": t[5], "leader": t[6], "meeting": t[7], "rules_version": t[8],
            "assignments": assignments}


def _event_line(e: dict) -> str:
    """One line of an assignment's timeline, from translated whole phrases."""
    action_name = ACTION_NAMES[e["kind"]]
    action = (_("{action} (date {date})").format(action=_(action_name), date=e["value"]) if e["value"]
              else _(action_name))
    by = (_("recorded by {user} for the unit") if e["on_behalf"] else _("recorded by {user}")).format(user=e["user"])
    files = "".join(f" [{f['name']}]" for f in e["files"])
    return f"  {e['on']}  {action}  {e['text']}{files}  — {by}"


def show_task(s: Session, ref: str, *, as_json: bool) -> int:
    d = task_detail(s, ref)
    if as_json:
        out.print_json(d)
        return 0
    cats = {"general": _("general"), "major": _("major")}
    out.say(f"{d['task_no']}  {d['title']}")
    out.say(_("Category: {cat}; assigned {date}; leader: {leader}").format(
        cat=cats[str(d["category"])], date=d["assigned_on"], leader=d["leader"] or "—"))
    if d["content"]:
        out.say(str(d["content"]))
    for a in d["assignments"]:  # type: ignore[attr-defined]
        out.say("")
        role = _("lead") if a["role"] == "lead" else _("co")
        state_name = STATE_NAMES[a["state"]]
        out.say(_("{ref} {unit} ({role}): {state} {light}").format(
            ref=a["ref"], unit=a["unit_name"], role=role, state=_(state_name),
            light=out.light_name(a["light"])).rstrip())
        out.say(_("  claim by {claim}, first report by {report}, completion by {due}").format(
            claim=a["claim_due"], report=a["report_due"], due=a["due"]))
        if a["pending_extension"]:
            out.say(_("  extension to {date} requested, waiting for a decision").format(date=a["pending_extension"]))
        for w in a["warnings"]:
            out.say(_("  warning: {text}").format(text=w))
        for e in a["events"]:
            out.say(_event_line(e))
    return 0
