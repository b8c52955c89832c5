"""Printing for the CLI: JSON (stable, documented in README) and plain tables.

Numbers, dates and percentages go through babel in the active language.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from core.i18n import _, babel_locale


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def _default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)


def percent(rate: float | None) -> str:
    """96.875% → '96.9%' (one decimal, DESIGN.md §5); '—' when nothing is counted."""
    if rate is None:
        return "—"
    from babel.numbers import format_percent

    return format_percent(rate, "#,##0.0%", locale=babel_locale())


def number(n: int) -> str:
    from babel.numbers import format_decimal

    return format_decimal(n, locale=babel_locale())


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, w: int) -> str:
    return text + " " * max(0, w - width(text))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_width: int = 40) -> None:
    """A plain aligned table (CJK characters count double)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    cells = [[c if width(c) <= max_width else _clip(c, max_width) for c in r] for r in cells]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    out = sys.stdout
    for n, r in enumerate(cells):
        out.write("  ".join(pad(c, widths[i]) for i, c in enumerate(r)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _clip(text: str, w: int) -> str:
    out = ""
    for ch in text:
        if width(out + ch) > w - 1:
            return out + "…"
        out += ch
    return out


def say(text: str) -> None:
    sys.stdout.write(text + "\n")




def light_name(light: str | None) -> str:
    return {"red": _("red"), "yellow": _("yellow"), "green": _("green")}.get(light or "", "")
