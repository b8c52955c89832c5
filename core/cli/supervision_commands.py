"""Supervision commands (docs/design.md §7): `group`, `inspect`, `finding`, `action`, `person`.

Contract: `add_parsers(cmds, sub)` adds the commands; `HANDLERS` maps each to its handler,
which only parses, calls core.supervision (or core.scoring.store for the finding without an
inspection) and prints. Every sentence a write returns in `Changes.notes` (a person added)
is printed after its line.
- `group add --name N --lead NAME [--members A,B] [--units C1,C2]`; `group edit NAME [--rename N]
  [--lead L] [--members A,B] [--units C1,C2] [--active yes|no]` (what is given replaces what was);
  `group list [--json]`:
  [{"id", "name", "lead", "members", "units", "active"}].
- `inspect add --group N --on D --method M [--units C1,C2] [--tasks T1,T2] [--text T] [--json]`:
  prints the inspection's id ({"id", "group", "date", "method", "units", "tasks"}).
- `finding add INSPECTION --unit C --severity minor|major --text T [--rectify DAYS|general|major]
  [--deduct] [--person NAME] [--outside-group] [--attach FILE ...]`, and, without INSPECTION,
  the finding of before m009: `finding add --unit C --on D --text T [--person NAME] [--attach ...]`
  (always deducts). Prints the finding's id and the rectification task with its dues.
- `action add --unit C --kind talk|criticism|rectify_order|disciplinary --on D --text T
  [--person NAME] [--finding ID] [--attach FILE ...]`.
- `person add --name N --unit C [--post P]`; `person show NAME [--unit C] [--json] [--out F.pdf]`:
  {"name", "unit", "unit_name", "post", "entries": [{"date", "kind", "category", "text", "source"}]};
  with `--out` the record is printed to PDF (core.reports.cadre_record; `--out` checked first).
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from core.cli import terminal as out
from core.dates import parse_date
from core.errors import UsageError
from core.format import name_list
from core.i18n import _
from core.office import Changes, Session
from core.work.tasks import parse_unit_list


def _notes(changes: Changes) -> None:
    for note in changes.notes:
        out.say(note)


def cmd_group(s: Session, a: argparse.Namespace) -> int:
    from core.supervision import groups

    if a.action == "add":
        groups.add_group(s, a.name, a.lead, parse_unit_list(a.members), parse_unit_list(a.units))
        out.say(_("Inspection group {name} added.").format(name=a.name.strip()))
        return 0
    if a.action == "edit":
        changes = groups.edit_group(
            s, a.name, new_name=a.rename, lead=a.lead,
            members=None if a.members is None else parse_unit_list(a.members),
            units=None if a.units is None else parse_unit_list(a.units),
            active=None if a.active is None else a.active == "yes")
        out.say(_("Inspection group {name} changed.").format(name=(a.rename or a.name).strip()) if changes.directory
                else _("Nothing to change: the group already reads so."))
        return 0
    rows = groups.list_groups(s.db)
    if a.json:
        out.print_json([{"id": g.id, "name": g.name, "lead": g.lead, "members": list(g.members),
                         "units": list(g.units), "active": g.active} for g in rows])
        return 0
    out.print_table([_("Group"), _("Lead"), _("Members"), _("Units")],
                    [(g.name, g.lead, name_list(g.members), ",".join(g.units)) for g in rows])
    return 0


def cmd_inspect(s: Session, a: argparse.Namespace) -> int:
    from core.supervision.inspections import add_inspection
    from core.supervision.views import list_inspections

    iid = add_inspection(s, a.group, parse_date(a.on, what="--on"), a.method, parse_unit_list(a.units),
                         parse_unit_list(a.tasks), a.text)
    view = next(v for v in list_inspections(s.db) if v.id == iid)
    if a.json:
        out.print_json({"id": iid, "group": view.group, "date": view.on, "method": view.method,
                        "units": list(view.units), "tasks": list(view.tasks)})
    else:
        out.say(_("Inspection {id} recorded: {group} on {date}.").format(id=iid, group=view.group,
                                                                        date=view.on.isoformat()))
    return 0


def cmd_finding(s: Session, a: argparse.Namespace) -> int:
    from core.scoring import store
    from core.supervision.inspections import add_finding, parse_rectify

    if a.inspection is None:
        extra = [o for o, v in (("--severity", a.severity), ("--rectify", a.rectify), ("--deduct", a.deduct),
                                ("--outside-group", a.outside_group)) if v]
        if extra:
            raise UsageError(_("{option} needs the inspection: finding add INSPECTION --unit C …").format(
                option=extra[0]))
        if a.on is None:
            raise UsageError(_("Give the inspection (finding add INSPECTION --unit C …) or the day of the finding "
                               "(--on D)."))
        changes = store.add_finding(s, a.unit, parse_date(a.on, what="--on"), a.text, a.person, a.attach)
        out.say(_("Inspection finding recorded for {code}.").format(code=a.unit.upper()))
        _notes(changes)
        return 0
    if a.on is not None:
        raise UsageError(_("A finding of an inspection is dated the inspection's day; leave out --on."))
    if a.severity is None:
        raise UsageError(_("Give the finding's severity: --severity minor or --severity major."))
    added = add_finding(s, a.inspection, a.unit, a.severity, a.text, rectify=parse_rectify(a.rectify),
                        deduct=a.deduct, person=a.person, outside_group=a.outside_group, attachments=a.attach)
    out.say(_("Finding {id} of inspection {inspection} recorded for {code}.").format(
        id=added.id, inspection=a.inspection, code=a.unit.upper()))
    if added.task_no:
        row = s.db.execute("SELECT s.claim_due, s.report_due, s.due FROM assignment a JOIN task t ON t.id = a.task_id "
                           "JOIN assignment_status s ON s.assignment_id = a.id WHERE t.task_no = ? AND a.role = 'lead'",
                           [added.task_no]).fetchone()
        out.say(_("Rectification task {task_no} assigned to {code}: claim by {claim}, first report by {report}, "
                  "complete by {due}.").format(task_no=added.task_no, code=a.unit.upper(), claim=row[0],
                                               report=row[1], due=row[2]))
    for note in added.notes:
        out.say(note)
    return 0


def cmd_action(s: Session, a: argparse.Namespace) -> int:
    from core.supervision.actions import add_action

    changes = add_action(s, a.unit, a.kind, parse_date(a.on, what="--on"), a.text, person=a.person,
                         finding_id=a.finding, attachments=a.attach)
    out.say(_("Accountability action recorded for {code}.").format(code=a.unit.upper()))
    _notes(changes)
    return 0


def cmd_person(s: Session, a: argparse.Namespace) -> int:
    from core.supervision import people

    if a.action == "add":
        people.add_person(s, a.name, a.unit, a.post)
        out.say(_("{name} added as a person of {code}.").format(name=a.name.strip(), code=a.unit.upper()))
        return 0
    if a.out:
        from pathlib import Path

        from core.reports.atomic_file import check_out
        from core.reports.cadre_record import render_cadre_record

        target = Path(a.out)
        check_out(target)
    p = people.person_by_name(s.db, a.name, a.unit)
    if a.out:
        from core.cli.report_commands import _done

        return _done(target, render_cadre_record(s.db, target, p, as_of=s.today))
    entries = people.record(s.db, p)
    if a.json:
        out.print_json({"name": p.name, "unit": p.unit, "unit_name": p.unit_name, "post": p.post,
                        "entries": [{"date": e.on, "kind": e.kind, "category": e.category, "text": e.text,
                                     "source": e.source} for e in entries]})
        return 0
    out.say(_("{name}, {post}, {unit_name} ({unit})").format(name=p.name, post=p.post or "—", unit_name=p.unit_name,
                                                             unit=p.unit))
    if not entries:
        out.say(_("No recognition or accountability entry names this person."))
        return 0
    out.print_table([_("Date"), _("Kind"), _("Text"), _("Source")],
                    [(e.on.isoformat(), _(people.KIND_WORDS[e.kind]), e.text, e.source) for e in entries])
    return 0


HANDLERS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "group": cmd_group, "inspect": cmd_inspect, "finding": cmd_finding, "action": cmd_action, "person": cmd_person}


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the supervision commands under `cmds`; `sub(parent, name, help)` makes one."""
    from core.cli.cli_parser import CliParser

    def family(name: str, help_: str) -> argparse._SubParsersAction:
        return sub(cmds, name, help_).add_subparsers(dest="action", metavar="ACTION", parser_class=CliParser,
                                                     required=True)

    group = family("group", _("inspection groups (督查组)"))
    c = sub(group, "add", _("add an inspection group"))
    c.add_argument("--name", required=True)
    c.add_argument("--lead", required=True)
    c.add_argument("--members", default="")
    c.add_argument("--units", default="")
    c = sub(group, "edit", _("rename an inspection group or change its lead, members, units or state"))
    c.add_argument("name", metavar="NAME")
    c.add_argument("--rename", metavar="NEW_NAME")
    c.add_argument("--lead")
    c.add_argument("--members")
    c.add_argument("--units")
    c.add_argument("--active", choices=("yes", "no"))
    c = sub(group, "list", _("list the inspection groups"))
    c.add_argument("--json", action="store_true")

    inspect = family("inspect", _("inspections"))
    c = sub(inspect, "add", _("record an inspection"))
    c.add_argument("--group", required=True)
    c.add_argument("--on", required=True)
    c.add_argument("--method", required=True)
    c.add_argument("--units", default="")
    c.add_argument("--tasks", default="")
    c.add_argument("--text", default="")
    c.add_argument("--json", action="store_true")

    finding = family("finding", _("inspection findings against units"))
    c = sub(finding, "add", _("record an inspection finding against a unit"))
    c.add_argument("inspection", metavar="INSPECTION", type=int, nargs="?")
    c.add_argument("--unit", required=True)
    c.add_argument("--on")
    c.add_argument("--severity")
    c.add_argument("--text", required=True)
    c.add_argument("--rectify", metavar="DAYS|general|major")
    c.add_argument("--deduct", action="store_true")
    c.add_argument("--outside-group", dest="outside_group", action="store_true")
    c.add_argument("--person", default="")
    c.add_argument("--attach", nargs="+", default=[], metavar="FILE")

    action = family("action", _("accountability actions (问责)"))
    c = sub(action, "add", _("record an accountability action against a unit"))
    c.add_argument("--unit", required=True)
    c.add_argument("--kind", required=True)
    c.add_argument("--on", required=True)
    c.add_argument("--text", required=True)
    c.add_argument("--person", default="")
    c.add_argument("--finding", type=int)
    c.add_argument("--attach", nargs="+", default=[], metavar="FILE")

    person = family("person", _("people and their cadre records (干部实绩档案)"))
    c = sub(person, "add", _("add a person of a unit"))
    c.add_argument("--name", required=True)
    c.add_argument("--unit", required=True)
    c.add_argument("--post", default="")
    c = sub(person, "show", _("a person's record"))
    c.add_argument("name", metavar="NAME")
    c.add_argument("--unit")
    c.add_argument("--json", action="store_true")
    c.add_argument("--out", metavar="F.pdf", help=_("print the record to this PDF file"))
