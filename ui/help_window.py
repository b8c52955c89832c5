"""The user manual on screen (Help → User manual, F1): contents on the left, the text on the right.

Contract:
- `HelpWindow(parent)` is a non-modal top-level window showing the manual of the
  language in force (`core.manual.manual_lang(core.i18n.language())`), rendered offline
  from resources/manual/<lang>.md (core.manual.to_html) in a QTextBrowser with the
  app's font (ui.fonts set the CJK application font at start-up). The contents list
  (`contents`, a QTreeWidget: chapters with their sections) jumps to the section chosen
  (`browser.scrollToAnchor`), by click, Return or Space.
- "Export manual as PDF…" asks where to save (ui.printing.dialogs.ask_target, the
  remembered folder), writes the PDF off the GUI thread with core.reports.manual_pdf
  (the same as `main.py manual --out F.pdf`), then says the file and its pages in the
  window's message line; a refusal (an unwritable folder) shows its sentence there too
  and leaves no file.
- When the language is switched while it is open (a LanguageChange event), it shows the
  manual of the new language.
- `HelpWindow.present(parent)` shows the window, one per parent: a second F1 raises the
  one already open (a classmethod tests may call).
Signals for tests: `exported(path, pages)`, `export_failed(sentence)`.
Threading: GUI thread; the PDF is made on a worker thread (ui.shell.busy) that touches no widget.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import ClerkError
from core.i18n import _, ngettext
from core.manual import Manual, load, manual_lang, to_html
from ui.shell.busy import BusyTask, Job, run_busy

ANCHOR_ROLE = Qt.ItemDataRole.UserRole


class HelpWindow(QWidget):
    """The manual's window (see the module contract)."""

    exported = Signal(str, int)
    export_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("helpWindow")
        self.manual: Manual = load()
        self.contents = QTreeWidget()
        self.contents.setObjectName("manualContents")
        self.contents.setHeaderHidden(True)
        self.contents.setAccessibleName(_("Contents of the manual"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("manualText")
        self.browser.setAccessibleName(_("Text of the manual"))
        self.browser.setOpenLinks(False)
        self.browser.document().setDocumentMargin(14)
        self._show_manual()
        self.contents.itemClicked.connect(self._go)
        self.contents.itemActivated.connect(self._go)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 760])
        self.message = QLabel()
        self.message.setObjectName("manualMessage")
        self.message.setAccessibleName(_("Message"))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(_("&Export manual as PDF…"))
        self.export_button.setObjectName("exportManual")
        self.export_button.setToolTip(_("Save the manual as a PDF to print or to pass on"))
        self.export_button.clicked.connect(lambda: self.export_pdf())
        close = QPushButton(_("&Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.resize(1040, 720)
        self._task: BusyTask | None = None

    def _show_manual(self) -> None:
        """Fill the title, the contents and the text from `self.manual`."""
        self.setWindowTitle(self.manual.title or _("User manual"))
        self.browser.setHtml(to_html(self.manual))
        self.contents.clear()
        chapter: QTreeWidgetItem | None = None
        for entry in self.manual.contents:
            item = QTreeWidgetItem([entry.title])
            item.setData(0, ANCHOR_ROLE, entry.anchor)
            item.setToolTip(0, entry.title)
            if entry.level == 2 or chapter is None:
                self.contents.addTopLevelItem(item)
                chapter = item
            else:
                chapter.addChild(item)
        self.contents.expandAll()  # every section in sight: about forty lines

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """The language was switched while the window is open: show the manual of the new language."""
        if event.type() == QEvent.Type.LanguageChange and manual_lang() != self.manual.lang:
            self.manual = load()
            self._show_manual()
        super().changeEvent(event)

    @Slot(QTreeWidgetItem)
    def _go(self, item: QTreeWidgetItem) -> None:
        self.go_to(item.data(0, ANCHOR_ROLE))

    def go_to(self, anchor: str) -> None:
        """Scroll the text to the section `anchor` (sec-N)."""
        self.browser.scrollToAnchor(anchor)

    def section_titles(self) -> list[str]:
        return [e.title for e in self.manual.contents]

    def export_pdf(self, target: Path | None = None) -> BusyTask | None:
        """Ask where (unless `target` is given) and write the manual as a PDF there, off the GUI thread."""
        from ui.printing import dialogs as report_dialogs

        if target is None:
            target = report_dialogs.ask_target(self, _("Export manual as PDF"), self.manual.title or "manual",
                                               ".pdf", _("PDF files (*.pdf)"))
            if target is None:
                return None
        lang = self.manual.lang
        path = Path(target)

        def job(j: Job) -> int:
            from core.reports.manual_pdf import render_manual

            j.report(None, _("Writing the manual…"))
            return render_manual(path, lang)

        def done(pages: int) -> None:
            self.message.setText(ngettext("Saved to {path} ({n} page).", "Saved to {path} ({n} pages).", pages)
                                 .format(path=path, n=pages))
            self.exported.emit(str(path), pages)

        def failed(exc: Exception) -> None:
            if isinstance(exc, ClerkError):
                sentence = str(exc)
            elif isinstance(exc, OSError):
                sentence = _("The file could not be written ({reason}); choose another place.").format(
                    reason=exc.strerror or exc)
            else:
                from ui.shell import crash

                crash.report(exc)
                sentence = _("The manual could not be written.")
            self.message.setText(sentence)
            self.export_failed.emit(sentence)

        self._task = run_busy(self, _("Export manual as PDF"), job, done, failed, cancellable=False)
        return self._task

    @classmethod
    def present(cls, parent: QWidget) -> HelpWindow:
        """Show the manual's window of `parent`, made on first use and raised afterwards."""
        window = parent.findChild(HelpWindow, "helpWindow", Qt.FindChildOption.FindDirectChildrenOnly)
        if window is None:
            window = cls(parent)
        window.show()
        window.raise_()
        window.activateWindow()
        return window
