"""A unit's score explained: the lines of `core.scoring.publish.explain_score`, and their total.

Contract: `ExplanationPanel.show_score(score, is_quarter)` lists the lines behind
`score` (what `core.scoring.publish.explain` gives for the same unit and period:
base or month scores, each event with its date, kind, task reference, the task's
title (when given `db` to read it from), role and points, then the panel or
bonus-cap adjustment) and a total equal to `score.score`. `clear()` shows the
hint. A double click on a task's line, or Return on it, emits `task_opened(task_no)`
(the page opens the task view). Read-only; GUI thread only.
"""
from __future__ import annotations

import sqlite_utils
from babel.dates import format_date
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.format import locale
from core.i18n import _
from core.scoring.monthly import UnitScore
from core.scoring.publish import Line, explain_score, with_titles
from ui import keyboard
from ui.ledger_model import ROLE_LABELS
from ui.pages.scores.ranking_model import points

COLUMNS = ("Date", "What", "Task", "Task title", "Role", "Points")


def _headers() -> list[str]:
    return [_("Date"), _("What"), _("Task"), _("Task title"), _("Role"), _("Points")]


class ExplanationPanel(QWidget):
    """The lines behind one unit's score (see the module contract)."""

    task_opened = Signal(str)  # the task number of the line double-clicked (or Return)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score: UnitScore | None = None
        self.lines: list[Line] = []
        self.title = QLabel()
        self.title.setObjectName("explanationTitle")
        self.title.setStyleSheet("font-weight: bold; color: #1f2a36;")
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("explanation")
        self.table.setAccessibleName(_("Explanation of the score"))
        self.table.setHorizontalHeaderLabels(_headers())
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._open_line)
        keyboard.on_return(self.table, self._open_line)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # the task title
        self.total_label = QLabel()
        self.total_label.setObjectName("explanationTotal")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.total_label.setStyleSheet("font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)
        self.clear()

    def clear(self) -> None:
        self.score, self.lines = None, []
        self.title.setText(_("Click a unit in a table or chart to see what moved its score."))
        self.table.setRowCount(0)
        self.total_label.clear()

    def show_score(self, score: UnitScore, is_quarter: bool, db: sqlite_utils.Database | None = None) -> None:
        lines = explain_score(score, is_quarter)
        self.score, self.lines = score, (with_titles(db, lines) if db is not None else lines)
        self.title.setText(_("{unit}: score {score}, rank {rank}").format(
            unit=score.name, score=points(score.score), rank=score.rank))
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            role = _(ROLE_LABELS[line.role]) if line.role in ROLE_LABELS else ""
            cells = (format_date(line.on, "short", locale=locale()) if line.on else "", line.text,
                     "" if line.kind == "month" else line.ref, line.title, role, points(line.points))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == len(cells) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    item.setData(Qt.ItemDataRole.UserRole, line.points)
                if col in (1, 3):
                    item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.total_label.setText(_("Total {total}").format(total=points(self.total())))

    def _open_line(self, index: QModelIndex) -> None:
        line = self.lines[index.row()] if index.isValid() and index.row() < len(self.lines) else None
        if line is not None and line.role is not None and line.ref:
            self.task_opened.emit(line.ref.partition("/")[0])

    def total(self) -> float:
        """The sum of the lines shown (equals the score shown)."""
        return round(sum(x.points for x in self.lines), 6)
