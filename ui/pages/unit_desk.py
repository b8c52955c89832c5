"""我的事项 (My items): the unit office's desk, its own assignments grouped by what is due next.

Contract: `UnitDeskPage(ctx, parent)` is the page the window opens on in a unit
office (`ctx.office.unit_id`). It shows `core.work.unit_desk.desk_groups` (run on
the worker, as of `ctx.today()`) in a tree (`ui.pages.unit_desk_model.DeskModel`):
已逾期, 今天到期, 三天内, 以后到期, 待县里销号, 已办结 (the last 30 days), the empty
ones left out, every branch open. Each row has its role (a co row names the lead
unit), light, next step, due, state and the county office's latest word. Claim,
report, completion and extension request are buttons on the selected row; each
is enabled when `core.permissions` allows it from the row's state and opens the
same `ActionForm` as the task view (attachments, plan and milestones; kept in
`active_form`). Nothing the county office does (assign, close, score, edit the
directory) is offered here. Enter or double-click opens the task (`ctx.open_task`),
where the task's 督办单 is printed. The page reloads on `ctx.changed`; `loaded(count)`
follows each reload with the number of rows shown. A viewer sees no action
buttons. "Print my list…" previews the unit's 未办结清单
(`ui.printing.documents.print_unit_list`).
Threading: GUI thread only; the groups come from the worker, the selected row's
brief from `ctx.reader` (one row by key).
"""
from __future__ import annotations

from typing import Any

import sqlite_utils
from PySide6.QtCore import QItemSelection, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from core.directory import list_units
from core.errors import ClerkError
from core.format import number
from core.i18n import _, ngettext
from core.office import Changes
from core.permissions import allowed_actions
from core.work.task_view import AssignmentBrief, assignment_brief
from core.work.unit_desk import DeskGroup, desk_groups
from ui.ledger_model import LIGHT_COLORS
from ui.pages.unit_desk_model import COLUMN_OF, DeskModel
from ui.shell import crash
from ui.shell.context import AppContext
from ui.task.action_forms import ACTION_LABELS, ActionForm, open_tracked

DESK_ACTIONS = ("claim", "report", "completion", "extension_request")  # workflow.UNIT_ACTIONS, in order
DESK_WIDTHS = {"task_no": 100, "title": 250, "role": 150, "light": 64, "next_step": 150, "due": 120, "state": 70,
               "hub_word": 160}  # each widened to fit its header (the last stretches when there is room)


def unit_code_of(db: sqlite_utils.Database, unit_id: int | None) -> tuple[str, str]:
    """The code and name of the office's unit (through the core's directory)."""
    for unit in list_units(db):
        if unit.id == unit_id:
            return unit.code, unit.name
    return "", ""


class UnitDeskPage(QWidget):
    """The unit's own assignments by what is due next (see the module contract)."""

    loaded = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.active_form: ActionForm | None = None
        self.selected: AssignmentBrief | None = None
        self.groups: list[DeskGroup] = []
        self._generation = 0
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

        self.model = DeskModel(self)
        self.table = QTreeView()
        self.table.setObjectName("deskTable")
        self.table.setAccessibleName(_("My items by what is due next"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setUniformRowHeights(True)
        self.table.setWordWrap(False)
        self.table.setRootIsDecorated(True)
        self.table.setIndentation(14)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for key, width in DESK_WIDTHS.items():
            header.resizeSection(COLUMN_OF[key], max(width, header.fontMetrics().horizontalAdvance(
                str(self.model.headerData(COLUMN_OF[key], header.orientation()))) + 28))
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
        self.open_button.setToolTip(_("Open the task: its timeline, its files and its notice to print"))
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
        unit_id = self.ctx.office.unit_id if self.unit_code else None
        self._generation += 1
        generation = self._generation

        def done(groups: list[DeskGroup]) -> None:
            if generation == self._generation:  # an answer overtaken by a newer reload is dropped
                self._on_loaded(groups)

        self.ctx.query(lambda db: desk_groups(db, unit_id, day), done, self._on_failed)

    def _on_changed(self, changes: Changes) -> None:
        if changes.assignments or changes.tasks or changes.directory or changes.calendar:
            self.reload()

    def _on_loaded(self, groups: list[DeskGroup]) -> None:
        """Show the groups; keep the selected assignment selected where it now stands."""
        keep = self.selected.id if self.selected is not None else None
        self.groups = groups
        self.model.set_groups(groups, self.ctx.today())
        for g in range(self.model.rowCount()):   # a group's heading reads across the row
            self.table.setFirstColumnSpanned(g, QModelIndex(), True)
        self.table.expandAll()
        leaves = self.model.leaves()
        count = len(leaves)
        self.message.setVisible(False)
        self.empty.setVisible(count == 0)
        self.table.setVisible(count > 0)
        self._show_counts(groups)
        ids = [row.assignment_id for _key, row in leaves]
        target = keep if keep in ids else (ids[0] if ids else None)
        if target is not None:
            index = self.model.index_of(target)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
            self._selection_changed(QItemSelection(), QItemSelection())
        else:
            self._select(None)
        self.loaded.emit(count)

    def _show_counts(self, groups: list[DeskGroup]) -> None:
        lights = [r.light for g in groups if g.key not in ("closed",) for r in g.rows]
        parts = []
        for light in ("red", "yellow", "green"):
            n = lights.count(light)
            text = {"red": ngettext("{n} red", "{n} red", n), "yellow": ngettext("{n} yellow", "{n} yellow", n),
                    "green": ngettext("{n} green", "{n} green", n)}[light]
            parts.append(f'<span style="color:{LIGHT_COLORS[light]}">●</span> ' + text.format(n=number(n)))
        self.counts.setText("&nbsp;&nbsp;".join(parts))

    def _on_failed(self, exc: Exception) -> None:
        if isinstance(exc, ClerkError):
            self.message.setText(str(exc))
            self.message.setVisible(True)
        else:
            crash.report(exc)

    # ----- selection and actions ---------------------------------------------------------

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0]) if rows else None
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

    def select_ref(self, ref: str) -> bool:
        """Select the row of assignment `ref` (TASKNO/UNITCODE); False when it is not shown."""
        for _key, row in self.model.leaves():
            if row.ref == ref:
                self.table.setCurrentIndex(self.model.index_of(row.assignment_id))
                return True
        return False

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
        row = self.model.row_at(index) if index.isValid() else None
        if row is not None:
            self.ctx.open_task.emit(row.task_no)
