"""The 13710 deadline arithmetic (docs/design.md §3): pure functions, no database access.

For a task assigned on day D, each rule of `Deadlines` gives a due date:
- day counts exclude D; `calendar` adds plain days; `rollover` adds plain days and
  moves a due on a rest day to the next working day; `workdays` counts working days
  after D (0 days → D itself);
- the month rule (major tasks) is D + N calendar months, same day number or the
  month's last day; in `rollover` and `workdays` modes it then rolls over to the
  next working day.

`Dues.missing_years` lists the years whose working days were consulted but whose
holiday arrangement is unknown (weekends only were used); `calendar` mode consults
nothing. `compute_dues` is memoised per (D, category, deadlines, calendar, days): a
calendar is immutable, so importing a year means building a new one.

A task with a completion period of its own (`task.due_days`, e.g. a rectification
task of `finding add … --rectify 15`) passes it as `days`: its completion is due
`days` days after D, counted in the general rule's mode; the claim and first-report
dues are the rule set's as for any task.
"""
from __future__ import annotations

import calendar as _months
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from core.errors import UsageError
from core.i18n import _
from core.rules.calendar import HolidayCalendar
from core.rules.ruleset import DeadlineRule, Deadlines

ONE_DAY = dt.timedelta(days=1)
CATEGORIES = ("general", "major")

# (due, first consulted date, last consulted date); no dates consulted → (due, None, None)
_Span = tuple[dt.date, dt.date | None, dt.date | None]


@dataclass(frozen=True)
class Dues:
    """The default dues of one assignment (before any approved extension)."""

    claim: dt.date
    report: dt.date
    completion: dt.date
    missing_years: frozenset[int]


def add_months(d: dt.date, n: int) -> dt.date:
    """D + n calendar months: the same day number, or the last day of a shorter month."""
    if n < 0:
        raise ValueError(f"months must not be negative: {n}")
    index = d.month - 1 + n
    year, month = d.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, _months.monthrange(year, month)[1]))


def add_days(d: dt.date, n: int, mode: str, calendar: HolidayCalendar | None = None) -> dt.date:
    """The due `n` days after `d` in counting `mode`; `calendar` is needed unless mode is 'calendar'."""
    return _add_days(d, n, mode, calendar)[0]


def _add_days(d: dt.date, n: int, mode: str, cal: HolidayCalendar | None) -> _Span:
    if n < 0:
        raise ValueError(f"days must not be negative: {n}")
    if mode == "calendar":
        return d + dt.timedelta(days=n), None, None
    if cal is None:
        raise ValueError(f"mode {mode!r} needs a holiday calendar")
    if mode == "rollover":
        due = d + dt.timedelta(days=n)
        final = cal.next_workday(due)
        return final, due, final
    if mode == "workdays":
        if n == 0:
            return d, None, None
        day, left = d, n
        is_workday = cal.is_workday
        while left:
            day += ONE_DAY
            if is_workday(day):
                left -= 1
        return day, d + ONE_DAY, day
    raise ValueError(f"unknown counting mode {mode!r}")


def _apply(d: dt.date, rule: DeadlineRule, cal: HolidayCalendar) -> _Span:
    """One rule: months when `rule.months` is set (the major rule), else days."""
    if not rule.months:
        return _add_days(d, rule.days, rule.mode, cal)
    due = add_months(d, rule.months)
    if rule.mode == "calendar":
        return due, None, None
    if rule.mode not in ("rollover", "workdays"):
        raise ValueError(f"unknown counting mode {rule.mode!r}")
    final = cal.next_workday(due)
    return final, due, final


def compute_dues(assigned_on: dt.date, category: str, deadlines: Deadlines,
                 calendar: HolidayCalendar, days: int | None = None) -> Dues:
    """The claim, first-report and completion dues of a task assigned on `assigned_on`.

    `category` is 'general' (the "7" rule) or 'major' (the "1 month" rule); anything
    else raises `UsageError`. `days` (None, or 1 or more for a general task) is the
    task's own completion period, counted in the general rule's mode (see the module).
    Pure and fast (memoised): safe on any thread.
    """
    if category not in CATEGORIES:
        raise UsageError(_("The category of a task is general or major; found '{category}'.").format(
            category=category))
    if days is not None and (category != "general" or days < 1):
        raise ValueError(f"a completion period of its own is 1 or more days of a general task: {category} {days}")
    return _compute(assigned_on, category, deadlines, calendar, days)


@lru_cache(maxsize=16384)
def _compute(d: dt.date, category: str, deadlines: Deadlines, cal: HolidayCalendar, days: int | None) -> Dues:
    if days is not None:
        completion = DeadlineRule(days=days, mode=deadlines.general.mode)
    else:
        completion = deadlines.general if category == "general" else deadlines.major
    spans = (_apply(d, deadlines.claim, cal), _apply(d, deadlines.report, cal), _apply(d, completion, cal))
    missing: set[int] = set()
    for _due, first, last in spans:
        if first is not None and last is not None:
            missing.update(y for y in range(first.year, last.year + 1) if not cal.has_year(y))
    return Dues(spans[0][0], spans[1][0], spans[2][0], frozenset(missing))
