"""What the monthly bulletin and the quarterly result print: scores, rates, the units named.

Contract: `period_data(db, period, as_of)` reads, for a month or a quarter, the
scores of `core.scoring.service.view` (the published snapshot when the period is
published, else the current scores as of `as_of`), split by kind (townships
first), the units named at the top and the bottom of each kind, and the county's
totals and rates (§5) for the tasks assigned in the period. The rates and totals
of a published period are counted as of the day it was published (the day its
snapshot was computed), so the printed totals agree with the snapshot's rates;
otherwise as of `as_of`. Formatting helpers give babel numbers in the UI's
language. Reads only; runs on the caller's thread with its connection.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils
from babel.dates import format_skeleton

from core.errors import Refusal
from core.format import long_date, number, quarter
from core.i18n import N_, _, babel_locale
from core.rules.ruleset import RuleSet
from core.scoring.monthly import UnitScore
from core.scoring.periods import Period
from core.scoring.service import Publication, current_publication, view
from core.work import ledger
from core.work.status import current_rules, ruleset_for

KINDS = ("township", "department")
KIND_NAMES = {"township": N_("Townships and subdistricts"), "department": N_("County departments")}


@dataclass(frozen=True)
class KindPart:
    """One kind's ranking: its scores by rank, rates, and the units named at the top and bottom."""

    kind: str
    scores: list[UnitScore]
    stats: ledger.Stats | None
    top: list[UnitScore]
    bottom: list[UnitScore]
    rewarded: list[UnitScore]


@dataclass(frozen=True)
class PeriodData:
    period: Period
    as_of: dt.date
    publication: Publication | None
    tasks: int
    assignments: int
    totals: ledger.Stats
    kinds: list[KindPart]
    rules: RuleSet          # the rule set of the publication, else the one in force

    @property
    def published(self) -> bool:
        return self.publication is not None


def publication_day(db: sqlite_utils.Database, pub: Publication) -> dt.date:
    """The day a publication's snapshot was computed (its audit entry; else the day it was recorded)."""
    for (details,) in db.execute("SELECT details FROM audit WHERE action = 'score_publish' AND ref = ? "
                                 "ORDER BY id DESC", [pub.period]):
        d = json.loads(details or "{}")
        if d.get("version") == pub.version and d.get("as_of"):
            return dt.date.fromisoformat(d["as_of"])
    return dt.date.fromisoformat(pub.published_at[:10])


def named(scores: list[UnitScore], n: int) -> tuple[list[UnitScore], list[UnitScore]]:
    """(top, bottom): the n best and n worst by score, longer with ties, each in rank order; never a unit in both.

    With fewer than 2n units n shrinks to half of them; units tied with the best are never at the bottom.
    """
    n = min(n, len(scores) // 2)
    if n <= 0:
        return [], []
    by_score = sorted(scores, key=lambda s: (-s.score, s.rank, s.name))
    top_cut = by_score[n - 1].score
    bottom_cut = by_score[-n].score
    top = [s for s in by_score if s.score >= top_cut]
    bottom = [s for s in by_score if s.score <= bottom_cut and s.score < top_cut]
    return top, bottom


def _counts(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> tuple[int, int]:
    """(tasks, assignments) assigned in the period by `as_of`, cancelled ones left out."""
    row = db.execute(
        "SELECT COUNT(DISTINCT t.id), COUNT(*) FROM assignment a JOIN task t ON t.id = a.task_id "
        "JOIN assignment_status s ON s.assignment_id = a.id WHERE t.assigned_on BETWEEN ? AND ? "
        "AND t.assigned_on <= ? AND (s.cancelled_on IS NULL OR s.cancelled_on > ?)",
        [p.first.isoformat(), p.last.isoformat(), as_of.isoformat(), as_of.isoformat()]).fetchone()
    return int(row[0]), int(row[1])


def period_data(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> PeriodData:
    """Scores (published snapshot or current), totals and named units of the month or quarter `p`.

    A period that begins after `as_of` is refused: it has nothing to report yet.
    """
    if p.first > as_of:
        raise Refusal(_("The period {period} has not begun on {day}; choose a period that has.").format(
            period=p.key, day=long_date(as_of)))
    pub = current_publication(db, p.key)
    scores = pub.scores if pub else view(db, p, as_of)
    day = publication_day(db, pub) if pub else as_of
    totals = ledger.stats(db, as_of=day, date_from=p.first, date_to=p.last)
    by_kind = ledger.stats(db, as_of=day, date_from=p.first, date_to=p.last, by="kind")
    assert isinstance(totals, ledger.Stats) and isinstance(by_kind, dict)
    rules = ruleset_for(db, pub.rules_version) if pub else current_rules(db)[1]
    ranking = rules.ranking
    kinds = []
    for kind in KINDS:
        group = sorted((s for s in scores if s.kind == kind), key=lambda s: (s.rank, s.name))
        if not group:
            continue
        n = ranking.township_rewards if kind == "township" else ranking.department_rewards
        top, bottom = named(group, n)
        kinds.append(KindPart(kind, group, by_kind.get(kind), top, bottom, [s for s in group if s.reward]))
    tasks, assignments = _counts(db, p, day)
    return PeriodData(p, day, pub, tasks, assignments, totals, kinds, rules)


# ---------------------------------------------------------------- formatting (babel, the UI's language)

def score_text(x: float) -> str:
    return number(x, "#,##0.00")


def points_text(x: float) -> str:
    return number(x, "#,##0.##")


def month_text(p: Period) -> str:
    return format_skeleton("yMMMM", p.first, locale=babel_locale())


def quarter_text(p: Period) -> str:
    """2026年第三季度 (core.format.quarter)."""
    return quarter(p.first.year, (p.first.month - 1) // 3 + 1)


def kind_name(kind: str) -> str:
    return _(KIND_NAMES[kind])


def names_text(scores: list[UnitScore]) -> str:
    """Unit names joined with the list separator of the language (、 in Chinese)."""
    return _(", ").join(s.name for s in scores)


_CN_NUMERALS = "一二三四五六七八九十"


def section_number(n: int) -> str:
    """一, 二, 三 … in Chinese (the official numbering), 1, 2, 3 otherwise."""
    from core.i18n import language

    return _CN_NUMERALS[n - 1] if language().startswith("zh") and 1 <= n <= 10 else str(n)


@dataclass(frozen=True)
class Letterhead:
    """The issuing office's name, its agency line (发文机关标志), document-number prefix and 抄送 list."""

    office: str
    agency: str
    prefix: str
    copy_to: str = ""


def letterhead(db: sqlite_utils.Database) -> Letterhead:
    """The office's printed-materials settings (core.reports.settings): name, agency line, number prefix."""
    from core.reports.settings import print_settings

    ps = print_settings(db)
    return Letterhead(ps.office, _("{office} document").format(office=ps.office), ps.prefix, ps.copy_to)


def sentences(parts: list[str]) -> str:
    """Sentences run together as one paragraph: no space between Chinese sentences, one in English."""
    from core.i18n import language

    return ("" if language().startswith("zh") else " ").join(p for p in parts if p)
