"""The user manual as a PDF: a plain A4 book made with the app's own fonts (issue 17).

Contract: `render_manual(out, lang=None, *, fonts=None)` writes the manual of `lang`
(core.manual.load; default the language in force) to `out` and returns the page count.
Layout: A4 portrait, margins 22 mm left and right, 24 mm top, 22 mm bottom; page 1
holds the title, the version and the contents (chapters and sections with their
page numbers); then the chapters from page 2, a chapter on a new page when less than
90 mm are left, every heading kept with the first lines that follow it. Headings in 黑体, body text in 宋体 (CJK wrapping with the
closing-punctuation rule of core.reports.text for Chinese, between words for English),
`**bold**` in the bold serif (小标宋), `code` in 黑体 blue-grey, tables ruled with a grey header row
that repeats across pages, notes on a pale yellow ground. Every page but the first
carries the manual's title and the chapter in force at its top at its head, and every page "— N —" at its
foot. PDF bookmarks follow the chapters and sections. The file is written through
`atomic_output`: `out` is checked before any work (a folder, a missing or unwritable
folder is refused with a sentence) and a failure leaves no file. Reads no database;
never imports Qt; the caller's thread.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Preformatted,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

import core
from core.manual import Manual, load
from core.manual import markdown as md
from core.manual.markdown import Block, Code, Heading, ListBlock, Note, Paragraph, inline, plain_text
from core.reports.atomic_file import atomic_output, check_out
from core.reports.fonts import FontSet, fallback_chain, register_fonts
from core.reports.text import KeepParagraph, markup

PAGE = A4
LEFT = RIGHT = 22 * mm
TOP = 24 * mm
BOTTOM = 22 * mm
WIDTH = PAGE[0] - LEFT - RIGHT
BODY = 10.5
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#b0b0b0")
HEADER_BG = colors.HexColor("#e6e6e6")
NOTE_BG = colors.HexColor("#fff7dd")
CODE_BG = colors.HexColor("#eef0f3")
CODE_COLOUR = "#1f4e79"
# the book's own words are in the manual's language, whatever the language in force (`manual --lang en`)
BOOK_WORDS = {"zh_CN": {"version": "闭环督办 {version}", "contents": "目　录"},
              "en": {"version": "Closeloop {version}", "contents": "Contents"}}
CHAPTER_ROOM = 90 * mm  # a chapter starts on a new page when less than this is left


class _Styles:
    def __init__(self, fonts: FontSet, cjk: bool) -> None:
        wrap = "CJK" if cjk else None
        self.fonts = fonts

        def style(name: str, font: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
            st = ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap=wrap, **kw)
            st.fallbackFont = fonts.fallback
            return st

        self.title = style("title", fonts.xiaobiaosong, 24, 32, alignment=TA_CENTER, spaceAfter=6)
        self.subtitle = style("subtitle", fonts.songti, 11, 16, alignment=TA_CENTER, textColor=GREY,
                              spaceAfter=14)
        self.contents = style("contents", fonts.heiti, 14, 20, spaceBefore=6, spaceAfter=6)
        self.h2 = style("h2", fonts.heiti, 15, 21, spaceBefore=16, spaceAfter=8)
        self.h3 = style("h3", fonts.heiti, 11.5, 17, spaceBefore=8, spaceAfter=3)
        self.body = style("body", fonts.songti, BODY, 16.5, spaceAfter=5, alignment=TA_LEFT)
        self.item = style("item", fonts.songti, BODY, 16, leftIndent=14, bulletIndent=3, spaceAfter=2,
                          bulletFontName=fonts.heiti)
        self.cell = style("cell", fonts.songti, 9, 12.5)
        self.cell_header = style("cell_header", fonts.heiti, 9, 12.5)
        self.note = style("note", fonts.songti, BODY - 0.5, 15.5)
        self.toc = [style("toc1", fonts.songti, 11.5, 19, leftIndent=0, firstLineIndent=0, spaceBefore=4)]


def _markup(text: str, st: ParagraphStyle, fonts: FontSet) -> str:
    """Paragraph markup of a manual line: bold in the bold serif (小标宋), code in 黑体, every piece escaped."""
    out = []
    for kind, piece in inline(text):
        font = {"plain": st.fontName, "bold": fonts.xiaobiaosong}.get(kind, fonts.heiti)
        body = markup(piece, font, fallback_chain(font, fonts.fallback))
        if kind == "plain":
            out.append(body)
        elif kind == "bold":
            out.append(f'<font name="{font}">{body}</font>')
        else:
            out.append(f'<font name="{font}" color="{CODE_COLOUR}">{body}</font>')
    return "".join(out)


class _HeadingPara(KeepParagraph):
    """A heading that reports itself to the contents and the bookmarks once laid out."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, title: str, key: str) -> None:
        super().__init__(text, style)
        self.toc_level = level
        self.toc_title = title
        self.toc_key = key


