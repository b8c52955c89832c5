"""The preview window of a document: pages, zoom, print, save as PDF, open the folder.

Contract (GUI thread only):
- `PreviewWindow(pdf, folder, title, parent)` shows `pdf` in a `QPdfView`
  (continuous pages); it owns the temporary `folder` the document was made in
  and removes it when the window closes (the document is closed first, so
  Windows lets go of the file). `PreviewWindow.present(...)` creates and shows
  one and keeps it alive until it closes (`open_windows()` lists them).
- Page n of N (a spin box), previous/next page (Page Up/Page Down), zoom in/out
  (Ctrl++ / Ctrl+-), fit width, fit page; Print… (Ctrl+P) through
  `ui.printing.printer` (the dialog is `report_print.ask_print`, replaceable);
  Save as PDF… (Ctrl+S) copies the file atomically to the chosen path
  (`report_dialogs.ask_save_path`, replaceable) — a failure leaves no partial file
  and shows its sentence; Open folder shows the folder of the last saved copy
  (`report_dialogs.open_folder`); Esc closes. The window's size and place are
  remembered (ui.shell.settings_store.PREVIEW_GEOMETRY). Each toolbar action also
  answers Alt + its mnemonic (适合页面(A) → Alt+A, 下一页(N) → Alt+N): a QToolBar's
  buttons do not fire their mnemonics by themselves.
- `printed(int)` after pages were sent to the printer, `saved(Path)` after a copy was saved.
Pages make a document with `ui.printing.jobs.open_report(ctx, parent, title, render, file_name)`,
which opens this window; this module does not import ui.printing.jobs.
"""
from __future__ import annotations

import atexit
import shutil
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressDialog, QSpinBox, QToolBar, QToolButton, QWidget

from core.errors import ClerkError
from core.format import whole_percent
from core.i18n import _
from core.reports.atomic_file import atomic_output
from ui import keyboard
from ui.actions import plain
from ui.printing import dialogs as report_dialogs
from ui.printing import printer as report_print
from ui.shell import settings_store

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.25, 5.0
PRINT_DIALOG_AFTER_MS = 600   # the printing progress (with Cancel) shows when it takes longer

_open: list[PreviewWindow] = []
_folders: set[Path] = set()   # temporary folders of windows not yet closed; removed at exit at the latest


@atexit.register
def _remove_folders() -> None:
    for folder in list(_folders):
        shutil.rmtree(folder, ignore_errors=True)


def open_windows() -> list[PreviewWindow]:
    """The preview windows not yet closed, oldest first."""
    return list(_open)


def _outermost(widget: QWidget | None) -> QWidget | None:
    """The main window behind `widget`: a preview outlives the dialog (a task view) it was opened from."""
    window = widget.window() if widget is not None else None
    while window is not None and window.parentWidget() is not None:
        window = window.parentWidget().window()
    return window


def _forget(window: PreviewWindow, folder: Path | None, *_args: object) -> None:
    """The window was destroyed (with its owner, say) without closing: drop it and its folder."""
    if window in _open:
        _open.remove(window)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        _folders.discard(folder)


