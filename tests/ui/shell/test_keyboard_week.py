"""A whole weekly entry and a claim recorded without the mouse (issue 15).

Only keys reach the widgets (QTest.keyClick / keyClicks, and for Chinese an input method's commit): the meeting's date and title, one item typed
cell by cell with units and the leader picked by pinyin initials (tgz → 太公镇), Ctrl+S; then
Ctrl+3 to the ledger, the new task found and opened with Return, its claim recorded in the action
form by keys. The database is asserted at the end.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import make_ctx
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from core.db.connection import connect
from ui.pages.ledger import LedgerPage
from ui.pages.weekly import WeeklyPage
from ui.shell.main_window import MainWindow
from ui.task import view as task_view
from ui.task.action_forms import ActionForm
from ui.unit_completer import PickerEdit

if TYPE_CHECKING:
    from conftest import Scenario

CTRL, ALT, NONE = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.NoModifier


@pytest.fixture
def window(qtbot, db_path: Path, scenario: Scenario) -> Iterator[MainWindow]:  # noqa: ANN001
    win = MainWindow(make_ctx(db_path, "admin", scenario.password))
    qtbot.addWidget(win)
    win.resize(1280, 760)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    for view in list(task_view._open_views):
        view.close()
    win.close()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def key(k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    QTest.keyClick(focused(), k, mods)


def keys(text: str) -> None:
    """Type into whatever has the keyboard: Latin text key by key (the first key opens a grid cell's
    editor); Chinese as an input method delivers it, a pre-edit then the committed text (QTest's
    keyClicks takes Latin-1 only)."""
    if text.isascii():
        for ch in text:
            QTest.keyClicks(focused(), ch)
        return
    QApplication.sendEvent(focused(), QInputMethodEvent(text, []))
    commit = QInputMethodEvent("", [])
    commit.setCommitString(text)
    QApplication.sendEvent(focused(), commit)


def back_to(qtbot, win: QWidget) -> None:  # noqa: ANN001
    """Give `win` the keyboard again, as the window manager does once a completer's pop-up is gone (offscreen,
    a pop-up destroyed while it was the focus window leaves no window active)."""
    if not win.isActiveWindow():
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)


def rows(db_path: Path, sql: str, *args: object) -> list[tuple]:
    db = connect(db_path)
    try:
        return [tuple(r) for r in db.execute(sql, args).fetchall()]
    finally:
        db.conn.close()


def test_a_whole_weekly_entry_and_a_claim_recorded_without_the_mouse(qtbot, window: MainWindow,  # noqa: ANN001
                                                                   db_path: Path) -> None:
    with qtbot.waitSignal(window.page_shown):
        key(Qt.Key.Key_2, CTRL)                      # 周交办
    page = window.page("weekly")
    assert isinstance(page, WeeklyPage)

    key(Qt.Key.Key_D, ALT)                           # 会议日期(D)
    assert page.date_edit.isAncestorOf(focused())
    key(Qt.Key.Key_A, CTRL)
    keys("11.22")                                    # last Sunday, typed as clerks do
    key(Qt.Key.Key_T, ALT)                           # 标题(T)
    assert focused() is page.title_edit
    keys("2026年第47次周例会")
    key(Qt.Key.Key_Tab)                              # into the grid, on the first cell
    assert focused() is page.grid or page.grid.isAncestorOf(focused())

    keys("推进太公镇冬季植树")
    key(Qt.Key.Key_Tab)
    keys("zd")                                       # 重大
    key(Qt.Key.Key_Tab)
    keys("tgz")
    lead = focused()
    assert isinstance(lead, PickerEdit) and lead.suggestions()[0] == "太公镇"
    key(Qt.Key.Key_Tab)
    keys("xcz")
    key(Qt.Key.Key_Tab)
    keys("wjg")
    key(Qt.Key.Key_Tab)
    keys("年底前完成")
    with qtbot.waitSignal(page.saved, timeout=10_000) as saved:
        key(Qt.Key.Key_S, CTRL)                      # still typing in the content cell: its text is kept
    (task_no,) = saved.args[0].task_numbers
    assert task_no == "2026-10"
    assert window.focusWidget() is page.grid         # the keys still have a home: the next meeting's first cell
    back_to(qtbot, window)

    with qtbot.waitSignal(window.page_shown):
        key(Qt.Key.Key_3, CTRL)                      # 台账
    ledger = window.page("ledger")
    assert isinstance(ledger, LedgerPage)
    key(Qt.Key.Key_F, CTRL)
    with qtbot.waitSignal(ledger.loaded, timeout=10_000):
        keys(task_no)
        key(Qt.Key.Key_Down)                         # into the table, on the first row found
    table = focused()
    assert ledger.model.row_at(table.currentIndex().row()).task_no == task_no  # type: ignore[attr-defined]
    key(Qt.Key.Key_Return)
    view = next(v for v in task_view._open_views if v.task_no == task_no)
    if view.detail is None:
        qtbot.waitSignal(view.loaded, timeout=10_000).wait()
    qtbot.waitUntil(view.isActiveWindow)

    claim = view.panels[f"{task_no}/TGZ"].action_buttons["claim"]
    qtbot.waitUntil(claim.isVisible)                 # the panels are shown by the event loop
    for _ in range(40):                              # Tab through the window to 太公镇's 认领
        if focused() is claim:
            break
        key(Qt.Key.Key_Tab)
    assert focused() is claim
    key(Qt.Key.Key_Space)
    form = view.active_form
    assert isinstance(form, ActionForm) and form.kind == "claim"
    qtbot.waitUntil(form.isActiveWindow)
    assert form.date.isAncestorOf(focused())         # the form starts on its date
    key(Qt.Key.Key_A, CTRL)
    keys("11.23")
    key(Qt.Key.Key_Tab)
    keys("已安排专人负责")
    with qtbot.waitSignal(form.recorded, timeout=10_000):
        key(Qt.Key.Key_Return, CTRL)

    assert rows(db_path, "SELECT date, title FROM meeting") == [("2026-11-22", "2026年第47次周例会")]
    assert rows(db_path, "SELECT title, category, assigned_on, content FROM task WHERE task_no = ?", task_no) == [
        ("推进太公镇冬季植树", "major", "2026-11-22", "年底前完成")]
    assert sorted(rows(db_path, "SELECT u.code, a.role FROM assignment a JOIN unit u ON u.id = a.unit_id "
                                "JOIN task t ON t.id = a.task_id WHERE t.task_no = ?", task_no)) == [
        ("TGZ", "lead"), ("XCZ", "co")]
    assert rows(db_path, "SELECT l.name FROM task t JOIN leader l ON l.id = t.leader_id WHERE task_no = ?",
                task_no) == [("王建国",)]
    assert rows(db_path, "SELECT u.code, e.kind, e.effective_date, e.text, e.on_behalf FROM event e "
                         "JOIN assignment a ON a.id = e.assignment_id JOIN unit u ON u.id = a.unit_id "
                         "JOIN task t ON t.id = a.task_id WHERE t.task_no = ?", task_no) == [
        ("TGZ", "claim", "2026-11-23", "已安排专人负责", 1)]
    assert isinstance(claim, QPushButton)
