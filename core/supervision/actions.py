"""Accountability actions (问责): 约谈 talk, 通报批评 criticism, 责令整改 rectify_order, 组织处理 disciplinary.

Contract: `add_action(s, unit, kind, on, text, *, person="", finding_id=None, attachments=())`
(hub, a writing user) records an action against a unit and optionally a named person (added to
the unit's people when not yet known: `Changes.notes` says so), with a date (not in the future),
a text and evidence files, optionally following a finding (`finding_id`, a finding of the same
unit). A 通报批评 is one `criticism` row (core.scoring.store.add_criticism), whichever command
makes it, so it deducts `monthly.public_criticism` once; the other kinds are `accountability`
rows with their files in `accountability_evidence`, audited `action_add`, and move no points.
Every refusal (unknown kind, unit or finding, a finding of another unit, a date in the future,
an empty text, a missing or oversized file) changes nothing. Runs on the caller's thread and
connection.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from core import clock
from core.errors import Refusal, UsageError
from core.evidence import store_file
from core.i18n import _
from core.office import Changes, Session
from core.scoring import store
from core.text_checks import check_line

KINDS = ("talk", "criticism", "rectify_order", "disciplinary")


def _check_finding(s: Session, finding_id: int | None, unit_code: str) -> None:
    if finding_id is None:
        return
    row = s.db.execute("SELECT u.code FROM finding f JOIN unit u ON u.id = f.unit_id WHERE f.id = ?",
                       [finding_id]).fetchone()
    if row is None:
        raise Refusal(_("There is no finding {id}; 'finding add' prints the id.").format(id=finding_id))
    if row[0].upper() != unit_code.strip().upper():
        raise Refusal(_("Finding {id} is about {code}, not {unit}; an action follows a finding of its own unit.")
                      .format(id=finding_id, code=row[0], unit=unit_code.strip().upper()))


def add_action(s: Session, unit_code: str, kind: str, on: dt.date, text: str, *, person: str = "",
               finding_id: int | None = None, attachments: Sequence[Path | str] = ()) -> Changes:
    """Record an accountability action (see the module contract)."""
    from core.supervision.people import ensure_person

    if kind not in KINDS:
        raise UsageError(_("'{kind}' is not an action kind; choose talk, criticism, rectify_order or "
                           "disciplinary.").format(kind=kind))
    _check_finding(s, finding_id, unit_code)
    if kind == "criticism":
        return store.add_criticism(s, unit_code, on, text, person, attachments, finding_id=finding_id)
    unit, files = store.entry_checks(s, unit_code, on, text, attachments)
    person = check_line(person, _("The person's name")).strip()
    changes = Changes()
    with s.write():
        note = ensure_person(s, unit, person)
        changes.notes += [note] if note else []
        row = s.synced_row(unit_id=unit.id, kind=kind, date=on.isoformat(), text=text.strip(), person=person,
                           finding_id=finding_id, user_name=s.user.name, created_at=clock.now_utc())
        action_id = int(s.db["accountability"].insert(row).last_pk)
        stored = [store_file(s.path, f) for f in files]
        for f in stored:
            s.db["accountability_evidence"].insert(s.synced_row(action_id=action_id, sha256=f.sha256, name=f.name,
                                                                size=f.size))
        s.audit("action_add", ref=unit.code, row_uuid=str(row["uuid"]), effective_date=on, kind=kind,
                text=text.strip(), person=person, finding=finding_id, files=[f.name for f in stored])
    return changes
