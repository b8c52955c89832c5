"""督查通报: the supervision bulletin of a period in the official-document layout (issue 16).

Contract: `render_supervision_bulletin(db, out, date_from, date_to, *, as_of=None, fonts=None)`
writes the bulletin of the days `date_from` … `date_to` (both included) and returns its page
count. 文件格式 (GB/T 9704, docs/design.md §9): the agency line, the 发文字号 from the register
(core.reports.doc_numbers, kind `supervision`, subject `FROM..TO`: a reprint of the same period
shows the same number), the title, the addressees, then
一 the period's inspections (date, group, method, units visited; a table),
二 the period's findings by unit (each with its severity, inspection and rectification task),
三 the rectification progress of those findings as of `as_of` (default today): counts of
   closed (on time or late), under way and overdue (a step past its due: the ledger's red
   light), and a table,
四 the accountability actions of the period (约谈, 通报批评, 责令整改, 组织处理; a table),
五 the praised practices: the period's recognitions (通报表扬 and the other bonus kinds);
a section with nothing in it says so in one sentence; the signature and the 版记 close it.
Everything is read with core.supervision.views (and the bonus table): nothing dated outside
the period is printed. Refused before any file is made or number taken: `date_from` after
`date_to` (UsageError), and a period with no inspection, finding, action nor recognition
(Refusal: an empty bulletin is not printed). The file is written atomically. Reads only
(but the number register); the caller's thread.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from core import clock
from core.errors import Refusal, UsageError
from core.format import count, long_date, medium_date, name_list
from core.i18n import _, ngettext
from core.reports.bulletin import centred, grid_table, heading, keep_short, signed
from core.reports.doc_numbers import number_for
from core.reports.fonts import FontSet, register_fonts
from core.reports.gbt9704 import Closing
from core.reports.layout import LEADING, Styles, official_document, styles
from core.reports.score_data import letterhead, sentences
from core.reports.text import para
from core.scoring.events import DESCRIPTIONS
from core.supervision.kinds import METHOD_WORDS, SEVERITY_WORDS
from core.supervision.people import KIND_WORDS
from core.supervision.views import (
    STATUS_WORDS,
    ActionView,
    FindingView,
    InspectionView,
    list_actions,
    list_findings,
    list_inspections,
    status,
)


@dataclass(frozen=True)
class Praise:
    on: dt.date
    unit_name: str
    kind: str
    text: str
    person: str


@dataclass(frozen=True)
class BulletinData:
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    inspections: list[InspectionView]
    findings: list[FindingView]
    actions: list[ActionView]
    praise: list[Praise]
    unit_names: dict[str, str]


def subject(date_from: dt.date, date_to: dt.date) -> str:
    """The register's subject of the period's bulletin."""
    return f"{date_from.isoformat()}..{date_to.isoformat()}"


def bulletin_data(db: sqlite_utils.Database, date_from: dt.date, date_to: dt.date, as_of: dt.date) -> BulletinData:
    """What the bulletin prints (see the module contract); a UsageError when the period is reversed."""
    if date_from > date_to:
        raise UsageError(_("--from {start} is after --to {end}; give the first day of the period, then the last.")
                         .format(start=date_from.isoformat(), end=date_to.isoformat()))
    praise = [Praise(dt.date.fromisoformat(r[0]), r[1], r[2], r[3], r[4]) for r in db.execute(
        "SELECT b.date, u.name, b.kind, b.text, b.person FROM bonus b JOIN unit u ON u.id = b.unit_id "
        "WHERE b.date >= ? AND b.date <= ? ORDER BY b.date, b.id", [date_from.isoformat(), date_to.isoformat()])]
    names = {str(c): str(n) for c, n in db.execute("SELECT code, name FROM unit")}
    inspections = list_inspections(db, date_from, date_to)
    inspections.reverse()  # oldest first in print
    return BulletinData(date_from, date_to, as_of, inspections, list_findings(db, as_of, date_from=date_from,
                                                                              date_to=date_to),
                        list_actions(db, date_from, date_to), praise, names)


def _period_text(d: BulletinData) -> str:
    return _("{start} to {end}").format(start=long_date(d.date_from), end=long_date(d.date_to))


def _inspections(d: BulletinData, st: Styles, head: Flowable) -> list[Flowable]:
    if not d.inspections:
        return [head, para(_("No inspection was carried out in the period."), st.body)]
    visited = {u for i in d.inspections for u in i.units}
    text = ngettext("{n} inspection was carried out in the period, visiting {units} units.",
                    "{n} inspections were carried out in the period, visiting {units} units.",
                    len(d.inspections)).format(n=count(len(d.inspections)), units=count(len(visited)))
    cell, header = centred(st.cell), st.cell_header
    rows = [[para(h, header) for h in (_("Date"), _("Inspection group"), _("Method"), _("Units visited"))]]
    rows += [[para(medium_date(i.on), cell), para(i.group, st.cell), para(_(METHOD_WORDS[i.method]), cell),
              para(name_list(d.unit_names.get(u, u) for u in i.units) or "—", st.cell)] for i in d.inspections]
    block = [head, para(text, st.body), Spacer(1, 2 * mm), grid_table(rows, [32 * mm, 34 * mm, 22 * mm, 68 * mm])]
    return [*keep_short(block, len(d.inspections)), Spacer(1, 3 * mm)]


def _finding_details(f: FindingView, by_id: dict[int, InspectionView]) -> str:
    parts = []
    if f.severity:
        parts.append(_("{severity} problem").format(severity=_(SEVERITY_WORDS[f.severity])))
    i = by_id.get(f.inspection_id or 0)
    if i is not None:
        parts.append(_("found by {group} on {date}").format(group=i.group, date=long_date(i.on)))
    else:
        parts.append(_("found on {date}").format(date=long_date(f.on)))
    if f.person:
        parts.append(_("person responsible: {name}").format(name=f.person))
    if f.task_no:
        parts.append(_("rectification task {task_no}").format(task_no=f.task_no))
    return _("; ").join(parts)


def _findings(d: BulletinData, st: Styles, head: Flowable) -> list[Flowable]:
    if not d.findings:
        return [head, para(_("No problem was found in the period."), st.body)]
    units: dict[str, list[FindingView]] = {}
    for f in d.findings:
        units.setdefault(f.unit, []).append(f)
    by_id = {i.id: i for i in d.inspections}
    out: list[Flowable] = [head, para(ngettext("{n} problem was found at {units} units.",
                                         "{n} problems were found at {units} units.", len(d.findings))
                                .format(n=count(len(d.findings)), units=count(len(units))), st.body)]
    for k, (_code, found) in enumerate(units.items(), 1):
        out += [CondPageBreak(3 * LEADING), heading(st, k, found[0].unit_name, level=2)]
        for n, f in enumerate(found, 1):
            out.append(para(_("{n}. {text} ({details})").format(n=n, text=f.text.replace("\n", " "),
                                                                 details=_finding_details(f, by_id)), st.body))
    return out


def _progress(d: BulletinData, st: Styles, head: Flowable) -> list[Flowable]:
    tasks = [f for f in d.findings if f.rectification is not None]
    if not tasks:
        return [head, para(_("No finding of the period called for a rectification task."), st.body)]
    keys = [status(f) for f in tasks]
    closed, on_time = keys.count("on_time") + keys.count("late"), keys.count("on_time")
    overdue, under_way = keys.count("overdue"), keys.count("under_way")
    text = [_("As of {day}, {n} findings of the period are being rectified as tasks.").format(
        day=long_date(d.as_of), n=count(len(tasks))),
        _("{closed} are closed ({on_time} on time), {under_way} are under way within their dues and {overdue} "
          "are overdue.").format(closed=count(closed), on_time=count(on_time),
                                 under_way=count(under_way), overdue=count(overdue))]
    cell, header = centred(st.cell), st.cell_header
    rows = [[para(h, header) for h in (_("Unit"), _("Task"), _("Finding"), _("Due"), _("Status"))]]
    for f in tasks:
        r = f.rectification
        assert r is not None
        rows.append([para(f.unit_name, st.cell), para(r.ref, cell), para(f.text.splitlines()[0], st.cell),
                     para(medium_date(r.due), cell), para(_(STATUS_WORDS[status(f)]), cell)])
    block = [head, para(sentences(text), st.body), Spacer(1, 2 * mm),
             grid_table(rows, [30 * mm, 26 * mm, 48 * mm, 32 * mm, 20 * mm])]
    return [*keep_short(block, len(tasks)), Spacer(1, 3 * mm)]


def _actions(d: BulletinData, st: Styles, head: Flowable) -> list[Flowable]:
    if not d.actions:
        return [head, para(_("No accountability action was taken in the period."), st.body)]
    kinds: dict[str, int] = {}
    for a in d.actions:
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
    counts = _(", ").join(_("{kind} {n}").format(kind=_(KIND_WORDS[k]), n=count(n)) for k, n in kinds.items())
    text = _("{n} accountability actions were taken in the period: {kinds}.").format(n=count(len(d.actions)),
                                                                                    kinds=counts)
    cell, header = centred(st.cell), st.cell_header
    rows = [[para(h, header) for h in (_("Date"), _("Unit"), _("Accountability measure"), _("Person"), _("What for"))]]
    rows += [[para(medium_date(a.on), cell), para(a.unit_name, st.cell), para(_(KIND_WORDS[a.kind]), cell),
              para(a.person or "—", cell), para(a.text, st.cell)] for a in d.actions]
    block = [head, para(text, st.body), Spacer(1, 2 * mm),
             grid_table(rows, [32 * mm, 28 * mm, 22 * mm, 18 * mm, 56 * mm])]
    return [*keep_short(block, len(d.actions)), Spacer(1, 3 * mm)]


def _praise(d: BulletinData, st: Styles, head: Flowable) -> list[Flowable]:
    if not d.praise:
        return [head, para(_("No practice was praised in the period."), st.body)]
    out: list[Flowable] = [head]
    for n, p in enumerate(d.praise, 1):
        who = _("{unit} ({person})").format(unit=p.unit_name, person=p.person) if p.person else p.unit_name
        out.append(para(_("{n}. {unit}: {text} ({kind}, {date})").format(
            n=n, unit=who, text=p.text.replace("\n", " "), kind=_(DESCRIPTIONS[p.kind]), date=long_date(p.on)),
            st.body))
    return out


def render_supervision_bulletin(db: sqlite_utils.Database, out: Path | str, date_from: dt.date, date_to: dt.date,
                                *, as_of: dt.date | None = None, fonts: FontSet | None = None) -> int:
    """Write the period's supervision bulletin to `out` (see the module contract); returns the page count."""
    day = as_of or clock.today()
    d = bulletin_data(db, date_from, date_to, day)
    if not (d.inspections or d.findings or d.actions or d.praise):
        raise Refusal(_("Nothing of supervision was recorded from {start} to {end} (no inspection, finding, action "
                        "or praise); there is no bulletin to print for that period.")
                      .format(start=date_from.isoformat(), end=date_to.isoformat()))
    fonts = fonts or register_fonts(db)
    st = styles(fonts)
    head = letterhead(db)
    sections = ((_("Inspections carried out"), _inspections), (_("Problems found"), _findings),
                (_("Rectification progress"), _progress), (_("Accountability"), _actions),
                (_("Praised practices"), _praise))
    story: list[Flowable] = [
        para(_("To the townships and subdistricts and the county departments:"), st.plain),
        para(_("The supervision of the county's key work from {period} is reported as follows.").format(
            period=_period_text(d)), st.body)]
    for n, (title, make) in enumerate(sections, 1):
        story += [CondPageBreak(3 * LEADING), *make(d, st, heading(st, n, title))]
    story.append(signed(story.pop(), head.office, day, st))
    number = number_for(db, "supervision", subject(date_from, date_to), prefix=head.prefix, on=day)
    return official_document(out, story=story, fonts=fonts, agency=head.agency, doc_number=number,
                             title=_("Supervision bulletin for {period}").format(period=_period_text(d)),
                             closing=Closing(head.copy_to, head.office, day))
