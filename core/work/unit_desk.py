"""The unit's desk (我的事项): a unit's own assignments grouped by what is due next.

Contract: `desk_groups(db, unit_id, today)` returns the six groups of GROUPS, in
that order (the order a clerk works them), each with its rows (possibly none):
- `overdue` (已逾期): open, not yet submitted, and the next pending step's due
  (claim, first report or completion) is before `today`;
- `today` (今天到期): that due is `today`;
- `soon` (三天内): that due is within the next three days (today+1 … today+3);
- `later` (以后到期): that due is later still (an item with no pending due, e.g.
  claimed and reported with an extension in force, has its completion due);
- `submitted` (待县里销号): the completion is submitted, the county office has
  not closed it (nor returned it) yet;
- `closed` (已办结): closed in the last CLOSED_DAYS days (`today` included),
  newest first.
Cancelled assignments and those closed earlier are not on the desk. Open rows
come by next due, then task number; submitted ones by submission day.
Each row carries the role (lead / co), the lead unit's name for a co row, the
light as of `today` (core.work.workflow.light: the warn days of the rules in
force), the dues, the state, the pending extension and the hub's latest word:
the latest of return (with its reason), urge (text, follow-up day), extension
approved (the new due) and extension refused (the reason), by effective date
then record order. `hub_word_text(word)` puts that word in one sentence.
`unit_id` None (a unit office never enrolled) gives six empty groups.
Read-only; any thread that owns `db`. Refuses (core.errors.Refusal) a status
cache edited outside the app, as the ledger does (core.work.status_check.guard).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlite_utils

from core.dates import from_iso
from core.format import medium_date
from core.i18n import N_, _
from core.work import status_check
from core.work.ledger import warn_days

GROUPS = ("overdue", "today", "soon", "later", "submitted", "closed")
GROUP_TITLES = {"overdue": N_("Overdue"), "today": N_("Due by the end of today"), "soon": N_("Due within three days"),
                "later": N_("Due later"), "submitted": N_("Awaiting the county office's close-out"),
                "closed": N_("Closed in the last 30 days")}
SOON_DAYS = 3
CLOSED_DAYS = 30
HUB_WORDS = ("return", "urge", "extension_approve", "extension_reject")


@dataclass(frozen=True)
class HubWord:
    """The county office's latest word on an assignment: `value` is the new due or the follow-up day."""

    kind: str
    on: dt.date
    text: str
    value: dt.date | None


@dataclass(frozen=True)
class DeskRow:
    assignment_id: int
    ref: str
    task_no: str
    title: str
    role: str                    # lead | co
    lead_unit: str               # the lead unit's name on a co row, else ""
    state: str
    light: str | None            # red | yellow | green; None when closed
    claim_due: dt.date
    report_due: dt.date
    due: dt.date                 # the completion due in force
    next_step: str | None        # claim | report | completion; None when nothing is pending
    next_due: dt.date | None
    pending_extension: dt.date | None
    submitted_on: dt.date | None
    closed_on: dt.date | None
    hub_word: HubWord | None


@dataclass(frozen=True)
class DeskGroup:
    key: str                     # one of GROUPS
    rows: tuple[DeskRow, ...]

    @property
    def title(self) -> str:
        return _(GROUP_TITLES[self.key])


def hub_word_text(word: HubWord | None) -> str:
    """The hub's latest word as one sentence ('Returned on 2026年3月9日: …'); empty for None."""
    if word is None:
        return ""
    day = medium_date(word.on)
    if word.kind == "return":
        return _("Returned on {date}: {reason}").format(date=day, reason=word.text)
    if word.kind == "extension_approve":
        until = medium_date(word.value) if word.value else ""
        return _("Extension approved on {date}: now due {until}").format(date=day, until=until)
    if word.kind == "extension_reject":
        return _("Extension refused on {date}: {reason}").format(date=day, reason=word.text)
    if word.value is not None and word.text:
        return _("Urged on {date}; follow-up by {follow_up}: {text}").format(
            date=day, follow_up=medium_date(word.value), text=word.text)
    if word.value is not None:
        return _("Urged on {date}; follow-up by {follow_up}").format(date=day, follow_up=medium_date(word.value))
    if word.text:
        return _("Urged on {date}: {text}").format(date=day, text=word.text)
    return _("Urged on {date}").format(date=day)


def _light(next_due: dt.date | None, state: str, today: dt.date, warn: int) -> str | None:
    if state in ("closed", "cancelled"):
        return None
    if next_due is None:
        return "green"
    if next_due < today:
        return "red"
    return "yellow" if next_due <= today + dt.timedelta(days=warn - 1) else "green"


