"""Making a document or a file from the database: off the GUI thread, then preview or report.

Contract (GUI thread only):
- `run_on_worker(ctx, parent, title, fn, on_done, on_error)` runs `fn(db)` on the
  database worker (`ctx.query`: the worker's own connection, in order with the
  writes) while `ui.shell.busy` shows the busy cursor and, after a moment, a progress
  dialog with Cancel. Exactly one callback runs (as in ui.shell.busy). Cancel stops
  waiting at once; the worker's job, which cannot be interrupted, finishes
  unseen and `after_cancel(result)` then cleans up after it (GUI thread).
- `open_report(ctx, parent, title, render, file_name)`: `render(db, path) ->
  pages` writes a PDF into a fresh temporary folder; then the preview window
  (ui.printing.preview) opens and owns that folder, removed when it closes. A
  `ClerkError` shows its sentence through `show_error` and nothing opens; the
  temporary folder is removed whatever happens.
- `export_file(ctx, parent, title, write, file_name)`: asks where to save
  (`ask_save_path`, starting in the folder remembered in QSettings), runs
  `write(db, path) -> rows` on the worker, then says how many rows were written
  and offers to open the folder (`ask_open_folder`, `open_folder`).
- `show_error`, `ask_save_path`, `ask_open_folder` and `open_folder`
  are the only places that block or leave the app: tests replace them.
Both return the `BusyTask`; tests wait on its `finished` signal.
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils
from babel.numbers import format_decimal
from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from core.errors import ClerkError
from core.i18n import _, babel_locale, ngettext
from ui import file_dialogs
from ui.shell import crash, settings_store
from ui.shell.busy import BusyTask, Job, run_busy
from ui.shell.context import AppContext

log = logging.getLogger(__name__)

Render = Callable[[sqlite_utils.Database, Path], int]
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


# ----- the worker with the busy cursor -----------------------------------------------------

def run_on_worker(ctx: AppContext, parent: QWidget | None, title: str,
                  fn: Callable[[sqlite_utils.Database], Any], on_done: Callable[[Any], None],
                  on_error: Callable[[Exception], None],
                  after_cancel: Callable[[Any], None] | None = None) -> BusyTask:
    """Run `fn(db)` on the database worker under ui.shell.busy's cursor and dialog (see the module contract)."""
    box: dict[str, Any] = {}
    ready = threading.Event()
    state = {"cancelled": False, "ended": False}

    def work(db: sqlite_utils.Database) -> None:  # the worker thread
        try:
            box["result"] = fn(db)
        except Exception as exc:  # handed to the busy job, which hands it to the GUI thread
            box["error"] = exc
        finally:
            ready.set()

    def ended(*_args: object) -> None:  # GUI thread: the worker's job is over
        state["ended"] = True
        if state["cancelled"] and after_cancel is not None:
            after_cancel(box.get("result"))

    def not_run(exc: Exception) -> None:  # the worker could not run the job at all
        box.setdefault("error", exc)
        ready.set()
        ended()

    def wait(job: Job) -> Any:  # the busy task's thread
        job.report(None, title)
        while not ready.wait(0.05):
            job.check()
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def cancelled() -> None:
        state["cancelled"] = True
        if state["ended"] and after_cancel is not None:
            after_cancel(box.get("result"))

    ctx.query(work, ended, not_run)
    return run_busy(parent, title, wait, on_done, on_error, cancelled)


# ----- preview and export ----------------------------------------------------------------

def open_report(ctx: AppContext, parent: QWidget | None, title: str, render: Render, file_name: str) -> BusyTask:
    """Render into a temporary file on the worker, then open the preview (see the module contract)."""
    folder = Path(tempfile.mkdtemp(prefix="closeloop-report-"))
    out = folder / safe_file_name(file_name, ".pdf")

    def done(pages: int) -> None:
        from ui.printing.preview import PreviewWindow

        if not out.is_file():  # a render that returned without writing is a bug, not a refusal
            shutil.rmtree(folder, ignore_errors=True)
            crash.report(RuntimeError(f"{title}: the document was not written"))
            return
        PreviewWindow.present(out, folder, title, parent)

    def failed(exc: Exception) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        refused(parent, title, exc)

    return run_on_worker(ctx, parent, _("Making {title}…").format(title=title),
                         lambda db: render(db, out), done, failed,
                         lambda _r: shutil.rmtree(folder, ignore_errors=True))


def export_file(ctx: AppContext, parent: QWidget | None, title: str, write: Render,
                file_name: str) -> BusyTask | None:
    """Ask where, write `write(db, path)` on the worker, report the rows; None if the user cancelled."""
    target = ask_target(parent, title, file_name, ".xlsx", XLSX_FILTER)
    if target is None:
        return None

    def done(rows: int) -> None:
        sentence = ngettext("{n} row written to {path}.", "{n} rows written to {path}.", rows).format(
            n=format_decimal(rows, locale=babel_locale()), path=target)
        if ask_open_folder(parent, title, sentence):
            open_folder(target.parent)

    return run_on_worker(ctx, parent, _("Writing {title}…").format(title=title),
                         lambda db: write(db, target), done, lambda exc: refused(parent, title, exc))
