"""Today's date and the recorded time, in one place so tests and the demo can set them.

`today()` is the local date, or `CLOSELOOP_TODAY` (YYYY-MM-DD) when set — used by
tests and by demo databases built for a fixed day. `now_utc()` is the recorded
time of a write (ISO 8601, UTC, microseconds). `stamp(day)` is the time a clerk
reads beside a sync bundle ("written", "received up to", "last bundle received"):
`day` (the office's today, so CLOSELOOP_TODAY moves it) with the local time of
day, `YYYY-MM-DDTHH:MM:SS`, no zone — never the UTC date, which in China is the
day before until 08:00.
"""
from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    forced = os.environ.get("CLOSELOOP_TODAY")
    if forced:
        return dt.date.fromisoformat(forced)
    return dt.date.today()


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def stamp(day: dt.date | None = None) -> str:
    """The office's day (`today()` when None) with the local wall time; see the module contract."""
    wall = dt.datetime.now().time().replace(microsecond=0)
    return dt.datetime.combine(day or today(), wall).isoformat()
