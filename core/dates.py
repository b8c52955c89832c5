"""Parsing the dates a clerk types (YYYY-MM-DD; also 2026/3/8 and 2026.3.8), within a sane window.

Contract: every date a clerk enters — on the command line, in a form, in an
imported ledger — is checked here, by `parse_date` (text) or `check_date_window`
(a date already made, e.g. from a date picker). The window runs from
`EARLIEST` (2000-01-01) to `YEARS_AHEAD` (10) years after `core.clock.today()`:
an office keeps no record from before 2000 and plans nothing a decade ahead, and
every date computed from one (a deadline, a quarter's end) stays valid. Full-width
digits (２０２６－０３－０８, common from Chinese input methods) are read as ASCII
(NFKC); other scripts' digits (٢٠٢٦) are not dates. Refusals are `UsageError`.
`check_year` and `window_years` bound a year (a calendar year, a period's year)
the same way.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

from core import clock
from core.errors import UsageError
from core.i18n import _
from core.text_checks import visible

EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 10

_DATE = re.compile(r"^\s*([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?\s*$", re.ASCII)


def latest_date(today: dt.date | None = None) -> dt.date:
    """The last date a clerk may enter: YEARS_AHEAD years after today (02-29 becomes 02-28)."""
    t = today or clock.today()
    try:
        return t.replace(year=t.year + YEARS_AHEAD)
    except ValueError:
        return t.replace(year=t.year + YEARS_AHEAD, day=28)


def window_years(today: dt.date | None = None) -> tuple[int, int]:
    """The first and last year of the window."""
    return EARLIEST.year, latest_date(today).year


def check_date_window(d: dt.date, *, what: str = "", today: dt.date | None = None) -> dt.date:
    """`d` itself, or a UsageError when it lies outside EARLIEST .. latest_date(today)."""
    last = latest_date(today)
    if EARLIEST <= d <= last:
        return d
    if what:
        raise UsageError(_("{what}: {date} is outside the dates Closeloop accepts ({first} to {last}); "
                           "check the year.").format(what=what, date=d.isoformat(), first=EARLIEST.isoformat(),
                                                     last=last.isoformat()))
    raise UsageError(_("The date {date} is outside the dates Closeloop accepts ({first} to {last}); "
                       "check the year.").format(date=d.isoformat(), first=EARLIEST.isoformat(),
                                                 last=last.isoformat()))


def check_year(year: int, *, what: str = "") -> int:
    """`year` itself, or a UsageError when it lies outside the window's years."""
    first, last = window_years()
    if first <= year <= last:
        return year
    raise UsageError(_("{what}: the year {year} is outside the years Closeloop accepts ({first} to {last}); "
                       "check the year.").format(what=what or _("Year"), year=year, first=first, last=last))


def ascii_digits(text: str) -> str:
    """`text` with full-width forms (２０２６－０３) made ASCII by NFKC; other characters kept."""
    return unicodedata.normalize("NFKC", text)


def parse_date(text: str | dt.date, *, what: str = "", window: bool = True) -> dt.date:
    """The date in `text`, or a UsageError naming `what` and the expected form.

    `window`: also refuse a date outside the window (see the module contract); only
    code reading back a stored date passes False.
    """
    if isinstance(text, dt.date):
        return check_date_window(text, what=what) if window else text
    m = _DATE.match(ascii_digits(text or ""))
    if m:
        try:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
        else:
            return check_date_window(d, what=what) if window else d
    if what:
        raise UsageError(
            _("{what}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-08.").format(
                what=what, text=visible(text))
        )
    raise UsageError(_("'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-08.").format(text=visible(text)))


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def from_iso(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None
