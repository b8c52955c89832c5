"""Scores from the database: a month or quarter computed now, or the published snapshot.

Contract: `month`/`quarter` compute the current scores (as of a day; default the
session's today); `view` gives the published snapshot when the period is
published, else the current scores. A quarter combines each month's published
score where that month is published, else its current score. Reads only: the
writes (publish, reopen) are in `core.scoring.publish`.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass

import sqlite_utils

from core import ledger
from core.directory import list_units
from core.rules.ruleset import RuleSet
from core.scoring.events import ScoreEvent, UnitEntry, in_period, lifecycle_events, unit_events
from core.scoring.monthly import UnitInfo, UnitScore, month_scores
from core.scoring.periods import Period
from core.scoring.quarterly import quarter_scores
from core.status import current_rules, load_events, start_statuses


@dataclass(frozen=True)
class Publication:
    id: int
    period: str
    version: int
    rules_version: int
    published_at: str
    user: str
    superseded_by: int | None
    reopened_reason: str | None
    scores: list[UnitScore]


def _units(db: sqlite_utils.Database) -> list[UnitInfo]:
    return [UnitInfo(u.code, u.name, u.kind) for u in list_units(db) if u.active]


def _rates(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> dict[str, tuple[float | None, float | None]]:
    groups = ledger.stats(db, as_of=as_of, date_from=p.first, date_to=p.last, by="unit")
    assert isinstance(groups, dict)
    return {code: (x.completion_rate, x.on_time_rate) for code, x in groups.items()}


_ASSIGNMENTS = ("SELECT a.id, u.code, a.role, t.task_no || '/' || u.code FROM assignment a "
                "JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id "
                "LEFT JOIN assignment_status s ON s.assignment_id = a.id WHERE t.assigned_on <= :last")
# Only these can have a deduction in the period: a default due in it (from the status cache), or a
# return in it, or an extension to a date in it (the due in force as of any day is one of those).
_CANDIDATES = (" AND (a.id IN (SELECT assignment_id FROM assignment_status WHERE claim_due BETWEEN :first AND :last "
               "UNION SELECT assignment_id FROM assignment_status WHERE report_due BETWEEN :first AND :last "
               "UNION SELECT assignment_id FROM assignment_status WHERE base_due BETWEEN :first AND :last "
               "UNION SELECT assignment_id FROM assignment_status WHERE due BETWEEN :first AND :last "
               "UNION SELECT assignment_id FROM event WHERE kind = 'return' AND effective_date BETWEEN :first AND :last "
               "UNION SELECT assignment_id FROM event WHERE kind IN ('extension_request', 'extension_approve') "
               "AND date_value BETWEEN :first AND :last) OR s.assignment_id IS NULL)")


def lifecycle(db: sqlite_utils.Database, p: Period, as_of: dt.date, rules: RuleSet, *,
              every: bool = False) -> list[ScoreEvent]:
    """The deductions in the period from the assignments that can have one (`every`: fold them all)."""
    span = {"first": p.first.isoformat(), "last": p.last.isoformat()}
    rows = db.execute(_ASSIGNMENTS + ("" if every else _CANDIDATES), span).fetchall()
    ids = [r[0] for r in rows]
    starts = start_statuses(db, ids)
    events = load_events(db, ids)
    out: list[ScoreEvent] = []
    for aid, code, role, ref in rows:
        out += lifecycle_events(code, ref, role, starts[aid][0], events.get(aid, ()), as_of, rules.monthly)
    return in_period(out, p.first, p.last)


def entries(db: sqlite_utils.Database, p: Period, rules: RuleSet) -> list[ScoreEvent]:
    """Criticism and bonuses dated in the period."""
    span = [p.first.isoformat(), p.last.isoformat()]
    items = [UnitEntry(r[0], dt.date.fromisoformat(r[1]), "public_criticism", r[2], r[3]) for r in db.execute(
        "SELECT u.code, c.date, c.text, c.person FROM criticism c JOIN unit u ON u.id = c.unit_id "
        "WHERE c.date BETWEEN ? AND ?", span)]
    items += [UnitEntry(r[0], dt.date.fromisoformat(r[1]), r[4], r[2], r[3]) for r in db.execute(
        "SELECT u.code, b.date, b.text, b.person, b.kind FROM bonus b JOIN unit u ON u.id = b.unit_id "
        "WHERE b.date BETWEEN ? AND ?", span)]
    return in_period(unit_events(items, rules.monthly, rules.quarterly), p.first, p.last)


def panel(db: sqlite_utils.Database, p: Period) -> dict[str, list[float]]:
    """Each unit's panel scores for the month: the latest per leader."""
    out: dict[str, list[float]] = defaultdict(list)
    for code, score in db.execute(
            "SELECT u.code, ps.score FROM panel_score ps JOIN unit u ON u.id = ps.unit_id WHERE ps.id IN "
            "(SELECT MAX(id) FROM panel_score WHERE month = ? GROUP BY leader_id, unit_id)", [p.key]):
        out[code].append(float(score))
    return out


