"""The hub's part of the sync page: enroll a unit, export for all units, who has not synced, revoke a key.

Contract: `HubSyncPanel(ctx, folder, parent)` is shown by `ui.pages.sync.SyncPage`
when `ctx.is_hub`; `folder()` gives the stick the page has chosen (None when none).
- Enroll: the unit is picked in a `PickerEdit` (ui.unit_completer: name, pinyin or
  code); "Write enrollment file" runs `core.sync.enroll.enroll_export` on the
  worker (`ctx.write`) into the stick; the one-time code and the county office
  key's fingerprint then show on screen, and "Print enrollment sheet…" previews
  the 入网单 (`core.reports.enroll_sheet`) through ui.printing (a temporary file,
  never the stick). `enrolled(Enrollment | sentence)` follows.
- Export for all: `core.sync.exporter.export_all` on the worker with a progress
  bar; the result lists each bundle written and each unit skipped with why.
  `exported((made, skipped) | sentence)` follows.
- Units: one row per enrolled unit office (`core.sync.status.unit_contact`): the
  day of its newest bundle received, the days since (to `ctx.today()`, i.e.
  CLOSELOOP_TODAY), whether its key is valid; a row is red when that is 7 days
  or more, or never. Read on the worker; `contacts_loaded` follows each read.
  "Revoke key…" opens `ui.pages.sync_revoke.RevokeDialog` for the selected unit
  (a reason and a confirmation; `core.sync.office_keys.revoke` checks again).
Writing buttons are shown only to a user who may write at the hub
(`ctx.hub_may_write`: an administrator or clerk). Refusals show their sentence in
the panel; nothing was written. Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlite_utils
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.directory import list_units
from core.errors import ClerkError, Refusal
from core.format import long_date
from core.i18n import _
from core.office import Changes, Session
from core.pinyin_match import unit_index
from core.sync.enroll import Enrollment, enroll_export
from core.sync.exporter import export_all
from core.sync.status import STALE_DAYS, UnitContact, unit_contact
from ui.pages.directory.form import alive, error_label
from ui.shell import crash
from ui.shell.context import AppContext
from ui.unit_completer import PickerEdit

STALE_BACKGROUND = "#fde2e1"
STALE_TEXT = "#b3261e"


def _refusal_or_crash(label: QLabel, exc: Exception) -> str | None:
    """Show a ClerkError's sentence in `label` and return it; anything else goes to the crash dialog."""
    if not isinstance(exc, ClerkError):
        crash.report(exc)
        return None
    label.setText(str(exc))
    label.setVisible(True)
    return str(exc)


