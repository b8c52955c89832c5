"""督办通知单: one task's supervision notice, in the official layout (issue 5, document 2).

Contract: `render_notice(db, out, ref, *, as_of=None) -> int` prints the task `ref`
(a task number, or TASKNO/UNIT naming one of its assignments) to `out` and returns
the page count. 信函格式 (GB/T 9704 §10.1): the red 标志, the document number from
the register (core.reports.doc_numbers, kind 'notice', subject the task number: a
reprint shows the same number), the item, content, leader, lead and co units, the
three dues in force of the lead assignment, the contact person and phone (from the
settings), the issuing office and the date (`as_of`, default today) with room for the
seal, and the 抄送 at the bottom of the last page when the settings list one. An
unknown task, a cancelled one, and a missing contact person or phone are refused
with a sentence before anything is written. Writes only the number register; any
thread that owns `db`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from core import clock
from core.errors import Refusal
from core.format import list_separator, long_date
from core.i18n import N_, _
from core.reports import layout
from core.reports.doc_numbers import number_for
from core.reports.fonts import register_fonts
from core.reports.gbt9704 import Closing
from core.reports.settings import missing_contact, print_settings
from core.reports.text import keeping, para
from core.work import task_view

CATEGORY_NAMES = {"general": N_("general (7 days)"), "major": N_("major (1 month)")}


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
    ps = print_settings(db)
    if missing_contact(ps):
        raise Refusal(missing_contact(ps) or "")
    fonts = register_fonts(db)
    st = layout.styles(fonts)
    number = number_for(db, "notice", detail["task_no"], prefix=ps.prefix, on=as_of)
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
        (_("Contact person"), ps.contact, _("Contact phone"), ps.phone),
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
                                    title=_("Supervision notice"), form="letter",
                                    closing=Closing(ps.copy_to, ps.office, as_of),
                                    doc_title_meta=_("Supervision notice {number}").format(number=number))
