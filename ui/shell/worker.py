"""The database worker: one thread that owns one connection and runs small operations.

Contract:
- `DbWorker(path)` starts a QThread; the thread opens its own connection with
  `core.db.connection.connect(path)` (a sqlite3 connection belongs to the thread
  that made it, so it is created inside the thread, never passed in).
- `submit(fn, on_done, on_error)` (GUI thread) queues `fn(db)` to run on the
  worker thread, in submission order. `fn` must not touch any widget or Qt GUI
  object: it reads/writes the database and returns plain data. `on_done(result)`
  or `on_error(exc)` is then called on the GUI thread, through a queued signal.
  If the connection could not be opened, every job fails with that error.
- `close()` (GUI thread; also safe to call twice) drops jobs not yet started,
  lets the running one finish, closes the connection on the worker thread and
  joins the thread. Callbacks are never called after `close()`.
- `reopen()` (GUI thread) blocks until the worker thread, after the jobs queued
  before it, has closed its connection and opened a new one (so SQLite takes its
  file locks anew; see ui.file_dialogs). A no-op after `close()`.
- `idle` is emitted (GUI thread) when the last pending job's callback has run;
  tests wait on it instead of sleeping.
"""
from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from core.db.connection import connect

T = TypeVar("T")


@dataclass
class _Job:
    id: int
    fn: Callable[[sqlite_utils.Database], Any]


class _Runner(QObject):
    """Lives on the worker thread. Owns the connection; runs jobs; reports by signal."""

    done = Signal(int, object)
    failed = Signal(int, object)
    stopped = Signal()

    def __init__(self, path: Path, cancelled: threading.Event) -> None:
        super().__init__()
        self._path = path
        self._cancelled = cancelled
        self._db: sqlite_utils.Database | None = None
        self._open_error: Exception | None = None

    @Slot()
    def open(self) -> None:
        try:
            self._db = connect(self._path)
        except Exception as exc:  # reported to every job's on_error
            self._open_error = exc

    @Slot(object)
    def run(self, job: _Job) -> None:
        if self._cancelled.is_set():
            return
        if self._db is None:
            self.failed.emit(job.id, self._open_error or RuntimeError("no database connection"))
            return
        try:
            result = job.fn(self._db)
        except Exception as exc:
            self.failed.emit(job.id, exc)
        else:
            self.done.emit(job.id, result)

    @Slot()
    def reopen(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        self.open()

    @Slot()
    def stop(self) -> None:
        if self._db is not None:
            self._db.conn.close()
            self._db = None
        self.stopped.emit()
        thread = self.thread()
        if thread is not None:
            thread.quit()


def _stop_thread(thread: QThread, cancelled: threading.Event, *_args: object) -> None:
    cancelled.set()
    thread.quit()
    thread.wait(10_000)


class DbWorker(QObject):
    """The GUI-thread face of the worker thread (see the module docstring)."""

    idle = Signal()
    _queue = Signal(object)
    _stop = Signal()
    _reopen = Signal()

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None]]] = {}
        self._cancelled = threading.Event()
        self._closed = False
        self._thread = QThread()
        self._thread.setObjectName("closeloop-db")
        self._runner = _Runner(Path(path), self._cancelled)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.open)
        self._queue.connect(self._runner.run)
        self._stop.connect(self._runner.stop)
        self._reopen.connect(self._runner.reopen, Qt.ConnectionType.BlockingQueuedConnection)
        self._runner.done.connect(self._on_done)
        self._runner.failed.connect(self._on_failed)
        # If this object is destroyed without close() (its window garbage-collected),
        # stop the thread first: Qt aborts the process when a running QThread is deleted.
        self.destroyed.connect(partial(_stop_thread, self._thread, self._cancelled))
        self._thread.start()

    @property
    def pending(self) -> int:
        """Jobs submitted whose callback has not run yet."""
        return len(self._callbacks)

    def submit(
        self,
        fn: Callable[[sqlite_utils.Database], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
    ) -> int:
        """Queue `fn(db)` on the worker thread; returns the job id. GUI thread only."""
        if self._closed:
            raise RuntimeError("the database worker is closed")
        job = _Job(next(self._ids), fn)
        self._callbacks[job.id] = (on_done, on_error)
        self._queue.emit(job)
        return job.id

    @Slot(int, object)
    def _on_done(self, job_id: int, result: object) -> None:
        callbacks = self._callbacks.pop(job_id, None)
        if callbacks is None or self._closed:
            return
        try:
            callbacks[0](result)
        finally:
            self._maybe_idle()

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: object) -> None:
        callbacks = self._callbacks.pop(job_id, None)
        if callbacks is None or self._closed:
            return
        try:
            callbacks[1](exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
        finally:
            self._maybe_idle()

    def _maybe_idle(self) -> None:
        if not self._callbacks and not self._closed:
            self.idle.emit()

    def reopen(self) -> None:
        """Close and open the worker's connection; blocks until done (see the module contract)."""
        if not self._closed:
            self._reopen.emit()

    def close(self, timeout_ms: int = 10_000) -> bool:
        """Stop the thread and close its connection; True if the thread ended in time."""
        if self._closed:
            return True
        self._closed = True
        self._cancelled.set()
        self._callbacks.clear()
        self._stop.emit()
        return self._thread.wait(timeout_ms)
