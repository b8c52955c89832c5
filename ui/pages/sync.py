"""同步 (Sync): carry the stick — see what is on it and what is owed, then one round with one button.

Contract: `SyncPage(ctx, parent)` serves both roles. The stick is chosen in a combo
of the removable drives (`ui.pages.sync_drives.removable_drives`, refreshed by the
"Refresh" button, on showing and every `DRIVE_POLL_MS` while shown) or any folder through `choose_folder`
(ui.file_dialogs; a module function tests replace). For the chosen folder the page
lists the inbox (`core.sync.round.inbox`: file, addressed to, for this office,
imported, problem) and, from `core.sync.status.sync_status`, the outbox, the
bundles held or kept aside (until someone looks at them) and a sentence per
office ("… has received your records up to …"). Both reads run on the database
worker (a stick's headers are read off the GUI thread); `loaded` follows the
newest one (an answer overtaken by a later read is dropped).
"Sync" runs `core.sync.round.sync_folder` through `ctx.write` (the worker thread,
one round, the pages hear `ctx.changed` when something was imported) with a
progress bar and a Cancel button (asked between steps); at the end the report's
sentences show in full in a read-only box, "You may remove the stick." only when
the round says `safe_to_remove`, and the lists are read again. A refusal shows
its sentence; anything else goes to the crash dialog. `round_finished(report)`
(a RoundReport, or the refusal's sentence) follows the end of a round. A viewer
sees the lists but no Sync button. At the hub the page also shows `hub_panel`
(ui.pages.sync_hub.HubSyncPanel: enroll a unit, export for all units, the units
not synced for 7 days, revoke a key), working on the same chosen folder; at a
unit `hub_panel` is None. Threading: GUI thread only.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import ClerkError, Refusal
from core.i18n import _
from core.office import Changes, Session
from core.sync.round import InboxEntry, RoundReport, inbox, sync_folder
from core.sync.status import sync_status
from ui import file_dialogs
from ui.pages import sync_drives
from ui.pages.directory.form import alive, error_label
from ui.pages.sync_hub import HubSyncPanel
from ui.shell import crash
from ui.shell.context import AppContext

DRIVE_POLL_MS = 3000
SAFE_COLOR = "#1a7f37"


def choose_folder(parent: QWidget) -> str | None:
    """Ask for the folder that stands for the stick (replaced in tests); None when the clerk cancels."""
    return file_dialogs.existing_folder(parent, _("Choose the stick's folder")) or None


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


class SyncPage(QWidget):
    """The stick, the inbox, the outbox and the one Sync button (see the module contract)."""

    loaded = Signal()
    round_finished = Signal(object)   # RoundReport, or the refusal's sentence
    _progress = Signal(int, int, str)  # emitted on the worker thread, delivered queued

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("syncPage")
        self.report: RoundReport | None = None
        self.running = False
        self._cancel = threading.Event()
        self._reads = 0  # the newest read's number: an older answer is not shown

        heading = QLabel(_("Sync through a USB stick — {office}").format(office=ctx.office.name))
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.drives = QComboBox()
        self.drives.setAccessibleName(_("The stick"))
        self.drives.setMinimumWidth(320)
        self.drives.setPlaceholderText(_("No stick found: plug one in or choose a folder"))
        self.refresh_button = QPushButton(_("Refresh"))
        self.choose_button = QPushButton(_("Choose folder…"))
        self.sync_button = QPushButton(_("Sync"))
        self.sync_button.setObjectName("syncButton")
        self.sync_button.setStyleSheet("font-weight: bold; padding: 4px 24px;")
        self.sync_button.setVisible(ctx.can_write)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Progress"))
        self.progress.setVisible(False)
        self.step = QLabel()
        self.safe = QLabel(_("You may remove the stick."))
        self.safe.setObjectName("safeToRemove")
        self.safe.setStyleSheet(f"color: {SAFE_COLOR}; font-size: 13pt; font-weight: bold;")
        self.safe.setVisible(False)
        self.error = error_label(_("Why the round did not run"))

        self.inbox_table = _table([_("File"), _("Addressed to"), _("For this office"), _("Imported"), _("Problem")],
                                  _("Bundles on the stick"))
        self.outbox_table = _table([_("To"), _("File"), _("Written"), _("Acknowledged")], _("Bundles written"))
        self.held_table = _table([_("From"), _("File"), _("Status"), _("Why")], _("Bundles held or kept aside"))
        self.offices = QLabel()
        self.offices.setObjectName("syncOffices")
        self.offices.setWordWrap(True)
        self.offices.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_box = QPlainTextEdit()
        self.report_box.setReadOnly(True)
        self.report_box.setAccessibleName(_("What the round did"))
        self.report_box.setPlaceholderText(_("Press Sync: what was imported and written is told here."))

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Stick:")))
        top.addWidget(self.drives, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.choose_button)
        top.addSpacing(24)
        top.addWidget(self.sync_button)
        run = QHBoxLayout()
        run.addWidget(self.progress, 1)
        run.addWidget(self.step)
        run.addWidget(self.cancel_button)
        grid = QGridLayout()
        grid.addWidget(QLabel(_("On the stick")), 0, 0)
        grid.addWidget(QLabel(_("What this office has written")), 0, 1)
        grid.addWidget(self.inbox_table, 1, 0)
        grid.addWidget(self.outbox_table, 1, 1)
        grid.addWidget(QLabel(_("What the round did")), 2, 0)
        grid.addWidget(QLabel(_("Held or kept aside, until someone looks at them")), 2, 1)
        grid.addWidget(self.report_box, 3, 0)
        grid.addWidget(self.held_table, 3, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(top)
        layout.addLayout(run)
        layout.addWidget(self.safe)
        layout.addWidget(self.error)
        layout.addWidget(self.offices)
        self.hub_panel: HubSyncPanel | None = None
        if ctx.is_hub:  # enroll, export for all, units not heard from, revoke (ui.pages.sync_hub)
            self.hub_panel = HubSyncPanel(ctx, self.folder, self)
            layout.addWidget(self.hub_panel)
        layout.addLayout(grid, 1)

        self.refresh_button.clicked.connect(self.refresh)
        self.choose_button.clicked.connect(self._choose)
        self.sync_button.clicked.connect(self.start_round)
        self.cancel_button.clicked.connect(self.cancel_round)
        self.drives.currentIndexChanged.connect(lambda _i: self.reload())
        self._progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        ctx.changed.connect(self._on_changed)  # a method: disconnected when the page goes
        self.timer = QTimer(self, interval=DRIVE_POLL_MS)
        self.timer.timeout.connect(self.refresh_drives)
        self.refresh_drives()
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.timer.start()  # the drives are looked at only while the page is shown
        self.refresh_drives()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt's name)
        self.timer.stop()
        super().hideEvent(event)

    # the stick --------------------------------------------------------------------------------

    def folder(self) -> Path | None:
        data = self.drives.currentData()
        return Path(data) if data else None

    def refresh_drives(self) -> None:
        """List the sticks again, keeping the chosen one and any folder chosen by hand."""
        current = self.drives.currentData()
        found = sync_drives.removable_drives()
        chosen = [(self.drives.itemData(i), self.drives.itemText(i)) for i in range(self.drives.count())
                  if self.drives.itemData(i, Qt.ItemDataRole.UserRole + 1)]
        items = [(p, t, False) for p, t in found] + [(p, t, True) for p, t in chosen if p not in dict(found)]
        if [(p, t) for p, t, _h in items] == [(self.drives.itemData(i), self.drives.itemText(i))
                                               for i in range(self.drives.count())]:
            return
        self.drives.blockSignals(True)
        self.drives.clear()
        for path, text, by_hand in items:
            self.drives.addItem(text, path)
            self.drives.setItemData(self.drives.count() - 1, by_hand, Qt.ItemDataRole.UserRole + 1)
        index = self.drives.findData(current) if current else -1
        self.drives.setCurrentIndex(index if index >= 0 else (0 if items else -1))
        self.drives.blockSignals(False)
        if self.drives.currentData() != current:
            self.reload()

    def refresh(self) -> None:
        self.refresh_drives()
        self.reload()

    def set_folder(self, path: str | Path) -> None:
        """Use `path` as the stick (as "Choose folder…" does)."""
        path = str(path)
        index = self.drives.findData(path)
        if index < 0:
            self.drives.addItem(path, path)
            index = self.drives.count() - 1
            self.drives.setItemData(index, True, Qt.ItemDataRole.UserRole + 1)
        if index == self.drives.currentIndex():
            self.reload()
        self.drives.setCurrentIndex(index)

    def _choose(self) -> None:
        path = choose_folder(self)
        if path:
            self.set_folder(path)

    # the lists --------------------------------------------------------------------------------

    def _session(self, db: sqlite_utils.Database) -> Session:
        return Session(db, self.ctx.db_path, self.ctx.office, self.ctx.user, self.ctx.today())

    @Slot(object)
    def _on_changed(self, _changes: object) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the inbox of the chosen folder and the office's sync status again (on the worker)."""
        folder = self.folder()
        self._reads += 1
        ticket = self._reads

        def job(db: sqlite_utils.Database) -> tuple[int, list[InboxEntry], dict]:
            s = self._session(db)
            entries = inbox(s, folder) if folder is not None and folder.is_dir() else []
            return ticket, entries, sync_status(s)

        self.ctx.query(job, alive(self, self._show), alive(self, self._failed_read))

    def _show(self, result: tuple[int, list[InboxEntry], dict]) -> None:
        ticket, entries, status = result
        if ticket != self._reads:
            return  # an older read (another folder chosen meanwhile): the newest one follows
        _fill(self.inbox_table, [[e.path.name, e.to_code, _yes_no(e.for_here),
                                  _yes_no(e.imported) if e.for_here else "", e.problem] for e in entries])
        _fill(self.outbox_table, [[o["to"], Path(o["file"]).name, o["at"][:16].replace("T", " "), _yes_no(o["acknowledged"])]
                                  for o in status["outbox"]])
        words = {"held": _("held"), "fork": _("kept aside (fork)")}
        _fill(self.held_table, [[h["from"] or "", h["file"], words.get(h["status"], h["status"]), h["reason"]]
                                for h in status["held"]])
        self.offices.setText("\n".join(status["lines"]))
        self.loaded.emit()

    def _failed_read(self, exc: Exception) -> None:
        if not isinstance(exc, ClerkError):
            crash.report(exc)
            return
        self.error.setText(str(exc))
        self.error.setVisible(True)
        self.loaded.emit()

    # the round --------------------------------------------------------------------------------

    def start_round(self) -> None:
        """Run one round on the chosen folder, on the worker, with the progress bar and Cancel."""
        folder = self.folder()
        if self.running:
            return
        self.error.setVisible(False)
        self.safe.setVisible(False)
        if folder is None:
            self._refused(Refusal(_("No stick is chosen; plug one in or choose a folder.")))
            return
        self.running = True
        self._cancel.clear()
        self._set_busy(True)
        self.report_box.clear()
        cancel, progress = self._cancel, self._progress

        def job(session: Session) -> Any:
            report = sync_folder(session, folder, progress=progress.emit, cancelled=cancel.is_set)
            if any(r.status == "applied" for r in report.imports):
                return report, Changes(directory=True)
            return report

        self.ctx.write(job, alive(self, self._done), alive(self, self._refused))

    def cancel_round(self) -> None:
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.step.setText(_("Stopping…"))

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.sync_button, self.refresh_button, self.choose_button, self.drives):
            widget.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        if not busy:
            self.step.clear()

    def _on_progress(self, done: int, total: int, what: str) -> None:
        if not self.running:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        if not self._cancel.is_set():
            self.step.setText(what)

    def _done(self, result: Any) -> None:
        report: RoundReport = result[0] if isinstance(result, tuple) else result
        self.running = False
        self._set_busy(False)
        self.report = report
        self.report_box.setPlainText("\n".join(report.sentences()) or _("There was nothing to import or write."))
        self.safe.setVisible(report.safe_to_remove)
        self.reload()
        self.round_finished.emit(report)

    def _refused(self, exc: Exception) -> None:
        self.running = False
        self._set_busy(False)
        if not isinstance(exc, ClerkError):
            crash.report(exc)
            return
        self.error.setText(str(exc))
        self.error.setVisible(True)
        self.report_box.setPlainText(str(exc))
        self.round_finished.emit(str(exc))
