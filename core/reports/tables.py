"""Landscape list documents (docs/design.md §9 "tables may use landscape A4"): the weekly list, the ledger, a unit's list.

Contract: `render_table(out, doc)` writes `doc` (a `TableDoc`: title, subtitle,
columns, rows, footer, per-cell colours) as a landscape A4 PDF through
`atomic_output` and returns its page count. The column header row repeats on
every page; from page 2 on a running line repeats the title and the subtitle (so
the year of dates printed without it, 3月11日, is named on every page); every page carries
"— N —" at its foot. Cell text is user text: it is escaped and wrapped CJK-style
with the closing-punctuation rule of `core.reports.text`, characters the main
font lacks printed in the fallback font. Speed (a 2,000-row ledger in about 1.5 s):
a cell whose text fits on one line in the main font is drawn as a plain string
(the same look, no Paragraph), columns with `wrap=False` always are, every row is
measured once and the pages are cut here, one table per page. A column with
`fit=True` (personal names) is as wide as its longest text in the data (at least
two header characters, at most a quarter of the width), the difference taken from
or given to the widest wrapping column, and its words never break inside a line.
Runs on the caller's thread; never imports Qt.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import LongTable, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle

from core.format import doc_date
from core.i18n import _
from core.reports.atomic_file import atomic_output, check_out

PAGE = landscape(A4)
MARGIN_X = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
TEXT_WIDTH = PAGE[0] - 2 * MARGIN_X
FRAME_WIDTH = TEXT_WIDTH - 12  # SimpleDocTemplate's frame pads 6 pt on each side
FRAME_HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM - 12
FIT_SLACK = 1.0  # points kept free at a page's foot against rounding
BODY_SIZE = 9.5
PLAIN_LEADING = BODY_SIZE + 3.5  # as the wrapped cells, so every one-line row is as tall
PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT = 2.5, 3.0, 3.0, 2.0
# light cell colours: readable in black and white too (the text says the light)
LIGHT_COLOURS = {"red": colors.HexColor("#F4B6B0"), "yellow": colors.HexColor("#FBE7A1"),
                 "green": colors.HexColor("#C9E7C3")}
HEADER_BACKGROUND = colors.HexColor("#E6E6E6")


@dataclass(frozen=True)
class Column:
    """One column: its header, its share of the text width and how its cells are drawn: user text
    wrapped CJK-style (the default), a `label` (the app's own short words: wrapped between words,
    centred) or, with `wrap=False`, a plain string that never wraps (numbers, codes, dates).
    `fit=True`: personal names, the column sized to the longest one in the rows."""

    title: str
    width_mm: float
    wrap: bool = True
    align: str = "LEFT"
    label: bool = False
    fit: bool = False


@dataclass
class TableDoc:
    """What a list document shows. `rows` hold plain strings (escaped here); `fills` maps
    (row index, column index) to a background colour."""

    title: str
    subtitle: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[str]]
    footer: str
    pdf_title: str = ""
    fills: dict[tuple[int, int], Any] = field(default_factory=dict)


def date_text(d: dt.date | None, year: int | None = None) -> str:
    """A date as documents write it (core.format.doc_date: 2026年11月27日, or 11月27日 when `year` — the
    year the title or subtitle names — is its year); empty for None."""
    return "" if d is None else doc_date(d, year)


class _Styles:
    def __init__(self, fonts: Any) -> None:
        self.fonts = fonts
        self.title = ParagraphStyle("list-title", fontName=fonts.xiaobiaosong, fontSize=18, leading=26,
                                    alignment=1, wordWrap="CJK")
        self.subtitle = ParagraphStyle("list-subtitle", fontName=fonts.kaiti, fontSize=12, leading=18,
                                       alignment=1, wordWrap="CJK")
        self.head = ParagraphStyle("list-head", fontName=fonts.heiti, fontSize=BODY_SIZE + 0.5,
                                   leading=BODY_SIZE + 4, alignment=1, wordWrap="CJK")
        self.head_latin = ParagraphStyle("list-head-latin", parent=self.head, wordWrap=None)  # whole words
        # a closing punctuation mark that cannot start a line hangs past the line's end (reportlab's
        # CJK wrapping): the right indent keeps it inside the cell, clear of the grid line
        self.cell = ParagraphStyle("list-cell", fontName=fonts.songti, fontSize=BODY_SIZE,
                                   leading=BODY_SIZE + 3.5, wordWrap="CJK", rightIndent=BODY_SIZE - 2)
        self.footer = ParagraphStyle("list-footer", fontName=fonts.fangsong, fontSize=12, leading=18,
                                     wordWrap="CJK")
        self.running = ParagraphStyle("list-running", fontName=fonts.songti, fontSize=9, leading=12)
        self.label = ParagraphStyle("list-label", parent=self.cell, wordWrap=None, rightIndent=0, alignment=1)
        for style in (self.title, self.subtitle, self.head, self.head_latin, self.cell, self.label, self.footer,
                      self.running):
            style.fallbackFont = fonts.fallback  # read by core.reports.text.para


def _fit_widths(doc: TableDoc, st: _Styles, widths: list[float]) -> list[float]:
    """`widths` with each `fit` column as wide as its longest text (see the module docstring)."""
    widths = list(widths)
    donors = [i for i, c in enumerate(doc.columns) if c.wrap and not c.fit and not c.label]
    for i, c in enumerate(doc.columns):
        if not c.fit or not donors:
            continue
        longest = max((stringWidth(str(r[i]), st.cell.fontName, st.cell.fontSize) for r in doc.rows if r[i]),
                      default=0.0)
        need = longest + PAD_LEFT + PAD_RIGHT + st.cell.rightIndent + 0.5
        need = min(max(need, 2 * st.head.fontSize + PAD_LEFT + PAD_RIGHT), FRAME_WIDTH / 4)
        donor = max(donors, key=lambda k: widths[k])
        widths[donor] -= need - widths[i]
        widths[i] = need
    return widths


def _has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


def _row_height(cells: Sequence[Any], widths: Sequence[float]) -> float:
    """A body or header row's height: its tallest cell wrapped in its column (as Table measures it)."""
    h = PLAIN_LEADING
    for cell, w in zip(cells, widths, strict=True):
        if not isinstance(cell, str):
            h = max(h, cell.wrap(w - PAD_LEFT - PAD_RIGHT, 1e6)[1])
    return h + PAD_TOP + PAD_BOTTOM


