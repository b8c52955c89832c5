"""督查 (Supervision): the hub's inspections, findings, nail items, red items per group, actions and people.

Contract: `SupervisionPage(ctx, parent)` (the hub only: ui/pages/__init__.py hides it from a
unit office) loads `load(db, as_of, date_from, date_to, group)` on the worker when built, on
`activate()`/`refresh()`, when the period or group filter changes and after every `ctx.changed`
(coalesced), and emits `loaded(SupervisionData)` once it is on screen. Tabs:
- 督查 `inspections`: the inspections of the period (and group) by date, newest first; under
  them `findings`, the findings of the selected inspection with their rectification status as
  the ledger shows it (REF, state, due, on time / overdue), red while a step is overdue;
- 钉子型 `nails`: the tasks inspected two or more times that are still open
  (core.supervision.views.nail_items);
- 各组红灯 `red`: per active group, its units and their red items today;
- 问责 `actions`: the accountability actions of the period (通报批评 included);
- 干部 `people`: everyone known, and the selected person's record (`record`).
Return or a double click on a row that names a task (a finding with a rectification task, a
nail item, a red item) opens it (`ctx.open_task`). A writing user of the hub
(`ctx.hub_may_write`) has 登记督查… / 登记问题… / 登记问责… (ui.pages.supervision.dialogs); a
viewer sees no add button. 打印督查通报… previews the bulletin of the period shown, 打印档案…
the selected person's record (ui.printing.documents). GUI thread only; reads on the worker.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.format import medium_date
from core.i18n import _
from core.scoring.periods import month_of
from core.supervision import groups, people, views
from ui import keyboard
from ui.date_field import DateField
from ui.pages.latest_load import LatestLoadMixin, message_label
from ui.pages.supervision import dialogs
from ui.pages.supervision import tables as t
from ui.shell.context import AppContext
from ui.wrap_row import WrapRow

TASK_ROLE = int(Qt.ItemDataRole.UserRole) + 2


@dataclass(frozen=True)
class SupervisionData:
    inspections: list[views.InspectionView]
    findings: dict[int, list[views.FindingView]]
    nails: list[views.NailItem]
    red: list[tuple[str, list[tuple[str, list[Any]]]]]
    actions: list[views.ActionView]
    people: list[people.Person]
    groups: list[str]
    unit_names: dict[str, str]


def load(db: sqlite_utils.Database, as_of: dt.date, date_from: dt.date | None, date_to: dt.date | None,
         group: str | None) -> SupervisionData:
    """Everything the page shows (on the worker)."""
    inspections = views.list_inspections(db, date_from, date_to, group)
    findings: dict[int, list[views.FindingView]] = {i.id: [] for i in inspections}
    for f in views.list_findings(db, as_of, date_from=date_from, date_to=date_to):
        if f.inspection_id in findings:
            findings[f.inspection_id].append(f)
    return SupervisionData(inspections, findings, views.nail_items(db, as_of), views.group_red_items(db, as_of),
                           views.list_actions(db, date_from, date_to), people.list_people(db),
                           [g.name for g in groups.list_groups(db)],
                           {str(c): str(n) for c, n in db.execute("SELECT code, name FROM unit")})


def _button(text: str, name: str, slot: Any) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.clicked.connect(slot)
    return b


class SupervisionPage(LatestLoadMixin, QWidget):
    """See the module contract."""

    loaded = Signal(object)       # SupervisionData
    load_failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: SupervisionData | None = None
        self.setObjectName("supervisionPage")
        today = ctx.today()
        first = month_of(today).previous().first  # the first day of last month
        self.date_from = DateField(first, _("From"), maximum=today, compact=True)
        self.date_to = DateField(today, _("To"), compact=True)
        self.group = QComboBox()
        self.group.setAccessibleName(_("Inspection group"))
        self.group.addItem(_("All groups"), None)
        self.message_label = message_label()
        writes = ctx.hub_may_write
        bar = QHBoxLayout()
        for label, widget in ((_("Fro&m:"), self.date_from), (_("T&o:"), self.date_to), (_("&Group:"), self.group)):
            lab = QLabel(label)
            lab.setBuddy(widget.edit if isinstance(widget, DateField) else widget)
            bar.addWidget(lab)
            bar.addWidget(widget)
        bar.addStretch(1)
        buttons = QHBoxLayout()  # beside the filters, or under them when the window is narrow (ui.wrap_row)
        self.add_inspection = _button(_("Record an &inspection…"), "addInspection", self.open_inspection)
        self.add_finding = _button(_("Record a fi&nding…"), "addFinding", self.open_finding)
        self.add_action = _button(_("Record an a&ction…"), "addAction", self.open_action)
        self.add_finding.setEnabled(False)  # until an inspection is selected (_show_findings)
        self.print_bulletin = _button(_("Print the &bulletin…"), "printBulletin", self.print_the_bulletin)
        for b in (self.add_inspection, self.add_finding, self.add_action):
            b.setVisible(writes)
            buttons.addWidget(b)
        buttons.addWidget(self.print_bulletin)
        self.bar = WrapRow(bar, buttons)

        self.tabs = QTabWidget()
        self.inspections = t.make_table("inspections", _("Inspections"), [
            _("Date"), _("Inspection group"), _("Method"), _("Units visited"), _("Tasks checked"), _("Findings"),
            _("Text")], 6)
        self.findings = t.make_table("findings", _("Findings of the inspection"), [
            _("Unit"), _("Severity"), _("Finding"), _("Person"), _("Deducted"), _("Rectification")], 2)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.inspections)
        split.addWidget(self.findings)
        self.tabs.addTab(split, _("Inspections"))
        self.nails = t.make_table("nails", _("Nail items"), [
            _("Task"), _("Title"), _("Times inspected"), _("Inspected on"), _("Open assignments")], 1)
        self.tabs.addTab(self.nails, _("Nail items"))
        self.red = QTreeWidget()
        self.red.setObjectName("redItems")
        self.red.setAccessibleName(_("Red items per group"))
        self.red.setHeaderLabels([_("Group / unit / item"), _("Due")])
        self.red.header().setStretchLastSection(False)
        self.red.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.red.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.red, _("Red items per group"))
        self.actions = t.make_table("actions", _("Accountability actions"), [
            _("Date"), _("Unit"), _("Accountability measure"), _("Person"), _("What for")], 4)
        self.tabs.addTab(self.actions, _("Accountability"))
        self.tabs.addTab(self._people_tab(), _("People"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)

        self.inspections.itemSelectionChanged.connect(self._show_findings)
        for view in (self.findings, self.nails):
            view.doubleClicked.connect(lambda index, v=view: self._open_row(v, index))
            keyboard.on_return(view, lambda index, v=view: self._open_row(v, index))
        self.red.itemActivated.connect(self._open_red)
        self.date_from.dateChanged.connect(lambda _d: self.reload())
        self.date_to.dateChanged.connect(lambda _d: self.reload())
        self.group.currentIndexChanged.connect(lambda _i: self.reload())
        self._watch_changes()
        self.reload()

    def _people_tab(self) -> QWidget:
        self.people = t.make_table("people", _("People"), [_("Name"), _("Unit"), _("Post")], 0)
        self.record = t.make_table("record", _("Cadre record"), [
            _("Date"), _("Category"), _("Kind"), _("Text"), _("Source")], 3)
        self.print_record = _button(_("Print the &record…"), "printRecord", self.print_the_record)
        self.people.itemSelectionChanged.connect(self._show_record)
        right = QWidget()
        box = QVBoxLayout(right)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.record, 1)
        box.addWidget(self.print_record)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.people)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        return split

    # ----- loading ----------------------------------------------------------------------

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        return self.date_from.date(), self.date_to.date()

    def reload(self) -> None:
        if self.date_from.problem() or self.date_to.problem():
            return
        (start, end), group, day = self.period(), self.group.currentData(), self.ctx.today()
        self._load_latest(lambda db: load(db, day, start, end, group), self._loaded)

    def activate(self, _options: dict[str, Any] | None = None) -> None:
        if not self._loading:
            self.reload()

    def refresh(self) -> None:
        self.reload()

    def main_view(self) -> QTableWidget | QTreeWidget:
        current = self.tabs.currentWidget()
        return {self.nails: self.nails, self.red: self.red, self.actions: self.actions}.get(
            current, self.people if current is self.people.parentWidget() else self.inspections)

    def _loaded(self, data: SupervisionData) -> None:
        self.data = data
        self._fill_groups(data.groups)
        selected = self.selected_inspection()
        t.fill(self.inspections, t.inspection_rows(data.inspections, data.unit_names),
               [i.id for i in data.inspections])
        rows = [n for n, i in enumerate(data.inspections) if selected and i.id == selected.id]
        self.inspections.selectRow(rows[0] if rows else 0) if data.inspections else self._show_findings()
        t.fill(self.nails, t.nail_rows(data.nails), [n.task_no for n in data.nails])
        t.fill(self.actions, t.action_rows(data.actions), [a.id for a in data.actions])
        person = self.selected_person()
        t.fill(self.people, t.people_rows(data.people), [p.id for p in data.people])
        again = [n for n, p in enumerate(data.people) if person and p.id == person.id]
        if again:
            self.people.selectRow(again[0])
        else:
            self._show_record()
        self._fill_red(data.red)
        self.loaded.emit(data)

    def _fill_groups(self, names: list[str]) -> None:
        current = self.group.currentData()
        if [self.group.itemData(i) for i in range(1, self.group.count())] == names:
            return
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(_("All groups"), None)
        for n in names:
            self.group.addItem(n, n)
        self.group.setCurrentIndex(max(0, self.group.findData(current)) if current else 0)
        self.group.blockSignals(False)

    def _fill_red(self, red: list[tuple[str, list[tuple[str, list[Any]]]]]) -> None:
        assert self.data is not None
        self.red.clear()
        for name, units in red:
            total = sum(len(rows) for _c, rows in units)
            top = QTreeWidgetItem([_("{group}: {n} red items").format(group=name, n=total), ""])
            self.red.addTopLevelItem(top)
            for code, rows in units:
                unit = QTreeWidgetItem([_("{unit}: {n}").format(unit=self.data.unit_names.get(code, code),
                                                                n=len(rows)), ""])
                top.addChild(unit)
                for r in rows:
                    item = QTreeWidgetItem([f"{r.ref} {r.title}", medium_date(r.next_due or r.due)])
                    item.setData(0, TASK_ROLE, r.task_no)
                    unit.addChild(item)
            top.setExpanded(True)

    # ----- selection ----------------------------------------------------------------------

    def selected_inspection(self) -> views.InspectionView | None:
        if self.data is None:
            return None
        rows = self.inspections.selectionModel().selectedRows()
        key = t.key_of(self.inspections, rows[0].row()) if rows else None
        return next((i for i in self.data.inspections if i.id == key), None)

    def shown_findings(self) -> list[views.FindingView]:
        i = self.selected_inspection()
        return self.data.findings.get(i.id, []) if self.data and i else []

    def _show_findings(self) -> None:
        items = self.shown_findings()
        rows, red = t.finding_rows(items)
        t.fill(self.findings, rows, [f.id for f in items], red)
        self.add_finding.setEnabled(self.selected_inspection() is not None)

    def selected_person(self) -> people.Person | None:
        if self.data is None:
            return None
        rows = self.people.selectionModel().selectedRows()
        key = t.key_of(self.people, rows[0].row()) if rows else None
        return next((p for p in self.data.people if p.id == key), None)

    def _show_record(self) -> None:
        person = self.selected_person()
        self.print_record.setEnabled(person is not None)
        if person is None:
            t.fill(self.record, [], [])
            return
        self.ctx.query(lambda db: people.record(db, person),
                       lambda entries: t.fill(self.record, t.record_rows(entries), [e.id for e in entries]))

    def _open_row(self, table: QTableWidget, index: QModelIndex) -> None:
        """Open the task a finding's rectification or a nail item names (see the module contract)."""
        if table is self.findings:
            items = self.shown_findings()
            task = items[index.row()].task_no if 0 <= index.row() < len(items) else None
        else:
            task = t.key_of(self.nails, index.row())
        if task:
            self.ctx.open_task.emit(task)

    def _open_red(self, item: QTreeWidgetItem, _column: int) -> None:
        task = item.data(0, TASK_ROLE)
        if task:
            self.ctx.open_task.emit(task)

    # ----- actions ----------------------------------------------------------------------

    def open_inspection(self) -> dialogs.InspectionDialog:
        return dialogs.open_inspection_dialog(self.ctx, self)

    def open_finding(self) -> dialogs.FindingDialog | None:
        i = self.selected_inspection()
        return dialogs.open_finding_dialog(self.ctx, self, i) if i else None

    def open_action(self) -> dialogs.ActionDialog:
        # a finding selected on the inspections tab: the action follows it
        rows = self.findings.selectionModel().selectedRows() if self.tabs.currentIndex() == 0 else []
        items = self.shown_findings()
        f = items[rows[0].row()] if rows and rows[0].row() < len(items) else None
        return dialogs.open_action_dialog(self.ctx, self, f.unit if f else None, f.id if f else None)

    def print_the_bulletin(self) -> Any:
        from ui.printing.documents import print_supervision_bulletin

        start, end = self.period()
        if start is None or end is None:
            self.show_message(_("Give the first and the last day of the period to print its bulletin."))
            return None
        return print_supervision_bulletin(self.ctx, self, start, end)

    def print_the_record(self) -> Any:
        from ui.printing.documents import print_cadre_record

        person = self.selected_person()
        return print_cadre_record(self.ctx, self, person) if person else None
