"""季考核结果: the quarter's assessment results in the official-document layout (issue 5, document 5).

Contract: `render_quarterly_result(db, out, quarter, *, as_of=None)` writes the
quarter's results and returns its page count: 一 the ranking of each kind
(townships apart from departments) with the three month scores, the bonus (as
capped), the total and the rank; 二 the units proposed for reward (rank within
`township_rewards` / `department_rewards` of the ranking rules; longer with ties).
A published quarter prints its snapshot (and the rules it was published under);
an unpublished one prints the current scores as of `as_of` (default today) and
"Not published" in the header of every page. The document number comes from the
register (kind 'quarterly', subject the quarter; a reprint shows the same number),
and the 版记 closes the last even page, as in the bulletin. `fonts` as in the bulletin. A bad
quarter is a UsageError, one not begun a Refusal, both before any file is made;
the file is written atomically. Reads only; caller's thread.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils
from babel.dates import format_skeleton
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table

from core.format import count, long_date
from core.i18n import _, babel_locale, ngettext
from core.reports.bulletin import centred, grid_table, heading, keep_short, render_period_document
from core.reports.fonts import FontSet
from core.reports.layout import LEADING, Styles
from core.reports.score_data import (
    KindPart,
    PeriodData,
    kind_name,
    names_text,
    points_text,
    quarter_text,
    score_text,
    sentences,
)
from core.reports.text import para
from core.scoring.periods import quarter_period

REWARD_MARK = "★"


def result_table(d: PeriodData, part: KindPart, st: Styles) -> Table:
    cell, head = centred(st.cell), st.cell_header
    months = [format_skeleton("MMM", m.first, locale=babel_locale()) for m in d.period.months()]
    header = [_("Rank"), _("Unit"), *months, _("Bonus"), _("Total"), _("Reward")]
    rows = [[para(h, head) for h in header]]
    for s in part.scores:
        m = [score_text(x) for x in s.months] + [""] * (3 - len(s.months))
        rows.append([para(str(s.rank), cell), para(s.name, st.cell), *(para(x, cell) for x in m[:3]),
                     para(points_text(s.bonus), cell), para(score_text(s.score), cell),
                     para(REWARD_MARK if s.reward else "", cell)])
    return grid_table(rows, [13 * mm, 42 * mm, 18 * mm, 18 * mm, 18 * mm, 14 * mm, 18 * mm, 15 * mm])


def method_paragraph(d: PeriodData, st: Styles) -> Flowable:
    q = d.rules.quarterly
    combine = (_("the sum of its three monthly scores") if q.combine == "sum"
               else _("the mean of its three monthly scores"))
    text = [_("A unit's quarter total is {combine} plus its bonuses, capped at {cap} points.").format(
        combine=combine, cap=points_text(q.bonus_cap))]
    if d.publication:
        text.append(_("These results were published on {day}.").format(day=long_date(d.as_of)))
    else:
        text.append(_("These results are provisional, counted as of {day}; the quarter is not yet published.")
                    .format(day=long_date(d.as_of)))
    return para(sentences(text), st.body)


def rewards_paragraphs(d: PeriodData, st: Styles) -> list[Flowable]:
    r = d.rules.ranking
    out: list[Flowable] = []
    for part in d.kinds:
        limit = r.township_rewards if part.kind == "township" else r.department_rewards
        if len(part.rewarded) > limit:  # ties lengthen the list (docs/design.md §6): the heading says so
            text = ngettext("{kind} (the first {limit} by rank; {n} units because of shared ranks): {names}.",
                            "{kind} (the first {limit} by rank; {n} units because of shared ranks): {names}.",
                            len(part.rewarded)).format(kind=kind_name(part.kind), limit=count(limit),
                                                       n=count(len(part.rewarded)), names=names_text(part.rewarded))
        elif part.rewarded:
            text = ngettext("{kind} (the first {limit} by rank): {names}.",
                            "{kind} (the first {limit} by rank): {names}.", limit).format(
                kind=kind_name(part.kind), limit=count(limit), names=names_text(part.rewarded))
        else:
            text = _("{kind}: none.").format(kind=kind_name(part.kind))
        out.append(para(text, st.body))
    return out


def render_quarterly_result(db: sqlite_utils.Database, out: Path | str, quarter: str, *,
                            as_of: dt.date | None = None, fonts: FontSet | None = None) -> int:
    """Write the quarter's results to `out` (see the module contract); returns the page count."""
    p = quarter_period(quarter)

    def body(d: PeriodData, st: Styles) -> list[Flowable]:
        story: list[Flowable] = [
            para(_("Following the county's rules for assessing the key work, the assessment of {quarter} is "
                   "announced as follows.").format(quarter=quarter_text(p)), st.body),
            heading(st, 1, _("Results of the assessment")),
            method_paragraph(d, st),
        ]
        for i, part in enumerate(d.kinds, 1):
            block = [heading(st, i, kind_name(part.kind), level=2), Spacer(1, 1 * mm), result_table(d, part, st)]
            story += [CondPageBreak(4 * LEADING), *keep_short(block, len(part.scores)), Spacer(1, 3 * mm)]
        return story + [CondPageBreak(3 * LEADING), heading(st, 2, _("Units proposed for reward")),
                        *rewards_paragraphs(d, st)]

    return render_period_document(
        db, out, p, as_of, fonts, body, "quarterly",
        _("Announcement of the results of the key work assessment for {quarter}").format(quarter=quarter_text(p)))
