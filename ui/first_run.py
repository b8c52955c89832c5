"""The first run: no database yet, so create a hub office, join as a unit office, or open the demo county.

Contract:
- `FirstRunDialog(db_path)` offers its choices as radio buttons, each with its
  own form below. Accepting runs the chosen choice off the GUI thread through
  ui.shell.busy; a `ClerkError` shows its sentence in the dialog and nothing is left
  behind; success sets `result` and accepts.
  - "Create a hub office": office name, code, administrator, password twice →
    `core.office.init_office(db_path, …)`; the administrator is signed in.
  - "Open the demo county": `demo.db` in the folder of `db_path`, built with
    `core.demo.build.build_demo` if absent (a few seconds; Cancel removes it), opened
    if it is already a demo database; the sign-in dialog follows.
  - "Join as a unit office" (ui.join_form.JoinForm): the enrollment file, its code,
    then "Show the fingerprint" (or Join) reads the file with the code off the GUI
    thread (`core.sync.enroll.peek_enrollment`) and shows the unit, the county office
    and its fingerprint to compare with the printed sheet; once the clerk ticks "the
    same", Join runs `core.sync.enroll.init_from_enrollment(db_path, …)` and the
    administrator is signed in. A refusal (no file, no code, a wrong code, not an
    enrollment file, expired, used, passwords that differ) is a sentence in the
    dialog, and no database is left behind.
- `FirstRunDialog.ask(db_path)` (blocking, exec) is what ui.shell.app calls; tests
  replace it, and drive the dialog with show().
Threading: GUI thread; the jobs open their own connections on their thread.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core import clock
from core.auth import User
from core.errors import ClerkError
from core.i18n import _
from ui.join_form import JoinForm
from ui.shell import crash
from ui.shell.busy import BusyTask, Cancelled, Job, run_busy

DEMO_NAME = "demo.db"
ERROR_STYLE = "color: #c62828;"


@dataclass(frozen=True)
class FirstRunResult:
    """The database to open, and the user already signed in (None: ask in the sign-in dialog)."""

    path: Path
    user: User | None


@dataclass
class _Choice:
    key: str
    button: QRadioButton
    page: QWidget
    start: Callable[[], None]
    accept_text: str


class HubForm(QWidget):
    """Office name, code, administrator and password (twice)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.office = self._edit("officeName", _("Office name"), _("e.g. 示例县委督查室"))
        self.code = self._edit("officeCode", _("Office code"), _("e.g. HUB"))
        self.admin = self._edit("adminName", _("Administrator"), "")
        self.admin.setText("admin")
        self.password = self._edit("password", _("Password"), "")
        self.repeat = self._edit("repeatPassword", _("Repeat the password"), "")
        for edit in (self.password, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.setContentsMargins(24, 0, 0, 0)
        for text, edit in ((_("Office &name:"), self.office), (_("Office cod&e:"), self.code),
                           (_("&Administrator:"), self.admin), (_("&Password:"), self.password),
                           (_("&Repeat password:"), self.repeat)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)

    @staticmethod
    def _edit(name: str, accessible: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText(placeholder)
        return edit


class FirstRunDialog(QDialog):
    """Choose how to start (see the module contract)."""

    job_started = Signal(object)  # BusyTask (tests wait on its `finished`)

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.result_value: FirstRunResult | None = None
        self.task: BusyTask | None = None
        self.setWindowTitle(_("Welcome to Closeloop"))
        intro = QLabel(_("There is no office database at {path} yet. How do you want to start?")
                       .format(path=self.db_path))
        intro.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.pages = QStackedWidget()
        self.choices: list[_Choice] = []
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setAccessibleName(_("First-run message"))
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choice_box = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.choice_box)
        layout.addWidget(self.pages)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        self.hub_form = HubForm()
        self.add_choice("hub", _("Create a &hub office (the county supervision office)"), self.hub_form,
                        self._create_hub, _("&Create"))
        demo_path = self.demo_path()
        demo_text = QLabel(_("A made-up county with a year of weekly meetings, to try Closeloop. It is kept in "
                             "{path}; users admin and clerk, password demo.").format(path=demo_path))
        demo_text.setWordWrap(True)
        demo_page = QWidget()
        demo_layout = QVBoxLayout(demo_page)
        demo_layout.setContentsMargins(24, 0, 0, 0)
        demo_layout.addWidget(demo_text)
        demo_layout.addStretch(1)
        self.add_choice("demo", _("Open the &demo county"), demo_page, self._open_demo, _("&Open"))
        self.join_form = JoinForm()
        self.join_form.peek_requested.connect(self._peek)
        self.add_choice("unit", _("Join as a &unit office (township or department)"), self.join_form, self._join,
                        _("&Join"))
        self.choices[0].button.setChecked(True)
        form = self.hub_form
        chain = [*(c.button for c in self.choices), form.office, form.code, form.admin, form.password, form.repeat,
                 self.buttons]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        form.office.setFocus()

    def add_choice(self, key: str, text: str, page: QWidget, start: Callable[[], None], accept_text: str) -> None:
        """One way to start: a radio button, its form, what accepting does and the OK button's text."""
        button = QRadioButton(text)
        button.setObjectName(f"choice_{key}")
        index = self.pages.addWidget(page)
        choice = _Choice(key, button, page, start, accept_text)
        self.choices.append(choice)
        self.group.addButton(button, index)
        self.choice_box.addWidget(button)
        button.toggled.connect(lambda on, c=choice: on and self._select(c))

    def _select(self, choice: _Choice) -> None:
        self.pages.setCurrentWidget(choice.page)
        self.ok_button.setText(choice.accept_text)
        self.message.setVisible(False)

    def choose(self, key: str) -> None:
        """Select the choice `key`, as a clerk clicking its radio button."""
        next(c for c in self.choices if c.key == key).button.setChecked(True)

    def current(self) -> _Choice:
        return next(c for c in self.choices if c.button.isChecked())

    def demo_path(self) -> Path:
        return self.db_path.parent / DEMO_NAME

    # ----- accepting --------------------------------------------------------------------

    @Slot()
    def reject(self) -> None:
        if self.task is not None:  # Esc while a job runs asks it to stop (if it can); the dialog stays
            if self.task.cancellable:
                self.task.cancel()
            return
        super().reject()

    @Slot()
    def accept(self) -> None:
        if self.task is not None:
            return
        self.message.setVisible(False)
        self.current().start()

    def _run(self, title: str, fn: Callable[[Job], object], *, cancellable: bool = True,
             done: Callable[[object], None] | None = None) -> None:
        """Run `fn` off the GUI thread; `done(result)` (default: accept with the FirstRunResult) on success."""
        self.buttons.setEnabled(False)
        self.task = run_busy(self, title, fn, done or self._done, self._failed, self._cancelled,
                             cancellable=cancellable)
        self.job_started.emit(self.task)

    def _done(self, result: FirstRunResult) -> None:
        self.task = None
        self.buttons.setEnabled(True)
        self.result_value = result
        super().accept()

    def _failed(self, exc: Exception) -> None:
        self.task = None
        self.buttons.setEnabled(True)
        if isinstance(exc, ClerkError):
            self.show_message(str(exc))
        else:
            crash.report(exc)

    def _cancelled(self) -> None:
        self.task = None
        self.buttons.setEnabled(True)
        self.show_message(_("Stopped; nothing was created."))

    def show_message(self, sentence: str) -> None:
        self.message.setText(sentence)
        self.message.setVisible(True)

    def _create_hub(self) -> None:
        form = self.hub_form
        if form.password.text() != form.repeat.text():
            self.show_message(_("The two passwords differ; type the same password twice."))
            form.repeat.clear()
            form.password.setFocus()
            form.password.selectAll()
            return
        path, name, code = self.db_path, form.office.text(), form.code.text()
        admin, password = form.admin.text(), form.password.text()

        def job(j: Job) -> FirstRunResult:
            from core.office import init_office

            j.report(None, _("Creating the office database…"))
            s = init_office(path, name=name, code=code, admin=admin, password=password, today=clock.today())
            user = s.user
            s.db.conn.close()
            return FirstRunResult(path, user)

        self._run(_("Creating the office"), job, cancellable=False)

    def _open_demo(self) -> None:
        from core.demo.build import is_demo_database

        path = self.demo_path()
        if path.exists():
            if is_demo_database(path):
                self._done(FirstRunResult(path, None))
            else:
                self.show_message(_("{path} exists and is not the demo county; move it away or "
                                    "create a hub office.").format(path=path))
            return

        def job(j: Job) -> FirstRunResult:
            from core.demo.build import build_demo, remove_database

            j.report(None, _("Building the demo county; this takes a few seconds…"))
            try:
                build_demo(path, scale=1, seed=1, today=clock.today())
            except Exception:  # nothing half-built is left behind
                remove_database(path)
                raise
            if j.cancelled:
                remove_database(path)
                raise Cancelled
            return FirstRunResult(path, None)

        self._run(_("Building the demo county"), job)

    def _peek(self) -> None:
        """Read the enrollment file with the code typed (off the GUI thread) and show its fingerprint."""
        form = self.join_form
        if self.task is not None:
            return
        self.message.setVisible(False)
        if form.missing():
            self.show_message(form.missing())
            return
        file, code = form.file.text().strip(), form.code_text()

        def job(j: Job) -> object:
            from core.sync.enroll import peek_enrollment

            j.report(None, _("Reading the enrollment file…"))
            return peek_enrollment(file, code, clock.today())

        def shown(preview: object) -> None:
            self.task = None
            self.buttons.setEnabled(True)
            form.show_preview(file, code, preview)  # type: ignore[arg-type]
            self.adjustSize()  # room for the fingerprint panel's wrapped sentences
            form.same.setFocus()

        self._run(_("Reading the enrollment file"), job, cancellable=False, done=shown)

    def _join(self) -> None:
        form = self.join_form
        if form.missing():
            self.show_message(form.missing())
            return
        if not form.preview_matches():
            self._peek()
            return
        if form.password.text() != form.repeat.text():
            self.show_message(_("The two passwords differ; type the same password twice."))
            form.repeat.clear()
            form.password.setFocus()
            form.password.selectAll()
            return
        if not form.same.isChecked():
            self.show_message(_("Compare the fingerprint shown with the one printed on the enrollment sheet, and "
                                "tick the box if they are the same; if they differ, do not join and call the "
                                "county office."))
            form.same.setFocus()
            return
        path, file, code = self.db_path, form.file_path(), form.code_text()
        admin, password = form.admin.text(), form.password.text()

        def job(j: Job) -> FirstRunResult:
            from core.sync.enroll import init_from_enrollment

            j.report(None, _("Setting up the unit office from the enrollment file…"))
            s, _fingerprint = init_from_enrollment(path, file, admin=admin, password=password, code=code,
                                                   today=clock.today())
            user = s.user
            s.db.conn.close()
            return FirstRunResult(path, user)

        self._run(_("Joining as a unit office"), job, cancellable=False)

    @classmethod
    def ask(cls, db_path: Path) -> FirstRunResult | None:
        """Run the dialog (blocking); what to open, or None if the clerk closed it."""
        dialog = cls(db_path)
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None
