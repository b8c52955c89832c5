"""Today's date and the recorded time, in one place so tests and the demo can set them.

`today()` is the local date, or `CLOSELOOP_TODAY` (YYYY-MM-DD) when set — used by
tests and by demo databases built for a fixed day. `now_utc()` is the recorded
time of a write (ISO 8601, UTC, microseconds).
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
