"""GB/T 9704-2012 geometry of the official documents: masthead, 版记, page numbers (docs/design.md §9).

Contract (all lengths in points; "from the top" means from the paper's top edge; a
line of text is measured by its em box as a PDF reader reports it: top = baseline
minus the font's ascent, bottom = baseline plus its descent):
- `masthead(fonts, form, agency, number)` → Masthead: where the 发文机关标志, the
  发文字号 and the red rules go on the first page and `title_top`, the top of the title.
  文件格式 (`form="file"`, the bulletins): the 标志's top 35 mm below the text block's
  top (72 mm from the top), the number centred two blank lines (of the 22-line body
  grid) below it, a red rule the width of the block 4 mm below the number, the title
  two blank lines below the rule. 信函格式 (`form="letter"`, the notices, GB/T 9704
  §10.1): the 标志 30 mm from the top, a red double rule (thick over thin) 4 mm below
  it and another (thin over thick) 20 mm above the paper's bottom edge, both 170 mm
  long and centred on the block; the number flush right, 7/8 of a 3号 character's
  height below the first double rule; the title two lines below the number.
  `Masthead.draw(canvas)` paints it.
- `Colophon(fonts, form, copy_to, printed_by, printed_on)`: the 版记 flowable. 文件格式:
  抄送 (when there is a list) and 印发机关 + 印发日期 in 4号 仿宋 between full-width
  rules (first and last 0.35 mm, the middle 0.25 mm), the last rule on the block's bottom
  edge, on the last even page (`AtPageBottom`). 信函格式: 抄送 alone, no rules, at the
  bottom of the last page.
- `AtPageBottom(content, doc, even)`: puts `content` at the bottom of the text block on
  the page the story ends on, or on the next page (the next even page when `even`,
  adding a blank page when needed); records blank pages in `doc.blank_pages`.
- `draw_page_number(canvas, font, n, left, right, block_bottom)`: "— n —" in 4号 宋体,
  the dashes' line 7 mm below the block; odd pages right, even pages left, one
  character in.
Pure drawing; no database, no Qt; any thread.
"""
from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak

from core.format import long_date
from core.i18n import _
from core.reports.fonts import FontSet
from core.reports.text import para

PAPER_H = A4[1]
TOP = 37 * mm
LEFT = 28 * mm
BLOCK_W = 156 * mm
BLOCK_H = 225 * mm
LINE = BLOCK_H / 22                     # one line of the body grid
RED = colors.Color(0.9, 0, 0)
AGENCY_MAX = {"file": 36, "letter": 28}  # pt; a long name is set smaller to fit the block's width
NUMBER_SIZE = 16                        # 3号
AGENCY_TOP = {"file": TOP + 35 * mm, "letter": 30 * mm}
RULE_GAP = 4 * mm
RED_RULE = 1.5                          # pt, the 文件格式 red rule
LETTER_RULE_W = 170 * mm
LETTER_THICK, LETTER_THIN, LETTER_GAP = 1.5, 0.5, 1.2   # pt: the double rule's lines and the space between
LETTER_BOTTOM = 20 * mm
COLOPHON_SIZE = 14                      # 4号
THICK = 0.35 * mm
THIN = 0.25 * mm
PAGE_NUMBER_SIZE = 14
PAGE_NUMBER_GAP = 7 * mm


def ascent(font: str, size: float) -> float:
    """From the baseline up to the em box's top (size + descent; descent is negative)."""
    return size * (1 + pdfmetrics.getFont(font).face.descent / 1000)


def descent(font: str, size: float) -> float:
    """From the baseline down to the em box's bottom (positive)."""
    return -size * pdfmetrics.getFont(font).face.descent / 1000


def dash_rise(font: str, size: float) -> float:
    """How far above the baseline the middle of the font's '—' stroke is (0.35 em if unknown)."""
    try:
        face = pdfmetrics.getFont(font).face
        glyph = face.charToGlyph[0x2014]
        start = face.table["glyf"]["offset"] + face.glyphPos[glyph]
        _n, _x0, y0, _x1, y1 = struct.unpack(">hhhhh", face._ttf_data[start:start + 10])
        return size * (y0 + y1) / 2 / face.unitsPerEm
    except (KeyError, IndexError, AttributeError, struct.error):
        return size * 0.35


