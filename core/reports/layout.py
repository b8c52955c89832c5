"""Page layouts of the printed materials (docs/design.md §9, GB/T 9704-2012).

Contract:
- `styles(fonts)` → Styles: `body` (3号 仿宋 at 15.79 pt so 28 characters fill the
  156 mm line, leading 225 mm / 22 so 22 lines fill the block, 2-character first-line
  indent), `title` (2号 小标宋, centred), `heading1` (黑体) and `heading2` (楷体) on the
  body grid, `plain` (body without indent), `right` (body, right-aligned: signatures),
  `small`, `cell`, `cell_header`, `agency` (red 发文机关标志) and `doc_number`. Every
  style wraps CJK (`wordWrap="CJK"`) and carries `fallbackFont` for text.para.
- `official_document(out, *, story, fonts, agency, doc_number, title, unpublished=False,
  doc_title_meta='')` writes A4 portrait: top margin 37 mm, left 28 mm, text block
  156 × 225 mm; on the first page the red agency line and the document number with the
  red rule under it (each when given), then the title, then `story` (flowables, built
  with `styles(fonts)` and `text.para`); page numbers "— n —" in 4号 宋体 7 mm below the
  block, odd pages right and even pages left, one character in; "Not published" in
  red in the header of every page when `unpublished`. Returns the page count.
- `table_document(out, *, fonts, title, subtitle, columns, rows, footer, landscape=True,
  col_widths=None, row_styles=None)`: a list document; `columns` are the header texts,
  `rows` sequences of cell texts (str; None prints empty; a Flowable passes as is),
  `col_widths` relative weights scaled to the block width, `row_styles` extra
  TableStyle commands (row 0 is the header row, data rows start at 1). The header row
  repeats on every page; cells wrap; page numbers centred. Returns the page count.
- `form_table(rows, st, *, label_width=None, size=14)`: a ruled label/value form (rows of
  2 or 4 cells; labels fit their longest text); `signature(st, office, date)`: the
  issuing office and date, right-aligned, for the end of a notice.
- `doc_number(prefix, year, n)` → '卫督〔2026〕12号' (full year, no leading zeros).
Both documents write through `atomic_output`: a failure leaves no file.
Pure functions; no database, no Qt; any thread.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.format import long_date
from core.i18n import _
from core.reports import gbt9704
from core.reports.atomic_file import atomic_output
from core.reports.fonts import FontSet
from core.reports.gbt9704 import Closing
from core.reports.text import para

TOP = 37 * mm
LEFT = 28 * mm
BLOCK_W = 156 * mm
BLOCK_H = 225 * mm
BOTTOM = A4[1] - TOP - BLOCK_H          # 35 mm
LINES = 22
CHARS = 28
BODY_SIZE = 15.79                       # 3号 is 16 pt; 28 × 16 pt overflows 156 mm by a hair
LEADING = BLOCK_H / LINES - 0.01
PAGE_NUMBER_SIZE = 14                   # 4号
PAGE_NUMBER_GAP = 7 * mm
RED = colors.Color(0.9, 0, 0)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of the printed materials (see the module docstring)."""

    body: ParagraphStyle
    plain: ParagraphStyle
    right: ParagraphStyle
    title: ParagraphStyle
    heading1: ParagraphStyle
    heading2: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_header: ParagraphStyle
    agency: ParagraphStyle
    doc_number: ParagraphStyle
    fonts: FontSet


def _style(name: str, fonts: FontSet, font: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
    st = ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)
    st.fallbackFont = fonts.fallback  # read by text.para
    return st


def styles(fonts: FontSet) -> Styles:
    """The styles for one FontSet (cheap; build per document)."""
    body = _style("body", fonts, fonts.fangsong, BODY_SIZE, LEADING, firstLineIndent=2 * BODY_SIZE,
                  alignment=TA_JUSTIFY)
    return Styles(
        body=body,
        plain=_style("plain", fonts, fonts.fangsong, BODY_SIZE, LEADING, alignment=TA_LEFT),
        right=_style("right", fonts, fonts.fangsong, BODY_SIZE, LEADING, alignment=TA_RIGHT),
        # the 主送机关 one blank line below the title (GB/T 9704 7.3.2)
        title=_style("title", fonts, fonts.xiaobiaosong, 22, 30, alignment=TA_CENTER, spaceAfter=LEADING),
        heading1=_style("heading1", fonts, fonts.heiti, BODY_SIZE, LEADING, firstLineIndent=2 * BODY_SIZE),
        heading2=_style("heading2", fonts, fonts.kaiti, BODY_SIZE, LEADING, firstLineIndent=2 * BODY_SIZE),
        small=_style("small", fonts, fonts.fangsong, 12, 18),
        cell=_style("cell", fonts, fonts.songti, 10.5, 14),
        cell_header=_style("cell_header", fonts, fonts.heiti, 10.5, 14, alignment=TA_CENTER),
        agency=_style("agency", fonts, fonts.xiaobiaosong, 28, 34, alignment=TA_CENTER, textColor=RED),
        doc_number=_style("doc_number", fonts, fonts.fangsong, 16, LEADING, alignment=TA_CENTER),
        fonts=fonts,
    )


