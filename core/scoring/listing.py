"""Reads for the score pages: the hub's entries of a period, and the panel-score grid of a month.

Contract: pure reads on the caller's connection (the GUI: the worker, through
`ctx.query`), no writes. `list_entries` gives the bonuses, public criticism and
inspection findings dated in [first, last] (optionally of one unit), oldest
first, each with its evidence files and the points it moves under the rule set
in force. `panel_grid` gives the active leaders, the active units and the latest
score each leader gave each unit for the month (None where none was given).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlite_utils

from core.directory import Leader, list_leaders, list_units, unit_by_code
from core.scoring.events import UnitEntry, unit_events
from core.scoring.monthly import UnitInfo
from core.scoring.periods import month_period
from core.scoring.service import ENTRY_COUNTS, ENTRY_TABLES
from core.work.status import current_rules

ENTRY_KINDS = ("approving_instruction", "commendation", "public_praise", "typical_speech", "public_criticism",
               "finding")


@dataclass(frozen=True)
class Entry:
    """A bonus, public criticism or finding. `files`: (name, sha256, size) of its evidence files.

    `points`: what it moves under the rule set in force (a bonus before the quarter's cap).
    """

    kind: str
    id: int
    unit: str
    unit_name: str
    on: dt.date
    text: str
    person: str
    user_name: str
    files: list[tuple[str, str, int]] = field(default_factory=list)
    points: float = 0.0

    @property
    def table(self) -> str:
        """The table holding the row: bonus, criticism or finding."""
        return {"public_criticism": "criticism", "finding": "finding"}.get(self.kind, "bonus")


def list_entries(db: sqlite_utils.Database, first: dt.date, last: dt.date,
                 unit_code: str | None = None) -> list[Entry]:
    """The entries dated from `first` to `last` (of `unit_code` only, if given), by date, kind and id."""
    unit_id = unit_by_code(db, unit_code).id if unit_code else None
    _version, rules = current_rules(db)
    out: list[Entry] = []
    for table, kind in ENTRY_TABLES:
        sql = (f"SELECT x.id, {'x.kind' if kind is None else repr(kind)}, u.code, u.name, x.date, x.text, x.person, "
               f"x.user_name FROM {table} x JOIN unit u ON u.id = x.unit_id WHERE x.date BETWEEN ? AND ?"
               + ENTRY_COUNTS.get(table, ""))
        args: list[object] = [first.isoformat(), last.isoformat()]
        if unit_id is not None:
            sql += " AND x.unit_id = ?"
            args.append(unit_id)
        rows = db.execute(sql, args).fetchall()
        files = _files(db, table, [r[0] for r in rows])
        for r in rows:
            on = dt.date.fromisoformat(r[4])
            points = unit_events([UnitEntry(r[2], on, r[1])], rules.monthly, rules.quarterly)[0].points
            out.append(Entry(r[1], r[0], r[2], r[3], on, r[5], r[6], r[7], files.get(r[0], []), points))
    out.sort(key=lambda e: (e.on, ENTRY_KINDS.index(e.kind), e.id))
    return out


def _files(db: sqlite_utils.Database, table: str, ids: list[int]) -> dict[int, list[tuple[str, str, int]]]:
    out: dict[int, list[tuple[str, str, int]]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for entry_id, name, sha, size in db.execute(
                f"SELECT entry_id, name, sha256, size FROM entry_evidence WHERE entry_kind = ? "
                f"AND entry_id IN ({marks}) ORDER BY id", [table, *chunk]):
            out.setdefault(entry_id, []).append((name, sha, int(size)))
    return out


@dataclass(frozen=True)
class PanelGrid:
    """The month's panel scores: `scores[(leader name, unit code)]` is the latest score or None."""

    month: str
    leaders: list[Leader]
    units: list[UnitInfo]
    scores: dict[tuple[str, str], float | None]

    def score(self, leader: str, unit: str) -> float | None:
        return self.scores.get((leader, unit))


def panel_grid(db: sqlite_utils.Database, month: str) -> PanelGrid:
    """Active leaders × active units for the month `YYYY-MM` (UsageError if not a month)."""
    key = month_period(month).key
    leaders = [x for x in list_leaders(db) if x.active]
    units = [UnitInfo(u.code, u.name, u.kind) for u in list_units(db) if u.active]
    scores: dict[tuple[str, str], float | None] = {(x.name, u.code): None for x in leaders for u in units}
    for leader, code, score in db.execute(
            "SELECT l.name, u.code, ps.score FROM panel_score ps JOIN leader l ON l.id = ps.leader_id "
            "JOIN unit u ON u.id = ps.unit_id WHERE ps.id IN (SELECT MAX(id) FROM panel_score WHERE month = ? "
            "GROUP BY leader_id, unit_id)", [key]):
        if (leader, code) in scores:
            scores[(leader, code)] = float(score)
    return PanelGrid(key, leaders, units, scores)