@dataclass(frozen=True)
class Masthead:
    """The first page's letterhead, placed (see the module contract)."""

    form: str
    fonts: FontSet
    agency: str
    agency_size: float
    agency_top: float                   # from the top
    number: str
    number_top: float                   # from the top
    rules: tuple[tuple[float, float, float, float], ...]   # (centre from the top, x0, x1, thickness)
    title_top: float                    # from the top

    def draw(self, c: Canvas) -> None:
        c.saveState()
        c.setFillColor(RED)
        if self.agency:
            f = self.fonts.xiaobiaosong
            c.setFont(f, self.agency_size)
            c.drawCentredString(LEFT + BLOCK_W / 2, PAPER_H - self.agency_top - ascent(f, self.agency_size),
                                self.agency)
        c.setStrokeColor(RED)
        for y, x0, x1, w in self.rules:
            c.setLineWidth(w)
            c.line(x0, PAPER_H - y, x1, PAPER_H - y)
        c.setFillColor(colors.black)
        if self.number:
            f = self.fonts.fangsong
            c.setFont(f, NUMBER_SIZE)
            y = PAPER_H - self.number_top - ascent(f, NUMBER_SIZE)
            if self.form == "letter":
                c.drawRightString(LEFT + BLOCK_W, y, self.number)
            else:
                c.drawCentredString(LEFT + BLOCK_W / 2, y, self.number)
        c.restoreState()


def _double(top: float, thick_first: bool) -> list[tuple[float, float, float, float]]:
    x0 = LEFT + BLOCK_W / 2 - LETTER_RULE_W / 2
    first, second = (LETTER_THICK, LETTER_THIN) if thick_first else (LETTER_THIN, LETTER_THICK)
    y1 = top + first / 2
    y2 = top + first + LETTER_GAP + second / 2
    return [(y1, x0, x0 + LETTER_RULE_W, first), (y2, x0, x0 + LETTER_RULE_W, second)]


def masthead(fonts: FontSet, form: str, agency: str, number: str) -> Masthead:
    """Place the letterhead of a `form` ('file' or 'letter') document (see the module contract)."""
    size = most = AGENCY_MAX[form]
    if agency:
        size = min(most, most * BLOCK_W / max(1.0, stringWidth(agency, fonts.xiaobiaosong, most)))
    top = AGENCY_TOP[form]
    if not agency and not number:           # a bare page: the text starts at the block's top
        return Masthead(form, fonts, "", size, top, "", top, (), TOP)
    bottom = top + size if agency else top
    rules: list[tuple[float, float, float, float]] = []
    if form == "letter":
        rules += _double(bottom + RULE_GAP, thick_first=True)
        rules += _double(PAPER_H - LETTER_BOTTOM - (LETTER_THICK + LETTER_GAP + LETTER_THIN), thick_first=False)
        under = rules[1][0] + LETTER_THIN / 2
        number_top = under + NUMBER_SIZE * 7 / 8
        last = number_top + NUMBER_SIZE if number else under
        title_top = last + 2 * LINE
    else:
        number_top = bottom + 2 * LINE
        last = number_top + NUMBER_SIZE if number else bottom
        rule = last + RULE_GAP
        rules.append((rule + RED_RULE / 2, LEFT, LEFT + BLOCK_W, RED_RULE))
        title_top = rule + RED_RULE + 2 * LINE
    return Masthead(form, fonts, agency, size, top, number, number_top, tuple(rules), title_top)


@dataclass(frozen=True)
class Closing:
    """What the 版记 prints: the 抄送 list (may be empty), the 印发机关 and the 印发日期."""

    copy_to: str
    printed_by: str
    printed_on: dt.date


