"""A bar chart of unit scores for the printed bulletins, as a reportlab Flowable.

Contract: `score_chart(bars, font=..., width=..., height=...)` returns a
`reportlab.graphics.shapes.Drawing` (a Flowable: it goes straight into a story)
with one vertical bar per unit, in the order given (the caller passes them by
rank), the unit names under the bars (turned upright when they would not fit
side by side) and a value axis that starts a little below the lowest score, so
that differences of a fraction of a point show. Highlighted bars (the units
named at the top) are red, the others grey. Pure: no database, no I/O; any
thread.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

RED = colors.HexColor("#C00000")
GREY = colors.HexColor("#7F7F7F")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlight: bool = False


def axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(minimum, maximum, step) of the value axis: a round floor below the lowest value, the top above the highest."""
    if not values:
        return 0.0, 100.0, 20.0
    low, high = min(values), max(values)
    span = max(high - low, 1.0)
    step = next(s for s in (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if span / s <= 6)
    bottom = math.floor((low - step / 2) / step) * step
    top = math.ceil((high + step / 4) / step) * step
    if low >= 0 > bottom:
        bottom = 0.0
    return float(bottom), float(top), float(step)


def score_chart(bars: Sequence[Bar], *, font: str, width: float = 156 * mm, height: float = 70 * mm,
                caption: str = "", value_format: Callable[[float], str] = "{:g}".format) -> Drawing:
    """One bar per entry of `bars`, labelled with `font` (a registered reportlab font name)."""
    n = max(len(bars), 1)
    label_size = 9.0 if n <= 12 else 7.5 if n <= 30 else 6.0
    longest = max((len(b.label) for b in bars), default=2)
    plot_w = width - 14 * mm
    upright = n > 1 and longest * label_size * 1.05 > plot_w / n
    label_room = (longest * label_size * 1.05 + 6) if upright else label_size * 2.2
    caption_room = 16.0 if caption else 4.0
    d = Drawing(width, height + label_room)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, label_room
    chart.width, chart.height = plot_w, height - caption_room - 6
    chart.data = [[b.value for b in bars] or [0.0]]
    chart.categoryAxis.categoryNames = [b.label for b in bars] or [""]
    chart.bars.strokeColor = None
    chart.bars[0].fillColor = GREY
    for i, b in enumerate(bars):
        if b.highlight:
            chart.bars[(0, i)].fillColor = RED
    chart.barSpacing = 0
    chart.groupSpacing = 2 if n > 30 else 4
    low, high, step = axis_range([b.value for b in bars])
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = low, high, step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = value_format
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#D9D9D9")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = label_size
    if upright:  # Chinese names stand one character under the other, read from the top
        chart.categoryAxis.categoryNames = [""] * n
        slot = chart.width / n
        for i, b in enumerate(bars):
            x = chart.x + (i + 0.5) * slot
            for j, ch in enumerate(b.label):
                d.add(String(x, label_room - 3 - (j + 1) * label_size * 1.05, ch, fontName=font,
                             fontSize=label_size, textAnchor="middle"))
    else:
        chart.categoryAxis.labels.boxAnchor = "n"
    if n <= 20 and bars:
        chart.barLabelFormat = value_format
        chart.barLabels.fontName = font
        chart.barLabels.fontSize = 7
        chart.barLabels.nudge = 5
    d.add(chart)
    if caption:
        d.add(String(width / 2, height + label_room - 11, caption, fontName=font, fontSize=10.5,
                     textAnchor="middle"))
    return d
