"""Recording the actions of docs/design.md §4 on an assignment, with their refusals.

Contract: `record(session, ref_or_id, Action(...))` checks who may act, the dates, the
required texts and files, then replays the assignment's events with the new one
in its effective-date place; it refuses (changing nothing) when the new action
would not apply there or would make a later recorded action stop applying.
On success it stores the event, its evidence files and an audit entry, refreshes
the status cache, all in one transaction, and returns what changed.
In a hub database every action is open to the hub's clerks; a unit action
recorded there is marked as entered on the unit's behalf (代录). The decisions
(extension approval and rejection, close, return) follow the office's rule
(`core.work.decisions.check_decider`); the event row names who took it (`user_name`).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from core import clock
from core.dates import check_date_window
from core.db.connection import insert_row
from core.errors import Refusal, UsageError
from core.evidence import check_files, store_file
from core.i18n import N_, _
from core.office import ActedOn, Changes, Session, attachment_cap_bytes
from core.text_checks import check_text
from core.work import status, workflow
from core.work.decisions import check_decider
from core.work.tasks import AssignmentRef, resolve_assignment
from core.work.workflow import Event

ACTION_NAMES = {
    "claim": N_("claim"), "report": N_("report"), "extension_request": N_("extension request"),
    "extension_approve": N_("extension approval"), "extension_reject": N_("extension rejection"),
    "completion": N_("completion report"), "return": N_("return"), "close": N_("close"),
    "urge": N_("urge"), "cancel": N_("cancel"),
}
STATE_NAMES = {
    "assigned": N_("assigned"), "claimed": N_("claimed"), "in_progress": N_("in progress"),
    "submitted": N_("submitted"), "closed": N_("closed"), "cancelled": N_("cancelled"),
}
EMPTY_TEXT = {
    "report": N_("The progress report is empty; write what has been done and record it again."),
    "completion": N_("The completion report is empty; write what was done and record it again."),
    "extension_request": N_("The plan is empty; write how and when the item will be done and record it again."),
    "return": N_("The reason is empty; write why and record it again."),
    "extension_reject": N_("The reason is empty; write why and record it again."),
    "cancel": N_("The reason is empty; write why and record it again."),
}


@dataclass
class Action:
    """One action as a clerk enters it. `value`: extension date or follow-up date."""

    kind: str
    on: dt.date
    text: str = ""
    value: dt.date | None = None
    milestones: list[tuple[dt.date, str]] = field(default_factory=list)
    attachments: list[str | Path] = field(default_factory=list)


def _reason_sentence(reason: str, a: AssignmentRef, st: workflow.Status, action: Action) -> str:
    state = _(STATE_NAMES[st.state])
    name = _(ACTION_NAMES[action.kind])
    if reason == workflow.NOT_OPEN:
        return _("{ref} is {state}; no {action} can be recorded on it.").format(ref=a.ref, state=state, action=name)
    if reason == workflow.ALREADY_CLAIMED:
        return _("{ref} was already claimed on {date}; nothing to record.").format(
            ref=a.ref, date=st.claimed_on.isoformat() if st.claimed_on else "")
    if reason == workflow.NOT_CLAIMED:
        return _("{ref} has not been claimed by {date}; record the claim first.").format(
            ref=a.ref, date=action.on.isoformat())
    if reason == workflow.SUBMITTED:
        return _("{ref} has a completion report waiting for review; the hub closes or returns it first.").format(
            ref=a.ref)
    if reason == workflow.NOT_SUBMITTED:
        return _("{ref} has no completion report to {action} on {date}; it is {state}.").format(
            ref=a.ref, action=name, date=action.on.isoformat(), state=state)
    if reason == workflow.NO_PENDING:
        return _("{ref} has no pending extension request on {date}.").format(ref=a.ref, date=action.on.isoformat())
    if reason == workflow.PENDING:
        return _("{ref} already has a pending extension request to {date}; wait for the hub's decision.").format(
            ref=a.ref, date=st.pending_extension.isoformat() if st.pending_extension else "")
    if reason == workflow.AFTER_DUE:
        return _("The extension request is dated {date}, after the completion due {due}; "
                 "an extension must be requested by the due date.").format(
            date=action.on.isoformat(), due=st.due.isoformat())
    if reason == workflow.NOT_LATER:
        return _("The new date must be later than the completion due in force ({due}).").format(due=st.due.isoformat())
    return _("{action} cannot be recorded on {ref} now.").format(action=name, ref=a.ref)


def _check_input(s: Session, a: AssignmentRef, action: Action) -> None:
    if action.kind not in workflow.ACTIONS:
        raise UsageError(_("'{kind}' is not an action.").format(kind=action.kind))
    for d in (action.on, action.value, *(when for when, _what in action.milestones)):
        if d is not None:
            check_date_window(d, today=s.today)
    check_text(action.text, _("The text"))
    for _when, what in action.milestones:
        check_text(what, _("The milestone"))
    if action.on < a.assigned_on:
        raise Refusal(_("The date {date} is before the task was assigned ({assigned}); check the date.")
                      .format(date=action.on.isoformat(), assigned=a.assigned_on.isoformat()))
    if action.on > s.today:
        raise Refusal(_("The date {date} is in the future; record what has happened, dated today or earlier.")
                      .format(date=action.on.isoformat()))
    if action.kind in EMPTY_TEXT and not action.text.strip():
        raise UsageError(_(EMPTY_TEXT[action.kind]))
    if action.kind == "extension_request":
        if action.value is None:
            raise UsageError(_("An extension request needs the proposed new date (--until)."))
        for when, what in action.milestones:
            if not what.strip():
                raise UsageError(_("The milestone of {date} has no text; write what will be done by then.")
                                 .format(date=when.isoformat()))
            if not action.on <= when <= action.value:
                raise Refusal(_("The milestone of {date} must fall between the request ({on}) and the new date "
                                "({until}).").format(date=when.isoformat(), on=action.on.isoformat(),
                                                     until=action.value.isoformat()))
    if action.kind == "extension_approve" and action.value is not None and action.value < action.on:
        raise Refusal(_("The approved date {date} is before the approval itself; check the date.")
                      .format(date=action.value.isoformat()))
    if action.kind == "urge" and action.value is not None and action.value < action.on:
        raise Refusal(_("The follow-up date {date} is before the urge notice; check the date.")
                      .format(date=action.value.isoformat()))
    if action.attachments and action.kind not in ("report", "completion", "extension_request"):
        raise UsageError(_("Files can be attached to reports, completion reports and extension requests only."))


def _check_role(s: Session, a: AssignmentRef, action: Action) -> bool:
    """Refuse actions this office may not take; True when a hub records a unit action (代录)."""
    if s.is_hub:
        return action.kind in workflow.UNIT_ACTIONS
    if action.kind in workflow.HUB_ACTIONS:
        raise Refusal(_("Only the county supervision office can record a {action}.").format(
            action=_(ACTION_NAMES[action.kind])))
    if s.office.unit_id != a.unit_id:
        raise Refusal(_("{ref} belongs to another unit; a unit office records only its own assignments.")
                      .format(ref=a.ref))
    return False


@dataclass(frozen=True)
class _Replay:
    """What the replay read: the start (default dues), the years lacking holidays, the recorded events."""

    start: workflow.Status
    missing_years: frozenset[int]
    events: list[Event]


def _check_replay(s: Session, a: AssignmentRef, action: Action) -> _Replay:
    """Refuse unless the new event applies in its place and every recorded event still applies.

    A closed or cancelled assignment takes no new event, whatever its date: a
    backdated action must not reopen a decision (nor rewrite an on-time close).
    Returns what it read, so the status after the new event is folded without reading it again.
    """
    start, missing = status.start_statuses(s.db, [a.id])[a.id]
    existing = status.load_events(s.db, [a.id]).get(a.id, [])
    old = workflow.fold(start, existing)
    if not old.status.is_open:
        raise Refusal(_reason_sentence(workflow.NOT_OPEN, a, old.status, action))
    new = Event(action.kind, action.on, action.value, seq=2**62)
    before = workflow.fold(start, [e for e in existing if (e.on, e.seq) < (new.on, new.seq)]).status
    _after, reason = workflow.step(before, new)
    if reason == workflow.ALREADY_CLAIMED or (action.kind == "claim" and old.status.claimed_on is not None):
        raise Refusal(_reason_sentence(workflow.ALREADY_CLAIMED, a, old.status, action))
    if reason is not None:
        raise Refusal(_reason_sentence(reason, a, before, action))
    with_new = workflow.fold(start, [*existing, new])
    was_inert = {e.seq for e, _r in old.skipped} | {e.seq for e in old.repeats}
    now_inert = [e for e, _r in with_new.skipped] + with_new.repeats
    broken = [e for e in now_inert if e.seq not in was_inert and e.seq != new.seq]
    if broken:
        raise Refusal(_("This would contradict the {action} recorded for {date}; "
                        "record actions in the order they happened.").format(
            action=_(ACTION_NAMES[broken[0].kind]), date=broken[0].on.isoformat()))
    return _Replay(start, missing, existing)


def record(s: Session, ref: str | int, action: Action) -> Changes:
    """Record `action` on the assignment `ref` (its REF, or its id from a form); see the module contract.

    The assignment is looked up once; the returned Changes' `acted_on` holds it with
    its new state and completion due.
    """
    s.require_write()
    a = resolve_assignment(s.db, ref)
    _check_input(s, a, action)
    on_behalf = _check_role(s, a, action)
    cap = attachment_cap_bytes(s.db) if action.attachments else 0
    files = check_files(list(action.attachments), cap, s.path)
    with s.write():
        check_decider(s, a.id, action.kind)   # the office's rule for its decisions (core.work.decisions)
        replay = _check_replay(s, a, action)
        stored = [store_file(s.path, f) for f in files]
        data: dict[str, object] = {}
        if action.milestones:
            data["milestones"] = [{"date": d.isoformat(), "text": t.strip()} for d, t in action.milestones]
        row = s.synced_row(assignment_id=a.id, kind=action.kind, effective_date=action.on.isoformat(),
                           recorded_at=clock.now_utc(), user_name=s.user.name, on_behalf=int(on_behalf),
                           text=action.text.strip(), date_value=action.value.isoformat() if action.value else None,
                           data=json.dumps(data, ensure_ascii=False))
        event_id = insert_row(s.db, "event", row)
        for f in stored:
            insert_row(s.db, "evidence", s.synced_row(event_id=event_id, sha256=f.sha256, name=f.name, size=f.size))
        # the status after it, from what the replay read: the same fold status.refresh would do
        after = workflow.fold(replay.start, [*replay.events,
                                             Event(action.kind, action.on, action.value, event_id)]).status
        status.store(s.db, {a.id: (after, replay.missing_years)})
        s.audit(action.kind, ref=a.ref, row_uuid=str(row["uuid"]), effective_date=action.on,
                text=action.text.strip(), value=action.value, on_behalf=on_behalf,
                files=[f.name for f in stored], milestones=data.get("milestones"))
    return Changes(assignments={a.id}, tasks={a.task_id},
                   acted_on=ActedOn(a.id, a.ref, after.state, after.due))
