"""The ledger reached and worked by keyboard alone (issue 15): Ctrl+3, search, Down, Return; Tab; pinyin units."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import by_name, make_ctx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableView

from core.i18n import _
from core.work.ledger import LedgerFilter
from ui.pages.ledger import LedgerPage
from ui.shell.main_window import MainWindow

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


def key(widget, k, mods=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    QTest.keyClick(widget, k, mods)


def focused():  # noqa: ANN201
    return QApplication.focusWidget()


def ledger_by_keyboard(qtbot, window: MainWindow) -> LedgerPage:  # noqa: ANN001
    page = window.page("ledger")
    if page is None:
        with qtbot.waitSignal(window.page_shown):
            key(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        page = window.page("ledger")
        assert isinstance(page, LedgerPage)
        if not page.model.ids:
            qtbot.waitSignal(page.loaded, timeout=10_000).wait()
    else:
        key(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(page, LedgerPage) and window.current_key() == "ledger"
    return page


def test_the_ledger_reached_and_a_row_opened_by_keyboard(qtbot, window: MainWindow,  # noqa: ANN001
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.task.view

    opened: list[str] = []
    monkeypatch.setattr(ui.task.view, "open_task_view", lambda _c, no, _p: opened.append(no))
    page = ledger_by_keyboard(qtbot, window)
    key(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = by_name(page, QLineEdit, _("Search"))
    assert focused() is search
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        QTest.keyClicks(search, "2026-4")
        key(search, Qt.Key.Key_Down)
    table = by_name(page, QTableView, _("Ledger"))
    assert focused() is table
    assert page.model.row_at(table.currentIndex().row()).task_no == "2026-4"
    key(table, Qt.Key.Key_Return)
    assert opened == ["2026-4"]


def test_return_in_the_search_box_goes_into_the_table_too(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    page = ledger_by_keyboard(qtbot, window)
    page.focus_search()
    key(focused(), Qt.Key.Key_Return)
    table = by_name(page, QTableView, _("Ledger"))
    assert focused() is table and table.currentIndex().row() == 0
    key(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1  # rows are walked with the arrows


@pytest.mark.parametrize(("accessible", "letter"), [(_("Assigned from"), Qt.Key.Key_A),
                                                   (_("Assigned until"), Qt.Key.Key_N)])
def test_tab_leaves_the_any_date_fields(qtbot, window: MainWindow, accessible: str, letter: Qt.Key) -> None:  # noqa: ANN001
    page = ledger_by_keyboard(qtbot, window)
    date = by_name(page, QLineEdit, accessible)  # the text field of the date field (ui.date_field)
    key(focused(), letter, Qt.KeyboardModifier.AltModifier)  # 交办日期(A) / 至(N): the label's letter reaches it
    assert focused() is date
    assert date.text() == "" and date.placeholderText() == _("Any")
    key(date, Qt.Key.Key_Tab)
    assert focused() is not date
    after = focused()
    key(after, Qt.Key.Key_Backtab)
    assert focused() is date
    key(date, Qt.Key.Key_Backtab)
    assert focused() is not date


def test_the_unit_filter_takes_pinyin_initials(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    page = ledger_by_keyboard(qtbot, window)
    unit = by_name(page, QComboBox, _("Unit filter"))
    unit.setFocus(Qt.FocusReason.TabFocusReason)
    field = unit.lineEdit()
    assert focused() in (unit, field)  # an editable combo keeps the focus and hands the keys to its field
    QTest.keyClicks(focused(), "tgz")
    assert field.suggestions()[0] == "太公镇"  # type: ignore[attr-defined]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        key(focused(), Qt.Key.Key_Return)
    assert page.current_filter() == LedgerFilter(unit="TGZ")
    assert unit.currentText() == "太公镇"
    key(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(focused(), "xc")
    key(focused(), Qt.Key.Key_Down)  # Down walks the suggestions, not the combo's items
    assert field.highlighted() is not None  # type: ignore[attr-defined]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        key(focused(), Qt.Key.Key_Tab)  # leaving the field takes the highlighted suggestion
    assert page.current_filter() == LedgerFilter(unit="XCZ")
    unit.setFocus(Qt.FocusReason.TabFocusReason)
    key(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(focused(), "no such place")
    key(focused(), Qt.Key.Key_Tab)
    assert page.current_filter() == LedgerFilter(unit="XCZ") and unit.currentText() == "兴城镇"
    unit.setFocus(Qt.FocusReason.TabFocusReason)
    key(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    key(focused(), Qt.Key.Key_Delete)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        key(focused(), Qt.Key.Key_Return)
    assert page.current_filter() == LedgerFilter()
