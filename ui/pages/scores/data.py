"""What the two score pages read, gathered in one job on the database worker.

Contract: `load(db, key, as_of)` runs on the worker thread (it is given to
`ctx.query`) and returns a `ScoresData`: the period's scores as
`core.scoring.service.view` gives them (the published snapshot, else computed
now), every publication of the period, and, for a month, the panel-score grid,
for a quarter, the hub's entries dated in it. No Qt here; nothing is written.
The period list and the default period are core.scoring.periods' (`period_choices`,
`default_period`).
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
