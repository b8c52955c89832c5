"""The dashboard page (工作台): lights, due and overdue items, rates and charts, each a way into the ledger.

Contract: `DashboardPage(ctx, parent)` loads `core.work.dashboard.dashboard(db, as_of=today)`
on the database worker (`ctx.query`) when built, on `activate()` and after every
`ctx.changed` (several changes in a row cause one reload), and shows it when it
arrives; a result that a newer load superseded is dropped. `loaded(Dashboard)` is
emitted once the figures on screen are the new ones (tests wait on it).
Clicks navigate, never write:
- a light tile → `ctx.navigate("ledger", {"filter": LedgerFilter(light=...)})`;
- a rate tile → the ledger of the tasks assigned in that month or year;
- a unit bar → the ledger of that unit's tasks assigned this year;
- a trend point → the ledger of the tasks that point counts (1 January to its day);
- a due or overdue row (double-click, Enter) → `ctx.open_task(task_no)`;
- the latest import's sentence ("本次导入：太公镇 5 条反馈、1 项办结", `Dashboard.imports`,
  hidden before any import) → the ledger of the items an import changed whose task
  has not been opened since (`LedgerFilter(new_only=True)`).
Threading: GUI thread only; the query runs on the worker.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date, format_skeleton
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.format import locale, number
from core.i18n import _, ngettext
from core.work.dashboard import Dashboard, dashboard
from core.work.ledger import LedgerFilter
from ui import keyboard
from ui.pages.dashboard_charts import TrendChart, UnitChart
from ui.pages.dashboard_tiles import DueList, LightTile, RateTile, overdue_text, soon_text
from ui.pages.latest_load import LatestLoadMixin, message_label
from ui.shell.context import AppContext


def _section(title: QLabel, body: QWidget, *extra: QWidget) -> QFrame:
    """A white panel with a title row (and widgets at its right) above `body`."""
    frame = QFrame()
    frame.setObjectName("panel")
    frame.setStyleSheet("QFrame#panel { background: white; border: 1px solid #d9dde3; border-radius: 6px; }")
    title.setStyleSheet("font-weight: bold; color: #1f2a36;")
    head = QHBoxLayout()
    head.addWidget(title)
    head.addStretch(1)
    for widget in extra:
        head.addWidget(widget)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 8, 10, 8)
    layout.setSpacing(6)
    layout.addLayout(head)
    layout.addWidget(body, 1)
    return frame


def yellow_caption(warn_days: int) -> str:
    if warn_days <= 1:
        return _("Due today")
    if warn_days == 2:
        return _("Due today or tomorrow")
    return ngettext("Due within {n} day", "Due within {n} days", warn_days).format(n=number(warn_days))


def _splitter_slack(widget: QWidget) -> int:
    """How much wider `widget` could become: what the splitters around it (the main window's navigation)
    would give up before their other parts reach their minimum width."""
    slack = 0
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QSplitter) and parent.orientation() == Qt.Orientation.Horizontal:
            for i in range(parent.count()):
                other = parent.widget(i)
                if other is not child and not other.isAncestorOf(child) and other.isVisible():
                    least = max(other.minimumWidth(), other.minimumSizeHint().width())
                    slack += max(0, other.width() - least)
        child, parent = parent, parent.parentWidget()
    return slack


class DashboardPage(LatestLoadMixin, QWidget):
    """The county at a glance (see the module docstring)."""

    loaded = Signal(object)        # the Dashboard now shown
    load_failed = Signal(object)   # the Exception a load raised

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Dashboard | None = None
        self._build()
        self._watch_changes()
        self.reload()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_rate_tiles()

    def _fit_rate_tiles(self) -> None:
        """Each rate on one line when the row has the room for it (Chinese at 995×617), else wrapped in its tile
        (English: "Completion rate 93.5%" over "▼ below target"), so no tile text is clipped and the page is
        no wider than the window's minimum."""
        rates = (self.month_tile, self.year_tile)
        lights = list(self.light_tiles.values())
        margins = self.layout().contentsMargins() if self.layout() is not None else None
        room = self.width() + _splitter_slack(self) - (margins.left() + margins.right() if margins else 0)
        spacing = self.tiles_row.spacing() * (len(rates) + len(lights) - 1) + 6
        needed = sum(t.minimumSizeHint().width() for t in lights) + sum(t.one_line_width() for t in rates) + spacing
        one_line = needed <= room
        for tile in rates:
            if tile.one_line != one_line:
                tile.one_line = one_line
                tile.updateGeometry()

    # ----- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel(_("Dashboard"))
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.as_of_label = QLabel()
        self.as_of_label.setObjectName("asOf")
        self.as_of_label.setStyleSheet("color: #5f6b76;")
        self.message_label = message_label()
        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addSpacing(12)
        head.addWidget(self.as_of_label)
        head.addStretch(1)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importSummary")
        self.import_button.setFlat(True)
        self.import_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.import_button.setStyleSheet("QPushButton { color: #d84315; font-weight: bold; text-align: left; }")
        self.import_button.setVisible(False)
        self.import_button.clicked.connect(lambda: self.show_ledger(LedgerFilter(new_only=True)))

        self.light_tiles = {light: LightTile(light) for light in ("red", "yellow", "green")}
        for light, tile in self.light_tiles.items():
            tile.clicked.connect(lambda _checked=False, lt=light: self.show_ledger(LedgerFilter(light=lt)))
        self.month_tile = RateTile(_("This month"), "monthTile")
        self.year_tile = RateTile(_("This year"), "yearTile")
        for tile in (self.month_tile, self.year_tile):
            tile.clicked.connect(lambda _checked=False, t=tile: self._rate_clicked(t))
        tiles = QHBoxLayout()
        self.tiles_row = tiles
        tiles.setSpacing(10)
        for light_tile in self.light_tiles.values():
            tiles.addWidget(light_tile, 2)
        tiles.addSpacing(6)
        tiles.addWidget(self.month_tile, 3)
        tiles.addWidget(self.year_tile, 3)

        self.overdue_list = DueList("overdue", _("Overdue items"), _("Nothing is overdue."))
        self.soon_list = DueList("soon", _("Items due today and tomorrow"), _("Nothing is due today or tomorrow."))
        for lst in (self.overdue_list, self.soon_list):
            lst.task_activated.connect(self.ctx.open_task.emit)
        self.overdue_title = QLabel(_("Overdue, oldest first"))
        self.soon_title = QLabel(_("Due today and tomorrow"))
        self.all_red_button = QPushButton(_("All in the ledger"))
        self.all_red_button.setObjectName("allOverdue")
        self.all_red_button.setFlat(True)
        self.all_red_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.all_red_button.setStyleSheet("color: #3d6fb6;")
        self.all_red_button.clicked.connect(lambda: self.show_ledger(LedgerFilter(light="red")))

        self.unit_chart = UnitChart()
        self.unit_chart.unit_clicked.connect(self._unit_clicked)
        self.unit_title = QLabel(_("Completion rate by unit, this year"))
        self.trend_chart = TrendChart()
        self.trend_chart.week_clicked.connect(self._week_clicked)
        self.trend_title = QLabel(_("Weekly trend of this year's rates"))

        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(_section(self.overdue_title, self.overdue_list, self.all_red_button), 0, 0)
        grid.addWidget(_section(self.soon_title, self.soon_list), 1, 0)
        grid.addWidget(_section(self.unit_title, self.unit_chart, self.unit_chart.group_combo), 0, 1)
        grid.addWidget(_section(self.trend_title, self.trend_chart), 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.message_label)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)
        # as the eye reads: the tiles, then the overdue list's heading button above its table, the list due
        # soon, then the charts' column
        keyboard.chain_tab_order([self.import_button, *self.light_tiles.values(), self.month_tile, self.year_tile,
                                  self.all_red_button, self.overdue_list.table, self.soon_list.table,
                                  self.unit_chart.group_combo])

    # ----- loading ----------------------------------------------------------------------

    def activate(self, options: dict[str, Any] | None = None) -> None:
        """Called when the window shows the page: reload (the day may have changed), unless a load is running."""
        if not self._loading:
            self.reload()

    def refresh(self) -> None:
        """F5 in the window: load the figures again."""
        self.reload()

    def reload(self) -> None:
        day = self.ctx.today()
        self._load_latest(lambda db: dashboard(db, as_of=day), self._loaded)

    def _loaded(self, data: Dashboard) -> None:
        self.data = data
        self.as_of_label.setText(_("As of {date}").format(date=format_date(data.as_of, "full",
                                                                            locale=locale())))
        for light, tile in self.light_tiles.items():
            tile.set_count(getattr(data.lights, light), yellow_caption(data.warn_days) if light == "yellow" else None)
        self.month_tile.title_label.setText(_("This month ({month})").format(
            month=format_skeleton("yMMM", data.as_of, locale=locale())))
        self.year_tile.title_label.setText(_("This year ({year})").format(
            year=format_skeleton("y", data.as_of, locale=locale())))
        self.month_tile.set_rates(data.month, data.target, data.as_of)
        self.year_tile.set_rates(data.year, data.target, data.as_of)
        self._fit_rate_tiles()
        self.overdue_list.set_rows([(r, overdue_text(r, data.as_of)) for r in data.overdue], data.as_of)
        soon = [*data.due_today, *data.due_tomorrow]
        self.soon_list.set_rows([(r, soon_text(r, data.as_of)) for r in soon], data.as_of)
        red = data.lights.red
        if red > len(data.overdue):
            self.overdue_title.setText(_("Overdue, oldest first ({shown} of {count})").format(
                shown=number(len(data.overdue)), count=number(red)))
        else:
            self.overdue_title.setText(_("Overdue, oldest first ({count})").format(count=number(red)))
        self.soon_title.setText(_("Due today ({today}) and tomorrow ({tomorrow})").format(
            today=number(len(data.due_today)), tomorrow=number(len(data.due_tomorrow))))
        self.all_red_button.setEnabled(red > 0)
        self.unit_chart.set_data(data.units, data.target)
        self.trend_chart.set_data(data.trend, data.target)
        self._show_imports(data)
        self.loaded.emit(data)

    def _show_imports(self, data: Dashboard) -> None:
        sentence = data.imports.sentence() if data.imports is not None else ""
        self.import_button.setText(sentence)
        self.import_button.setVisible(bool(sentence))
        if data.imports is not None:
            n = data.imports.unseen
            self.import_button.setToolTip(ngettext(
                "{n} of these items has not been opened yet; click to list the new items in the ledger.",
                "{n} of these items have not been opened yet; click to list the new items in the ledger.",
                n).format(n=number(n)))

    # ----- clicks -----------------------------------------------------------------------

    def show_ledger(self, flt: LedgerFilter) -> None:
        self.ctx.navigate.emit("ledger", {"filter": flt})

    def _rate_clicked(self, tile: RateTile) -> None:
        if tile.rates is not None:
            self.show_ledger(tile.rates.ledger_filter())

    def _unit_clicked(self, code: str) -> None:
        if self.data is not None:
            year = self.data.year
            self.show_ledger(LedgerFilter(unit=code, date_from=year.date_from, date_to=year.date_to))

    def _week_clicked(self, index: int) -> None:
        if self.data is not None and 0 <= index < len(self.data.trend):
            day: dt.date = self.data.trend[index].as_of
            self.show_ledger(LedgerFilter(date_from=dt.date(day.year, 1, 1), date_to=day))
