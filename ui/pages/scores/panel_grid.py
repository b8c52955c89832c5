"""The month's panel scores (领导评分): units (rows) × leaders (columns), 0–10 per cell.

Contract: `PanelGridModel.set_grid(grid)` shows the latest saved score per
(leader, unit); an edit stores a pending value (any number; the core judges
it), drawn tinted. `PanelGridWidget.save()` writes every pending cell through
`core.scoring.store.set_panel_score` in one `ctx.write` job, each cell on its
own (a refused cell does not stop the others); saved cells leave the pending
set, a refused one stays pending, tinted red, with the core's sentence shown
below the grid and as its tooltip: nothing of it was written. `saved(count,
refused)` is emitted after each save (tests wait on it). Editing needs a
writing hub user (`set_editable`). GUI thread only; the writes run on the worker.
"""
from __future__ import annotations

from typing import Any

from babel.numbers import parse_decimal
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.errors import ClerkError
from core.format import locale, number
from core.i18n import _, ngettext
from core.office import Changes, Session
from core.scoring.store import set_panel_score
from ui.pages.scores.data import GridData
from ui.shell import crash
from ui.shell.context import AppContext

Index = QModelIndex | QPersistentModelIndex
Cell = tuple[str, str]  # (leader name, unit code)
PENDING_TINT = "#fff6db"
REFUSED_TINT = "#fdecea"
CHARGE_TINT = "#e6edf7"  # a unit in the leader's charge


class PanelGridModel(QAbstractTableModel):
    """Leaders × units of one month with pending edits (see the module contract)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid = GridData([], [], {})
        self.month = ""
        self.pending: dict[Cell, float] = {}
        self.refused: dict[Cell, str] = {}
        self.editable = False

    def set_grid(self, month: str, grid: GridData) -> None:
        """Show `grid`; pending edits are kept when it is the same month, else dropped."""
        self.beginResetModel()
        if month != self.month:
            self.pending.clear()
            self.refused.clear()
        self.month, self.grid = month, grid
        self.endResetModel()

    def cell(self, index: Index) -> Cell:
        return self.grid.leaders[index.column()][0], self.grid.units[index.row()][0]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.units)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.grid.leaders)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.grid.leaders):
            return self.grid.leaders[section][0]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.grid.units):
            return self.grid.units[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if self.editable else flags

    def value(self, cell: Cell) -> float | None:
        """What the cell shows: the pending value, else the latest saved score, else None."""
        return self.pending.get(cell, self.grid.scores.get(cell))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.grid.units) or index.column() >= len(self.grid.leaders):
            return None
        cell = self.cell(index)
        value = self.value(cell)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if value is None else number(value, "#,##0.##")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if cell in self.refused:
                return QColor(REFUSED_TINT)
            if cell in self.pending:
                return QColor(PENDING_TINT)
            leader_units = self.grid.leaders[index.column()][1]
            return QColor(CHARGE_TINT) if cell[1] in leader_units else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.refused.get(cell)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        text = str(value).strip()
        cell = self.cell(index)
        if not text:
            self.pending.pop(cell, None)
            self.refused.pop(cell, None)
        else:
            try:
                number = float(value) if isinstance(value, (int, float)) else float(
                    parse_decimal(text, locale=locale()))
            except (ValueError, ArithmeticError):
                return False
            if number == self.grid.scores.get(cell) and cell not in self.pending:
                return False
            self.pending[cell] = number
            self.refused.pop(cell, None)
        self.dataChanged.emit(index, index)
        return True

    def mark(self, saved: list[Cell], refused: dict[Cell, str]) -> None:
        """After a save: saved cells become the saved scores; refused ones stay pending, with their sentence."""
        for cell in saved:
            if cell in self.pending:
                self.grid.scores[cell] = self.pending.pop(cell)
            self.refused.pop(cell, None)
        self.refused.update(refused)
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))


def save_cells(s: Session, month: str, cells: dict[Cell, float]) -> tuple[Changes | None, list[Cell], dict[Cell, str]]:
    """Worker: each cell through the core on its own; returns (Changes if any saved, saved, refused)."""
    saved: list[Cell] = []
    refused: dict[Cell, str] = {}
    for (leader, unit), score in cells.items():
        try:
            set_panel_score(s, month, leader, unit, score)
            saved.append((leader, unit))
        except ClerkError as exc:
            refused[(leader, unit)] = str(exc)
    return (Changes() if saved else None), saved, refused


class PanelGridWidget(QWidget):
    """The grid, its Save button and the refusal line (see the module contract)."""

    saved = Signal(int, int)  # cells saved, cells refused

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = PanelGridModel(self)
        self.model.dataChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.view = QTableView()
        self.view.setObjectName("panelGrid")
        self.view.setAccessibleName(_("Panel scores by leader and unit"))
        self.view.setModel(self.model)
        triggers = QAbstractItemView.EditTrigger
        self.view.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
                                  | triggers.SelectedClicked)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setMinimumSectionSize(70)
        self.hint = QLabel(_("Enter each leader's score of a unit from 0 to 10, then save. Shaded cells are the "
                             "units in the leader's charge; with 3 or more scores the highest and lowest are "
                             "dropped."))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6b76;")
        self.message = QLabel()
        self.message.setObjectName("panelMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.message.hide()
        self.save_button = QPushButton(_("Save panel scores"))
        self.save_button.setObjectName("savePanel")
        self.save_button.clicked.connect(self.save)
        self.pending_label = QLabel()
        self.pending_label.setStyleSheet("color: #5f6b76;")
        row = QHBoxLayout()
        row.addWidget(self.pending_label, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.busy = False
        self.set_editable(False)

    def set_editable(self, editable: bool) -> None:
        self.model.editable = editable
        self.save_button.setVisible(editable)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        n = len(self.model.pending)
        self.save_button.setEnabled(self.model.editable and n > 0 and not self.busy)
        self.pending_label.setText(ngettext("{n} score not saved", "{n} scores not saved", n).format(n=n)
                                   if n else "")

    def save(self) -> None:
        if self.busy or not self.model.pending:
            return
        month, cells = self.model.month, dict(self.model.pending)
        self.busy = True
        self._update_buttons()
        self.ctx.write(lambda s: save_cells(s, month, cells), self._saved, self._failed)

    def _saved(self, result: tuple[Changes | None, list[Cell], dict[Cell, str]]) -> None:
        self.busy = False
        _changes, saved, refused = result
        self.model.mark(saved, refused)
        if refused:
            self.message.setText("\n".join(sorted(set(refused.values()))))
            self.message.show()
        else:
            self.message.hide()
        self._update_buttons()
        self.saved.emit(len(saved), len(refused))

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self._update_buttons()
        if isinstance(exc, ClerkError):
            self.message.setText(str(exc))
            self.message.show()
        else:
            crash.report(exc)
