"""Keyboard manners every page shares: Tab that leaves a field, Return that opens a row, F6 into the table.

Contract (GUI thread only):
- `tab_leaves(widget)`: Tab and Shift+Tab leave `widget` at once for the next (previous)
  widget of the focus chain. A QDateEdit otherwise walks its sections with Tab, and
  while it shows its special value ("不限") it swallows Tab and keeps the focus for ever.
- `tab_leaves_views(root)`: Tab leaves every read-only item view under `root` for the next
  control (Qt's tables walk their cells with Tab, so Tab never got out of a ledger); a view
  with edit triggers (a grid typed cell by cell) keeps Tab for its cells. The main window
  applies it to each page it creates.
- `on_return(view, slot)`: Return or Enter on the view's current row calls `slot(index)`
  (only while the view has the focus and is not editing).
- `chain_tab_order(widgets)`: Tab visits `widgets` in the given order (the order the eye
  reads them); hidden widgets are kept in the chain (Qt skips them).
- `main_view(page)`: the table or list the page is about: the page's own `main_view()`
  when it has one, else the first visible item view that takes the focus, top to bottom
  and left to right. `focus_main_view(page)` gives it the focus and makes sure a row is
  current (the first, when none was), so Up, Down and Return act at once; False when the
  page has no such view. The shell binds it to F6 and Ctrl+Down.
- `mnemonic(text)`: the letter after a single & ("适合页面(&A)" → "A"), "" when none;
  `alt_shortcut(text)` is Alt+that letter (for a toolbar, whose buttons' mnemonics Qt
  does not fire by itself).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QWidget

_TABS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _TabLeaves(QObject):
    """Moves the focus on at the first Tab (see `tab_leaves`)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and isinstance(obj, QWidget) \
                and event.key() in _TABS \
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            forward = event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            QWidget.focusNextPrevChild(obj, forward)
            return True
        return False


def tab_leaves(widget: QWidget) -> None:
    """Make Tab and Shift+Tab leave `widget` at once (see the module contract)."""
    tabber = _TabLeaves(widget)
    widget.installEventFilter(tabber)


def tab_leaves_views(root: QWidget) -> None:
    """Read-only item views under `root` give Tab to the focus chain (see the module contract)."""
    for view in root.findChildren(QAbstractItemView):
        if view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers:
            view.setTabKeyNavigation(False)


class _ReturnOpens(QObject):
    def __init__(self, view: QAbstractItemView, slot: Callable[[QModelIndex], object]) -> None:
        super().__init__(view)
        self._view, self._slot = view, slot

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in _ENTER \
                and self._view.state() != QAbstractItemView.State.EditingState:
            index = self._view.currentIndex()
            if index.isValid():
                self._slot(index)
                return True
        return False


def on_return(view: QAbstractItemView, slot: Callable[[QModelIndex], object]) -> None:
    """Return or Enter on the current row of `view` calls `slot(index)` (see the module contract)."""
    view.installEventFilter(_ReturnOpens(view, slot))


def chain_tab_order(widgets: Sequence[QWidget]) -> None:
    """Tab visits `widgets` in this order (see the module contract)."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)


def main_view(page: QWidget) -> QAbstractItemView | None:
    """The page's main table or list (see the module contract)."""
    own = getattr(page, "main_view", None)
    if callable(own):
        view = own()
        if isinstance(view, QAbstractItemView):
            return view
    candidates = [v for v in page.findChildren(QAbstractItemView)
                  if v.isVisibleTo(page) and v.focusPolicy() & Qt.FocusPolicy.TabFocus and v.isEnabled()]
    if not candidates:
        return None

    def where(v: QWidget) -> tuple[int, int]:
        p = v.mapTo(page, v.rect().topLeft())
        return p.y(), p.x()

    return min(candidates, key=where)


def focus_main_view(page: QWidget) -> bool:
    """Give the page's main view the focus with a current row; False when it has none."""
    view = main_view(page)
    if view is None:
        return False
    view.setFocus(Qt.FocusReason.ShortcutFocusReason)
    model = view.model()
    if model is not None and not view.currentIndex().isValid() and model.rowCount() > 0:
        first = model.index(0, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        selection = view.selectionModel()
        if selection is not None:
            selection.setCurrentIndex(first, flags)
        else:
            view.setCurrentIndex(first)
    return True


def mnemonic(text: str) -> str:
    """The mnemonic letter of `text` in upper case, or "" (see the module contract)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].upper()
            i += 1
        i += 1
    return ""


def alt_shortcut(text: str) -> QKeySequence | None:
    """Alt + the mnemonic of `text`, or None when it has none."""
    letter = mnemonic(text)
    return QKeySequence(f"Alt+{letter}") if letter.isascii() and letter.isalnum() else None
