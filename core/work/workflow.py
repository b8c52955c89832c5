"""The life of an assignment (docs/design.md §4) as a pure fold over its events.

Contract: `fold(dues, events)` replays events in effective-date order (ties in
the order recorded) and returns the derived `Status` and the events that did
not apply. An action not allowed in the state reached is skipped and reported;
an action that repeats one already in force (a second claim) changes nothing.
No I/O here: the same function serves the write checks, the status cache, the
"as of" views and the replay tests.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

STATES = ("assigned", "claimed", "in_progress", "submitted", "closed", "cancelled")
OPEN_STATES = frozenset({"assigned", "claimed", "in_progress", "submitted"})
UNIT_ACTIONS = frozenset({"claim", "report", "extension_request", "completion"})
HUB_ACTIONS = frozenset({"extension_approve", "extension_reject", "return", "close", "urge", "cancel"})
ACTIONS = UNIT_ACTIONS | HUB_ACTIONS


@dataclass(frozen=True)
class Event:
    """One recorded action. `value` is the date it carries (extension date, follow-up)."""

    kind: str
    on: dt.date
    value: dt.date | None = None
    seq: int = 0


@dataclass(frozen=True)
class Status:
    """Where an assignment stands after its events; `due` is the completion due in force."""

    state: str
    claim_due: dt.date
    report_due: dt.date
    base_due: dt.date
    due: dt.date
    claimed_on: dt.date | None = None
    first_report_on: dt.date | None = None
    submitted_on: dt.date | None = None
    closed_on: dt.date | None = None
    cancelled_on: dt.date | None = None
    on_time: bool | None = None
    returns: int = 0
    pending_extension: dt.date | None = None
    follow_up: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def late_claim(self) -> bool:
        return self.claimed_on is not None and self.claimed_on > self.claim_due

    @property
    def late_report(self) -> bool:
        return self.first_report_on is not None and self.first_report_on > self.report_due

    def pending_dues(self) -> list[dt.date]:
        """The dues of the steps still pending (claim, first report, completion)."""
        if not self.is_open:
            return []
        dues = []
        if self.claimed_on is None:
            dues.append(self.claim_due)
        if self.first_report_on is None:
            dues.append(self.report_due)
        if self.submitted_on is None:
            dues.append(self.due)
        return dues

    @property
    def next_due(self) -> dt.date | None:
        pending = self.pending_dues()
        return min(pending) if pending else None


def replace(s: Status, **changes: object) -> Status:
    """dataclasses.replace for a Status (every field in __init__, no __post_init__), without its walk over
    the fields: a fold of a county's events makes one per event."""
    return Status(**{**s.__dict__, **changes})  # type: ignore[arg-type]


def light(status: Status, today: dt.date, warn_days: int) -> str | None:
    """red / yellow / green as of `today` (docs/design.md §4); None when closed or cancelled."""
    if not status.is_open:
        return None
    nxt = status.next_due
    if nxt is None:
        return "green"
    if nxt < today:
        return "red"
    if nxt <= today + dt.timedelta(days=warn_days - 1):
        return "yellow"
    return "green"


# Why an event did not apply; the action layer turns these into sentences.
NOT_CLAIMED = "not_claimed"
ALREADY_CLAIMED = "already_claimed"
NOT_OPEN = "not_open"
SUBMITTED = "submitted"
NOT_SUBMITTED = "not_submitted"
NO_PENDING = "no_pending_extension"
PENDING = "extension_pending"
AFTER_DUE = "after_due"
NOT_LATER = "extension_not_later"


@dataclass
class FoldResult:
    status: Status
    skipped: list[tuple[Event, str]] = field(default_factory=list)
    repeats: list[Event] = field(default_factory=list)


def step(s: Status, ev: Event) -> tuple[Status, str | None]:
    """Apply one event; returns the new status and None, or the old one and a reason.

    A repeat (a claim when already claimed) returns (s, ALREADY_CLAIMED) when the
    assignment is open: the caller treats it as a no-op, not as an error.
    """
    k, on = ev.kind, ev.on
    if not s.is_open:
        return s, NOT_OPEN
    if k == "claim":
        if s.state != "assigned":
            return s, ALREADY_CLAIMED
        return replace(s, state="claimed", claimed_on=on), None
    if k == "report":
        if s.state == "assigned":
            return s, NOT_CLAIMED
        if s.state == "submitted":
            return s, SUBMITTED
        return replace(s, state="in_progress", first_report_on=s.first_report_on or on), None
    if k == "completion":
        if s.state == "assigned":
            return s, NOT_CLAIMED
        if s.state == "submitted":
            return s, SUBMITTED
        return replace(s, state="submitted", submitted_on=on,
                       first_report_on=s.first_report_on or on), None
    if k == "extension_request":
        if s.state == "assigned":
            return s, NOT_CLAIMED
        if s.state == "submitted":
            return s, SUBMITTED
        if s.pending_extension is not None:
            return s, PENDING
        if on > s.due:
            return s, AFTER_DUE
        if ev.value is None or ev.value <= s.due:
            return s, NOT_LATER
        return replace(s, pending_extension=ev.value), None
    if k == "extension_approve":
        if s.pending_extension is None:
            return s, NO_PENDING
        new_due = ev.value or s.pending_extension
        if new_due <= s.due:
            return s, NOT_LATER
        return replace(s, due=new_due, pending_extension=None), None
    if k == "extension_reject":
        if s.pending_extension is None:
            return s, NO_PENDING
        return replace(s, pending_extension=None), None
    if k == "return":
        if s.state != "submitted":
            return s, NOT_SUBMITTED
        return replace(s, state="in_progress", submitted_on=None, returns=s.returns + 1), None
    if k == "close":
        if s.state != "submitted":
            return s, NOT_SUBMITTED
        on_time = s.submitted_on is not None and s.submitted_on <= s.due
        return replace(s, state="closed", closed_on=on, on_time=on_time), None
    if k == "urge":
        return replace(s, follow_up=ev.value or s.follow_up), None
    if k == "cancel":
        return replace(s, state="cancelled", cancelled_on=on), None
    raise ValueError(f"unknown action {k!r}")


def initial(claim_due: dt.date, report_due: dt.date, completion_due: dt.date) -> Status:
    """The status of a new assignment with its three default dues."""
    return Status("assigned", claim_due, report_due, completion_due, completion_due)


def ordered(events: Iterable[Event]) -> list[Event]:
    """Effective-date order; same-day events in the order they were recorded."""
    return sorted(events, key=lambda e: (e.on, e.seq))


def fold(start: Status, events: Iterable[Event], *, until: dt.date | None = None) -> FoldResult:
    """Replay `events` (any order) from `start`; with `until`, only those dated on or before it."""
    result = FoldResult(start)
    for ev in ordered(events):
        if until is not None and ev.on > until:
            break
        new, reason = step(result.status, ev)
        if reason == ALREADY_CLAIMED:
            result.repeats.append(ev)
        elif reason is not None:
            result.skipped.append((ev, reason))
        result.status = new
    return result
