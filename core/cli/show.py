"""`task show REF|TASKNO`: a task with its assignments, dues and event timelines."""
from __future__ import annotations

from core.cli import terminal as out
from core.i18n import _
from core.office import Session
from core.work.actions import ACTION_NAMES, STATE_NAMES
from core.work.task_view import own_period_text, task_detail


def _event_line(e: dict) -> str:
    """One line of an assignment's timeline, from translated whole phrases."""
    action_name = ACTION_NAMES[e["kind"]]
    action = (_("{action} (date {date})").format(action=_(action_name), date=e["value"]) if e["value"]
              else _(action_name))
    by = (_("recorded by {user} for the unit") if e["on_behalf"] else _("recorded by {user}")).format(user=e["user"])
    files = "".join(f" [{f['name']}]" for f in e["files"])
    return f"  {e['on']}  {action}  {e['text']}{files}  — {by}"


def show_task(s: Session, ref: str, *, as_json: bool) -> int:
    d = task_detail(s.db, ref, as_of=s.today)
    if as_json:
        out.print_json(d)
        return 0
    cats = {"general": _("general"), "major": _("major")}
    out.say(f"{d['task_no']}  {d['title']}")
    out.say(_("Category: {cat}; assigned {date}; leader: {leader}").format(
        cat=cats[str(d["category"])], date=d["assigned_on"], leader=d["leader"] or "—"))
    if d["due_days"] is not None:
        out.say(own_period_text(d))
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
