"""Table models of the directory: units, leaders and users, each a small list held whole.

Contract: `RowsModel(columns)` shows a list of frozen rows (core.directory.Unit,
Leader, core.auth.User), one column per `Column(title msgid, text(row))`; a
deactivated row is greyed and says so in its status column. `set_rows(rows)`
replaces the list (a model reset); `row(i)` is the i-th row. The lists are small
(about 80 units, 30 leaders, a dozen users), so holding them whole is right here;
they are loaded by the page through `ctx.query`. Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.i18n import N_, _

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
INACTIVE_COLOR = QColor("#8a8a8a")

KIND_LABELS = {"township": N_("Township"), "department": N_("Department")}
ROLE_LABELS = {"admin": N_("Administrator"), "clerk": N_("Clerk"), "viewer": N_("Viewer")}


def active_text(active: bool) -> str:
    return _("Active") if active else _("Deactivated")


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str                      # an N_() msgid
    text: Callable[[T], str]


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of directory rows (see the module contract)."""

    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, i: int) -> T:
        return self._rows[i]

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt's name and default)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self._columns):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._columns[index.column()].text(row)
        if role == Qt.ItemDataRole.ForegroundRole and not getattr(row, "active", True):
            return QBrush(INACTIVE_COLOR)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return _(self._columns[section].title)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
