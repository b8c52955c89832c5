"""The task view: one task with all its assignments, their dues, states and timelines.

Contract: `open_task_view(ctx, task_no, parent)` shows the task in a non-modal
window (raising the one already open for that task) and returns it. The view
loads `core.work.task_view.task_detail` on the worker thread (`loaded` follows; a
refusal such as an unknown number shows in the window and emits `load_failed`)
and reloads when `ctx.changed` reports a write to one of its own assignments,
the directory or the calendar (`concerned()`), not on another task's write.
For each assignment (lead first) it shows the dues, the state and light, the
pending extension and follow-up, and the timeline with its evidence files (a
file opens through `ui.task.timeline.open_file`, replaceable in tests).
The actions `core.work.decisions.allowed_here` grants this office and user
appear as buttons; each opens an `ActionForm` (kept in `active_form`). "Print
notice…" and, for an overdue step, "Print urge notice…" preview those documents
(`ui.printing.documents`). Opening a task (`open_task_view`) clears the import marks of
its assignments for a user who may write (`clear_import_marks`).
Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.errors import ClerkError
from core.evidence import stored_path
from core.format import medium_date, number
from core.i18n import _, ngettext
from core.office import Changes
from core.sync.marks import task_seen
from core.work.decisions import allowed_here
from core.work.task_view import AssignmentBrief, own_period_text, task_briefs, task_detail
from ui.ledger_model import (
    CATEGORY_LABELS,
    LIGHT_COLORS,
    LIGHT_LABELS,
    ROLE_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    light_icon,
)
from ui.printing.documents import ASSIGNMENT_DOCUMENTS, assignment_documents, print_assignment_document
from ui.shell import crash
from ui.shell.context import AppContext
from ui.task import timeline as task_view_timeline
from ui.task.action_forms import ACTION_LABELS, ActionForm, open_tracked
from ui.task.record_form import ERROR_COLOR
from ui.task.timeline import MUTED_COLOR, Timeline

SETTINGS_GEOMETRY = "task_view/geometry"
PENDING_COLOR = "#b26a00"

_open_views: list[TaskView] = []   # the windows not yet closed


def _date(value: object) -> str:
    if isinstance(value, dt.date):
        return medium_date(value)
    return medium_date(dt.date.fromisoformat(str(value))) if value else ""


def dues_text(a: dict[str, Any]) -> str:
    """Claim, first report and completion dues, each with when it was done."""
    parts = []
    claim = _("Claim by {due}").format(due=_date(a["claim_due"]))
    if a["claimed_on"]:
        claim = (_("Claim by {due} (claimed {done}, late)") if a["late_claim"]
                 else _("Claim by {due} (claimed {done})")).format(due=_date(a["claim_due"]),
                                                                  done=_date(a["claimed_on"]))
    parts.append(claim)
    report = _("first report by {due}").format(due=_date(a["report_due"]))
    if a["first_report_on"]:
        report = (_("first report by {due} (reported {done}, late)") if a["late_report"]
                  else _("first report by {due} (reported {done})")).format(due=_date(a["report_due"]),
                                                                           done=_date(a["first_report_on"]))
    parts.append(report)
    if a["base_due"] and a["base_due"] != a["due"]:
        parts.append(_("completion by {due} (extended from {base})").format(
            due=_date(a["due"]), base=_date(a["base_due"])))
    else:
        parts.append(_("completion by {due}").format(due=_date(a["due"])))
    return _("; ").join(parts)


def outcome_text(a: dict[str, Any]) -> str:
    """The close-out, cancellation, returns and what waits on the hub, in one line."""
    parts = []
    if a["closed_on"]:
        parts.append((_("Closed out on {date}, on time") if a["on_time"]
                      else _("Closed out on {date}, late")).format(date=_date(a["closed_on"])))
    if a["cancelled_on"]:
        parts.append(_("Cancelled on {date}").format(date=_date(a["cancelled_on"])))
    if a["state"] == "submitted" and a["submitted_on"]:
        parts.append(_("Completion report of {date} waiting for the county office").format(
            date=_date(a["submitted_on"])))
    if a["returns"]:
        n = int(a["returns"])
        parts.append(ngettext("returned {n} time", "returned {n} times", n).format(
            n=number(n)))
    return _("; ").join(parts)


class AssignmentPanel(QFrame):
    """One assignment: header with light, state and actions; dues; timeline."""

    action_clicked = Signal(str, str)   # kind, ref
    print_clicked = Signal(str, str)    # document key, ref

    def __init__(self, a: dict[str, Any], actions: list[str], parent: QWidget | None = None,
                 documents: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.ref = str(a["ref"])
        self.setObjectName("assignmentPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.action_buttons: dict[str, QPushButton] = {}
        self.print_buttons: dict[str, QPushButton] = {}
        unit = str(a["unit_name"])

        light = QLabel()
        if a["light"]:
            light.setPixmap(light_icon(str(a["light"])).pixmap(16, 16))
            light.setToolTip(_(LIGHT_LABELS[str(a["light"])]))
            light.setAccessibleName(_(LIGHT_LABELS[str(a["light"])]))
        name = QLabel(_("{unit} · {role}").format(unit=unit, role=_(ROLE_LABELS[str(a["role"])])))
        name.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.state_label = QLabel(_(STATE_LABELS[str(a["state"])]))
        self.state_label.setObjectName("assignmentState")
        color = LIGHT_COLORS.get(str(a["light"] or ""), MUTED_COLOR)
        self.state_label.setStyleSheet(f"color: white; background: {color}; border-radius: 3px; padding: 1px 6px;")
        head = QHBoxLayout()
        head.addWidget(light)
        head.addWidget(name)
        head.addWidget(self.state_label)
        head.addStretch(1)
        for kind in actions:
            self.action_buttons[kind] = button = self._button(_(ACTION_LABELS[kind]), f"action_{kind}", unit,
                                                              self.action_clicked, kind)
            head.addWidget(button)
        body = QVBoxLayout(self)
        body.addLayout(head)
        self.dues_label = self._line(dues_text(a), "dues")
        dues = QHBoxLayout()   # the dues, and at their right the documents (ui.printing.documents)
        dues.addWidget(self.dues_label, 1)
        for key in documents:
            self.print_buttons[key] = button = self._button(_(ASSIGNMENT_DOCUMENTS[key]), f"print_{key}", unit,
                                                            self.print_clicked, key)
            dues.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(dues)
        self.info_labels: list[QLabel] = []
        if a["pending_extension"]:
            self.info_labels.append(self._line(_("Extension to {date} requested, waiting for the county office's "
                                                 "decision").format(date=_date(a["pending_extension"])),
                                               "pending", PENDING_COLOR))
        if a["follow_up"] and a["state"] not in ("closed", "cancelled"):
            self.info_labels.append(self._line(_("Follow-up on {date} (set by an urge notice)").format(
                date=_date(a["follow_up"])), "followUp", PENDING_COLOR))
        outcome = outcome_text(a)
        if outcome:
            self.info_labels.append(self._line(outcome, "outcome"))
        for warning in a["warnings"]:
            self.info_labels.append(self._line(str(warning), "warning", ERROR_COLOR))
        for label in self.info_labels:
            body.addWidget(label)
        self.timeline = Timeline(_("Timeline of {unit}").format(unit=unit))
        self.timeline.show_events(list(a["events"]))
        body.addSpacing(4)
        body.addWidget(self.timeline)

    def _button(self, label: str, name: str, unit: str, signal: SignalInstance, key: str) -> QPushButton:
        """A button `label` that emits `signal(key, ref)`; its accessible name says for which unit."""
        button = QPushButton(label)
        button.setObjectName(name)
        button.setAccessibleName(_("{action} for {unit}").format(action=label, unit=unit))
        button.clicked.connect(lambda _c=False: signal.emit(key, self.ref))
        return button

    @staticmethod
    def _line(text: str, name: str, color: str | None = None) -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        if color:
            label.setStyleSheet(f"color: {color};")
        return label


class TaskView(QDialog):
    """The task window (see the module contract)."""

    loaded = Signal()
    load_failed = Signal(str)

    def __init__(self, ctx: AppContext, task_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.task_no = ctx, task_no
        self.detail: dict[str, Any] | None = None
        self.briefs: dict[str, AssignmentBrief] = {}
        self.panels: dict[str, AssignmentPanel] = {}
        self.active_form: ActionForm | None = None
        self._pending = 0
        self._closed = False
        self.setWindowTitle(_("Task {task_no}").format(task_no=task_no))
        self.setObjectName("taskView")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setModal(False)

        self.title = QLabel(task_no)
        self.title.setObjectName("taskTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.facts = QLabel()
        self.facts.setObjectName("taskFacts")
        self.facts.setWordWrap(True)
        self.content = QLabel()
        self.content.setObjectName("taskContent")
        self.content.setWordWrap(True)
        self.content.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("viewMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message.setVisible(False)

        self._holder = QWidget()
        self._panels_layout = QVBoxLayout(self._holder)
        self._panels_layout.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self._holder)
        self.scroll.setAccessibleName(_("Assignments"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.content)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(buttons)
        self._restore_geometry()
        ctx.changed.connect(self._on_changed)
        self.reload()

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        """Load the task again on the worker (`loaded` or `load_failed` follows)."""
        task_no, day = self.task_no, self.ctx.today()

        def work(db: Any) -> tuple[dict[str, Any], list[AssignmentBrief]]:
            return task_detail(db, task_no, as_of=day), task_briefs(db, task_no)

        self._pending += 1
        self.ctx.query(work, self._on_loaded, self._on_failed)

    def _on_loaded(self, result: tuple[dict[str, Any], list[AssignmentBrief]]) -> None:
        self._pending -= 1
        if self._closed:
            self._maybe_delete()
            return
        detail, briefs = result
        self.detail, self.briefs = detail, {b.ref: b for b in briefs}
        self.message.setVisible(False)
        self._show_task(detail)
        self.loaded.emit()

    def _on_failed(self, exc: Exception) -> None:
        self._pending -= 1
        if self._closed:
            self._maybe_delete()
            return
        if not isinstance(exc, ClerkError):
            crash.report(exc)
            return
        self.show_message(str(exc))
        self.load_failed.emit(str(exc))

    def _on_changed(self, changes: Changes) -> None:
        if not self._closed and self.concerned(changes):
            self.reload()

    def concerned(self, changes: Changes) -> bool:
        """Whether a write changed what this view shows: its own assignments, names or the calendar.

        Before the first load (no assignment ids known yet) any write to assignments or tasks counts.
        """
        if changes.directory or changes.calendar:
            return True
        own = {b.id for b in self.briefs.values()}
        if not own:
            return bool(changes.assignments or changes.tasks)
        return bool(own & changes.assignments)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ----- drawing ----------------------------------------------------------------------

    def _show_task(self, d: dict[str, Any]) -> None:
        self.title.setText(f"{d['task_no']}  {d['title']}")
        self.setWindowTitle(_("Task {task_no} — {title}").format(task_no=d["task_no"], title=d["title"]))
        facts = [_("Category: {category}").format(category=_(CATEGORY_LABELS[str(d["category"])])),
                 _("Source: {source}").format(source=_(SOURCE_LABELS[str(d["source"])])),
                 _("Assigned on {date}").format(date=_date(d["assigned_on"]))]
        if d["due_days"] is not None:  # a rectification task's own period (docs/design.md §3)
            facts.append(own_period_text(d))
        if d["leader"]:
            facts.append(_("Leader in charge: {leader}").format(leader=d["leader"]))
        if d["meeting"]:
            facts.append(_("Meeting: {meeting}").format(meeting=d["meeting"]))
        self.facts.setText(_(" · ").join(facts))
        self.content.setText(str(d["content"] or ""))
        self.content.setVisible(bool(d["content"]))
        scroll = self.scroll.verticalScrollBar().value()
        for panel in self.panels.values():
            self._panels_layout.removeWidget(panel)
            panel.deleteLater()
        while self._panels_layout.count():
            self._panels_layout.takeAt(0)
        self.panels = {}
        for a in d["assignments"]:
            brief = self.briefs[str(a["ref"])]
            actions = allowed_here(self.ctx.reader, self.ctx.office, self.ctx.user, brief)
            panel = AssignmentPanel(a, actions, documents=tuple(assignment_documents(a, self.ctx.is_hub)))
            panel.action_clicked.connect(self.open_form)
            panel.print_clicked.connect(lambda key, ref: print_assignment_document(self.ctx, self, key, ref))
            panel.timeline.file_activated.connect(self.open_evidence)
            self.panels[panel.ref] = panel
            self._panels_layout.addWidget(panel)
        self._panels_layout.addStretch(1)
        self.scroll.verticalScrollBar().setValue(scroll)

    # ----- acting -----------------------------------------------------------------------

    def open_form(self, kind: str, ref: str) -> ActionForm:
        """Open the form for `kind` on the assignment `ref` (non-blocking; see ActionForm)."""
        return open_tracked(self, self.ctx, self.briefs[ref], kind)

    def open_evidence(self, sha256: str, name: str) -> None:
        """Open a stored evidence file with the system viewer, or say why not."""
        path = stored_path(self.ctx.db_path, sha256)
        if not path.is_file():
            self.show_message(_("The file {name} is not in this office's evidence folder; it may not have "
                                "arrived with the last bundle.").format(name=name))
            return
        if not task_view_timeline.open_file(path, name):
            self.show_message(_("No program on this computer opens {name}.").format(name=name))

    # ----- window state -----------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = QSettings().value(SETTINGS_GEOMETRY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(920, 720)

    def done(self, code: int) -> None:
        if not self._closed:
            self._closed = True
            QSettings().setValue(SETTINGS_GEOMETRY, self.saveGeometry())
            self.ctx.changed.disconnect(self._on_changed)
            if self in _open_views:
                _open_views.remove(self)
        super().done(code)
        self._maybe_delete()

    def _maybe_delete(self) -> None:
        if self._closed and self._pending == 0:
            self.deleteLater()


def open_task_view(ctx: AppContext, task_no: str, parent: QWidget | None = None) -> TaskView:
    """Show task `task_no` in its window (raising it when already open); returns the window."""
    task_no = task_no.strip()
    view = next((v for v in _open_views if v.ctx is ctx and v.task_no == task_no), None)
    if view is None:
        view = TaskView(ctx, task_no, parent)
        _open_views.append(view)
    view.show()
    view.raise_()
    view.activateWindow()
    clear_import_marks(ctx, task_no)
    return view


def clear_import_marks(ctx: AppContext, task_no: str) -> None:
    """Opening a task clears the import marks of its assignments (core.sync.marks.task_seen), then
    `ctx.marks_seen` tells the ledger. Only a user who may write clears them: a viewer (a leader looking
    round) leaves them for the clerk. On the worker's connection (the GUI's reader is read-only); a
    database that cannot be written now keeps the marks, silently: opening is a read."""
    if not ctx.can_write:
        return

    def done(ids: set[int]) -> None:
        if ids:
            ctx.marks_seen.emit(ids)

    ctx.query(lambda db: task_seen(db, task_no), done)
