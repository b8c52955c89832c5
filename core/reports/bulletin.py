"""月点评通报: the monthly bulletin in the official-document layout (issue 5, document 4).

Contract: `render_monthly_bulletin(db, out, month, requirements="", *, as_of=None)`
writes the month's bulletin (GB/T 9704 layout: red agency line, document number
and red rule, title, addressees, numbered sections) and returns its page count:
一 the totals and rates of the tasks assigned in the month against the 95% target;
二 the ranking of each kind (townships apart from departments: rank, unit, score,
completion and on-time rates), the units named at the top and the bottom, and a
bar chart per kind; 三 the next-step requirements the clerk typed (`requirements`,
else those stored with `bulletin_text.set_requirements`; the section is left out
when there are none). A published month prints its snapshot; an unpublished one
prints the current scores as of `as_of` (default today) and "Not published" in the
header of every page. The document number comes from the register
(core.reports.doc_numbers, kind 'monthly', subject the month: a reprint, published
or not, shows the same number). 文件格式: the 版记 (抄送 from the settings, the
issuing office and the day printed) closes the last even page. `fonts` (default: `register_fonts(db)`) lets tests and
previews pass a FontSet. A bad month is a UsageError, a month that has not begun
a Refusal, both before any file is made; the file is written atomically. Reads
only; runs on the caller's thread. `render_period_document` (the addressees, the
signature, the letterhead) and the table helpers serve core.reports.quarterly_result too.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import sqlite_utils
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from core import clock
from core.format import count, long_date, percent
from core.i18n import _, ngettext
from core.reports import bulletin_text
from core.reports.chart import Bar, score_chart
from core.reports.doc_numbers import number_for
from core.reports.fonts import FontSet, register_fonts
from core.reports.gbt9704 import Closing
from core.reports.layout import LEADING, Styles, official_document, signature, styles
from core.reports.score_data import (
    KindPart,
    PeriodData,
    kind_name,
    letterhead,
    month_text,
    names_text,
    period_data,
    points_text,
    score_text,
    section_number,
    sentences,
)
from core.reports.text import markup, para
from core.scoring.periods import Period, month_period
from core.work.ledger import TARGET_RATE

SHORT_TABLE = 6
TABLE_GRID = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
              ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
              ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]


def centred(st: ParagraphStyle) -> ParagraphStyle:
    c = ParagraphStyle(st.name + "_centre", parent=st, alignment=TA_CENTER)
    c.fallbackFont = getattr(st, "fallbackFont", None)
    return c


def grid_table(rows: list[list[Flowable]], col_widths: list[float]) -> Table:
    """A ruled table whose first row is a shaded header, repeated on every page it runs onto."""
    table = Table(rows, colWidths=col_widths, repeatRows=1)
    table.setStyle(TableStyle(TABLE_GRID + [("BACKGROUND", (0, 0), (-1, 0), "#E6E6E6")]))
    return table


def heading(st: Styles, n: int, text: str, level: int = 1) -> Flowable:
    """一、 (黑体) or （一） (楷体) heading, kept on the page of what follows it."""
    if level == 1:
        f = para(_("{number}. {heading}").format(number=section_number(n), heading=text), st.heading1)
    else:
        f = para(_("({number}) {heading}").format(number=section_number(n), heading=text), st.heading2)
    f.keepWithNext = True
    return f


def totals_paragraphs(d: PeriodData, st: Styles) -> list[Flowable]:
    t = d.totals
    out = [ngettext("In {month}, {n} key task was assigned to the units ({assignments} assignments).",
                    "In {month}, {n} key tasks were assigned to the units ({assignments} assignments).",
                    d.tasks).format(month=month_text(d.period), n=count(d.tasks),
                                    assignments=count(d.assignments))]
    if t.counted == 0:
        out.append(_("No assignment of the month was due or closed by {day}.").format(day=long_date(d.as_of)))
    else:
        out.append(_("As of {day}, {counted} assignments were due or closed; {closed} were closed, "
                     "{on_time} of them on time.").format(day=long_date(d.as_of), counted=count(t.counted),
                                                          closed=count(t.closed),
                                                          on_time=count(t.on_time)))
        rate = t.on_time_rate or 0.0
        if rate >= TARGET_RATE:
            out.append(_("The completion rate is {completion} and the on-time rate {on_time}, meeting the "
                         "county's target of {target}.").format(completion=percent(t.completion_rate),
                                                               on_time=percent(t.on_time_rate), target=percent(TARGET_RATE)))
        else:
            out.append(_("The completion rate is {completion} and the on-time rate {on_time}, {gap} percentage "
                         "points below the county's target of {target}.").format(
                completion=percent(t.completion_rate), on_time=percent(t.on_time_rate),
                gap=points_text(round((TARGET_RATE - rate) * 100, 1)), target=percent(TARGET_RATE)))
    kinds = [_("{kind}: completion rate {completion}, on-time rate {on_time}.").format(
        kind=kind_name(k.kind), completion=percent(k.stats.completion_rate), on_time=percent(k.stats.on_time_rate))
        for k in d.kinds if k.stats and k.stats.counted]
    return [para(sentences(out), st.body)] + ([para(sentences(kinds), st.body)] if kinds else [])


def ranking_table(part: KindPart, st: Styles) -> Table:
    cell, head = centred(st.cell), st.cell_header
    rows = [[para(h, head) for h in (_("Rank"), _("Unit"), _("Score"), _("Completion rate"), _("On-time rate"))]]
    rows += [[para(str(s.rank), cell), para(s.name, st.cell), para(score_text(s.score), cell),
              para(percent(s.completion_rate), cell), para(percent(s.on_time_rate), cell)] for s in part.scores]
    return grid_table(rows, [16 * mm, 60 * mm, 24 * mm, 28 * mm, 28 * mm])


def named_paragraph(part: KindPart, st: Styles) -> list[Flowable]:
    """The units at the top and at the bottom; a long tie at the top is said as one."""
    text = []
    if part.top:
        scores = {s.score for s in part.top}
        if len(scores) == 1 and len(part.top) > 3:
            text.append(ngettext("{count} unit shares the top score of {score}: {names}.",
                                 "{count} units share the top score of {score}: {names}.", len(part.top)).format(
                count=count(len(part.top)), score=points_text(part.top[0].score), names=names_text(part.top)))
        else:
            text.append(_("Ranked at the top: {names}.").format(names=names_text(part.top)))
    if part.bottom:
        text.append(_("Ranked at the bottom: {names}.").format(names=names_text(part.bottom)))
    return [para(sentences(text), st.body)] if text else []


def chart_for(part: KindPart, st: Styles) -> Flowable:
    top = {s.unit for s in part.top}
    bars = [Bar(s.name, s.score, s.unit in top) for s in part.scores]
    caption = _("Scores: {kind}").format(kind=kind_name(part.kind))
    continued = _("Scores: {kind} (continued)").format(kind=kind_name(part.kind))
    return score_chart(bars, font=st.fonts.heiti, caption=caption, value_format=points_text, continued=continued,
                       fallback=st.fonts.fallback)


def requirement_paragraph(text: str, st: Styles) -> Flowable:
    """One paragraph of the clerk's requirements; a numbered one keeps its number one level down (bulletin_text.numbered)."""
    parts = bulletin_text.numbered(text)
    if parts is None:
        return para(text, st.body)
    head, rest = parts
    fallback = getattr(st.body, "fallbackFont", None)
    lead = markup(head, st.heading2.fontName, fallback)
    return Paragraph(f'<font name="{st.heading2.fontName}">{lead}</font>' + markup(rest, st.body.fontName, fallback),
                     st.body)


