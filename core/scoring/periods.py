"""Scoring periods: a month 'YYYY-MM' or a quarter 'YYYY-Qn'.

Contract: `month_period`, `quarter_period` and `parse_period` read a period a
clerk typed (full-width digits read as ASCII, other scripts' digits refused) and
refuse, with a UsageError, one outside the years of the window of dates a clerk
may enter (core.dates: 2000 to ten years after today).

The period arithmetic lives here and nowhere else (pure, any year, no window check):
`month_of(day)` and `quarter_of(day)` are the month and the quarter holding a day;
`Period.previous()` / `Period.next()` the month or quarter before / after;
`Period.quarter()` the quarter of a month; `Period.months()` the months of a quarter;
`Period.first` / `Period.last` its first and last day. `default_period(today, quarterly)`
is the last ended month or quarter, `period_choices(today, quarterly, count)` the one
under way and the ones before it, newest first (the score pages' period list).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.dates import ascii_digits, window_years
from core.errors import UsageError
from core.i18n import _
from core.text_checks import visible

_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_QUARTER = re.compile(r"^([0-9]{4})-[Qq]([1-4])$")


@dataclass(frozen=True)
class Period:
    key: str
    first: dt.date
    last: dt.date
    is_quarter: bool

    def months(self) -> list[Period]:
        """The months of a quarter (a month is its own only month)."""
        if not self.is_quarter:
            return [self]
        return [_month(self.first.year, m) for m in range(self.first.month, self.first.month + 3)]

    def quarter(self) -> Period:
        """The quarter of a month (a quarter is its own quarter)."""
        return self if self.is_quarter else quarter_of(self.first)

    def previous(self) -> Period:
        """The month or quarter just before this one."""
        before = self.first - dt.timedelta(days=1)
        return quarter_of(before) if self.is_quarter else month_of(before)

    def next(self) -> Period:
        """The month or quarter just after this one."""
        after = self.last + dt.timedelta(days=1)
        return quarter_of(after) if self.is_quarter else month_of(after)


def _month(year: int, month: int) -> Period:
    return Period(f"{year}-{month:02d}", dt.date(year, month, 1), _month_end(year, month), False)


def _quarter(year: int, q: int) -> Period:
    return Period(f"{year}-Q{q}", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), True)


def month_of(day: dt.date) -> Period:
    """The month holding `day`."""
    return _month(day.year, day.month)


def quarter_of(day: dt.date) -> Period:
    """The quarter holding `day` (January–March is Q1)."""
    return _quarter(day.year, (day.month - 1) // 3 + 1)


def default_period(today: dt.date, quarterly: bool) -> str:
    """The key of the last ended month (YYYY-MM) or quarter (YYYY-Qn) as of `today`."""
    under_way = quarter_of(today) if quarterly else month_of(today)
    return under_way.previous().key


def period_choices(today: dt.date, quarterly: bool, count: int = 24) -> list[str]:
    """The keys of the period under way and the ones before it (`count` months' worth), newest first."""
    p = quarter_of(today) if quarterly else month_of(today)
    keys = []
    for _i in range(count // 3 + 1 if quarterly else count + 1):
        keys.append(p.key)
        p = p.previous()
    return keys


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _in_window(text: str, y: int) -> None:
    """Refuse a period of the year `y` outside the window's years (whole years, so a quarter's months pass)."""
    first, last = window_years()
    if not first <= y <= last:
        raise UsageError(_("The period {text} is outside the years Closeloop accepts ({first} to {last}); "
                           "check the year.").format(text=visible(text.strip()), first=first, last=last))


def month_period(text: str) -> Period:
    m = _MONTH.match(ascii_digits(text).strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise UsageError(_("'{text}' is not a month; write it as YYYY-MM, e.g. 2026-03.").format(text=visible(text)))
    y, mo = int(m[1]), int(m[2])
    _in_window(text, y)
    return _month(y, mo)


def quarter_period(text: str) -> Period:
    m = _QUARTER.match(ascii_digits(text).strip())
    if not m:
        raise UsageError(_("'{text}' is not a quarter; write it as YYYY-Qn, e.g. 2026-Q1.").format(text=visible(text)))
    y, q = int(m[1]), int(m[2])
    _in_window(text, y)
    return _quarter(y, q)


def parse_period(text: str) -> Period:
    """A month or a quarter, or a UsageError naming both forms."""
    t = ascii_digits(text).strip()
    if _MONTH.match(t):
        return month_period(t)
    if _QUARTER.match(t):
        return quarter_period(t)
    raise UsageError(_("'{text}' is neither a month (YYYY-MM) nor a quarter (YYYY-Qn).").format(text=visible(text)))