class _Doc(BaseDocTemplate):
    def __init__(self, path: str, manual: Manual, st: _Styles) -> None:
        super().__init__(path, pagesize=PAGE, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
                         bottomMargin=BOTTOM, title=manual.title, author="Closeloop", creator="Closeloop",
                         initialFontName=st.fonts.songti)
        self._st = st
        self._manual = manual
        self._chapter = ""
        frame = Frame(LEFT, BOTTOM, WIDTH, PAGE[1] - TOP - BOTTOM, id="body", leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0)
        self._top_chapter = ""      # the chapter in force at the top of the page being laid out
        self._placed = 0            # flowables placed on that page so far
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._start, onPageEnd=self._decorate)])
        self.pages = 0

    def _start(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        self._top_chapter = self._chapter
        self._placed = 0

    def beforeDocument(self) -> None:  # noqa: N802 (reportlab's name); every pass of multiBuild starts afresh
        self._chapter = ""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, (ActionFlowable, CondPageBreak, Spacer)):
            return  # page breaks and spaces are not content on a page
        self._placed += 1
        if isinstance(flowable, _HeadingPara):
            key = flowable.toc_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_title, key, level=flowable.toc_level - 2, closed=True)
            if flowable.toc_level == 2:  # the contents list the chapters; the bookmarks the sections too
                self.notify("TOCEntry", (0, flowable.toc_title, self.page, key))
                self._chapter = flowable.toc_title
                if self._placed == 1 or not self._top_chapter:  # the page opens with this chapter
                    self._top_chapter = flowable.toc_title

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        fonts = self._st.fonts
        page = canvas.getPageNumber()
        self.pages = max(self.pages, page)
        canvas.saveState()
        canvas.setFont(fonts.songti, 10.5)
        canvas.drawCentredString(PAGE[0] / 2, BOTTOM - 12 * mm, f"— {page} —")
        if page > 1:
            canvas.setFont(fonts.songti, 8.5)
            canvas.setFillColor(GREY)
            y = PAGE[1] - TOP + 8 * mm
            canvas.drawString(LEFT, y, self._manual.title)
            if self._top_chapter:
                canvas.drawRightString(PAGE[0] - RIGHT, y, self._top_chapter)
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(LEFT, y - 2.5 * mm, PAGE[0] - RIGHT, y - 2.5 * mm)
        canvas.restoreState()


def _table(block: Any, st: _Styles) -> Table:
    columns = len(block.header)
    # column widths by the longest text of each column (Chinese counts double), within bounds
    def length(text: str) -> int:
        return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in plain_text(text))
    longest = [max([length(block.header[c])] + [length(r[c]) for r in block.rows]) for c in range(columns)]
    weights = [min(max(n, 6), 60) for n in longest]
    total = sum(weights)
    widths = [WIDTH * w / total for w in weights]
    data = [[KeepParagraph(_markup(c, st.cell_header, st.fonts), st.cell_header) for c in block.header]]
    data += [[KeepParagraph(_markup(c, st.cell, st.fonts), st.cell) for c in row] for row in block.rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ]))
    return table


