"""What the two score pages read, gathered in one job on the database worker.

Contract: `load(db, key, as_of)` runs on the worker thread (it is given to
`ctx.query`) and returns a `ScoresData`: the period's scores as
`core.scoring.service.view` gives them (the published snapshot, else computed
now), every publication of the period, and, for a month, the panel-score grid,
for a quarter, the hub's entries dated in it. No Qt here; nothing is written.
`default_period` / `period_choices` are pure and run anywhere.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlite_utils

from core.scoring import listing
from core.scoring.listing import Entry
from core.scoring.monthly import UnitScore
from core.scoring.periods import Period, parse_period
from core.scoring.service import Publication, current_publication, publications, view


@dataclass(frozen=True)
class GridData:
    """Leaders (columns) × units (rows) of a month and the latest score per (leader name, unit code)."""

    leaders: list[tuple[str, tuple[str, ...]]]   # (name, codes of the units in their charge)
    units: list[tuple[str, str, str]]             # (code, name, kind)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class ScoresData:
    period: Period
    as_of: dt.date
    scores: list[UnitScore]
    publications: list[Publication]
    current: Publication | None
    grid: GridData | None = None
    entries: list[Entry] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.period.last < self.as_of


def _last_month(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def default_period(today: dt.date, quarterly: bool) -> str:
    """The last ended month (YYYY-MM) or quarter (YYYY-Qn) as of `today`."""
    if not quarterly:
        last = _last_month(today)
        return f"{last.year}-{last.month:02d}"
    q = (today.month - 1) // 3  # the quarter under way is q + 1; the last ended one is q
    return f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4"


def period_choices(today: dt.date, quarterly: bool, count: int = 24) -> list[str]:
    """The period under way and the `count` before it, newest first."""
    if quarterly:
        y, q = today.year, (today.month - 1) // 3 + 1
        out = []
        for _i in range(count // 3 + 1):
            out.append(f"{y}-Q{q}")
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        return out
    y, m = today.year, today.month
    out = []
    for _i in range(count + 1):
        out.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


def panel_grid(db: sqlite_utils.Database, month: str) -> GridData:
    """The month's grid from `core.scoring.listing.panel_grid` (active leaders × active units)."""
    grid = listing.panel_grid(db, month)
    return GridData([(x.name, tuple(x.units)) for x in grid.leaders], [(u.code, u.name, u.kind) for u in grid.units],
                    {cell: float(v) for cell, v in grid.scores.items() if v is not None})


def load(db: sqlite_utils.Database, key: str, as_of: dt.date) -> ScoresData:
    """Everything a score page shows for the period `key` (worker thread)."""
    p = parse_period(key)
    scores = view(db, p, as_of)
    data = ScoresData(p, as_of, scores, publications(db, p.key), current_publication(db, p.key),
                      grid=None if p.is_quarter else panel_grid(db, p.key),
                      entries=listing.list_entries(db, p.first, p.last) if p.is_quarter else [])
    return data
