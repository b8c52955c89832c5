"""Scoring periods: a month 'YYYY-MM' or a quarter 'YYYY-Qn'.

Contract: `month_period`, `quarter_period` and `parse_period` read a period a
clerk typed (full-width digits read as ASCII, other scripts' digits refused) and
refuse, with a UsageError, one outside the years of the window of dates a clerk
may enter (core.dates: 2000 to ten years after today).
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
        return [month_period(f"{self.first.year}-{m:02d}") for m in range(self.first.month, self.first.month + 3)]


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
    return Period(f"{y}-{mo:02d}", dt.date(y, mo, 1), _month_end(y, mo), False)


def quarter_period(text: str) -> Period:
    m = _QUARTER.match(ascii_digits(text).strip())
    if not m:
        raise UsageError(_("'{text}' is not a quarter; write it as YYYY-Qn, e.g. 2026-Q1.").format(text=visible(text)))
    y, q = int(m[1]), int(m[2])
    _in_window(text, y)
    return Period(f"{y}-Q{q}", dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), True)


def parse_period(text: str) -> Period:
    """A month or a quarter, or a UsageError naming both forms."""
    t = ascii_digits(text).strip()
    if _MONTH.match(t):
        return month_period(t)
    if _QUARTER.match(t):
        return quarter_period(t)
    raise UsageError(_("'{text}' is neither a month (YYYY-MM) nor a quarter (YYYY-Qn).").format(text=visible(text)))
