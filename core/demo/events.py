"""The demo's event generator: one believable life (docs/design.md §4) per assignment, in memory.

Contract: `simulate(rng, plan, today)` returns the events of one assignment in
the order they happened (effective dates never decrease, none after `today`),
each already checked by `workflow.step` from the assignment's initial status:
an event the fold would skip is never returned, so every stored event applies
when the assignment is replayed. Pure: no I/O; the same `rng` state gives the
same events.

The hub records the unit's actions on its behalf (代录), as a hub clerk does for
units that report on paper; the delays follow the 13710 rhythm: most claims the
same day, first reports within 3 days, completions by the due with some late,
occasional returns, extension requests, urges on overdue steps and cancellations.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from core.demo import names
from core.work.workflow import Event, Status, fold, step

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """What the generator needs to know of one assignment."""

    start: Status             # its initial status (default dues)
    assigned_on: dt.date
    major: bool
    reliability: float        # the unit's, 0.8 (poor) … 1.0 (excellent)
    cancel_on: dt.date | None  # the day the hub withdraws the task, if it does


@dataclass(frozen=True)
class DemoEvent:
    kind: str
    on: dt.date
    value: dt.date | None = None
    text: str = ""
    milestones: tuple[tuple[dt.date, str], ...] = ()


class _Stop(Exception):
    """The life reached `today` (or its cancellation): nothing more happens."""


@dataclass
class _Life:
    rng: random.Random
    plan: Plan
    today: dt.date
    status: Status
    last: dt.date
    events: list[DemoEvent] = field(default_factory=list)

    def emit(self, kind: str, on: dt.date, value: dt.date | None = None, text: str = "",
             milestones: tuple[tuple[dt.date, str], ...] = ()) -> bool:
        """Append the event if it applies; stop the life at its cancellation or at today."""
        on = max(on, self.last)
        cancel = self.plan.cancel_on
        if cancel is not None and on > cancel and kind != "cancel":
            self.emit("cancel", cancel, text=self.rng.choice(names.CANCEL_TEXTS))
            raise _Stop
        if on > self.today:
            raise _Stop
        new, reason = step(self.status, Event(kind, on, value, len(self.events)))
        if reason is not None:
            return False
        self.status, self.last = new, on
        self.events.append(DemoEvent(kind, on, value, text, milestones))
        if kind == "cancel":
            raise _Stop
        return True


def simulate(rng: random.Random, plan: Plan, today: dt.date) -> list[DemoEvent]:
    """The events of one assignment as of `today`; see the module contract."""
    life = _Life(rng, plan, today, plan.start, plan.assigned_on)
    try:
        _live(life)
        if plan.cancel_on is not None and life.status.is_open:
            life.emit("cancel", plan.cancel_on, text=rng.choice(names.CANCEL_TEXTS))
    except _Stop:
        pass
    return life.events


def _live(life: _Life) -> None:
    rng, plan = life.rng, life.plan
    r = plan.reliability
    d = plan.assigned_on
    # "1": claimed and deployed the same day, mostly; a late claim draws an urge
    late_claim = rng.random() > 0.80 + 0.19 * r
    claim_on = d + DAY * (rng.choice((1, 1, 1, 2, 2, 3, 5)) if late_claim else 0)
    if claim_on - d >= 2 * DAY:
        life.emit("urge", d + DAY, d + 2 * DAY, text=names.URGE_TEXTS[2])
    life.emit("claim", claim_on, text=names.CLAIM_TEXT)
    # "3": the first report, unless a quick general item is completed within 3 days
    quick = not plan.major and rng.random() < 0.12
    if not quick:
        report_due = life.status.report_due
        if rng.random() < 0.86 + 0.12 * r:
            span = max((report_due - life.last).days, 0)  # most report near the due day
            offsets = range(min(1, span), span + 1)
            report_on = life.last + DAY * rng.choices(offsets, weights=[(k + 1) ** 2 for k in offsets])[0]
        else:
            report_on = report_due + DAY * rng.randint(1, 6)
            life.emit("urge", report_due + DAY, report_due + 3 * DAY, text=names.URGE_TEXTS[1])
        life.emit("report", report_on, text=rng.choice(names.REPORT_TEXTS))
    # an extension request when the item cannot be done in time
    if rng.random() < (0.12 if plan.major else 0.04) + 0.2 * (1 - r):
        _extension(life)
    _complete(life, quick)
    _review(life)


def _extension(life: _Life) -> None:
    rng = life.rng
    due = life.status.due
    on = max(life.last, due - DAY * rng.randint(1, 5))
    until = due + DAY * rng.randint(7, 45 if life.plan.major else 21)
    stones = sorted({on + (until - on) * rng.uniform(0.2, 0.9) for _ in range(rng.randint(1, 3))})
    milestones = tuple((day, text) for day, text in zip(stones, names.MILESTONE_TEXTS, strict=False))
    if not life.emit("extension_request", on, until, rng.choice(names.EXTENSION_TEXTS), milestones):
        return
    decide_on = on + DAY * rng.choice((0, 1, 1, 2, 3))
    if rng.random() < 0.75:
        life.emit("extension_approve", decide_on, until)
    else:
        life.emit("extension_reject", decide_on, text=rng.choice(names.REJECT_TEXTS))


def _complete(life: _Life, quick: bool) -> None:
    """Progress reports, urges when overdue, and the completion report (or none: a stuck item)."""
    rng, plan = life.rng, life.plan
    r, due = plan.reliability, life.status.due
    u = rng.random()
    p_stuck = 0.02 + 0.3 * (1 - r)  # a hard item: done months late, or (rarely) never
    p_late = 0.02 + 0.3 * (1 - r)
    if u < p_stuck:
        done_on = None if rng.random() < 0.05 else due + DAY * rng.randint(45, 400)
    elif u < p_stuck + p_late:
        late = rng.random()
        extra = rng.randint(1, 7) if late < 0.7 else rng.randint(8, 30) if late < 0.95 else rng.randint(31, 120)
        done_on = due + DAY * extra
    elif quick:
        done_on = life.last + DAY * rng.randint(1, 3)
    else:
        window = 12 if plan.major else 3
        done_on = max(life.last + DAY, due - DAY * rng.randint(0, window))
    later: list[tuple[dt.date, str]] = []  # progress reports and urges before the completion
    horizon = done_on or due + 90 * DAY
    if plan.major:
        day = life.last + DAY * rng.randint(6, 10)
        while day < horizon:
            later.append((day, "report"))
            day += DAY * rng.randint(6, 10)
    if done_on is None or done_on > due:
        day = due + DAY * rng.randint(1, 3)
        for _ in range(3):
            if day >= horizon:
                break
            later.append((day, "urge"))
            day += DAY * rng.randint(7, 14)
    for day, kind in sorted(later):
        if kind == "report":
            life.emit("report", day, text=rng.choice(names.REPORT_TEXTS))
        else:
            life.emit("urge", day, day + DAY * rng.randint(2, 5), text=names.URGE_TEXTS[0])
    if done_on is not None:
        life.emit("completion", done_on, text=rng.choice(names.COMPLETION_TEXTS))


def _review(life: _Life) -> None:
    """The hub closes the submitted completion, or returns it and the unit submits again."""
    rng, r = life.rng, life.plan.reliability
    for _attempt in range(3):
        if life.status.state != "submitted":
            return
        review_on = life.last + DAY * rng.choice((0, 1, 1, 1, 2, 2, 3))
        if _attempt < 2 and rng.random() < 0.03 + 0.25 * (1 - r):
            life.emit("return", review_on, text=rng.choice(names.RETURN_TEXTS))
            life.emit("completion", review_on + DAY * rng.randint(2, 8), text=rng.choice(names.COMPLETION_TEXTS))
        else:
            life.emit("close", review_on)


def check_applies(start: Status, events: list[DemoEvent]) -> list[DemoEvent]:
    """The events that apply when replayed with `workflow.fold` (all of them, by construction).

    Drops any the fold skips, repeating until none is skipped, as a last guard.
    """
    kept = list(events)
    while True:
        result = fold(start, [Event(e.kind, e.on, e.value, i) for i, e in enumerate(kept)])
        bad = {ev.seq for ev, _reason in result.skipped} | {ev.seq for ev in result.repeats}
        if not bad:
            return kept
        kept = [e for i, e in enumerate(kept) if i not in bad]
