"""台账: the ledger as filtered, printed (issue 5, document 6).

Contract: `render_ledger(db, out, flt, *, sort="task_no", as_of=None)` prints the
assignments `core.work.ledger.ledger_ids(db, flt, as_of=…, sort=…)` selects, in that
order, with the rows of `core.work.ledger.ledger_rows` — so the PDF shows exactly the
rows the ledger page and `task list` show for the same filter — as a landscape
A4 table; each light is printed as a word AND as the cell's colour (red, yellow,
green), so it reads in black-and-white print too. Returns the page count. An
unknown unit or leader in the filter is refused before any file is made. Read
only; runs on the caller's thread (2,000 rows take a couple of seconds: the GUI
calls it through its worker).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from core import clock, directory
from core.format import count, serial
from core.i18n import N_, _, ngettext
from core.reports.tables import LIGHT_COLOURS, Column, TableDoc, date_text, render_table
from core.work import ledger
from core.work.actions import STATE_NAMES
from core.work.ledger import step_text  # the ledger page's phrases; also imported from here

LIGHT_NAMES = {"red": N_("red"), "yellow": N_("yellow"), "green": N_("green")}
ROLE_NAMES = {"lead": N_("lead"), "co": N_("co")}
KIND_NAMES = {"township": N_("townships"), "department": N_("departments")}
CATEGORY_NAMES = {"general": N_("general items"), "major": N_("major items")}
SOURCE_NAMES = {"meeting": N_("meeting"), "instruction": N_("instruction"), "inspection": N_("inspection"),
                "other": N_("other")}


def filter_text(flt: ledger.LedgerFilter) -> str:
    """The filter in words, for the document's subtitle ('' for the whole ledger)."""
    parts = []
    if flt.unit:
        parts.append(_("unit {code}").format(code=flt.unit.upper()))
    if flt.leader:
        parts.append(_("leader {name}").format(name=flt.leader))
    if flt.state == "open":
        parts.append(_("open assignments"))
    elif flt.state:
        parts.append(_("state: {state}").format(state=_(STATE_NAMES[flt.state])))
    if flt.light:
        parts.append(_("light: {light}").format(light=_(LIGHT_NAMES[flt.light])))
    if flt.kind:
        parts.append(_(KIND_NAMES.get(flt.kind, flt.kind)))
    if flt.category:
        parts.append(_(CATEGORY_NAMES.get(flt.category, flt.category)))
    if flt.source:
        parts.append(_("source: {source}").format(source=_(SOURCE_NAMES.get(flt.source, flt.source))))
    if flt.date_from and flt.date_to:
        parts.append(_("assigned {start} to {end}").format(start=date_text(flt.date_from), end=date_text(flt.date_to)))
    elif flt.date_from:
        parts.append(_("assigned from {start}").format(start=date_text(flt.date_from)))
    elif flt.date_to:
        parts.append(_("assigned until {end}").format(end=date_text(flt.date_to)))
    if flt.search:
        parts.append(_("search “{text}”").format(text=flt.search))
    if flt.new_only:
        parts.append(_("new since the last import"))
    return _("; ").join(parts)


def check_filter(db: sqlite_utils.Database, flt: ledger.LedgerFilter) -> None:
    """Refuse a filter naming a unit or leader that does not exist (the same sentences as `task list`)."""
    if flt.unit:
        directory.unit_by_code(db, flt.unit)
    if flt.leader:
        directory.leader_by_name(db, flt.leader)


def ledger_table(rows: Sequence[ledger.LedgerRow], as_of: dt.date, *, title: str, subtitle: str,
                 with_unit: bool = True) -> TableDoc:
    """Ledger rows as a TableDoc (shared with the unit's list, which leaves out the unit column)."""
    # the date columns fit 2026年12月14日 (a date never wraps); the rows of the header's year print 12月14日
    cols = [Column(_("No."), 9, wrap=False, align="CENTER"), Column(_("Task no."), 18, wrap=False),
            Column(_("Item"), 58 if with_unit else 80)]
    if with_unit:
        cols.append(Column(_("Unit"), 26))
    cols += [Column(_("Role"), 11, label=True), Column(_("Leader"), 16, fit=True),
             Column(_("Assigned"), 26, wrap=False), Column(_("Completion due"), 26, wrap=False),
             Column(_("State"), 17, label=True), Column(_("Light"), 12, label=True),
             Column(_("Next step"), 30)]
    light_col = len(cols) - 2
    body: list[list[str]] = []
    fills: dict[tuple[int, int], Any] = {}
    for i, r in enumerate(rows):
        row = [serial(i + 1), r.task_no, r.title]
        if with_unit:
            row.append(r.unit_name)
        row += [_(ROLE_NAMES[r.role]), r.leader, date_text(r.assigned_on, as_of.year), date_text(r.due, as_of.year),
                _(STATE_NAMES[r.state]), _(LIGHT_NAMES[r.light]) if r.light else "",
                step_text(r.next_step, r.next_due, as_of)]
        body.append(row)
        if r.light:
            fills[(i, light_col)] = LIGHT_COLOURS[r.light]
    footer = ngettext("{n} assignment in total.", "{n} assignments in total.", len(rows)).format(
        n=count(len(rows)))
    return TableDoc(title, subtitle, cols, body, footer, fills=fills)


def render_ledger(db: sqlite_utils.Database, out: Path | str, flt: ledger.LedgerFilter, *,
                  sort: str | None = None, descending: bool = False, as_of: dt.date | None = None,
                  limit: int | None = None, fonts: Any | None = None) -> int:
    """Print the ledger as `flt` and `sort` select it (the first `limit` rows if given), as of
    `as_of` (default today); returns the page count."""
    as_of = as_of or clock.today()
    check_filter(db, flt)
    ids = ledger.ledger_ids(db, flt, as_of=as_of, sort=sort or "task_no", descending=descending, limit=limit)
    rows = ledger.ledger_rows(db, ids, as_of=as_of)
    what = filter_text(flt)
    subtitle = (_("{filter}, as of {date}").format(filter=what, date=date_text(as_of)) if what
                else _("All assignments, as of {date}").format(date=date_text(as_of)))
    doc = ledger_table(rows, as_of, title=_("Supervision ledger"), subtitle=subtitle)
    if fonts is None:
        from core.reports.fonts import register_fonts

        fonts = register_fonts(db)
    return render_table(out, doc, fonts)
