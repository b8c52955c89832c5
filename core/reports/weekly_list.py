"""周交办清单: a weekly meeting's list of items (issue 5, document 1).

Contract: `weekly_items(db, meeting_id)` returns the meeting and its items in
task-number order (the order they were entered); `render_weekly_list(db, out,
meeting_id)` prints them as a landscape A4 list and returns the page count. The
dues printed are those set at assignment (the base dues of the lead
assignment): the list records what the meeting assigned, whatever extension
came later. An unknown meeting is refused before any file is made. Read only;
runs on the caller's thread.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from core.errors import Refusal
from core.format import count, serial
from core.i18n import N_, _, ngettext
from core.reports.tables import Column, TableDoc, date_text, render_table
from core.work.tasks import Meeting

CATEGORY_NAMES = {"general": N_("general"), "major": N_("major")}


@dataclass(frozen=True)
class WeeklyItem:
    task_no: str
    title: str
    category: str
    leader: str
    lead_unit: str
    co_units: tuple[str, ...]
    report_due: dt.date
    due: dt.date


def find_meeting(db: sqlite_utils.Database, meeting_id: int) -> Meeting:
    row = db.execute("SELECT id, kind, date, title FROM meeting WHERE id = ?", [meeting_id]).fetchone()
    if row is None:
        raise Refusal(_("There is no meeting {id}; the weekly page and 'meeting add' show the ids.")
                      .format(id=meeting_id))
    return Meeting(row[0], row[1], dt.date.fromisoformat(row[2]), row[3])


def weekly_items(db: sqlite_utils.Database, meeting_id: int) -> tuple[Meeting, list[WeeklyItem]]:
    """The meeting and its items, in task-number order (see the module contract)."""
    meeting = find_meeting(db, meeting_id)
    co: dict[int, list[str]] = {}
    for task_id, name in db.execute(
            "SELECT a.task_id, u.name FROM assignment a JOIN task t ON t.id = a.task_id "
            "JOIN unit u ON u.id = a.unit_id WHERE t.meeting_id = ? AND a.role = 'co' ORDER BY a.id",
            [meeting_id]):
        co.setdefault(task_id, []).append(name)
    items = [
        WeeklyItem(r[1], r[2], r[3], r[4], r[5], tuple(co.get(r[0], ())), dt.date.fromisoformat(r[6]),
                   dt.date.fromisoformat(r[7]))
        for r in db.execute(
            "SELECT t.id, t.task_no, t.title, t.category, COALESCE(l.name, ''), u.name, s.report_due, s.base_due "
            "FROM task t JOIN assignment a ON a.task_id = t.id AND a.role = 'lead' "
            "JOIN unit u ON u.id = a.unit_id JOIN assignment_status s ON s.assignment_id = a.id "
            "LEFT JOIN leader l ON l.id = t.leader_id WHERE t.meeting_id = ? ORDER BY t.year, t.seq",
            [meeting_id])]
    return meeting, items


def weekly_document(db: sqlite_utils.Database, meeting_id: int) -> TableDoc:
    meeting, items = weekly_items(db, meeting_id)
    # the date columns fit 2026年12月14日 (a date never wraps); dates of the meeting's year print 12月14日
    columns = [Column(_("No."), 10, wrap=False, align="CENTER"), Column(_("Task no."), 18, wrap=False),
               Column(_("Item"), 72), Column(_("Category"), 15, label=True), Column(_("Leader"), 18, fit=True),
               Column(_("Lead unit"), 30), Column(_("Co units"), 43), Column(_("Report due"), 26, wrap=False),
               Column(_("Completion due"), 26, wrap=False)]
    sep = _(", ")
    rows = [[serial(n), x.task_no, x.title, _(CATEGORY_NAMES[x.category]), x.leader, x.lead_unit,
             sep.join(x.co_units), date_text(x.report_due, meeting.date.year), date_text(x.due, meeting.date.year)]
            for n, x in enumerate(items, 1)]
    title = _("Weekly assignment list")
    subtitle = _("{meeting} ({date})").format(meeting=meeting.title, date=date_text(meeting.date))
    footer = ngettext("{n} item in total.", "{n} items in total.", len(items)).format(n=count(len(items)))
    return TableDoc(title, subtitle, columns, rows, footer, pdf_title=f"{title} {meeting.title}")


def render_weekly_list(db: sqlite_utils.Database, out: Path | str, meeting_id: int, *,
                       as_of: dt.date | None = None, fonts: Any | None = None) -> int:
    """Print the weekly meeting `meeting_id`'s list to `out`; returns the page count.

    `as_of` is accepted for the shared document signature; the list does not depend on it.
    """
    doc = weekly_document(db, meeting_id)
    if fonts is None:
        from core.reports.fonts import register_fonts

        fonts = register_fonts(db)
    return render_table(out, doc, fonts)
