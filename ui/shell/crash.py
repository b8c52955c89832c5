"""The crash handler: what slips through every other net ends here.

Contract: `install(app)` replaces `sys.excepthook` and `threading.excepthook`
(keeping the previous hooks to restore with `uninstall()`). For each uncaught
exception it appends the traceback, with versions and the time, to the log file
(`log_path()`: <AppDataLocation>/logs/closeloop.log), then shows one short
sentence in the user's language with a "Copy details" button.

Threading: the hook may run on any thread (an exception in a worker's slot
reaches `sys.excepthook` on that thread). Logging happens on the calling thread,
under a lock; the dialog is always shown on the GUI thread through a queued
signal. Qt keeps its event loop running after an exception in a slot, so the
dialog is non-blocking (`open()`, never `exec()`).

Tests replace `CrashDialog.present` (a classmethod) to see what would be shown;
`report(exc)` is the same path for errors the app catches itself.
"""
from __future__ import annotations

import datetime as dt
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

import PySide6
from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _

LOG_NAME = "closeloop.log"
_log_lock = threading.Lock()


def log_dir() -> Path:
    """Where logs go: the user's data folder for this app (needs the app/org names set)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".closeloop") / "logs"


def log_path() -> Path:
    return log_dir() / LOG_NAME


def format_details(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The text logged and copied: time, versions, thread and the traceback."""
    head = (
        f"time: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n"
        f"closeloop on Python {platform.python_version()}, PySide6 {PySide6.__version__}, "
        f"{platform.platform()}\n"
        f"thread: {threading.current_thread().name}\n"
    )
    return head + "".join(traceback.format_exception(exc_type, exc, tb))


def write_log(details: str, path: Path | None = None) -> Path | None:
    """Append `details` to the log; returns the file, or None if it could not be written."""
    path = path or log_path()
    try:
        with _log_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(details.rstrip("\n") + "\n" + "-" * 72 + "\n")
    except OSError:
        return None
    return path


class CrashDialog(QDialog):
    """A short sentence, the log location, and the details behind a copy button."""

    def __init__(self, message: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Closeloop: an error occurred"))
        self.details = details
        layout = QVBoxLayout(self)
        label = QLabel(message)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(label)
        text = QPlainTextEdit(details)
        text.setReadOnly(True)
        text.setAccessibleName(_("Error details"))
        text.setVisible(False)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(_("Copy details"))
        copy.setAccessibleName(_("Copy details"))
        copy.clicked.connect(self.copy_details)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        show = QPushButton(_("Show details"))
        show.setCheckable(True)
        show.toggled.connect(text.setVisible)
        buttons.addButton(show, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @Slot()
    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)

    @classmethod
    def present(cls, message: str, details: str) -> None:
        """Show the dialog without blocking (GUI thread only). Tests monkeypatch this."""
        parent = QApplication.activeWindow()
        dialog = cls(message, details, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


def user_message(log: Path | None) -> str:
    if log is None:
        return _("Something unexpected went wrong. The details could not be saved; "
                 "use Copy details and send them to your support contact.")
    return _("Something unexpected went wrong. The details were saved in {path}; "
             "use Copy details to send them to your support contact.").format(path=log)


class _Bridge(QObject):
    """Lives on the GUI thread; carries (message, details) from any thread to the dialog."""

    crashed = Signal(str, str)

    @Slot(str, str)
    def show(self, message: str, details: str) -> None:
        try:
            CrashDialog.present(message, details)
        except Exception:  # never let the crash handler itself crash the app
            traceback.print_exc()


class CrashHandler:
    """Holds the hooks; one per process, created by `install()`."""

    def __init__(self) -> None:
        self._bridge = _Bridge()
        self._bridge.crashed.connect(self._bridge.show)  # auto: queued from other threads
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        details = format_details(exc_type, exc, tb)
        sys.stderr.write(details)
        log = write_log(details)
        self._bridge.crashed.emit(user_message(log), details)

    def handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self.handle_thread

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook


_handler: CrashHandler | None = None


def install() -> CrashHandler:
    """Install the process-wide handler (GUI thread, after QApplication exists)."""
    global _handler
    if _handler is None:
        _handler = CrashHandler()
    _handler.install()
    return _handler


def uninstall() -> None:
    global _handler
    if _handler is not None:
        _handler.uninstall()
        _handler = None


def report(exc: BaseException) -> None:
    """Log and show an exception the app caught itself (same path as an uncaught one)."""
    handler = _handler or CrashHandler()
    handler.handle(type(exc), exc, exc.__traceback__)
