"""The hub's entries behind the scores: bonuses, public criticism, inspection findings, panel scores.

Contract: each write checks its input first (a known, active unit and leader, a
date not in the future, a panel score 0–10, attachments that exist and fit the
attachment cap), refuses with a sentence and changes nothing otherwise (no row,
no file); it needs a writing user in the hub office, runs in one transaction,
is audited, and returns `Changes`. Evidence files are stored by content hash
(core.evidence) and linked in `entry_evidence`. Panel scores are never
overwritten: a new row supersedes the earlier one for the same leader, unit and
month (latest wins). Runs on the caller's thread and connection (the GUI: the
worker, through `ctx.write`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from core import clock
from core.dates import check_date_window
from core.directory import Unit, leader_by_name, unit_by_code
from core.errors import Refusal, UsageError
from core.evidence import check_files, store_file
from core.i18n import _
from core.office import Changes, Session, attachment_cap_bytes
from core.scoring.events import BONUS_KINDS
from core.scoring.periods import month_period
from core.text_checks import check_line, check_text


def entry_checks(s: Session, unit_code: str, on: dt.date, text: str,
            attachments: Sequence[Path | str]) -> tuple[Unit, list[Path]]:
    """Every check of an entry, before anything is written: the unit, the date, the text, the files."""
    s.require_write()
    s.require_hub()
    check_date_window(on, today=s.today)
    check_text(text, _("The text"))
    if on > s.today:
        raise Refusal(_("The date {date} is in the future; enter what has happened, on or before {today}.")
                      .format(date=on.isoformat(), today=s.today.isoformat()))
    if not text.strip():
        raise UsageError(_("The text is empty; write what it was about."))
    unit = _active_unit(s, unit_code)
    files = check_files(list(attachments), attachment_cap_bytes(s.db), s.path)
    return unit, files


def _active_unit(s: Session, unit_code: str) -> Unit:
    unit = unit_by_code(s.db, unit_code)
    if not unit.active:
        raise Refusal(_("The unit {code} {name} is inactive; reactivate it in the directory first.")
                      .format(code=unit.code, name=unit.name))
    return unit


def insert_entry(s: Session, table: str, action: str, unit: Unit, on: dt.date, text: str, person: str,
                 files: list[Path], **extra: object) -> int:
    """Insert the entry row, store and link its files, audit; returns the row id (inside s.write()).

    Also for the findings of an inspection (core.supervision.inspections), with their extra columns.
    """
    row = s.synced_row(unit_id=unit.id, **extra, date=on.isoformat(), text=text.strip(), person=person.strip(),
                       user_name=s.user.name, created_at=clock.now_utc())
    entry_id = int(s.db[table].insert(row).last_pk)
    stored = [store_file(s.path, f) for f in files]
    for f in stored:
        s.db["entry_evidence"].insert(s.synced_row(entry_kind=table, entry_id=entry_id, sha256=f.sha256,
                                                   name=f.name, size=f.size))
    s.audit(action, ref=unit.code, row_uuid=str(row["uuid"]), effective_date=on, text=text.strip(),
            person=person.strip(), files=[f.name for f in stored], **extra)
    return entry_id


def _add(s: Session, table: str, unit_code: str, on: dt.date, text: str, person: str,
         attachments: Sequence[Path | str], **extra: object) -> Changes:
    """Check everything, then insert one entry into `table` in one transaction, audited as `<table>_add`.

    A person named who is not yet known is added as a person of the unit; `Changes.notes` says so.
    """
    from core.supervision.people import ensure_person

    unit, files = entry_checks(s, unit_code, on, text, attachments)
    check_line(person, _("The person's name"))
    changes = Changes()
    with s.write():
        note = ensure_person(s, unit, person)
        changes.notes += [note] if note else []
        insert_entry(s, table, f"{table}_add", unit, on, text, person, files, **extra)
    return changes


def add_bonus(s: Session, unit_code: str, kind: str, on: dt.date, text: str, person: str = "",
              attachments: Sequence[Path | str] = ()) -> Changes:
    """Record a bonus event (肯定性批示, 表彰奖励, 通报表扬, 典型发言) for a unit, with evidence files."""
    if kind not in BONUS_KINDS:
        raise UsageError(_("'{kind}' is not a bonus kind; choose approving_instruction, commendation, "
                           "public_praise or typical_speech.").format(kind=kind))
    return _add(s, "bonus", unit_code, on, text, person, attachments, kind=kind)


def add_criticism(s: Session, unit_code: str, on: dt.date, text: str, person: str = "",
                  attachments: Sequence[Path | str] = (), finding_id: int | None = None) -> Changes:
    """Record a public criticism (通报批评) of a unit, with evidence files (deducts `monthly.public_criticism`).

    The one record of a 通报批评, whether `criticism add` or `action add --kind criticism` makes it
    (core.supervision.actions); `finding_id`: the finding it followed (a finding of the same unit).
    """
    return _add(s, "criticism", unit_code, on, text, person, attachments, finding_id=finding_id)


def add_finding(s: Session, unit_code: str, on: dt.date, text: str, person: str = "",
                attachments: Sequence[Path | str] = ()) -> Changes:
    """Record an inspection finding against a unit (deducts `monthly.finding`, unweighted, in its month)."""
    return _add(s, "finding", unit_code, on, text, person, attachments)


def set_panel_score(s: Session, month: str, leader_name: str, unit_code: str, score: float) -> Changes:
    """A leader's 0–10 score of an active unit for a month; supersedes that leader's earlier one."""
    s.require_write()
    s.require_hub()
    period = month_period(month)
    if not 0 <= score <= 10:
        raise Refusal(_("A panel score is from 0 to 10; {score} is not.").format(score=score))
    if period.first > s.today:
        raise Refusal(_("The month {month} has not begun; panel scores are given for a month under way or "
                        "past.").format(month=period.key))
    leader = leader_by_name(s.db, leader_name)
    if not leader.active:
        raise Refusal(_("The leader {name} is inactive; reactivate them in the directory first.")
                      .format(name=leader.name))
    unit = _active_unit(s, unit_code)
    with s.write():
        row = s.synced_row(month=period.key, leader_id=leader.id, unit_id=unit.id, score=float(score),
                           user_name=s.user.name, created_at=clock.now_utc())
        s.db["panel_score"].insert(row)
        s.audit("panel_set", ref=f"{period.key}/{unit.code}", row_uuid=str(row["uuid"]), leader=leader.name,
                score=float(score))
    return Changes()
