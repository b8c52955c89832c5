"""催办通知书: the urge notice for an overdue step of one assignment (issue 5, document 3).

Contract: `render_urge(db, out, ref, *, as_of=None) -> int` prints, for the
assignment `ref` (TASKNO/UNITCODE), the notice addressed to its unit: each step
that is overdue as of `as_of` (default today) — claim, first report, completion —
with its due and the day it has been late since, the follow-up date when the
latest urge recorded up to `as_of` set one and it has not passed, the contact person and
phone, the issuing office and the date (with room for the seal); below a cut line, the
counterfoil (存根) the office keeps, with the same facts. 信函格式 like the notice; the
number comes from the register (kind 'urge', subject the REF and the day of the notice:
printing the same REF again on the same day is a reprint and shows the same number; on
another day the facts differ and it is a new notice). No 版记: the notice goes to one
unit and ends with the counterfoil. Returns the page count. An unknown REF, an
assignment with nothing overdue (closed, cancelled, or all dues still ahead) and a
missing contact person or phone are refused with a sentence and no file is written.
Writes only the number register; any thread that owns `db`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from core import clock
from core.errors import Refusal
from core.format import list_separator, long_date
from core.i18n import N_, _, language, ngettext
from core.reports import layout
from core.reports.doc_numbers import number_for
from core.reports.fonts import register_fonts
from core.reports.settings import missing_contact, print_settings
from core.reports.text import keeping, para
from core.work import task_view, tasks

STEP_NAMES = {"claim": N_("the claim (same-day deployment)"), "report": N_("the first progress report"),
              "completion": N_("the completion report")}


@dataclass(frozen=True)
class OverdueStep:
    """A pending step whose due is before the day of the notice."""

    step: str           # claim | report | completion
    due: dt.date
    late_since: dt.date  # the day after the due
    days: int           # days late as of the notice


def overdue_steps(assignment: dict[str, object], as_of: dt.date) -> list[OverdueStep]:
    """The overdue steps of one assignment of `task_view.task_detail` as of `as_of`."""
    if assignment["state"] in ("closed", "cancelled"):
        return []
    steps = [("claim", assignment["claimed_on"], assignment["claim_due"]),
             ("report", assignment["first_report_on"], assignment["report_due"]),
             ("completion", assignment["submitted_on"], assignment["due"])]
    out = []
    for name, done, due in steps:
        due = due if isinstance(due, dt.date) else dt.date.fromisoformat(str(due))
        pending = done is None or str(done) > as_of.isoformat()
        if pending and due < as_of:
            out.append(OverdueStep(name, due, due + dt.timedelta(days=1), (as_of - due).days))
    return out


def latest_follow_up(db: sqlite_utils.Database, assignment_id: int, as_of: dt.date) -> dt.date | None:
    """The follow-up date set by the latest urge recorded up to `as_of`, if it set one."""
    row = db.execute("SELECT date_value FROM event WHERE assignment_id = ? AND kind = 'urge' "
                     "AND effective_date <= ? ORDER BY effective_date DESC, id DESC LIMIT 1",
                     [assignment_id, as_of.isoformat()]).fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def _step_sentence(o: OverdueStep) -> str:
    text = ngettext("{step} was due on {due}; it has been overdue since {since} ({days} day).",
                    "{step} was due on {due}; it has been overdue since {since} ({days} days).",
                    o.days).format(step=_(STEP_NAMES[o.step]), due=long_date(o.due),
                                   since=long_date(o.late_since), days=o.days)
    return text[:1].upper() + text[1:]


def render_urge(db: sqlite_utils.Database, out: Path | str, ref: str, *, as_of: dt.date | None = None) -> int:
    """Write the urge notice of assignment `ref` (see the module docstring)."""
    as_of = as_of or clock.today()
    a_ref = tasks.find_assignment(db, ref)
    detail = task_view.task_detail(db, a_ref.ref, as_of=as_of)
    a = detail["assignments"][0]
    late = overdue_steps(a, as_of)
    if not late:
        raise Refusal(_("Nothing of {ref} is overdue on {date}; an urge notice is printed only for an overdue step.")
                      .format(ref=a_ref.ref, date=as_of.isoformat()))
    follow_up = latest_follow_up(db, a_ref.id, as_of)
    if follow_up is not None and follow_up < as_of:
        follow_up = None  # a follow-up date that has passed is no deadline to print: record a new urge
    ps = print_settings(db)
    if missing_contact(ps):
        raise Refusal(missing_contact(ps) or "")
    fonts = register_fonts(db)
    st = layout.styles(fonts)
    role = _("lead unit") if a["role"] == "lead" else _("co unit")
    intro = _("Your unit is the {role} of the item \u201c{title}\u201d (number {ref}), assigned on {assigned}. "
              "As of {today}:").format(role=role, title=detail["title"], ref=a_ref.ref,
                                       assigned=long_date(a_ref.assigned_on), today=long_date(as_of))
    if follow_up:
        ask = _("Please complete the overdue work and report to this office by {date}.").format(
            date=long_date(follow_up))
    else:
        ask = _("Please complete the overdue work without delay and report to this office.")
    parts = [intro, *(_step_sentence(o) for o in late), ask]
    parts.append(_("Contact: {person}, phone {phone}.").format(person=ps.contact, phone=ps.phone))
    with keeping([ps.contact]):   # personal names never break inside a line
        story: list[Flowable] = [para(_("{unit}:").format(unit=a["unit_name"]), st.plain),
                                 para(" ".join(parts) if not language().startswith("zh") else "".join(parts), st.body)]
        story += layout.signature(st, ps.office, as_of)
        story.append(KeepTogether(_counterfoil(st, a_ref.ref, detail["title"], a["unit_name"], late, follow_up,
                                               ps.office, as_of)))
    number = number_for(db, "urge", f"{a_ref.ref} {as_of.isoformat()}", prefix=ps.prefix, on=as_of)
    return layout.official_document(out, story=story, fonts=fonts, agency=ps.office, doc_number=number,
                                    title=_("Urge notice"), form="letter",
                                    doc_title_meta=_("Urge notice {ref}").format(ref=a_ref.ref))


def _counterfoil(st: layout.Styles, ref: str, title: str, unit: str, late: list[OverdueStep],
                 follow_up: dt.date | None, office: str, on: dt.date) -> list[Flowable]:
    """The part the office keeps: a compact four-column form under a cut line."""
    sep = list_separator()
    size = 10.5
    label = ParagraphStyle("cf_label", parent=st.plain, fontName=st.fonts.heiti, fontSize=size, leading=size * 1.4,
                           alignment=TA_CENTER)
    value = ParagraphStyle("cf_value", parent=st.plain, fontSize=size, leading=size * 1.4)
    label.fallbackFont = value.fallbackFont = st.fonts.fallback
    overdue = sep.join(_("{step}, since {since}").format(step=_(STEP_NAMES[o.step]),
                                                        since=long_date(o.late_since)) for o in late)

    def L(text: str) -> Flowable:  # noqa: N802
        return para(text, label)

    def V(text: str) -> Flowable:  # noqa: N802
        return para(text, value)

    data = [
        [L(_("Item number")), V(ref), L(_("Unit")), V(unit)],
        [L(_("Item")), V(title), "", ""],
        [L(_("Overdue")), V(overdue), "", ""],
        [L(_("Follow-up date")), V(long_date(follow_up) if follow_up else "—"),
         L(_("Issued by")), V(_("{office}, {date}").format(office=office, date=long_date(on)))],
        [L(_("Received by")), V(""), "", ""],
    ]
    w = layout.BLOCK_W
    lw = layout.fit_label_width([_("Item number"), _("Unit"), _("Item"), _("Overdue"), _("Follow-up date"),
                             _("Issued by"), _("Received by")], st.fonts.heiti, size, cap=0.2 * w)
    table = Table(data, colWidths=[lw, w / 2 - lw, lw, w / 2 - lw],
                  rowHeights=[None, None, None, None, 6 * layout.mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.songti),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("SPAN", (1, 1), (3, 1)), ("SPAN", (1, 2), (3, 2)), ("SPAN", (1, 4), (3, 4)),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    style = ParagraphStyle("counterfoil", parent=st.heading1, fontSize=14, leading=18, firstLineIndent=0,
                           alignment=TA_CENTER)
    style.fallbackFont = st.fonts.fallback
    return [CutLine(_("Cut along this line"), st.fonts.songti),
            para(_("Urge notice (counterfoil)"), style), Spacer(1, 2), table]


class CutLine(Flowable):
    """A dashed line across the text block with a label in the middle (the counterfoil's cut line)."""

    def __init__(self, label: str, font: str, size: float = 10) -> None:
        super().__init__()
        self.label, self.font, self.size = label, font, size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.size * 1.6

    def draw(self) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        c = self.canv
        y = self.size * 0.8
        text_w = stringWidth(self.label, self.font, self.size) + 2 * self.size
        mid = self.width / 2
        c.saveState()
        c.setDash(4, 3)
        c.setLineWidth(0.6)
        c.line(0, y, mid - text_w / 2, y)
        c.line(mid + text_w / 2, y, self.width, y)
        c.setFont(self.font, self.size)
        c.drawCentredString(mid, y - self.size * 0.35, self.label)
        c.restoreState()
