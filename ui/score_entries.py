"""The hub's entries behind the scores: a bonus, a public criticism, an inspection finding.

Contract: `open_entry_dialog(ctx, parent, kind, unit_code=None)` makes an
`EntryDialog` for `kind` ('bonus' | 'criticism' | 'finding'), shows it with
`open()` (never `exec()`) and returns it. The dialog asks for the unit (typed by
name, pinyin initials or code, see ui.unit_completer), for a bonus its kind
(肯定性批示, 表彰奖励, 通报表扬, 典型发言), the date (today by default, never after
today), the text (required), the person named (optional) and evidence files
(chosen through `choose_files(parent)`, replaceable in tests). "Record" runs
`add_bonus` / `add_criticism` / `add_finding` through `ctx.write` (worker
thread): a refusal (ClerkError) shows in red in the dialog, which stays open with
nothing written (`refused` is emitted); success emits `recorded(Changes)` and
closes the dialog (`ctx.changed` has told every page). Enter records (Ctrl+Enter
inside the text box), Esc closes without recording. The unit list is read from
`ctx.reader` (a small instant read). Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core.directory import list_units
from core.i18n import N_, _
from core.office import Changes, Session
from core.pinyin_match import unit_index
from core.scoring.events import BONUS_KINDS, DESCRIPTIONS
from core.scoring.store import add_bonus, add_criticism, add_finding
from ui.date_field import first_problem
from ui.shell.context import AppContext
from ui.task import action_forms
from ui.task.action_forms import date_edit
from ui.task.record_form import AttachmentList, RecordDialogMixin, error_label, is_ctrl_enter, record_buttons
from ui.unit_completer import PickerEdit
from ui.write_dialog import WriteDialogMixin

KINDS = ("bonus", "criticism", "finding")
TITLES = {"bonus": N_("Record a bonus"), "criticism": N_("Record a public criticism"),
          "finding": N_("Record an inspection finding")}
TEXT_LABELS = {"bonus": N_("What was recognised:"), "criticism": N_("What was criticised:"),
               "finding": N_("What the inspection found:")}


def choose_files(parent: QWidget) -> list[str]:
    """Ask for evidence files (the action forms' dialog and last folder; tests replace this function)."""
    return action_forms.choose_files(parent)


class EntryDialog(RecordDialogMixin, WriteDialogMixin, QDialog):
    """One bonus, criticism or finding for one unit (see the module contract)."""

    recorded = Signal(object)   # core.office.Changes
    refused = Signal(str)       # the core's sentence, shown in the dialog

    def __init__(self, ctx: AppContext, kind: str, unit_code: str | None = None,
                 parent: QWidget | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(kind)
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self.busy = False
        self.setWindowTitle(_(TITLES[kind]))
        self.setObjectName(f"entry_{kind}")
        today = ctx.today()

        units = [u for u in list_units(ctx.reader) if u.active]
        self.index = unit_index(units)
        self.unit = PickerEdit(self.index)
        self.unit.setAccessibleName(_("Unit"))
        self.unit.setPlaceholderText(_("Type part of a name, its pinyin initials or a code"))
        if unit_code:
            hit = self.index.resolve(unit_code)
            self.unit.setText(hit.name if hit else unit_code)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(_("&Unit:"), self.unit)
        self.bonus_kind: QComboBox | None = None
        if kind == "bonus":
            self.bonus_kind = QComboBox()
            self.bonus_kind.setAccessibleName(_("Kind of bonus"))
            for value in BONUS_KINDS:
                self.bonus_kind.addItem(_(DESCRIPTIONS[value]), value)
            form.addRow(_("&Kind:"), self.bonus_kind)
        self.date = date_edit(today, _("Date"), maximum=today)
        self.date.setToolTip(_("The day it happened; never in the future."))
        form.addRow(_("&Date:"), self.date)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(_(TEXT_LABELS[kind]).rstrip(":："))
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(80)
        self.text.installEventFilter(self)  # Ctrl+Enter in the text box records
        form.addRow(_(TEXT_LABELS[kind]), self.text)
        self.person = QLineEdit()
        self.person.setAccessibleName(_("Person named (optional)"))
        self.person.setPlaceholderText(_("e.g. 张三, when a person is named"))
        form.addRow(_("&Person (optional):"), self.person)
        form.addRow(_("Evidence:"), self._build_files())

        self.error = error_label()
        self.buttons, self.ok_button = record_buttons(self.submit, self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        chain: list[QWidget] = [self.unit, *([self.bonus_kind] if self.bonus_kind else []), self.date, self.text,
                                self.person, self.files, self.add_button, self.remove_button, self.ok_button,
                                self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        (self.text if unit_code else self.unit).setFocus()

    def _build_files(self) -> QWidget:
        self.attachment_list = AttachmentList(lambda parent: choose_files(parent), _("Evidence files"),
                                              _("Remove evidence file"), 80)
        self.files = self.attachment_list.files
        self.add_button = self.attachment_list.add_button
        self.remove_button = self.attachment_list.remove_button
        return self.attachment_list

    def add_files(self) -> None:
        self.attachment_list.add_files()

    def attachments(self) -> list[str]:
        return self.attachment_list.paths()

    # ----- recording --------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if watched is self.text and is_ctrl_enter(event):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    def unit_code(self) -> str:
        """The code of the unit typed (its name, pinyin pick or code); as typed when it names no unit."""
        typed = self.unit.committed_text()
        hit = self.index.resolve(typed)
        return hit.code if hit else typed.strip()

    def entry(self) -> dict[str, Any]:
        """The entry as typed (not yet checked: the core checks it)."""
        values: dict[str, Any] = {"unit_code": self.unit_code(), "on": self.date.date(),
                                  "text": self.text.toPlainText(), "person": self.person.text(),
                                  "attachments": tuple(self.attachments())}
        if self.bonus_kind is not None:
            values["kind"] = self.bonus_kind.currentData()
        return values

    def submit(self) -> None:
        if self.busy:
            return
        refused = first_problem([self.date])
        if refused is not None:  # the date shown is the date saved: a refused text saves nothing
            self.show_error(_("Not saved: {problem}").format(problem=refused[1]))
            self.date.setFocus()
            return
        values = self.entry()
        if not values["unit_code"]:
            self.show_error(_("Choose a unit: type part of its name, its pinyin initials or its code."))
            return
        write: Callable[..., Changes] = {"bonus": add_bonus, "criticism": add_criticism,
                                         "finding": add_finding}[self.kind]
        self._set_busy(True)

        def job(s: Session) -> Changes:
            return write(s, **values)

        self.ctx.write(job, self._done, self._failed)



def open_entry_dialog(ctx: AppContext, parent: QWidget | None, kind: str,
                      unit_code: str | None = None) -> EntryDialog:
    """Make and `open()` the dialog for `kind` (see the module contract)."""
    dialog = EntryDialog(ctx, kind, unit_code, parent)
    dialog.open()
    return dialog
