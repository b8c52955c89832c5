"""The charts stay legible from the main window's minimum size up (issue 15, "Pictures at the size people use").

At 995×617 (the window's minimum) and 1280×760 (its default): no value-axis label is
elided (QtCharts elides a label wider than the room between two ticks, "8… 8… 9…"), the
trend's week labels fit, and the unit chart shows at least five whole bars (the rest
scroll). The data are a county's: twelve units, twelve weeks.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import context_for
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from core.scoring.monthly import UnitScore
from core.work.dashboard import UnitRate, WeekPoint
from ui.pages.dashboard import DashboardPage
from ui.pages.scores.ranking_chart import ScoreChart
from ui.shell.context import AppContext
from ui.shell.main_window import MainWindow

UNITS = [UnitRate(f"U{i}", f"县住房公积金中心{i}", "department", 0.70 + i * 0.025, 0.6, 10, 7) for i in range(12)]
WEEKS = [WeekPoint(dt.date(2026, 9, 6) + dt.timedelta(weeks=i), 0.93 + i * 0.003, 0.85 + i * 0.002, 100)
         for i in range(12)]


@pytest.fixture
def ctx(db_path: Path, scenario) -> Iterator[AppContext]:  # noqa: ANN001
    yield from context_for(db_path, "admin", scenario.password)


def settle(qtbot) -> None:  # noqa: ANN001
    for _ in range(3):
        QApplication.processEvents()


def labels_fit(axis: QValueAxis, length: float, *, vertical: bool) -> bool:
    """Whether each label of `axis` has the room QtCharts needs not to elide it."""
    metrics = QFontMetrics(axis.labelsFont())
    count = round((axis.max() - axis.min()) / axis.tickInterval()) + 1
    fmt = axis.labelFormat().replace("%d", "%.0f")
    need = (metrics.height() if vertical    # and the padding QtCharts keeps around a label
            else max(metrics.horizontalAdvance(fmt % v) for v in (axis.min(), axis.max())) + 10)
    return need <= length / max(count - 1, 1)


@pytest.mark.parametrize("size", [(995, 617), (1280, 760)])
def test_dashboard_charts_are_legible(qtbot, ctx: AppContext, size: tuple[int, int]) -> None:  # noqa: ANN001
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("dashboard")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: not page._loading, timeout=10_000)
    page.unit_chart.group_combo.setCurrentIndex(page.unit_chart.group_combo.findData("all"))
    page.unit_chart.set_data(UNITS, 0.95)
    page.trend_chart.set_data(WEEKS, 0.95)
    settle(qtbot)
    # (the window may stay a few pixels wider than asked when an earlier test left a larger application font)
    assert window.height() == size[1] and window.width() <= size[0] + 20

    unit = page.unit_chart
    [rates] = [a for a in unit.chart.axes(Qt.Orientation.Horizontal) if isinstance(a, QValueAxis)]
    assert labels_fit(rates, unit.chart.plotArea().width(), vertical=False), rates.tickInterval()
    viewport = unit.scroll.viewport()
    whole = 0
    for u in unit.shown:
        center = unit.bar_center(u.code)
        assert center is not None
        y = unit.view.mapTo(viewport, center.toPoint()).y()
        whole += 8 <= y <= viewport.height() - 8
    assert whole >= 5, f"{whole} bars in sight"
    assert unit.view.height() > viewport.height()   # the others scroll

    trend = page.trend_chart
    [rates] = [a for a in trend.chart.axes(Qt.Orientation.Vertical) if isinstance(a, QValueAxis)]
    assert labels_fit(rates, trend.chart.plotArea().height(), vertical=True), rates.tickInterval()
    weeks = trend.weeks_axis
    assert weeks is not None
    metrics = QFontMetrics(weeks.labelsFont())
    shown = weeks.categoriesLabels()
    assert len(shown) >= 4
    widest = max(metrics.horizontalAdvance(text) for text in shown)
    assert widest <= trend.chart.plotArea().width() / len(shown)
    window.close()


def test_score_bars_axis_is_legible_when_narrow(qtbot) -> None:  # noqa: ANN001
    chart = ScoreChart("scores")
    qtbot.addWidget(chart)
    chart.resize(230, 450)      # the monthly page's chart column at 995×617
    chart.show()
    chart.set_scores([UnitScore(f"U{i}", f"镇{i}", "township", 100 - i * 0.5) for i in range(15)])
    settle(qtbot)
    [values] = [a for a in chart.chart.axes(Qt.Orientation.Horizontal) if isinstance(a, QValueAxis)]
    assert labels_fit(values, chart.chart.plotArea().width(), vertical=False), values.tickInterval()
    assert chart.bar_center("U0") is not None and isinstance(chart.bar_center("U0"), QPointF)
