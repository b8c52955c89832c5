"""The dashboard (工作台): the county at a glance as of a day, in one call.

Contract: `dashboard(db, as_of=T)` reads (never writes) and returns a frozen
`Dashboard` built only from `core.work.ledger` (`stats`, `ledger_ids`, `ledger_rows`),
so every figure equals what the ledger shows when filtered the same way:
- `lights`: the county's red / yellow / green counts of open assignments
  (`stats(as_of=T)`), whatever year their tasks were assigned in;
- `due_today` / `due_tomorrow`: open assignments whose pending step (the earliest
  of claim, first report, completion not yet done) is due on T / T + 1, in task
  number order, the lead unit first;
- `overdue`: red assignments, the earliest missed due first, at most
  `overdue_limit` of them (`lights.red` is the full count);
- `month` / `year`: the §5 rates of tasks assigned in T's calendar month / year,
  as of T, against `core.work.ledger.TARGET_RATE`;
- `units`: the same year's rates per unit (only units with assignments that year);
- `trend`: the weekly trend (see `weekly_trend` for what it plots and why);
- `imports`: the latest import round per sending office (`core.sync.marks.latest_import`),
  whose assignments not opened since are the ledger's `LedgerFilter(new_only=True)`.

Threading: any thread that owns `db` (the GUI calls it on the DbWorker).
Cost on the ten-year demo county (`demo --scale 10`: 20,300 assignments, 2 cores):
about 110-120 ms in all (budget 300 ms), of which the county's lights (a scan of
every status row, ~45 ms) and the 12 weekly trend points (~47 ms, each limited
to one year's tasks through the index on task.assigned_on) are most.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from core.directory import list_units
from core.sync.marks import ImportSummary, latest_import
from core.work.ledger import (
    TARGET_RATE,
    LedgerFilter,
    LedgerRow,
    Stats,
    ledger_ids,
    ledger_rows,
    stats,
    warn_days,
)

TREND_WEEKS = 12
DEFAULT_OVERDUE_LIMIT = 50


@dataclass(frozen=True)
class Lights:
    red: int
    yellow: int
    green: int


@dataclass(frozen=True)
class DueRow:
    """One assignment with its pending step: `step` is claim | report | completion."""

    assignment_id: int
    ref: str
    task_no: str
    title: str
    unit_code: str
    unit_name: str
    role: str
    step: str
    due: dt.date

    def days_late(self, as_of: dt.date) -> int:
        """Days since the step's due (0 or less when not yet overdue)."""
        return (as_of - self.due).days


@dataclass(frozen=True)
class PeriodRates:
    """§5 rates of the tasks assigned from `date_from` to `date_to` (inclusive), as of the dashboard's day."""

    date_from: dt.date
    date_to: dt.date
    counted: int
    closed: int
    on_time: int
    completion_rate: float | None
    on_time_rate: float | None

    def below(self, target: float = TARGET_RATE) -> tuple[bool, bool]:
        """(completion below target, on-time below target); an undefined rate is not below."""
        return (self.completion_rate is not None and self.completion_rate < target,
                self.on_time_rate is not None and self.on_time_rate < target)

    def ledger_filter(self) -> LedgerFilter:
        return LedgerFilter(date_from=self.date_from, date_to=self.date_to)


@dataclass(frozen=True)
class UnitRate:
    code: str
    name: str
    kind: str
    completion_rate: float | None
    on_time_rate: float | None
    counted: int
    closed: int


@dataclass(frozen=True)
class WeekPoint:
    """The year-to-date rates as they stood at the end of one week (`as_of`, a Sunday or the dashboard's day)."""

    as_of: dt.date
    completion_rate: float | None
    on_time_rate: float | None
    counted: int


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    target: float
    warn_days: int          # yellow = a pending step due within this many days, today included
    lights: Lights
    due_today: tuple[DueRow, ...]
    due_tomorrow: tuple[DueRow, ...]
    overdue: tuple[DueRow, ...]
    month: PeriodRates
    year: PeriodRates
    units: tuple[UnitRate, ...]
    trend: tuple[WeekPoint, ...]
    imports: ImportSummary | None = None  # the latest import round (core.sync.marks), None before any


