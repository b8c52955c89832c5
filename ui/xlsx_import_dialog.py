"""Importing a ledger from Excel: choose the file, check it (dry run), then import it at once.

Contract: `open_import_dialog(ctx, parent)` makes the dialog, shows it with
`open()` (never exec) and returns it. The clerk picks the .xlsx through
`choose_file` and optionally a column mapping (TOML) through `choose_mapping`
(both module functions tests replace; None = cancelled); "Check" runs
`core.reports.xlsx.importing.plan_import` on the database worker (reading the file
and the directory off the GUI thread, a busy bar meanwhile) and lists every row
it would create and every row it refuses with the reasons, then emits
`planned(ImportPlan)`. "Import" is enabled only when the check found rows and
refused none; it runs `apply_import` through `ctx.write` (one transaction; the
pages hear `ctx.changed`), says how many tasks were created and emits
`imported(Changes)`. A refusal's sentence shows in red in the dialog and is
emitted as `refused(str)`; nothing was written. "Save template…" writes the
documented template through `choose_template_path` (replaceable).
The user's file is only read. Threading: GUI thread only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import ClerkError
from core.i18n import _, ngettext
from core.reports.xlsx.importing import ImportPlan, apply_import, plan_import, write_template
from core.reports.xlsx.mapping import load_mapping
from ui import file_dialogs
from ui.pages.directory.form import ERROR_COLOR, alive, error_label
from ui.shell import crash
from ui.shell.context import AppContext

REFUSED_COLOR = "#fde2e2"


def choose_file(parent: QWidget) -> str | None:
    """Ask for the .xlsx to import (replaced in tests); None when the clerk cancels."""
    path = file_dialogs.open_file(parent, _("Import a ledger from Excel"), "", _("Excel workbooks (*.xlsx)"))
    return path or None


def choose_mapping(parent: QWidget) -> str | None:
    """Ask for a column mapping file (replaced in tests); None when the clerk cancels."""
    path = file_dialogs.open_file(parent, _("Column mapping"), "", _("Column mappings (*.toml)"))
    return path or None


def choose_template_path(parent: QWidget) -> str | None:
    """Ask where to save the import template (replaced in tests); None when the clerk cancels."""
    path = file_dialogs.save_file(parent, _("Save the import template"), _("ledger-template.xlsx"),
                                  _("Excel workbooks (*.xlsx)"))
    return path or None


class XlsxImportDialog(QDialog):
    """See the module contract."""

    planned = Signal(object)   # ImportPlan
    imported = Signal(object)  # core.office.Changes
    refused = Signal(str)      # the sentence shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan: ImportPlan | None = None
        self.busy = False
        self.setWindowTitle(_("Import a ledger from Excel"))
        self.resize(980, 560)
        self.file_edit = self._path_edit(_("Excel file to import"))
        self.mapping_edit = self._path_edit(_("Column mapping file (optional)"))
        self.choose_button = QPushButton(_("Choose file…"))
        self.mapping_button = QPushButton(_("Choose mapping…"))
        self.clear_mapping_button = QPushButton(_("No mapping"))
        self.template_button = QPushButton(_("Save template…"))
        form = QFormLayout()
        form.addRow(_("File:"), self._row(self.file_edit, self.choose_button))
        form.addRow(_("Mapping:"), self._row(self.mapping_edit, self.mapping_button, self.clear_mapping_button))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setAccessibleName(_("Working"))
        self.progress.setVisible(False)
        self.summary = QLabel(_("Choose the Excel file, then check it: nothing is imported before you press "
                                "Import."))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Summary"))
        self.error = error_label(_("Error"))
        self.table = QTableWidget(0, 9)
        self.table.setAccessibleName(_("Rows of the sheet"))
        self.table.setHorizontalHeaderLabels([_("Row"), _("Result"), _("Item"), _("Assigned"), _("Lead"),
                                              _("Co units"), _("Category"), _("Source"), _("Leader or reason")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.buttons = QDialogButtonBox()
        self.check_button = self.buttons.addButton(_("Check (dry run)"), QDialogButtonBox.ButtonRole.ActionRole)
        self.ok_button = self.buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.template_button, QDialogButtonBox.ButtonRole.HelpRole)
        self.check_button.setEnabled(False)
        self.ok_button.setEnabled(False)
        self.check_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.choose_button.clicked.connect(self._choose_file)
        self.mapping_button.clicked.connect(self._choose_mapping)
        self.clear_mapping_button.clicked.connect(lambda: self._set_mapping(""))
        self.template_button.clicked.connect(self._save_template)
        self.check_button.clicked.connect(self.check)
        self.ok_button.clicked.connect(self.do_import)
        self.close_button.clicked.connect(self.reject)
        self.setTabOrder(self.choose_button, self.mapping_button)
        self.setTabOrder(self.mapping_button, self.clear_mapping_button)
        self.setTabOrder(self.clear_mapping_button, self.table)

    @staticmethod
    def _path_edit(accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setReadOnly(True)
        edit.setAccessibleName(accessible)
        edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return edit

    @staticmethod
    def _row(*widgets: QWidget) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widgets[0], 1)
        for w in widgets[1:]:
            row.addWidget(w)
        return box

    # choosing ---------------------------------------------------------------------------------
    def _choose_file(self) -> None:
        path = choose_file(self)
        if path:
            self.set_file(path)

    def set_file(self, path: str) -> None:
        """Take `path` as the file to import and forget any earlier check."""
        self.file_edit.setText(path)
        self._forget()

    def _choose_mapping(self) -> None:
        path = choose_mapping(self)
        if path:
            self._set_mapping(path)

    def _set_mapping(self, path: str) -> None:
        self.mapping_edit.setText(path)
        self._forget()

    def _forget(self) -> None:
        self.plan = None
        self.table.setRowCount(0)
        self.ok_button.setEnabled(False)
        self.check_button.setEnabled(bool(self.file_edit.text()) and not self.busy)
        self.error.setVisible(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        for b in (self.check_button, self.choose_button, self.mapping_button, self.clear_mapping_button):
            b.setEnabled(not busy)
        self.check_button.setEnabled(not busy and bool(self.file_edit.text()))
        self.ok_button.setEnabled(not busy and self._importable())
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _importable(self) -> bool:
        return self.plan is not None and bool(self.plan.rows) and not self.plan.refused

    # the dry run --------------------------------------------------------------------------------
    def check(self) -> None:
        """Plan the import on the worker; the rows show when it is done."""
        path, mapping_path = self.file_edit.text(), self.mapping_edit.text()
        if not path or self.busy:
            return
        today = self.ctx.today()

        def job(db: Any) -> ImportPlan:
            mapping = load_mapping(mapping_path) if mapping_path else None
            return plan_import(db, path, mapping, today=today)

        self.error.setVisible(False)
        self.summary.setText(_("Reading {name}…").format(name=Path(path).name))
        self._set_busy(True)
        self.ctx.query(job, alive(self, self._show_plan), alive(self, self._failed))

    def _show_plan(self, plan: ImportPlan) -> None:
        self.plan = plan
        cats = {"general": _("general"), "major": _("major")}
        sources = {"meeting": _("meeting"), "instruction": _("instruction"), "inspection": _("inspection"),
                   "other": _("other")}
        lines: list[tuple[int, list[str], bool]] = [
            (r.row, [str(r.row), _("will be created"), r.task.title, r.task.assigned_on.isoformat(),
                     plan.unit(r.task.lead), _(", ").join(plan.unit(c) for c in r.task.co), cats[r.task.category],
                     sources[r.task.source], r.task.leader or ""], False)
            for r in plan.rows]
        lines += [(r.row, [str(r.row), _("refused"), r.title, "", "", "", "", "", " ".join(r.reasons)], True)
                  for r in plan.refused]
        lines.sort(key=lambda x: x[0])
        self.table.setRowCount(len(lines))
        for i, (_row, cells, bad) in enumerate(lines):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if bad:
                    item.setBackground(QColor(REFUSED_COLOR))
                if j == 8 and bad:
                    item.setToolTip(text)
                self.table.setItem(i, j, item)
        self.table.resizeRowsToContents()
        created = ngettext("{n} row will be created", "{n} rows will be created", len(plan.rows)).format(
            n=len(plan.rows))
        refused = ngettext("{n} row is refused", "{n} rows are refused", len(plan.refused)).format(
            n=len(plan.refused))
        if plan.refused:
            tail = _("Fix the refused rows in the file and check it again; nothing is imported while a row is "
                     "refused.")
        elif plan.rows:
            tail = _("Press Import to create them in one step.")
        else:
            tail = _("The sheet has no rows under its header.")
        self.summary.setText(_("Sheet “{sheet}”: {created}; {refused}. {tail}").format(
            sheet=plan.sheet, created=created, refused=refused, tail=tail))
        self._set_busy(False)
        if self._importable():
            self.ok_button.setDefault(True)
        self.planned.emit(plan)

    # the import ---------------------------------------------------------------------------------
    def do_import(self) -> None:
        """Import the checked rows in one transaction through ctx.write."""
        plan = self.plan
        if plan is None or not self._importable() or self.busy:
            return
        self._set_busy(True)
        self.summary.setText(_("Importing…"))
        self.ctx.write(lambda s: apply_import(s, plan), alive(self, self._imported), alive(self, self._failed))

    def _imported(self, changes: Any) -> None:
        n = len(changes.tasks)
        self.plan = None
        self._set_busy(False)
        self.ok_button.setEnabled(False)
        self.summary.setText(ngettext("{n} task imported.", "{n} tasks imported.", n).format(n=n))
        self.close_button.setDefault(True)
        self.imported.emit(changes)

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if not isinstance(exc, ClerkError):
            crash.report(exc)
            return
        self.show_error(str(exc))

    def show_error(self, sentence: str) -> None:
        self.error.setText(sentence)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setVisible(True)
        self.summary.setText("")
        self.refused.emit(sentence)

    # the template -------------------------------------------------------------------------------
    def _save_template(self) -> None:
        path = choose_template_path(self)
        if not path:
            return
        self.ctx.query(lambda _db: write_template(path), alive(self, lambda p: self.summary.setText(
            _("The import template is saved as {path}.").format(path=p))), alive(self, self._failed))


def open_import_dialog(ctx: AppContext, parent: QWidget | None = None) -> XlsxImportDialog:
    """Make the dialog and show it with open() (window-modal, no exec); returns it."""
    dialog = XlsxImportDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
