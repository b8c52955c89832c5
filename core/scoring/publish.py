"""Publishing (freezing) a period, reopening it, and explaining a unit's score.

Contract: `publish` stores the scores, ranks, rule-set version and the events
behind every point of a period that has ended; later edits do not change what
`view` shows for it. `reopen` needs a reason; the publication stays visible,
marked reopened, and the next `publish` supersedes it. Both need a writing hub
user, run in one transaction and are audited. `explain` lists, for a unit and
period, lines whose points add up to the score.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

import sqlite_utils

from core import clock
from core.directory import unit_by_code
from core.errors import Refusal, UsageError
from core.i18n import _
from core.office import Changes, Session
from core.scoring.events import DESCRIPTIONS
from core.scoring.monthly import UnitScore
from core.scoring.periods import parse_period
from core.scoring.service import compute, current_publication, to_json, unit_view
from core.work.status import current_rules


def publish(s: Session, period: str) -> tuple[int, Changes]:
    """Freeze `period` (YYYY-MM or YYYY-Qn); returns the new publication's id."""
    s.require_write()
    s.require_hub()
    p = parse_period(period)
    if p.last >= s.today:
        raise Refusal(_("The period {period} has not ended; publish it from {day} on.").format(
            period=p.key, day=(p.last + dt.timedelta(days=1)).isoformat()))
    if current_publication(s.db, p.key):
        raise Refusal(_("The period {period} is already published; reopen it with a reason first.")
                      .format(period=p.key))
    rules_version, _rules = current_rules(s.db)
    with s.write():
        scores = compute(s.db, p, s.today)
        version = int(s.db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM publication WHERE period = ?",
                                   [p.key]).fetchone()[0])
        row = s.synced_row(period=p.key, version=version, rules_version=rules_version, published_at=clock.now_utc(),
                           user_name=s.user.name, snapshot=json.dumps([to_json(x) for x in scores], ensure_ascii=False),
                           superseded_by=None, reopened_reason=None, reopened_at=None)
        pub_id = int(s.db["publication"].insert(row).last_pk)
        s.db.execute("UPDATE publication SET superseded_by = ?, rev = rev + 1 WHERE period = ? AND id != ? "
                     "AND superseded_by IS NULL", [pub_id, p.key, pub_id])
        s.audit("score_publish", ref=p.key, row_uuid=str(row["uuid"]), version=version,
                rules_version=rules_version, as_of=s.today.isoformat())
    return pub_id, Changes()


def reopen(s: Session, period: str, reason: str) -> Changes:
    """Reopen a published period; the reason is stored and audited."""
    s.require_write()
    s.require_hub()
    p = parse_period(period)
    if not reason.strip():
        raise UsageError(_("Reopening a published period needs a reason; give it with --reason."))
    pub = current_publication(s.db, p.key)
    if pub is None:
        raise Refusal(_("The period {period} is not published; there is nothing to reopen.").format(period=p.key))
    with s.write():
        s.db.execute("UPDATE publication SET reopened_reason = ?, reopened_at = ?, rev = rev + 1 WHERE id = ?",
                     [reason.strip(), clock.now_utc(), pub.id])
        s.audit("score_reopen", ref=p.key, version=pub.version, reason=reason.strip())
    return Changes()


@dataclass(frozen=True)
class Line:
    """One line of an explanation: what moved the score, and by how many points."""

    on: dt.date | None
    kind: str
    ref: str
    role: str | None
    points: float
    text: str
    title: str = ""   # the task's title when `ref` names an assignment (filled by `with_titles`)


def explain_score(score: UnitScore, is_quarter: bool) -> list[Line]:
    """Lines whose points add up to `score.score` (base or months first, then events, then adjustments)."""
    lines: list[Line] = []
    if is_quarter:
        total = sum(score.months)
        factor = 1.0 if not score.months or abs(total - score.objective) < 1e-6 else 1 / len(score.months)
        lines += [Line(None, "month", str(i), None, round(m * factor, 6), _("Month {n} score").format(n=i))
                  for i, m in enumerate(score.months, 1)]
    else:
        base = round(score.objective - sum(e.points for e in score.events), 6)
        lines.append(Line(None, "base", "", None, base, _("Base score")))
    lines += [Line(e.on, e.kind, e.ref, e.role, e.points, _(e.text) if e.text in DESCRIPTIONS.values() else e.text)
              for e in score.events]
    rest = round(score.score - sum(x.points for x in lines), 6)
    if rest:
        text = _("Bonuses above the quarter's cap") if is_quarter else _("Panel scores (weighted)")
        lines.append(Line(None, "bonus_cap" if is_quarter else "panel", "", None, rest, text))
    return lines


def with_titles(db: sqlite_utils.Database, lines: list[Line]) -> list[Line]:
    """`lines` with `title` set where the ref names an assignment (TASKNO/UNITCODE): one small read."""
    numbers = sorted({x.ref.partition("/")[0] for x in lines if x.kind != "month" and "/" in x.ref})
    if not numbers:
        return lines
    marks = ",".join("?" * len(numbers))
    titles = dict(db.execute(f"SELECT task_no, title FROM task WHERE task_no IN ({marks})", numbers).fetchall())
    return [replace(x, title=str(titles.get(x.ref.partition("/")[0], ""))) if x.kind != "month" and "/" in x.ref
            else x for x in lines]


def explain(db: sqlite_utils.Database, unit_code: str, period: str, as_of: dt.date) -> tuple[UnitScore, list[Line]]:
    """The unit's score in the period (published snapshot or current) and the lines behind it, with task titles.

    Quick: computed for the one unit unless the period's scores are already at hand (see
    `service.unit_view` for the rank of a score computed alone).
    """
    unit = unit_by_code(db, unit_code)
    p = parse_period(period)
    x = unit_view(db, p, as_of, unit.code)
    if x is None:
        raise Refusal(_("The unit {code} is not active and has no score.").format(code=unit.code))
    return x, with_titles(db, explain_score(x, p.is_quarter))
