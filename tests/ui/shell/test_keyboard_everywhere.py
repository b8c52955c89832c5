"""Keyboard manners on every page and window (issue 15): F6/Ctrl+Down into the table, one control per
Alt+letter in each window, the preview's Alt shortcuts."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _mnemonics import duplicate_mnemonics
from _shell_helpers import make_ctx
from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from core.work.task_view import assignment_brief
from ui.shell.main_window import MainWindow
from ui.task.action_forms import ACTION_LABELS, ActionForm
from ui.task.view import TaskView

if TYPE_CHECKING:
    from conftest import Scenario


@pytest.fixture
def window(qtbot, db_path: Path, scenario: Scenario) -> Iterator[MainWindow]:  # noqa: ANN001
    win = MainWindow(make_ctx(db_path, "admin", scenario.password))
    qtbot.addWidget(win)
    win.resize(1280, 760)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()


@pytest.mark.parametrize("keys", [(Qt.Key.Key_F6, Qt.KeyboardModifier.NoModifier),
                                  (Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)])
def test_f6_and_ctrl_down_go_into_each_pages_table(qtbot, window: MainWindow, keys) -> None:  # noqa: ANN001
    for key in window.page_keys():
        page = window.show_page(key)
        assert page is not None
        QApplication.processEvents()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.nav.setFocus()
        assert QApplication.focusWidget() is window.nav, (key, QApplication.activeWindow())
        QTest.keyClick(window.nav, *keys)
        focus = QApplication.focusWidget()
        assert isinstance(focus, QAbstractItemView) and page.isAncestorOf(focus), (key, focus)
        model = focus.model()
        if model is not None and model.rowCount() > 0:
            assert focus.currentIndex().isValid(), key  # a row is current: Up, Down and Return act at once


def test_no_page_has_two_controls_on_one_mnemonic(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    found = {}
    for key in window.page_keys():
        window.show_page(key)
        QApplication.processEvents()
        if duplicates := duplicate_mnemonics(window):
            found[key] = duplicates
    assert found == {}


def test_the_task_view_and_every_action_form_have_unique_mnemonics(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    ctx = window.ctx
    view = TaskView(ctx, "2026-4", window)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert duplicate_mnemonics(view) == {}
    brief = assignment_brief(ctx.reader, "2026-4/XCZ")
    found = {}
    for kind in ACTION_LABELS:
        form = ActionForm(ctx, brief, kind, view)
        qtbot.addWidget(form)
        form.show()
        if kind == "extension_request":
            form.add_milestone()
        QApplication.processEvents()
        if duplicates := duplicate_mnemonics(form):
            found[kind] = duplicates
        form.close()
    assert found == {}


def test_the_preview_toolbar_answers_its_alt_shortcuts(qtbot, ctx_for_preview) -> None:  # noqa: ANN001
    from tests.ui._report_helpers import make_render
    from ui.printing import jobs as report_jobs
    from ui.printing.preview import open_windows

    task = report_jobs.open_report(ctx_for_preview, None, "测试文件", make_render(3), "测试.pdf")
    assert task is not None
    if task.outcome is None:
        with qtbot.waitSignal(task.finished, timeout=10_000):
            pass
    win = open_windows()[-1]
    qtbot.addWidget(win)
    win.resize(820, 900)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    assert duplicate_mnemonics(win) == {}
    assert win.current_page == 0
    QTest.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # 下一页(N)
    assert win.current_page == 1
    QTest.keyClick(win, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # 上一页(V)
    assert win.current_page == 0
    QTest.keyClick(win, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # 适合页面(A)
    assert win.view.zoomMode() == QPdfView.ZoomMode.FitInView
    QTest.keyClick(win, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)  # 适合宽度(W)
    assert win.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    QTest.keyClick(win, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)  # 放大(I)
    assert win.view.zoomMode() == QPdfView.ZoomMode.Custom


@pytest.fixture
def ctx_for_preview(db_path: Path):  # noqa: ANN201
    from tests.ui._report_helpers import make_ctx as report_ctx
    from ui.printing.preview import open_windows

    context = report_ctx(db_path)
    yield context
    for window in open_windows():  # later tests count the preview windows open
        window.close()
    context.close()
