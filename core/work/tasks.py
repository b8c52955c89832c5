"""Meetings, tasks and their assignments; finding an assignment by its REF.

A task has a yearly number (`2026-12`: the 12th task assigned in 2026), exactly
one lead assignment and any number of co assignments. REF names an assignment as
`TASKNO/UNITCODE`, e.g. `2026-12/TGZ`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from core import clock
from core.dates import check_date_window
from core.directory import Unit, leader_by_name, unit_by_code
from core.errors import ClerkError, Refusal, UsageError
from core.i18n import _
from core.office import Changes, Session
from core.rules.calendar import HolidayCalendar
from core.text_checks import check_line, check_text
from core.work import status

MEETING_KINDS = ("weekly", "review", "assessment")
CATEGORIES = ("general", "major")
MAX_DUE_DAYS = 365  # a task's own completion period (`NewTask.due_days`), in days: 1 … 365
SOURCES = ("meeting", "instruction", "inspection", "other")


@dataclass(frozen=True)
class Meeting:
    id: int
    kind: str
    date: dt.date
    title: str


@dataclass(frozen=True)
class AssignmentRef:
    id: int
    ref: str
    task_id: int
    task_no: str
    unit_code: str
    unit_id: int
    role: str
    assigned_on: dt.date


PLAN_AHEAD_DAYS = 7  # a task may be entered up to the coming week's meeting


def _date_problem(d: dt.date, today: dt.date) -> ClerkError | None:
    """A task's assignment date may be today, earlier (from 2000 on), or up to a week ahead (the coming meeting)."""
    try:
        check_date_window(d, today=today)
    except UsageError as err:
        return err
    if d > today + dt.timedelta(days=PLAN_AHEAD_DAYS):
        return Refusal(_("The assignment date {date} is more than {n} days ahead; enter tasks for the coming "
                         "week's meeting at the most.").format(date=d.isoformat(), n=PLAN_AHEAD_DAYS))
    return None


def weekly_meeting_on(db: sqlite_utils.Database, date: dt.date) -> Meeting | None:
    """The weekly meeting of `date` saved last, or None; read-only, any thread owning `db`."""
    row = db.execute("SELECT id, kind, date, title FROM meeting WHERE kind = 'weekly' AND date = ? "
                     "ORDER BY id DESC LIMIT 1", [date.isoformat()]).fetchone()
    return Meeting(int(row[0]), str(row[1]), dt.date.fromisoformat(row[2]), str(row[3])) if row else None


def add_meeting(s: Session, kind: str, date: dt.date, title: str = "", *, second: bool = False) -> Meeting:
    """Record a meeting; an empty title gets `default_meeting_title` (the office's "2026年第46次周例会").

    A second weekly meeting on a day that has one is refused (a clerk meant to add to
    the first) unless `second` is True. Refusals leave nothing written.
    """
    if kind not in MEETING_KINDS:
        raise UsageError(_("'{kind}' is not a meeting kind; choose weekly, review or assessment.").format(kind=kind))
    check_date_window(date, today=s.today)
    s.require_hub()
    title = check_line(title, _("The meeting title"))
    with s.write():
        existing = weekly_meeting_on(s.db, date) if kind == "weekly" else None
        if existing is not None and not second:
            raise Refusal(_("The weekly meeting {title} (meeting {id}) is already recorded on {date}; add the "
                            "items to it, or ask for a second meeting that day (--new-meeting).").format(
                title=existing.title, id=existing.id, date=date.isoformat()))
        title = title or default_meeting_title(kind, date, s.db)
        row = s.synced_row(kind=kind, date=date.isoformat(), title=title, created_at=clock.now_utc())
        mid = int(s.db["meeting"].insert(row).last_pk)
        s.audit("meeting_add", ref=str(mid), row_uuid=str(row["uuid"]), effective_date=date, kind=kind, title=title)
    return Meeting(mid, kind, date, title)


@dataclass
class NewTask:
    """What a clerk types for one task (one row of the weekly grid).

    `due_days`: the task's own completion period in days (1 … MAX_DUE_DAYS, a general task only;
    a rectification task of `finding add … --rectify DAYS`), None for the rule set's (docs/design.md §3).
    """

    title: str
    category: str
    assigned_on: dt.date
    lead: str
    co: tuple[str, ...] = ()
    leader: str | None = None
    meeting_id: int | None = None
    source: str = "meeting"
    content: str = ""
    due_days: int | None = None


def _next_seq(db: sqlite_utils.Database, year: int) -> int:
    """After every task of `year` and the numbers a restore reserved (core.backup.numbers)."""
    from core.backup.numbers import next_seq

    return next_seq(db, year)


