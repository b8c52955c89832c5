"""The &-mnemonics a window shows, to find two controls answering the same Alt+letter (issue 15).

`duplicate_mnemonics(window)` walks the widgets visible in `window` (buttons, check
boxes, labels with a buddy, group boxes, tab titles, the menu bar's menus, a tool
bar's actions) and returns {letter: [texts]} for each letter used more than once.
"""
from __future__ import annotations

from collections import defaultdict

from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from ui.keyboard import mnemonic


def mnemonic_texts(window: QWidget) -> list[str]:
    """The texts with a mnemonic that a clerk can reach with Alt in `window` now."""
    texts: list[str] = []

    def shown(w: QWidget) -> bool:
        return w is window or (w.isVisibleTo(window) and w.isEnabled())

    for button in window.findChildren(QAbstractButton):
        if shown(button) and not (isinstance(button, QToolButton) and button.defaultAction() is not None):
            texts.append(button.text())
    for label in window.findChildren(QLabel):
        if shown(label) and label.buddy() is not None:
            texts.append(label.text())
    for box in window.findChildren(QGroupBox):
        if shown(box):
            texts.append(box.title())
    for bar in window.findChildren(QTabBar):
        if shown(bar):
            texts += [bar.tabText(i) for i in range(bar.count()) if bar.isTabEnabled(i)]
    for toolbar in window.findChildren(QToolBar):
        if shown(toolbar):
            texts += [a.text() for a in toolbar.actions() if a.isVisible() and not a.isSeparator()]
    if isinstance(window, QMainWindow) and window.menuWidget() is not None:
        texts += [a.text() for a in window.menuBar().actions() if a.isVisible()]
    return [t for t in texts if mnemonic(t)]


def duplicate_mnemonics(window: QWidget) -> dict[str, list[str]]:
    by_letter: dict[str, list[str]] = defaultdict(list)
    for text in mnemonic_texts(window):
        by_letter[mnemonic(text)].append(text)
    return {k: v for k, v in by_letter.items() if len(v) > 1}
