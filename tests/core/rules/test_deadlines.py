"""The 13710 deadline arithmetic (docs/design.md §3), with the design's checks and property tests."""
from __future__ import annotations

import calendar as months
import datetime as dt
import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.db.connection import open_database
from core.errors import UsageError
from core.rules import deadlines as deadlines_module
from core.rules.calendar import HolidayCalendar, install_shipped
from core.rules.deadlines import Dues, add_days, add_months, compute_dues
from core.rules.ruleset import DeadlineRule, Deadlines

D = dt.date
MODES = ("calendar", "rollover", "workdays")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> HolidayCalendar:
    """The calendar of a new office database: the shipped arrangements 2004–2026."""
    db = open_database(tmp_path_factory.mktemp("cal") / "x.db")
    install_shipped(db)
    cal = HolidayCalendar.from_db(db)
    db.conn.close()
    return cal


def rules(mode: str) -> Deadlines:
    return Deadlines(claim=DeadlineRule(days=0, mode=mode), report=DeadlineRule(days=3, mode=mode),
                     general=DeadlineRule(days=7, mode=mode), major=DeadlineRule(months=1, mode=mode))


def workdays_between(cal: HolidayCalendar, after: dt.date, through: dt.date) -> int:
    """Working days in (after, through]."""
    return sum(cal.is_workday(after + dt.timedelta(days=k)) for k in range(1, (through - after).days + 1))


# ---------------------------------------------------------------- the checks of §3

def test_design_check_rollover(shipped):
    dues = compute_dues(D(2026, 9, 30), "general", rules("rollover"), shipped)
    assert dues == Dues(claim=D(2026, 9, 30), report=D(2026, 10, 8), completion=D(2026, 10, 8),
                        missing_years=frozenset())


def test_design_check_workdays(shipped):
    dues = compute_dues(D(2026, 9, 30), "general", rules("workdays"), shipped)
    assert (dues.report, dues.completion) == (D(2026, 10, 10), D(2026, 10, 15))
    assert dues.report.weekday() == 5  # the make-up Saturday


def test_design_check_calendar_from_a_sunday(shipped):
    dues = compute_dues(D(2026, 3, 8), "general", Deadlines(), shipped)
    assert dues == Dues(D(2026, 3, 8), D(2026, 3, 11), D(2026, 3, 15), frozenset())


def test_major_is_one_calendar_month(shipped):
    assert compute_dues(D(2026, 1, 31), "major", Deadlines(), shipped).completion == D(2026, 2, 28)
    assert compute_dues(D(2024, 1, 31), "major", Deadlines(), shipped).completion == D(2024, 2, 29)
    assert compute_dues(D(2026, 3, 8), "major", Deadlines(), shipped).completion == D(2026, 4, 8)
    # in rollover and workdays modes the month's date then rolls over past 国庆节
    assert compute_dues(D(2026, 9, 1), "major", rules("rollover"), shipped).completion == D(2026, 10, 8)
    assert compute_dues(D(2026, 9, 1), "major", rules("workdays"), shipped).completion == D(2026, 10, 8)
    assert compute_dues(D(2026, 9, 1), "major", Deadlines(), shipped).completion == D(2026, 10, 1)


def test_zero_days(shipped):
    sunday = D(2026, 3, 8)
    assert add_days(sunday, 0, "calendar") == sunday
    assert add_days(sunday, 0, "workdays", shipped) == sunday
    assert add_days(sunday, 0, "rollover", shipped) == D(2026, 3, 9)
    assert compute_dues(sunday, "general", rules("workdays"), shipped).claim == sunday


def test_rollover_and_workdays_differ_over_spring_festival(shipped):
    d = D(2026, 2, 13)  # Friday before 春节 (2-15..2-23 off, 2-14 and 2-28 make-up Saturdays)
    assert add_days(d, 3, "calendar") == D(2026, 2, 16)
    assert add_days(d, 3, "rollover", shipped) == D(2026, 2, 24)
    assert add_days(d, 3, "workdays", shipped) == D(2026, 2, 25)  # 2-14, 2-24, 2-25
    assert add_days(d, 6, "workdays", shipped) == D(2026, 2, 28)  # the make-up Saturday
    assert add_days(d, 7, "workdays", shipped) == D(2026, 3, 2)


