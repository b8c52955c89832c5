"""The tree model of the unit's desk: one branch per group of `core.work.unit_desk`, one leaf per assignment.

Contract: `DeskModel.set_groups(groups, today)` replaces the content with the
non-empty groups of `desk_groups` in their order; each branch reads
"已逾期 (2)" (its title and count), each leaf has the columns of COLUMNS: task
number, item, role ("Lead", or "Co-operating (lead: 县交通运输局)"), light (a dot
and its word), next step ("Report due today", core.work.ledger.step_text), the
completion due in force (with a pending extension's date), state, and the
county office's latest word (core.work.unit_desk.hub_word_text). `row_at(index)`
gives the DeskRow of a leaf (None for a branch); `index_of(assignment_id)` finds
a leaf. GUI thread only.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from core.format import medium_date, number
from core.i18n import N_, _
from core.work.ledger import step_text
from core.work.unit_desk import DeskGroup, DeskRow, hub_word_text
from ui.ledger_model import LIGHT_LABELS, OVERDUE_COLOR, ROLE_LABELS, STATE_LABELS, light_icon

COLUMNS = (("task_no", N_("No.")), ("title", N_("Item")), ("role", N_("Role")), ("light", N_("Light")),
           ("next_step", N_("Next step")), ("due", N_("Due")), ("state", N_("State")),
           ("hub_word", N_("The county office's latest word")))
COLUMN_OF = {key: i for i, (key, _title) in enumerate(COLUMNS)}
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1     # the DeskRow of a leaf's first cell
GROUP_ROLE = int(Qt.ItemDataRole.UserRole) + 2   # the group key of a branch


def role_text(row: DeskRow) -> str:
    if row.role == "co" and row.lead_unit:
        return _("Co-operating (lead: {unit})").format(unit=row.lead_unit)
    return _(ROLE_LABELS.get(row.role, row.role))


def due_text(row: DeskRow) -> str:
    text = medium_date(row.due)
    if row.pending_extension is not None:
        text = _("{due} (extension to {date} requested)").format(due=text, date=medium_date(row.pending_extension))
    return text


def next_text(row: DeskRow, today: dt.date) -> str:
    if row.state == "submitted":
        return _("Submitted on {date}").format(date=medium_date(row.submitted_on)) if row.submitted_on else ""
    if row.state == "closed":
        return _("Closed on {date}").format(date=medium_date(row.closed_on)) if row.closed_on else ""
    return step_text(row.next_step, row.next_due, today)


class DeskModel(QStandardItemModel):
    """The grouped desk (see the module contract)."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels([_(title) for _key, title in COLUMNS])
        self.groups: list[DeskGroup] = []

    def set_groups(self, groups: list[DeskGroup], today: dt.date) -> None:
        self.removeRows(0, self.rowCount())
        self.groups = list(groups)
        bold = QFont()
        bold.setBold(True)
        for group in groups:
            if not group.rows:
                continue
            head = QStandardItem(_("{group} ({n})").format(group=group.title, n=number(len(group.rows))))
            head.setData(group.key, GROUP_ROLE)
            head.setFont(bold)
            head.setEditable(False)
            head.setSelectable(False)
            if group.key == "overdue":
                head.setForeground(QBrush(QColor(OVERDUE_COLOR)))
            for row in group.rows:
                head.appendRow(self._cells(row, today))
            self.appendRow([head] + [self._blank() for _c in COLUMNS[1:]])

    @staticmethod
    def _blank() -> QStandardItem:
        item = QStandardItem()
        item.setEditable(False)
        item.setSelectable(False)
        return item

    def _cells(self, row: DeskRow, today: dt.date) -> list[QStandardItem]:
        texts = {"task_no": row.task_no, "title": row.title, "role": role_text(row),
                 "light": _(LIGHT_LABELS[row.light]) if row.light else "", "next_step": next_text(row, today),
                 "due": due_text(row), "state": _(STATE_LABELS.get(row.state, row.state)),
                 "hub_word": hub_word_text(row.hub_word)}
        cells = []
        for key, _title in COLUMNS:
            item = QStandardItem(texts[key])
            item.setEditable(False)
            item.setToolTip(texts[key])
            cells.append(item)
        cells[0].setData(row, ROW_ROLE)
        if row.light:
            cells[COLUMN_OF["light"]].setIcon(light_icon(row.light))
        if row.light == "red":
            cells[COLUMN_OF["next_step"]].setForeground(QBrush(QColor(OVERDUE_COLOR)))
        return cells

    def row_at(self, index: QModelIndex | QPersistentModelIndex) -> DeskRow | None:
        """The assignment of a leaf index (any column), None for a branch or an invalid index."""
        if not index.isValid() or not index.parent().isValid():
            return None
        value = index.sibling(index.row(), 0).data(ROW_ROLE)
        return value if isinstance(value, DeskRow) else None

    def index_of(self, assignment_id: int) -> QModelIndex:
        for g in range(self.rowCount()):
            head = self.item(g, 0)
            for r in range(head.rowCount()):
                value = head.child(r, 0).data(ROW_ROLE)
                if isinstance(value, DeskRow) and value.assignment_id == assignment_id:
                    return head.child(r, 0).index()
        return QModelIndex()

    def leaves(self) -> list[tuple[str, DeskRow]]:
        """Every shown assignment with its group key, in the order shown."""
        out = []
        for g in range(self.rowCount()):
            head = self.item(g, 0)
            key = str(head.data(GROUP_ROLE))
            for r in range(head.rowCount()):
                value = head.child(r, 0).data(ROW_ROLE)
                if isinstance(value, DeskRow):
                    out.append((key, value))
        return out
