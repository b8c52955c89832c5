"""The events that move a unit's score (docs/design.md §6), derived without I/O.

Contract: `lifecycle_events` folds one assignment's events (as of the day the
score is computed) and returns its deductions: a late claim, a late first
report and an overdue completion once each, in the month of the due missed,
and one deduction per return in the month of the return; all weighted by the
role (lead_weight / co_weight). A step is missed when it was done after its due,
or is not done and its due is before `as_of`. Cancelled assignments give
nothing. `unit_events` turns hub entries (criticism, findings, bonuses) into
events: deductions unweighted, bonuses positive (capped later, per quarter).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.i18n import N_
from core.rules.ruleset import MonthlyRules, QuarterlyRules
from core.work.workflow import Event, Status, ordered, step

DEDUCTIONS = ("late_claim", "late_report", "overdue", "returned", "public_criticism", "finding")
BONUS_KINDS = ("approving_instruction", "commendation", "public_praise", "typical_speech")

DESCRIPTIONS = {
    "late_claim": N_("Claimed late or not claimed by the claim due"),
    "late_report": N_("First report late or missing at the report due"),
    "overdue": N_("No completion submitted by the due in force"),
    "returned": N_("Completion returned"),
    "public_criticism": N_("Public criticism"),
    "finding": N_("Inspection finding"),
    "approving_instruction": N_("Approving instruction"),
    "commendation": N_("Commendation"),
    "public_praise": N_("Public praise"),
    "typical_speech": N_("Typical speech"),
}


@dataclass(frozen=True)
class ScoreEvent:
    """One thing that moved a unit's score; `points` is negative for a deduction."""

    unit: str
    on: dt.date
    kind: str
    ref: str
    role: str | None
    points: float
    text: str


@dataclass(frozen=True)
class UnitEntry:
    """A hub entry about a unit: criticism, finding or one of the bonus kinds."""

    unit: str
    on: dt.date
    kind: str
    text: str = ""
    person: str = ""


def weight(rules: MonthlyRules, role: str) -> float:
    return rules.lead_weight if role == "lead" else rules.co_weight


def lifecycle_events(unit: str, ref: str, role: str, start: Status, events: Iterable[Event],
                     as_of: dt.date, rules: MonthlyRules) -> list[ScoreEvent]:
    """The deductions of one assignment as of `as_of` (events dated after it are ignored)."""
    s = start
    returns: list[dt.date] = []
    for ev in ordered(events):
        if ev.on > as_of:
            break
        new, reason = step(s, ev)
        if reason is None and ev.kind == "return":
            returns.append(ev.on)
        s = new
    if s.state == "cancelled":
        return []
    w = weight(rules, role)
    out: list[ScoreEvent] = []

    def add(kind: str, on: dt.date, per: float) -> None:
        out.append(ScoreEvent(unit, on, kind, ref, role, round(-per * w, 6), DESCRIPTIONS[kind]))

    if _missed(s.claimed_on, s.claim_due, as_of):
        add("late_claim", s.claim_due, rules.late_claim)
    if _missed(s.first_report_on, s.report_due, as_of):
        add("late_report", s.report_due, rules.late_report)
    if _missed(s.submitted_on, s.due, as_of):
        add("overdue", s.due, rules.overdue)
    for on in returns:
        add("returned", on, rules.returned)
    return out


def _missed(done: dt.date | None, due: dt.date, as_of: dt.date) -> bool:
    return done > due if done is not None else due < as_of


def unit_events(entries: Iterable[UnitEntry], monthly: MonthlyRules,
                quarterly: QuarterlyRules) -> list[ScoreEvent]:
    """Criticism and findings (deductions, unweighted) and bonuses (positive points)."""
    out = []
    for e in entries:
        if e.kind in ("public_criticism", "finding"):
            points = -float(getattr(monthly, e.kind))
        elif e.kind in BONUS_KINDS:
            points = float(getattr(quarterly, e.kind))
        else:
            raise ValueError(f"unknown unit entry {e.kind!r}")
        out.append(ScoreEvent(e.unit, e.on, e.kind, "", None, points, e.text or DESCRIPTIONS[e.kind]))
    return out


def in_period(events: Iterable[ScoreEvent], first: dt.date, last: dt.date) -> list[ScoreEvent]:
    return sorted((e for e in events if first <= e.on <= last), key=lambda e: (e.unit, e.on, e.kind, e.ref))
