"""Parsing the dates a clerk types (2026-12-04, 2026.12.4, 12.4, 12月4日, 1204 …), within a sane window.

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

The forms a clerk types (`parse_typed_date`, used by `parse_date`, the CLI and
the app's date field alike), with or without 日 at the end and spaces around:
- with the year: 2026-12-04, 2026/12/4, 2026.12.4, 2026年12月4日, 20261204;
- without it: 12-4, 12/4, 12.4, 12月4日, 1204 (MMDD). A year-less date is the
  one of that month and day nearest to today (last year, this year or next
  year): on 2026-12-07, 1.6 is 2027-01-06 and 11.20 is 2026-11-20. A clerk
  types a date of the weeks around today; the field shows the year it chose.
A field may narrow the window (`minimum`, `maximum`: an action never before
its assignment nor after today); the refusal says which bound and why.
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

_DATE = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$", re.ASCII)
_MONTH_DAY = re.compile(r"^([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$", re.ASCII)
_DIGITS = re.compile(r"^([0-9]{4})?([0-9]{2})([0-9]{2})$", re.ASCII)  # 20261204 or 1204


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
    """The date in `text` (any form of `parse_typed_date`), or a UsageError naming `what`.

    `window`: also refuse a date outside the window (see the module contract); only
    code reading back a stored date passes False.
    """
    if isinstance(text, dt.date):
        return check_date_window(text, what=what) if window else text
    return parse_typed_date(text, clock.today(), what=what, window=window)


def parse_typed_date(text: str, today: dt.date, *, what: str = "", minimum: dt.date | None = None,
                     maximum: dt.date | None = None, window: bool = True) -> dt.date:
    """The date a clerk typed, or a UsageError whose sentence says what is wrong and how to fix it.

    Forms and the year of a year-less date: see the module contract. `minimum` and
    `maximum` narrow the window (refused with the bound in words); `window=False`
    skips every bound (reading back stored dates).
    """
    cleaned = ascii_digits(text or "").strip()
    parts = _parts(cleaned)
    if parts is None:
        raise UsageError(_prefix(what, _("'{text}' is not a date; write it as 2026-12-04, 2026.12.4, 12.4, "
                                         "12月4日 or 1204.").format(text=visible(text))))
    year, month, day = parts
    if not 1 <= month <= 12:
        raise UsageError(_prefix(what, _("'{text}' is not a date: there is no month {month}; "
                                         "write the month as 1 to 12.").format(text=visible(text), month=month)))
    try:
        d = dt.date(year, month, day) if year is not None else _nearest(month, day, today)
    except ValueError:
        raise UsageError(_prefix(what, _("'{text}' is not a date: month {month} has no day {day}; "
                                         "check the day.").format(text=visible(text), month=month, day=day))
                         ) from None
    if not window:
        return d
    check_date_window(d, what=what, today=today)
    if minimum is not None and d < minimum:
        raise UsageError(_prefix(what, _("{date} is before {first}, the earliest date allowed here; "
                                         "check the date.").format(date=d.isoformat(), first=minimum.isoformat())))
    if maximum is not None and d > maximum:
        raise UsageError(_prefix(what, _("{date} is after {last}, the latest date allowed here; "
                                         "check the date.").format(date=d.isoformat(), last=maximum.isoformat())))
    return d


def _parts(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) as typed, or None when the text has none of the forms."""
    for pattern in (_DATE, _DIGITS):
        m = pattern.match(text)
        if m:
            return (int(m[1]) if m[1] else None), int(m[2]), int(m[3])
    m = _MONTH_DAY.match(text)
    if m:
        return None, int(m[1]), int(m[2])
    return None


def _nearest(month: int, day: int, today: dt.date) -> dt.date:
    """The date of that month and day nearest to today (last, this or next year); ValueError if none exists."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:  # 2-29 in a common year
            continue
    if not candidates:
        raise ValueError(f"no {month}-{day}")
    return min(candidates, key=lambda d: (abs((d - today).days), d))


def _prefix(what: str, sentence: str) -> str:
    return _("{what}: {sentence}").format(what=what, sentence=sentence) if what else sentence


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def from_iso(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None
