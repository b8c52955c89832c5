"""Scores from the database: a month or quarter computed now, or the published snapshot.

Contract: `month`/`quarter` compute the current scores (as of a day; default the
session's today); `view` gives the published snapshot when the period is
published, else the current scores. A quarter combines each month's published
score where that month is published, else its current score. `rules` scores under
another rule set (the rule-set form's preview); `unit` computes one unit alone (quick,
for `explain`). `view` remembers the current scores per database object until the
database changes (`cached`), so a page's explanation after its table is instant.
Reads only, on the caller's thread and connection: the writes (publish, reopen)
are in `core.scoring.publish`.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
import weakref
from collections import defaultdict
from dataclasses import asdict, dataclass

import sqlite_utils

from core.directory import list_units
from core.rules.ruleset import RuleSet
from core.scoring.events import ScoreEvent, UnitEntry, in_period, lifecycle_events, unit_events
from core.scoring.monthly import UnitInfo, UnitScore, month_scores
from core.scoring.periods import Period
from core.scoring.quarterly import quarter_scores
from core.work import ledger
from core.work.status import current_rules, load_events, start_statuses


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


def _units(db: sqlite_utils.Database, code: str | None = None) -> list[UnitInfo]:
    return [UnitInfo(u.code, u.name, u.kind) for u in list_units(db)
            if u.active and (code is None or u.code == code)]


def _rates(db: sqlite_utils.Database, p: Period, as_of: dt.date,
           code: str | None = None) -> dict[str, tuple[float | None, float | None]]:
    if code is not None:
        one = ledger.stats(db, as_of=as_of, date_from=p.first, date_to=p.last, flt=ledger.LedgerFilter(unit=code))
        assert isinstance(one, ledger.Stats)
        return {code: (one.completion_rate, one.on_time_rate)}
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
# One unit's assignments are few: the same candidates, tested row by row.
_UNIT_CANDIDATES = (" AND u.code = :unit AND (s.assignment_id IS NULL OR s.claim_due BETWEEN :first AND :last "
                    "OR s.report_due BETWEEN :first AND :last OR s.base_due BETWEEN :first AND :last "
                    "OR s.due BETWEEN :first AND :last OR EXISTS (SELECT 1 FROM event e WHERE "
                    "e.assignment_id = a.id AND ((e.kind = 'return' AND e.effective_date BETWEEN :first AND :last) "
                    "OR (e.kind IN ('extension_request', 'extension_approve') "
                    "AND e.date_value BETWEEN :first AND :last))))")


def lifecycle(db: sqlite_utils.Database, p: Period, as_of: dt.date, rules: RuleSet, *,
              every: bool = False, unit: str | None = None) -> list[ScoreEvent]:
    """The deductions in the period from the assignments that can have one (`every`: fold them all).

    `unit`: only that unit's (an exact code, as `UnitInfo.code`).
    """
    span = {"first": p.first.isoformat(), "last": p.last.isoformat(), "unit": unit}
    if unit is not None:
        sql = _ASSIGNMENTS + (" AND u.code = :unit" if every else _UNIT_CANDIDATES)
    else:
        sql = _ASSIGNMENTS + ("" if every else _CANDIDATES)
    rows = db.execute(sql, span).fetchall()
    ids = [r[0] for r in rows]
    starts = start_statuses(db, ids)
    events = load_events(db, ids)
    out: list[ScoreEvent] = []
    for aid, code, role, ref in rows:
        out += lifecycle_events(code, ref, role, starts[aid][0], events.get(aid, ()), as_of, rules.monthly)
    return in_period(out, p.first, p.last)


# (table, kind or None: the row's own `kind` column)
ENTRY_TABLES = (("criticism", "public_criticism"), ("finding", "finding"), ("bonus", None))
# the rows of a table that count: a finding only when it deducts (m009; `finding add --unit` and the older
# rows always do, a finding of an inspection only with --deduct)
ENTRY_COUNTS = {"finding": " AND x.deduct = 1"}


def entries(db: sqlite_utils.Database, p: Period, rules: RuleSet, unit: str | None = None) -> list[ScoreEvent]:
    """Criticism, findings and bonuses dated in the period (`unit`: only that unit's)."""
    items = []
    for table, kind in ENTRY_TABLES:
        sql = (f"SELECT u.code, x.date, x.text, x.person, {'x.kind' if kind is None else repr(kind)} FROM {table} x "
               "JOIN unit u ON u.id = x.unit_id WHERE x.date BETWEEN ? AND ?" + ENTRY_COUNTS.get(table, ""))
        args = [p.first.isoformat(), p.last.isoformat()]
        if unit is not None:
            sql += " AND u.code = ?"
            args.append(unit)
        items += [UnitEntry(r[0], dt.date.fromisoformat(r[1]), r[4], r[2], r[3]) for r in db.execute(sql, args)]
    return in_period(unit_events(items, rules.monthly, rules.quarterly), p.first, p.last)


def panel(db: sqlite_utils.Database, p: Period) -> dict[str, list[float]]:
    """Each unit's panel scores for the month: the latest per leader."""
    out: dict[str, list[float]] = defaultdict(list)
    for code, score in db.execute(
            "SELECT u.code, ps.score FROM panel_score ps JOIN unit u ON u.id = ps.unit_id WHERE ps.id IN "
            "(SELECT MAX(id) FROM panel_score WHERE month = ? GROUP BY leader_id, unit_id)", [p.key]):
        out[code].append(float(score))
    return out


def _rules(db: sqlite_utils.Database, rules: RuleSet | None) -> RuleSet:
    return current_rules(db)[1] if rules is None else rules


def month(db: sqlite_utils.Database, p: Period, as_of: dt.date, rules: RuleSet | None = None, *,
          unit: str | None = None) -> list[UnitScore]:
    """Every active unit's current score for the month `p`, ranked within its kind.

    `rules`: score under these instead of the rule set in force. `unit`: that unit alone
    (its score and events exact; its rank 1, as it is ranked against nobody).
    """
    r = _rules(db, rules)
    events = lifecycle(db, p, as_of, r, unit=unit) + entries(db, p, r, unit)
    return month_scores(_units(db, unit), events, panel(db, p), _rates(db, p, as_of, unit), r.monthly, r.ranking)


def quarter(db: sqlite_utils.Database, p: Period, as_of: dt.date, rules: RuleSet | None = None, *,
            unit: str | None = None) -> list[UnitScore]:
    """The quarter's scores: months (published where published), bonuses capped, ranks, rewards.

    `rules` and `unit` as for `month` (published months keep their published scores).
    """
    r = _rules(db, rules)
    months: dict[str, list[float]] = defaultdict(list)
    for m in p.months():
        pub = current_publication(db, m.key)
        if pub:
            scores = pub.scores
        elif unit is not None or rules is not None:
            scores = month(db, m, as_of, r, unit=unit)
        else:
            scores = cached(db, m, as_of)
        for s in scores:
            months[s.unit].append(s.score)
    bonuses = [e for e in entries(db, p, r, unit) if e.points > 0]
    return quarter_scores(_units(db, unit), months, bonuses, _rates(db, p, as_of, unit), r.quarterly, r.ranking)


def compute(db: sqlite_utils.Database, p: Period, as_of: dt.date, rules: RuleSet | None = None) -> list[UnitScore]:
    """The current scores of every active unit (under `rules`, default the rule set in force)."""
    return quarter(db, p, as_of, rules) if p.is_quarter else month(db, p, as_of, rules)


# per database object (weakly: a closed connection's id may be reused), per (period, as_of)
_cache: weakref.WeakKeyDictionary[sqlite_utils.Database, dict[tuple[str, dt.date], tuple[tuple[object, ...],
                                                                                         list[UnitScore]]]] = \
    weakref.WeakKeyDictionary()
_lock = threading.Lock()  # the worker and the GUI thread each read through their own connection


def _fingerprint(db: sqlite_utils.Database) -> tuple[object, ...]:
    """Changes whenever the database changes: other connections' commits, and this one's writes."""
    return db.execute("PRAGMA data_version").fetchone()[0], db.conn.total_changes


def cached(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> list[UnitScore]:
    """`compute` under the rule set in force, remembered until the database changes.

    Per database object (so per thread: each has its own); the list is a copy, the scores
    shared: do not modify them.
    """
    key = (p.key, as_of)
    mark = _fingerprint(db)
    with _lock:
        hit = _cache.get(db, {}).get(key)
    if hit is None or hit[0] != mark:
        hit = (mark, compute(db, p, as_of))
        with _lock:
            mine = _cache.setdefault(db, {})
            if len(mine) > 64:
                mine.clear()
            mine[key] = hit
    return list(hit[1])


def forget() -> None:
    """Drop every remembered score (the benchmarks time the computation itself)."""
    with _lock:
        _cache.clear()


def view(db: sqlite_utils.Database, p: Period, as_of: dt.date) -> list[UnitScore]:
    """The published snapshot when `p` is published, else the current scores."""
    pub = current_publication(db, p.key)
    return pub.scores if pub else cached(db, p, as_of)


def unit_view(db: sqlite_utils.Database, p: Period, as_of: dt.date, code: str) -> UnitScore | None:
    """One unit's row of `view`, computed for that unit alone unless the whole period is at hand.

    None when the unit has no score (inactive, or absent from the published snapshot). Computed
    alone, `rank` and `reward` are those of the last full computation if it is still valid, else
    0 and False (ranking needs every unit: use `view` for it).
    """
    pub = current_publication(db, p.key)
    if pub:
        return next((x for x in pub.scores if x.unit == code), None)
    with _lock:
        hit = _cache.get(db, {}).get((p.key, as_of))
    if hit is not None and hit[0] == _fingerprint(db):
        return next((x for x in hit[1] if x.unit == code), None)
    alone = (quarter if p.is_quarter else month)(db, p, as_of, unit=code)
    for x in alone:
        x.rank, x.reward = 0, False
    return alone[0] if alone else None


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