class Colophon(Flowable):
    """The 版记 (see the module contract); 文件格式: its height is whole lines of the body grid."""

    def __init__(self, fonts: FontSet, form: str, closing: Closing) -> None:
        super().__init__()
        self.fonts, self.form, self.closing = fonts, form, closing
        self.cc_style = ParagraphStyle("colophon", fontName=fonts.fangsong, fontSize=COLOPHON_SIZE,
                                       leading=COLOPHON_SIZE * 1.25, wordWrap="CJK", alignment=TA_LEFT,
                                       leftIndent=COLOPHON_SIZE, rightIndent=COLOPHON_SIZE)
        self.cc_style.fallbackFont = fonts.fallback
        self.cc = None
        if closing.copy_to.strip():
            text = _("Copy to: {units}.").format(units=closing.copy_to.strip().rstrip("。."))
            self.cc = para(text, self.cc_style)

    def _rows(self, width: float) -> list[float]:
        rows = []
        if self.cc is not None:
            _w, h = self.cc.wrap(width, 10_000)
            # 文件格式: whole lines of the grid; 信函格式: the lines of the list alone
            rows.append(max(1, -(-(h + 4) // LINE)) * LINE if self.form == "file" else h)
        if self.form == "file":
            rows.append(LINE)
        return rows

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.rows = self._rows(aw)
        self.height = sum(self.rows)
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        y = self.height
        file = self.form == "file"
        thickness = [THICK] + [THIN] * (len(self.rows) - 1)
        for i, h in enumerate(self.rows):
            if file:
                c.setLineWidth(thickness[i])
                c.line(0, y - thickness[i] / 2, self.width, y - thickness[i] / 2)
            if i == 0 and self.cc is not None:
                _w, ph = self.cc.wrap(self.width, h)
                self.cc.drawOn(c, 0, y - h + (h - ph) / 2)
            else:
                self._printed_line(c, y - h, h)
            y -= h
        if file:
            c.setLineWidth(THICK)
            c.line(0, THICK / 2, self.width, THICK / 2)

    def _printed_line(self, c: Canvas, y: float, h: float) -> None:
        """印发机关 one character in from the left, 印发日期 one character in from the right, centred in the row."""
        f = self.fonts.fangsong
        baseline = y + (h - COLOPHON_SIZE) / 2 + descent(f, COLOPHON_SIZE)
        left = ParagraphStyle("printed_by", parent=self.cc_style, rightIndent=0)
        right = ParagraphStyle("printed_on", parent=self.cc_style, alignment=TA_RIGHT, leftIndent=0)
        left.fallbackFont = right.fallbackFont = self.fonts.fallback
        on = _("Printed on {date}").format(date=long_date(self.closing.printed_on))
        for text, style in ((self.closing.printed_by, left), (on, right)):
            p = para(text, style)
            _w, ph = p.wrap(self.width, h)
            p.drawOn(c, 0, baseline - ph + COLOPHON_SIZE)


class AtPageBottom(Flowable):
    """`content` at the bottom of the text block, on an even page when `even` (see the module contract)."""

    def __init__(self, content: Flowable, doc: Any, even: bool) -> None:
        super().__init__()
        self.content, self.doc, self.even = content, doc, even

    def _fits(self, aw: float, ah: float) -> bool:
        _w, h = self.content.wrap(aw, ah)
        return h <= ah + 0.01 and (not self.even or self.doc.page % 2 == 0)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, ah
        return (aw, ah - 1e-6) if self._fits(aw, ah) else (aw, ah + 1)

    def split(self, aw: float, ah: float) -> list[Flowable]:
        if self._fits(aw, ah):
            return [self]
        if self.doc.frame._atTop:            # nothing on this page: it stays blank
            self.doc.blank_pages.add(self.doc.page)
        return [PageBreak(), AtPageBottom(self.content, self.doc, self.even)]

    def draw(self) -> None:
        _w, h = self.content.wrap(self.width, self.height)
        self.content.drawOn(self.canv, 0, 0)
        self.doc.closing_page = self.doc.page


def draw_page_number(c: Canvas, font: str, n: int, left: float, right: float, block_bottom: float) -> None:
    """"— n —", its dashes 7 mm below the block's bottom edge (`block_bottom`, a y from the paper's bottom)."""
    label = f"— {n} —"
    y = block_bottom - PAGE_NUMBER_GAP - dash_rise(font, PAGE_NUMBER_SIZE)
    c.setFont(font, PAGE_NUMBER_SIZE)
    if n % 2:
        c.drawRightString(right - PAGE_NUMBER_SIZE, y, label)
    else:
        c.drawString(left + PAGE_NUMBER_SIZE, y, label)
