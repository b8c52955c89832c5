"""A tool row that puts its right-hand part under its left-hand part when the window is too narrow.

Contract: `WrapRow(left, right)` takes two layouts (e.g. a page's filters, then its
buttons). When its width holds both parts at their preferred widths they sit on one
row, the right part at the right; otherwise the right part goes on a second row,
right-aligned. Its minimum width is the wider part's, not their sum, so a page with
long English button texts ("Record an inspection…") still fits the window's minimum
995×617 without a text being clipped. Reading order, hence Tab order, is the same in
both arrangements: the left part, then the right part. `wrapped` says which is shown.
Threading: GUI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLayout, QWidget


class WrapRow(QWidget):
    """See the module contract."""

    def __init__(self, left: QLayout, right: QLayout, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.left, self.right = QWidget(self), QWidget(self)
        for box, layout in ((self.left, left), (self.right, right)):
            layout.setContentsMargins(0, 0, 0, 0)
            box.setLayout(layout)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(4)
        self.wrapped = False
        self._place(False)

    def _one_row_width(self) -> int:
        return self.left.sizeHint().width() + self.grid.horizontalSpacing() + self.right.sizeHint().width()

    def _place(self, wrapped: bool) -> None:
        self.grid.removeWidget(self.left)
        self.grid.removeWidget(self.right)
        self.grid.addWidget(self.left, 0, 0)
        if wrapped:
            self.grid.addWidget(self.right, 1, 0, Qt.AlignmentFlag.AlignRight)
        else:
            self.grid.addWidget(self.right, 0, 1, Qt.AlignmentFlag.AlignRight)
        self.grid.setColumnStretch(0, 1)
        self.wrapped = wrapped

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        left, right = self.left.minimumSizeHint(), self.right.minimumSizeHint()
        return QSize(max(left.width(), right.width()), left.height() + self.grid.verticalSpacing() + right.height()
                     if self.wrapped else max(left.height(), right.height()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        wrapped = event.size().width() < self._one_row_width()
        if wrapped != self.wrapped:
            self._place(wrapped)
            self.updateGeometry()
        super().resizeEvent(event)
