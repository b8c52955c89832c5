"""Property: on random small histories (tasks and their actions, bonuses, criticism, findings, panel
scores, rule sets), every explanation adds up to its score, ranks agree with scores and the ties rule,
rewards with ranks, and the quick all-periods path (`period_scores`) gives the same numbers."""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.directory import add_leader
from core.errors import ClerkError
from core.office import open_session
from core.rules.ruleset import RuleSet
from core.scoring import add_bonus, add_criticism, add_finding, save_rules, service, set_panel_score
from core.scoring import publish as pub
from core.scoring.periods import parse_period
from core.scoring.rules_edit import period_scores
from core.work import actions
from core.work.actions import Action
from core.work.tasks import NewTask, add_tasks
from tests._shared.db_copy import copy_database

D = dt.date
TODAY = D(2026, 11, 27)
PASSWORD = "test-pass"
UNITS = ("TGZ", "XYJ", "FGJ", "ZJJ")
LEADERS = ("王建国", "李明", "赵红")
PERIODS = ("2026-03", "2026-04", "2026-05", "2026-06", "2026-Q2")
KINDS = ("township", "department")


@pytest.fixture(scope="module")
def base(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template hub with two more leaders."""
    path = copy_database(template_hub, tmp_path_factory.mktemp("scoring_property") / "hub.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLOSELOOP_TODAY", TODAY.isoformat())
        s = open_session(path, "admin", PASSWORD, TODAY)
        add_leader(s, "李明", "副县长", ["XYJ", "ZJJ"])
        add_leader(s, "赵红", "县委常委", [])
        s.db.conn.close()
    return path


day = st.dates(D(2026, 3, 1), D(2026, 6, 25))
# what happens to one assignment: (step, days after the previous step)
steps = st.lists(st.tuples(st.sampled_from(["claim", "report", "completion", "return", "close", "cancel",
                                            "extension_request"]), st.integers(0, 12)), max_size=6)
task = st.tuples(day, st.sampled_from(UNITS), st.lists(st.sampled_from(UNITS), max_size=2, unique=True),
                 st.sampled_from(["general", "major"]), steps, steps)
entry = st.tuples(st.sampled_from(["approving_instruction", "commendation", "public_praise", "typical_speech",
                                   "criticism", "finding"]), st.sampled_from(UNITS), day)
panel = st.tuples(st.sampled_from(["2026-04", "2026-05"]), st.sampled_from(LEADERS), st.sampled_from(UNITS),
                  st.integers(0, 20).map(lambda x: x / 2))
rules = st.builds(lambda ties, w, combine, cap: RuleSet(
    monthly=RuleSet().monthly.__class__(panel_weight=w),
    quarterly=RuleSet().quarterly.__class__(combine=combine, bonus_cap=cap),
    ranking=RuleSet().ranking.__class__(ties=ties, township_rewards=1, department_rewards=1)),
    st.sampled_from(["shared", "break"]), st.sampled_from([0.0, 0.3]), st.sampled_from(["sum", "mean"]),
    st.sampled_from([2.0, 5.0]))


def build(s, tasks, entries, panels, rule_set, publish_april) -> None:  # noqa: ANN001
    save_rules(s, rule_set)
    for on, lead, co, category, lead_steps, co_steps in tasks:
        co = tuple(c for c in co if c != lead)
        [number], _c = add_tasks(s, [NewTask("事项", category, on, lead, co)])
        for unit, plan in [(lead, lead_steps)] + [(c, co_steps) for c in co[:1]]:
            when = on
            for kind, gap in plan:
                when = when + dt.timedelta(days=gap)
                if when > TODAY:
                    break
                value = when + dt.timedelta(days=20) if kind == "extension_request" else None
                try:
                    actions.record(s, f"{number}/{unit}", Action(kind, when, text="材料", value=value))
                except ClerkError:
                    pass  # a step that does not apply there: the history simply lacks it
    for kind, unit, on in entries:
        if kind == "criticism":
            add_criticism(s, unit, on, "通报批评")
        elif kind == "finding":
            add_finding(s, unit, on, "督查发现问题")
        else:
            add_bonus(s, unit, kind, on, "加分")
    for month, leader, unit, score in panels:
        set_panel_score(s, month, leader, unit, score)
    if publish_april:
        pub.publish(s, "2026-04")


def check_ranks(scores, ties: str, quarter: bool) -> None:  # noqa: ANN001
    for kind in KINDS:
        group = [x for x in scores if x.kind == kind]
        for x in group:
            above = sum(1 for y in group if y.score > x.score)
            if ties == "shared":
                assert x.rank == above + 1, (x.unit, x.rank, above)
            else:
                assert above + 1 <= x.rank <= above + sum(1 for y in group if y.score == x.score)
            if quarter:
                assert x.reward == (x.rank <= 1)  # the rule sets drawn flag rank 1 only
            else:
                assert x.reward is False
        if ties == "break":
            assert sorted(x.rank for x in group) == list(range(1, len(group) + 1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks=st.lists(task, min_size=1, max_size=5), entries=st.lists(entry, max_size=5),
       panels=st.lists(panel, max_size=6), rule_set=rules, publish_april=st.booleans())
def test_explanations_add_up_and_ranks_follow_scores(base: Path, tasks, entries, panels, rule_set,  # noqa: ANN001
                                                     publish_april) -> None:
    folder = Path(tempfile.mkdtemp(prefix="scoring-property-"))
    try:
        path = copy_database(base, folder / "hub.db")
        s = open_session(path, "admin", PASSWORD, TODAY)
        try:
            build(s, tasks, entries, panels, rule_set, publish_april)
            quick = period_scores(s.db, rule_set, TODAY)
            for key in PERIODS:
                p = parse_period(key)
                scores = service.view(s.db, p, TODAY)
                assert {x.unit for x in scores} == set(UNITS)
                for x in scores:
                    _score, lines = pub.explain(s.db, x.unit, key, TODAY)
                    assert round(sum(line.points for line in lines), 6) == x.score == _score.score, (key, x.unit)
                check_ranks(scores, rule_set.ranking.ties, p.is_quarter)
                if key in quick and (key != "2026-04" or not publish_april):  # periods from the first task's quarter
                    assert [(x.unit, x.score, x.rank, x.reward) for x in quick[key]] == [
                        (x.unit, x.score, x.rank, x.reward) for x in scores], key
        finally:
            s.db.conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
