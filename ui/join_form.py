"""The first run's third choice: join as a unit office from the enrollment file on the stick.

Contract:
- `JoinForm(parent)` holds the fields: the enrollment file (a line edit and
  "Choose…", which opens `ui.file_dialogs.open_file` on the first removable drive),
  the enrollment code, the county office's fingerprint panel, the administrator's
  name and the password twice. It never reads the file itself.
- The fingerprint panel stays hidden until `show_preview(file, code, preview)` is
  given what `core.sync.enroll.peek_enrollment` read with that file and code; it
  shows the unit the file sets up, the county office, its fingerprint, the last
  valid day, the sentence asking the clerk to compare it with the printed sheet,
  and a check box the clerk ticks when the two are the same. Changing the file or
  the code hides it again and clears the tick (`preview_matches()` is then False).
- `missing()` is the sentence for what the clerk has still to fill in before the
  file can be read (no file, no code), or "".
- `peek_requested` is emitted by "Show the fingerprint" (the dialog reads the file
  off the GUI thread and calls `show_preview` or shows the refusal).
Threading: GUI thread only.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from core.sync.enroll import EnrollmentPreview
from ui import file_dialogs


def _edit(name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


class JoinForm(QWidget):
    """Enrollment file, code, the fingerprint to compare, administrator and password (see the module contract)."""

    peek_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file = _edit("enrollmentFile", _("Enrollment file"), _("the .closeloop file on the stick"))
        self.choose_button = QPushButton(_("&Choose…"))
        self.choose_button.setObjectName("chooseEnrollmentFile")
        self.choose_button.clicked.connect(self.choose_file)
        self.code = _edit("enrollmentCode", _("Enrollment code"), "XXXX-XXXX-XXXX-XXXX-XXXX")
        self.peek_button = QPushButton(_("&Show the fingerprint"))
        self.peek_button.setObjectName("showFingerprint")
        self.peek_button.clicked.connect(self.peek_requested)
        self.admin = _edit("unitAdminName", _("Administrator of the unit office"))
        self.admin.setText("admin")
        self.password = _edit("unitPassword", _("Password of the unit office's administrator"))
        self.repeat = _edit("unitRepeatPassword", _("Repeat the unit office's password"))
        for edit in (self.password, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._previewed: tuple[str, str] | None = None
        self.preview: EnrollmentPreview | None = None
        self._build_panel()

        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.choose_button)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.peek_button)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        rows = ((_("Enrollment &file:"), file_row, self.file), (_("Enrollment c&ode:"), code_row, self.code))
        for text, row, buddy in rows:
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, row)
        form.addRow(self.panel)
        for text, edit in ((_("&Administrator:"), self.admin), (_("&Password:"), self.password),
                           (_("&Repeat password:"), self.repeat)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 0, 0, 0)
        hint = QLabel(_("Use the enrollment file the county office wrote on the stick for this office, and the "
                        "code printed on the enrollment sheet."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addLayout(form)
        self.file.textChanged.connect(self.forget_preview)
        self.code.textChanged.connect(self.forget_preview)

    def _build_panel(self) -> None:
        self.panel = QFrame()
        self.panel.setObjectName("fingerprintPanel")
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.about = QLabel()
        self.about.setObjectName("enrollmentAbout")
        self.about.setWordWrap(True)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("hubFingerprint")
        self.fingerprint.setAccessibleName(_("County office key fingerprint"))
        font = QFont(self.fingerprint.font())
        font.setFamilies(["monospace", *font.families()])
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.fingerprint.setFont(font)
        self.compare = QLabel(_("Compare it with the fingerprint printed on the enrollment sheet; join only if the "
                                "two are the same. If they differ, the file did not come from your county office: "
                                "do not use it and call the county office."))
        self.compare.setWordWrap(True)
        self.same = QCheckBox(_("&The fingerprint is the same as on the printed sheet"))
        self.same.setObjectName("fingerprintSame")
        box = QVBoxLayout(self.panel)
        for widget in (self.about, self.fingerprint, self.compare, self.same):
            box.addWidget(widget)
        self.panel.setVisible(False)

    @Slot()
    def choose_file(self) -> None:
        """Ask for the enrollment file (the app's lock-safe dialog), starting on the stick if one is plugged in."""
        from ui.pages.sync_drives import removable_drives

        current = self.file.text().strip()
        drives = removable_drives()
        start = str(Path(current).parent) if current else (drives[0][0] if drives else "")
        chosen = file_dialogs.open_file(self, _("Choose the enrollment file"), start,
                                        _("Closeloop enrollment files (*.closeloop);;All files (*)"))
        if chosen:
            self.file.setText(chosen)

    def file_path(self) -> Path:
        return Path(self.file.text().strip())

    def code_text(self) -> str:
        return self.code.text().strip()

    def missing(self) -> str:
        """What must be filled in before the file can be read, as a sentence; "" when both are there."""
        if not self.file.text().strip():
            return _("Choose the enrollment file on the stick first (Choose…).")
        if not self.code_text():
            return _("Type the enrollment code printed on the enrollment sheet.")
        return ""

    def show_preview(self, file: str, code: str, preview: EnrollmentPreview) -> None:
        """Show what the file says (read with `code`), if the clerk has not changed the file or code since."""
        if (file, code) != (self.file.text().strip(), self.code_text()):
            return
        self._previewed, self.preview = (file, code), preview
        self.about.setText(_("This file sets up the office of {unit} ({code}), enrolled by {hub}; it can be used "
                             "until {date}. The county office's fingerprint:").format(
            unit=preview.unit_name, code=preview.unit_code, hub=preview.hub_name, date=preview.expires_on.isoformat()))
        self.fingerprint.setText(preview.fingerprint)
        self.same.setChecked(False)
        self.panel.setVisible(True)

    def preview_matches(self) -> bool:
        """Whether the fingerprint shown was read from the file and code now in the fields."""
        return self._previewed is not None and self._previewed == (self.file.text().strip(), self.code_text())

    @Slot()
    def forget_preview(self) -> None:
        if self._previewed is None:
            return
        self._previewed, self.preview = None, None
        self.same.setChecked(False)
        self.panel.setVisible(False)
