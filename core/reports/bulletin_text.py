"""The clerk's next-step requirements (下步工作要求) of a month's bulletin, kept between sessions.

Contract: `set_requirements(s, month, text)` stores the text for the month
(YYYY-MM) in the settings table (a hub clerk or administrator; one transaction,
audited as `bulletin_requirements`); an empty text removes it. Text equal to the
stored one writes nothing. `requirements(db, month)` reads it back ("" when none).
Paragraphs are separated by blank lines or single newlines; `paragraphs(text)`
splits them. Runs on the caller's thread with its connection.
"""
from __future__ import annotations

import sqlite_utils

from core.errors import UsageError
from core.i18n import _
from core.office import Changes, Session, get_setting, set_setting
from core.scoring.periods import month_period

MAX_CHARS = 5000
PREFIX = "bulletin_requirements:"


def requirements(db: sqlite_utils.Database, month: str) -> str:
    """The stored requirements of the month, or ""."""
    return get_setting(db, PREFIX + month_period(month).key, "")


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of the clerk's text, stripped."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def set_requirements(s: Session, month: str, text: str) -> Changes:
    """Store (or, with empty text, remove) the requirements printed in the month's bulletin."""
    s.require_write()
    s.require_hub()
    key = PREFIX + month_period(month).key
    text = "\n".join(paragraphs(text))
    if len(text) > MAX_CHARS:
        raise UsageError(_("The requirements are {n} characters long; shorten them to at most {max}.")
                         .format(n=len(text), max=MAX_CHARS))
    if text == get_setting(s.db, key, ""):
        return Changes()
    with s.write():
        if text:
            set_setting(s.db, key, text)
        else:
            s.db.execute("DELETE FROM setting WHERE key = ?", [key])
        s.audit("bulletin_requirements", ref=key[len(PREFIX):], chars=len(text))
    return Changes()
