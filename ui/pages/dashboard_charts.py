"""The dashboard's two charts (QtCharts): completion rate by unit and the weekly trend.

Contract: each chart shows what `set_data` gives it and reports clicks by signal
(`UnitChart.unit_clicked(code)`, `TrendChart.week_clicked(index)`); the page
turns them into navigation. Every text in a chart is drawn in the application
font (`QApplication.font()`, which `ui.fonts.ensure_cjk_font` makes a Chinese
one when the system has none): QtCharts' themes set their own fonts, so they are
replaced after the theme is applied. Threading: GUI thread only.

Readable with ~75 units: the unit chart is horizontal bars, one group at a time
(the 10 lowest of the county, townships, departments or all), lowest at the top,
in a scroll area whose height grows with the number of bars; bars below the
target are red, and a dashed line marks the target.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from babel.dates import format_skeleton
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QGraphicsSimpleTextItem,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.format import locale, percent, whole_percent
from core.i18n import N_, _
from core.work.dashboard import UnitRate, WeekPoint
from core.work.ledger import TARGET_RATE
from ui.pages.dashboard_tiles import BELOW_COLOR

BAR_COLOR = "#3d6fb6"
ON_TIME_COLOR = "#e08a1e"
BAR_ROW_PX = 21
UNIT_GROUPS = (("lowest", N_("10 lowest units")), ("township", N_("Townships")),
               ("department", N_("Departments")), ("all", N_("All units")))
LOWEST_COUNT = 10


def use_app_font(chart: QChart) -> None:
    """Draw the chart's title, legend and axis labels in the application font."""
    base = QFont(QApplication.font())
    chart.setTitleFont(base)
    chart.legend().setFont(base)
    for axis in chart.axes():
        axis.setLabelsFont(base)
        axis.setTitleFont(base)


