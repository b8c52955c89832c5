"""The quarter's hub entries (bonuses, public criticism, inspection findings) and the buttons to add one.

Contract: `EntriesWidget.set_entries(rows)` lists the `Entry`s given (date,
unit, kind, points, text). "Add bonus…", "Add criticism…" and "Add finding…"
call `ui.score_entries.open_entry_dialog(ctx, parent, kind)`, imported when
clicked; the dialog writes through the core and `ctx.changed` reloads the page.
The buttons are shown to a writing hub user only (`set_editable`). GUI thread only.
"""
from __future__ import annotations

from collections.abc import Sequence

from babel.dates import format_date
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.format import locale
from core.i18n import _
from core.scoring.events import DESCRIPTIONS
from core.scoring.listing import Entry
from ui.pages.scores.ranking_model import points
from ui.shell.context import AppContext

ADD_KINDS = ("bonus", "criticism", "finding")


class EntriesWidget(QWidget):
    """The entries of the quarter (see the module contract)."""

    unit_clicked = Signal(str)
    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Entry] = []
        self.dialog: QWidget | None = None
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("entries")
        self.table.setAccessibleName(_("Bonuses, criticism and findings of the quarter"))
        self.table.setHorizontalHeaderLabels([_("Date"), _("Unit"), _("What"), _("Points"), _("Text")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.cellDoubleClicked.connect(lambda row, _col: self._row_clicked(row))
        self.empty = QLabel(_("No bonus, criticism or finding is dated in this quarter."))
        self.empty.setStyleSheet("color: #5f6b76;")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for kind, text in zip(ADD_KINDS, (_("Add bonus…"), _("Add criticism…"), _("Add finding…")), strict=True):
            button = QPushButton(text)
            button.setObjectName(f"add_{kind}")
            button.clicked.connect(lambda _checked=False, k=kind: self.add(k))
            self.buttons[kind] = button
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(row)

    def set_editable(self, editable: bool) -> None:
        for button in self.buttons.values():
            button.setVisible(editable)
            button.setEnabled(editable)

    def set_entries(self, rows: Sequence[Entry]) -> None:
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for i, e in enumerate(self.rows):
            what = _(DESCRIPTIONS[e.kind]) if e.kind in DESCRIPTIONS else e.kind
            cells = (format_date(e.on, "short", locale=locale()), e.unit_name, what,
                     points(e.points), e.text)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 1:
                    item.setData(Qt.ItemDataRole.UserRole, e.unit)
                self.table.setItem(i, col, item)
        self.empty.setVisible(not self.rows)

    def _row_clicked(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.unit_clicked.emit(self.rows[row].unit)

    def add(self, kind: str) -> None:
        """Open the entry dialog of `kind` (bonus, criticism or finding), built by ui.score_entries."""
        try:
            from ui.score_entries import open_entry_dialog
        except ImportError:
            self.message.emit(_("Entering bonuses is not available in this version."))
            return
        self.dialog = open_entry_dialog(self.ctx, self, kind)
