"""docs/design.md §6 as pure functions: deductions from the lifecycle, month and quarter scores, ranks."""
from __future__ import annotations

import dataclasses
import datetime as dt

from core.rules.ruleset import MonthlyRules, QuarterlyRules, RankingRules
from core.scoring.events import ScoreEvent, UnitEntry, in_period, lifecycle_events, unit_events
from core.scoring.monthly import UnitInfo, UnitScore, month_scores, panel_mean, rank
from core.scoring.quarterly import quarter_scores
from core.work.workflow import Event, initial

M, Q, R = MonthlyRules(), QuarterlyRules(), RankingRules()
D = dt.date
TODAY = D(2026, 4, 15)
START = initial(D(2026, 3, 2), D(2026, 3, 5), D(2026, 3, 9))  # claim, report, completion dues


def evs(*items: tuple[str, dt.date] | tuple[str, dt.date, dt.date]) -> list[Event]:
    return [Event(k[0], k[1], k[2] if len(k) > 2 else None, i) for i, k in enumerate(items)]


def kinds(events: list[ScoreEvent]) -> list[tuple[str, dt.date, float]]:
    return sorted((e.kind, e.on, e.points) for e in events)


def test_on_time_assignment_loses_nothing() -> None:
    e = evs(("claim", D(2026, 3, 2)), ("report", D(2026, 3, 4)), ("completion", D(2026, 3, 9)),
            ("close", D(2026, 3, 12)))
    assert lifecycle_events("TGZ", "2026-1/TGZ", "lead", START, e, TODAY, M) == []


def test_missed_steps_fall_in_the_month_of_their_due() -> None:
    e = evs(("claim", D(2026, 3, 3)), ("report", D(2026, 3, 6)), ("completion", D(2026, 4, 2)))
    assert kinds(lifecycle_events("TGZ", "r", "lead", START, e, TODAY, M)) == [
        ("late_claim", D(2026, 3, 2), -0.5), ("late_report", D(2026, 3, 5), -0.5), ("overdue", D(2026, 3, 9), -1.0)]


def test_steps_not_yet_done_count_once_their_due_has_passed() -> None:
    assert kinds(lifecycle_events("TGZ", "r", "co", START, [], D(2026, 3, 6), M)) == [
        ("late_claim", D(2026, 3, 2), -0.25), ("late_report", D(2026, 3, 5), -0.25)]
    # the completion due (03-09) is not passed on 03-09 itself, it is on 03-10
    assert len(lifecycle_events("TGZ", "r", "co", START, [], D(2026, 3, 9), M)) == 2
    assert len(lifecycle_events("TGZ", "r", "co", START, [], D(2026, 3, 10), M)) == 3


def test_events_after_as_of_are_ignored() -> None:
    e = evs(("claim", D(2026, 3, 2)), ("completion", D(2026, 3, 4)), ("return", D(2026, 3, 20)))
    assert lifecycle_events("TGZ", "r", "lead", START, e, D(2026, 3, 19), M) == []
    assert kinds(lifecycle_events("TGZ", "r", "lead", START, e, TODAY, M)) == [
        ("overdue", D(2026, 3, 9), -1.0), ("returned", D(2026, 3, 20), -2.0)]


def test_returned_then_resubmitted_on_time_counts_only_the_return() -> None:
    e = evs(("claim", D(2026, 3, 2)), ("completion", D(2026, 3, 4)), ("return", D(2026, 3, 5)),
            ("completion", D(2026, 3, 8)), ("return", D(2026, 3, 8)), ("completion", D(2026, 3, 9)),
            ("close", D(2026, 3, 10)))
    assert kinds(lifecycle_events("TGZ", "r", "co", START, e, TODAY, M)) == [
        ("returned", D(2026, 3, 5), -1.0), ("returned", D(2026, 3, 8), -1.0)]


def test_extension_moves_the_due_in_force() -> None:
    e = evs(("claim", D(2026, 3, 2)), ("extension_request", D(2026, 3, 4), D(2026, 4, 30)),
            ("extension_approve", D(2026, 3, 5), D(2026, 4, 30)), ("report", D(2026, 3, 5)))
    assert lifecycle_events("TGZ", "r", "lead", START, e, TODAY, M) == []
    assert kinds(lifecycle_events("TGZ", "r", "lead", START, e, D(2026, 5, 2), M)) == [
        ("overdue", D(2026, 4, 30), -1.0)]


def test_cancelled_assignments_never_count() -> None:
    e = evs(("claim", D(2026, 3, 6)), ("return", D(2026, 3, 7)), ("cancel", D(2026, 3, 20)))
    assert lifecycle_events("TGZ", "r", "lead", START, e, TODAY, M) == []


def test_unit_entries() -> None:
    got = unit_events([UnitEntry("TGZ", D(2026, 3, 3), "public_criticism", "通报"),
                       UnitEntry("TGZ", D(2026, 3, 4), "finding"),
                       UnitEntry("TGZ", D(2026, 3, 5), "commendation")], M, Q)
    assert [(e.kind, e.points, e.role) for e in got] == [
        ("public_criticism", -1.0, None), ("finding", -1.0, None), ("commendation", 3.0, None)]