def doc_number(prefix: str, year: int, n: int) -> str:
    """'卫督〔2026〕12号': the office's prefix, the full year in 〔〕, the number without leading zeros."""
    return f"{prefix}〔{int(year)}〕{int(n)}号"


class _Doc(BaseDocTemplate):
    """Counts pages; at the end of each page draws its number, the unpublished mark and (page 1) the masthead."""

    def __init__(self, path: str, *, pagesize: tuple[float, float], frame: Frame, fonts: FontSet,
                 numbers: str, unpublished: bool, meta_title: str, head: gbt9704.Masthead | None = None) -> None:
        super().__init__(path, pagesize=pagesize, title=meta_title, author="Closeloop", creator="Closeloop",
                         leftMargin=frame._x1, bottomMargin=frame._y1,
                         rightMargin=pagesize[0] - frame._x1 - frame._width,
                         topMargin=pagesize[1] - frame._y1 - frame._height,
                         initialFontName=fonts.songti)  # no unembedded Helvetica in the page resources
        self._fonts = fonts
        self._numbers = numbers
        self._unpublished = unpublished
        self._head = head
        self.blank_pages: set[int] = set()
        self.closing_page = 0
        self.addPageTemplates([PageTemplate("page", frames=[frame], onPageEnd=self._decorate)])
        self.pages = 0

    def _numbered(self, n: int) -> bool:
        """GB/T 9704 §9.2, §10.1: no number on a letter's first page, a blank page, or the 版记 page after one."""
        if self._head is not None and self._head.form == "letter" and n == 1:
            return False
        return n not in self.blank_pages and not (n == self.closing_page and n - 1 in self.blank_pages)

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        n = canvas.getPageNumber()
        self.pages = max(self.pages, n)
        canvas.saveState()
        if n == 1 and self._head is not None:
            self._head.draw(canvas)
        if self._numbers == "centre":
            canvas.setFont(self._fonts.songti, PAGE_NUMBER_SIZE)
            canvas.drawCentredString(self.pagesize[0] / 2, self.bottomMargin - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE,
                                     f"— {n} —")
        elif self._numbered(n):
            gbt9704.draw_page_number(canvas, self._fonts.songti, n, self.leftMargin, self.leftMargin + self.width,
                                     self.bottomMargin)
        if self._unpublished:
            canvas.setFont(self._fonts.heiti, 14)
            canvas.setFillColor(RED)
            canvas.drawRightString(self.leftMargin + self.width, self.pagesize[1] - 20 * mm, _("Not published"))
        canvas.restoreState()


def _build(out: Path | str, doc_factory: Any, story: list[Flowable] | Any) -> int:
    with atomic_output(out) as tmp:
        doc = doc_factory(str(tmp))
        doc.build(story(doc) if callable(story) else story)
        return doc.pages


def official_document(out: Path | str, *, story: Sequence[Flowable], fonts: FontSet, agency: str | None,
                      doc_number: str | None, title: str, unpublished: bool = False,
                      doc_title_meta: str = "", form: str = "file", closing: Closing | None = None) -> int:
    """Write an official document (see the module docstring); returns the number of pages."""
    st = styles(fonts)
    head = gbt9704.masthead(fonts, form, agency or "", doc_number or "")
    lead: list[Flowable] = []
    if title:
        # the title's em box top at head.title_top: a paragraph's first baseline is fontSize below its top
        size = st.title.fontSize
        lead.append(Spacer(1, max(0.0, head.title_top - TOP - size + gbt9704.ascent(st.title.fontName, size))))
        lead.append(para(title, st.title))
    else:
        lead.append(Spacer(1, max(0.0, head.title_top - TOP)))
    frame = Frame(LEFT, BOTTOM, BLOCK_W, BLOCK_H, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
                  id="block")

    def make(path: str) -> _Doc:
        return _Doc(path, pagesize=A4, frame=frame, fonts=fonts, numbers="alternate", unpublished=unpublished,
                    meta_title=doc_title_meta or title, head=head)

    def flowables(doc: _Doc) -> list[Flowable]:
        tail: list[Flowable] = []
        if closing is not None and (form == "file" or closing.copy_to.strip()):
            tail.append(gbt9704.AtPageBottom(gbt9704.Colophon(fonts, form, closing), doc, even=form == "file"))
        return lead + list(story) + tail

    return _build(out, make, flowables)


