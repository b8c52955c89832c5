"""干部实绩档案: a person's cadre record as a list document (issue 16).

Contract: `render_cadre_record(db, out, person, *, as_of=None, fonts=None)` prints the record
of `person` (a core.supervision.people.Person) — every recognition, accountability action and
finding naming them (`people.record`), oldest first: 序号, date, category, kind, text and
source — as a landscape A4 table (layout.table_document) titled with their name, the subtitle
their unit, post and the day printed (`as_of`, default today), and returns the page count. A
person with no entry prints the table's header and a footer saying so. Reads only; the
caller's thread; the file is written atomically.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils

from core import clock
from core.format import count, long_date, medium_date, serial
from core.i18n import _, ngettext
from core.reports.fonts import FontSet, register_fonts
from core.reports.layout import table_document
from core.supervision.kinds import CATEGORY_WORDS
from core.supervision.people import KIND_WORDS, Person, record


def render_cadre_record(db: sqlite_utils.Database, out: Path | str, person: Person, *,
                        as_of: dt.date | None = None, fonts: FontSet | None = None) -> int:
    """Write `person`'s cadre record to `out` (see the module contract); returns the page count."""
    day = as_of or clock.today()
    entries = record(db, person)
    rows = [(serial(n), medium_date(e.on), _(CATEGORY_WORDS[e.category]), _(KIND_WORDS[e.kind]), e.text, e.source)
            for n, e in enumerate(entries, 1)]
    post = person.post or "—"
    subtitle = _("{unit_name}, {post}; as of {date}").format(unit_name=person.unit_name, post=post,
                                                            date=long_date(day))
    footer = (ngettext("{n} entry.", "{n} entries.", len(entries)).format(n=count(len(entries))) if entries
              else _("No recognition or accountability entry names this person."))
    return table_document(out, fonts=fonts or register_fonts(db),
                          title=_("Cadre record of {name}").format(name=person.name), subtitle=subtitle,
                          columns=[_("Entry"), _("Date"), _("Category"), _("Kind"), _("Text"), _("Source")],
                          rows=rows, footer=footer, col_widths=[0.6, 1.6, 1.2, 1.4, 5.0, 3.2])
