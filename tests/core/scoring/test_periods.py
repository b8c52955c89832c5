"""Period arithmetic (months and quarters) in core.scoring.periods, the one place that does it (issue 11)."""
from __future__ import annotations

import datetime as dt

from core.scoring.periods import (
    default_period,
    month_of,
    month_period,
    period_choices,
    quarter_of,
    quarter_period,
)


def test_the_month_and_quarter_of_a_day():
    assert month_of(dt.date(2024, 2, 10)) == month_period("2024-02")
    assert month_of(dt.date(2024, 2, 10)).last == dt.date(2024, 2, 29)
    assert quarter_of(dt.date(2026, 3, 31)) == quarter_period("2026-Q1")
    assert quarter_of(dt.date(2026, 10, 1)).key == "2026-Q4"
    assert month_period("2026-08").quarter() == quarter_period("2026-Q3")
    assert quarter_period("2026-Q3").quarter() == quarter_period("2026-Q3")
    assert [m.key for m in quarter_period("2026-Q4").months()] == ["2026-10", "2026-11", "2026-12"]


def test_previous_and_next_cross_the_year():
    assert month_period("2026-01").previous().key == "2025-12"
    assert month_period("2025-12").next().key == "2026-01"
    assert quarter_period("2026-Q1").previous().key == "2025-Q4"
    assert quarter_period("2025-Q4").next() == quarter_period("2026-Q1")
    assert month_period("2026-03").next().last == dt.date(2026, 4, 30)


def test_default_periods_are_the_last_ended():
    assert default_period(dt.date(2026, 1, 15), quarterly=False) == "2025-12"
    assert default_period(dt.date(2026, 1, 15), quarterly=True) == "2025-Q4"
    assert default_period(dt.date(2026, 11, 27), quarterly=True) == "2026-Q3"
    assert default_period(dt.date(2026, 4, 1), quarterly=True) == "2026-Q1"
    assert period_choices(dt.date(2026, 2, 3), quarterly=True)[:3] == ["2026-Q1", "2025-Q4", "2025-Q3"]
    assert period_choices(dt.date(2026, 2, 3), quarterly=False)[:3] == ["2026-02", "2026-01", "2025-12"]
    assert len(period_choices(dt.date(2026, 2, 3), quarterly=False)) == 25
    assert len(period_choices(dt.date(2026, 2, 3), quarterly=True)) == 9
