"""Making a document or a file from the database: off the GUI thread, then preview or report.

Contract (GUI thread only):
- `run_on_worker(ctx, parent, title, fn, on_done, on_error)` runs `fn(db)` on the
  database worker (`ctx.query`: the worker's own connection, in order with the
  writes) while `ui.shell.busy` shows the busy cursor and, after a moment, a progress
  dialog with Cancel (saying the printing fonts are being prepared while
  `core.reports.font_warmup` still reads them after start). Exactly one callback runs (as in ui.shell.busy). Cancel stops
  waiting at once; the worker's job, which cannot be interrupted, finishes
  unseen and `after_cancel(result)` then cleans up after it (GUI thread).
- `open_report(ctx, parent, title, render, file_name)`: `render(db, path) ->
  pages` writes a PDF into a fresh temporary folder; then the preview window
  (ui.printing.preview) opens and owns that folder, removed when it closes. A
  `ClerkError` shows its sentence through `report_dialogs.show_error` and nothing opens; the
  temporary folder is removed whatever happens.
- `export_file(ctx, parent, title, write, file_name)`: asks where to save
  (`report_dialogs.ask_target`, starting in the folder remembered in QSettings), runs
  `write(db, path) -> rows` on the worker, then says how many rows were written
  and offers to open the folder (`report_dialogs.ask_open_folder`, `report_dialogs.open_folder`).
- Every place that blocks or leaves the app is in ui.printing.dialogs (tests replace them there).
Both return the `BusyTask`; tests wait on its `finished` signal.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtWidgets import QWidget

from core.format import number
from core.i18n import _, ngettext
from core.reports.font_warmup import warming
from ui.printing import dialogs as report_dialogs
from ui.shell import crash
from ui.shell.busy import BusyTask, Job, run_busy
from ui.shell.context import AppContext

log = logging.getLogger(__name__)

Render = Callable[[sqlite_utils.Database, Path], int]


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
            # the fonts still being read after start (core.reports.font_warmup): say why it takes a while
            job.report(None, _("Preparing the printing fonts (once a session)…") if warming() else title)
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
    out = folder / report_dialogs.safe_file_name(file_name, ".pdf")

    def done(pages: int) -> None:
        from ui.printing.preview import PreviewWindow

        if not out.is_file():  # a render that returned without writing is a bug, not a refusal
            shutil.rmtree(folder, ignore_errors=True)
            crash.report(RuntimeError(f"{title}: the document was not written"))
            return
        PreviewWindow.present(out, folder, title, parent)

    def failed(exc: Exception) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        report_dialogs.refused(parent, title, exc)

    return run_on_worker(ctx, parent, _("Making {title}…").format(title=title),
                         lambda db: render(db, out), done, failed,
                         lambda _r: shutil.rmtree(folder, ignore_errors=True))


def export_file(ctx: AppContext, parent: QWidget | None, title: str, write: Render,
                file_name: str) -> BusyTask | None:
    """Ask where, write `write(db, path)` on the worker, report the rows; None if the user cancelled."""
    target = report_dialogs.ask_target(parent, title, file_name, ".xlsx", report_dialogs.XLSX_FILTER)
    if target is None:
        return None

    def done(rows: int) -> None:
        sentence = ngettext("{n} row written to {path}.", "{n} rows written to {path}.", rows).format(
            n=number(rows), path=target)
        if report_dialogs.ask_open_folder(parent, title, sentence):
            report_dialogs.open_folder(target.parent)

    return run_on_worker(ctx, parent, _("Writing {title}…").format(title=title),
                         lambda db: write(db, target), done, lambda exc: report_dialogs.refused(parent, title, exc))