def test_missing_years_are_those_consulted_without_an_arrangement(shipped):
    late = D(2026, 12, 28)
    assert compute_dues(late, "general", Deadlines(), shipped).missing_years == frozenset()
    assert compute_dues(late, "general", rules("workdays"), shipped).missing_years == {2027}
    assert compute_dues(late, "general", rules("rollover"), shipped).missing_years == {2027}
    dues = compute_dues(D(2026, 12, 21), "general", rules("rollover"), shipped)
    assert dues.completion == D(2026, 12, 28) and dues.missing_years == frozenset()
    # a major task assigned in November 2026 is due in December: nothing missing
    assert compute_dues(D(2026, 11, 20), "major", rules("workdays"), shipped).missing_years == frozenset()
    assert compute_dues(D(2026, 12, 1), "major", rules("workdays"), shipped).missing_years == {2027}
    # weekends only are used for the missing year
    assert compute_dues(D(2027, 4, 30), "general", rules("rollover"), shipped).completion == D(2027, 5, 7)


def test_mixed_modes_per_rule(shipped):
    mixed = Deadlines(report=DeadlineRule(days=3, mode="workdays"), general=DeadlineRule(days=7, mode="rollover"))
    dues = compute_dues(D(2026, 9, 30), "general", mixed, shipped)
    assert (dues.claim, dues.report, dues.completion) == (D(2026, 9, 30), D(2026, 10, 10), D(2026, 10, 8))


def test_bad_input():
    with pytest.raises(UsageError, match="general or major"):
        compute_dues(D(2026, 1, 5), "urgent", Deadlines(), HolidayCalendar())
    with pytest.raises(ValueError):
        add_days(D(2026, 1, 5), -1, "calendar")
    with pytest.raises(ValueError):
        add_days(D(2026, 1, 5), 3, "weekly", HolidayCalendar())
    with pytest.raises(ValueError):
        add_days(D(2026, 1, 5), 3, "workdays")


def test_forty_thousand_assignments_are_fast(shipped):
    deadlines_module._compute.cache_clear()
    start, deadlines = D(2017, 1, 1), rules("workdays")
    t0 = time.perf_counter()
    for i in range(40_000):
        compute_dues(start + dt.timedelta(days=i % 3650), "general" if i % 3 else "major", deadlines, shipped)
    assert time.perf_counter() - t0 < 3.0


# ---------------------------------------------------------------- properties

dates = st.dates(D(2004, 1, 1), D(2027, 12, 31))
counts = st.integers(0, 45)
modes = st.sampled_from(MODES)
random_calendars = st.builds(
    HolidayCalendar,
    st.dictionaries(st.dates(D(2025, 12, 1), D(2027, 3, 31)), st.sampled_from(["rest", "work"]), max_size=120),
    st.sets(st.integers(2025, 2027)))


@settings(max_examples=300, deadline=None)
@given(d=dates, n=counts, mode=modes)
def test_due_is_never_before_assignment(shipped, d, n, mode):
    assert add_days(d, n, mode, shipped) >= d


@settings(max_examples=300, deadline=None)
@given(d=dates, n=counts)
def test_calendar_mode_adds_plain_days(d, n):
    assert (add_days(d, n, "calendar") - d).days == n


@settings(max_examples=300, deadline=None)
@given(d=st.dates(D(2025, 12, 1), D(2027, 1, 31)), n=counts, cal=random_calendars)
def test_rollover_is_the_first_workday_from_the_plain_due(d, n, cal):
    due = add_days(d, n, "rollover", cal)
    plain = d + dt.timedelta(days=n)
    assert cal.is_workday(due) and due >= plain
    assert all(not cal.is_workday(plain + dt.timedelta(days=k)) for k in range((due - plain).days))


