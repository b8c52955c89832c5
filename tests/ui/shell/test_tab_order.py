"""Tab follows the eye on every page (issue 15), at the hub and in a unit office.

From a page's first control (top left), Tab (Ctrl+Tab out of a grid typed cell by cell) must visit every visible, enabled control that takes the focus by
Tab, each once, in reading order — a later control is never left of an earlier one on the same row, nor above
and to its left — and leave the page for the navigation list (or come back to the first control).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import make_ctx
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QListWidget,
    QRadioButton,
    QTabWidget,
    QWidget,
)

from tests._shared.db_copy import copy_database
from tests._shared.enrolled import enrolled_unit
from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Scenario

NONE = Qt.KeyboardModifier.NoModifier
ROW = 6  # pixels: two controls whose vertical spans overlap by less than this are not on one row

HUB_PAGES = ("dashboard", "weekly", "ledger", "monthly", "quarterly", "directory", "sync", "settings", "supervision")
UNIT_PAGES = ("desk", "unit_dashboard", "ledger", "directory", "sync", "settings")


def focusable(page: QWidget) -> list[QWidget]:
    """The controls of `page` a clerk reaches with Tab now."""
    found = []
    for w in page.findChildren(QWidget):
        if not (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus) \
                or w.focusProxy() is not None:
            continue
        parent = w.parentWidget()
        inside = False
        while parent is not None and parent is not page:  # an item view's editor, a combo's or spin box's field
            if isinstance(parent, QAbstractItemView | QComboBox | QAbstractSpinBox):
                inside = True
                break
            parent = parent.parentWidget()
        if inside:
            continue
        if isinstance(w, QRadioButton) and w.autoExclusive() and not w.isChecked():
            continue  # Tab stops once in a group of radio buttons, on the checked one; the arrows choose
        found.append(w)
    return found


def box(w: QWidget) -> QRect:
    return QRect(w.mapTo(w.window(), w.rect().topLeft()), w.size())


def out_of_order(earlier: QWidget, later: QWidget) -> bool:
    """Whether `later` is left of `earlier` on its row, or above it in its column or to its left.

    Above and wholly to the right is a next column (a table, then the chart beside it) and is in order.
    """
    a, b = box(earlier), box(later)
    if min(a.bottom(), b.bottom()) - max(a.top(), b.top()) >= ROW:  # one row
        return b.right() <= a.left()
    above = b.bottom() < a.top()
    return above and b.left() <= a.right() - ROW  # not wholly to the right: the same column, or left of it


def describe(w: QWidget) -> str:
    name = w.accessibleName() or w.objectName() or getattr(w, "text", lambda: "")() or ""
    return f"{type(w).__name__}({name!s:.20}) at {box(w).topLeft().toTuple()}"


def walk(qtbot, window: MainWindow, key: str, part: int) -> tuple[list[QWidget], list[QWidget], QWidget | None]:  # noqa: ANN001
    """Show page `key` (its tab or section `part`), focus its first control, Tab until the focus leaves the
    page or comes back."""
    page = window.show_page(key)
    assert page is not None
    show_part(page, part)
    QApplication.processEvents()
    controls = focusable(page)
    first = min(controls, key=lambda w: (box(w).top() // 20, box(w).left()))
    window.activateWindow()  # a pop-up shown by the page (a completer) may have left no window active (offscreen)
    qtbot.waitUntil(window.isActiveWindow)
    first.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is first, (key, describe(first), QApplication.focusWidget())
    visited = [first]
    end = None
    for _ in range(len(controls) + 5):
        here = QApplication.focusWidget()
        # a grid typed cell by cell keeps Tab for its cells: Ctrl+Tab leaves it
        ctrl = isinstance(here, QAbstractItemView) and here.tabKeyNavigation()
        QTest.keyClick(here, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier if ctrl else NONE)
        now = QApplication.focusWidget()
        if now is None or now is first or not page.isAncestorOf(now):
            end = now
            break
        visited.append(now)
    return controls, visited, end


def parts(page: QWidget) -> int:
    """How many tabs (the directory) or sections (the settings) the page shows one at a time."""
    sections = getattr(page, "sections", None)
    if isinstance(sections, QListWidget):
        return sections.count()
    tabs = getattr(page, "tabs", None)
    return tabs.count() if isinstance(tabs, QTabWidget) and type(page).__name__ == "DirectoryPage" else 1


def show_part(page: QWidget, part: int) -> None:
    sections = getattr(page, "sections", None)
    if isinstance(sections, QListWidget):
        sections.setCurrentRow(part)
    elif parts(page) > 1:
        page.tabs.setCurrentIndex(part)  # type: ignore[attr-defined]


def check_page(qtbot, window: MainWindow, key: str) -> list[str]:  # noqa: ANN001
    page = window.show_page(key)
    assert page is not None
    return [p for part in range(parts(page)) for p in check_part(qtbot, window, key, part)]


def check_part(qtbot, window: MainWindow, key: str, part: int) -> list[str]:  # noqa: ANN001
    controls, visited, end = walk(qtbot, window, key, part)
    key = f"{key} {part}"
    problems = []
    missed = [describe(w) for w in controls if w not in visited]
    if missed:
        problems.append(f"{key}: Tab never reaches {missed}")
    twice = {describe(w) for w in visited if visited.count(w) > 1}
    if twice:
        problems.append(f"{key}: Tab visits twice {sorted(twice)}")
    for i, later in enumerate(visited):
        for earlier in visited[:i]:
            if out_of_order(earlier, later):
                problems.append(f"{key}: {describe(later)} comes after {describe(earlier)}")
                break
    if end is not visited[0] and end is not window.nav:
        problems.append(f"{key}: Tab leaves the page for {describe(end) if end else None}")
    return problems


def open_window(qtbot, path: Path, password: str) -> MainWindow:  # noqa: ANN001
    win = MainWindow(make_ctx(path, "admin", password))
    qtbot.addWidget(win)
    win.resize(1280, 760)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    return win


@pytest.fixture
def hub_window(qtbot, db_path: Path, scenario: Scenario) -> Iterator[MainWindow]:  # noqa: ANN001
    win = open_window(qtbot, db_path, scenario.password)
    yield win
    win.close()


@pytest.fixture(scope="module")
def unit_template(template_db: tuple[Path, Scenario], tmp_path_factory: pytest.TempPathFactory) -> Path:
    import datetime as dt

    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", "2026-11-27")
    try:
        folder = tmp_path_factory.mktemp("tab_unit")
        (folder / "hub").mkdir()
        hub = copy_database(template_db[0], folder / "hub" / "hub.db")
        password = template_db[1].password
        return enrolled_unit(hub, "TGZ", folder / "tgz" / "office.db", password=password, hub_password=password,
                             today=dt.date(2026, 11, 27))
    finally:
        mp.undo()


@pytest.fixture
def unit_window(qtbot, unit_template: Path, tmp_path: Path, scenario: Scenario) -> Iterator[MainWindow]:  # noqa: ANN001
    win = open_window(qtbot, copy_database(unit_template, tmp_path / "tgz.db"), scenario.password)
    yield win
    win.close()


def test_tab_follows_the_eye_on_every_hub_page(qtbot, hub_window: MainWindow) -> None:  # noqa: ANN001
    assert set(hub_window.page_keys()) == set(HUB_PAGES)
    problems = [p for key in HUB_PAGES for p in check_page(qtbot, hub_window, key)]
    assert problems == [], "\n".join(problems)


def test_tab_follows_the_eye_on_every_unit_page(qtbot, unit_window: MainWindow) -> None:  # noqa: ANN001
    assert set(unit_window.page_keys()) == set(UNIT_PAGES)
    problems = [p for key in UNIT_PAGES for p in check_page(qtbot, unit_window, key)]
    assert problems == [], "\n".join(problems)
