"""The weekly grid's view and delegate: typing a meeting's items with the keyboard only.

Contract (GUI thread only):
- `GridView` moves with Tab/Shift+Tab and Enter through the editable cells only
  (title … content, then the next row's title), opening each cell's editor as
  it arrives, so a clerk types a whole meeting without the mouse; Ctrl+Tab (Ctrl+Shift+Tab)
  leaves the grid for the next (previous) control, from a cell or its open editor. Typing on a
  cell starts editing it; F2 or a double click edits its text; Delete clears it.
- `GridDelegate` gives the unit, leader and category cells a `PickerEdit`
  (name, pinyin initials, full pinyin or code; the co units cell takes several),
  and the leader cell offers the leaders in charge of the row's lead unit first.
  Tab or Enter keeps the highlighted suggestion and moves on; Esc cancels the edit.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from core.i18n import _
from core.pinyin_match import Entry
from ui.ledger_model import KIND_LABELS
from ui.pages.weekly_model import COLUMNS, EDITABLE, WeeklyGridModel
from ui.unit_completer import PickerEdit, describe_entry

Index = QModelIndex | QPersistentModelIndex
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_TABS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


def _ctrl_tab(event: QKeyEvent) -> bool | None:
    """None unless `event` is Ctrl+Tab or Ctrl+Shift+Tab; else whether it goes forward."""
    if event.key() not in _TABS or not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
        return None
    return event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier


def _category_line(entry: Entry) -> str:
    return f"{entry.name}    {entry.code}" if entry.code else entry.name


def _unit_line(entry: Entry) -> str:
    """A unit in the list: name, code and kind (太公镇    TGZ · 乡镇)."""
    kind = _(KIND_LABELS[entry.detail]) if entry.detail in KIND_LABELS else entry.detail
    return f"{entry.name}    " + " · ".join(x for x in (entry.code, kind) if x)


class GridDelegate(QStyledItemDelegate):
    """Editors of the weekly grid (see the module contract)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        model = index.model()
        assert isinstance(model, WeeklyGridModel)
        key, title = COLUMNS[index.column()]
        editor: QLineEdit
        if key == "category":
            editor = PickerEdit(model.categories, describe=_category_line, parent=parent)
        elif key in ("lead", "co"):
            editor = PickerEdit(model.units, multi=key == "co", describe=_unit_line, parent=parent)
        elif key == "leader":
            lead = model.units.resolve(model.draft(index.row()).lead)
            prefer = model.in_charge.get(lead.key, frozenset()) if lead else frozenset()
            editor = PickerEdit(model.leaders, prefer=prefer, describe=describe_entry, parent=parent)
        else:
            editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAccessibleName(_(title))
        editor.setObjectName(f"weekly_editor_{key}")
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, PickerEdit):
            model.setData(index, editor.committed_text(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """Enter commits and moves to the next cell, like Tab; Ctrl+Tab commits and leaves the grid."""
        if isinstance(obj, QWidget) and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and (forward := _ctrl_tab(event)) is not None:
            view = self.parent()
            self.commitData.emit(obj)
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.NoHint)
            if isinstance(view, QWidget):
                QWidget.focusNextPrevChild(view, forward)
            return True
        if isinstance(obj, QWidget) and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() in _ENTER \
                and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.commitData.emit(obj)
            self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(obj, event)


class GridView(QTableView):
    """A table that moves through the editable cells (see the module contract)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabKeyNavigation(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegate(GridDelegate(self))
        self.setWordWrap(False)

    def _step(self, index: QModelIndex, forward: bool) -> QModelIndex:
        """The next (or previous) editable cell after `index`, row by row; `index` itself at the ends."""
        model = self.model()
        row, col = index.row(), index.column()
        first, last = EDITABLE[0], EDITABLE[-1]
        if forward:
            row, col = (row, col + 1) if col < last else (row + 1, first)
        else:
            row, col = (row, col - 1) if col > first else (row - 1, last)
        if col > last:
            row, col = row + 1, first
        if row < 0 or row >= model.rowCount():
            return index
        return model.index(row, col)

    def moveCursor(self, action: QAbstractItemView.CursorAction,  # noqa: N802
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        current = self.currentIndex()
        if current.isValid() and action in (QAbstractItemView.CursorAction.MoveNext,
                                            QAbstractItemView.CursorAction.MovePrevious):
            return self._step(current, action == QAbstractItemView.CursorAction.MoveNext)
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if (forward := _ctrl_tab(event)) is not None:
            QWidget.focusNextPrevChild(self, forward)
            return
        current = self.currentIndex()
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and current.isValid() and event.key() in _ENTER:
            target = self._step(current, True)
            self.setCurrentIndex(target)
            if target.flags() & Qt.ItemFlag.ItemIsEditable:
                self.edit(target)
            return
        if not editing and current.isValid() and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) \
                and current.flags() & Qt.ItemFlag.ItemIsEditable:
            self.model().setData(current, "", Qt.ItemDataRole.EditRole)
            return
        super().keyPressEvent(event)
