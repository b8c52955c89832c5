"""Help → User manual (F1): the manual's window, its contents, its PDF (issue 17)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import make_ctx
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.i18n import _, set_language
from core.manual import load
from ui.help_window import HelpWindow
from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Scenario


@pytest.fixture
def window(qtbot, db_path: Path, scenario: Scenario) -> Iterator[MainWindow]:  # noqa: ANN001
    win = MainWindow(make_ctx(db_path, "admin", scenario.password), pages=[])
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()


def shown_help(window: MainWindow) -> list[HelpWindow]:
    return [w for w in window.findChildren(HelpWindow) if w.isVisible()]


def test_the_help_menu_has_the_manual_on_f1(window: MainWindow) -> None:
    action = window.actions.action("manual")
    assert action.text() == "用户手册(&H)" == _("User &manual")
    assert action.shortcut().toString() == "F1"
    help_menu = window.actions.menus["help"]
    assert help_menu.actions()[0] is action


def test_f1_opens_the_manual_in_chinese_once(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: len(shown_help(window)) == 1)
    help_window = shown_help(window)[0]
    assert not help_window.isModal()
    manual = load("zh_CN")
    assert help_window.windowTitle() == manual.title == "闭环督办用户手册"
    chapters = [help_window.contents.topLevelItem(i).text(0) for i in range(help_window.contents.topLevelItemCount())]
    assert chapters == manual.chapters and "2. 第一次使用" in chapters
    text = help_window.browser.toPlainText()
    for title in help_window.section_titles():
        assert title in text
    window.actions.action("manual").trigger()  # the menu raises the same window, never a second one
    assert shown_help(window) == [help_window]
    help_window.close()


def test_the_manual_follows_the_language_in_force(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    set_language("en")  # the fixture of tests/ui/conftest.py puts the language back
    window.actions.action("manual").trigger()
    help_window = shown_help(window)[0]
    assert help_window.windowTitle() == "Closeloop User Manual"
    first = help_window.contents.topLevelItem(0).text(0)
    assert first == "1. Before you start" and first in help_window.browser.toPlainText()
    help_window.close()


def test_a_contents_entry_scrolls_to_its_section(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    help_window = HelpWindow.present(window)
    qtbot.waitExposed(help_window)
    bar = help_window.browser.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > 0
    contents = help_window.contents
    last = contents.topLevelItem(contents.topLevelItemCount() - 1)
    contents.scrollToItem(last)
    rect = contents.visualItemRect(last)
    qtbot.mouseClick(contents.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bar.value() > 0)
    far = bar.value()
    first = contents.topLevelItem(1)  # 2. 第一次使用, and Return on an entry works too
    contents.setCurrentItem(first)
    contents.setFocus()
    qtbot.keyClick(contents, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: 0 < bar.value() < far)
    help_window.close()


def test_export_the_manual_as_pdf(qtbot, window: MainWindow, tmp_path: Path) -> None:  # noqa: ANN001
    help_window = HelpWindow.present(window)
    assert help_window.export_button.text() == "导出手册PDF(&E)…"
    target = tmp_path / "手册.pdf"
    with qtbot.waitSignal(help_window.exported, timeout=30_000) as blocker:
        help_window.export_pdf(target)
    path, pages = blocker.args
    assert Path(path) == target and target.stat().st_size > 10_000 and 8 <= pages <= 15
    assert str(target) in help_window.message.text()
    help_window.close()


def test_the_export_asks_where_and_refuses_an_unwritable_place(qtbot, window: MainWindow, tmp_path: Path,  # noqa: ANN001
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.printing import dialogs as report_dialogs

    asked: list[str] = []
    target = tmp_path / "nowhere" / "手册.pdf"
    monkeypatch.setattr(report_dialogs, "ask_target",
                        lambda parent, title, name, suffix, flt: asked.append(name) or target)
    help_window = HelpWindow.present(window)
    with qtbot.waitSignal(help_window.export_failed, timeout=30_000) as blocker:
        help_window.export_button.click()
    assert asked == ["闭环督办用户手册"]
    assert blocker.args[0] == _("The folder {folder} does not exist; choose another place to save the file.").format(
        folder=target.parent)
    assert help_window.message.text() == blocker.args[0]
    assert list(tmp_path.iterdir()) == [] or not target.parent.exists()
    monkeypatch.setattr(report_dialogs, "ask_target", lambda *a: None)  # cancelled: nothing happens
    assert help_window.export_pdf() is None
    help_window.close()
    QApplication.processEvents()


def test_a_language_switch_while_open_shows_the_other_manual(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    from PySide6.QtCore import QEvent

    help_window = HelpWindow.present(window)
    assert help_window.manual.lang == "zh_CN"
    set_language("en")
    QApplication.sendEvent(help_window, QEvent(QEvent.Type.LanguageChange))
    assert help_window.windowTitle() == "Closeloop User Manual"
    assert help_window.contents.topLevelItem(0).text(0) == "1. Before you start"
    help_window.close()