def _next_step(claimed: dt.date | None, reported: dt.date | None, submitted: dt.date | None,
               dues: tuple[dt.date, dt.date, dt.date]) -> tuple[str | None, dt.date | None]:
    pending = [(due, n, name) for n, (done, due, name) in
               enumerate(zip((claimed, reported, submitted), dues, ("claim", "report", "completion"), strict=True))
               if done is None]
    if not pending:
        return None, None
    due, _n, name = min(pending)
    return name, due


def _hub_words(db: sqlite_utils.Database, ids: list[int]) -> dict[int, HubWord]:
    """The latest hub word per assignment; an approval without a date of its own grants the date requested."""
    words: dict[int, HubWord] = {}
    requested: dict[int, dt.date | None] = {}
    kinds = (*HUB_WORDS, "extension_request")
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for aid, kind, on, text, value in db.execute(
                f"SELECT assignment_id, kind, effective_date, text, date_value FROM event WHERE assignment_id IN "
                f"({marks}) AND kind IN ({','.join('?' * len(kinds))}) ORDER BY assignment_id, effective_date, id",
                [*chunk, *kinds]):
            day = from_iso(value)
            if kind == "extension_request":
                requested[aid] = day
                continue
            if kind == "extension_approve" and day is None:
                day = requested.get(aid)
            words[aid] = HubWord(kind, dt.date.fromisoformat(on), text or "", day)
    return words


def _group_of(row: DeskRow, today: dt.date) -> str | None:
    if row.state == "closed":
        return "closed" if row.closed_on and row.closed_on > today - dt.timedelta(days=CLOSED_DAYS) else None
    if row.state == "cancelled":
        return None
    if row.state == "submitted":
        return "submitted"
    nxt = row.next_due or row.due
    if nxt < today:
        return "overdue"
    if nxt == today:
        return "today"
    return "soon" if nxt <= today + dt.timedelta(days=SOON_DAYS) else "later"


def desk_groups(db: sqlite_utils.Database, unit_id: int | None, today: dt.date) -> list[DeskGroup]:
    """The unit's assignments in the groups of GROUPS (see the module contract)."""
    if unit_id is None:
        return [DeskGroup(key, ()) for key in GROUPS]
    status_check.guard(db)
    warn = warn_days(db)
    since = (today - dt.timedelta(days=CLOSED_DAYS - 1)).isoformat()
    found = db.execute(
        "SELECT a.id, t.task_no, u.code, t.title, a.role, "
        "(SELECT lu.name FROM assignment la JOIN unit lu ON lu.id = la.unit_id "
        " WHERE la.task_id = a.task_id AND la.role = 'lead' AND a.role = 'co'), "
        "s.state, s.claim_due, s.report_due, s.due, s.claimed_on, s.first_report_on, s.submitted_on, s.closed_on, "
        "s.pending_extension FROM assignment a JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id "
        "JOIN assignment_status s ON s.assignment_id = a.id WHERE a.unit_id = ? AND s.state <> 'cancelled' "
        "AND (s.state <> 'closed' OR s.closed_on >= ?)", [unit_id, since]).fetchall()
    words = _hub_words(db, [r[0] for r in found])
    grouped: dict[str, list[DeskRow]] = {key: [] for key in GROUPS}
    for r in found:
        dues = (dt.date.fromisoformat(r[7]), dt.date.fromisoformat(r[8]), dt.date.fromisoformat(r[9]))
        claimed, reported, submitted, closed = (from_iso(x) for x in r[10:14])
        step, step_due = _next_step(claimed, reported, submitted, dues) if r[6] not in ("closed",) else (None, None)
        row = DeskRow(r[0], f"{r[1]}/{r[2]}", r[1], r[3], r[4], r[5] or "", r[6],
                      _light(step_due, r[6], today, warn), *dues, step, step_due, from_iso(r[14]), submitted, closed,
                      words.get(r[0]))
        group = _group_of(row, today)
        if group is not None:
            grouped[group].append(row)
    number = _task_number_key
    for key, rows in grouped.items():
        if key == "closed":
            rows.sort(key=lambda x: (-(x.closed_on or today).toordinal(), number(x.task_no)))
        elif key == "submitted":
            rows.sort(key=lambda x: ((x.submitted_on or today), number(x.task_no)))
        else:
            rows.sort(key=lambda x: ((x.next_due or x.due), number(x.task_no)))
    return [DeskGroup(key, tuple(grouped[key])) for key in GROUPS]


def _task_number_key(task_no: str) -> tuple[int, int, str]:
    """2026-9 before 2026-10 (task numbers are YEAR-N)."""
    year, _sep, n = task_no.partition("-")
    return (int(year), int(n), "") if year.isdigit() and n.isdigit() else (0, 0, task_no)
