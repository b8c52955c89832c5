"""English fits the window's minimum 995×617 (issue 17: "Weekly assign", "eader in charg").

In English, at 995×617, every page of a hub and of a unit office — each settings section and
each tab of the pages with tabs too — keeps the window at its size (no page is wider than the
room beside the navigation) and draws every label that does not wrap, every button, tab and
table header section whole: its text, measured with its own font, is not wider than the widget
(tests/ui/_clipping.py). The navigation shows each page's name whole. The same holds in Chinese.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _clipping import clipped
from _shell_helpers import make_ctx
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QTabWidget

from core.i18n import set_language
from tests._shared.enrolled import enrolled_unit
from ui.pages.settings.page import SECTIONS
from ui.shell import language as language_module
from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Scenario

SIZE = (995, 617)


@pytest.fixture(params=["en", "zh_CN"])
def lang(request: pytest.FixtureRequest, qapp) -> Iterator[str]:  # noqa: ANN001
    locale = QLocale()
    set_language(request.param)
    yield request.param
    language_module.remove_qt_translator(qapp)
    QLocale.setDefault(locale)


def _open(qtbot, ctx) -> MainWindow:  # noqa: ANN001
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    qtbot.waitExposed(window)
    return window


def _settle(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not window.ctx.worker.pending, timeout=15_000)
    qtbot.wait(10)  # the layouts' posted requests


def _views(qtbot, window: MainWindow) -> Iterator[str]:  # noqa: ANN001
    """Show every page, settings section and tab in turn; yields a name for each view shown."""
    for key in window.page_keys():
        page = window.show_page(key)
        assert page is not None, key
        _settle(qtbot, window)
        yield key
        if key == "settings":
            for section, _title in SECTIONS[1:]:
                window.show_page("settings", {"section": section})
                _settle(qtbot, window)
                yield f"settings/{section}"
        for tabs in page.findChildren(QTabWidget):
            if not tabs.isVisible():
                continue
            for index in range(1, tabs.count()):
                tabs.setCurrentIndex(index)
                _settle(qtbot, window)
                yield f"{key}/{tabs.tabText(index)}"
            tabs.setCurrentIndex(0)


def _widest(page) -> list[str]:  # noqa: ANN001
    """The three widest widgets of `page` by minimum width, to say what made the window grow."""
    from PySide6.QtWidgets import QWidget

    shown = [w for w in page.findChildren(QWidget) if w.isVisible()]
    shown.sort(key=lambda w: -w.minimumSizeHint().width())
    return [f"{type(w).__name__} {w.objectName() or w.accessibleName() or getattr(w, 'text', lambda: '')()!r} "
            f"{w.minimumSizeHint().width()} px" for w in shown[:3]]


def _check(qtbot, window: MainWindow) -> list[str]:  # noqa: ANN001
    problems: list[str] = []
    for view in _views(qtbot, window):
        if (window.width(), window.height()) != SIZE:
            problems.append(f"{view}: the window grew to {window.width()}×{window.height()}; widest: "
                            + ", ".join(_widest(window.current_page())))
            window.resize(*SIZE)
            _settle(qtbot, window)
        problems += [f"{view}: {line}" for line in clipped(window)]
    fm = window.nav.fontMetrics()
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        room = window.nav.visualItemRect(item).width() - window.nav.iconSize().width() - 8
        if fm.horizontalAdvance(item.text()) > room:
            problems.append(f"navigation: {item.text()!r} needs {fm.horizontalAdvance(item.text())} px, has {room}")
    return list(dict.fromkeys(problems))


def test_every_hub_page_fits_995x617(qtbot, lang: str, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    window = _open(qtbot, make_ctx(db_path, "admin", scenario.password))
    try:
        problems = _check(qtbot, window)
    finally:
        window.close()
    assert not problems, f"{lang}: " + "\n".join(problems)


def test_every_unit_office_page_fits_995x617(qtbot, lang: str, db_path: Path, scenario: Scenario,  # noqa: ANN001
                                             tmp_path: Path) -> None:
    unit = enrolled_unit(db_path, "TGZ", tmp_path / "tgz" / "office.db", password=scenario.password,
                         hub_password=scenario.password, today=scenario.as_of)
    window = _open(qtbot, make_ctx(unit, "admin", scenario.password))
    try:
        problems = _check(qtbot, window)
    finally:
        window.close()
    assert not problems, f"{lang}: " + "\n".join(problems)
