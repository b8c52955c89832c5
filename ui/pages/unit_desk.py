"""我的事项 (My items): a unit office's open assignments, most urgent first, one click from acting.

Contract: `UnitDeskPage(ctx, parent)` is the page the window opens on in a unit
office (`ctx.office.unit_id`). It lists the unit's open assignments through
`core.work.ledger` (LedgerFilter(unit=code, state="open"), sort "light": red, then
yellow, then green, each by next due) in the shared `LedgerModel` (ids held,
rows fetched on demand). Claim, report, completion and extension request are
buttons on the selected row; each is enabled when `core.permissions` allows it
from the row's state and opens the same `ActionForm` as the task view (kept in
`active_form`). Enter or double-click opens the task (`ctx.open_task`). The page
reloads on `ctx.changed`; `loaded(count)` follows each reload, `counts_loaded`
the red/yellow/green counts. A viewer sees no action buttons. "Print my list…"
previews the unit's list by urgency (`ui.printing.documents.print_unit_list`).
Threading: GUI thread only; ids and counts come from the worker, the selected
row's brief from `ctx.reader` (one row by key).
"""
from __future__ import annotations

from typing import Any

import sqlite_utils
from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
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

from core.directory import list_units
from core.errors import ClerkError
from core.format import number
from core.i18n import _, ngettext
from core.office import Changes
from core.permissions import allowed_actions
from core.work.ledger import LedgerFilter, Stats, stats
from core.work.task_view import AssignmentBrief, assignment_brief
from ui.ledger_model import COLUMN_OF, LIGHT_COLORS, LedgerModel
from ui.shell import crash
from ui.shell.context import AppContext
from ui.task.action_forms import ACTION_LABELS, ActionForm, open_tracked

DESK_ACTIONS = ("claim", "report", "completion", "extension_request")  # workflow.UNIT_ACTIONS, in order
HIDDEN_COLUMNS = ("unit",)
DESK_WIDTHS = {"task_no": 80, "title": 320, "role": 70, "leader": 90, "assigned_on": 110, "due": 110,
               "state": 90, "light": 70}


def unit_code_of(db: sqlite_utils.Database, unit_id: int | None) -> tuple[str, str]:
    """The code and name of the office's unit (through the core's directory)."""
    for unit in list_units(db):
        if unit.id == unit_id:
            return unit.code, unit.name
    return "", ""


