"""The 发文字号 register: one number per official document, kept for its reprints (docs/design.md §9).

Contract: `number_for(db, kind, subject, *, prefix, on)` → the document number text
(e.g. 示督〔2026〕157号) of the document `kind` ('notice', 'urge', 'monthly',
'quarterly') about `subject` (the task number; the REF and the day of an urge notice;
the period key of a bulletin). The first print takes the next number of the kind in
the year of `on` (1, 2, …) with the office's 机关代字 `prefix` as it is then, and stores
it in `document_number` (migration m008_document_numbers, local, never synced); every
later print of the same kind and subject (a reprint) gets the stored text unchanged,
even after the prefix changed. The number is taken in its own short IMMEDIATE
transaction (or inside the caller's), after the document's refusals and before the
file is written. Any thread that owns `db`.
"""
from __future__ import annotations

import datetime as dt

import sqlite_utils

from core.reports.layout import doc_number

KINDS = ("notice", "urge", "monthly", "quarterly", "supervision")


def stored_number(db: sqlite_utils.Database, kind: str, subject: str) -> str | None:
    """The number already given to the document, if it was printed before."""
    row = db.execute("SELECT number FROM document_number WHERE kind = ? AND subject = ?", [kind, subject]).fetchone()
    return row[0] if row else None


def number_for(db: sqlite_utils.Database, kind: str, subject: str, *, prefix: str, on: dt.date) -> str:
    """The document's number, given now if it has none (see the module contract)."""
    if kind not in KINDS:
        raise ValueError(kind)
    known = stored_number(db, kind, subject)
    if known is not None:
        return known
    own = not db.conn.in_transaction
    if own:
        db.conn.execute("BEGIN IMMEDIATE")
    try:
        known = stored_number(db, kind, subject)    # another window may have printed it meanwhile
        if known is None:
            n = db.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM document_number WHERE kind = ? AND year = ?",
                           [kind, on.year]).fetchone()[0]
            known = doc_number(prefix, on.year, n)
            db.execute("INSERT INTO document_number (kind, subject, year, n, number, issued_on) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [kind, subject, on.year, n, known, on.isoformat()])
        if own:
            db.conn.execute("COMMIT")
    except BaseException:
        if own:
            db.conn.execute("ROLLBACK")
        raise
    return known
