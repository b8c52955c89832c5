"""The life of an assignment (docs/design.md §4): the pure fold, lights, and replay."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from core.work import workflow
from core.work.workflow import Event, fold, initial, light

D = dt.date(2026, 3, 8)
CLAIM, REPORT, DUE = D, D + dt.timedelta(days=3), D + dt.timedelta(days=7)


def start() -> workflow.Status:
    return initial(CLAIM, REPORT, DUE)


def ev(kind: str, day: int, value: int | None = None, seq: int = 0) -> Event:
    return Event(kind, D + dt.timedelta(days=day), None if value is None else D + dt.timedelta(days=value), seq)


def run(*events: Event) -> workflow.FoldResult:
    return fold(start(), [Event(e.kind, e.on, e.value, seq=i) for i, e in enumerate(events)])


def test_happy_path_closes_on_time():
    r = run(ev("claim", 0), ev("report", 2), ev("completion", 6), ev("close", 8))
    s = r.status
    assert (s.state, s.claimed_on, s.first_report_on, s.submitted_on, s.closed_on) == (
        "closed", D, D + dt.timedelta(2), D + dt.timedelta(6), D + dt.timedelta(8))
    assert s.on_time is True and not s.late_claim and not s.late_report and not r.skipped


def test_completion_by_report_due_is_the_first_report():
    s = run(ev("claim", 0), ev("completion", 3)).status
    assert s.first_report_on == REPORT and not s.late_report and s.state == "submitted"


def test_late_claim_and_late_first_report():
    s = run(ev("claim", 1), ev("report", 4)).status
    assert s.late_claim and s.late_report and s.state == "in_progress"


def test_returned_completion_does_not_count_as_submitted():
    s = run(ev("claim", 0), ev("completion", 5), ev("return", 6), ev("completion", 9), ev("close", 10)).status
    assert s.returns == 1 and s.submitted_on == D + dt.timedelta(9) and s.on_time is False


def test_extension_approved_moves_the_due_and_makes_it_on_time():
    s = run(ev("claim", 0), ev("extension_request", 5, value=20), ev("extension_approve", 6),
            ev("completion", 18), ev("close", 19)).status
    assert s.due == D + dt.timedelta(20) and s.base_due == DUE and s.on_time is True


def test_extension_approved_with_another_date_and_rejected():
    s = run(ev("claim", 0), ev("extension_request", 5, value=20), ev("extension_approve", 6, value=15)).status
    assert s.due == D + dt.timedelta(15) and s.pending_extension is None
    s = run(ev("claim", 0), ev("extension_request", 5, value=20), ev("extension_reject", 6)).status
    assert s.due == DUE and s.pending_extension is None


def test_extension_after_the_due_is_skipped():
    r = run(ev("claim", 0), ev("extension_request", 8, value=20))
    assert r.skipped[0][1] == workflow.AFTER_DUE and r.status.pending_extension is None


def test_urge_follow_up_never_makes_it_on_time():
    s = run(ev("claim", 0), ev("urge", 8, value=12), ev("completion", 11), ev("close", 12)).status
    assert s.follow_up == D + dt.timedelta(12) and s.on_time is False


def test_second_claim_changes_nothing_and_cancel_ends_it():
    r = run(ev("claim", 0), ev("claim", 1))
    assert r.status.claimed_on == D and len(r.repeats) == 1 and not r.skipped
    r = run(ev("claim", 0), ev("cancel", 2), ev("report", 3))
    assert r.status.state == "cancelled" and r.skipped[0][1] == workflow.NOT_OPEN


def test_effective_date_order_not_recorded_order():
    # The report typed first but dated after the claim typed later.
    s = fold(start(), [Event("report", D + dt.timedelta(2), seq=1), Event("claim", D, seq=2)]).status
    assert s.state == "in_progress" and s.claimed_on == D


def test_lights():
    s = start()
    assert light(s, D, 2) == "yellow"  # the claim is due today
    claimed = run(ev("claim", 0)).status
    assert light(claimed, D + dt.timedelta(1), 2) == "green"  # report due D+3: not today or tomorrow
    assert light(claimed, D + dt.timedelta(2), 2) == "yellow"  # report due tomorrow
    assert light(claimed, D + dt.timedelta(4), 2) == "red"  # report overdue
    reported = run(ev("claim", 0), ev("report", 1)).status
    assert light(reported, D + dt.timedelta(6), 2) == "yellow"  # completion due tomorrow
    assert light(reported, D + dt.timedelta(6), 1) == "green"  # warn_days 1: today only
    submitted = run(ev("claim", 0), ev("completion", 9)).status
    assert light(submitted, D + dt.timedelta(30), 2) == "green"  # nothing pending
    assert light(run(ev("claim", 0), ev("completion", 2), ev("close", 3)).status, D, 2) is None


ACTIONS = sorted(workflow.ACTIONS)


@st.composite
def histories(draw: st.DrawFn) -> list[Event]:
    n = draw(st.integers(0, 14))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(ACTIONS))
        day = draw(st.integers(0, 40))
        value = draw(st.one_of(st.none(), st.integers(0, 60)))
        out.append(Event(kind, D + dt.timedelta(day), None if value is None else D + dt.timedelta(value), i))
    return out


@settings(max_examples=400, deadline=None)
@given(histories())
def test_no_sequence_reaches_an_illegal_state(events: list[Event]):
    s = fold(start(), events).status
    assert s.state in workflow.STATES
    assert s.due >= s.base_due
    if s.state == "assigned":
        assert s.claimed_on is None and s.first_report_on is None
    if s.state in ("in_progress", "submitted", "closed"):
        assert s.claimed_on is not None and s.first_report_on is not None
        assert s.first_report_on >= s.claimed_on
    if s.state in ("submitted", "closed"):
        assert s.submitted_on is not None
    if s.state == "closed":
        assert s.closed_on is not None and s.on_time == (s.submitted_on <= s.due)
        assert s.closed_on >= s.submitted_on
    else:
        assert s.closed_on is None and s.on_time is None
    assert (s.state == "cancelled") == (s.cancelled_on is not None)
    if s.pending_extension is not None:
        assert s.pending_extension > s.due and s.state in ("claimed", "in_progress", "submitted", "closed",
                                                           "cancelled")
    assert s.returns >= 0


@settings(max_examples=300, deadline=None)
@given(histories())
def test_fold_is_a_replay_of_applied_events(events: list[Event]):
    """Replaying only the events that applied gives the same status: skipped ones changed nothing."""
    r = fold(start(), events)
    skipped = {e.seq for e, _ in r.skipped} | {e.seq for e in r.repeats}
    again = fold(start(), [e for e in events if e.seq not in skipped])
    assert again.status == r.status and not again.skipped


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(0, 45))
def test_fold_until_equals_fold_of_prefix(events: list[Event], cut: int):
    t = D + dt.timedelta(cut)
    assert fold(start(), events, until=t).status == fold(start(), [e for e in events if e.on <= t]).status