def add_tasks(s: Session, items: list[NewTask], calendar: HolidayCalendar | None = None) -> tuple[list[str], Changes]:
    """Create the tasks and their assignments in one transaction; returns their numbers.

    Any refusal (unknown unit, lead also co, empty title…) leaves nothing written.
    """
    s.require_hub()
    changes = Changes()
    numbers: list[str] = []
    cal = calendar or status.holiday_calendar(s.db)
    with s.write():
        version, _rules = status.current_rules(s.db)
        for item in items:
            problems = task_problems(s.db, item, s.today)
            if problems:
                raise problems[0].error
            title = item.title.strip()
            lead = unit_by_code(s.db, item.lead)
            co_units = [unit_by_code(s.db, c) for c in item.co if c.strip()]
            leader_id = leader_by_name(s.db, item.leader).id if item.leader else None
            year = item.assigned_on.year
            seq = _next_seq(s.db, year)
            task_no = f"{year}-{seq}"
            now = clock.now_utc()
            task_row = s.synced_row(task_no=task_no, year=year, seq=seq, title=title, content=item.content.strip(),
                                    category=item.category, source=item.source,
                                    assigned_on=item.assigned_on.isoformat(), meeting_id=item.meeting_id,
                                    leader_id=leader_id, rules_version=version, created_at=now,
                                    due_days=item.due_days)
            task_id = int(s.db["task"].insert(task_row).last_pk)
            ids = []
            for unit, role in [(lead, "lead"), *[(u, "co") for u in co_units]]:
                row = s.synced_row(task_id=task_id, unit_id=unit.id, role=role, created_at=now)
                ids.append(int(s.db["assignment"].insert(row).last_pk))
            status.refresh(s.db, ids, cal)
            s.audit("task_add", ref=task_no, row_uuid=str(task_row["uuid"]), effective_date=item.assigned_on,
                    title=title, category=item.category, lead=lead.code, co=[u.code for u in co_units],
                    leader=item.leader, source=item.source,
                    **({"due_days": item.due_days} if item.due_days is not None else {}))
            numbers.append(task_no)
            changes.tasks.add(task_id)
            changes.assignments.update(ids)
    return numbers, changes


@dataclass(frozen=True)
class TaskProblem:
    """One reason `add_tasks` would refuse an item.

    `kind`: empty_title | bad_text | bad_category | bad_due_days | bad_source | future_date | bad_date (outside
    core.dates' window) | unknown_unit |
    lead_also_co | co_twice | inactive_unit | unknown_leader | unknown_meeting;
    `field`: the NewTask field concerned (title, category, due_days, source, assigned_on,
    lead, co, leader, meeting_id); `subject`: the code or name concerned;
    `error`: the refusal add_tasks raises for it.
    """

    kind: str
    field: str
    subject: str
    error: ClerkError


def task_problems(db: sqlite_utils.Database, item: NewTask, today: dt.date) -> list[TaskProblem]:
    """Every reason `add_tasks` refuses `item` (it raises the first), in order (read only).

    The first problem is the one add_tasks raises (same class, same sentence); an
    empty list means add_tasks accepts the item. Checks that need an earlier one
    to pass (lead also co needs known units) are skipped when it fails, as add_tasks
    never reaches them. Keep this in step with add_tasks (tests/core/work/test_weekly_rows.py
    compares them).
    """
    out: list[TaskProblem] = []

    def add(kind: str, fld: str, subject: str, error: ClerkError) -> None:
        out.append(TaskProblem(kind, fld, subject, error))

    if not item.title.strip():
        add("empty_title", "title", "", UsageError(_("The task title is empty; give each task a title.")))
    for fld, check, what in (("title", check_line, _("The task title")), ("content", check_text, _("The task content"))):
        try:
            check(getattr(item, fld), what)
        except UsageError as err:
            add("bad_text", fld, "", err)
    if item.category not in CATEGORIES:
        add("bad_category", "category", item.category,
            UsageError(_("'{category}' is not a category; choose general or major.").format(category=item.category)))
    elif item.due_days is not None and (item.category != "general" or not 1 <= item.due_days <= MAX_DUE_DAYS):
        add("bad_due_days", "due_days", str(item.due_days),
            UsageError(_("Only a general task has a completion period of its own, from 1 to {max} days; "
                         "{days} days cannot be given here.").format(max=MAX_DUE_DAYS, days=item.due_days)))
    if item.source not in SOURCES:
        add("bad_source", "source", item.source,
            UsageError(_("'{source}' is not a source; choose meeting, instruction, inspection or other.")
                       .format(source=item.source)))
    date_problem = _date_problem(item.assigned_on, today)
    if date_problem is not None:
        add("future_date" if isinstance(date_problem, Refusal) else "bad_date", "assigned_on",
            item.assigned_on.isoformat(), date_problem)
    units: list[tuple[str, Unit]] = []
    for fld, code in [("lead", item.lead), *[("co", c) for c in item.co if c.strip()]]:
        try:
            units.append((fld, unit_by_code(db, code)))
        except ClerkError as err:
            add("unknown_unit", fld, code, err)
    if len(units) == 1 + len([c for c in item.co if c.strip()]):
        lead, co_units = units[0][1], [u for _f, u in units[1:]]
        if any(u.id == lead.id for u in co_units):
            add("lead_also_co", "co", lead.code,
                Refusal(_("{unit} is the lead unit and cannot also be a co unit.").format(unit=lead.name)))
        seen: set[int] = set()
        for u in co_units:
            if u.id in seen:
                add("co_twice", "co", u.code, Refusal(_("A co unit is named twice; name each unit once.")))
                break
            seen.add(u.id)
    for fld, u in units:
        if not u.active:
            add("inactive_unit", fld, u.code,
                Refusal(_("The unit {unit} is deactivated; assign the task to an active unit.").format(unit=u.name)))
    if item.leader:
        try:
            leader_by_name(db, item.leader)
        except ClerkError as err:
            add("unknown_leader", "leader", item.leader, err)
    if item.meeting_id is not None and not db.execute("SELECT 1 FROM meeting WHERE id = ?",
                                                      [item.meeting_id]).fetchone():
        add("unknown_meeting", "meeting_id", str(item.meeting_id),
            Refusal(_("There is no meeting {id}; 'meeting add' prints the id.").format(id=item.meeting_id)))
    return out


