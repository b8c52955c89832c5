"""A unit office's dashboard (我的评分): its own rates as of a day, and its scores as the hub published them.

Contract: `unit_dashboard(db, unit_code, as_of=T)` reads (never writes) and returns a
frozen `UnitDashboard`:
- `month` / `year`: the unit's `UnitRates` for the tasks assigned in T's calendar
  month / year, as of T — its assignments as lead and as co, cancelled ones left out:
  - the on-time claim rate: claimed by the claim due, of those whose claim due is on
    or before T or that were claimed by T;
  - the on-time report rate: first report (a report or completion, docs/design.md §4)
    by the report due, of those whose report due is on or before T or reported by T;
  - the completion rate and the on-time (completion) rate of docs/design.md §5
    (`core.work.ledger.stats` with the unit filter, so they equal the ledger's);
  each against `core.work.ledger.TARGET_RATE` (95%); None when nothing is counted;
- `published`: `core.scoring.unit_published.published_scores` (the hub's snapshots,
  never a score recomputed from the unit's partial data), newest period first; empty
  when the county office has published nothing yet (`nothing_published`).
The rates are the unit's own reading of the assignments it holds (its events and the
hub's decisions on them arrive by sync); the scores are the hub's.
Threading: any thread that owns `db` (the GUI calls it on the DbWorker).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from core.directory import unit_by_code
from core.scoring.unit_published import PublishedScore, published_scores
from core.work.dashboard import month_period, year_period
from core.work.ledger import TARGET_RATE, LedgerFilter, Stats, stats


@dataclass(frozen=True)
class StepRate:
    """How many of the counted steps were done by their due."""

    counted: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.counted if self.counted else None


@dataclass(frozen=True)
class UnitRates:
    date_from: dt.date
    date_to: dt.date
    claim: StepRate
    report: StepRate
    counted: int            # §5: completion due on or before T, or closed by T
    closed: int
    on_time: int
    completion_rate: float | None
    on_time_rate: float | None

    def below(self, target: float = TARGET_RATE) -> dict[str, bool]:
        """Per rate (claim, report, completion, on_time): below the target (an absent rate is not)."""
        rates = {"claim": self.claim.rate, "report": self.report.rate, "completion": self.completion_rate,
                 "on_time": self.on_time_rate}
        return {k: v is not None and v < target for k, v in rates.items()}


@dataclass(frozen=True)
class UnitDashboard:
    unit_code: str
    unit_name: str
    kind: str
    as_of: dt.date
    target: float
    month: UnitRates
    year: UnitRates
    published: tuple[PublishedScore, ...]

    @property
    def nothing_published(self) -> bool:
        return not self.published


def _steps(db: sqlite_utils.Database, unit_id: int, as_of: dt.date,
           period: tuple[dt.date, dt.date]) -> tuple[StepRate, StepRate]:
    t = as_of.isoformat()
    row = db.execute(
        "SELECT SUM(CASE WHEN s.claim_due <= :t OR s.claimed_on <= :t THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN s.claimed_on <= :t AND s.claimed_on <= s.claim_due THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN s.report_due <= :t OR s.first_report_on <= :t THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN s.first_report_on <= :t AND s.first_report_on <= s.report_due THEN 1 ELSE 0 END) "
        "FROM assignment a JOIN task t ON t.id = a.task_id JOIN assignment_status s ON s.assignment_id = a.id "
        "WHERE a.unit_id = :unit AND t.assigned_on BETWEEN :first AND :last "
        "AND (s.cancelled_on IS NULL OR s.cancelled_on > :t)",
        {"t": t, "unit": unit_id, "first": period[0].isoformat(), "last": period[1].isoformat()}).fetchone()
    claim_n, claim_ok, report_n, report_ok = (int(x or 0) for x in row)
    return StepRate(claim_n, claim_ok), StepRate(report_n, report_ok)


def unit_rates(db: sqlite_utils.Database, unit_code: str, as_of: dt.date,
               period: tuple[dt.date, dt.date]) -> UnitRates:
    """The unit's rates for tasks assigned in `period`, as of `as_of` (see the module contract)."""
    unit = unit_by_code(db, unit_code)
    s = stats(db, as_of=as_of, date_from=period[0], date_to=period[1], flt=LedgerFilter(unit=unit.code))
    assert isinstance(s, Stats)
    claim, report = _steps(db, unit.id, as_of, period)
    return UnitRates(period[0], period[1], claim, report, s.counted, s.closed, s.on_time, s.completion_rate,
                     s.on_time_rate)


def unit_dashboard(db: sqlite_utils.Database, unit_code: str, *, as_of: dt.date) -> UnitDashboard:
    """Everything the unit's dashboard shows, as of `as_of` (see the module contract)."""
    unit = unit_by_code(db, unit_code)
    return UnitDashboard(unit.code, unit.name, unit.kind, as_of, TARGET_RATE,
                         unit_rates(db, unit.code, as_of, month_period(as_of)),
                         unit_rates(db, unit.code, as_of, year_period(as_of)),
                         tuple(published_scores(db, unit.code)))
