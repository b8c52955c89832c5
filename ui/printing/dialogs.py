"""Where making or saving a document waits for the user or leaves the app: one place, replaceable.

Contract (GUI thread only; each blocks like the dialog it shows):
- `show_error(parent, title, sentence)`: a refusal's sentence in a message box;
  `refused(parent, title, exc)`: a `ClerkError` or a file error (`OSError`) shows its
  sentence, anything else goes to the crash dialog.
- `ask_save_path(parent, title, suggested, file_filter)`: the save dialog
  (ui.file_dialogs.save_file, which never opens the database); None when cancelled.
  `ask_target(parent, title, file_name, suffix, file_filter)` starts it in the folder
  remembered in QSettings (`last_folder`), adds `suffix` when missing and remembers the
  folder chosen.
- `ask_open_folder(parent, title, sentence)` and `open_folder(folder)`: offer to show,
  and show, a folder in the system's file manager.
- `safe_file_name(name, suffix)`: a file name valid on Windows and Linux, Chinese kept.
- `ask_contact(parent, contact, phone)`: the contact person and phone the notices print,
  asked for when the settings lack them; (person, phone), or None when cancelled.
Used by ui.printing.jobs (making documents and files) and ui.printing.preview (Save as
PDF, Open folder). Tests replace `show_error`, `ask_save_path`, `ask_open_folder`,
`open_folder` and `ask_contact` here; the others call them through this module, so one replacement
serves both.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import ClerkError
from core.i18n import _
from ui import file_dialogs
from ui.shell import crash, settings_store

PDF_FILTER = "PDF (*.pdf)"
XLSX_FILTER = "Excel (*.xlsx)"


# ----- the replaceable places where the app waits for the user or leaves it --------------

def show_error(parent: QWidget | None, title: str, sentence: str) -> None:
    """Show a refusal's sentence (blocking; tests replace this)."""
    QMessageBox.warning(parent, title, sentence)


def ask_save_path(parent: QWidget | None, title: str, suggested: Path, file_filter: str) -> Path | None:
    """The path the user chose to save to, or None (blocking; tests replace this)."""
    name = file_dialogs.save_file(parent, title, str(suggested), file_filter)
    return Path(name) if name else None


def ask_open_folder(parent: QWidget | None, title: str, sentence: str) -> bool:
    """Whether the user wants the folder opened after `sentence` (blocking; tests replace this)."""
    answer = QMessageBox.question(parent, title, sentence + "\n\n" + _("Open the folder?"))
    return answer == QMessageBox.StandardButton.Yes


def ask_contact(parent: QWidget | None, contact: str, phone: str) -> tuple[str, str] | None:
    """The notices' contact person and phone, typed once (blocking; tests replace this); None when cancelled."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setWindowTitle(_("Contact on the notices"))
    person, number = QLineEdit(contact), QLineEdit(phone)
    person.setAccessibleName(_("Contact person"))
    number.setAccessibleName(_("Contact phone"))
    note = QLabel(_("The notices print a contact person and phone. They are kept in Settings → printed materials "
                    "and asked for only once."))
    note.setWordWrap(True)
    form = QFormLayout()
    form.addRow(_("Contact &person:"), person)
    form.addRow(_("Contact p&hone:"), number)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(note)
    layout.addLayout(form)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return person.text().strip(), number.text().strip()


def open_folder(folder: Path) -> bool:
    """Show `folder` in the system's file manager (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


# ----- remembered folder and file names --------------------------------------------------

def last_folder() -> Path:
    """The folder the user last saved a document in, else Documents (else home)."""
    saved = settings_store.value(settings_store.REPORT_FOLDER)
    if saved and Path(saved).is_dir():
        return Path(saved)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def remember_folder(folder: Path) -> None:
    settings_store.set_value(settings_store.REPORT_FOLDER, str(folder))


def safe_file_name(name: str, suffix: str) -> str:
    """`name` usable as a file name on Windows and Linux (Chinese kept), ending in `suffix`."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", name).strip(" .-") or "document"
    return cleaned if cleaned.lower().endswith(suffix) else cleaned + suffix


def ask_target(parent: QWidget | None, title: str, file_name: str, suffix: str, file_filter: str) -> Path | None:
    """Ask where to save (starting in the remembered folder); remember the folder chosen."""
    chosen = ask_save_path(parent, title, last_folder() / safe_file_name(file_name, suffix), file_filter)
    if chosen is None:
        return None
    if chosen.suffix.lower() != suffix:
        chosen = chosen.with_name(chosen.name + suffix)
    remember_folder(chosen.parent)
    return chosen


def refused(parent: QWidget | None, title: str, exc: Exception) -> None:
    """A refusal or a file error shows its sentence; anything else is a bug for the crash dialog."""
    if isinstance(exc, ClerkError):
        show_error(parent, title, str(exc))
    elif isinstance(exc, OSError):
        show_error(parent, title, _("The file could not be written ({reason}); choose another place.")
                   .format(reason=exc.strerror or exc))
    else:
        crash.report(exc)
