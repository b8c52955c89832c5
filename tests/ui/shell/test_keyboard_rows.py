"""Return on a row opens it (issue 15): the directory's units and leaders (their edit forms, hub only),
the score rankings (the keyboard goes into the explanation, where Return opens a line's task).

The unit desk's Return is in tests/ui/pages/test_unit_desk.py; the sync page's tables open nothing.
"""
# ruff: noqa: F811  (the fixtures imported from _scores_helpers are parameters here)
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _scores_helpers import ctx, open_page, scores_db, scores_template  # noqa: F401  (fixtures)
from _shell_helpers import make_ctx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.pages.directory.dialogs import LeaderDialog, UnitDialog
from ui.pages.directory.page import DirectoryPage
from ui.pages.scores.monthly import MonthlyPage
from ui.shell.context import AppContext
from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Scenario

ALT, NONE = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.NoModifier


def key(k: Qt.Key, mods: Qt.KeyboardModifier = NONE) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    QTest.keyClick(widget, k, mods)


@pytest.fixture
def window(qtbot, db_path: Path, scenario: Scenario) -> Iterator[MainWindow]:  # noqa: ANN001
    win = MainWindow(make_ctx(db_path, "admin", scenario.password))
    qtbot.addWidget(win)
    win.resize(1280, 760)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    win.close()


def test_return_on_a_unit_or_leader_row_opens_its_form(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    window.nav.setFocus()
    with qtbot.waitSignal(window.page_shown):
        key(Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)   # 单位与领导
    page = window.page("directory")
    assert isinstance(page, DirectoryPage)
    if not page.units_tab.model.rowCount():
        qtbot.waitSignal(page.loaded, timeout=10_000).wait()
    key(Qt.Key.Key_F6)                                           # into the units table, on its first row
    key(Qt.Key.Key_Down)
    view = page.units_tab.view
    assert QApplication.focusWidget() is view and view.currentIndex().row() == 1
    key(Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, UnitDialog) and dialog.unit is not None
    assert dialog.unit.code == page.units_tab.selected().code  # type: ignore[union-attr]
    dialog.reject()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    key(Qt.Key.Key_L, ALT)                                       # the 领导(L) tab
    assert page.tabs.currentWidget() is page.leaders_tab
    key(Qt.Key.Key_F6)
    assert QApplication.focusWidget() is page.leaders_tab.view
    key(Qt.Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, LeaderDialog) and dialog.leader is not None and dialog.leader.name == "王建国"
    dialog.reject()


def test_return_on_a_ranking_row_goes_into_its_explanation(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    opened: list[str] = []
    ctx.open_task.connect(opened.append)
    page = open_page(qtbot, MonthlyPage, ctx)
    table = page.sections["township"].table
    table.setFocus(Qt.FocusReason.TabFocusReason)
    codes = [s.unit for s in page.sections["township"].model.scores]
    row = codes.index("TGZ")
    key(Qt.Key.Key_Home)
    for _ in range(row):
        key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return)
    lines = page.explanation.table
    assert QApplication.focusWidget() is lines and lines.currentRow() == 0
    target = next(i for i, line in enumerate(page.explanation.lines) if line.ref == "2026-1/TGZ")
    for _ in range(target):
        key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return)
    assert opened == ["2026-1"]