def table_document(out: Path | str, *, fonts: FontSet, title: str, subtitle: str, columns: Sequence[str],
                   rows: Sequence[Sequence[Any]], footer: str, landscape: bool = True,
                   col_widths: Sequence[float] | None = None, row_styles: Sequence[tuple] | None = None) -> int:
    """Write a list document (see the module docstring); returns the number of pages."""
    st = styles(fonts)
    pagesize = to_landscape(A4) if landscape else A4
    side, top, bottom = 15 * mm, 18 * mm, 20 * mm
    width = pagesize[0] - 2 * side
    weights = list(col_widths) if col_widths else [1.0] * len(columns)
    total = sum(weights) or 1.0
    widths = [width * w / total for w in weights]

    def cell(value: Any, style: ParagraphStyle) -> Flowable:
        if isinstance(value, Flowable):
            return value
        return para("" if value is None else str(value), style)

    data = [[cell(c, st.cell_header) for c in columns]] + [[cell(v, st.cell) for v in r] for r in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.songti),      # plain-string cells: never Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *(row_styles or []),
    ]))
    story: list[Flowable] = [para(title, st.title)]
    if subtitle:
        sub = ParagraphStyle("subtitle", parent=st.plain, fontName=fonts.kaiti, fontSize=14, leading=20,
                             alignment=TA_CENTER, spaceAfter=6)
        sub.fallbackFont = fonts.fallback
        story.append(para(subtitle, sub))
    story.append(table)
    if footer:
        foot = ParagraphStyle("footer", parent=st.plain, fontSize=12, leading=18, spaceBefore=6)
        foot.fallbackFont = fonts.fallback
        story.append(para(footer, foot))
    frame = Frame(side, bottom, width, pagesize[1] - top - bottom, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="block")

    def make(path: str) -> _Doc:
        d = _Doc(path, pagesize=pagesize, frame=frame, fonts=fonts, numbers="centre", unpublished=False,
                 meta_title=title)
        return d

    return _build(out, make, story)


def fit_label_width(labels: Sequence[str], font: str, size: float, *, cap: float) -> float:
    """The width that fits the longest label on one line (with padding), at most `cap`."""
    return min(cap, max(stringWidth(x, font, size) for x in labels) + 8 + size * 0.5)


def form_table(rows: Sequence[Sequence[str]], st: Styles, *, label_width: float | None = None,
               width: float = BLOCK_W, size: float = 14) -> Table:
    """A form of label/value cells (labels in 黑体, values in 仿宋, wrapping) for notices and counterfoils.

    A row is (label, value) or (label, value, label, value); with any four-cell row the
    table has four columns and the two-cell rows span the value across the rest. The
    label columns fit the longest label unless `label_width` is given.
    """
    label = ParagraphStyle("form_label", parent=st.plain, fontName=st.fonts.heiti, fontSize=size,
                           leading=size * 1.4, alignment=TA_CENTER)
    value = ParagraphStyle("form_value", parent=st.plain, fontSize=size, leading=size * 1.4)
    label.fallbackFont = value.fallbackFont = st.fonts.fallback
    four = any(len(r) == 4 for r in rows)
    if label_width is None:
        labels = [r[i] for r in rows for i in (0, 2) if i < len(r)]
        label_width = fit_label_width(labels, st.fonts.heiti, size, cap=width * (0.2 if four else 0.3))
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), st.fonts.songti),   # plain-string cells: never Helvetica
        ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    data = []
    for n, r in enumerate(rows):
        cells: list[Any] = [para(r[0], label), para(r[1], value)]
        if len(r) == 4:
            cells += [para(r[2], label), para(r[3], value)]
        elif four:
            cells += ["", ""]
            commands.append(("SPAN", (1, n), (3, n)))
        data.append(cells)
    if four:
        half = (width - 2 * label_width) / 2
        widths = [label_width, half, label_width, half]
    else:
        widths = [label_width, width - label_width]
    table = Table(data, colWidths=widths)
    table.setStyle(TableStyle(commands))
    return table


def signature(st: Styles, office: str, on: dt.date, *, sealed: bool = True) -> list[Flowable]:
    """The issuing office and the date under the text (GB/T 9704 7.3.5).

    One blank line under the text, then the office and the date, kept together. With the seal
    (`sealed`, how Closeloop prints: the office stamps the printed copy; the seal's top then
    lies within the blank line) the date is four characters in from the right and the office
    is centred over the date. Without it, the office two characters in and the date starting
    two characters right of the office's first character (the office moves left when the date
    is the longer).
    """
    size = st.right.fontSize
    day = long_date(on)
    w_office = stringWidth(office, st.right.fontName, size)
    w_day = stringWidth(day, st.right.fontName, size)
    if sealed:
        day_in = 4 * size
        office_in = max(0.0, day_in + (w_day - w_office) / 2)
    else:
        office_in = 2 * size
        day_in = office_in + w_office - 2 * size - w_day
        if day_in < 2 * size:
            office_in += 2 * size - day_in
            day_in = 2 * size
    lines = []
    for text, indent, keep in ((office, office_in, 1), (day, day_in, 0)):
        # the office keeps with the date through keepWithNext, not a KeepTogether: a KeepTogether
        # nested in another (bulletin.signed) measures as never fitting and pushes both to the next page
        style = ParagraphStyle("signature", parent=st.right, rightIndent=indent, keepWithNext=keep)
        style.fallbackFont = st.fonts.fallback
        lines.append(para(text, style))
    return [Spacer(1, LEADING), *lines]
