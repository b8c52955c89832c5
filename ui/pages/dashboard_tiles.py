"""The dashboard's figures: clickable tiles (lights, rates) and the small lists of items.

Contract: widgets only show what they are given (`set_*` methods with core data)
and say what the clerk clicked by a signal; the page turns clicks into
navigation. Tiles are push buttons, so they take focus and click with Space or
Enter; each carries a translated accessible name (its title) and an accessible
description (what it shows now). Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.format import long_date, medium_date, number, percent, whole_percent
from core.i18n import N_, _, ngettext
from core.work.dashboard import DueRow, PeriodRates

LIGHT_COLORS = {"red": "#d32f2f", "yellow": "#e09b00", "green": "#2e7d32"}
LIGHT_TINTS = {"red": "#fdecea", "yellow": "#fff6db", "green": "#e8f5e9"}
BELOW_COLOR = "#c62828"
NEUTRAL_TINT = "#f3f5f8"
STEP_LABELS = {"claim": N_("Claim"), "report": N_("Report"), "completion": N_("Completion")}
TASK_NO_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def _scaled(widget: QWidget, factor: float, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)


def _passive(label: QLabel) -> QLabel:
    """A label inside a tile: lets clicks through to the tile."""
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class Tile(QPushButton):
    """A flat button with a tinted background, an accent border and a stack of labels."""

    def __init__(self, title: str, accent: str, tint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # as tall as the row: a rate tile that puts its rate on three lines (English at 995×617) sets the height
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(title)
        self.setStyleSheet(
            f"QPushButton {{ background: {tint}; border: 1px solid #d9dde3; border-top: 4px solid {accent};"
            f" border-radius: 6px; text-align: left; }}"
            f"QPushButton:hover {{ border-color: {accent}; border-top: 4px solid {accent}; }}"
            f"QPushButton:focus {{ border: 2px solid palette(highlight); border-top: 4px solid {accent}; }}"
            f"QPushButton:pressed {{ background: #e4e8ee; }}")
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(10, 8, 10, 10)  # narrow sides: five tiles share 995×617 beside the navigation
        self.box.setSpacing(2)
        self.title_label = _passive(QLabel(title))
        self.title_label.setStyleSheet("color: #44505c; background: transparent;")
        _scaled(self.title_label, 1.05, bold=True)
        self.box.addWidget(self.title_label)

    def sizeHint(self):  # noqa: ANN201 - QSize; the layout decides, the button's own hint is for text
        return self.box.sizeHint()


class LightTile(Tile):
    """The count of one light's open assignments, in its colour."""

    CAPTIONS = {"red": N_("Overdue"), "yellow": N_("Due today or tomorrow"), "green": N_("On track")}
    TITLES = {"red": N_("Red light"), "yellow": N_("Yellow light"), "green": N_("Green light")}

    def __init__(self, light: str, parent: QWidget | None = None) -> None:
        super().__init__(_(self.TITLES[light]), LIGHT_COLORS[light], LIGHT_TINTS[light], parent)
        self.light = light
        self.setObjectName(f"{light}Tile")
        self.value_label = _passive(QLabel("—"))
        self.value_label.setObjectName("value")
        self.value_label.setStyleSheet(f"color: {LIGHT_COLORS[light]}; background: transparent;")
        _scaled(self.value_label, 2.6, bold=True)
        self.caption_label = _passive(QLabel(_(self.CAPTIONS[light])))
        self.caption_label.setStyleSheet("color: #5f6b76; background: transparent;")
        self.box.addWidget(self.value_label)
        self.box.addWidget(self.caption_label)
        self.count: int | None = None

    def set_count(self, count: int, warn_caption: str | None = None) -> None:
        self.count = count
        self.value_label.setText(number(count))
        if warn_caption:
            self.caption_label.setText(warn_caption)
        self.setAccessibleDescription(ngettext("{count} open assignment", "{count} open assignments", count)
                                      .format(count=number(count)))
        self.setToolTip(_("Click to list them in the ledger."))