@settings(max_examples=300, deadline=None)
@given(d=st.dates(D(2025, 12, 1), D(2027, 1, 31)), n=counts, cal=random_calendars)
def test_workdays_mode_counts_n_working_days_after_d(d, n, cal):
    due = add_days(d, n, "workdays", cal)
    assert workdays_between(cal, d, due) == n
    if n == 0:
        assert due == d
    else:
        assert cal.is_workday(due)


@settings(max_examples=300, deadline=None)
@given(d=dates, n=counts, mode=st.sampled_from(["rollover", "workdays"]))
def test_shipped_calendar_dues_are_workdays(shipped, d, n, mode):
    assume(mode == "rollover" or n > 0)
    assert shipped.is_workday(add_days(d, n, mode, shipped))


@settings(max_examples=300, deadline=None)
@given(d=dates, n=st.integers(0, 36))
def test_month_rule_keeps_the_day_number_or_the_last_day(d, n):
    due = add_months(d, n)
    assert (due.year * 12 + due.month) - (d.year * 12 + d.month) == n
    assert due.day == min(d.day, months.monthrange(due.year, due.month)[1])


@settings(max_examples=300, deadline=None)
@given(a=dates, b=dates, n=counts, mode=modes)
def test_dues_are_monotonic_in_the_assignment_day(shipped, a, b, n, mode):
    first, second = sorted((a, b))
    assert add_days(first, n, mode, shipped) <= add_days(second, n, mode, shipped)


@settings(max_examples=200, deadline=None)
@given(d=dates, mode=modes, category=st.sampled_from(["general", "major"]))
def test_compute_dues_agrees_with_the_parts(shipped, d, mode, category):
    dues = compute_dues(d, category, rules(mode), shipped)
    assert dues.claim == add_days(d, 0, mode, shipped)
    assert dues.report == add_days(d, 3, mode, shipped)
    if category == "general":
        assert dues.completion == add_days(d, 7, mode, shipped)
    else:
        month = add_months(d, 1)
        assert dues.completion == (month if mode == "calendar" else shipped.next_workday(month))
    assert dues.claim <= dues.report <= dues.completion
    if mode == "calendar":
        assert dues.missing_years == frozenset()
    else:
        unknown = {y for y in range(d.year, dues.completion.year + 1) if not shipped.has_year(y)}
        assert dues.missing_years <= unknown
        assert bool(dues.missing_years) == bool(unknown)  # every rule consults its due's year


# ---------------------------------------------------------------- a task's own completion period (task.due_days)

def test_an_own_period_counts_in_the_general_rules_mode(shipped):
    start = D(2026, 9, 30)
    assert compute_dues(start, "general", rules("calendar"), shipped, 15).completion == D(2026, 10, 15)
    assert compute_dues(start, "general", rules("rollover"), shipped, 3).completion == D(2026, 10, 8)  # 国庆节
    own = compute_dues(start, "general", rules("workdays"), shipped, 10)
    assert workdays_between(shipped, start, own.completion) == 10 and shipped.is_workday(own.completion)
    # the claim and first report are the rule set's, whatever the period
    assert (own.claim, own.report) == (start, D(2026, 10, 10))
    # the period equal to the general rule gives the general dues
    assert compute_dues(start, "general", rules("workdays"), shipped, 7) == compute_dues(
        start, "general", rules("workdays"), shipped)


def test_an_own_period_warns_of_a_year_without_holidays(shipped):
    late = D(2026, 12, 28)
    assert compute_dues(late, "general", rules("workdays"), shipped, 15).missing_years == {2027}
    assert compute_dues(late, "general", Deadlines(), shipped, 15) == Dues(late, D(2026, 12, 31), D(2027, 1, 12),
                                                                          frozenset())


@pytest.mark.parametrize(("category", "days"), [("major", 15), ("general", 0)])
def test_an_own_period_is_a_general_tasks_of_one_day_or_more(shipped, category, days):
    with pytest.raises(ValueError, match="completion period"):
        compute_dues(D(2026, 9, 30), category, Deadlines(), shipped, days)
