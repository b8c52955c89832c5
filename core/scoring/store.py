"""The hub's entries behind the scores: bonuses, public criticism, panel scores.

Contract: each write checks its input first (a known unit and leader, a date not
in the future, a panel score 0–10), refuses with a sentence and changes nothing
otherwise; it needs a writing user in the hub office, runs in one transaction,
is audited, and returns `Changes`. Panel scores are never overwritten: a new row
supersedes the earlier one for the same leader, unit and month (latest wins).
"""
from __future__ import annotations

import datetime as dt

from core import clock
from core.directory import leader_by_name, unit_by_code
from core.errors import Refusal, UsageError
from core.i18n import _
from core.office import Changes, Session
from core.scoring.events import BONUS_KINDS
from core.scoring.periods import month_period


def _checks(s: Session, on: dt.date, text: str) -> None:
    s.require_write()
    s.require_hub()
    if on > s.today:
        raise Refusal(_("The date {date} is in the future; enter what has happened, on or before {today}.")
                      .format(date=on.isoformat(), today=s.today.isoformat()))
    if not text.strip():
        raise UsageError(_("Write what it was about with --text."))


def add_bonus(s: Session, unit_code: str, kind: str, on: dt.date, text: str, person: str = "") -> Changes:
    """Record a bonus event (肯定性批示, 表彰奖励, 通报表扬, 典型发言) for a unit."""
    if kind not in BONUS_KINDS:
        raise UsageError(_("'{kind}' is not a bonus kind; choose approving_instruction, commendation, "
                           "public_praise or typical_speech.").format(kind=kind))
    _checks(s, on, text)
    unit = unit_by_code(s.db, unit_code)
    with s.write():
        row = s.synced_row(unit_id=unit.id, kind=kind, date=on.isoformat(), text=text.strip(),
                           person=person.strip(), user_name=s.user.name, created_at=clock.now_utc())
        s.db["bonus"].insert(row)
        s.audit("bonus_add", ref=unit.code, row_uuid=str(row["uuid"]), effective_date=on, kind=kind,
                text=text.strip(), person=person.strip())
    return Changes()


def add_criticism(s: Session, unit_code: str, on: dt.date, text: str, person: str = "") -> Changes:
    """Record a public criticism (通报批评) of a unit."""
    _checks(s, on, text)
    unit = unit_by_code(s.db, unit_code)
    with s.write():
        row = s.synced_row(unit_id=unit.id, date=on.isoformat(), text=text.strip(), person=person.strip(),
                           user_name=s.user.name, created_at=clock.now_utc())
        s.db["criticism"].insert(row)
        s.audit("criticism_add", ref=unit.code, row_uuid=str(row["uuid"]), effective_date=on,
                text=text.strip(), person=person.strip())
    return Changes()


def set_panel_score(s: Session, month: str, leader_name: str, unit_code: str, score: float) -> Changes:
    """A leader's 0–10 score of a unit for a month; supersedes that leader's earlier one."""
    s.require_write()
    s.require_hub()
    period = month_period(month)
    if not 0 <= score <= 10:
        raise Refusal(_("A panel score is from 0 to 10; {score} is not.").format(score=score))
    if period.first > s.today:
        raise Refusal(_("The month {month} has not begun; panel scores are given for a month under way or "
                        "past.").format(month=period.key))
    leader = leader_by_name(s.db, leader_name)
    unit = unit_by_code(s.db, unit_code)
    with s.write():
        row = s.synced_row(month=period.key, leader_id=leader.id, unit_id=unit.id, score=float(score),
                           user_name=s.user.name, created_at=clock.now_utc())
        s.db["panel_score"].insert(row)
        s.audit("panel_set", ref=f"{period.key}/{unit.code}", row_uuid=str(row["uuid"]), leader=leader.name,
                score=float(score))
    return Changes()