class RateTile(Tile):
    """A period's completion and on-time rates against the target; a rate below it is red with ▼."""

    def __init__(self, title: str, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, "#3d6fb6", NEUTRAL_TINT, parent)
        self.setObjectName(object_name)
        self.rates: PeriodRates | None = None
        self.completion_label = _passive(QLabel("—"))
        self.completion_label.setObjectName("completion")
        _scaled(self.completion_label, 1.9, bold=True)
        self.on_time_label = _passive(QLabel("—"))
        self.on_time_label.setObjectName("onTime")
        _scaled(self.on_time_label, 1.15, bold=True)
        self._texts: dict[QLabel, tuple[str, str, str]] = {}  # label → (name, rate, verdict or "")
        self.one_line = True  # set by the page: False when the window is too narrow for one line (English)
        for label in (self.completion_label, self.on_time_label):
            # as wide as the tile, never wider: a narrow window puts the verdict on a line of its own (_fit)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.note_label = _passive(QLabel())
        self.note_label.setStyleSheet("color: #5f6b76; background: transparent;")
        self.note_label.setWordWrap(True)
        self.box.addWidget(self.completion_label)
        self.box.addWidget(self.on_time_label)
        self.box.addWidget(self.note_label)

    def set_rates(self, rates: PeriodRates, target: float, as_of: dt.date) -> None:
        self.rates = rates
        below_completion, below_on_time = rates.below(target)
        self._show(self.completion_label, _("Completion rate {rate}"), rates.completion_rate, below_completion)
        self._show(self.on_time_label, _("On-time rate {rate}"), rates.on_time_rate, below_on_time)
        self.note_label.setText(
            ngettext("Target {target} · {count} item due", "Target {target} · {count} items due", rates.counted)
            .format(target=whole_percent(target), count=number(rates.counted)))
        period = _("{start} to {end}").format(start=medium_date(rates.date_from),
                                             end=medium_date(rates.date_to))
        self.setToolTip(
            ngettext("Tasks assigned {period}, as of {date}: {closed} of {counted} item due is closed, "
                     "{on_time} on time. Click to list them in the ledger.",
                     "Tasks assigned {period}, as of {date}: {closed} of {counted} items due are closed, "
                     "{on_time} on time. Click to list them in the ledger.", rates.counted)
            .format(period=period, date=long_date(as_of),
                    closed=number(rates.closed), counted=number(rates.counted), on_time=number(rates.on_time)))
        self.setAccessibleDescription(" ".join(
            label.text().replace("\n", " ") for label in (self.completion_label, self.on_time_label, self.note_label)))

    def _show(self, label: QLabel, template: str, rate: float | None, below: bool) -> None:
        head, _sep, tail = template.partition("{rate}")
        value = (percent(rate) + tail).strip()
        verdict = ""
        if below:
            whole = _("{rate_text} ▼ below target")
            if whole.startswith("{rate_text}"):
                verdict = whole.replace("{rate_text}", "").strip()  # "▼ below target" / "▼ 低于目标"
            else:  # a language that puts the verdict first: its sentence as one piece
                head, value = "", whole.format(rate_text=template.format(rate=percent(rate)))
        self._texts[label] = (head.strip(), value, verdict)
        label.setProperty("below", below)
        label.setStyleSheet(f"color: {BELOW_COLOR if below else '#1f2a36'}; background: transparent;")
        self._fit(label)

    def _fit(self, label: QLabel) -> None:
        """The rate on as few lines as the tile's width allows: "Completion rate 93.5% ▼ below target" on one,
        else the verdict on a line of its own, else the name too; never clipped.

        The label's minimum width is its widest piece, so the tile never gets narrower than that."""
        head, value, verdict = self._texts.get(label, ("", label.text(), ""))
        fm = label.fontMetrics()

        def line(*parts: str) -> str:
            return " ".join(p for p in parts if p)

        candidates = [[line(head, value, verdict)], [line(head, value), verdict], [head, line(value, verdict)],
                      [head, value, verdict]]
        candidates = [[x for x in c if x] for c in candidates]
        label.setMinimumWidth(max(fm.horizontalAdvance(x) for x in candidates[-1]) + 2)
        room = self.width() - self.box.contentsMargins().left() - self.box.contentsMargins().right()
        chosen = next((c for c in candidates if max(fm.horizontalAdvance(x) for x in c) <= room), candidates[-1])
        wanted = "\n".join(chosen)
        if label.text() != wanted:
            label.setText(wanted)
            self.updateGeometry()

    def one_line_width(self) -> int:
        """The width this tile needs for each rate on one line ("Completion rate 93.5% ▼ below target")."""
        margins = self.box.contentsMargins()
        widest = max((label.fontMetrics().horizontalAdvance(" ".join(p for p in parts if p))
                      for label, parts in self._texts.items()), default=0)
        return max(Tile.sizeHint(self).width(), widest + 2 + margins.left() + margins.right())

    def minimumSizeHint(self):  # noqa: ANN201 - QSize
        """Each rate on one line while `one_line` (the page has the room), else its widest piece (_fit)."""
        hint = self.box.totalMinimumSize()
        if self.one_line:
            hint.setWidth(max(hint.width(), self.one_line_width()))
        return hint

    def sizeHint(self):  # noqa: ANN201 - QSize
        hint = super().sizeHint()
        hint.setWidth(max(hint.width(), self.one_line_width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        for label in self._texts:
            self._fit(label)


class DueList(QWidget):
    """A small read-only table of assignments and their pending steps; Enter or double-click opens the task.

    `mode` is "overdue" (a column with the days overdue) or "soon" (a column saying today or tomorrow).
    """

    task_activated = Signal(str)  # task number

    def __init__(self, mode: str, accessible: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode
        headers = [_("No."), _("Item"), _("Unit"), _("Step"),
                   _("Overdue by") if mode == "overdue" else _("Due day")]
        self.table = QTableWidget(0, len(headers))
        self.table.setObjectName(f"{mode}Table")
        self.table.setAccessibleName(accessible)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(_("Double-click an item, or press Enter, to open the task."))
        self.table.activated.connect(self._activated)
        self.empty = QLabel(empty_text)
        self.empty.setObjectName(f"{mode}Empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #5f6b76;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    def set_rows(self, rows: list[tuple[DueRow, str]], as_of: dt.date) -> None:
        """Rows with the text of their last column ("Today", "12 days")."""
        header = self.table.horizontalHeader()
        for column in (0, 2, 3, 4):  # sized once after filling: ResizeToContents re-measures on every setItem
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.table.setRowCount(len(rows))
        for i, (row, last) in enumerate(rows):
            cells = (row.task_no, row.title, row.unit_name, _(STEP_LABELS.get(row.step, row.step)), last)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(TASK_NO_ROLE, row.task_no)
                if column == 1:
                    item.setToolTip(row.title)
                if column == 4:
                    item.setToolTip(_("{step} due {date}").format(
                        step=_(STEP_LABELS.get(row.step, row.step)),
                        date=long_date(row.due)))
                    if self.mode == "overdue":
                        item.setForeground(Qt.GlobalColor.darkRed)
                    item.setTextAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
                                          if self.mode == "overdue" else Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, column, item)
        for column in (0, 2, 3, 4):
            self.table.resizeColumnToContents(column)
        self.stack.setCurrentWidget(self.table if rows else self.empty)

    def task_no_at(self, row: int) -> str:
        item = self.table.item(row, 0)
        return str(item.data(TASK_NO_ROLE)) if item is not None else ""

    def _activated(self, index) -> None:  # noqa: ANN001 - QModelIndex
        task_no = self.task_no_at(index.row())
        if task_no:
            self.task_activated.emit(task_no)


def overdue_text(row: DueRow, as_of: dt.date) -> str:
    days = row.days_late(as_of)
    return ngettext("{n} day", "{n} days", days).format(n=number(days))


def soon_text(row: DueRow, as_of: dt.date) -> str:
    return _("Today") if row.due == as_of else _("Tomorrow")