def _new_chart() -> QChart:
    chart = QChart()
    chart.setTheme(QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundRoundness(0)
    chart.setBackgroundVisible(False)
    chart.setPlotAreaBackgroundVisible(False)
    chart.setMargins(QMargins(4, 4, 8, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _view(chart: QChart, accessible: str) -> QChartView:
    view = QChartView(chart)
    view.setBackgroundBrush(QBrush(QColor("white")))
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setAccessibleName(accessible)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setCursor(Qt.CursorShape.PointingHandCursor)
    return view


def _target_pen() -> QPen:
    pen = QPen(QColor(BELOW_COLOR))
    pen.setStyle(Qt.PenStyle.DashLine)
    pen.setWidthF(1.5)
    return pen


def axis_floor(values: Sequence[float], target: float) -> float:
    """The lower end (in %) of a rate axis: a round ten under the lowest value and the target, at most 80."""
    lowest = min([*values, target * 100])
    return max(0.0, min(80.0, math.floor((lowest - 3) / 10) * 10))


def rate_axis(values: Sequence[float], target: float) -> QValueAxis:
    """A 0-100 % axis starting at `axis_floor`, with ticks on round numbers."""
    axis = QValueAxis()
    floor = axis_floor(values, target)
    axis.setRange(floor, 100)
    axis.setLabelFormat("%d%%")
    span = 100 - floor
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(floor)
    axis.setTickInterval(5 if span <= 30 else 10 if span <= 60 else 20)
    return axis


NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)


def fit_ticks(axis: QValueAxis, plot_width: float, *, vertical: bool = False) -> bool:
    """Widen `axis`'s tick interval (a round step, from the one set) until every label fits `plot_width`
    (the plot area's height for a `vertical` axis, where the labels stack).

    QtCharts elides labels that do not fit ("8… 8… 9…"); fewer ticks keep them whole.
    The first interval set on the axis is kept as its finest (`fineInterval` property).
    Returns whether the interval changed.
    """
    fine = axis.property("fineInterval")
    if fine is None:
        fine = axis.tickInterval()
        axis.setProperty("fineInterval", fine)
    metrics = QFontMetrics(axis.labelsFont())
    low, high = axis.min(), axis.max()
    fmt = axis.labelFormat().replace("%d", "%.0f")   # "%d%%" or "%g", as the charts set them
    label_w = (metrics.height() + 4 if vertical
               else max(metrics.horizontalAdvance(fmt % v) for v in (low, high)) + 10)
    room = max(int(plot_width // label_w), 2)   # conservative: more labels widen the chart's minimum size
    step = float(fine)
    for candidate in (s for s in NICE_STEPS if s >= fine):
        step = float(candidate)
        if (high - low) / step + 1 <= room:
            break
    if abs(step - axis.tickInterval()) < 1e-9:
        return False
    axis.setTickInterval(step)
    return True


def pick_units(units: Sequence[UnitRate], group: str) -> list[UnitRate]:
    """The units of one group with a defined completion rate, the lowest first (then by name)."""
    rated = [u for u in units if u.completion_rate is not None]
    if group in ("township", "department"):
        rated = [u for u in rated if u.kind == group]
    rated.sort(key=lambda u: (u.completion_rate, u.name))
    return rated[:LOWEST_COUNT] if group == "lowest" else rated


def horizontal_bars(chart: QChart, label: str, values: Sequence[float], marked: Sequence[bool],
                    mark_color: str) -> tuple[QHorizontalBarSeries, QBarSet]:
    """Empty `chart`, then add one series of horizontal bars of `values` (the first drawn at the bottom).

    Bars are BAR_COLOR, the `marked` ones `mark_color` (selected bars); the
    caller adds the axes (see `attach_axes`) and connects clicks.
    """
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    bars = QBarSet(label)
    bars.setColor(QColor(BAR_COLOR))
    bars.setBorderColor(QColor(BAR_COLOR))
    bars.setSelectedColor(QColor(mark_color))
    for i, (value, mark) in enumerate(zip(values, marked, strict=True)):
        bars.append(value)
        if mark:
            bars.selectBar(i)
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    return series, bars


def attach_axes(chart: QChart, series: QHorizontalBarSeries, names: QBarCategoryAxis, values: QValueAxis) -> None:
    """The unit names at the left, the values at the top (in sight above a long scrolled list)."""
    chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(values, Qt.AlignmentFlag.AlignTop)
    series.attachAxis(names)
    series.attachAxis(values)


class UnitChart(QWidget):
    """Completion rate by unit as horizontal bars (see the module docstring)."""

    unit_clicked = Signal(str)  # unit code

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units: list[UnitRate] = []
        self.shown: list[UnitRate] = []   # in bar order: index 0 is the bottom bar
        self.target = TARGET_RATE
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("unitGroup")
        self.group_combo.setAccessibleName(_("Units shown in the chart"))
        for key, label in UNIT_GROUPS:
            self.group_combo.addItem(_(label), key)
        self.group_combo.currentIndexChanged.connect(self._redraw)
        self.chart = _new_chart()
        self.view = _view(self.chart, _("Completion rate by unit"))
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.view)
        self.caption = QLabel()
        self.caption.setObjectName("unitCaption")
        self.caption.setStyleSheet("color: #5f6b76;")
        self.caption.setWordWrap(True)
        self.empty = QLabel(_("No unit has an item due this year yet."))
        self.empty.setObjectName("unitChartEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #5f6b76;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.caption)
        self.series: QHorizontalBarSeries | None = None
        self.name_items: list[QGraphicsSimpleTextItem] = []
        self.chart.plotAreaChanged.connect(self._place_names)

    def set_data(self, units: Sequence[UnitRate], target: float) -> None:
        self.units, self.target = list(units), target
        self._redraw()

    def _redraw(self) -> None:
        group = self.group_combo.currentData() or "lowest"
        picked = pick_units(self.units, group)
        self.shown = list(reversed(picked))  # the first category is drawn at the bottom: lowest on top
        self.view.setMinimumHeight(len(self.shown) * BAR_ROW_PX + 50)
        chart = self.chart
        series, _bars = horizontal_bars(chart, _("Completion rate"),
                                        [round((u.completion_rate or 0.0) * 100, 1) for u in self.shown],
                                        [(u.completion_rate or 0.0) < self.target for u in self.shown], BELOW_COLOR)
        series.clicked.connect(self._bar_clicked)
        self.series = series
        names = QBarCategoryAxis()  # places the bars; its labels are drawn by _place_names (never elided)
        names.append([u.code for u in self.shown] or [""])
        names.setGridLineVisible(False)
        names.setLabelsVisible(False)
        values = rate_axis([(u.completion_rate or 0) * 100 for u in self.shown], self.target)
        attach_axes(chart, series, names, values)
        if self.shown:  # the target as a dashed vertical line, on a hidden axis spanning the bars
            line = QLineSeries()
            line.setName(_("Target {target}").format(target=whole_percent(self.target)))
            line.setPen(_target_pen())
            line.append(self.target * 100, -0.5)
            line.append(self.target * 100, len(self.shown) - 0.5)
            chart.addSeries(line)
            rows = QValueAxis()
            rows.setRange(-0.5, len(self.shown) - 0.5)
            rows.setVisible(False)
            chart.addAxis(rows, Qt.AlignmentFlag.AlignRight)
            line.attachAxis(values)
            line.attachAxis(rows)
        chart.legend().setVisible(False)
        use_app_font(chart)
        self._make_names()
        self.stack.setCurrentWidget(self.scroll if self.shown else self.empty)
        self.caption.setVisible(bool(self.shown))
        # one line, so the bars keep the room at the minimum window size; the rest in the tooltip
        self.caption.setText(_("Red bars are below the {target} target (dashed line).").format(
            target=whole_percent(self.target)))
        self.caption.setToolTip(_("Red bars are below the {target} target (dashed line). Click a bar to list "
                                  "the unit's items in the ledger.").format(target=whole_percent(self.target)))
        self.view.setToolTip(self.caption.toolTip())

    def _make_names(self) -> None:
        """One text item per bar, "name 96.9%", right-aligned left of the plot area; margin made to fit."""
        for item in self.name_items:
            if item.scene() is not None:
                item.scene().removeItem(item)
        font = QFont(QApplication.font())
        self.name_items = []
        for u in self.shown:
            item = QGraphicsSimpleTextItem(_("{unit} {rate}").format(unit=u.name, rate=percent(u.completion_rate)),
                                           self.chart)
            item.setFont(font)
            item.setBrush(QBrush(QColor("#1f2a36")))
            self.name_items.append(item)
        widest = max((item.boundingRect().width() for item in self.name_items), default=0)
        self.chart.setMargins(QMargins(int(widest) + 14, 4, 8, 4))
        self._place_names()

    def _place_names(self, *_args: object) -> None:
        if self.series is None:
            return
        plot = self.chart.plotArea()
        for axis in self.chart.axes(Qt.Orientation.Horizontal):
            if isinstance(axis, QValueAxis):
                fit_ticks(axis, plot.width())
        for i, item in enumerate(self.name_items):
            y = self.chart.mapToPosition(QPointF(0, i), self.series).y()
            box = item.boundingRect()
            item.setPos(plot.left() - 8 - box.width(), y - box.height() / 2)

    def _bar_clicked(self, index: int, _barset: QBarSet) -> None:
        if 0 <= index < len(self.shown):
            self.unit_clicked.emit(self.shown[index].code)

    def bar_center(self, code: str) -> QPointF | None:
        """Where the bar of `code` is drawn, in the view's viewport coordinates (for tests and tooling)."""
        for i, u in enumerate(self.shown):
            if u.code == code and self.series is not None:
                value = (u.completion_rate or 0) * 100
                floor = self.chart.axes(Qt.Orientation.Horizontal)[0].min()
                scene = self.chart.mapToPosition(QPointF((floor + value) / 2, i), self.series)
                return QPointF(self.view.mapFromScene(self.chart.mapToScene(scene)))
        return None


class TrendChart(QWidget):
    """The county's year-to-date rates at the end of each of the last weeks, with the target line."""

    week_clicked = Signal(int)  # index into the points

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[WeekPoint] = []
        self.chart = _new_chart()
        self.view = _view(self.chart, _("Weekly trend"))
        self.view.setMinimumHeight(140)   # leaves the unit chart room for its bars at the minimum window size
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.lines: list[QLineSeries] = []
        self.weeks_axis: QCategoryAxis | None = None
        self._step = 1
        self.chart.plotAreaChanged.connect(self._fit_rates)

    def _fit_rates(self, *_args: object) -> None:
        """Fewer rate ticks when the chart is low, so no label is elided."""
        for axis in self.chart.axes(Qt.Orientation.Vertical):
            if isinstance(axis, QValueAxis):
                fit_ticks(axis, self.chart.plotArea().height(), vertical=True)

    def set_data(self, points: Sequence[WeekPoint], target: float) -> None:
        self.points = list(points)
        chart = self.chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.weeks_axis = None
        completion, on_time, goal = QLineSeries(), QLineSeries(), QLineSeries()
        completion.setName(_("Completion rate"))
        on_time.setName(_("On-time rate"))
        goal.setName(_("Target {target}").format(target=whole_percent(target)))
        for series, color in ((completion, BAR_COLOR), (on_time, ON_TIME_COLOR)):
            pen = QPen(QColor(color))
            pen.setWidthF(2.5)
            series.setPen(pen)
            series.setPointsVisible(True)
            series.setMarkerSize(6)
        goal.setPen(_target_pen())
        rated: list[float] = []
        for i, p in enumerate(self.points):
            for series, rate in ((completion, p.completion_rate), (on_time, p.on_time_rate)):
                if rate is not None:
                    series.append(i, rate * 100)
                    rated.append(rate * 100)
        last = max(len(self.points) - 1, 1)
        goal.append(-0.3, target * 100)
        goal.append(last + 0.3, target * 100)
        weeks = QCategoryAxis()
        weeks.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        weeks.setRange(-0.3, last + 0.3)
        weeks.setGridLineVisible(False)
        self.weeks_axis = weeks
        self._label_weeks()
        rates = rate_axis(rated, target)
        chart.addAxis(weeks, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(rates, Qt.AlignmentFlag.AlignLeft)
        for series in (completion, on_time, goal):
            chart.addSeries(series)
            series.attachAxis(weeks)
            series.attachAxis(rates)
        for series in (completion, on_time):
            series.clicked.connect(self._point_clicked)
        self.lines = [completion, on_time]
        chart.legend().setVisible(True)
        use_app_font(chart)
        self.view.setToolTip(_("Each point is the year's rates as they stood at the end of that week. "
                               "Click a point to list the items it counts in the ledger."))

    def label_step(self) -> int:
        """Label every week, or every 2nd/3rd counted back from the last, so no label is elided."""
        labels = [format_skeleton("Md", p.as_of, locale=locale()) for p in self.points]
        if not labels:
            return 1
        metrics = QFontMetrics(QApplication.font())
        needed = max(metrics.horizontalAdvance(text) for text in labels) + 8
        room = max(self.view.width() - 60, 1) / len(labels)  # the rate axis and margins take ~60 px
        return 1 if room >= needed else 2 if room * 2 >= needed else 3

    def _label_weeks(self) -> None:
        axis = self.weeks_axis
        if axis is None:
            return
        for label in axis.categoriesLabels():
            axis.remove(label)
        step, last = self.label_step(), len(self.points) - 1
        for i, p in enumerate(self.points):
            if (last - i) % step == 0:
                axis.append(format_skeleton("Md", p.as_of, locale=locale()), i)
        self._step = step

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.weeks_axis is not None and self.label_step() != self._step:
            self._label_weeks()

    def _point_clicked(self, point: QPointF) -> None:
        index = round(point.x())
        if 0 <= index < len(self.points):
            self.week_clicked.emit(index)