def _story(manual: Manual, st: _Styles) -> list[Flowable]:
    fonts = st.fonts
    toc = TableOfContents(levelStyles=st.toc, dotsMinLevel=0)
    words = BOOK_WORDS[manual.lang]
    story: list[Flowable] = [
        KeepParagraph(_markup(manual.title, st.title, fonts), st.title),
        KeepParagraph(markup(words["version"].format(version=core.__version__), st.subtitle.fontName,
                             fonts.fallback), st.subtitle),
        KeepParagraph(markup(words["contents"], st.contents.fontName, fonts.fallback), st.contents),
        toc,
        PageBreak(),
    ]
    pending: list[Flowable] = []  # a heading kept with what follows it
    for block in manual.blocks:
        flowables = _flowables(block, st)
        if isinstance(block, Heading) and block.level == 1:
            continue
        if isinstance(block, Heading) and block.level == 2:
            story.extend(pending)
            pending = []
            story.append(CondPageBreak(CHAPTER_ROOM))
            pending = flowables
            continue
        if isinstance(block, Heading):
            story.extend(pending)
            story.append(CondPageBreak(30 * mm))
            pending = flowables
            continue
        if pending:
            head, first = pending, flowables[:1]
            story.append(KeepTogether([*head, *first]) if not isinstance(block, (md.Table, Code)) else
                         KeepTogether(head))
            story.extend(flowables if isinstance(block, (md.Table, Code)) else flowables[1:])
            pending = []
        else:
            story.extend(flowables)
    story.extend(pending)
    return story


def _flowables(block: Block, st: _Styles) -> list[Flowable]:
    fonts = st.fonts
    if isinstance(block, Heading):
        style = st.h2 if block.level == 2 else st.h3
        return [_HeadingPara(_markup(block.text, style, fonts), style, block.level, plain_text(block.text),
                             block.anchor or "title")]
    if isinstance(block, Paragraph):
        return [KeepParagraph(_markup(block.text, st.body, fonts), st.body)]
    if isinstance(block, ListBlock):
        out: list[Flowable] = []
        for n, item in enumerate(block.items, 1):
            bullet = f"{n}." if block.ordered else "•"
            out.append(KeepParagraph(_markup(item, st.item, fonts), st.item, bulletText=bullet))
        out.append(Spacer(1, 3))
        return out
    if isinstance(block, md.Table):
        return [_table(block, st), Spacer(1, 7)]
    if isinstance(block, Note):
        box = Table([[KeepParagraph(_markup(block.text, st.note, fonts), st.note)]], colWidths=[WIDTH])
        box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), NOTE_BG),
                                 ("LINEBEFORE", (0, 0), (0, -1), 2, colors.HexColor("#e0b000")),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 7), ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                                 ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        return [box, Spacer(1, 7)]
    if isinstance(block, Code):
        code_style = ParagraphStyle("code", fontName=fonts.heiti, fontSize=8.5, leading=12,
                                    backColor=CODE_BG, borderPadding=4, leftIndent=4, rightIndent=4)
        return [Spacer(1, 3), Preformatted(block.text, code_style), Spacer(1, 9)]
    raise TypeError(block)


def render_manual(out: Path | str, lang: str | None = None, *, fonts: FontSet | None = None) -> int:
    """Write the manual of `lang` to `out` (see the module contract); returns the page count."""
    check_out(out)
    manual = load(lang)
    st = _Styles(fonts or register_fonts(), cjk=manual.lang.startswith("zh"))
    with atomic_output(out) as tmp:
        doc = _Doc(str(tmp), manual, st)
        doc.multiBuild(_story(manual, st))
        pages = doc.pages
    return pages
