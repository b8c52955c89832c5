"""Parsing the dates a clerk types (YYYY-MM-DD; also 2026/3/8 and 2026.3.8)."""
from __future__ import annotations

import datetime as dt
import re

from core.errors import UsageError
from core.i18n import _

_DATE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*$")


def parse_date(text: str | dt.date, *, what: str = "") -> dt.date:
    """The date in `text`, or a UsageError naming `what` and the expected form."""
    if isinstance(text, dt.date):
        return text
    m = _DATE.match(text or "")
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    if what:
        raise UsageError(
            _("{what}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-08.").format(
                what=what, text=text)
        )
    raise UsageError(_("'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-08.").format(text=text))


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def from_iso(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None
