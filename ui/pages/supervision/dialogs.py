"""The 督查 page's dialogs: an inspection, a finding of an inspection, an accountability action.

Contract (GUI thread only): each dialog is opened with `open()` (never `exec()`) by
`open_inspection_dialog(ctx, parent)`, `open_finding_dialog(ctx, parent, inspection)` (a
core.supervision.views.InspectionView) and `open_action_dialog(ctx, parent, unit_code=None,
finding_id=None)`, which return it. "Record" runs the core call through `ctx.write`
(core.supervision.inspections.add_inspection / add_finding, core.supervision.actions.add_action):
a refusal (ClerkError) shows its sentence in red in the dialog, which stays open with nothing
written (`refused` is emitted); success emits `recorded(result)` and closes the dialog (every
page is told through `ctx.changed`). A date the date field refuses saves nothing. The groups,
units and methods are read from `ctx.reader` (small instant reads). The sentences a write
returns (a person added) are in `notes` after it. The finding and the action dialogs take evidence
files (photos, scans, documents: "Add files…", chosen through `choose_files(parent)`, replaceable in
tests), checked and stored by the core call with the record.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.directory import list_units
from core.format import long_date
from core.i18n import N_, _
from core.office import Changes, Session
from core.pinyin_match import split_names, unit_index
from core.supervision.actions import KINDS as ACTION_KINDS
from core.supervision.actions import add_action
from core.supervision.groups import list_groups
from core.supervision.inspections import add_finding, add_inspection
from core.supervision.kinds import METHOD_WORDS, METHODS, SEVERITIES, SEVERITY_WORDS
from core.supervision.people import KIND_WORDS
from core.supervision.views import InspectionView
from ui.date_field import first_problem
from ui.shell.context import AppContext
from ui.task import action_forms
from ui.task.action_forms import date_edit
from ui.task.record_form import AttachmentList, RecordDialogMixin, error_label, is_ctrl_enter, record_buttons
from ui.unit_completer import PickerEdit
from ui.write_dialog import WriteDialogMixin

RECTIFY_CHOICES = (("", N_("No rectification task")), ("general", N_("General task (7 days)")),
                   ("major", N_("Major task (a month)")))


def choose_files(parent: QWidget) -> list[str]:
    """Ask for evidence files (the app's file dialog); tests replace it."""
    return action_forms.choose_files(parent)


class _Form(RecordDialogMixin, WriteDialogMixin, QDialog):
    """What the three dialogs share: the form, the red line, Record/Cancel, Ctrl+Enter in a text box."""

    recorded = Signal(object)
    refused = Signal(str)

    def __init__(self, ctx: AppContext, title: str, name: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx, self.busy, self.notes = ctx, False, []
        self.setWindowTitle(title)
        self.setObjectName(name)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error = error_label()
        self.buttons, self.ok_button = record_buttons(self.submit, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(540)
        self.units = [u for u in list_units(ctx.reader) if u.active]
        self.index = unit_index(self.units)

    def unit_picker(self, accessible: str, *, multi: bool = False) -> PickerEdit:
        edit = PickerEdit(self.index, multi=multi)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(_("Type part of a name, its pinyin initials or a code"))
        return edit

    def text_box(self, accessible: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setAccessibleName(accessible)
        box.setTabChangesFocus(True)
        box.setMinimumHeight(70)
        box.installEventFilter(self)
        return box

    def evidence_list(self) -> AttachmentList:
        """The evidence files' list with Add files…/Remove, as `self.evidence`."""
        self.evidence = AttachmentList(lambda parent: choose_files(parent), _("Evidence files"),
                                       _("Remove evidence file"), 70)
        return self.evidence

    def code_of(self, typed: str) -> str:
        hit = self.index.resolve(typed)
        return hit.code if hit else typed.strip()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if isinstance(watched, QPlainTextEdit) and is_ctrl_enter(event):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    def run(self, fields: list[Any], job: Callable[[Session], Any], changes: Changes | None = None) -> None:
        """Check the date fields, then write `job` (see the module contract)."""
        if self.busy:
            return
        refused = first_problem(fields)
        if refused is not None:
            self.show_error(_("Not saved: {problem}").format(problem=refused[1]))
            refused[0].setFocus()
            return
        self._set_busy(True)
        self.ctx.write(job, self._recorded, self._failed, changes=changes)

    def _recorded(self, result: Any) -> None:
        found = result if isinstance(result, Changes) else next(
            (r for r in result if isinstance(r, Changes)), None) if isinstance(result, tuple) else None
        self.notes = list(found.notes) if found else []
        self._done(result)

    def submit(self) -> None:
        raise NotImplementedError


class InspectionDialog(_Form):
    """Record an inspection: group, date, method, units visited, tasks checked, text."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Record an inspection"), "inspection_dialog", parent)
        today = ctx.today()
        self.group = QComboBox()
        self.group.setAccessibleName(_("Inspection group"))
        for g in list_groups(ctx.reader):
            if g.active:
                self.group.addItem(g.name, g.name)
        self.date = date_edit(today, _("Date of the inspection"), maximum=today)
        self.method = QComboBox()
        self.method.setAccessibleName(_("Method"))
        for m in METHODS:
            self.method.addItem(_(METHOD_WORDS[m]), m)
        self.visited = self.unit_picker(_("Units visited"), multi=True)
        self.tasks = QLineEdit()
        self.tasks.setAccessibleName(_("Tasks checked"))
        self.tasks.setPlaceholderText(_("Task numbers, e.g. 2026-12, 2026-15"))
        self.text = self.text_box(_("What the inspection did"))
        for label, widget in ((_("&Group:"), self.group), (_("&Date:"), self.date), (_("&Method:"), self.method),
                              (_("&Units visited:"), self.visited), (_("&Tasks checked:"), self.tasks),
                              (_("Te&xt:"), self.text)):
            self.form.addRow(label, widget)
        self.group.setFocus()

    def submit(self) -> None:
        group, on, method = self.group.currentData() or "", self.date.date(), self.method.currentData()
        units = [self.code_of(n) for n in split_names(self.visited.committed_text())]
        tasks, text = split_names(self.tasks.text()), self.text.toPlainText()
        if not group:
            self.show_error(_("There is no inspection group yet; add one in Units and leaders → Inspection groups."))
            return
        self.run([self.date], lambda s: add_inspection(s, group, on, method, units, tasks, text), Changes())


class FindingDialog(_Form):
    """Record a finding of one inspection: unit, severity, text, rectification, deduction, person."""

    def __init__(self, ctx: AppContext, inspection: InspectionView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Record a finding"), "finding_dialog", parent)
        self.inspection = inspection
        self.form.addRow(_("Inspection:"), QLabel(_("{group}, {method} inspection of {date}").format(
            group=inspection.group, method=_(METHOD_WORDS[inspection.method]), date=long_date(inspection.on))))
        self.unit = self.unit_picker(_("Unit"))
        if len(inspection.units) == 1:
            hit = self.index.resolve(inspection.units[0])
            self.unit.setText(hit.name if hit else inspection.units[0])
        self.severity = QComboBox()
        self.severity.setAccessibleName(_("Severity"))
        for v in SEVERITIES:
            self.severity.addItem(_(SEVERITY_WORDS[v]), v)
        self.text = self.text_box(_("What the inspection found"))
        self.rectify = QComboBox()
        self.rectify.setAccessibleName(_("Rectification"))
        for value, words in RECTIFY_CHOICES:
            self.rectify.addItem(_(words), value)
        self.deduct = QCheckBox(_("&Deduct in the month of the inspection"))
        self.person = QLineEdit()
        self.person.setAccessibleName(_("Person named (optional)"))
        self.person.setPlaceholderText(_("e.g. 张三, when a person is named"))
        self.outside = QCheckBox(_("The group does not cover this unit: record it &anyway"))
        for label, widget in ((_("&Unit:"), self.unit), (_("&Severity:"), self.severity),
                              (_("What the inspection found:"), self.text), (_("&Rectification:"), self.rectify),
                              ("", self.deduct), (_("&Person (optional):"), self.person), ("", self.outside),
                              (_("Evidence:"), self.evidence_list())):
            self.form.addRow(label, widget)
        (self.text if self.unit.text() else self.unit).setFocus()

    def submit(self) -> None:
        unit = self.code_of(self.unit.committed_text())
        if not unit:
            self.show_error(_("Choose a unit: type part of its name, its pinyin initials or its code."))
            return
        iid, severity, text = self.inspection.id, self.severity.currentData(), self.text.toPlainText()
        rectify, deduct = self.rectify.currentData() or None, self.deduct.isChecked()
        person, outside, files = self.person.text(), self.outside.isChecked(), self.evidence.paths()

        def job(s: Session) -> tuple[Any, Changes]:
            added = add_finding(s, iid, unit, severity, text, rectify=rectify, deduct=deduct, person=person,
                                outside_group=outside, attachments=files)
            added.changes.notes += added.notes
            return added, added.changes

        self.run([], job)


class ActionDialog(_Form):
    """Record an accountability action: unit, kind, date, text, person, the finding it follows."""

    def __init__(self, ctx: AppContext, unit_code: str | None = None, finding_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Record an accountability action"), "action_dialog", parent)
        today = ctx.today()
        self.finding_id = finding_id
        self.unit = self.unit_picker(_("Unit"))
        if unit_code:
            hit = self.index.resolve(unit_code)
            self.unit.setText(hit.name if hit else unit_code)
        self.kind = QComboBox()
        self.kind.setAccessibleName(_("Kind of action"))
        for k in ACTION_KINDS:
            self.kind.addItem(_(KIND_WORDS[k]), k)
        self.date = date_edit(today, _("Date"), maximum=today)
        self.text = self.text_box(_("What the action was for"))
        self.person = QLineEdit()
        self.person.setAccessibleName(_("Person named (optional)"))
        self.person.setPlaceholderText(_("e.g. 张三, when a person is named"))
        rows: list[tuple[str, QWidget]] = [(_("&Unit:"), self.unit), (_("&Kind:"), self.kind),
                                           (_("&Date:"), self.date), (_("What for:"), self.text),
                                           (_("&Person (optional):"), self.person),
                                           (_("Evidence:"), self.evidence_list())]
        if finding_id is not None:
            rows.append((_("Follows:"), QLabel(_("Finding {id}").format(id=finding_id))))
        for label, widget in rows:
            self.form.addRow(label, widget)
        (self.kind if unit_code else self.unit).setFocus()

    def submit(self) -> None:
        unit = self.code_of(self.unit.committed_text())
        if not unit:
            self.show_error(_("Choose a unit: type part of its name, its pinyin initials or its code."))
            return
        kind, on, text, person, fid = (self.kind.currentData(), self.date.date(), self.text.toPlainText(),
                                       self.person.text(), self.finding_id)
        files = self.evidence.paths()
        self.run([self.date], lambda s: add_action(s, unit, kind, on, text, person=person, finding_id=fid,
                                                   attachments=files))


def _opened(dialog: QDialog) -> Any:
    dialog.open()
    return dialog


def open_inspection_dialog(ctx: AppContext, parent: QWidget | None) -> InspectionDialog:
    return _opened(InspectionDialog(ctx, parent))


def open_finding_dialog(ctx: AppContext, parent: QWidget | None, inspection: InspectionView) -> FindingDialog:
    return _opened(FindingDialog(ctx, inspection, parent))


def open_action_dialog(ctx: AppContext, parent: QWidget | None, unit_code: str | None = None,
                       finding_id: int | None = None) -> ActionDialog:
    return _opened(ActionDialog(ctx, unit_code, finding_id, parent))
