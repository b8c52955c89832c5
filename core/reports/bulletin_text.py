"""The clerk's next-step requirements (下步工作要求) of a month's bulletin, kept between sessions.

Contract: `set_requirements(s, month, text)` stores the text for the month
(YYYY-MM) in the settings table (a hub clerk or administrator; one transaction,
audited as `bulletin_requirements`); an empty text removes it. Text equal to the
stored one writes nothing. `requirements(db, month)` reads it back ("" when none).
Paragraphs are separated by blank lines or single newlines; `paragraphs(text)`
splits them. `numbered(paragraph)` reads the clerk's own numbering of one
paragraph: the requirements print under the bulletin's 三、, so a paragraph the
clerk numbered 一、 / 二、 (the top level) prints one level down as （一） /
（二） with the clerk's numbers as typed (never renumbered), one typed （一） stays,
and its lead sentence (to the first 。) is the sub-heading set in 楷体; any other
paragraph (unnumbered, 1.) is body text as typed. Runs on the caller's thread
with its connection.
"""
from __future__ import annotations

import re

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


_TOP = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．]\s*")
_SUB = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*")
_LEAD = re.compile(r"^(.*?[。！？；：])(.*)$")


def numbered(text: str) -> tuple[str, str] | None:
    """(sub-heading, rest) of a paragraph the clerk numbered 一、 or （一）, the number as （一）; else None."""
    m = _TOP.match(text) or _SUB.match(text)
    if m is None:
        return None
    body = text[m.end():]
    lead = _LEAD.match(body)
    head, rest = (lead.group(1), lead.group(2)) if lead else (body, "")
    return f"（{m.group(1)}）{head}", rest


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
