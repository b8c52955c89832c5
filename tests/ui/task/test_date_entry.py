"""Dates typed into an action form as clerks type them (issue 15): what is shown is what is saved.

The database is the small hub of tests/ui/conftest.py (today T = 2026-11-27), copied per test;
the forms are opened on 2026-4/XCZ (claimed and reported, still open) as its administrator.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _directory_settings_helpers import context_factory, type_text
from PySide6.QtCore import Qt

from core.i18n import _
from core.work.task_view import assignment_brief
from ui.date_field import DateField
from ui.shell.context import AppContext
from ui.task.action_forms import ActionForm

T = dt.date(2026, 11, 27)
REF = "2026-4/XCZ"


@pytest.fixture
def make_ctx(db_path: Path) -> Iterator[Callable[[str], AppContext]]:
    yield from context_factory(db_path)


def events(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT kind, effective_date, text FROM event ORDER BY id").fetchall()
    finally:
        conn.close()


def open_form(qtbot, ctx: AppContext, kind: str) -> ActionForm:  # noqa: ANN001
    form = ActionForm(ctx, assignment_brief(ctx.reader, REF), kind)
    qtbot.addWidget(form)
    form.open()
    return form


def type_date(qtbot, field: DateField, text: str) -> None:  # noqa: ANN001
    """Select what the field holds and type over it, by key (ASCII) or as an input method commits it."""
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_Delete)
    type_text(qtbot, field.edit, text)


FORMS = [("2026-11-18", dt.date(2026, 11, 18)), ("2026.11.19", dt.date(2026, 11, 19)),
         ("2026/11/20", dt.date(2026, 11, 20)), ("11.21", dt.date(2026, 11, 21)), ("11-22", dt.date(2026, 11, 22)),
         ("11月23日", dt.date(2026, 11, 23)), ("2026年11月24日", dt.date(2026, 11, 24)),
         ("1125", dt.date(2026, 11, 25)), ("20261126", dt.date(2026, 11, 26))]


def test_every_form_a_clerk_types_is_saved_as_the_date_shown(qtbot, make_ctx, db_path: Path) -> None:  # noqa: ANN001
    ctx = make_ctx("admin")
    assert assignment_brief(ctx.reader, REF).assigned_on <= dt.date(2026, 11, 18)
    for typed, day in FORMS:
        form = open_form(qtbot, ctx, "report")
        type_date(qtbot, form.date, typed)
        assert form.date.text() == typed                         # exactly what was typed, never rewritten
        shown = form.date.words.text()
        assert shown.startswith(f"2026年11月{day.day}日周"), shown  # the date it means, in words with the weekday
        type_text(qtbot, form.text, f"进展 {typed}")
        with qtbot.waitSignal(form.recorded, timeout=10_000):
            qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
        assert events(db_path)[-1] == ("report", day.isoformat(), f"进展 {typed}")


@pytest.mark.parametrize(("typed", "why"), [
    ("2026-11-28", "2026-11-28 晚于此处允许的最晚日期 2026-11-27"),          # tomorrow: an action is never in the future
    ("26-12-012-04", "不是有效日期"),                                        # the garbage of the issue
    ("2-020261210", "不是有效日期"),
    ("2026-02-30", "2 月没有 30 日"),
    ("11.5", "早于此处允许的最早日期"),                                     # before the assignment date
])
def test_a_date_out_of_range_is_refused_in_words_the_text_kept_and_nothing_saved(
        qtbot, make_ctx, db_path: Path, typed: str, why: str) -> None:  # noqa: ANN001
    ctx = make_ctx("admin")
    before = events(db_path)
    form = open_form(qtbot, ctx, "report")
    type_date(qtbot, form.date, typed)
    type_text(qtbot, form.text, "进展顺利")
    with qtbot.waitSignal(form.refused, timeout=5_000) as refused:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert why in refused.args[0] and refused.args[0].startswith("未保存：")
    assert form.isVisible() and form.error.isVisible() and form.error.text() == refused.args[0]
    assert form.date.text() == typed and why in form.date.words.text()   # the field keeps what was typed
    assert form.focusWidget() is form.date.edit
    assert events(db_path) == before                                       # nothing saved, not even today's date
    type_date(qtbot, form.date, "11.26")                                   # fixed: the error goes at once
    assert not form.error.isVisible() and form.date.words.text() == "2026年11月26日周四"
    with qtbot.waitSignal(form.recorded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert events(db_path)[-1][:2] == ("report", "2026-11-26")


def test_the_calendar_button_writes_the_day_picked(qtbot, make_ctx) -> None:  # noqa: ANN001
    from PySide6.QtCore import QDate

    ctx = make_ctx("admin")
    form = open_form(qtbot, ctx, "report")
    assert form.date.button.accessibleName() == _("Choose the date on a calendar")
    calendar = form.date.open_calendar()
    assert calendar.maximumDate() == QDate(2026, 11, 27) and calendar.selectedDate() == QDate(2026, 11, 27)
    calendar.clicked.emit(QDate(2026, 11, 23))
    assert form.date.text() == "2026-11-23" and form.date.date() == dt.date(2026, 11, 23)
    form.reject()


def test_an_urge_follow_up_in_another_year_is_typed_without_its_year(qtbot, make_ctx, db_path: Path,  # noqa: ANN001
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSELOOP_TODAY", "2026-12-28")
    ctx = make_ctx("admin")
    form = open_form(qtbot, ctx, "urge")
    form.value_check.setChecked(True)
    type_date(qtbot, form.value, "1.6")                        # early January, typed in late December
    assert form.value.words.text() == "2027年1月6日周三"
    with qtbot.waitSignal(form.recorded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    conn = sqlite3.connect(db_path)
    try:
        value = conn.execute("SELECT date_value FROM event ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    assert value == "2027-01-06"


def test_an_extension_with_a_milestone_that_is_not_a_date_saves_nothing(qtbot, make_ctx,  # noqa: ANN001
                                                                         db_path: Path) -> None:
    ctx = make_ctx("admin")
    before = events(db_path)
    form = open_form(qtbot, ctx, "extension_request")
    assert form.value is not None
    type_date(qtbot, form.date, "11.16")                       # asked for before the due (11-17) passed
    type_date(qtbot, form.value, "12月31日")
    assert form.value.words.text() == "2026年12月31日周四"
    type_text(qtbot, form.text, "分两段施工")
    row = form.add_milestone()
    type_text(qtbot, row.text, "完成第一段")
    type_date(qtbot, row.date, "12.45")
    with qtbot.waitSignal(form.refused, timeout=5_000) as refused:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert "12 月没有 45 日" in refused.args[0] and form.focusWidget() is row.date.edit
    assert row.date.text() == "12.45" and events(db_path) == before
    type_date(qtbot, row.date, "12.15")
    assert not form.error.isVisible(), form.error.text()
    with qtbot.waitSignal(form.recorded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    conn = sqlite3.connect(db_path)
    try:
        date_value, data = conn.execute("SELECT date_value, data FROM event ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    assert date_value == "2026-12-31" and "2026-12-15" in data
