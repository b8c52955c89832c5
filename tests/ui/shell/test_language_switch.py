"""Switching the language in Settings applies at once, without a restart (issue 17).

The clerk chooses English on the settings page of a real main window (every page of a hub);
the navigation, the settings page's labels, the menus, the status bar and the window title's
suffix are then English, the page stays on the language section, and what was typed into the
weekly grid is still there. Back to 中文, everything is Chinese again. The choice is stored for
the next start, and documents printed afterwards follow the language (core.i18n).
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pdfplumber
import pytest
from _shell_helpers import by_name, make_ctx
from PySide6.QtCore import QLocale, QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel

from core import i18n
from core.i18n import _
from core.office import Changes
from ui.pages.settings.page import SettingsPage
from ui.shell import language as language_module
from ui.shell.app import requested_language
from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Scenario

ROOT = Path(__file__).resolve().parents[3]
ENGLISH_NAV = ["Dashboard", "Weekly assignment", "Ledger", "Monthly review", "Quarterly assessment",
               "Units and leaders", "Supervision", "Sync", "Settings"]


@pytest.fixture
def qt_language(qapp) -> Iterator[None]:  # noqa: ANN001
    """Whatever the test switches, Qt's translator, locale and display name are as before afterwards."""
    locale, name = QLocale(), qapp.applicationDisplayName()
    yield
    language_module.remove_qt_translator(qapp)
    QLocale.setDefault(locale)
    qapp.setApplicationDisplayName(name)


@pytest.fixture
def window(qtbot, db_path: Path, scenario: Scenario, qt_language: None) -> Iterator[MainWindow]:  # noqa: ANN001
    win = MainWindow(make_ctx(db_path, "admin", scenario.password))
    qtbot.addWidget(win)
    win.resize(995, 617)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def choose(qtbot, window: MainWindow, code: str) -> SettingsPage:  # noqa: ANN001
    """Choose `code` in Settings → language, as the clerk does; the rebuilt settings page."""
    page = window.show_page("settings", {"section": "language"})
    assert isinstance(page, SettingsPage)
    combo = page.language.combo
    with qtbot.waitSignal(window.language_changed, timeout=10_000) as signal:
        combo.setCurrentIndex(combo.findData(code))
    assert signal.args == [code]
    qtbot.waitUntil(lambda: window.page("settings") is not page)  # the old page has gone
    rebuilt = window.current_page()
    assert isinstance(rebuilt, SettingsPage) and rebuilt is not page
    return rebuilt


