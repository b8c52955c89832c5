"""A unit's own list of open assignments, most urgent first (issue 5, document 7).

Contract: `render_unit_list(db, out, unit_code, *, as_of=None)` prints the open
assignments of the unit `unit_code` — red first, then yellow, then green, each
by the due of its next step (the ledger's `light` order) — as a landscape A4
table for the unit's office, with the counts per light in the subtitle, and
returns the page count. It works the same in a unit's own database and for any
unit in the hub's. An unknown unit is refused before any file is made. Read
only; runs on the caller's thread.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlite_utils

from core import clock, directory
from core.format import count
from core.i18n import _, ngettext
from core.reports.ledger_pdf import ledger_table
from core.reports.tables import date_text, render_table
from core.work import ledger


def unit_rows(db: sqlite_utils.Database, unit_code: str, as_of: dt.date) -> tuple[directory.Unit,
                                                                                    list[ledger.LedgerRow]]:
    """The unit and its open assignments as of `as_of`, most urgent first."""
    unit = directory.unit_by_code(db, unit_code)
    flt = ledger.LedgerFilter(unit=unit.code, state="open")
    ids = ledger.ledger_ids(db, flt, as_of=as_of, sort="light")
    return unit, ledger.ledger_rows(db, ids, as_of=as_of)


def render_unit_list(db: sqlite_utils.Database, out: Path | str, unit_code: str, *,
                     as_of: dt.date | None = None, fonts: Any | None = None) -> int:
    """Print the open assignments of `unit_code` as of `as_of` (default today); returns the page count."""
    as_of = as_of or clock.today()
    unit, rows = unit_rows(db, unit_code, as_of)
    counts = {light: sum(1 for r in rows if r.light == light) for light in ledger.LIGHTS}
    lights = _("red {red}, yellow {yellow}, green {green}").format(
        **{k: count(v) for k, v in counts.items()})
    subtitle = _("As of {date}: {lights}").format(date=date_text(as_of), lights=lights)
    doc = ledger_table(rows, as_of, title=_("Open assignments of {unit}").format(unit=unit.name),
                       subtitle=subtitle, with_unit=False)
    doc.footer = ngettext("{n} open assignment.", "{n} open assignments.", len(rows)).format(
        n=count(len(rows)))
    if fonts is None:
        from core.reports.fonts import register_fonts

        fonts = register_fonts(db)
    return render_table(out, doc, fonts)