def _flowables(doc: TableDoc, st: _Styles) -> list[Any]:
    """The title block, then one table per page (each with the header row), then the footer.

    The rows are measured once and cut into pages here: reportlab's own splitting of one long
    table rebuilds the remaining table at every page break, which made a 2,000-row ledger
    several times slower.
    """
    from core.reports.text import missing_chars, para

    total = sum(c.width_mm for c in doc.columns)
    widths = _fit_widths(doc, st, [c.width_mm / total * FRAME_WIDTH for c in doc.columns])
    wrap = [c.wrap for c in doc.columns]
    styles = [st.label if c.label else st.cell for c in doc.columns]
    header = [para(c.title, st.head if _has_cjk(c.title) else st.head_latin) for c in doc.columns]
    room = [w - PAD_LEFT - PAD_RIGHT - styles[i].rightIndent for i, w in enumerate(widths)]
    cells: dict[tuple[int, str], Any] = {}

    def cell(i: int, text: str) -> Any:
        """A plain string when the text fits on one line in the main font (drawn the same, far
        faster than a Paragraph), else a wrapping Paragraph; the same text is measured once."""
        if not wrap[i]:
            return text
        key = (i, text)
        if key not in cells:
            style = styles[i]
            fits = ("\n" not in text and not missing_chars(text, style.fontName)
                    and stringWidth(text, style.fontName, style.fontSize) <= room[i])
            keep = re.split(r"[、，,/\s]+", text) if doc.columns[i].fit else ()
            cells[key] = text if fits else para(text, style, keep=keep)
        return cells[key]

    body = [[cell(i, text) for i, text in enumerate(row)] for row in doc.rows]
    header_h = _row_height(header, widths)
    heights = [_row_height(row, widths) for row in body]
    base = [
        ("FONT", (0, 0), (-1, -1), st.fonts.songti, BODY_SIZE, PLAIN_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_LEFT),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_RIGHT),
    ]
    base += [("ALIGN", (i, 1), (i, -1), "CENTER" if c.label else c.align) for i, c in enumerate(doc.columns)
             if c.label or c.align != "LEFT"]
    fills: dict[int, list[tuple[int, Any]]] = {}
    for (row, col), fill in doc.fills.items():
        fills.setdefault(row, []).append((col, fill))

    flow: list[Any] = [para(doc.title, st.title)]
    if doc.subtitle:
        flow.append(para(doc.subtitle, st.subtitle))
    flow.append(Spacer(1, 4 * mm))
    avail = FRAME_HEIGHT - sum(f.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] for f in flow) - FIT_SLACK
    chunks: list[list[int]] = [[]]
    used = header_h
    for i, h in enumerate(heights):
        if chunks[-1] and used + h > avail:
            chunks.append([])
            used, avail = header_h, FRAME_HEIGHT - FIT_SLACK
        chunks[-1].append(i)
        used += h
    for n, chunk in enumerate(chunks):
        style = list(base)
        for pos, i in enumerate(chunk, 1):
            style += [("BACKGROUND", (col, pos), (col, pos), fill) for col, fill in fills.get(i, ())]
        table = Table([header, *(body[i] for i in chunk)], colWidths=widths,
                      rowHeights=[header_h, *(heights[i] for i in chunk)], repeatRows=1)
        table.setStyle(TableStyle(style))
        if n:
            flow.append(PageBreak())
        flow.append(table)
    flow.append(Spacer(1, 3 * mm))
    if doc.footer:
        flow.append(para(doc.footer, st.footer))
    return flow