def nav_texts(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def label_texts(root) -> set[str]:  # noqa: ANN001
    return {label.text() for label in root.findChildren(QLabel)}


def test_english_applies_at_once_and_chinese_comes_back(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    chinese_nav = nav_texts(window)
    assert chinese_nav[0] == "仪表盘" or chinese_nav != ENGLISH_NAV
    chinese_file = window.actions.menus["file"].title()

    page = choose(qtbot, window, "en")
    assert i18n.language() == "en"
    assert nav_texts(window) == ENGLISH_NAV
    assert window.actions.menus["file"].title() == "&File"
    assert window.actions.menus["help"].title() == "&Help"
    assert window.page_actions["ledger"].text() == "Ledger"
    assert window.actions.action("quit").text() == "E&xit"
    # the title is the office's name; Qt appends the application's display name, now English
    assert window.windowTitle() == "示例县委督查室"
    assert QApplication.applicationDisplayName() == "Closeloop"
    assert by_name(window, QLabel, "Signed-in user").text() == "admin (Administrator)"
    assert "November" in by_name(window, QLabel, "Today").text()
    # the page rebuilt in English, on the section the clerk was on, the combo showing the choice
    assert window.current_key() == "settings"
    assert page.sections.item(0).text() == "Deadline rules"
    assert page.stack.currentWidget() is page.language
    assert page.language.combo.currentData() == "en"
    assert "&Language:" in label_texts(page.language)
    assert QLocale().language() == QLocale.Language.English

    page = choose(qtbot, window, "zh_CN")
    assert i18n.language() == "zh_CN"
    assert nav_texts(window) == chinese_nav
    assert window.actions.menus["file"].title() == chinese_file != "&File"
    assert QApplication.applicationDisplayName() == _("Closeloop") != "Closeloop"
    assert page.sections.item(0).text() == _("Deadline rules") != "Deadline rules"
    assert by_name(window, QLabel, _("Signed-in user")).text() == _("{user} ({role})").format(
        user="admin", role=_("Administrator"))
    assert page.language.combo.currentData() == "zh_CN"
    assert QLocale().language() == QLocale.Language.Chinese


def test_every_page_opens_in_english_after_the_switch(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    for key in window.page_keys():  # built in Chinese first: each is rebuilt
        assert window.show_page(key) is not None
    qtbot.waitUntil(lambda: not window.ctx.worker.pending, timeout=10_000)
    choose(qtbot, window, "en")
    assert set(window._pages) == {"settings"}  # the others are built again on their next show
    for key in window.page_keys():
        page = window.show_page(key)
        assert page is not None, key
    qtbot.waitUntil(lambda: not window.ctx.worker.pending, timeout=10_000)
    ledger = window.page("ledger")
    assert ledger is not None
    model = ledger.table.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["No.", "Item", "Responsible unit"]
    # a write after the switch reaches the new pages only (the old ones are gone, their connections with them)
    window.ctx.changed.emit(Changes(tasks={1}, assignments={1}, directory=True))
    qtbot.waitUntil(lambda: not window.ctx.worker.pending, timeout=10_000)


def test_what_was_typed_into_the_weekly_grid_survives_the_switch(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    weekly = window.show_page("weekly")
    assert weekly is not None
    model = weekly.model
    model.setData(model.index(0, 0), "全县冬季防火检查")
    weekly.title_edit.setText("第47次周例会")
    choose(qtbot, window, "en")
    rebuilt = window.show_page("weekly")
    assert rebuilt is not weekly
    assert rebuilt.model.drafts()[0].title == "全县冬季防火检查"
    assert rebuilt.model.rowCount(QModelIndex()) == 2  # the row and a blank one
    assert rebuilt.title_edit.text() == "第47次周例会"


def test_the_choice_is_kept_for_the_next_start(qtbot, window: MainWindow,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOSELOOP_LANG", raising=False)
    choose(qtbot, window, "en")
    assert QSettings().value("language") == "en"
    assert requested_language() == "en"  # what ui.shell.app.prepare_app activates at the next start
    choose(qtbot, window, "zh_CN")
    assert QSettings().value("language") == "zh_CN" and requested_language() == "zh_CN"


def test_documents_follow_the_language_chosen(qtbot, window: MainWindow, tmp_path: Path,  # noqa: ANN001
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from core.reports.ledger_pdf import render_ledger
    from core.work.ledger import LedgerFilter

    monkeypatch.setenv("CLOSELOOP_FONTS", "shipped")
    choose(qtbot, window, "en")
    pdf = tmp_path / "ledger.pdf"
    render_ledger(window.ctx.reader, pdf, LedgerFilter())
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
    assert "Supervision ledger" in text


def test_the_cli_follows_closeloop_lang_not_the_desktop_choice(qtbot, window: MainWindow,  # noqa: ANN001
                                                                db_path: Path, scenario: Scenario) -> None:
    choose(qtbot, window, "en")
    env = {k: v for k, v in os.environ.items() if k != "CLOSELOOP_LANG"}
    env.update(CLOSELOOP_PASSWORD=scenario.password, CLOSELOOP_USER="admin")
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "rules", "show"],
                         capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    english = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "rules", "show"],
                             capture_output=True, text=True, env={**env, "CLOSELOOP_LANG": "en"}, timeout=60,
                             check=True).stdout
    assert out != english
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out)
