"""督办通知单: one task's supervision notice, in the official layout (issue 5, document 2).

Contract: `render_notice(db, out, ref, *, as_of=None) -> int` prints the task `ref`
(a task number, or TASKNO/UNIT naming one of its assignments) to `out` and returns
the page count. The number is the office's prefix, the task's year and its yearly
number (卫督〔2026〕12号); then the item, content, leader, lead and co units, the
three dues in force of the lead assignment, the contact person and phone, the
issuing office and the date (`as_of`, default today). An unknown task, or a
cancelled one, is refused with a sentence and no file is written. Reads only; any
thread that owns `db`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from core import clock
from core.errors import Refusal
from core.format import long_date
from core.i18n import N_, _, language
from core.reports import layout
from core.reports.fonts import register_fonts
from core.reports.settings import print_settings
from core.reports.text import keeping, para
from core.work import task_view

CATEGORY_NAMES = {"general": N_("general (7 days)"), "major": N_("major (1 month)")}


def list_separator() -> str:
    """'、' between names in Chinese, ', ' otherwise."""
    return "、" if language().startswith("zh") else ", "


def _date(value: object) -> str:
    if value is None or value == "":
        return ""
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    return long_date(d)


def render_notice(db: sqlite_utils.Database, out: Path | str, ref: str, *, as_of: dt.date | None = None) -> int:
    """Write the notice of task `ref` (see the module docstring)."""
    as_of = as_of or clock.today()
    task_no = ref.strip().partition("/")[0]
    detail = task_view.task_detail(db, task_no, as_of=as_of)
    assignments = detail["assignments"]
    lead = next(a for a in assignments if a["role"] == "lead")
    if lead["state"] == "cancelled":
        raise Refusal(_("Task {task_no} is cancelled; a supervision notice is printed only for a task in force.")
                      .format(task_no=task_no))
    co = [a["unit_name"] for a in assignments if a["role"] == "co" and a["state"] != "cancelled"]
    year, seq = db.execute("SELECT year, seq FROM task WHERE task_no = ?", [task_no]).fetchone()
    ps = print_settings(db)
    fonts = register_fonts(db)
    st = layout.styles(fonts)
    number = layout.doc_number(ps.prefix, year, seq)
    sep = list_separator()
    addressees = sep.join([lead["unit_name"], *co])
    category = CATEGORY_NAMES[detail["category"]]
    rows = [
        (_("Item number"), detail["task_no"], _("Category"), _(category)),
        (_("Item"), detail["title"]),
        (_("Content"), detail["content"] or "—"),
        (_("Leader in charge"), detail["leader"] or "—", _("Assigned on"), _date(detail["assigned_on"])),
        (_("Lead unit"), lead["unit_name"], _("Co units"), sep.join(co) or "—"),
        (_("Claim due"), _date(lead["claim_due"]), _("First report due"), _date(lead["report_due"])),
        (_("Completion due"), _date(lead["due"])),
        (_("Contact person"), ps.contact or "—", _("Contact phone"), ps.phone or "—"),
    ]
    with keeping([detail["leader"], ps.contact]):   # personal names never break inside a line
        story = [
            para(_("{units}:").format(units=addressees), st.plain),
            para(_("The following item is assigned to your unit. Under the 13710 work system, deploy it on the day "
                   "you receive this notice, report by the first-report due and complete it by the completion due."),
                 st.body),
            layout.form_table(rows, st, size=12),
            *layout.signature(st, ps.office, as_of),
        ]
    return layout.official_document(out, story=story, fonts=fonts, agency=ps.office, doc_number=number,
                                    title=_("Supervision notice"),
                                    doc_title_meta=_("Supervision notice {number}").format(number=number))
