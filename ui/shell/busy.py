"""Slow jobs off the GUI thread: a busy cursor after 300 ms, a progress dialog with Cancel after 600 ms.

Contract:
- `run_busy(parent, title, fn, on_done, on_error, on_cancelled)` (GUI thread)
  starts `fn(job)` on its own Python thread and returns the `BusyTask`. `fn`
  must not touch widgets; it may call `job.report(fraction, message)` (fraction
  0..1, or None when unknown) as often as it likes and should look at
  `job.cancelled` between steps, raising `Cancelled` to stop. A job that needs
  the database opens its own connection inside `fn` (a sqlite3 connection
  belongs to the thread that made it).
- If the job is still running after `CURSOR_AFTER_MS` the application shows a
  busy cursor; after `DIALOG_AFTER_MS` a window-modal progress dialog (never
  exec()) with the latest message and a Cancel button (disabled with
  `cancellable=False`). Progress is polled every `POLL_MS`, so a job reporting
  thousands of times costs the GUI nothing (throttling, as in calibre's jobs).
- Exactly one of `on_done(result)`, `on_error(exc)`, `on_cancelled()` runs, on
  the GUI thread, after the cursor is restored and the dialog closed. A job
  that was asked to cancel but finished anyway reports its result.
- Tests wait on the task's `finished` signal (emitted after the callback) and may
  look at `task.dialog` (None until shown), `dialog_was_shown`, `cursor_was_shown`.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from core.i18n import _

CURSOR_AFTER_MS = 300
DIALOG_AFTER_MS = 600
POLL_MS = 100

_running: set[BusyTask] = set()  # keeps tasks alive until their callback has run


class Cancelled(Exception):  # noqa: N818 (it is an outcome, not an error)
    """Raised by a job that stopped because the user pressed Cancel."""


class Job:
    """The job's side of a BusyTask: the cancel flag and the progress report (any thread)."""

    def __init__(self) -> None:
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._progress: tuple[float | None, str] = (None, "")

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise Cancelled if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, fraction: float | None, message: str = "") -> None:
        with self._lock:
            self._progress = (None if fraction is None else min(max(fraction, 0.0), 1.0), message)

    def progress(self) -> tuple[float | None, str]:
        with self._lock:
            return self._progress


class BusyTask(QObject):
    """One running job and its cursor and dialog (see the module contract)."""

    finished = Signal(str)    # "done" | "error" | "cancelled", after the callback ran
    _ended = Signal(object, object)  # (result, exception) from the job's thread

    def __init__(self, parent: QWidget | None, title: str, fn: Callable[[Job], Any], *,
                 cancellable: bool = True) -> None:
        super().__init__(None)  # not owned by `parent`: the job's thread may outlive a closed window
        self.title = title
        self.job = Job()
        self.dialog: QProgressDialog | None = None
        self.dialog_was_shown = False
        self.cursor_was_shown = False
        self.cancellable = cancellable
        self.outcome: str | None = None
        self._fn = fn
        self._parent = parent
        self._cursor = False
        self._callbacks: tuple[Callable[[Any], None], Callable[[Exception], None], Callable[[], None]] | None = None
        self._cursor_timer = QTimer(self, singleShot=True, interval=CURSOR_AFTER_MS)
        self._cursor_timer.timeout.connect(self._show_cursor)
        self._dialog_timer = QTimer(self, singleShot=True, interval=DIALOG_AFTER_MS)
        self._dialog_timer.timeout.connect(self._show_dialog)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._update_dialog)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)

    def start(self, on_done: Callable[[Any], None], on_error: Callable[[Exception], None],
              on_cancelled: Callable[[], None]) -> None:
        self._callbacks = (on_done, on_error, on_cancelled)
        _running.add(self)
        self._cursor_timer.start()
        self._dialog_timer.start()
        threading.Thread(target=self._run, name=f"busy: {self.title}", daemon=True).start()

    def _run(self) -> None:  # the job's thread
        try:
            result = self._fn(self.job)
        except BaseException as exc:  # noqa: BLE001 (every outcome goes back to the GUI thread)
            self._ended.emit(None, exc)
        else:
            self._ended.emit(result, None)

    def cancel(self) -> None:
        """Ask the job to stop (it decides when); the dialog says so meanwhile."""
        self.job.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText(_("Stopping…"))

    @Slot()
    def _show_cursor(self) -> None:
        if self.outcome is None and not self._cursor:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
            self._cursor = self.cursor_was_shown = True

    @Slot()
    def _show_dialog(self) -> None:
        if self.outcome is not None:
            return
        dialog = QProgressDialog(self._parent)
        dialog.setWindowTitle(self.title)
        dialog.setLabelText(self.title)
        dialog.setRange(0, 0)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setWindowModality(Qt.WindowModality.WindowModal if self._parent else Qt.WindowModality.ApplicationModal)
        dialog.setAccessibleName(_("Progress"))
        dialog.setCancelButtonText(_("Cancel"))
        dialog.canceled.disconnect()  # QProgressDialog would hide itself; the job decides when it ends
        dialog.canceled.connect(self.cancel)
        if not self.cancellable:
            dialog.setCancelButton(None)  # type: ignore[arg-type]
        self.dialog = dialog
        self.dialog_was_shown = True
        self._update_dialog()
        dialog.show()
        self._poll.start()

    @Slot()
    def _update_dialog(self) -> None:
        if self.dialog is None:
            return
        fraction, message = self.job.progress()
        if self.job.cancelled:
            message = _("Stopping…")
        if fraction is None:
            if self.dialog.maximum() != 0:
                self.dialog.setRange(0, 0)
        else:
            if self.dialog.maximum() != 1000:
                self.dialog.setRange(0, 1000)
            self.dialog.setValue(int(fraction * 1000))
        self.dialog.setLabelText(message or self.title)

    @Slot(object, object)
    def _on_ended(self, result: Any, exc: BaseException | None) -> None:
        for timer in (self._cursor_timer, self._dialog_timer, self._poll):
            timer.stop()
        if self._cursor:
            QApplication.restoreOverrideCursor()
            self._cursor = False
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        assert self._callbacks is not None
        on_done, on_error, on_cancelled = self._callbacks
        try:
            if isinstance(exc, Cancelled):
                self.outcome = "cancelled"
                on_cancelled()
            elif exc is not None:
                self.outcome = "error"
                on_error(exc if isinstance(exc, Exception) else RuntimeError(repr(exc)))
            else:
                self.outcome = "done"
                on_done(result)
        finally:
            _running.discard(self)
            self.finished.emit(self.outcome)


def run_busy(parent: QWidget | None, title: str, fn: Callable[[Job], Any], on_done: Callable[[Any], None],
             on_error: Callable[[Exception], None], on_cancelled: Callable[[], None] | None = None, *,
             cancellable: bool = True) -> BusyTask:
    """Run `fn(job)` off the GUI thread with the delayed cursor and dialog (see the module contract)."""
    task = BusyTask(parent, title, fn, cancellable=cancellable)
    task.start(on_done, on_error, on_cancelled or (lambda: None))
    return task
