"""The quick paths over the demo county give the numbers of the full computation: one unit explained
alone, every period at once for the rule-set form, and the remembered scores forgotten on a write."""
from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator

import pytest
from score_report_helpers import TODAY, demo_session

from core.office import Session
from core.scoring import affected_periods, publish, service, store
from core.scoring.periods import parse_period
from core.scoring.rules_edit import period_scores
from core.work.status import current_rules


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    with demo_session(tmp_path_factory.mktemp("scoring_quick") / "demo.db", seed=5) as s:
        yield s


@pytest.mark.parametrize("period", ["2026-02", "2026-09", "2026-11", "2026-Q1", "2026-Q3", "2026-Q4"])
def test_a_unit_explained_alone_matches_the_whole_period(demo: Session, period: str) -> None:
    p = parse_period(period)
    whole = {x.unit: x for x in service.compute(demo.db, p, TODAY)}
    for code, x in whole.items():
        service.forget()
        alone, lines = publish.explain(demo.db, code, period, TODAY)
        assert (alone.score, alone.events, alone.months, alone.bonus, alone.completion_rate, alone.on_time_rate) == (
            x.score, x.events, x.months, x.bonus, x.completion_rate, x.on_time_rate), code
        assert round(sum(line.points for line in lines), 6) == x.score
    service.view(demo.db, p, TODAY)  # the page's table: the explanation then carries the rank
    code = next(iter(whole))
    assert publish.explain(demo.db, code, period, TODAY)[0].rank == whole[code].rank


def test_every_period_at_once_matches_each_computed_alone(demo: Session) -> None:
    rules = current_rules(demo.db)[1]
    for ties in ("shared", "break"):
        variant = dataclasses.replace(rules, ranking=dataclasses.replace(rules.ranking, ties=ties))
        every = period_scores(demo.db, variant, TODAY)
        assert len(every) > 12
        for key, scores in every.items():
            expected = service.compute(demo.db, parse_period(key), TODAY, variant)
            assert [(x.unit, x.score, x.rank, x.reward) for x in scores] == [
                (x.unit, x.score, x.rank, x.reward) for x in expected], key


def test_affected_periods_is_quick_and_names_the_months_with_deductions(demo: Session) -> None:
    rules = current_rules(demo.db)[1]
    changed = dataclasses.replace(rules, monthly=dataclasses.replace(rules.monthly, late_claim=3.0))
    start = time.perf_counter()
    periods = affected_periods(demo.db, changed, TODAY)
    assert time.perf_counter() - start < 2.0
    every = period_scores(demo.db, rules, TODAY)
    with_late_claims = {key for key, scores in every.items() if "Q" not in key and parse_period(key).first <= TODAY
                        and any(e.kind == "late_claim" for x in scores for e in x.events)}
    computed = {key for key in every if "Q" not in key and parse_period(key).first <= TODAY and any(
        e.kind == "late_claim" for x in service.compute(demo.db, parse_period(key), TODAY) for e in x.events)}
    assert {x.period for x in periods if "Q" not in x.period} == computed and not with_late_claims - computed


def test_remembered_scores_are_forgotten_on_a_write(demo: Session) -> None:
    p = parse_period("2026-10")
    code = service.view(demo.db, p, TODAY)[0].unit
    before = {x.unit: x.score for x in service.view(demo.db, p, TODAY)}
    store.add_finding(demo, code, dt.date(2026, 10, 15), "台账不全")
    after = {x.unit: x.score for x in service.view(demo.db, p, TODAY)}
    assert after[code] == before[code] - 1.0