def month_period(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month of `day`, first and last day."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def year_period(day: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def _county(db: sqlite_utils.Database, as_of: dt.date, period: tuple[dt.date, dt.date] | None = None) -> Stats:
    result = stats(db, as_of=as_of, date_from=period[0] if period else None, date_to=period[1] if period else None)
    assert isinstance(result, Stats)
    return result


def period_rates(db: sqlite_utils.Database, as_of: dt.date, period: tuple[dt.date, dt.date]) -> PeriodRates:
    s = _county(db, as_of, period)
    return PeriodRates(period[0], period[1], s.counted, s.closed, s.on_time, s.completion_rate, s.on_time_rate)


def _due_row(r: LedgerRow) -> DueRow:
    assert r.next_step is not None and r.next_due is not None, r
    return DueRow(r.assignment_id, r.ref, r.task_no, r.title, r.unit_code, r.unit_name, r.role, r.next_step,
                  r.next_due)


def _pending(db: sqlite_utils.Database, light: str, as_of: dt.date, limit: int | None) -> list[DueRow]:
    """Open assignments of one light, the earliest pending due first (ledger sort `light`)."""
    ids = ledger_ids(db, LedgerFilter(light=light), as_of=as_of, sort="light", limit=limit)
    return [_due_row(r) for r in ledger_rows(db, ids, as_of=as_of) if r.next_due is not None]


def due_soon(db: sqlite_utils.Database, as_of: dt.date) -> tuple[list[DueRow], list[DueRow]]:
    """The open assignments whose pending step is due on `as_of` and on the day after, by task number, the lead unit first.

    With warn_days ≥ 2 they are all yellow; with warn_days = 1 tomorrow's are green,
    so the earliest greens are read too, page by page, until one is due later.
    """
    tomorrow = as_of + dt.timedelta(days=1)
    rows = [r for r in _pending(db, "yellow", as_of, None) if r.due <= tomorrow]
    if warn_days(db) < 2:
        limit = 200
        while True:
            greens = _pending(db, "green", as_of, limit)
            if len(greens) < limit or greens[-1].due > tomorrow:
                break
            limit *= 4
        rows += [r for r in greens if r.due <= tomorrow]

    def key(r: DueRow) -> tuple[int, int, int, str]:
        year, _sep, seq = r.task_no.partition("-")
        number = (int(year), int(seq)) if year.isdigit() and seq.isdigit() else (0, 0)
        return (*number, 0 if r.role == "lead" else 1, r.unit_code)

    rows.sort(key=key)
    return [r for r in rows if r.due == as_of], [r for r in rows if r.due == tomorrow]


def unit_rates(db: sqlite_utils.Database, as_of: dt.date, period: tuple[dt.date, dt.date]) -> list[UnitRate]:
    """Each unit's §5 rates for tasks assigned in `period`, in directory order (townships first)."""
    by_unit = stats(db, as_of=as_of, date_from=period[0], date_to=period[1], by="unit")
    assert isinstance(by_unit, dict)
    out = []
    for u in list_units(db):
        s = by_unit.get(u.code)
        if s is not None:
            out.append(UnitRate(u.code, u.name, u.kind, s.completion_rate, s.on_time_rate, s.counted, s.closed))
    return out


def trend_days(as_of: dt.date, weeks: int = TREND_WEEKS) -> list[dt.date]:
    """The end of each of the last `weeks` weeks (Monday–Sunday), oldest first; the current week ends on `as_of`."""
    last_sunday = as_of - dt.timedelta(days=(as_of.weekday() + 1) % 7)
    first = 1 if last_sunday == as_of else 0  # as_of is the current week's end: the Sundays before it
    return [last_sunday - dt.timedelta(weeks=n) for n in range(weeks - 2 + first, first - 1, -1)] + [as_of]


def weekly_trend(db: sqlite_utils.Database, as_of: dt.date, weeks: int = TREND_WEEKS) -> list[WeekPoint]:
    """For each of the last `weeks` weeks: the county's year-to-date rates as they stood at its end.

    Why rates rather than "closed vs due in the week": the figure a clerk is judged
    on is the rate against the 95% target, so the trend answers "are we heading to
    or away from the target?" with the target line on the same axis; its last point
    is exactly the year tile, and each earlier point is what the dashboard read at
    that week's end. Weekly counts swing with the meeting calendar (a 30-item week
    beside a holiday week) and say little without the rate beside them.
    Each point covers the tasks assigned from 1 January of its own year to its day,
    so in early January the line starts again from the new year's first items.
    """
    points = []
    for day in trend_days(as_of, weeks):
        s = _county(db, day, (dt.date(day.year, 1, 1), day))
        points.append(WeekPoint(day, s.completion_rate, s.on_time_rate, s.counted))
    return points


def dashboard(db: sqlite_utils.Database, *, as_of: dt.date,
              overdue_limit: int = DEFAULT_OVERDUE_LIMIT) -> Dashboard:
    """Everything the dashboard shows, as of `as_of` (see the module contract)."""
    county = _county(db, as_of)
    today, tomorrow = due_soon(db, as_of)
    year = year_period(as_of)
    return Dashboard(
        as_of=as_of, target=TARGET_RATE, warn_days=warn_days(db),
        lights=Lights(county.red, county.yellow, county.green),
        due_today=tuple(today), due_tomorrow=tuple(tomorrow),
        overdue=tuple(_pending(db, "red", as_of, overdue_limit)),
        month=period_rates(db, as_of, month_period(as_of)), year=period_rates(db, as_of, year),
        units=tuple(unit_rates(db, as_of, year)), trend=tuple(weekly_trend(db, as_of)),
        imports=latest_import(db))

