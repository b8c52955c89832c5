"""Weekly assignment (周交办): checking a meeting's items as they are typed, and saving them at once.

Contract:
- `check_rows(db, rows, today)` (read only, fast: a few indexed look-ups per
  row, safe on the GUI thread's reader for the ~30 rows of a meeting) gives, for
  each `NewTask`, the problems that would make `core.work.tasks.add_tasks` refuse it —
  the same checks (`core.work.tasks.task_problems`), worded for the clerk at the grid
  and tagged with the grid field they concern — the dues add_tasks would store
  (`core.work.status.dues_for` under the current rule-set version and the holiday
  calendar; computed whenever the date and category are valid, so they show
  while the rest of the row is still being typed) and warnings that do not
  block a save (a year without holiday arrangement, a deactivated leader, a
  title given twice in the batch). A row is saved only when it has no problem.
- `coming_sunday(today)`: the default meeting date.
- `save_weekly(s, date, title, rows, add_to=None, new_meeting=False)`: the meeting
  and all its items in ONE transaction (`add_meeting` + `add_tasks`); any refusal
  leaves nothing written. A day that has a weekly meeting gets no second one
  unless asked (`new_meeting`); `add_to` adds the items to that day's meeting.
- `weekly_meeting_on(db, date)`: that day's weekly meeting (the last saved), or None.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import sqlite_utils

from core.errors import Refusal, UsageError
from core.i18n import _
from core.office import Changes, Session
from core.rules.calendar import HolidayCalendar
from core.rules.deadlines import Dues
from core.work import status
from core.work.ledger import holiday_warnings
from core.work.tasks import (
    CATEGORIES,
    Meeting,
    NewTask,
    TaskProblem,
    add_meeting,
    add_tasks,
    task_problems,
    weekly_meeting_on,
)

# the grid fields a problem can concern
FIELDS = ("title", "category", "lead", "co", "leader", "date")
_FIELD_OF = {"assigned_on": "date", "source": "category", "meeting_id": "date"}


@dataclass(frozen=True)
class Problem:
    """Why a row cannot be saved: the grid field concerned, the kind (as TaskProblem) and the sentence."""

    field: str
    kind: str
    sentence: str


@dataclass(frozen=True)
class RowCheck:
    problems: tuple[Problem, ...]
    dues: Dues | None
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def problems_of(self, field: str) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.field == field)


@dataclass(frozen=True)
class SavedMeeting:
    meeting: Meeting
    task_numbers: tuple[str, ...]


def coming_sunday(today: dt.date) -> dt.date:
    """Today if it is a Sunday, else the next Sunday."""
    return today + dt.timedelta(days=(6 - today.weekday()) % 7)


def _sentence(p: TaskProblem, names: dict[str, str]) -> str:
    """The clerk's sentence for a problem at the grid (names: unit code → name)."""
    unit = names.get(p.subject.lower(), p.subject)
    if p.kind == "empty_title":
        return _("Give the item a title.")
    if p.kind == "unknown_unit" and not p.subject.strip():
        return _("Choose the lead unit: type part of its name or its pinyin initials.")
    if p.kind == "unknown_unit" and p.field == "lead":
        return _("There is no unit “{text}”; type part of its name or its pinyin initials and pick "
                 "the lead unit from the list.").format(text=p.subject)
    if p.kind == "unknown_unit":
        return _("There is no unit “{text}”; type part of its name or its pinyin initials and pick "
                 "the co unit from the list.").format(text=p.subject)
    if p.kind == "lead_also_co":
        return _("{unit} is the lead unit and cannot also be a co unit.").format(unit=unit)
    if p.kind == "co_twice":
        return _("{unit} is named twice among the co units; name each unit once.").format(unit=unit)
    if p.kind == "inactive_unit":
        return _("The unit {unit} is deactivated; choose an active unit.").format(unit=unit)
    if p.kind == "unknown_leader":
        return _("There is no leader “{name}”; pick one from the list or leave the leader empty.").format(
            name=p.subject)
    if p.kind == "future_date":
        return _("The meeting date {date} is more than a week ahead; enter the items of the coming meeting "
                 "at the most.").format(date=p.subject)
    if p.kind == "bad_category":
        return _("Choose the category: general or major.")
    return p.error.message


