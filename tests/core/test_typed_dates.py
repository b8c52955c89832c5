"""The dates a clerk types (core.dates.parse_typed_date), the CLI reading the same forms, and the
weekday form of core.format that shows the year of a date in another year (issue 15)."""
from __future__ import annotations

import datetime as dt

import pytest

from core.dates import parse_typed_date
from core.errors import UsageError

TODAY = dt.date(2026, 12, 7)
DEC_4 = dt.date(2026, 12, 4)


@pytest.mark.parametrize("text", ["2026-12-04", "2026.12.4", "2026/12/4", "2026-12-4", "12.4", "12-4", "12/4",
                                  "12月4日", "12月4", "2026年12月4日", "2026年12月04日", "1204", "20261204",
                                  " 2026 年 12 月 4 日 ", "２０２６－１２－０４", "１２．４"])
def test_every_form_a_clerk_types_is_the_same_day(text: str) -> None:
    assert parse_typed_date(text, TODAY) == DEC_4


@pytest.mark.parametrize(("text", "today", "expected"), [
    ("1.6", dt.date(2026, 12, 7), dt.date(2027, 1, 6)),      # early January, typed in December: next year's
    ("11.20", dt.date(2026, 12, 7), dt.date(2026, 11, 20)),  # last month: this year's
    ("12.28", dt.date(2027, 1, 3), dt.date(2026, 12, 28)),   # late December, typed in January: last year's
    ("0610", dt.date(2026, 12, 7), dt.date(2026, 6, 10)),    # 180 days back, nearer than 185 ahead
    ("0606", dt.date(2026, 12, 7), dt.date(2027, 6, 6)),     # 181 days ahead, nearer than 184 back
    ("2.29", dt.date(2028, 1, 10), dt.date(2028, 2, 29)),
])
def test_a_date_without_its_year_is_the_nearest_to_today(text: str, today: dt.date, expected: dt.date) -> None:
    assert parse_typed_date(text, today) == expected


@pytest.mark.parametrize(("text", "sentence"), [
    ("26-12-012-04", "'26-12-012-04' is not a date; write it as 2026-12-04, 2026.12.4, 12.4, 12月4日 or 1204."),
    ("2-020261210", "'2-020261210' is not a date; write it as"),
    ("下周一", "'下周一' is not a date"),
    ("", "'' is not a date"),
    ("2026-13-01", "there is no month 13"),
    ("13.1", "there is no month 13"),
    ("2026-02-30", "month 2 has no day 30"),
    ("2-29", "month 2 has no day 29"),       # no leap year around 2026
    ("1999-12-31", "outside the dates Closeloop accepts (2000-01-01 to 2036-12-07)"),
    ("20401204", "outside the dates Closeloop accepts"),
    ("٢٠٢٦-١٢-٠٤", "is not a date"),
])
def test_what_is_not_a_date_is_refused_in_words(text: str, sentence: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse_typed_date(text, TODAY)
    assert sentence in str(refused.value)


def test_a_field_bounds_the_date_and_says_which_bound() -> None:
    first, last = dt.date(2026, 11, 20), TODAY
    assert parse_typed_date("11.20", TODAY, minimum=first, maximum=last) == first
    with pytest.raises(UsageError, match=r"^Effective date: 2026-11-19 is before 2026-11-20, the earliest date"):
        parse_typed_date("11.19", TODAY, what="Effective date", minimum=first, maximum=last)
    with pytest.raises(UsageError, match=r"2026-12-08 is after 2026-12-07, the latest date allowed here"):
        parse_typed_date("1208", TODAY, minimum=first, maximum=last)


@pytest.mark.parametrize("typed", ["11.24", "11月24日", "1124", "2026.11.24", "20261124"])
def test_the_cli_reads_the_same_forms(cli, typed: str) -> None:  # noqa: ANN001
    r = cli("task", "add", "--title", "道路维修", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ",
            "--json")
    ref = r.json()["assignments"][0]["ref"]
    r = cli("claim", ref, "--on", typed)
    assert r.code == 0, r.err
    shown = cli("task", "show", ref.split("/")[0], "--json").json()
    assert shown["assignments"][0]["claimed_on"] == "2026-11-24"


def test_the_cli_refuses_a_date_it_cannot_read_in_words(cli) -> None:  # noqa: ANN001
    r = cli("task", "list", "--as-of", "11-31")
    assert r.code == 2 and r.err == "Error: --as-of: '11-31' is not a date: month 11 has no day 31; check the day.\n"


def test_a_day_with_its_weekday_shows_the_year_when_it_is_not_this_years(monkeypatch) -> None:  # noqa: ANN001
    from core.format import date_and_weekday, day_and_weekday
    from core.i18n import set_language

    monkeypatch.setenv("CLOSELOOP_TODAY", "2026-12-07")
    set_language("zh_CN")
    try:
        assert day_and_weekday(dt.date(2026, 12, 4)) == "12月4日周五"
        assert day_and_weekday(dt.date(2027, 1, 6)) == "2027年1月6日周三"
        assert day_and_weekday(dt.date(2011, 12, 31), 2012) == "2011年12月31日周六"
        assert date_and_weekday(dt.date(2026, 12, 4)) == "2026年12月4日周五"
    finally:
        set_language("en")
    assert day_and_weekday(dt.date(2027, 1, 6)) == "Wed, Jan 6, 2027"
