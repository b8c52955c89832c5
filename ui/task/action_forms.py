"""The small form in which a clerk records one action of docs/design.md §4 on an assignment.

Contract: `ActionForm(ctx, brief, kind, parent)` is a dialog opened with `open()`
(never `exec()`); it shows the effective date (today by default, never in the
future, never before the assignment date), the text the action needs, and as
the action requires: attachments, milestones, the new date of an extension
request, an approved date other than the requested one, an urge's follow-up
date. "Record" runs `core.work.actions.record` on the brief's assignment id through
`ctx.write` (worker thread);
a refusal from the core (ClerkError) appears in red in the form, which stays
open with nothing written (`refused` is emitted with the sentence); the red line
goes when its cause is fixed (an empty text filled in) or, for what only the core
can check, at the clerk's next edit; success
emits `recorded(Changes)` and closes the form (`ctx.changed` has told every page).
Enter records (Ctrl+Enter inside the text box), Esc closes without recording.
Files are chosen through `choose_files(parent)`, replaceable in tests.
Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.format import medium_date
from core.i18n import N_, _
from core.work.actions import EMPTY_TEXT, Action, record
from core.work.task_view import AssignmentBrief
from core.work.workflow import UNIT_ACTIONS
from ui import file_dialogs
from ui.date_field import DateField, first_problem
from ui.shell.context import AppContext
from ui.task.record_form import (
    AttachmentList,
    RecordDialogMixin,
    error_label,
    is_ctrl_enter,
    record_buttons,
    watch_edits,
)
from ui.write_dialog import WriteDialogMixin

LAST_FOLDER = "action_form/last_folder"

# What a button says for each action (a verb); the form's title uses the same words.
ACTION_LABELS = {
    "claim": N_("Claim"), "report": N_("Report progress"), "completion": N_("Report completion"),
    "extension_request": N_("Request extension"), "extension_approve": N_("Approve extension"),
    "extension_reject": N_("Reject extension"), "return": N_("Return"), "close": N_("Close out"),
    "urge": N_("Urge"), "cancel": N_("Cancel item"),
}
# The label of the text box; the core refuses an empty text where one is required.
TEXT_LABELS = {
    "claim": N_("Note (optional):"), "report": N_("Progress report:"), "completion": N_("What was done:"),
    "extension_request": N_("Plan:"), "extension_approve": N_("Note (optional):"),
    "extension_reject": N_("Reason:"), "return": N_("Reason:"), "close": N_("Note (optional):"),
    "urge": N_("Notice text (optional):"), "cancel": N_("Reason:"),
}
WITH_FILES = frozenset({"report", "completion", "extension_request"})


def date_edit(value: dt.date, accessible: str, *, minimum: dt.date | None = None,
              maximum: dt.date | None = None) -> DateField:
    """The app's date field (ui.date_field), bounded as given and never outside core.dates' window."""
    return DateField(value, accessible, minimum=minimum, maximum=maximum)


def choose_files(parent: QWidget) -> list[str]:
    """Ask for evidence files (blocking file dialog; tests replace this function)."""
    settings = QSettings()
    folder = str(settings.value(LAST_FOLDER, "") or "")
    paths = file_dialogs.open_files(parent, _("Attach evidence files"), folder)
    if paths:
        settings.setValue(LAST_FOLDER, str(Path(paths[0]).parent))
    return list(paths)


class MilestoneRow(QWidget):
    """One dated milestone of an extension plan: date, what will be done, remove."""

    def __init__(self, on: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.date = date_edit(on, _("Milestone date"))
        self.text = QLineEdit()
        self.text.setAccessibleName(_("Milestone"))
        self.text.setPlaceholderText(_("What will be done by then"))
        self.remove = QPushButton("×")
        self.remove.setAccessibleName(_("Remove milestone"))
        self.remove.setToolTip(_("Remove milestone"))
        self.remove.setFixedWidth(28)
        self.remove.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.date)
        row.addWidget(self.text, 1)
        row.addWidget(self.remove)

    def value(self) -> tuple[dt.date, str]:
        return self.date.date() or dt.date.min, self.text.text()  # the form refuses a refused date first


class ActionForm(RecordDialogMixin, WriteDialogMixin, QDialog):
    """Record one action on one assignment (see the module contract)."""

    recorded = Signal(object)   # core.office.Changes
    refused = Signal(str)       # the core's sentence, shown in the form

    def __init__(self, ctx: AppContext, brief: AssignmentBrief, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.brief, self.kind = ctx, brief, kind
        self.busy = False
        self.milestone_rows: list[MilestoneRow] = []
        today = ctx.today()
        self.setWindowTitle(_("{action} — {ref} {unit}").format(
            action=_(ACTION_LABELS[kind]), ref=brief.ref, unit=brief.unit_name))
        self.setObjectName(f"form_{kind}")

        heading = QLabel(f"{brief.task_no}  {brief.title}")
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold;")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("Unit:"), QLabel(brief.unit_name))
        self.date = date_edit(today, _("Effective date"),
                              minimum=brief.assigned_on, maximum=max(today, brief.assigned_on))
        self.date.setToolTip(_("The day it happened; earlier than today when entered from paper. "
                               "Never before the assignment date ({date}) nor in the future.")
                             .format(date=medium_date(brief.assigned_on)))
        form.addRow(_("&Effective date:"), self.date)

        self.value: DateField | None = None
        self.value_check: QCheckBox | None = None
        self._build_value(form, today)

        self.text = QPlainTextEdit()
        self.text.setAccessibleName(_(TEXT_LABELS[kind]).rstrip(":："))
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(90)
        form.addRow(_(TEXT_LABELS[kind]), self.text)

        self.milestones_box: QVBoxLayout | None = None
        if kind == "extension_request":
            form.addRow(_("Milestones:"), self._build_milestones())
        self.files: QListWidget | None = None
        if kind in WITH_FILES:
            form.addRow(_("Attachments:"), self._build_files())

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        if ctx.is_hub and kind in UNIT_ACTIONS:
            self.notice.setText(_("Recorded by the county office on the unit's behalf, from a paper or phone "
                                  "report (代录)."))
        self.notice.setVisible(bool(self.notice.text()))
        self.error = error_label()

        self.buttons, self.ok_button = record_buttons(self.submit, self.reject)
        self.date_refused = False  # the error shown is a date field's refusal (cleared once every date is one)
        for field in [self.date] + ([self.value] if self.value is not None else []):
            field.dateChanged.connect(self._date_fixed)
        self.text.installEventFilter(self)  # Ctrl+Enter in the text box records

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        # where the clerk starts: the text the action needs, else the date (Enter then records)
        (self.text if kind in EMPTY_TEXT else self.date).setFocus()
        for widget in (self.text, self.date, self.value, self.value_check):
            watch_edits(widget, self._edited)

    def _edited(self) -> None:
        """An edit after a refusal: the red line goes once its cause is fixed (an empty text no longer empty),
        or at once for a refusal the core alone can re-check (dates, state), which the clerk is answering."""
        if not self.error.isVisible():
            return
        empty = EMPTY_TEXT.get(self.kind)
        if empty is not None and self.error.text() == _(empty) and not self.text.toPlainText().strip():
            return
        self.error.setVisible(False)

    # ----- building ---------------------------------------------------------------------

    def _build_value(self, form: QFormLayout, today: dt.date) -> None:
        b = self.brief
        if self.kind == "extension_request":
            self.value = date_edit(max(b.due, today) + dt.timedelta(days=14), _("Proposed new date"),
                                   minimum=b.assigned_on)
            self.value.setToolTip(_("Must be later than the completion due in force ({date}).")
                                  .format(date=medium_date(b.due)))
            form.addRow(_("Completion due:"), QLabel(medium_date(b.due)))
            form.addRow(_("&New date:"), self.value)
        elif self.kind == "extension_approve":
            requested = b.pending_extension or b.due
            form.addRow(_("Requested date:"), QLabel(medium_date(requested)))
            self.value_check = QCheckBox(_("Approve &another date:"))
            self.value = date_edit(requested, _("Approved date"), minimum=b.assigned_on)
            form.addRow(self.value_check, self.value)
        elif self.kind == "urge":
            self.value_check = QCheckBox(_("&Follow-up date:"))
            self.value = date_edit(today + dt.timedelta(days=3), _("Follow-up date"), minimum=b.assigned_on)
            self.value_check.setToolTip(_("Tracked and shown on the item; it never makes the item on time."))
            form.addRow(self.value_check, self.value)
        if self.value_check is not None and self.value is not None:
            self.value.setEnabled(False)
            self.value_check.toggled.connect(self.value.setEnabled)

    def _build_milestones(self) -> QWidget:
        box = QWidget()
        self.milestones_box = QVBoxLayout(box)
        self.milestones_box.setContentsMargins(0, 0, 0, 0)
        add = QPushButton(_("Add &milestone"))
        add.setAutoDefault(False)  # Enter records the form wherever the focus is
        add.clicked.connect(self.add_milestone)
        self.add_milestone_button = add
        self.milestones_box.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def add_milestone(self) -> MilestoneRow:
        assert self.milestones_box is not None
        row = MilestoneRow(self.date.date() or self.ctx.today())
        row.remove.clicked.connect(lambda: self._remove_milestone(row))
        self.milestones_box.insertWidget(len(self.milestone_rows), row)
        # tab order: the plan (or the last milestone), then this row, then "Add milestone"
        previous = self.milestone_rows[-1].remove if self.milestone_rows else self.text
        for first, second in ((previous, row.date), (row.date, row.text), (row.text, row.remove),
                              (row.remove, self.add_milestone_button)):
            QWidget.setTabOrder(first, second)
        self.milestone_rows.append(row)
        row.date.dateChanged.connect(self._date_fixed)
        row.text.setFocus()
        return row

    def _date_fixed(self, _date: object = None) -> None:
        if self.date_refused and not any(f.problem() for f in self.date_fields() if f.isEnabled()):
            self.date_refused = False
            self.error.setVisible(False)

    def _remove_milestone(self, row: MilestoneRow) -> None:
        self.milestone_rows.remove(row)
        row.deleteLater()

    def _build_files(self) -> QWidget:
        self.attachment_list = AttachmentList(lambda parent: choose_files(parent), _("Attachments"),
                                              _("Remove attachment"), 90)
        self.files = self.attachment_list.files
        self.remove_file = self.attachment_list.remove_button
        return self.attachment_list

    def add_files(self) -> None:
        assert self.files is not None
        self.attachment_list.add_files()

    # ----- recording --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text and is_ctrl_enter(event):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    def attachments(self) -> list[str]:
        return [] if self.files is None else self.attachment_list.paths()

    def action(self) -> Action:
        """The action as entered (not yet checked: the core checks it)."""
        value = None
        if self.value is not None and (self.value_check is None or self.value_check.isChecked()):
            value = self.value.date()
        return Action(kind=self.kind, on=self.date.date() or dt.date.min, text=self.text.toPlainText(), value=value,
                      milestones=[r.value() for r in self.milestone_rows], attachments=list(self.attachments()))

    def date_fields(self) -> list[DateField]:
        """Every date field of the form, in the order shown (the value only when it is in use)."""
        fields = [self.date]
        if self.value is not None and (self.value_check is None or self.value_check.isChecked()):
            fields.append(self.value)
        return fields + [r.date for r in self.milestone_rows]

    def submit(self) -> None:
        if self.busy:
            return
        refused = first_problem(self.date_fields())
        if refused is not None:  # never record a date other than the one shown: nothing is written
            field, problem = refused
            self.show_error(_("Not saved: {problem}").format(problem=problem))
            self.date_refused = True
            field.setFocus()
            return
        action, assignment_id = self.action(), self.brief.id
        self._set_busy(True)
        # by the assignment's id: the core looks it up once, no id → REF → id round trip
        self.ctx.write(lambda s: record(s, assignment_id, action), self._done, self._failed)



def open_tracked(owner: QWidget, ctx: AppContext, brief: AssignmentBrief, kind: str) -> ActionForm:
    """Open the form for `kind` on `brief` (non-blocking), kept as `owner.active_form` until it closes.

    The task view and the unit desk both open their forms this way (GUI thread).
    """
    form = ActionForm(ctx, brief, kind, owner)
    form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    owner.active_form = form  # type: ignore[attr-defined]

    def closed(_result: int) -> None:
        if getattr(owner, "active_form", None) is form:
            owner.active_form = None  # type: ignore[attr-defined]

    form.finished.connect(closed)
    form.open()
    return form