def design_check_events() -> list[ScoreEvent]:
    """§6 check: in March 2 lead overdue, 1 lead return, 1 late first report on a co assignment."""
    out: list[ScoreEvent] = []
    for n in (1, 2):
        e = evs(("claim", D(2026, 3, 2)), ("report", D(2026, 3, 3)))
        out += lifecycle_events("TGZ", f"2026-{n}/TGZ", "lead", START, e, TODAY, M)
    e = evs(("claim", D(2026, 3, 2)), ("report", D(2026, 3, 3)), ("completion", D(2026, 3, 6)),
            ("return", D(2026, 3, 7)), ("completion", D(2026, 3, 8)), ("close", D(2026, 3, 9)))
    out += lifecycle_events("TGZ", "2026-3/TGZ", "lead", START, e, TODAY, M)
    e = evs(("claim", D(2026, 3, 2)), ("report", D(2026, 3, 6)), ("completion", D(2026, 3, 8)))
    out += lifecycle_events("TGZ", "2026-4/TGZ", "co", START, e, TODAY, M)
    return out


UNITS = [UnitInfo("TGZ", "太公镇", "township"), UnitInfo("XYJ", "新阳街道", "township"),
         UnitInfo("FGJ", "县发改局", "department")]


def test_design_month_check() -> None:
    events = in_period(design_check_events(), D(2026, 3, 1), D(2026, 3, 31))
    scores = {s.unit: s for s in month_scores(UNITS, events, {}, {}, M, R)}
    assert scores["TGZ"].score == 95.75
    assert sorted(e.points for e in scores["TGZ"].events) == [-2.0, -1.0, -1.0, -0.25]
    assert scores["XYJ"].score == 100.0 and scores["XYJ"].rank == 1 and scores["TGZ"].rank == 2
    assert scores["FGJ"].rank == 1


def test_design_quarter_check_and_bonus_cap() -> None:
    bonuses = unit_events([UnitEntry("TGZ", D(2026, 2, 1), "approving_instruction"),
                           UnitEntry("TGZ", D(2026, 3, 1), "approving_instruction"),
                           UnitEntry("TGZ", D(2026, 3, 9), "commendation"),
                           UnitEntry("XYJ", D(2026, 3, 9), "public_praise")], M, Q)
    got = {s.unit: s for s in quarter_scores(UNITS, {"TGZ": [95.75, 98, 100], "XYJ": [100, 97, 99],
                                                     "FGJ": [100, 100, 100]}, bonuses, {}, Q, R)}
    assert got["TGZ"].score == 298.75 and got["TGZ"].bonus == 5.0
    assert got["XYJ"].score == 297.0 and got["XYJ"].bonus == 1.0
    assert (got["TGZ"].rank, got["XYJ"].rank) == (1, 2)
    assert got["TGZ"].reward and got["XYJ"].reward and got["FGJ"].reward
    mean = quarter_scores(UNITS[:1], {"TGZ": [95.75, 98, 100]}, [], {}, dataclasses.replace(Q, combine="mean"), R)
    assert mean[0].score == round(293.75 / 3, 6)


def test_panel_scores() -> None:
    assert panel_mean([], True) is None
    assert panel_mean([9, 8], True) == 8.5
    assert panel_mean([10, 8, 7, 2], True) == 7.5
    assert panel_mean([10, 8, 7, 2], False) == 6.75
    rules = dataclasses.replace(M, panel_weight=0.2)
    events = in_period(design_check_events(), D(2026, 3, 1), D(2026, 3, 31))
    s = {x.unit: x for x in month_scores(UNITS, events, {"TGZ": [9, 8, 10, 5]}, {}, rules, R)}
    assert s["TGZ"].score == round(0.8 * 95.75 + 0.2 * 85, 6) == 93.6
    assert s["XYJ"].score == 100.0  # no panel scores: the objective score


def _scores(*items: tuple[str, float, float | None, float | None]) -> list[UnitScore]:
    return [UnitScore(code, code, "township", score, on_time_rate=ot, completion_rate=cr)
            for code, score, ot, cr in items]


def test_ties_shared_and_reward_list_lengthens() -> None:
    got = rank(_scores(("A", 99, None, None), ("B", 98, None, None), ("C", 98, None, None),
                       ("D", 97, None, None), ("E", 97, None, None)), R, rewards=True)
    assert [(s.unit, s.rank, s.reward) for s in got] == [
        ("A", 1, True), ("B", 2, True), ("C", 2, True), ("D", 4, False), ("E", 4, False)]
    got = rank(_scores(("A", 99, None, None), ("B", 98, None, None), ("C", 97, None, None),
                       ("D", 97, None, None)), R, rewards=True)
    assert [s.reward for s in got] == [True, True, True, True]


def test_ties_broken_by_on_time_then_completion_then_name() -> None:
    brk = dataclasses.replace(R, ties="break")
    got = rank(_scores(("A", 98, 0.5, 0.9), ("B", 98, 0.8, 0.8), ("C", 98, 0.8, 0.9),
                       ("E", 97, 0.9, 0.9), ("D", 97, 0.9, 0.9)), brk, rewards=True)
    assert [(s.unit, s.rank, s.reward) for s in got] == [
        ("C", 1, True), ("B", 2, True), ("A", 3, True), ("D", 4, False), ("E", 5, False)]


def test_kinds_are_ranked_apart_with_their_own_reward_counts() -> None:
    deps = [UnitScore(f"D{i}", f"D{i}", "department", 100 - i) for i in range(7)]
    towns = [UnitScore(f"T{i}", f"T{i}", "township", 100 - i) for i in range(5)]
    got = rank(deps + towns, R, rewards=True)
    assert sum(s.reward for s in got if s.kind == "department") == 5
    assert sum(s.reward for s in got if s.kind == "township") == 3
    assert [s.rank for s in got if s.kind == "township"] == [1, 2, 3, 4, 5]
