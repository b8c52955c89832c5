"""The main window's shell: navigation, shortcuts, menus, a viewer's window, state, About, tasks."""
from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import add_user, by_name, core_ids, make_ctx
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QWidget

from core.i18n import N_, _
from core.work.ledger import LedgerFilter
from ui.about import AboutDialog
from ui.actions import plain
from ui.pages import PAGES, PageSpec, visible_pages
from ui.pages.ledger import LedgerPage
from ui.shell import main_window as main_window_module
from ui.shell.context import AppContext
from ui.shell.main_window import MainWindow, page_available

if TYPE_CHECKING:
    from conftest import Scenario


class FakePage(QWidget):
    """A page that records what the shell asks of it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.activations: list[dict[str, object]] = []
        self.refreshed = 0
        self.searched = 0

    def activate(self, options: dict[str, object]) -> None:
        self.activations.append(options)

    def refresh(self) -> None:
        self.refreshed += 1

    def focus_search(self) -> None:
        self.searched += 1


fake_module = types.ModuleType("closeloop_fake_pages")
fake_module.FakePage = FakePage  # type: ignore[attr-defined]
sys.modules["closeloop_fake_pages"] = fake_module


def _always(_ctx: AppContext) -> bool:
    return True


SPECS = (
    PageSpec("alpha", N_("Alpha"), "closeloop_fake_pages:FakePage", "Ctrl+1", "dashboard.svg", _always),
    PageSpec("missing", N_("Missing"), "ui.pages.no_such_page:NoSuchPage", "Ctrl+2", "weekly.svg", _always),
    PageSpec("ledger", N_("Ledger"), "ui.pages.ledger:LedgerPage", "Ctrl+3", "ledger.svg", _always),
)


@pytest.fixture
def ctx(db_path: Path, scenario: Scenario) -> AppContext:
    return make_ctx(db_path, "admin", scenario.password)  # the window closes it


@pytest.fixture
def window(qtbot, ctx: AppContext) -> Iterator[MainWindow]:  # noqa: ANN001
    win = MainWindow(ctx, pages=SPECS)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()


def test_missing_pages_are_left_out_with_a_warning(qtbot, ctx: AppContext, caplog) -> None:  # noqa: ANN001
    with caplog.at_level("WARNING", logger="ui.shell.main_window"):
        win = MainWindow(ctx, pages=SPECS)
    qtbot.addWidget(win)
    assert win.page_keys() == ["alpha", "ledger"]
    assert "no_such_page" in caplog.text
    nav = by_name(win, QListWidget, _("Navigation"))
    assert [nav.item(i).text() for i in range(nav.count())] == [_("Alpha"), _("Ledger")]
    assert not nav.item(0).icon().isNull()
    assert win.current_key() == "alpha"  # the first entry opens
    assert win.page("ledger") is None  # created on first show only
    win.close()


def test_the_real_registry_lists_every_existing_page(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    assert win.page_keys() == [p.key for p in visible_pages(ctx) if page_available(p)]
    assert "ledger" in win.page_keys() and "desk" not in win.page_keys()  # a hub office
    assert all((main_window_module.ICONS_DIR / p.icon).is_file() for p in PAGES)
    win.close()


def test_navigation_by_list(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    nav = by_name(window, QListWidget, _("Navigation"))
    alpha = window.current_page()
    assert isinstance(alpha, FakePage) and alpha.activations == [{}]
    with qtbot.waitSignal(window.page_shown) as blocker:
        rect = nav.visualItemRect(nav.item(1))
        qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["ledger"]
    assert isinstance(window.current_page(), LedgerPage)
    assert window.stack.currentWidget() is window.page("ledger")
    assert window.actions.action("page_ledger").isChecked()


def test_navigation_by_shortcut(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    assert window.actions.action("page_ledger").shortcut().toString() == "Ctrl+3"
    with qtbot.waitSignal(window.page_shown) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["ledger"]
    with qtbot.waitSignal(window.page_shown) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["alpha"]
    assert window.current_page().activations == [{}, {}]  # type: ignore[attr-defined]
    nav = by_name(window, QListWidget, _("Navigation"))
    assert nav.currentRow() == 0


def test_f5_and_ctrl_f_reach_the_page(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    page = window.current_page()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert (page.refreshed, page.searched) == (1, 1)  # type: ignore[attr-defined]
    ledger = window.show_page("ledger")
    assert isinstance(ledger, LedgerPage)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is by_name(ledger, QLineEdit, _("Search"))


def test_navigate_signal_opens_the_ledger_filtered(qtbot, window: MainWindow, ctx: AppContext,  # noqa: ANN001
                                                   db_path: Path) -> None:
    flt = LedgerFilter(unit="TGZ", light="red")
    window.show_page("ledger")
    ledger = window.page("ledger")
    assert isinstance(ledger, LedgerPage)
    window.show_page("alpha")
    with qtbot.waitSignal(ledger.loaded, timeout=10_000):
        ctx.navigate.emit("ledger", {"filter": flt})
    assert window.current_key() == "ledger"
    assert ledger.current_filter() == flt
    assert ledger.model.ids == tuple(core_ids(db_path, flt))


def test_open_task_calls_the_task_view(window: MainWindow, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.task.view

    opened: list[tuple[object, str, object]] = []
    monkeypatch.setattr(ui.task.view, "open_task_view", lambda c, no, parent: opened.append((c, no, parent)))
    ctx.open_task.emit("2026-4")
    assert opened == [(ctx, "2026-4", window)]


def test_menus_mnemonics_and_standard_shortcuts(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == [_("&File"), _("&View"), _("&Help")]
    shortcuts = {key: window.actions.action(key).shortcut().toString()
                 for key in ("quit", "refresh", "find", "manual", "about")}
    assert shortcuts == {"quit": "Ctrl+Q", "refresh": "F5", "find": "Ctrl+F", "manual": "F1", "about": ""}
    for key in window.actions.keys():
        action = window.actions.action(key)
        assert action.statusTip(), key
        assert plain(action.text()) != action.text() or key.startswith("page_"), f"{key} has no mnemonic"
    button = window.actions.button("refresh")
    assert button.accessibleName() == plain(_("&Refresh"))


def test_status_bar_shows_office_user_and_today(window: MainWindow) -> None:
    assert by_name(window, QLabel, _("Office")).text() == "示例县委督查室"
    assert by_name(window, QLabel, _("Signed-in user")).text() == _("{user} ({role})").format(
        user="admin", role=_("Administrator"))
    today = by_name(window, QLabel, _("Today")).text()
    assert "2026" in today and "27" in today
    # Qt appends the application's display name itself ("示例县委督查室 — 闭环督办"): named once
    assert window.windowTitle() == "示例县委督查室"


def test_a_viewer_sees_no_write_action(qtbot, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    add_user(db_path, scenario.password, "李读", "viewer", "view-pass")
    viewer_ctx = make_ctx(db_path, "李读", "view-pass")
    assert not viewer_ctx.can_write
    win = MainWindow(viewer_ctx, pages=SPECS)
    qtbot.addWidget(win)
    win.show()
    write_keys = win.actions.write_keys()
    assert "backup_now" in write_keys
    for key in write_keys:
        action = win.actions.action(key)
        assert not action.isVisible() and not action.isEnabled()
    shown = [a.objectName() for menu in win.actions.menus.values() for a in menu.actions()
             if a.isVisible() and not a.isSeparator()]
    assert shown and not set(shown) & set(write_keys)
    assert by_name(win, QLabel, _("Signed-in user")).text() == _("{user} ({role})").format(
        user="李读", role=_("Viewer"))
    win.close()


def test_geometry_and_splitter_are_restored(qtbot, db_path: Path, scenario: Scenario,  # noqa: ANN001
                                            window: MainWindow) -> None:
    window.resize(701, 502)  # inside the offscreen screen: restore clamps to it
    window.splitter.setSizes([211, 490])
    window.close()
    again = MainWindow(make_ctx(db_path, "admin", scenario.password), pages=SPECS)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (701, 502)
    assert again.splitter.sizes()[0] == 211  # the navigation's width; the page takes the rest
    again.close()


def test_a_window_saved_off_screen_comes_back_on_it(qtbot, db_path: Path, scenario: Scenario,  # noqa: ANN001
                                                     window: MainWindow) -> None:
    area = QGuiApplication.primaryScreen().availableGeometry()
    window.setGeometry(area.right() + 500, area.bottom() + 500, area.width() * 3, area.height() * 3)
    window.close()
    again = MainWindow(make_ctx(db_path, "admin", scenario.password), pages=SPECS)
    qtbot.addWidget(again)
    assert area.contains(again.frameGeometry())
    again.close()


def test_about_box_lists_versions_and_paths(qtbot, window: MainWindow, ctx: AppContext) -> None:  # noqa: ANN001
    import platform
    import sqlite3

    import PySide6

    window.actions.action("about").trigger()
    dialogs = [d for d in window.findChildren(AboutDialog) if d.isVisible()]
    assert len(dialogs) == 1
    text = dialogs[0].text()
    for expected in (platform.python_version(), PySide6.__version__, sqlite3.sqlite_version,
                     str(ctx.db_path.resolve()), "closeloop.log", "backups"):
        assert expected in text
    dialogs[0].copy()
    assert QGuiApplication.clipboard().text() == text
    dialogs[0].close()


def test_back_up_now(qtbot, window: MainWindow, db_path: Path) -> None:  # noqa: ANN001
    task = window.backup_now()
    with qtbot.waitSignal(task.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args == ["done"]
    backups = list((db_path.parent / "backups").glob("office-*.clbak"))
    assert len(backups) == 1
    assert str(backups[0]) in window.statusBar().currentMessage()


def test_ctrl_q_closes_the_window_and_the_context(window: MainWindow, ctx: AppContext) -> None:
    window.actions.action("quit").trigger()
    assert not window.isVisible()
    with pytest.raises(RuntimeError):
        ctx.worker.submit(lambda db: None, lambda r: None, lambda e: None)
