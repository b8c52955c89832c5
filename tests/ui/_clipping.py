"""Finding texts that do not fit their widget: labels, buttons, tabs and table headers.

`clipped(root)` walks the visible widgets under `root` and returns one line per text
drawn narrower than it needs — a QLabel that does not wrap, a QPushButton, QToolButton,
QCheckBox or QRadioButton, a tab of a QTabBar, a section of a visible horizontal
QHeaderView — as "Class 'text': needs N px, has M px". What a text needs is measured
with the widget's own font (fontMetrics().horizontalAdvance, mnemonic markers left out)
plus the room its style keeps around it; widgets that scroll their content (a label in
a scroll area that is wider than the viewport) count as fitting: the user scrolls to it.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import Qt as QtGuiNamespace  # Qt.mightBeRichText lives in QtGui's Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QToolButton,
    QWidget,
)

SLACK = 1  # rounding between a metric's advance and the pixels drawn


def plain(text: str) -> str:
    """The text as drawn: without the & of a mnemonic ('&&' is one '&')."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def advance(fm: QFontMetrics, text: str) -> int:
    return max((fm.horizontalAdvance(line) for line in plain(text).split("\n")), default=0)


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0


def _in_scrolled_area(widget: QWidget) -> bool:
    """Inside the viewport of a scroll area whose content is wider than what is shown (the user scrolls)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not isinstance(parent, QHeaderView):
            bar = parent.horizontalScrollBar()
            if bar is not None and bar.maximum() > 0:
                return True
        parent = parent.parentWidget()
    return False


def _label(label: QLabel) -> str | None:
    text = label.text()
    if not text.strip() or label.wordWrap() or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    if label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and QtGuiNamespace.mightBeRichText(text)):
        return None
    margins = label.contentsMargins()
    has = label.width() - margins.left() - margins.right() - 2 * label.margin() - max(label.indent(), 0)
    needs = advance(label.fontMetrics(), text)
    return f"QLabel {plain(text)!r}: needs {needs} px, has {has} px" if needs > has + SLACK else None


def _button(button: QAbstractButton) -> str | None:
    text = button.text()
    if not text.strip():
        return None
    if isinstance(button, QToolButton) and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
        return None
    fm = button.fontMetrics()
    needs = advance(fm, text)
    style = button.style()
    if isinstance(button, QCheckBox | QRadioButton):
        option = QStyleOptionButton()
        option.initFrom(button)
        indicator = style.subElementRect(
            QStyle.SubElement.SE_CheckBoxIndicator if isinstance(button, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonIndicator, option, button).width()
        spacing = style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, option, button)
        needs += indicator + spacing
    else:
        if not button.icon().isNull():
            needs += button.iconSize().width() + 4
        if isinstance(button, QPushButton):
            needs += 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button) // 2
            if button.menu() is not None:
                needs += style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    has = button.width()
    return f"{type(button).__name__} {plain(text)!r}: needs {needs} px, has {has} px" if needs > has + SLACK else None


def _tabs(bar: QTabBar) -> list[str]:
    found = []
    fm = bar.fontMetrics()
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text = bar.tabText(i)
        has = bar.tabRect(i).width()
        needs = advance(fm, text) + (bar.iconSize().width() + 4 if not bar.tabIcon(i).isNull() else 0)
        if needs > has - 8 + SLACK:  # a tab keeps a few pixels of padding on each side
            found.append(f"tab {plain(text)!r}: needs {needs + 8} px, has {has} px")
    return found


def _header(header: QHeaderView) -> list[str]:
    if header.orientation() != Qt.Orientation.Horizontal:
        return []
    model = header.model()
    if model is None:
        return []
    found = []
    fm = header.fontMetrics()
    for section in range(header.count()):
        if header.isSectionHidden(section) or header.sectionSize(section) == 0:
            continue
        text = model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not isinstance(text, str) or not text.strip():
            continue
        needs = advance(fm, text) + 4  # at least two pixels each side (a section resized to its contents has them)
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == section:
            needs += 10
        has = header.sectionSize(section)
        if needs > has + SLACK:
            found.append(f"header {plain(text)!r}: needs {needs} px, has {has} px")
    return found


def clipped(root: QWidget) -> list[str]:
    """Every text under `root` drawn narrower than it needs (see the module docstring)."""
    found: list[str] = []
    for widget in root.findChildren(QWidget):
        if not _shown(widget, root):
            continue
        if isinstance(widget, QHeaderView):  # its sections fit whether or not the table scrolls
            found += _header(widget)
            continue
        if _in_scrolled_area(widget):
            continue
        if isinstance(widget, QLabel):
            line = _label(widget)
            found += [line] if line else []
        elif isinstance(widget, QAbstractButton) and widget.parentWidget() is not None \
                and not isinstance(widget.parentWidget(), QTabBar):
            line = _button(widget)
            found += [line] if line else []
        elif isinstance(widget, QTabBar):
            found += _tabs(widget)
    return found
