"""Editing the rule set from the form: checks naming the key, saving a version, and the periods a change affects."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from core.errors import ClerkError, UsageError
from core.office import Changes, Session, open_session
from core.rules.ruleset import DeadlineRule, RuleSet, current_ruleset
from core.scoring import AffectedPeriod, affected_periods, check_rules, save_rules, service
from core.scoring import publish as pub
from core.scoring.periods import parse_period
from core.scoring.rules_edit import period_scores
from core.work import actions
from core.work.actions import Action
from core.work.tasks import NewTask, add_tasks

D = dt.date
TODAY = D(2026, 11, 27)
PASSWORD = "test-pass"


def replace(rules: RuleSet, section: str, **values: object) -> RuleSet:
    return dataclasses.replace(rules, **{section: dataclasses.replace(getattr(rules, section), **values)})


@pytest.fixture
def s(hub_db: Path) -> Session:
    """The hub with: TGZ's task of 03-02 never done (late claim, report, overdue in March); XYJ's of
    06-01 done on time; FGJ's of 05-04 returned once in May, then closed; ZJJ's of 07-01 claimed and
    reported on time but overdue in July."""
    sess = open_session(hub_db, "admin", PASSWORD)
    numbers, _c = add_tasks(sess, [NewTask("排查隐患", "general", D(2026, 3, 2), "TGZ"),
                                   NewTask("修复道路", "general", D(2026, 6, 1), "XYJ"),
                                   NewTask("项目申报", "general", D(2026, 5, 4), "FGJ"),
                                   NewTask("危房改造", "general", D(2026, 7, 1), "ZJJ")])
    steps = [(f"{numbers[1]}/XYJ", "claim", 1), (f"{numbers[1]}/XYJ", "report", 2),
             (f"{numbers[1]}/XYJ", "completion", 3), (f"{numbers[1]}/XYJ", "close", 4),
             (f"{numbers[2]}/FGJ", "claim", 4), (f"{numbers[2]}/FGJ", "report", 5),
             (f"{numbers[2]}/FGJ", "completion", 6), (f"{numbers[2]}/FGJ", "return", 7),
             (f"{numbers[2]}/FGJ", "completion", 8), (f"{numbers[2]}/FGJ", "close", 9),
             (f"{numbers[3]}/ZJJ", "claim", 1), (f"{numbers[3]}/ZJJ", "report", 2)]
    months = {numbers[1]: 6, numbers[2]: 5, numbers[3]: 7}
    for ref, kind, day in steps:
        actions.record(sess, ref, Action(kind, D(2026, months[ref.split("/")[0]], day), text="材料"))
    yield sess
    sess.db.conn.close()


def test_check_rules_names_the_key() -> None:
    check_rules(RuleSet())
    check_rules(replace(RuleSet(), "ranking", township_rewards=4.0))  # a whole number typed as 4.0
    for rules, words in [
        (replace(RuleSet(), "monthly", co_weight=1.5), "monthly.co_weight is a weight and must be between 0 and 1"),
        (replace(RuleSet(), "monthly", overdue=-1.0), "monthly.overdue must be from 0 to 100"),
        (replace(RuleSet(), "monthly", finding=float("nan")), "monthly.finding must be a number"),
        (replace(RuleSet(), "quarterly", combine="max"), "quarterly.combine must be one of sum, mean"),
        (replace(RuleSet(), "ranking", ties="random"), "ranking.ties must be one of shared, break"),
        (replace(RuleSet(), "ranking", township_rewards=2.5), "ranking.township_rewards must be a whole number"),
        (replace(RuleSet(), "deadlines", report=DeadlineRule(days=-1)), "deadlines.report.days must be from 0 to 365"),
        (replace(RuleSet(), "deadlines", major=DeadlineRule(months=0)), "deadlines.major.months must be from 1 to 12"),
        (replace(RuleSet(), "deadlines", claim=DeadlineRule(days=0, mode="lunar")), "deadlines.claim.mode"),
    ]:
        with pytest.raises(UsageError) as err:
            check_rules(rules)
        assert words in str(err.value) and "Line" not in str(err.value)


def test_save_rules_makes_an_audited_version(s: Session, state) -> None:
    v0, rules = current_ruleset(s.db)
    assert rules == RuleSet() and save_rules(s, RuleSet()) == (v0, Changes())  # in force: nothing saved
    new = replace(RuleSet(), "monthly", overdue=2.0, co_weight=0.25)
    version, changes = save_rules(s, new)
    assert version == v0 + 1 and changes.rules
    assert current_ruleset(s.db) == (version, new)
    row = s.db.execute("SELECT author FROM ruleset WHERE version = ?", [version]).fetchone()
    assert row == ("admin",)
    action, ref, details = s.db.execute("SELECT action, ref, details FROM audit ORDER BY id DESC").fetchone()
    assert (action, ref) == ("rules_edit", str(version))
    assert json.loads(details)["changed"] == {"monthly.overdue": [1.0, 2.0], "monthly.co_weight": [0.5, 0.25]}
    assert save_rules(s, new) == (version, Changes())
    before = state(s.path)
    with pytest.raises(UsageError, match="monthly.co_weight"):
        save_rules(s, replace(new, "monthly", co_weight=2.0))
    assert state(s.path) == before


def test_a_viewer_may_not_save_rules(hub_db: Path, state) -> None:
    viewer = open_session(hub_db, "viewer", PASSWORD)
    try:
        before = state(hub_db)
        with pytest.raises(ClerkError, match="may only read"):
            save_rules(viewer, replace(RuleSet(), "monthly", overdue=2.0))
        assert state(hub_db) == before
    finally:
        viewer.db.conn.close()


def test_changing_overdue_lists_the_months_with_overdue_events(s: Session) -> None:
    new = replace(RuleSet(), "monthly", overdue=2.0)
    assert affected_periods(s.db, new, TODAY) == [
        AffectedPeriod("2026-03", False, 1), AffectedPeriod("2026-Q1", False, 1),
        AffectedPeriod("2026-07", False, 1), AffectedPeriod("2026-Q3", False, 1)]
    returned = affected_periods(s.db, replace(RuleSet(), "monthly", returned=3.0), TODAY)
    assert [(x.period, x.units_changed) for x in returned] == [("2026-05", 1), ("2026-Q2", 1)]
    assert affected_periods(s.db, replace(RuleSet(), "deadlines", warn_days=3), TODAY) == []
    assert affected_periods(s.db, RuleSet(), TODAY) == []
    # fewer rewards: in every quarter both townships had 300 or less; the rank-2 department loses its flag
    fewer = affected_periods(s.db, replace(RuleSet(), "ranking", department_rewards=1, township_rewards=1), TODAY)
    assert all(x.period.count("Q") for x in fewer) and fewer


def test_a_published_month_is_listed_as_published_and_keeps_its_numbers(s: Session) -> None:
    pub.publish(s, "2026-03")
    march = {x.unit: x.score for x in service.view(s.db, parse_period("2026-03"), TODAY)}
    assert march["TGZ"] == 98.0  # late claim 0.5 + late report 0.5 + overdue 1
    new = replace(RuleSet(), "monthly", overdue=2.0)
    assert affected_periods(s.db, new, TODAY) == [  # Q1 keeps the published March: it does not change
        AffectedPeriod("2026-03", True, 1), AffectedPeriod("2026-07", False, 1), AffectedPeriod("2026-Q3", False, 1)]
    save_rules(s, new)
    assert {x.unit: x.score for x in service.view(s.db, parse_period("2026-03"), TODAY)} == march
    assert {x.unit: x.score for x in service.view(s.db, parse_period("2026-07"), TODAY)}["ZJJ"] == 98.0
    assert {x.unit: x.score for x in service.view(s.db, parse_period("2026-Q1"), TODAY)}["TGZ"] == 298.0
    assert affected_periods(s.db, new, TODAY) == []


def test_period_scores_agree_with_the_scores_computed_one_by_one(s: Session) -> None:
    rules = replace(RuleSet(), "ranking", ties="break")
    for key, scores in period_scores(s.db, rules, TODAY).items():
        p = parse_period(key)
        expected = service.compute(s.db, p, TODAY, rules)
        assert [(x.unit, x.score, x.rank, x.reward) for x in scores] == [
            (x.unit, x.score, x.rank, x.reward) for x in expected], key
