"""A bar chart of unit scores for the printed bulletins, readable at print size, as a Flowable.

Contract: `score_chart(bars, font=..., width=..., height=..., caption=..., value_format=...)`
returns a `ScoreChart` (a reportlab Flowable: it goes straight into a story) with one bar
per unit, in the order given (the caller passes them by rank); highlighted bars (the units
named at the top) are red, the others grey.
- Few units whose names fit side by side at 9 pt (at most `VERTICAL_MAX`): vertical bars,
  names under them at 9 pt, the value over each bar. The chart is `height` tall, or shorter
  (down to `MIN_VERTICAL`) when that is what is left on the page, so it does not jump to the
  next page and leave this one blank.
- Otherwise horizontal bars: one row per unit, the name at its left at 9 pt and the value at
  its end; the chart splits between pages at a row (the caption repeats, marked continued),
  so a long chart fills the page after a short table instead of leaving it blank.
- The value axis (`axis_range`) starts at 0, or at a round floor (a multiple of 10, 100 …)
  low enough that the plotted span is at least a tenth of the top value and twice the
  spread, so a 0.5-point gap between 99.5 and 100 is a twentieth of the bar, not half of
  it; an axis that does not start at 0 shows a break mark (two slanted strokes) at its foot.
A unit name with a character `font` lacks (镕, 堃) is drawn in `fallback`, if given.
Pure: no database, no I/O; any thread.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

RED = colors.HexColor("#C00000")
GREY = colors.HexColor("#7F7F7F")
GRID = colors.HexColor("#D9D9D9")
LABEL_SIZE = 9.0      # unit names: 9 pt reads at print size (6 pt did not)
VALUE_SIZE = 7.5
AXIS_SIZE = 7.5
VERTICAL_MAX = 12     # more units than this are drawn as horizontal bars
MIN_VERTICAL = 45 * mm
ROW = 12.0            # one horizontal bar's row, points
MIN_ROWS = 5          # a split leaves at least this many rows on each side
STEPS = (0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    highlight: bool = False


def axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    """(minimum, maximum, step) of the value axis (see the module contract)."""
    if not values:
        return 0.0, 100.0, 20.0
    low, high = min(values), max(values)
    if high <= 0:  # nothing above 0 (never a score): from a round floor up to 0
        bottom = min(math.floor(low / 10) * 10, -10)
        return float(bottom), 0.0, float(next(s for s in STEPS if -bottom / s <= 6))
    span = max(2 * (high - low), 0.1 * abs(high), 1.0)
    unit = 10 ** math.floor(math.log10(span))
    bottom = math.floor((high - span) / unit) * unit
    if low >= 0 and (bottom < 0 or bottom < 0.4 * high):
        bottom = 0.0   # near 0 anyway: start at 0, no break
    step = next(s for s in STEPS if (math.ceil(high / s) * s - bottom) / s <= 8)
    top = math.ceil(high / step) * step
    return float(bottom), float(top), float(step)


def _break_mark(d: Drawing, x: float, y: float, *, across: bool) -> None:
    """A gap in the axis line at (x, y) between two slanted strokes: the axis does not start at 0.
    `across`: the axis runs left to right (a horizontal chart's value axis), else bottom to top."""
    if across:
        d.add(Rect(x - 2, y - 1, 4, 2, fillColor=colors.white, strokeColor=None))
        for dx in (-2.0, 2.0):
            d.add(Line(x + dx - 1.5, y - 3.5, x + dx + 1.5, y + 3.5, strokeColor=colors.black, strokeWidth=0.8))
    else:
        d.add(Rect(x - 1, y - 2, 2, 4, fillColor=colors.white, strokeColor=None))
        for dy in (-2.0, 2.0):
            d.add(Line(x - 3.5, y + dy - 1.5, x + 3.5, y + dy + 1.5, strokeColor=colors.black, strokeWidth=0.8))


class ScoreChart(Flowable):
    """The chart as a Flowable: sizes itself to the space left and, horizontal, splits by rows."""

    def __init__(self, bars: Sequence[Bar], *, font: str, width: float, height: float, caption: str,
                 value_format: Callable[[float], str], axis: tuple[float, float, float] | None = None,
                 continued: str = "", fallback: str | None = None, vertical: bool | None = None) -> None:
        """`vertical` None decides by the bars (few units whose names fit side by side); the parts of a
        split chart keep the whole chart's orientation."""
        super().__init__()
        self.fallback = fallback
        self.bars = list(bars)
        self.font, self.width, self.full_height = font, width, height
        self.caption, self.continued, self.value_format = caption, continued, value_format
        self.axis = axis or axis_range([b.value for b in self.bars])
        n = max(len(self.bars), 1)
        longest = max((stringWidth(b.label, self.label_font(b.label), LABEL_SIZE) for b in self.bars), default=0.0)
        self.vertical = (n <= VERTICAL_MAX and longest + 4 <= (width - 14 * mm) / n) if vertical is None else vertical
        self.name_w = longest + 6
        self.height = self._natural()

    def label_font(self, label: str) -> str:
        """The main font, or the fallback when the main font lacks a character of `label`."""
        from core.reports.text import missing_chars

        return self.fallback if self.fallback and missing_chars(label, self.font) else self.font

    # ------------------------------------------------------------------ sizes
    def _caption_room(self) -> float:
        return 16.0 if self.caption else 4.0

    def _natural(self) -> float:
        if self.vertical:
            return self.full_height + LABEL_SIZE * 2.2
        return self._caption_room() + AXIS_SIZE * 2.5 + len(self.bars) * ROW + 4

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.height = self._natural()
        if self.vertical and self.height > avail_height >= MIN_VERTICAL + LABEL_SIZE * 2.2:
            self.height = avail_height - 1  # shorter, rather than leave the page blank
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if self.vertical:
            return []
        rows = int((avail_height - self._caption_room() - AXIS_SIZE * 2.5 - 4) // ROW)
        if rows < MIN_ROWS or len(self.bars) - rows < MIN_ROWS:
            rows = min(rows, len(self.bars) - MIN_ROWS)
        if rows < MIN_ROWS:
            return []
        args = {"font": self.font, "width": self.width, "height": self.full_height,
                "value_format": self.value_format, "axis": self.axis, "continued": self.continued,
                "fallback": self.fallback, "vertical": False}
        first = ScoreChart(self.bars[:rows], caption=self.caption, **args)
        rest = ScoreChart(self.bars[rows:], caption=self.continued or self.caption, **args)
        return [first, rest]

    # ------------------------------------------------------------------ drawing
    def drawing(self) -> Drawing:
        return self._vertical() if self.vertical else self._horizontal()

    def draw(self) -> None:
        self.drawing().drawOn(self.canv, 0, 0)

    def _caption(self, d: Drawing) -> None:
        if self.caption:
            d.add(String(self.width / 2, self.height - 11, self.caption, fontName=self.font, fontSize=10.5,
                         textAnchor="middle"))

    def _horizontal(self) -> Drawing:
        d = Drawing(self.width, self.height)
        low, high, step = self.axis
        value_w = stringWidth(self.value_format(high), self.font, VALUE_SIZE) + 6
        x0 = self.name_w
        plot_w = self.width - x0 - value_w
        top_y = self.height - self._caption_room()
        bottom_y = top_y - len(self.bars) * ROW
        scale = plot_w / (high - low)
        ticks = int(round((high - low) / step))
        for k in range(ticks + 1):
            v = low + k * step
            x = x0 + (v - low) * scale
            d.add(Line(x, bottom_y, x, top_y, strokeColor=GRID, strokeWidth=0.4))
            d.add(String(x, bottom_y - AXIS_SIZE - 2, self.value_format(v), fontName=self.font, fontSize=AXIS_SIZE,
                         textAnchor="middle"))
        d.add(Line(x0, bottom_y, x0, top_y, strokeColor=colors.black, strokeWidth=0.6))
        d.add(Line(x0, bottom_y, x0 + plot_w, bottom_y, strokeColor=colors.black, strokeWidth=0.6))
        if low > 0:
            _break_mark(d, x0 + 8, bottom_y, across=True)
        for i, b in enumerate(self.bars):
            y = top_y - (i + 1) * ROW
            length = max(b.value - low, 0) * scale
            d.add(Rect(x0, y + 2, length, ROW - 4, fillColor=RED if b.highlight else GREY, strokeColor=None))
            d.add(String(x0 - 3, y + 3, b.label, fontName=self.label_font(b.label), fontSize=LABEL_SIZE,
                         textAnchor="end"))
            d.add(String(x0 + length + 2, y + 3.5, self.value_format(b.value), fontName=self.font,
                         fontSize=VALUE_SIZE))
        self._caption(d)
        return d

    def _vertical(self) -> Drawing:
        d = Drawing(self.width, self.height)
        low, high, step = self.axis
        label_room = LABEL_SIZE * 2.2
        x0 = 12 * mm
        plot_w = self.width - 14 * mm
        y0 = label_room
        plot_h = self.height - label_room - self._caption_room() - VALUE_SIZE - 4
        scale = plot_h / (high - low)
        ticks = int(round((high - low) / step))
        for k in range(ticks + 1):
            v = low + k * step
            y = y0 + (v - low) * scale
            d.add(Line(x0, y, x0 + plot_w, y, strokeColor=GRID, strokeWidth=0.4))
            d.add(String(x0 - 3, y - AXIS_SIZE / 3, self.value_format(v), fontName=self.font, fontSize=AXIS_SIZE,
                         textAnchor="end"))
        d.add(Line(x0, y0, x0, y0 + plot_h, strokeColor=colors.black, strokeWidth=0.6))
        d.add(Line(x0, y0, x0 + plot_w, y0, strokeColor=colors.black, strokeWidth=0.6))
        if low > 0:
            _break_mark(d, x0, y0 + 8, across=False)
        slot = plot_w / max(len(self.bars), 1)
        bar_w = min(slot * 0.6, 14 * mm)
        for i, b in enumerate(self.bars):
            cx = x0 + (i + 0.5) * slot
            h = max(b.value - low, 0) * scale
            d.add(Rect(cx - bar_w / 2, y0, bar_w, h, fillColor=RED if b.highlight else GREY, strokeColor=None))
            d.add(String(cx, y0 + h + 2, self.value_format(b.value), fontName=self.font, fontSize=VALUE_SIZE,
                         textAnchor="middle"))
            d.add(String(cx, y0 - LABEL_SIZE - 2, b.label, fontName=self.label_font(b.label),
                         fontSize=LABEL_SIZE, textAnchor="middle"))
        self._caption(d)
        return d


def score_chart(bars: Sequence[Bar], *, font: str, width: float = 156 * mm, height: float = 70 * mm,
                caption: str = "", value_format: Callable[[float], str] = "{:g}".format,
                continued: str = "", fallback: str | None = None) -> ScoreChart:
    """One bar per entry of `bars`, labelled with `font` (a registered reportlab font name); `continued` is
    the caption of the part after a page break (default: the caption again)."""
    return ScoreChart(bars, font=font, width=width, height=height, caption=caption, value_format=value_format,
                      continued=continued, fallback=fallback)