class HubSyncPanel(QWidget):
    """Enrollment, the weekly export for all units, units not heard from, revocation (see the module contract)."""

    enrolled = Signal(object)         # Enrollment, or the refusal's sentence
    exported = Signal(object)         # (made, skipped), or the refusal's sentence
    contacts_loaded = Signal()
    _progress = Signal(int, int, str)  # emitted on the worker thread, delivered queued

    def __init__(self, ctx: AppContext, folder: Callable[[], Path | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.folder = folder
        self.setObjectName("hubSyncPanel")
        self.enrollment: Enrollment | None = None
        self.contacts: list[UnitContact] = []
        self._reads = 0
        writer = ctx.hub_may_write

        # enroll a unit ---------------------------------------------------------------------------
        self.unit_index = unit_index([u for u in list_units(ctx.reader) if u.active])
        self.unit_edit = PickerEdit(self.unit_index)
        self.unit_edit.setAccessibleName(_("Unit to enroll"))
        self.unit_edit.setPlaceholderText(_("Type part of a name, its pinyin initials or a code"))
        self.enroll_button = QPushButton(_("Write enrollment file"))
        self.print_button = QPushButton(_("Print enrollment sheet…"))
        self.print_button.setEnabled(False)
        self.code_label = QLabel()
        self.code_label.setObjectName("enrollCode")
        self.code_label.setStyleSheet("font-size: 14pt; font-weight: bold; font-family: monospace;")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setObjectName("enrollFingerprint")
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.enroll_note = QLabel()
        self.enroll_note.setWordWrap(True)
        self.enroll_error = error_label(_("Why the enrollment file was not written"))
        enroll_box = QGroupBox(_("Enroll a unit office"))
        box = QVBoxLayout(enroll_box)
        row = QHBoxLayout()
        row.addWidget(self.unit_edit, 1)
        row.addWidget(self.enroll_button)
        box.addLayout(row)
        box.addWidget(self.enroll_error)
        box.addWidget(self.enroll_note)
        box.addWidget(self.code_label)
        box.addWidget(self.fingerprint_label)
        box.addWidget(self.print_button)
        box.addStretch(1)

        # export for all units ----------------------------------------------------------------------
        self.export_button = QPushButton(_("Export for all units"))
        self.export_progress = QProgressBar()
        self.export_progress.setAccessibleName(_("Progress of the export"))
        self.export_progress.setVisible(False)
        self.export_result = QLabel(_("Writes, on the stick, one bundle for each unit office whose key is known."))
        self.export_result.setObjectName("exportResult")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_error = error_label(_("Why the export did not run"))
        export_box = QGroupBox(_("The weekly export for all units"))
        box = QVBoxLayout(export_box)
        box.addWidget(self.export_button)
        box.addWidget(self.export_progress)
        box.addWidget(self.export_error)
        box.addWidget(self.export_result)
        box.addStretch(1)

        # units and their last bundle ---------------------------------------------------------------
        self.units_table = QTableWidget(0, 4)
        self.units_table.setHorizontalHeaderLabels([_("Unit"), _("Last bundle received"), _("Days"), _("Key")])
        self.units_table.setAccessibleName(_("Unit offices and their last bundle"))
        self.units_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.units_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.units_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.units_table.verticalHeader().setVisible(False)
        self.units_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.units_table.horizontalHeader().setStretchLastSection(True)
        self.revoke_button = QPushButton(_("Revoke key…"))
        self.revoke_button.setEnabled(False)
        units_box = QGroupBox(_("Units not synced for {days} days are red").format(days=STALE_DAYS))
        box = QVBoxLayout(units_box)
        box.addWidget(self.units_table, 1)
        box.addWidget(self.revoke_button, 0, Qt.AlignmentFlag.AlignRight)

        for button in (self.enroll_button, self.print_button, self.export_button, self.revoke_button):
            button.setVisible(writer)
        self.unit_edit.setVisible(writer)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(enroll_box, 2)
        layout.addWidget(export_box, 2)
        layout.addWidget(units_box, 3)

        self.enroll_button.clicked.connect(self.start_enroll)
        self.unit_edit.returnPressed.connect(self.start_enroll)
        self.print_button.clicked.connect(self.print_sheet)
        self.export_button.clicked.connect(self.start_export)
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.units_table.itemSelectionChanged.connect(self._selection_changed)
        self._progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        ctx.changed.connect(self._on_changed)  # a method: disconnected when the page goes
        self.reload()

    # units ------------------------------------------------------------------------------------------

    @Slot(object)
    def _on_changed(self, _changes: object) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the unit offices and their last bundle again (on the worker)."""
        self._reads += 1
        ticket = self._reads

        def job(db: sqlite_utils.Database) -> tuple[int, list[UnitContact]]:
            return ticket, unit_contact(Session(db, self.ctx.db_path, self.ctx.office, self.ctx.user,
                                                self.ctx.today()))

        self.ctx.query(job, alive(self, self._show_contacts), alive(self, crash.report))

    def _show_contacts(self, result: tuple[int, list[UnitContact]]) -> None:
        ticket, contacts = result
        if ticket != self._reads:
            return
        selected = self.selected_unit()
        self.contacts = contacts
        table = self.units_table
        table.setRowCount(len(contacts))
        for r, c in enumerate(contacts):
            days = _("never") if c.days is None else str(c.days)
            texts = [f"{c.name} ({c.code})", long_date(c.last_received) if c.last_received else _("never"),
                     days, _("valid") if c.key_known else _("none valid")]
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.code)
                if c.stale:
                    item.setBackground(QBrush(QColor(STALE_BACKGROUND)))
                    item.setForeground(QBrush(QColor(STALE_TEXT)))
                table.setItem(r, col, item)
            if c.code == selected:
                table.selectRow(r)
        self._selection_changed()
        self.contacts_loaded.emit()

    def selected_unit(self) -> str | None:
        items = self.units_table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _selection_changed(self) -> None:
        code = self.selected_unit()
        contact = next((c for c in self.contacts if c.code == code), None)
        self.revoke_button.setEnabled(contact is not None and contact.key_known)

    def ask_revoke(self) -> Any:
        """Open the revocation dialog for the selected unit (returned; tests drive it)."""
        from ui.pages.sync_revoke import RevokeDialog

        contact = next((c for c in self.contacts if c.code == self.selected_unit()), None)
        if contact is None:
            return None
        dialog = RevokeDialog(self.ctx, contact.code, contact.name, self)
        dialog.open()
        return dialog

    # enrollment -------------------------------------------------------------------------------------

    def _stick(self) -> Path:
        folder = self.folder()
        if folder is None:
            raise Refusal(_("No stick is chosen; plug one in or choose a folder."))
        return folder

    def start_enroll(self) -> None:
        """Write the enrollment file of the unit typed or picked, on the worker."""
        self.enroll_error.setVisible(False)
        hit = self.unit_index.resolve(self.unit_edit.committed_text())
        if hit is None:
            self._enroll_refused(Refusal(_("Pick the unit to enroll from the list (type part of its name, its "
                                           "pinyin initials or its code).")))
            return
        try:
            folder = self._stick()
        except Refusal as err:
            self._enroll_refused(err)
            return
        self.enroll_button.setEnabled(False)
        code = hit.code

        def job(s: Session) -> tuple[Enrollment, Changes]:
            return enroll_export(s, code, folder), Changes(directory=True)

        self.ctx.write(job, alive(self, self._enrolled), alive(self, self._enroll_refused))

    def _enrolled(self, result: tuple[Enrollment, Changes]) -> None:
        e = result[0]
        self.enroll_button.setEnabled(True)
        self.enrollment = e
        self.enroll_note.setText(_("Enrollment file for {unit} written: {file}. Give the code on paper, never on "
                                   "the stick; it is valid until {date}.").format(
                                       unit=e.unit_name, file=e.path.name, date=long_date(e.expires_on)))
        self.code_label.setText(_("One-time code: {code}").format(code=e.code))
        self.fingerprint_label.setText(_("County office key fingerprint: {fp}").format(fp=e.fingerprint))
        self.print_button.setEnabled(True)
        self.enrolled.emit(e)

    def _enroll_refused(self, exc: Exception) -> None:
        self.enroll_button.setEnabled(True)
        sentence = _refusal_or_crash(self.enroll_error, exc)
        if sentence is not None:
            self.enrolled.emit(sentence)

    def print_sheet(self) -> Any:
        """Preview the enrollment sheet of the last enrollment (ui.printing); returns the BusyTask."""
        from core.reports.enroll_sheet import render_enroll_sheet
        from ui.printing import jobs as report_jobs

        e, day = self.enrollment, self.ctx.today()
        if e is None:
            return None
        title = _("Enrollment sheet {unit}").format(unit=e.unit_name)
        return report_jobs.open_report(self.ctx, self, title, lambda db, out: render_enroll_sheet(db, out, e, on=day),
                                       title)

    # export for all ---------------------------------------------------------------------------------

    def start_export(self) -> None:
        """Write one bundle per unit office whose key is known, on the worker, with the progress bar."""
        self.export_error.setVisible(False)
        try:
            folder = self._stick()
        except Refusal as err:
            self._export_refused(err)
            return
        self.export_button.setEnabled(False)
        self.export_progress.setRange(0, 0)
        self.export_progress.setVisible(True)
        progress = self._progress

        def job(s: Session) -> tuple[Any, Changes]:
            return export_all(s, folder, progress=progress.emit), Changes()

        self.ctx.write(job, alive(self, self._exported), alive(self, self._export_refused))

    def _on_progress(self, done: int, total: int, what: str) -> None:
        self.export_progress.setRange(0, max(total, 1))
        self.export_progress.setValue(min(done, max(total, 1)))
        self.export_progress.setFormat(what)

    def _end_export(self) -> None:
        self.export_button.setEnabled(True)
        self.export_progress.setVisible(False)

    def _exported(self, result: tuple[Any, Changes]) -> None:
        self._end_export()
        made, skipped = result[0]
        lines = [_("Bundle for {office} written: {file}.").format(office=e.peer.name, file=e.path.name)
                 for e in made]
        lines += [_("No bundle for {office}: {why}.").format(office=peer.name, why=why) for peer, why in skipped]
        if not lines:
            lines = [_("No unit office is enrolled yet: enroll one first.")]
        elif made:
            lines.append(_("Every bundle was read back and checked: the stick may be removed."))
        self.export_result.setText("\n".join(lines))
        self.exported.emit((made, skipped))

    def _export_refused(self, exc: Exception) -> None:
        self._end_export()
        sentence = _refusal_or_crash(self.export_error, exc)
        if sentence is not None:
            self.exported.emit(sentence)
