"""One kind's scores as horizontal bars (QtCharts), in ranked order: the first at the top.

Contract: `ScoreChart.set_scores(scores)` draws the `UnitScore`s given, in the
order given (the core's ranking); a click on a bar emits `unit_clicked(code)`.
The value axis starts a little under the lowest score so small differences show
(scores sit near 100 a month, near 300 a quarter); units flagged for reward are
drawn in the accent colour. The view grows with the number of bars inside a
scroll area. Texts use the application font (see ui.pages.dashboard_charts).
Threading: GUI thread only.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QHorizontalBarSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from core.i18n import _
from core.scoring.monthly import UnitScore
from ui.pages.dashboard_charts import (
    BAR_ROW_PX,
    _new_chart,
    _view,
    attach_axes,
    fit_ticks,
    horizontal_bars,
    use_app_font,
)

REWARD_COLOR = "#2e7d32"


def score_range(values: Sequence[float]) -> tuple[float, float]:
    """An axis range (low, high) on round numbers that shows the differences between `values`."""
    if not values:
        return 0.0, 100.0
    lo, hi = min(values), max(values)
    pad = max(1.0, (hi - lo) * 0.15)
    step = 1 if hi - lo + 2 * pad <= 10 else 5 if hi - lo + 2 * pad <= 50 else 10
    low = max(0.0, math.floor((lo - pad) / step) * step)
    high = math.ceil((hi + pad) / step) * step  # room for the value drawn after the longest bar
    return low, max(high, low + step)


def tick_interval(span: float) -> float:
    """A round tick interval (1, 2, 5, 10, 20, 50 …) giving at most about 8 ticks over `span`."""
    scale = 1.0
    while True:
        for step in (1, 2, 5):
            if span / (step * scale) <= 8:
                return step * scale
        scale *= 10


class ScoreChart(QWidget):
    """Horizontal score bars of one kind of unit (see the module contract)."""

    unit_clicked = Signal(str)

    def __init__(self, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: list[UnitScore] = []   # in bar order: index 0 is the bottom bar
        self.chart = _new_chart()
        self.view = _view(self.chart, accessible)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.series: QHorizontalBarSeries | None = None
        self.chart.plotAreaChanged.connect(self._fit_ticks)

    def set_scores(self, scores: Sequence[UnitScore]) -> None:
        self.shown = list(reversed(scores))  # the first category is drawn at the bottom: rank 1 on top
        self.view.setMinimumHeight(len(self.shown) * BAR_ROW_PX + 60)
        chart = self.chart
        series, bars = horizontal_bars(chart, _("Score"), [round(s.score, 2) for s in self.shown],
                                       [bool(s.reward) for s in self.shown], REWARD_COLOR)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        bars.setLabelColor(QColor("#1f2a36"))
        series.clicked.connect(self._bar_clicked)
        self.series = series
        names = QBarCategoryAxis()
        names.append([s.name for s in self.shown] or [""])
        names.setGridLineVisible(False)
        low, high = score_range([s.score for s in self.shown])
        values = QValueAxis()
        values.setRange(low, high)
        values.setLabelFormat("%g")
        values.setTickType(QValueAxis.TickType.TicksDynamic)
        values.setTickAnchor(low)
        values.setTickInterval(tick_interval(high - low))
        attach_axes(chart, series, names, values)
        chart.legend().setVisible(False)
        use_app_font(chart)

    def _fit_ticks(self, *_args: object) -> None:
        """Fewer value ticks when the chart is narrow, so no label is elided."""
        for axis in self.chart.axes(Qt.Orientation.Horizontal):
            if isinstance(axis, QValueAxis):
                fit_ticks(axis, self.chart.plotArea().width())

    def _bar_clicked(self, index: int, _barset: QBarSet) -> None:
        if 0 <= index < len(self.shown):
            self.unit_clicked.emit(self.shown[index].unit)

    def bar_center(self, code: str) -> QPointF | None:
        """Where the bar of `code` is drawn, in the view's viewport coordinates (for tests and tooling)."""
        for i, s in enumerate(self.shown):
            if s.unit == code and self.series is not None:
                low = self.chart.axes(Qt.Orientation.Horizontal)[0].min()
                scene = self.chart.mapToPosition(QPointF((low + s.score) / 2, i), self.series)
                return QPointF(self.view.mapFromScene(self.chart.mapToScene(scene)))
        return None
