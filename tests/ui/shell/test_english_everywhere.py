"""In English every page of the window shows English (issue 17): no Chinese but the office's data.

The window is built in English and each page shown in turn; every text a user can
read is collected (labels, buttons, placeholders, group and tab titles, combo items,
table headers and cells, menus, tooltips, window titles). Chinese is allowed only where
it is data — any Chinese text stored in the database (unit, leader and task names,
the texts of the records) —, a name written in its own language (the language menu's
中文, the shipped font's family), the 发文字号's 〔2026〕N号, or a Chinese word that an
English msgid itself holds (a gloss such as "closes (销号)", an example such as "e.g. 太公镇",
the separator to type): those went through the catalog on purpose, so what fails here is
Chinese that bypassed it.
"""
from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import make_ctx
from PySide6.QtCore import QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabWidget,
    QWidget,
)

from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Scenario

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
OWN_NAMES = ("中文", "文泉驿微米黑")  # Chinese in the language menu, the shipped font's family name
DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号")
ROOT = Path(__file__).resolve().parents[3]
# example values of fields whose content is always Chinese (the 发文字号 abbreviation, the 抄送 list)
EXAMPLES = ("卫督", "县委、县政府领导")


def data_texts(db_path: Path) -> list[str]:
    """Every Chinese text stored in the database, longest first."""
    found: set[str] = set()
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite%'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                found.update(v for v in row if isinstance(v, str) and CHINESE.search(v) and len(v) < 2000)
    finally:
        conn.close()
    return sorted(found, key=len, reverse=True)


def readable_texts(root: QWidget) -> list[str]:
    """What a user can read in `root` and its children (also the hidden tabs' and menus')."""
    texts = [root.windowTitle(), root.toolTip()]
    for w in root.findChildren(QWidget):
        texts += [w.toolTip(), w.accessibleName()]
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        if isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        if isinstance(w, QGroupBox):
            texts.append(w.title())
        if isinstance(w, QTabWidget):
            texts += [w.tabText(i) for i in range(w.count())]
        if isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QMenu):
            texts += [a.text() for a in w.actions()]
        if isinstance(w, QAbstractItemView) and (model := w.model()) is not None:
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model hides columnCount: one column
                columns = 1
            for section in range(columns):
                texts.append(str(model.headerData(section, Qt.Orientation.Horizontal) or ""))
            for row in range(min(model.rowCount(QModelIndex()), 50)):
                for column in range(columns):
                    index = model.index(row, column)
                    texts += [str(model.data(index) or ""), str(model.data(index, Qt.ItemDataRole.ToolTipRole) or "")]
    texts += [a.text() for a in QWidget.actions(root)]
    return [t for t in texts if t]


@functools.cache
def msgid_chinese() -> list[str]:
    """The Chinese runs the English msgids hold (glosses, examples), longest first."""
    from babel.messages.pofile import read_po

    with (ROOT / "i18n" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="en")
    runs = {run for m in catalog if m.id for i in ([m.id] if isinstance(m.id, str) else m.id)
            for run in CHINESE.findall(i)}
    return sorted(runs, key=len, reverse=True)


def leftover_chinese(texts: list[str], data: list[str]) -> set[str]:
    leftovers = set()
    allowed = (*data, *OWN_NAMES, *EXAMPLES, *msgid_chinese())
    for text in texts:
        text = DOC_NUMBER.sub("", text)
        for known in allowed:
            text = text.replace(known, "")
        if CHINESE.search(text):
            leftovers.add(text)
    return leftovers


@pytest.fixture
def english_window(qtbot, db_path: Path, scenario: Scenario) -> Iterator[MainWindow]:  # noqa: ANN001
    from core.i18n import set_language

    assert set_language("en") == "en"
    # an English app installs no qtbase catalog (ui.shell.app.install_qt_translations); take out the one
    # an earlier test of the session installed (parented to the app), and put it back afterwards
    app = QApplication.instance()
    earlier = app.findChildren(QTranslator)
    for translator in earlier:
        app.removeTranslator(translator)
    win = MainWindow(make_ctx(db_path, "admin", scenario.password))
    qtbot.addWidget(win)
    win.resize(1280, 760)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    for translator in earlier:
        app.installTranslator(translator)


def test_every_page_is_in_english(qtbot, english_window: MainWindow, db_path: Path) -> None:  # noqa: ANN001
    window, data = english_window, data_texts(db_path)
    found = {}
    for key in window.page_keys():
        window.show_page(key)
        for _ in range(3):  # the page asks the worker; its answer comes back by a signal
            with qtbot.waitSignal(window.ctx.worker.idle, timeout=2_000, raising=False):
                QApplication.processEvents()
        QApplication.processEvents()
        if leftovers := leftover_chinese(readable_texts(window), data):
            found[key] = sorted(leftovers)
    menus = leftover_chinese([a.text() for m in window.menuBar().findChildren(QMenu) for a in m.actions()], data)
    assert not found and not menus, "Chinese in the English window:\n" + "\n".join(
        f"  {key}: {texts}" for key, texts in found.items()) + (f"\n  menus: {sorted(menus)}" if menus else "")
