"""What characters a clerk may type into names, titles, codes and texts, checked in one place.

Contract: each check returns the text as it will be stored (stripped; codes also
NFKC-normalised, so full-width ＴＧＺ is TGZ) or raises `UsageError` naming the
field (`what`, a translated noun phrase), the character (as U+XXXX, never the
raw character: an escape sequence must not reach the terminal) and its position.
- `check_line(text, what)`: one line (a unit, leader, user or person's name, a job
  title, a task or meeting title). Refused: every C0/C1 control character
  (line breaks and tabs included), DEL, and the invisible formatting characters
  (bidi overrides and isolates, zero-width characters, line/paragraph separators).
- `check_text(text, what)`: a multi-line text (task content, report texts,
  reasons, plans, milestones, entry texts). Line breaks (\\n, \\r\\n) and tabs are
  allowed; other controls and bidi overrides/isolates are refused; zero-width
  characters pass (web pages are full of them and they cannot spoof anything here).
- `check_code(code, what)`: a unit code, part of every REF (TASKNO/UNITCODE):
  1 to 16 of the ASCII letters, digits, '-' and '_', starting with a letter or a
  digit. No '/', no spaces, no CJK (a code is typed on the command line and read
  aloud on the phone; the unit's name carries the Chinese).
Pure functions; no I/O.
"""
from __future__ import annotations

import re
import unicodedata

from core.errors import UsageError
from core.i18n import _

MAX_CODE = 16
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*", re.ASCII)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad")
_SEPARATORS = frozenset("\u2028\u2029\x85")


def _is_control(c: str) -> bool:
    return unicodedata.category(c) == "Cc"


def visible(text: str) -> str:
    """`text` with every control or invisible character written as U+XXXX (safe to print)."""
    return "".join(c if c.isprintable() and c not in _BIDI | _ZERO_WIDTH else f"U+{ord(c):04X}" for c in text)


def _refuse(what: str, text: str, i: int, control: bool) -> UsageError:
    char = f"U+{ord(text[i]):04X}"
    if control:
        return UsageError(_("{what} contains the control character {char} at character {n}; remove it and "
                            "enter it again.").format(what=what, char=char, n=i + 1))
    return UsageError(_("{what} contains the invisible formatting character {char} at character {n}; remove "
                        "it and enter it again.").format(what=what, char=char, n=i + 1))


def check_line(text: str, what: str) -> str:
    """One line of text, stripped, or a UsageError (see the module contract)."""
    for i, c in enumerate(text):
        if _is_control(c) or c in _SEPARATORS:
            raise _refuse(what, text, i, True)
        if c in _BIDI or c in _ZERO_WIDTH:
            raise _refuse(what, text, i, False)
    return text.strip()


def check_text(text: str, what: str) -> str:
    """A multi-line text, stripped, or a UsageError (see the module contract)."""
    for i, c in enumerate(text):
        if c in "\n\t" or (c == "\r" and text[i + 1:i + 2] == "\n"):
            continue
        if _is_control(c):
            raise _refuse(what, text, i, True)
        if c in _BIDI:
            raise _refuse(what, text, i, False)
    return text.strip()


def check_code(code: str, what: str) -> str:
    """A unit code, NFKC-normalised and stripped, or a UsageError (see the module contract)."""
    text = unicodedata.normalize("NFKC", code).strip()
    if _CODE.fullmatch(text) and len(text) <= MAX_CODE:
        return text
    raise UsageError(_("{what} {code} is not a code: use 1 to {most} letters A-Z, digits 0-9, '-' or '_', "
                       "starting with a letter or digit, e.g. TGZ.").format(what=what, code=visible(code.strip()),
                                                                             most=MAX_CODE))