def render_table(out: Path | str, doc: TableDoc, fonts: Any | None = None) -> int:
    """Write `doc` to `out` (atomically) as landscape A4; returns the number of pages."""
    check_out(out)
    if fonts is None:
        from core.reports.fonts import register_fonts

        fonts = register_fonts()
    from core.reports.text import para

    st = _Styles(fonts)
    running = para(_("{title}: {subtitle}").format(title=doc.title, subtitle=doc.subtitle) if doc.subtitle
                   else doc.title, st.running)
    running.wrap(TEXT_WIDTH, MARGIN_TOP)

    def later_page(canvas: Any, tpl: Any) -> None:
        running.drawOn(canvas, MARGIN_X, PAGE[1] - MARGIN_TOP + 5 * mm)
        foot(canvas, tpl)

    def foot(canvas: Any, tpl: Any) -> None:
        canvas.saveState()
        canvas.setFont(fonts.songti, 12)
        canvas.drawCentredString(PAGE[0] / 2, MARGIN_BOTTOM - 10 * mm, f"— {canvas.getPageNumber()} —")
        canvas.restoreState()

    with atomic_output(out) as tmp:
        template = SimpleDocTemplate(str(tmp), pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                                     topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
                                     title=doc.pdf_title or doc.title, author="Closeloop", creator="Closeloop")
        template.build(_flowables(doc, st), onFirstPage=foot, onLaterPages=later_page)
        pages = int(template.page)
    return pages


def plain_table(out: Path | str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """The benchmark's baseline: the same rows as a bare LongTable in Helvetica, no wrapping."""
    with atomic_output(out) as tmp:
        template = SimpleDocTemplate(str(tmp), pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                                     topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM)
        table = LongTable([list(headers), *[list(r) for r in rows]], repeatRows=1)
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 7),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        template.build([table])
        pages = int(template.page)
    return pages


__all__ = ["check_out", "Column", "TableDoc", "LIGHT_COLOURS", "PAGE", "date_text", "render_table",
           "plain_table"]