def month(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> list[UnitScore]:
    """Every active unit's current score for the month `p`, ranked within its kind."""
    _version, rules = current_rules(db)
    events = lifecycle(db, p, as_of, rules) + entries(db, p, rules)
    return month_scores(_units(db), events, panel(db, p), _rates(db, p, as_of), rules.monthly, rules.ranking)


def quarter(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> list[UnitScore]:
    """The quarter's scores: months (published where published), bonuses capped, ranks, rewards."""
    _version, rules = current_rules(db)
    months: dict[str, list[float]] = defaultdict(list)
    for m in p.months():
        for s in view(db, m, as_of):
            months[s.unit].append(s.score)
    bonuses = [e for e in entries(db, p, rules) if e.points > 0]
    return quarter_scores(_units(db), months, bonuses, _rates(db, p, as_of), rules.quarterly, rules.ranking)


def compute(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> list[UnitScore]:
    return quarter(db, p, as_of) if p.is_quarter else month(db, p, as_of)


def view(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> list[UnitScore]:
    """The published snapshot when `p` is published, else the current scores."""
    pub = current_publication(db, p.key)
    return pub.scores if pub else compute(db, p, as_of)


def to_json(s: UnitScore) -> dict[str, object]:
    d = asdict(s)
    d["events"] = [{**asdict(e), "on": e.on.isoformat()} for e in s.events]
    return d


def from_json(d: dict[str, object]) -> UnitScore:
    evs = [ScoreEvent(**{**e, "on": dt.date.fromisoformat(e["on"])}) for e in d["events"]]  # type: ignore[attr-defined]
    return UnitScore(**{**d, "events": evs})  # type: ignore[arg-type]


_PUB_SQL = ("SELECT id, period, version, rules_version, published_at, user_name, superseded_by, reopened_reason, "
            "snapshot FROM publication ")


def _publication(row: tuple[object, ...]) -> Publication:
    scores = [from_json(d) for d in json.loads(str(row[8]))]
    return Publication(*row[:8], scores=scores)  # type: ignore[arg-type]


def current_publication(db: sqlite_utils.Database, period: str) -> Publication | None:
    """The publication in force for the period: the latest not reopened."""
    row = db.execute(_PUB_SQL + "WHERE period = ? AND reopened_reason IS NULL AND superseded_by IS NULL "
                     "ORDER BY version DESC LIMIT 1", [period]).fetchone()
    return _publication(row) if row else None


def publications(db: sqlite_utils.Database, period: str) -> list[Publication]:
    """Every publication of the period, the superseded and reopened ones too, oldest first."""
    return [_publication(r) for r in db.execute(_PUB_SQL + "WHERE period = ? ORDER BY version", [period])]