def default_meeting_title(kind: str, date: dt.date, db: sqlite_utils.Database | None = None) -> str:
    """The title add_meeting gives a meeting of `kind` on `date` when none is typed.

    A weekly meeting is named as the office does, "2026年第46次周例会": N is one more
    than the weekly meetings of that year already recorded in `db` (any date of the year).
    Without `db` (or for the other kinds) the title names the date.
    """
    if kind == "weekly" and db is not None:
        n = db.execute("SELECT count(*) FROM meeting WHERE kind = 'weekly' AND substr(date, 1, 4) = ?",
                       [f"{date.year:04d}"]).fetchone()[0]
        return _("Weekly meeting {n} of {year}").format(n=int(n) + 1, year=date.year)
    titles = {"weekly": _("Weekly meeting of {date}"), "review": _("Monthly review meeting of {date}"),
              "assessment": _("Quarterly assessment meeting of {date}")}
    return titles[kind].format(date=date.isoformat())


_REF_SQL = ("SELECT a.id, t.task_no || '/' || u.code, t.id, t.task_no, u.code, u.id, a.role, t.assigned_on "
            "FROM assignment a JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id ")


def find_assignment(db: sqlite_utils.Database, ref: str) -> AssignmentRef:
    """The assignment named `TASKNO/UNITCODE`, or a Refusal saying what was not found."""
    task_no, sep, code = ref.strip().partition("/")
    if not sep or not task_no or not code:
        raise UsageError(_("'{ref}' is not an assignment reference; write TASKNO/UNITCODE, e.g. 2026-12/TGZ.")
                         .format(ref=ref))
    row = db.execute(_REF_SQL + "WHERE t.task_no = ? AND u.code = ? COLLATE NOCASE", [task_no, code]).fetchone()
    if row is None:
        if not db.execute("SELECT 1 FROM task WHERE task_no = ?", [task_no]).fetchone():
            raise Refusal(_("There is no task {task_no}; 'task list' shows the numbers.").format(task_no=task_no))
        raise Refusal(_("Task {task_no} is not assigned to the unit {code}.").format(task_no=task_no, code=code))
    return AssignmentRef(row[0], row[1], row[2], row[3], row[4], row[5], row[6], dt.date.fromisoformat(row[7]))


def assignment_by_id(db: sqlite_utils.Database, assignment_id: int) -> AssignmentRef:
    """The assignment with this id (a form's), or a Refusal when there is none."""
    row = db.execute(_REF_SQL + "WHERE a.id = ?", [assignment_id]).fetchone()
    if row is None:
        raise Refusal(_("There is no assignment {id}; open the task again.").format(id=assignment_id))
    return AssignmentRef(row[0], row[1], row[2], row[3], row[4], row[5], row[6], dt.date.fromisoformat(row[7]))


def resolve_assignment(db: sqlite_utils.Database, ref_or_id: str | int) -> AssignmentRef:
    """An assignment named by its REF (the CLI's `TASKNO/UNITCODE`) or by its id (a GUI form's): one look-up."""
    if isinstance(ref_or_id, int):
        return assignment_by_id(db, ref_or_id)
    return find_assignment(db, ref_or_id)


def task_assignments(db: sqlite_utils.Database, task_no: str) -> list[AssignmentRef]:
    rows = db.execute(_REF_SQL + "WHERE t.task_no = ? ORDER BY a.role DESC, a.id", [task_no]).fetchall()
    if not rows:
        raise Refusal(_("There is no task {task_no}; 'task list' shows the numbers.").format(task_no=task_no))
    return [AssignmentRef(r[0], r[1], r[2], r[3], r[4], r[5], r[6], dt.date.fromisoformat(r[7])) for r in rows]


def parse_unit_list(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "").replace("，", ",").split(",") if c.strip())