class UnitDeskPage(QWidget):
    """The unit's open assignments by urgency (see the module contract)."""

    loaded = Signal(int)
    counts_loaded = Signal(object)   # core.work.ledger.Stats of the unit's assignments

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.active_form: ActionForm | None = None
        self.selected: AssignmentBrief | None = None
        self.unit_code, self.unit_name = unit_code_of(ctx.reader, ctx.office.unit_id)
        self.setObjectName("unitDesk")

        self.heading = QLabel(_("My items — {unit}").format(unit=self.unit_name))
        self.heading.setObjectName("deskHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.counts = QLabel()
        self.counts.setObjectName("deskCounts")
        self.counts.setAccessibleName(_("Open items by light"))
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.counts)

        self.model = LedgerModel(ctx.worker, ctx.reader, as_of=ctx.today(), parent=self)
        self.model.loaded.connect(self._on_loaded)
        self.model.load_failed.connect(self._on_failed)
        self.table = QTableView()
        self.table.setObjectName("deskTable")
        self.table.setAccessibleName(_("My open items"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for key, width in DESK_WIDTHS.items():
            header.resizeSection(COLUMN_OF[key], max(width, header.fontMetrics().horizontalAdvance(
                str(self.model.headerData(COLUMN_OF[key], Qt.Orientation.Horizontal))) + 28))
        for key in HIDDEN_COLUMNS:
            self.table.setColumnHidden(COLUMN_OF[key], True)
        header.setSortIndicator(COLUMN_OF["light"], Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._open_task)
        self.table.doubleClicked.connect(self._open_task)

        self.empty = QLabel(_("Nothing is waiting for {unit}: every item is closed out or with the county "
                              "office.").format(unit=self.unit_name))
        self.empty.setObjectName("deskEmpty")
        self.empty.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("deskMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        self.action_buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for kind in DESK_ACTIONS if ctx.can_write else ():
            button = QPushButton(_(ACTION_LABELS[kind]))
            button.setObjectName(f"desk_{kind}")
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, k=kind: self.open_form(k))
            self.action_buttons[kind] = button
            bar.addWidget(button)
        self.open_button = QPushButton(_("&Open task"))
        self.open_button.setObjectName("desk_open")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda: self._open_task(self.table.currentIndex()))
        self.print_button = QPushButton(_("Print &my list…"))
        self.print_button.setObjectName("desk_print")
        self.print_button.setToolTip(_("Preview and print the unit's open items by urgency"))
        self.print_button.setEnabled(bool(self.unit_code))
        self.print_button.clicked.connect(self.print_list)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.open_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        ctx.changed.connect(self._on_changed)
        self.reload()

    # ----- loading ----------------------------------------------------------------------

    def activate(self, options: dict[str, Any] | None = None) -> None:
        """Called when the window shows the page: the day may have changed."""
        self.reload()

    def reload(self) -> None:
        day = self.ctx.today()
        code = self.unit_code or "\0"  # an office without a unit (never enrolled) matches nothing
        self.model.set_filter(LedgerFilter(unit=code, state="open"), as_of=day)
        flt = LedgerFilter(unit=code)

        def work(db: sqlite_utils.Database) -> Stats:
            result = stats(db, as_of=day, flt=flt)
            assert isinstance(result, Stats)
            return result

        self.ctx.query(work, self._on_counts, self._on_failed)

    def _on_changed(self, changes: Changes) -> None:
        if changes.assignments or changes.tasks or changes.directory or changes.calendar:
            self.reload()

    def _on_loaded(self, count: int) -> None:
        """Show the rows; keep the selected assignment selected where it now stands."""
        self.empty.setVisible(count == 0)
        self.table.setVisible(count > 0)
        ids = list(self.model.ids)
        keep = self.selected.id if self.selected is not None else None
        row = ids.index(keep) if keep in ids and ids.index(keep) < self.model.rowCount() else 0
        if count:
            self.table.selectRow(row)
            self._selection_changed(QItemSelection(), QItemSelection())
        else:
            self._select(None)
        self.loaded.emit(count)

    def _on_counts(self, s: Stats) -> None:
        parts = []
        for light, n, text in (("red", s.red, ngettext("{n} red", "{n} red", s.red)),
                               ("yellow", s.yellow, ngettext("{n} yellow", "{n} yellow", s.yellow)),
                               ("green", s.green, ngettext("{n} green", "{n} green", s.green))):
            parts.append(f'<span style="color:{LIGHT_COLORS[light]}">●</span> '
                         + text.format(n=number(n)))
        self.counts.setText("&nbsp;&nbsp;".join(parts))
        self.counts_loaded.emit(s)

    def _on_failed(self, exc: Exception) -> None:
        if isinstance(exc, ClerkError):
            self.message.setText(str(exc))
            self.message.setVisible(True)
        else:
            crash.report(exc)

    # ----- selection and actions ---------------------------------------------------------

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        brief = None
        if row is not None:
            try:
                brief = assignment_brief(self.ctx.reader, row.ref)
            except ClerkError as err:
                self._on_failed(err)
        self._select(brief)

    def _select(self, brief: AssignmentBrief | None) -> None:
        self.selected = brief
        allowed = set()
        if brief is not None:
            allowed = set(allowed_actions(self.ctx.office.role, self.ctx.user, brief,
                                          own_unit=brief.unit_id == self.ctx.office.unit_id))
        for kind, button in self.action_buttons.items():
            button.setEnabled(kind in allowed)
            button.setAccessibleName(_("{action} for {ref}").format(action=_(ACTION_LABELS[kind]), ref=brief.ref)
                                     if brief else _(ACTION_LABELS[kind]))
        self.open_button.setEnabled(brief is not None)

    def open_form(self, kind: str) -> ActionForm | None:
        """Open the form for `kind` on the selected assignment (non-blocking)."""
        if self.selected is None:
            return None
        return open_tracked(self, self.ctx, self.selected, kind)

    def print_list(self) -> object:
        """Preview and print the unit's own list of open items (ui.printing.documents)."""
        from ui.printing import documents as report_documents

        return report_documents.print_unit_list(self.ctx, self, self.unit_code, self.unit_name)

    def _open_task(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is not None:
            self.ctx.open_task.emit(row.task_no)

