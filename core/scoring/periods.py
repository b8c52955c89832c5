"""Scoring periods: a month 'YYYY-MM' or a quarter 'YYYY-Qn'."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.errors import UsageError
from core.i18n import _

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


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


def month_period(text: str) -> Period:
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m[2]) <= 12:
        raise UsageError(_("'{text}' is not a month; write it as YYYY-MM, e.g. 2026-03.").format(text=text))
    y, mo = int(m[1]), int(m[2])
    return Period(f"{y}-{mo:02d}", dt.date(y, mo, 1), _month_end(y, mo), False)


def quarter_period(text: str) -> Period:
    m = _QUARTER.match(text.strip())
    if not m:
        raise UsageError(_("'{text}' is not a quarter; write it as YYYY-Qn, e.g. 2026-Q1.").format(text=text))
    y, q = int(m[1]), int(m[2])
    return Period(f"{y}-Q{q}", dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q), True)


def parse_period(text: str) -> Period:
    """A month or a quarter, or a UsageError naming both forms."""
    t = text.strip()
    if _MONTH.match(t):
        return month_period(t)
    if _QUARTER.match(t):
        return quarter_period(t)
    raise UsageError(_("'{text}' is neither a month (YYYY-MM) nor a quarter (YYYY-Qn).").format(text=text))