def check_rows(db: sqlite_utils.Database, rows: Sequence[NewTask], today: dt.date,
               calendar: HolidayCalendar | None = None) -> list[RowCheck]:
    """For each row: its problems, its dues and its warnings (see the module contract)."""
    cal = calendar or status.holiday_calendar(db)
    version, _rules = status.current_rules(db)
    names = {code.lower(): name for code, name in db.execute("SELECT code, name FROM unit")}
    inactive_leaders = {r[0] for r in db.execute("SELECT name FROM leader WHERE active = 0")}
    first_row_of: dict[str, int] = {}
    out: list[RowCheck] = []
    for i, row in enumerate(rows):
        problems = tuple(Problem(_FIELD_OF.get(p.field, p.field), p.kind, _sentence(p, names))
                         for p in task_problems(db, row, today))
        dues = (status.dues_for(db, row.assigned_on, row.category, version, cal)
                if row.category in CATEGORIES else None)
        warnings: list[str] = []
        if dues is not None:
            warnings += holiday_warnings(",".join(str(y) for y in sorted(dues.missing_years)))
        if row.leader and row.leader.strip() in inactive_leaders:
            warnings.append(_("The leader {name} is deactivated.").format(name=row.leader.strip()))
        title = row.title.strip()
        if title and title in first_row_of:
            warnings.append(_("The same title as row {row}.").format(row=first_row_of[title] + 1))
        elif title:
            first_row_of[title] = i
        out.append(RowCheck(problems, dues, tuple(warnings)))
    return out


def save_weekly(s: Session, date: dt.date, title: str, rows: Sequence[NewTask], *,
                add_to: int | None = None, new_meeting: bool = False) -> tuple[SavedMeeting, Changes]:
    """Create the weekly meeting of `date` and its items in one transaction; returns the task numbers.

    Each item is assigned on the meeting date, with the meeting as its source.
    When the day already has a weekly meeting it is refused (`add_meeting`) unless
    `add_to` names a weekly meeting of that day (the items join it; `title` is then
    ignored) or `new_meeting` asks for a second meeting that day.
    Any refusal (see `add_tasks`) leaves nothing written, the meeting included.
    Runs on the caller's thread (the GUI calls it through `ctx.write`).
    """
    if not rows:
        raise UsageError(_("There are no items to save; type at least one item."))
    s.require_hub()
    with s.write():
        meeting = (existing_weekly(s, add_to, date) if add_to is not None
                   else add_meeting(s, "weekly", date, title, second=new_meeting))
        numbers, changes = add_tasks(s, [replace(r, assigned_on=date, meeting_id=meeting.id, source="meeting")
                                         for r in rows])
    return SavedMeeting(meeting, tuple(numbers)), changes


def existing_weekly(s: Session, meeting_id: int, date: dt.date) -> Meeting:
    """The weekly meeting `meeting_id` of `date`, or a Refusal naming what is wrong."""
    row = s.db.execute("SELECT id, kind, date, title FROM meeting WHERE id = ?", [meeting_id]).fetchone()
    if row is None or row[1] != "weekly" or row[2] != date.isoformat():
        raise Refusal(_("Meeting {id} is not a weekly meeting of {date}; name the meeting of that day "
                        "(see the meeting list) or save a new one.").format(id=meeting_id, date=date.isoformat()))
    return Meeting(int(row[0]), str(row[1]), dt.date.fromisoformat(row[2]), str(row[3]))


__all__ = ["FIELDS", "Problem", "RowCheck", "SavedMeeting", "coming_sunday", "check_rows", "existing_weekly",
           "save_weekly", "weekly_meeting_on"]
