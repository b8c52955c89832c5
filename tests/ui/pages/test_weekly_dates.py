"""The weekly page's meeting date typed as clerks type it, and dues in another year (issue 15).

Same database and helpers as test_weekly.py (today 2026-11-27, the coming meeting Sunday 11-29).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_weekly import MORE_ROWS, cell, counts, fill_by_model, page  # noqa: F401  (page: the fixture)

from ui.pages.weekly import WeeklyPage


def retype(qtbot, weekly: WeeklyPage, text: str) -> None:  # noqa: ANN001
    weekly.date_edit.edit.setFocus()
    weekly.date_edit.edit.clear()
    qtbot.keyClicks(weekly.date_edit.edit, text)


def test_a_typed_meeting_date_is_the_date_of_the_meeting_and_garbage_saves_nothing(
        qtbot, page: WeeklyPage, db_path: Path) -> None:  # noqa: ANN001, F811
    fill_by_model(page, 0, MORE_ROWS[:1])
    retype(qtbot, page, "11.22")                            # last Sunday, without its year
    assert page.meeting_date() == dt.date(2026, 11, 22) and page.date_edit.words.text() == "2026年11月22日周日"
    before = counts(db_path)
    retype(qtbot, page, "2-020261210")                      # what the old field made of a stray key
    with qtbot.waitSignal(page.save_refused, timeout=5_000) as refused:
        page.save()
    assert refused.args[0].startswith("未保存：") and "不是有效日期" in refused.args[0]
    assert page.date_edit.text() == "2-020261210" and counts(db_path) == before   # kept as typed, nothing saved
    retype(qtbot, page, "1122")
    with qtbot.waitSignal(page.saved, timeout=10_000) as saved:
        page.save()
    assert saved.args[0].meeting.date == dt.date(2026, 11, 22)


def test_a_due_in_another_year_shows_its_year(qtbot, page: WeeklyPage) -> None:  # noqa: ANN001, F811
    fill_by_model(page, 0, [("冬季供暖保障", "major", "XCZ", "", "")])
    retype(qtbot, page, "12.27")                             # a major item: completion due a month on, in 2027
    assert cell(page, 0, "claim") == "12月27日周日"            # this year's: no year
    done = cell(page, 0, "completion")
    assert isinstance(done, str) and done.startswith("2027年1月") and "周" in done, done