class PreviewWindow(QMainWindow):
    """See the module contract."""

    printed = Signal(int)
    saved = Signal(object)

    def __init__(self, pdf: Path, folder: Path | None, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setObjectName("reportPreview")
        self.pdf, self.folder, self.title = Path(pdf), folder, title
        self.saved_path: Path | None = None
        self.print_progress: QProgressDialog | None = None   # while printing
        self._closed = False
        self.setWindowTitle(_("Preview — {title}").format(title=title))
        self.destroyed.connect(partial(_forget, self, folder))
        if folder is not None:
            _folders.add(folder)

        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf))
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setAccessibleName(_("Pages of the document"))
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.setCentralWidget(self.view)
        self.navigator = self.view.pageNavigator()
        self.navigator.currentPageChanged.connect(self._page_changed)
        self.view.zoomFactorChanged.connect(self._zoom_changed)
        self.view.zoomModeChanged.connect(self._zoom_changed)
        self._build_toolbar()
        self.view.viewport().installEventFilter(self)
        self._page_changed(self.navigator.currentPage())
        self._zoom_changed()
        settings_store.restore_geometry(self, settings_store.PREVIEW_GEOMETRY, (900, 1000))

    # ----- building ---------------------------------------------------------------------

    def _action(self, key: str, text: str, shortcut: QKeySequence | str | None, slot: object) -> QAction:
        action = QAction(text, self)
        action.setObjectName(key)
        action.setToolTip(plain(text) + (f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
                                         if shortcut else ""))
        keys = [QKeySequence(shortcut)] if shortcut else []
        alt = keyboard.alt_shortcut(text)  # a toolbar button's &mnemonic does not fire by itself
        if alt is not None:
            keys.append(alt)
        if keys:
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        bar = QToolBar(_("Preview"), self)
        bar.setObjectName("previewToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        key = QKeySequence.StandardKey
        self.print_action = self._action("print", _("&Print…"), QKeySequence(key.Print), self.print_document)
        self.save_action = self._action("save_pdf", _("&Save as PDF…"), QKeySequence("Ctrl+S"), self.save_as)
        self.folder_action = self._action("open_folder", _("Open &folder"), None, self.open_folder)
        self.folder_action.setEnabled(False)
        self.prev_action = self._action("previous_page", _("Pre&vious page"), "PgUp", self.previous_page)
        self.next_action = self._action("next_page", _("&Next page"), "PgDown", self.next_page)
        self.zoom_out_action = self._action("zoom_out", _("Zoom &out"), "Ctrl+-", self.zoom_out)
        self.zoom_in_action = self._action("zoom_in", _("Zoom &in"), "Ctrl++", self.zoom_in)
        self.zoom_in_action.setShortcuts([*self.zoom_in_action.shortcuts(), QKeySequence("Ctrl+=")])
        self.fit_width_action = self._action("fit_width", _("Fit &width"), "Ctrl+0", self.fit_width)
        self.fit_page_action = self._action("fit_page", _("Fit p&age"), "Ctrl+9", self.fit_page)
        self.close_action = self._action("close_preview", _("&Close"), "Esc", self.close)

        self.page_box = QSpinBox()
        self.page_box.setObjectName("pageNumber")
        self.page_box.setAccessibleName(_("Page number"))
        self.page_box.setRange(1, max(self.page_count, 1))
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.page_label = QLabel()
        self.page_label.setObjectName("pageCount")
        self.page_label.setAccessibleName(_("Number of pages"))
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoomLevel")
        self.zoom_label.setAccessibleName(_("Zoom"))

        for action in (self.print_action, self.save_action, self.folder_action):
            bar.addAction(action)
        bar.addSeparator()
        for action in (self.prev_action,):
            bar.addAction(action)
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_label)
        bar.addAction(self.next_action)
        bar.addSeparator()
        for action in (self.zoom_out_action, self.zoom_in_action, self.fit_width_action, self.fit_page_action):
            bar.addAction(action)
        bar.addWidget(self.zoom_label)
        bar.addSeparator()
        bar.addAction(self.close_action)
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setAccessibleName(plain(action.text()))
        self.addToolBar(bar)
        self.toolbar = bar

    # ----- pages and zoom ---------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def current_page(self) -> int:
        """The page shown (0-based)."""
        return self.navigator.currentPage()

    def go_to_page(self, page: int) -> None:
        page = min(max(page, 0), max(self.page_count - 1, 0))
        if page != self.current_page:
            self.navigator.jump(page, QPointF(), self.navigator.currentZoom())

    @Slot()
    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    @Slot()
    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def _set_zoom(self, factor: float) -> None:
        page = self.current_page
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, ZOOM_MIN), ZOOM_MAX))
        self._keep_page(page)

    def _keep_page(self, page: int) -> None:
        """After a zoom the same page stays in view, from its top (once the view has laid the pages out)."""
        QTimer.singleShot(0, self, lambda: self._scroll_to(page))

    def _scroll_to(self, page: int) -> None:
        # the view scrolls only when the current page changes: step aside first when it would not
        if page == self.current_page and self.page_count > 1:
            self.navigator.jump(page + 1 if page == 0 else page - 1, QPointF(), self.navigator.currentZoom())
        self.navigator.jump(page, QPointF(), self.navigator.currentZoom())

    def _effective_zoom(self) -> float:
        """The zoom as shown: in a fit mode Qt keeps 1.0 as the factor, so measure the page."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or self.page_count == 0:
            return float(self.view.zoomFactor())
        points = self.document.pagePointSize(self.current_page)
        margins = self.view.documentMargins()
        viewport = self.view.viewport()
        width = (viewport.width() - margins.left() - margins.right()) / (points.width() * self.logicalDpiX() / 72)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return max(width, 0.01)
        height = (viewport.height() - margins.top() - margins.bottom()) / (points.height() * self.logicalDpiY() / 72)
        return max(min(width, height), 0.01)

    @Slot()
    def zoom_in(self) -> None:
        self._set_zoom(self._effective_zoom() * ZOOM_STEP)

    @Slot()
    def zoom_out(self) -> None:
        self._set_zoom(self._effective_zoom() / ZOOM_STEP)

    @Slot()
    def fit_width(self) -> None:
        page = self.current_page
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._keep_page(page)

    @Slot()
    def fit_page(self) -> None:
        page = self.current_page
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._keep_page(page)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._zoom_changed()
        return super().eventFilter(watched, event)

    def _page_changed(self, page: int) -> None:
        n = self.page_count
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.page_label.setText(_("of {n}").format(n=n))
        self.page_box.setToolTip(_("Page {page} of {n}").format(page=page + 1, n=n))
        self.prev_action.setEnabled(page > 0)
        self.next_action.setEnabled(page < n - 1)

    def _zoom_changed(self, *_args: object) -> None:
        mode = self.view.zoomMode()
        if self._closed:
            return
        self.zoom_label.setText(whole_percent(self._effective_zoom()))
        self.zoom_in_action.setEnabled(mode != QPdfView.ZoomMode.Custom or self.view.zoomFactor() < ZOOM_MAX)
        self.zoom_out_action.setEnabled(mode != QPdfView.ZoomMode.Custom or self.view.zoomFactor() > ZOOM_MIN)

    # ----- print, save, folder ----------------------------------------------------------

    @Slot()
    def print_document(self) -> int:
        """Ask the print dialog, then send the chosen pages; returns how many were sent (0: none)."""
        printer = report_print.new_printer(self.title)
        if not report_print.ask_print(printer, self, self.page_count, self.current_page):
            return 0
        pages = report_print.pages_to_print(printer, self.page_count, self.current_page)
        dialog = QProgressDialog(_("Printing {title}…").format(title=self.title), _("Cancel"), 0, len(pages), self)
        dialog.setWindowTitle(_("Print"))
        dialog.setAccessibleName(_("Progress"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PRINT_DIALOG_AFTER_MS)
        self.print_progress = dialog

        def progress(done: int, total: int) -> bool:
            dialog.setValue(done)  # a modal progress dialog lets events through here: Cancel works
            return not dialog.wasCanceled()

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sent = report_print.print_document(self.document, printer, pages, progress=progress)
        except ClerkError as exc:
            sent = -1
            report_dialogs.show_error(self, self.title, str(exc))
        finally:
            QGuiApplication.restoreOverrideCursor()
            dialog.close()
            dialog.deleteLater()
            self.print_progress = None
        if sent <= 0:
            return 0
        self.printed.emit(sent)
        return sent

    @Slot()
    def save_as(self) -> Path | None:
        """Copy the document to a path the user chooses (atomic); returns it, or None."""
        target = report_dialogs.ask_target(self, _("Save as PDF"), self.pdf.stem, ".pdf", report_dialogs.PDF_FILTER)
        if target is None:
            return None
        try:
            with atomic_output(target) as tmp:
                shutil.copyfile(self.pdf, tmp)
        except (ClerkError, OSError) as exc:
            report_dialogs.refused(self, _("Save as PDF"), exc)
            return None
        self.saved_path = target
        self.folder_action.setEnabled(True)
        self.statusBar().showMessage(_("Saved to {path}.").format(path=target))
        self.saved.emit(target)
        return target

    @Slot()
    def open_folder(self) -> None:
        if self.saved_path is not None:
            report_dialogs.open_folder(self.saved_path.parent)

    # ----- life -------------------------------------------------------------------------

    @classmethod
    def present(cls, pdf: Path, folder: Path | None, title: str, parent: QWidget | None = None) -> PreviewWindow:
        """Create, show and keep alive a preview window (see the module contract)."""
        window = cls(pdf, folder, title, _outermost(parent))
        _open.append(window)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def closeEvent(self, event: QCloseEvent) -> None:
        self.release()
        super().closeEvent(event)

    def release(self) -> None:
        """Close the document and remove the temporary folder (idempotent)."""
        if self._closed:
            return
        self._closed = True
        settings_store.save_geometry(self, settings_store.PREVIEW_GEOMETRY)
        self.view.setDocument(None)  # type: ignore[arg-type]
        self.document.close()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            _folders.discard(self.folder)
        if self in _open:
            _open.remove(self)
