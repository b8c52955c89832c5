"""Inspections (督查) and their findings: docs/design.md §7.

Contract:
- `add_inspection(s, group, on, method, units=(), tasks=(), text="")` (hub, a writing user)
  records an inspection by a group on a day (not in the future) with a method (METHODS:
  survey 调研型, service 服务型, targeted 靶向性, joint 联合型, follow_through 钉子型), the
  units visited and the tasks checked (task numbers); refuses an unknown group, method, unit
  or task, a unit or task named twice; one transaction, audited `inspection_add`; returns the
  inspection's id.
- `add_finding(s, inspection_id, unit, severity, text, *, rectify=None, deduct=False,
  person="", outside_group=False, attachments=())` records a finding of that inspection,
  dated the inspection's day. It is refused for a unit the group does not cover unless
  `outside_group` (then recorded on the row and in the audit). `rectify` ("general",
  "major" or a number of days 1–365) makes a rectification task in the same transaction:
  source `inspection`, lead unit the unit found at fault, assigned on the inspection's day,
  the 13710 dues of its category as core/work/tasks.py computes them; a number of days
  makes a general task with that completion period of its own (`task.due_days`: due that
  many days after the inspection, counted in the general rule's mode; the claim and first
  report due as for any task; docs/design.md §3). The finding keeps the task (`task_id`). `deduct` counts `monthly.finding`
  in the inspection's month (core/scoring). A person named is added to the unit's people
  when not yet known (core.supervision.people.ensure_person). Audited `finding_add`.
  Returns `FindingAdded` (the finding id, the task number or None, the notes for the clerk).
Every refusal changes nothing. Runs on the caller's thread and connection.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core import clock
from core.dates import check_date_window
from core.directory import Unit, unit_by_code
from core.errors import Refusal, UsageError
from core.i18n import _
from core.office import Changes, Session
from core.supervision.groups import covers, group_by_name
from core.supervision.kinds import METHODS, SEVERITIES
from core.text_checks import check_line, check_text
from core.work.tasks import MAX_DUE_DAYS

MAX_RECTIFY_DAYS = MAX_DUE_DAYS


@dataclass
class FindingAdded:
    id: int
    task_no: str | None
    notes: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)


def _not_future(s: Session, on: dt.date) -> None:
    check_date_window(on, today=s.today)
    if on > s.today:
        raise Refusal(_("The date {date} is in the future; enter what has happened, on or before {today}.")
                      .format(date=on.isoformat(), today=s.today.isoformat()))


def add_inspection(s: Session, group: str, on: dt.date, method: str, units: Sequence[str] = (),
                   tasks: Sequence[str] = (), text: str = "") -> int:
    """Record an inspection (see the module contract); its id."""
    s.require_write()
    s.require_hub()
    if method not in METHODS:
        raise UsageError(_("'{method}' is not an inspection method; choose survey, service, targeted, joint or "
                           "follow_through.").format(method=method))
    _not_future(s, on)
    text = check_text(text, _("The text")).strip()
    g = group_by_name(s.db, group)
    visited = [unit_by_code(s.db, c) for c in units if c.strip()]
    if len({u.id for u in visited}) != len(visited):
        raise UsageError(_("A unit is named twice in --units; name each unit once."))
    checked = []
    for no in (t.strip() for t in tasks if t.strip()):
        row = s.db.execute("SELECT id FROM task WHERE task_no = ?", [no]).fetchone()
        if row is None:
            raise Refusal(_("There is no task {task_no}; 'task list' shows the numbers.").format(task_no=no))
        if row[0] in [t for t, _n in checked]:
            raise UsageError(_("A task is named twice in --tasks; name each task once."))
        checked.append((int(row[0]), no))
    with s.write():
        row = s.synced_row(group_id=g.id, date=on.isoformat(), method=method, text=text, user_name=s.user.name,
                           created_at=clock.now_utc())
        iid = int(s.db["inspection"].insert(row).last_pk)
        for u in visited:
            s.db["inspection_unit"].insert(s.synced_row(inspection_id=iid, unit_id=u.id))
        for tid, _no in checked:
            s.db["inspection_task"].insert(s.synced_row(inspection_id=iid, task_id=tid))
        s.audit("inspection_add", ref=str(iid), row_uuid=str(row["uuid"]), effective_date=on, group=g.name,
                method=method, units=[u.code for u in visited], tasks=[n for _t, n in checked], text=text)
    return iid


def inspection_row(s: Session, inspection_id: int) -> tuple[int, dt.date, str]:
    """(group id, date, group name) of an inspection, or a Refusal."""
    row = s.db.execute("SELECT i.group_id, i.date, g.name FROM inspection i JOIN inspection_group g "
                       "ON g.id = i.group_id WHERE i.id = ?", [inspection_id]).fetchone()
    if row is None:
        raise Refusal(_("There is no inspection {id}; 'inspect add' prints the id.").format(id=inspection_id))
    return int(row[0]), dt.date.fromisoformat(row[1]), str(row[2])


def parse_rectify(value: str | None) -> str | int | None:
    """None, "general", "major" or a number of days (1–365); a UsageError otherwise."""
    if value is None:
        return None
    v = value.strip()
    if v in ("general", "major"):
        return v
    if v.isascii() and v.isdigit() and 1 <= int(v) <= MAX_RECTIFY_DAYS:
        return int(v)
    raise UsageError(_("--rectify is general, major or a number of days from 1 to {max}; '{value}' is not.")
                     .format(max=MAX_RECTIFY_DAYS, value=value))


def add_finding(s: Session, inspection_id: int, unit_code: str, severity: str, text: str, *,
                rectify: str | int | None = None, deduct: bool = False, person: str = "",
                outside_group: bool = False, attachments: Sequence[Path | str] = ()) -> FindingAdded:
    """Record a finding of an inspection (see the module contract)."""
    from core.evidence import check_files
    from core.office import attachment_cap_bytes
    from core.scoring.store import insert_entry
    from core.supervision.people import ensure_person

    s.require_write()
    s.require_hub()
    if severity not in SEVERITIES:
        raise UsageError(_("'{severity}' is not a severity; choose minor or major.").format(severity=severity))
    text = check_text(text, _("The text")).strip()
    if not text:
        raise UsageError(_("The text is empty; write what it was about."))
    person = check_line(person, _("The person's name")).strip()
    rectify = parse_rectify(rectify) if isinstance(rectify, str) else rectify
    group_id, on, group_name = inspection_row(s, inspection_id)
    unit = unit_by_code(s.db, unit_code)
    if not unit.active:
        raise Refusal(_("The unit {code} {name} is inactive; reactivate it in the directory first.")
                      .format(code=unit.code, name=unit.name))
    if not outside_group and not covers(s.db, group_id, unit.id):
        raise Refusal(_("{group} does not cover {unit} {unit_name}; add the unit to the group, or record the "
                        "finding with --outside-group.").format(group=group_name, unit=unit.code,
                                                                unit_name=unit.name))
    files = check_files(list(attachments), attachment_cap_bytes(s.db), s.path)
    out = FindingAdded(0, None)
    with s.write():
        task_id = None
        if rectify is not None:
            task_id, out.task_no, out.changes = _rectification(s, unit, on, text, rectify)
        note = ensure_person(s, unit, person)
        if note:
            out.notes.append(note)
        out.id = insert_entry(s, "finding", "finding_add", unit, on, text, person, files,
                              inspection_id=inspection_id, severity=severity, task_id=task_id,
                              deduct=int(deduct), outside_group=int(outside_group))
    return out


def _rectification(s: Session, unit: Unit, on: dt.date, text: str, rectify: str | int
                   ) -> tuple[int, str, Changes]:
    """The rectification task of a finding (inside the finding's write); its id, number and changes."""
    from core.work.tasks import NewTask, add_tasks, task_assignments

    first = text.splitlines()[0].strip()
    title = _("Rectification: {text}").format(text=first if len(first) <= 60 else first[:59] + "…")
    category = "major" if rectify == "major" else "general"
    days = rectify if isinstance(rectify, int) else None
    numbers, changes = add_tasks(s, [NewTask(title, category, on, unit.code, source="inspection", content=text,
                                             due_days=days)])
    lead = task_assignments(s.db, numbers[0])[0]
    return lead.task_id, numbers[0], changes
