"""The CLI's commands: each parses its arguments into core calls and prints the result.

No business rule lives here; refusals come from the core as ClerkError.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from core import clock, directory
from core.cli import terminal as out
from core.cli.cli_parser import ledger_filter
from core.dates import parse_date
from core.errors import UsageError
from core.format import number, percent
from core.i18n import _, ngettext
from core.office import Session
from core.work import actions, ledger, tasks
from core.work.actions import STATE_NAMES, Action


def _date(value: str | None, option: str) -> dt.date | None:
    return parse_date(value, what=option) if value else None


MAX_LIMIT = 1_000_000  # far more rows than a county's ledger holds, and within SQLite's integers


def check_limit(limit: int | None) -> None:
    """Refuse a --limit below zero or beyond MAX_LIMIT (UsageError)."""
    if limit is not None and limit < 0:
        raise UsageError(_("--limit must be zero or more."))
    if limit is not None and limit > MAX_LIMIT:
        raise UsageError(_("--limit must be at most {most}; leave it out to list every row.").format(
            most=MAX_LIMIT))


def cmd_unit(s: Session, a: argparse.Namespace) -> int:
    if a.action == "add":
        u = directory.add_unit(s, a.code, a.name, a.kind)
        out.say(_("Unit {code} {name} added.").format(code=u.code, name=u.name))
        return 0
    units = directory.list_units(s.db)
    if a.json:
        out.print_json([{"code": u.code, "name": u.name, "kind": u.kind, "active": u.active} for u in units])
    else:
        kinds = {"township": _("township"), "department": _("department")}
        out.print_table([_("Code"), _("Unit"), _("Kind")], [(u.code, u.name, kinds[u.kind]) for u in units])
    return 0


def cmd_leader(s: Session, a: argparse.Namespace) -> int:
    if a.action == "add":
        ld = directory.add_leader(s, a.name, a.title, list(tasks.parse_unit_list(a.units)))
        out.say(_("Leader {name} added.").format(name=ld.name))
        return 0
    leaders = directory.list_leaders(s.db)
    if a.json:
        out.print_json([{"name": x.name, "title": x.title, "units": list(x.units), "active": x.active}
                        for x in leaders])
    else:
        out.print_table([_("Leader"), _("Job title"), _("Units in charge")],
                        [(x.name, x.title, ",".join(x.units)) for x in leaders], max_width=60)
    return 0


def cmd_user(s: Session, a: argparse.Namespace, new_password: str | None = None) -> int:
    if a.action == "add":
        from core.cli.auth import new_password as ask

        u = directory.add_user(s, a.name, a.role, new_password or ask(a.name))
        out.say(_("User {name} ({role}) added.").format(name=u.name, role=role_name(u.role)))
        return 0
    users = directory.list_users(s.db)
    if a.json:
        out.print_json([{"name": u.name, "role": u.role, "active": u.active} for u in users])
    else:
        out.print_table([_("User"), _("Role")], [(u.name, role_name(u.role)) for u in users])
    return 0


def role_name(role: str) -> str:
    return {"admin": _("administrator"), "clerk": _("clerk"), "viewer": _("viewer")}.get(role, role)


def cmd_meeting(s: Session, a: argparse.Namespace) -> int:
    m = tasks.add_meeting(s, a.kind, parse_date(a.date, what="--date"), a.title, second=a.new_meeting)
    if a.json:
        out.print_json({"id": m.id, "kind": m.kind, "date": m.date, "title": m.title})
    else:
        out.say(_("Meeting {id} added: {title}.").format(id=m.id, title=m.title))
    return 0


def cmd_task(s: Session, a: argparse.Namespace) -> int:
    if a.action == "add":
        item = tasks.NewTask(title=a.title, category=a.category, assigned_on=parse_date(a.date, what="--date"),
                             lead=a.lead, co=tasks.parse_unit_list(a.co), leader=a.leader, meeting_id=a.meeting,
                             source=a.source, content=a.content)
        (task_no,), _changes = tasks.add_tasks(s, [item])
        refs = tasks.task_assignments(s.db, task_no)
        rows = ledger.ledger_rows(s.db, [r.id for r in refs], as_of=s.today)
        if a.json:
            out.print_json({"task_no": task_no, "assignments": [_row_json(r) for r in rows]})
        else:
            lead = rows[0]
            out.say(_("Task {task_no} assigned: claim by {claim}, first report by {report}, "
                      "completion by {due}.").format(task_no=task_no, claim=lead.claim_due,
                                                     report=lead.report_due, due=lead.due))
            for w in lead.warnings:
                out.say(_("Warning: {text}.").format(text=w))
        return 0
    if a.action == "show":
        from core.cli.show import show_task

        return show_task(s, a.ref, as_json=a.json)
    return _task_list(s, a)


def _row_json(r: ledger.LedgerRow) -> dict[str, object]:
    return {"ref": r.ref, "task_no": r.task_no, "title": r.title, "unit": r.unit_code, "unit_name": r.unit_name,
            "role": r.role, "leader": r.leader or None, "assigned_on": r.assigned_on, "state": r.state,
            "light": r.light, "claim_due": r.claim_due, "report_due": r.report_due, "due": r.due,
            "days_left": r.days_left, "on_time": r.on_time, "warnings": list(r.warnings), "new": r.new}


def _task_list(s: Session, a: argparse.Namespace) -> int:
    as_of = _date(a.as_of, "--as-of") or s.today
    if a.unit:
        directory.unit_by_code(s.db, a.unit)
    if a.leader:
        directory.leader_by_name(s.db, a.leader)
    flt = ledger_filter(a)
    check_limit(a.limit)
    ids = ledger.ledger_ids(s.db, flt, as_of=as_of, sort=a.sort, limit=a.limit)
    rows = ledger.ledger_rows(s.db, ids, as_of=as_of)
    if a.json:
        out.print_json([_row_json(r) for r in rows])
        return 0
    roles = {"lead": _("lead"), "co": _("co")}
    out.print_table(
        [_("Ref"), _("Item"), _("Role"), _("Due"), _("State"), _("Light"), _("Days left")],
        [(r.ref, r.title, roles[r.role], r.due, _(STATE_NAMES[r.state]), out.light_name(r.light),
          "" if r.days_left is None else number(r.days_left)) for r in rows], max_width=30)
    out.say(ngettext("{n} assignment.", "{n} assignments.", len(rows)).format(n=number(len(rows))))
    return 0


def cmd_action(s: Session, a: argparse.Namespace) -> int:
    kind = {"claim": "claim", "report": "report", "extend": "extension_request",
            "approve-extension": "extension_approve", "reject-extension": "extension_reject",
            "complete": "completion", "return": "return", "close": "close", "urge": "urge",
            "cancel": "cancel"}[a.command]
    on = parse_date(a.on, what="--on")
    text = getattr(a, "reason", None) or getattr(a, "plan", None) or getattr(a, "text", "") or ""
    value = _date(getattr(a, "until", None), "--until") or _date(getattr(a, "follow_up", None), "--follow-up")
    milestones = [_milestone(m) for m in getattr(a, "milestone", [])]
    done = actions.record(s, a.ref, Action(kind, on, text=text, value=value, milestones=milestones,
                                           attachments=getattr(a, "attach", []))).acted_on
    assert done is not None  # record names the assignment it acted on: no second look-up
    out.say(_("{ref}: {action} recorded for {date}; now {state}, completion due {due}.").format(
        ref=done.ref, action=_(actions.ACTION_NAMES[kind]), date=on, state=_(STATE_NAMES[done.state]),
        due=done.due))
    return 0


def _milestone(text: str) -> tuple[dt.date, str]:
    when, sep, what = text.partition(":")
    if not sep:
        when, sep, what = text.partition("：")
    if not sep:
        raise UsageError(_("The milestone '{text}' is not DATE:TEXT, e.g. 2026-12-10:完成招标.").format(text=text))
    return parse_date(when, what="--milestone"), what


def cmd_stats(s: Session, a: argparse.Namespace) -> int:
    as_of = _date(a.as_of, "--as-of") or s.today
    date_from, date_to = _date(a.date_from, "--from"), _date(a.date_to, "--to")
    if date_from and date_to and date_from > date_to:
        raise UsageError(_("--from {a} is after --to {b}; swap them.").format(a=date_from, b=date_to))
    total = ledger.stats(s.db, as_of=as_of, date_from=date_from, date_to=date_to)
    groups = ledger.stats(s.db, as_of=as_of, date_from=date_from, date_to=date_to, by=a.by) if a.by else {}
    assert isinstance(total, ledger.Stats) and isinstance(groups, dict)
    names = _group_names(s, a.by)
    if a.json:
        data: dict[str, object] = {"as_of": as_of, "from": date_from, "to": date_to, **total.__dict__}
        if a.by:
            data["by"] = a.by
            data["groups"] = [{"group": k, "name": names.get(k, k), **v.__dict__} for k, v in groups.items()]
        out.print_json(data)
        return 0
    head = [_("Group"), _("Counted"), _("Closed"), _("On time"), _("Completion rate"), _("On-time rate"),
            _("Open"), _("Red"), _("Yellow"), _("Green")]

    def line(name: str, x: ledger.Stats) -> list[object]:
        return [name, *(number(n) for n in (x.counted, x.closed, x.on_time)), percent(x.completion_rate),
                percent(x.on_time_rate), *(number(n) for n in (x.open, x.red, x.yellow, x.green))]

    out.print_table(head, [*[line(names.get(k, k), v) for k, v in groups.items()], line(_("All"), total)])
    out.say(_("As of {date}; the county's target is {target}.").format(date=as_of, target=percent(ledger.TARGET_RATE)))
    return 0


def _group_names(s: Session, by: str | None) -> dict[str, str]:
    if by == "unit":
        return {u.code: u.name for u in directory.list_units(s.db)}
    if by == "kind":
        return {"township": _("township"), "department": _("department")}
    return {}


def cmd_rules(s: Session, a: argparse.Namespace) -> int:
    from core.rules.ruleset import current_ruleset, parse_ruleset, ruleset_to_toml, save_ruleset

    if a.action == "show":
        version, rules = current_ruleset(s.db)
        out.say(_("# rule set version {v}").format(v=version))
        out.say(ruleset_to_toml(rules))
        return 0
    s.require_hub()
    path = Path(a.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(_("Cannot read {path}: {detail}.").format(path=path, detail=err)) from err
    parse_ruleset(text)
    with s.write():
        version = save_ruleset(s.db, text, s.user.name, s.office.uuid)
        s.audit("rules_import", ref=str(version), file=path.name)
    out.say(_("Rule set version {v} saved; it applies to tasks assigned from now on.").format(v=version))
    return 0


def cmd_audit(s: Session, a: argparse.Namespace) -> int:
    sql = "SELECT id, recorded_at, user_name, office, action, ref, effective_date, details FROM audit"
    args: list[object] = []
    if a.ref:
        sql += " WHERE ref = ? OR ref LIKE ? || '/%'"
        args += [a.ref, a.ref]
    rows = s.db.execute(sql + " ORDER BY id", args).fetchall()
    if a.json:
        out.print_json([{"id": r[0], "recorded_at": r[1], "user": r[2], "office": r[3], "action": r[4],
                         "ref": r[5], "effective_date": r[6], "details": json.loads(r[7])} for r in rows])
        return 0
    out.print_table([_("Entry"), _("Recorded (UTC)"), _("User"), _("Action"), _("Subject"), _("Date")],
                    [(r[0], r[1][:19], r[2], r[4], r[5], r[6] or "") for r in rows])
    return 0


def today_or(value: str | None) -> dt.date:
    return parse_date(value, what="--today") if value else clock.today()
