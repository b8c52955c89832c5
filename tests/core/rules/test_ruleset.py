"""The rule set (docs/design.md §6): defaults, validation with line and key, TOML round trip, versions."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.db.connection import open_database
from core.errors import UsageError
from core.rules.ruleset import (
    DEFAULT_TOML,
    DeadlineRule,
    Deadlines,
    MonthlyRules,
    QuarterlyRules,
    RankingRules,
    RuleSet,
    current_ruleset,
    parse_ruleset,
    ruleset_to_toml,
    ruleset_version,
    save_ruleset,
)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "x.db")
    yield database
    database.conn.close()


def test_defaults_are_the_design_document():
    rs = parse_ruleset(DEFAULT_TOML)
    assert rs == RuleSet() == parse_ruleset("")
    assert rs.deadlines.claim == DeadlineRule(days=0, mode="calendar")
    assert rs.deadlines.report.days == 3 and rs.deadlines.general.days == 7
    assert rs.deadlines.major == DeadlineRule(months=1, mode="calendar")
    assert rs.deadlines.warn_days == 2
    assert (rs.monthly.base, rs.monthly.co_weight, rs.monthly.returned) == (100.0, 0.5, 2.0)
    assert rs.monthly.panel_drop_extremes is True and rs.monthly.panel_weight == 0.0
    assert (rs.quarterly.combine, rs.quarterly.commendation, rs.quarterly.bonus_cap) == ("sum", 3.0, 5.0)
    assert (rs.ranking.ties, rs.ranking.township_rewards, rs.ranking.department_rewards) == ("shared", 3, 5)
    assert "# 肯定性批示" in DEFAULT_TOML and "# mode: calendar | rollover | workdays" in DEFAULT_TOML


def test_defaults_written_back_are_the_default_text():
    assert ruleset_to_toml(RuleSet()) == DEFAULT_TOML


def test_missing_keys_take_defaults_and_numbers_become_floats():
    rs = parse_ruleset('[monthly]\nco_weight = 0.25\nbase = 90\n[deadlines]\nreport = { mode = "workdays" }\n')
    assert rs.monthly.co_weight == 0.25 and rs.monthly.base == 90.0 and isinstance(rs.monthly.base, float)
    assert rs.monthly.lead_weight == 1.0
    assert rs.deadlines.report == DeadlineRule(days=3, mode="workdays")
    assert rs.deadlines.general == DeadlineRule(days=7) and rs.quarterly == QuarterlyRules()


def test_subtable_and_dotted_keys_are_accepted():
    rs = parse_ruleset('[deadlines.major]\nmonths = 2\nmode = "rollover"\n[ranking]\nties = "break"\n')
    assert rs.deadlines.major == DeadlineRule(months=2, mode="rollover")
    assert rs.ranking.ties == "break"
    assert parse_ruleset('[deadlines]\ngeneral.days = 10\n').deadlines.general.days == 10


def test_rules_are_frozen_and_hashable():
    rs = RuleSet()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rs.monthly.base = 1.0  # type: ignore[misc]
    assert hash(rs.deadlines) == hash(parse_ruleset(DEFAULT_TOML).deadlines)


BAD = [
    ("[monthly]\nco_weight = 1.5\n", 2, "monthly.co_weight"),
    ("[monthly]\nlead_weight = -0.1\n", 2, "monthly.lead_weight"),
    ("\n[monthly]\n\npanel_weight = 2\n", 4, "monthly.panel_weight"),
    ("[monthly]\nreturned = -2.0\n", 2, "monthly.returned"),
    ('[monthly]\nbase = "100"\n', 2, "monthly.base"),
    ("[monthly]\noverdue = nan\n", 2, "monthly.overdue"),
    ("[monthly]\npanel_drop_extremes = 1\n", 2, "monthly.panel_drop_extremes"),
    ("[monthly]\nbonus = 1\n", 2, "monthly.bonus"),
    ("[scores]\nx = 1\n", 1, "scores"),
    ("title = 'x'\n[monthly]\n", 1, "title"),
    ("deadlines = 3\n", 1, "deadlines"),
    ('[deadlines]\nreport = { days = 3, mode = "weekly" }\n', 2, "deadlines.report.mode"),
    ("[deadlines]\nreport = { days = -1 }\n", 2, "deadlines.report.days"),
    ("[deadlines]\nreport = { days = 1.5 }\n", 2, "deadlines.report.days"),
    ("[deadlines]\ngeneral = { months = 1 }\n", 2, "deadlines.general.months"),
    ("[deadlines]\nmajor = { days = 30 }\n", 2, "deadlines.major.days"),
    ("[deadlines]\nmajor = { months = 0 }\n", 2, "deadlines.major.months"),
    ("[deadlines]\nclaim = 0\n", 2, "deadlines.claim"),
    ("[deadlines]\nclaim = { days = 0, hours = 4 }\n", 2, "deadlines.claim.hours"),
    ("[deadlines]\n\nwarn_days = 0\n", 3, "deadlines.warn_days"),
    ("[deadlines]\nwarn_days = true\n", 2, "deadlines.warn_days"),
    ('[deadlines.report]\ndays = 3\nmode = "x"\n', 3, "deadlines.report.mode"),
    ('[quarterly]\ncombine = "median"\n', 2, "quarterly.combine"),
    ("[quarterly]\nbonus_cap = -5\n", 2, "quarterly.bonus_cap"),
    ('[ranking]\nties = "random"\n', 2, "ranking.ties"),
    ("[ranking]\ntownship_rewards = 2.5\n", 2, "ranking.township_rewards"),
    ("[ranking]\ndepartment_rewards = -1\n", 2, "ranking.department_rewards"),
]


@pytest.mark.parametrize(("text", "line", "key"), BAD)
def test_invalid_rule_sets_name_the_line_and_the_key(text, line, key):
    with pytest.raises(UsageError) as err:
        parse_ruleset(text)
    message = str(err.value)
    assert message.startswith(f"Line {line}: ")
    assert re.search(rf"(^|\s){re.escape(key)}(\s|:|$)", message), message
    assert message.endswith(".")


@pytest.mark.parametrize(("text", "line"), [
    ("[monthly]\nbase = \n", 2),
    ("[deadlines]\nreport = { days = 3,\n", 2),
    ("[monthly\nbase = 1\n", 1),
    ("[monthly]\nbase = 1\nbase = 2\n", 3),
])
def test_syntax_errors_name_the_line(text, line):
    with pytest.raises(UsageError, match=rf"^Line {line}: The rule set is not valid TOML"):
        parse_ruleset(text)


rules = st.builds(
    DeadlineRule, days=st.integers(0, 60), months=st.just(0), mode=st.sampled_from(["calendar", "rollover", "workdays"]))
major_rules = st.builds(
    DeadlineRule, days=st.just(0), months=st.integers(1, 12), mode=st.sampled_from(["calendar", "rollover", "workdays"]))
amounts = st.floats(0, 100, allow_nan=False, allow_infinity=False)  # core.rules.limits: points 0..100
bases = st.floats(0, 1000, allow_nan=False, allow_infinity=False)
weights = st.floats(0, 1, allow_nan=False)
rulesets = st.builds(
    RuleSet,
    deadlines=st.builds(Deadlines, claim=rules, report=rules, general=rules, major=major_rules,
                        warn_days=st.integers(1, 30)),
    monthly=st.builds(MonthlyRules, base=bases, lead_weight=weights, co_weight=weights, late_claim=amounts,
                      late_report=amounts, overdue=amounts, returned=amounts, public_criticism=amounts,
                      finding=amounts, panel_weight=weights, panel_drop_extremes=st.booleans()),
    quarterly=st.builds(QuarterlyRules, combine=st.sampled_from(["sum", "mean"]), approving_instruction=amounts,
                        commendation=amounts, public_praise=amounts, typical_speech=amounts, bonus_cap=amounts),
    ranking=st.builds(RankingRules, ties=st.sampled_from(["shared", "break"]), township_rewards=st.integers(0, 80),
                      department_rewards=st.integers(0, 80)),
)


@settings(max_examples=200, deadline=None)
@given(rulesets)
def test_toml_round_trips(rs):
    text = ruleset_to_toml(rs)
    assert parse_ruleset(text) == rs
    assert "# 通报表扬" in text  # the comments are kept


def test_no_saved_version_means_the_defaults(db):
    assert current_ruleset(db) == (0, RuleSet())
    assert ruleset_version(db, 0) == RuleSet()


def test_save_numbers_versions_and_keeps_the_text(db):
    custom = DEFAULT_TOML.replace("co_weight = 0.5", "co_weight = 0.3")
    assert save_ruleset(db, DEFAULT_TOML, "张三", "hub-uuid") == 1
    assert save_ruleset(db, custom, "李四", "hub-uuid") == 2
    version, rs = current_ruleset(db)
    assert version == 2 and rs.monthly.co_weight == 0.3
    assert ruleset_version(db, 1) == RuleSet()
    assert ruleset_version(db, 2).monthly.co_weight == 0.3
    row = next(db.query("SELECT * FROM ruleset WHERE version = 2"))
    assert row["body"] == custom and row["author"] == "李四" and row["owner"] == "hub-uuid" and row["rev"] == 1
    assert re.fullmatch(r"[0-9a-f]{32}", row["uuid"])
    created = dt.datetime.fromisoformat(row["created_at"])
    assert created.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=5)


def test_invalid_text_is_not_saved(db):
    save_ruleset(db, DEFAULT_TOML, "张三", "hub-uuid")
    with pytest.raises(UsageError, match="monthly.co_weight"):
        save_ruleset(db, "[monthly]\nco_weight = 3\n", "张三", "hub-uuid")
    assert db["ruleset"].count == 1
    assert current_ruleset(db)[0] == 1


def test_unknown_version_is_refused_with_a_sentence(db):
    with pytest.raises(UsageError, match="no rule set version 7"):
        ruleset_version(db, 7)
