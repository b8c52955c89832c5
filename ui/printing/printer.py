"""Printing a PDF portably: each page rendered at 300 dpi and drawn on a full-page A4 printer.

Contract (GUI thread only):
- `new_printer(title)` is a high-resolution QPrinter set to A4, full page, zero
  margins, named after the document; the system dialog may change the printer,
  the range, the copies and duplex, which are then honoured as chosen.
- `ask_print(printer, parent, page_count, current_page)` shows the system print
  dialog (blocking; tests replace it with a function that sets the printer up
  and returns True). Pages are numbered from 1 in the dialog.
- `pages_to_print(printer, page_count, current_page)` is the 0-based page list the
  printer's range asks for (all pages, a range clamped to the document, or the
  current page), in the order the printer wants them.
- `print_document(document, printer, pages, dpi)` renders each page with
  `QPdfDocument.render` and draws it on the printer, fitted and centred on the
  sheet, turning the sheet for a landscape page; returns the pages sent. A
  printer that cannot start raises Refusal (its sentence is for the user).
  `progress(done, total)` may stop the job between pages (Cancel).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QMarginsF, QRectF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from core.errors import Refusal
from core.i18n import _

PRINT_DPI = 300   # enough for text and tables on paper; 600 dpi is ~139 MB a page (NOTES.md)


def new_printer(title: str) -> QPrinter:
    """A4, full page, zero margins, high resolution (see the module contract)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    printer.setDocName(title)
    return printer


def ask_print(printer: QPrinter, parent: QWidget | None, page_count: int, current_page: int) -> bool:
    """The system print dialog; True when the user chose Print (blocking; tests replace this)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print"))
    dialog.setMinMax(1, max(page_count, 1))
    dialog.setFromTo(1, max(page_count, 1))
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOptions(option.PrintToFile | option.PrintPageRange | option.PrintCurrentPage
                      | option.PrintShowPageSize | option.PrintCollateCopies)
    return dialog.exec() == QDialog.DialogCode.Accepted


def pages_to_print(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """0-based pages the printer's range selects (see the module contract)."""
    mode = printer.printRange()
    if page_count <= 0:
        return []
    if mode == QPrinter.PrintRange.CurrentPage:
        pages = [min(max(current_page, 0), page_count - 1)]
    elif mode == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = min(max(printer.fromPage(), 1), page_count)
        last = min(max(printer.toPage() or page_count, first), page_count)
        pages = list(range(first - 1, last))
    else:
        pages = list(range(page_count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def _orientation(document: QPdfDocument, page: int) -> QPageLayout.Orientation:
    size = document.pagePointSize(page)
    return (QPageLayout.Orientation.Landscape if size.width() > size.height()
            else QPageLayout.Orientation.Portrait)


def print_document(document: QPdfDocument, printer: QPrinter, pages: Sequence[int], dpi: int = PRINT_DPI,
                   progress: Callable[[int, int], bool] | None = None) -> int:
    """Draw `pages` (0-based) of `document` on `printer` at `dpi`; returns how many were sent.

    `progress(done, total)` is called before each page and once at the end; when it
    returns False the job is aborted (the printer drops it) and 0 is returned.
    """
    if not pages:
        return 0
    printer.setPageOrientation(_orientation(document, pages[0]))
    painter = QPainter()
    if not painter.begin(printer):
        raise Refusal(_("The printer {name} could not be started; check that it is on and connected, "
                        "then print again.").format(name=printer.printerName() or printer.outputFileName()))
    try:
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for i, page in enumerate(pages):
            if progress is not None and not progress(i, len(pages)):
                printer.abort()
                return 0
            if i:
                printer.setPageOrientation(_orientation(document, page))  # takes effect on the new page
                printer.newPage()
            points = document.pagePointSize(page)
            image = document.render(page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
            sheet = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
            painter.drawImage(_fit(sheet, points.width(), points.height()), image)
    finally:
        if painter.isActive():
            painter.end()
    if progress is not None:
        progress(len(pages), len(pages))
    return len(pages)


def _fit(sheet: QRectF, width: float, height: float) -> QRectF:
    """The largest rectangle of the page's proportions centred on the sheet."""
    if width <= 0 or height <= 0:
        return sheet
    scale = min(sheet.width() / width, sheet.height() / height)
    w, h = width * scale, height * scale
    return QRectF(sheet.x() + (sheet.width() - w) / 2, sheet.y() + (sheet.height() - h) / 2, w, h)
