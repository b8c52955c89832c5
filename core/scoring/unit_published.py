"""A unit office's scores as the county office published them: score, rank among its kind, every point.

Contract: `published_scores(db, unit_code)` reads the publication snapshots that
reached this database by sync (table `publication`, written by the hub's
`core.scoring.publish.publish`) and returns, newest period first, one
`PublishedScore` per month or quarter that the hub ever published: the unit's
score, its rank and the number of units of its kind in the snapshot ("第3名/共12个
乡镇"), the quarter's reward flag, the rates as published, and the explanation lines
(`core.scoring.publish.explain_score` over the snapshot's events: the base or the
three months, each deduction or bonus with its date, REF and role, then the panel
or bonus-cap adjustment; the points add up to the score). A line with a REF carries
the task's number and title, looked up in this database (the unit holds every task
it is assigned to). Nothing is ever recomputed here: a unit's own data is partial,
and the score is the hub's word, so later changes at the hub or here show only when
the hub publishes again. A period whose latest publication the hub reopened has
`reopened` set (its reason) and no score until it is published again. A period
published before the unit was in the directory (not in the snapshot) has
`score is None`. Reads only; any thread that owns `db`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils

from core.scoring.monthly import UnitScore
from core.scoring.periods import parse_period
from core.scoring.publish import Line, explain_score
from core.scoring.service import from_json


@dataclass(frozen=True)
class ExplainedLine:
    """One line behind the score; `task_no`/`title` when it names an assignment (REF)."""

    line: Line
    task_no: str
    title: str


@dataclass(frozen=True)
class PublishedScore:
    """The unit's row of one period's publication in force (or the period's reopening)."""

    period: str
    is_quarter: bool
    version: int
    published_at: str          # UTC, as the hub recorded it
    rules_version: int
    reopened: str | None       # the hub's reason when the latest publication was reopened
    score: UnitScore | None    # None when reopened, or when the unit is not in the snapshot
    of: int                    # how many units of the unit's kind the snapshot ranks
    lines: tuple[ExplainedLine, ...] = ()


_SQL = ("SELECT period, version, published_at, rules_version, reopened_reason, superseded_by, snapshot "
        "FROM publication ORDER BY period, version")


def _sort_key(period: str) -> tuple[dt.date, int]:
    p = parse_period(period)
    return p.last, 0 if p.is_quarter else 1   # newest first: a quarter before its last month


def _titles(db: sqlite_utils.Database, unit_code: str, refs: set[str]) -> dict[str, str]:
    numbers = sorted({ref.partition("/")[0] for ref in refs if ref})
    if not numbers:
        return {}
    marks = ",".join("?" * len(numbers))
    rows = db.execute(f"SELECT t.task_no || '/' || u.code, t.title FROM assignment a JOIN task t ON t.id = a.task_id "
                      f"JOIN unit u ON u.id = a.unit_id WHERE u.code = ? AND t.task_no IN ({marks})",
                      [unit_code, *numbers])
    return dict(rows.fetchall())


def _latest(db: sqlite_utils.Database) -> dict[str, tuple[object, ...]]:
    """Per period, the publication in force (latest not reopened nor superseded), else the latest one."""
    by_period: dict[str, list[tuple[object, ...]]] = {}
    for row in db.execute(_SQL).fetchall():
        by_period.setdefault(str(row[0]), []).append(row)
    out = {}
    for period, rows in by_period.items():
        in_force = [r for r in rows if r[4] is None and r[5] is None]
        out[period] = (in_force or rows)[-1]
    return out


def published_scores(db: sqlite_utils.Database, unit_code: str) -> list[PublishedScore]:
    """Every published period's score of `unit_code`, newest first (see the module contract)."""
    out = []
    for period, row in _latest(db).items():
        _p, version, published_at, rules_version, reopened, _sup, snapshot = row
        p = parse_period(str(period))
        if reopened is not None:
            out.append(PublishedScore(p.key, p.is_quarter, int(version), str(published_at),  # type: ignore[call-overload]
                                      int(rules_version), str(reopened), None, 0))  # type: ignore[call-overload]
            continue
        scores = [from_json(d) for d in json.loads(str(snapshot))]
        mine = next((s for s in scores if s.unit == unit_code), None)
        of = sum(1 for s in scores if mine is not None and s.kind == mine.kind)
        lines: tuple[ExplainedLine, ...] = ()
        if mine is not None:
            explained = explain_score(mine, p.is_quarter)
            titles = _titles(db, unit_code, {x.ref for x in explained if x.kind != "month"})
            lines = tuple(ExplainedLine(x, x.ref.partition("/")[0] if x.ref in titles else "", titles.get(x.ref, ""))
                          for x in explained)
        out.append(PublishedScore(p.key, p.is_quarter, int(version), str(published_at),  # type: ignore[call-overload]
                                  int(rules_version), None, mine, of, lines))  # type: ignore[call-overload]
    out.sort(key=lambda x: _sort_key(x.period), reverse=True)
    return out