def signed(last: Flowable, office: str, day: dt.date, st: Styles) -> Flowable:
    """The last paragraph, the issuing office and the date (room for the seal) on one page."""
    return KeepTogether([last, *signature(st, office, day)])


def keep_short(block: list[Flowable], rows: int) -> list[Flowable]:
    """A heading with a short table stays on one page; a long table splits (its header repeats)."""
    return [KeepTogether(block)] if rows <= SHORT_TABLE else block


def ranking_section(d: PeriodData, st: Styles) -> list[Flowable]:
    if d.publication:
        note = _("The scores below were published on {day}; the rates are counted as of that day.").format(
            day=long_date(d.as_of))
    else:
        note = _("The scores below are provisional, counted as of {day}; the month is not yet published.").format(
            day=long_date(d.as_of))
    out: list[Flowable] = [para(note, st.body)]
    for i, part in enumerate(d.kinds, 1):
        out.append(CondPageBreak(4 * LEADING))
        block = [heading(st, i, kind_name(part.kind), level=2), *named_paragraph(part, st), Spacer(1, 2 * mm),
                 ranking_table(part, st)]
        out += keep_short(block, len(part.scores))
        out.append(Spacer(1, 3 * mm))
        out += [chart_for(part, st), Spacer(1, 3 * mm)]  # it shortens or splits to fill the page (core.reports.chart)
    return out


def render_period_document(db: sqlite_utils.Database, out: Path | str, p: Period, as_of: dt.date | None,
                           fonts: FontSet | None, body: Callable[[PeriodData, Styles], list[Flowable]],
                           kind: str, title: str) -> int:
    """The frame the bulletin and the quarterly result share; returns the page count.

    Reads the period's data as of `as_of` (default today; a period not begun is refused before any
    file is made), opens with the addressees, then `body(data, styles)`, keeps its last paragraph
    with the office and the date, and writes the official document (its number from the register,
    kind `kind`, subject the period) atomically, marked "Not published" when the period is not.
    """
    day = as_of or clock.today()
    d = period_data(db, p, day)
    fonts = fonts or register_fonts(db)
    st = styles(fonts)
    head = letterhead(db)
    story: list[Flowable] = [para(_("To the townships and subdistricts and the county departments:"), st.plain),
                             *body(d, st)]
    story.append(signed(story.pop(), head.office, day, st))
    number = number_for(db, kind, p.key, prefix=head.prefix, on=day)
    return official_document(out, story=story, fonts=fonts, agency=head.agency, doc_number=number,
                             title=title, unpublished=d.publication is None,
                             closing=Closing(head.copy_to, head.office, day))


def render_monthly_bulletin(db: sqlite_utils.Database, out: Path | str, month: str, requirements: str = "", *,
                            as_of: dt.date | None = None, fonts: FontSet | None = None) -> int:
    """Write the month's bulletin to `out` (see the module contract); returns the page count."""
    p = month_period(month)

    def body(d: PeriodData, st: Styles) -> list[Flowable]:
        story: list[Flowable] = [
            para(_("To keep the county's key work moving, the implementation of the key work in {month} is "
                   "reported as follows.").format(month=month_text(p)), st.body),
            heading(st, 1, _("Overall situation")),
            *totals_paragraphs(d, st),
            heading(st, 2, _("Scores and ranking")),
            *ranking_section(d, st),
        ]
        texts = bulletin_text.paragraphs(requirements or bulletin_text.requirements(db, p.key))
        if texts:
            story += [CondPageBreak(3 * LEADING), heading(st, 3, _("Requirements for the next step"))]
            story += [requirement_paragraph(t, st) for t in texts]
        return story

    return render_period_document(
        db, out, p, as_of, fonts, body, "monthly",
        _("Bulletin on the implementation of the key work in {month}").format(month=month_text(p)))
