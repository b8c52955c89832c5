"""The main window: the shell around the pages — navigation, menus, status bar, window state.

Contract:
- `MainWindow(ctx, font=…, pages=…)` takes over `ctx` (its `shutdown()` closes it).
  The navigation lists the pages of `ui.pages.visible_pages(ctx)` (or `pages`)
  whose module exists; an entry whose module is missing is left out with a
  logged warning, never shown as a placeholder. Pages are created on first
  show from their `factory` ("module:Class", called as `Class(ctx, parent)`).
- Optional page methods the shell calls when present: `activate(options)` on
  every show (options from `ctx.navigate`, else {}), `refresh()` (F5),
  `focus_search()` (Ctrl+F), `save_state()` (on close), `main_view()` (the table
  F6 and Ctrl+Down go into; without it, the page's first visible table: ui.keyboard).
- `ctx.navigate.emit(key, options)` shows that page; `ctx.open_task.emit(no)` calls
  `ui.task.view.open_task_view(ctx, no, window)` when that module exists.
- Menus and shortcuts come from `ui.actions` (write actions hidden for a viewer).
  The status bar (ui.shell.status_bar.StatusLine) shows the office, the user and role, today's date (babel) and,
  when the shipped font stands in for a missing system font, its name;
  `show_device_notice(text)` adds the sentence that a copied database now writes
  as a new installation (ui.shell.app, core.sync.identity.check_device).
- Geometry and the navigation splitter are saved on close and restored clamped
  to the screen (ui.shell.settings_store). `backups` is the periodic backup timer
  (started by ui.shell.app, not here, so tests stay quiet).
- A language switch (ui.shell.language.apply_language) reaches `changeEvent` as
  `QEvent.LanguageChange`; when `core.i18n.language()` differs from the language the
  window was built in, `retranslate()` runs: once the worker has no job left (so no
  answer arrives for a page that is gone), the menus, the navigation, the status bar
  and the window title are set again in the new language, and every page created so
  far is rebuilt — pages translate with `_()` as they are built, so building them anew
  is their retranslation. The current page is shown again; the others are created on
  their next show. The context (the open database, its worker and reader, the
  signed-in user) is kept. Before a page goes, the shell calls its optional
  `save_state()` and `carry_over()`; the value `carry_over()` returns is handed to the
  new page's `take_over(value)` when it is created (the settings page keeps its
  section, the weekly page what was typed into its grid). Dialogs parented to a page
  close with it; other windows (a task view, a preview) keep their language until
  closed. `language_changed(code)` is emitted when the window speaks the new language.
- Signals for tests: `page_shown(key)`, `brought_to_front()`, `language_changed(code)`.
Threading: GUI thread only.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import sqlite_utils
from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from core.backup_policy import take_backup
from core.db.connection import connect
from core.errors import ClerkError
from core.i18n import _, language
from core.paths import RESOURCES_DIR
from ui import keyboard
from ui.about import AboutDialog
from ui.actions import ActionRegistry
from ui.fonts import FontChoice
from ui.pages import PageSpec, visible_pages
from ui.printing import documents as report_documents
from ui.shell import crash, settings_store
from ui.shell.backup_timer import BackupTimer
from ui.shell.busy import BusyTask, Job, run_busy
from ui.shell.context import AppContext
from ui.shell.status_bar import StatusLine

log = logging.getLogger(__name__)
ICONS_DIR = RESOURCES_DIR / "icons"
APP_ICON = ICONS_DIR / "closeloop.svg"
KEY_ROLE = Qt.ItemDataRole.UserRole
NAV_MIN_WIDTH, NAV_MAX_WIDTH = 120, 260


def page_available(spec: PageSpec) -> bool:
    """Whether the module of `spec.factory` exists (found without importing it)."""
    module = spec.factory.partition(":")[0]
    if module in sys.modules:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def icon(name: str) -> QIcon:
    path = ICONS_DIR / name
    return QIcon(str(path)) if path.is_file() else QIcon()


class MainWindow(QMainWindow):
    """The app's shell (see the module contract)."""

    page_shown = Signal(str)
    brought_to_front = Signal()
    language_changed = Signal(str)

    def __init__(self, ctx: AppContext, *, font: FontChoice | None = None,
                 pages: Sequence[PageSpec] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.font_choice = font
        self._closed = False
        self._pages: dict[str, QWidget] = {}
        self._language = language()           # the language the shell and its pages were built in
        self._carried: dict[str, object] = {}  # page key → what its carry_over() kept for the rebuilt page
        self._retranslating = False
        specs = list(pages if pages is not None else visible_pages(ctx))
        for spec in specs:
            if not page_available(spec):
                log.warning("page %r left out of the navigation: module of %s not found", spec.key, spec.factory)
        self.specs = [s for s in specs if page_available(s)]
        # Qt appends the application display name (" — 闭环督办") to the title itself
        self.setWindowTitle(ctx.office.name)
        self.setWindowIcon(icon(APP_ICON.name))

        self.actions = ActionRegistry(self, ctx.can_write, office_role=ctx.office.role)
        self.actions.connect("quit", self.close)
        self.actions.connect("refresh", self.refresh)
        self.actions.connect("find", self.focus_search)
        self.actions.connect("focus_table", self.focus_table)
        self.actions.connect("about", self.show_about)
        self.actions.connect("manual", self.show_manual)
        self.actions.connect("backup_now", self.backup_now)
        report_documents.connect_actions(self)  # File → import/export/print the ledger (issue 5)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        self.page_actions: dict[str, QAction] = {}
        for spec in self.specs:
            item = QListWidgetItem(icon(spec.icon), _(spec.title))
            item.setData(KEY_ROLE, spec.key)
            self.nav.addItem(item)
            self.page_actions[spec.key] = self.actions.add_page(
                spec.key, spec.title, spec.shortcut, icon(spec.icon), lambda _c=False, k=spec.key: self.show_page(k))
        self._translate_nav()
        self.nav.setMaximumWidth(NAV_MAX_WIDTH)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # wide enough: see _nav_width
        self.nav.currentRowChanged.connect(self._nav_row_changed)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([max(170, self.nav.minimumWidth()), 1100])
        self.setCentralWidget(self.splitter)
        self._build_status_bar()
        self.backups = BackupTimer(ctx, self)
        self.backups.backed_up.connect(
            lambda path: self.show_message(_("Backed up to {path}.").format(path=path)))
        self.backups.failed.connect(self.show_message)
        ctx.navigate.connect(self.navigate)
        ctx.open_task.connect(self.open_task)
        settings_store.restore_geometry(self)
        settings_store.restore_state(self.splitter, settings_store.MAIN_SPLITTER)
        if self.specs:
            self.show_page(self.specs[0].key)

    def _translate_nav(self) -> None:
        """The navigation's entries and their tooltips in the active language."""
        self.nav.setAccessibleName(_("Navigation"))
        for row, spec in enumerate(self.specs):
            item = self.nav.item(row)
            item.setText(_(spec.title))
            item.setToolTip(f"{_(spec.title)} ({spec.shortcut})" if spec.shortcut else _(spec.title))
        self.nav.setMinimumWidth(self._nav_width())

    def _nav_width(self) -> int:
        """Wide enough for the longest entry in the active language ("Quarterly assessment"), never elided."""
        fm = self.nav.fontMetrics()
        text = max((fm.horizontalAdvance(_(s.title)) for s in self.specs), default=0)
        # icon, the gaps around it and the text, the item's spacing and the list's frame
        needed = text + self.nav.iconSize().width() + 4 * self.nav.spacing() + 2 * self.nav.frameWidth() + 16
        return max(NAV_MIN_WIDTH, min(NAV_MAX_WIDTH, needed))

    # ----- language ---------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LanguageChange and language() != self._language and not self._closed:
            self.retranslate()
        super().changeEvent(event)

    @Slot()
    def retranslate(self) -> None:
        """Speak `core.i18n.language()`: the shell again, the pages rebuilt (see the module contract).

        Waits for the worker to be idle first (a query's answer must not reach a page that is gone).
        """
        if self._closed or self._retranslating:
            return
        if self.ctx.worker.pending:
            self._retranslating = True
            self.ctx.worker.idle.connect(self._retranslate_when_idle)
            return
        self._language = language()
        self.actions.retranslate()
        self._translate_nav()
        self.status_line.retranslate()
        self.setWindowTitle("")  # Qt appends the application's display name, itself translated: draw it anew
        self.setWindowTitle(self.ctx.office.name)
        self._rebuild_pages()
        self.language_changed.emit(self._language)

    @Slot()
    def _retranslate_when_idle(self) -> None:
        self.ctx.worker.idle.disconnect(self._retranslate_when_idle)
        self._retranslating = False
        if language() != self._language:
            self.retranslate()

    def _rebuild_pages(self) -> None:
        """Drop every page built so far (keeping what `carry_over()` returns) and show the current one anew."""
        current = self.current_key()
        focus_was_inside = self.stack.isAncestorOf(self.focusWidget()) if self.focusWidget() else False
        for key, page in list(self._pages.items()):
            for method in ("save_state", "carry_over"):
                fn = getattr(page, method, None)
                if not callable(fn):
                    continue
                try:
                    kept = fn()
                except Exception as exc:  # a page that cannot keep its state must not stop the switch
                    crash.report(exc)
                    continue
                if method == "carry_over":
                    self._carried[key] = kept
            self.stack.removeWidget(page)
            page.hide()
            page.deleteLater()
        self._pages.clear()
        if current is not None:
            page = self.show_page(current)
            if page is not None and focus_was_inside and not page.isAncestorOf(self.focusWidget()):
                page.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- status bar -------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        self.status_line = StatusLine(self, self.ctx, self.font_choice)
        # the labels, as tests and the shell reach them
        self.office_label, self.user_label = self.status_line.office_label, self.status_line.user_label
        self.date_label, self.font_label = self.status_line.date_label, self.status_line.font_label

    def show_message(self, text: str) -> None:
        self.status_line.show_message(text)

    def show_device_notice(self, text: str) -> None:
        """Say, for as long as the window is open, that this copied database now writes as a new installation."""
        self.device_label = self.status_line.show_device_notice(text)

    # ----- pages ------------------------------------------------------------------------

    def page_keys(self) -> list[str]:
        """The keys of the navigation's entries, in order."""
        return [s.key for s in self.specs]

    def current_key(self) -> str | None:
        item = self.nav.currentItem()
        return item.data(KEY_ROLE) if item is not None else None

    def current_page(self) -> QWidget | None:
        key = self.current_key()
        return self._pages.get(key) if key else None

    def page(self, key: str) -> QWidget | None:
        """The page `key` if it has been created."""
        return self._pages.get(key)

    @Slot(int)
    def _nav_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.show_page(self.specs[row].key)

    @Slot(str, object)
    def navigate(self, key: str, options: object = None) -> None:
        self.show_page(key, options if isinstance(options, dict) else {})

    def show_page(self, key: str, options: dict[str, object] | None = None) -> QWidget | None:
        """Show page `key` (created on first show), call its `activate(options)`; None if it cannot be."""
        row = next((i for i, s in enumerate(self.specs) if s.key == key), None)
        if row is None:
            log.warning("no page %r in the navigation", key)
            return None
        page = self._pages.get(key) or self._create(self.specs[row])
        if page is None:
            return None
        self.stack.setCurrentWidget(page)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)
        self.page_actions[key].setChecked(True)
        activate = getattr(page, "activate", None)
        if callable(activate):
            activate(options or {})
        self.page_shown.emit(key)
        return page

    def _create(self, spec: PageSpec) -> QWidget | None:
        module_name, _sep, class_name = spec.factory.partition(":")
        try:
            page_class = getattr(importlib.import_module(module_name), class_name)
            page = page_class(self.ctx, self.stack)
        except Exception as exc:  # a broken page must not take the window down
            crash.report(exc)
            self.show_message(_("The page {title} could not be opened.").format(title=_(spec.title)))
            return None
        self.stack.addWidget(page)
        keyboard.tab_leaves_views(page)
        self._pages[spec.key] = page
        if spec.key in self._carried:
            kept = self._carried.pop(spec.key)
            take_over = getattr(page, "take_over", None)
            if callable(take_over):
                try:
                    take_over(kept)
                except Exception as exc:  # what was kept may not fit the new page: it starts afresh
                    crash.report(exc)
        return page

    @Slot()
    def refresh(self) -> None:
        page = self.current_page()
        if page is not None and callable(getattr(page, "refresh", None)):
            page.refresh()  # type: ignore[attr-defined]
        self.status_line.update_date()

    @Slot()
    def focus_search(self) -> None:
        page = self.current_page()
        if page is not None and callable(getattr(page, "focus_search", None)):
            page.focus_search()  # type: ignore[attr-defined]

    @Slot()
    def focus_table(self) -> None:
        """F6 or Ctrl+Down: into the shown page's table or list, a row current (ui.keyboard)."""
        page = self.current_page()
        if page is not None:
            keyboard.focus_main_view(page)

    @Slot(str)
    def open_task(self, task_no: str) -> None:
        try:
            task_view = importlib.import_module("ui.task.view")
        except ModuleNotFoundError as exc:
            if exc.name != "ui.task.view":
                raise
            log.warning("ui.task.view does not exist yet; cannot open task %s", task_no)
            self.show_message(_("The task view is not available in this version."))
            return
        task_view.open_task_view(self.ctx, task_no, self)

    # ----- other actions ----------------------------------------------------------------

    @Slot()
    def show_about(self) -> None:
        AboutDialog.present(self, self.ctx)

    @Slot()
    def show_manual(self) -> None:
        from ui.help_window import HelpWindow

        HelpWindow.present(self)

    @Slot()
    def backup_now(self) -> BusyTask:
        """Back the database up now, off the GUI thread, with the busy cursor and progress dialog."""
        path = self.ctx.db_path

        def job(j: Job) -> Path:
            j.report(None, _("Backing up the office database…"))
            db: sqlite_utils.Database = connect(path)
            try:
                return take_backup(db, path)
            finally:
                db.conn.close()

        def failed(exc: Exception) -> None:
            if isinstance(exc, ClerkError | OSError):
                self.show_message(_("The backup failed: {detail}").format(detail=exc))
            else:
                crash.report(exc)

        return run_busy(self, _("Backing up"), job,
                 lambda target: self.show_message(_("Backed up to {path}.").format(path=target)), failed,
                 cancellable=False)

    @Slot()
    def bring_to_front(self) -> None:
        """Another launch on this database asked for this window (ui.shell.single_instance)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.brought_to_front.emit()

    # ----- closing ----------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    @Slot()
    def shutdown(self) -> None:
        """Save the window state and the pages' states, stop timers, close the context. Idempotent."""
        if self._closed:
            return
        self._closed = True
        settings_store.save_geometry(self)
        settings_store.save_state(self.splitter, settings_store.MAIN_SPLITTER)
        for page in self._pages.values():
            save = getattr(page, "save_state", None)
            if callable(save):
                try:
                    save()
                except Exception as exc:  # saving a page's columns must not stop the closing
                    crash.report(exc)
        self.backups.stop()
        self.status_line.stop()
        self.ctx.close()
