"""Chinese text in reportlab paragraphs: line-start prohibition, no-break units, escaping, fallback glyphs.

Contract:
- Importing this module adds the Chinese closing punctuation (，：；！？”’》〉」』】〕）…—％、。)
  to `ALL_CANNOT_START` in reportlab.lib.textsplit and reportlab.platypus.paragraph
  (idempotent), so such a character never starts a wrapped line (`wordWrap="CJK"`).
- `markup(text, main_font, fallback_font)` escapes user text for a Paragraph and
  wraps each run of characters the main font lacks in `<font name=F>`, F the first
  font of `fallback_font` (a name or a sequence of names, tried in order) that has the
  character; a newline becomes `<br/>`. All fonts are registered reportlab names.
- `para(text, style, keep=())` → a `KeepParagraph` of `markup(text, style.fontName,
  chain)` where the chain is `fonts.fallback_chain` of the style's font and its
  `fallbackFont` attribute (set by layout.styles): the shipped faces nearest in weight
  first, so a bold title's rare character is drawn bold where a bold face has it.
- No-break units: a `KeepParagraph` wrapped CJK-style never breaks a line inside a date
  (2026年12月6日, 12月6日, 2026年12月, 2026-12-06, 2026/3/11), a document number
  (〔2026〕157号), a REF or task number (2026-12/TGZ, 2026-12), a Latin word or a number
  (13710, 95.5%) or a word of `keep` (personal names): the line ends before the unit instead, unless the unit alone is longer than a
  line. `keep` defaults to the words of the innermost `keeping(words)` block (a
  contextvar, so per thread), e.g. the names of the people a document mentions. Text
  without Chinese characters wraps as reportlab wraps it (between words).
- `missing_chars(text, font)`: the characters a registered font has no glyph for.
Any thread (the per-font cmap cache is filled idempotently); never imports Qt.
"""
from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from xml.sax.saxutils import escape

from reportlab.lib import textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph
from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines, cjkU, makeCJKParaLine

CANNOT_START = "，：；！？”’》〉」』】〕）…—％、。"


def _prohibit_line_starts() -> None:
    extra = "".join(ch for ch in CANNOT_START if ch not in textsplit.ALL_CANNOT_START)
    if extra:
        textsplit.ALL_CANNOT_START = textsplit.ALL_CANNOT_START + extra
    if any(ch not in paragraph.ALL_CANNOT_START for ch in CANNOT_START):
        paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START


_prohibit_line_starts()

_cmaps: dict[str, frozenset[int] | None] = {}


def _covered(font_name: str) -> frozenset[int] | None:
    """Code points the font maps, or None for a standard (non-TrueType) font."""
    if font_name not in _cmaps:
        font = pdfmetrics.getFont(font_name)
        face = getattr(font, "face", None)
        c2g = getattr(face, "charToGlyph", None)
        _cmaps[font_name] = frozenset(c2g) if c2g else None
    return _cmaps[font_name]


def missing_chars(text: str, font_name: str) -> set[str]:
    """Characters of `text` (other than whitespace) the font has no glyph for."""
    covered = _covered(font_name)
    if covered is None:
        return set()
    return {ch for ch in text if not ch.isspace() and ord(ch) not in covered}


def _font_for(ch: str, covered: frozenset[int], chain: Sequence[str]) -> str | None:
    """None when the main font has `ch`, else the first font of `chain` that has it (or None)."""
    if ord(ch) in covered or ch.isspace():
        return None
    for name in chain:
        other = _covered(name)
        if other is None or ord(ch) in other:
            return name
    return None


def markup(text: str, main_font: str, fallback_font: str | Sequence[str] | None) -> str:
    """Escaped paragraph markup of `text`, each character the main font lacks in the first fallback having it."""
    covered = _covered(main_font)
    chain = (fallback_font,) if isinstance(fallback_font, str) else tuple(fallback_font or ())
    lines = []
    for line in str(text).split("\n"):
        if covered is None or not chain:
            lines.append(escape(line))
            continue
        out: list[str] = []
        run: list[str] = []
        run_font: str | None = None
        for ch in line:
            font = _font_for(ch, covered, chain)
            if font != run_font and run:
                out.append(f'<font name="{run_font}">{escape("".join(run))}</font>' if run_font
                           else escape("".join(run)))
                run = []
            run_font = font
            run.append(ch)
        if run:
            out.append(f'<font name="{run_font}">{escape("".join(run))}</font>' if run_font else escape("".join(run)))
        lines.append("".join(out))
    return "<br/>".join(lines)


# ------------------------------------------------------------------ no-break units

UNIT_PATTERN = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{4}年"      # 2026年12月6日, 12月6日, 2026年12月
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"                              # 2026-12-06, 2026/3/11
    r"|[〔\[]\d{4}[〕\]]\d+号"                                      # 〔2026〕157号
    r"|\d{4}-\d+(?:/[A-Za-z0-9_-]+)?"                                # a REF 2026-12/TGZ, a task number
    r"|[0-9A-Za-z]+(?:[.,:%'’-][0-9A-Za-z]+)*%?")                      # a Latin word, a number: 13710, 95.5%
_keep_words: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("closeloop_keep_words", default=())


@contextmanager
def keeping(words: Iterable[str | None]) -> Iterator[None]:
    """Within the block, `para` keeps these words (e.g. personal names) unbroken too."""
    extra = tuple(w for w in words if w and len(w) > 1)
    token = _keep_words.set(_keep_words.get() + extra)
    try:
        yield
    finally:
        _keep_words.reset(token)


def no_break_positions(text: str, keep: Iterable[str] = ()) -> set[int]:
    """Indexes i of `text` where a line must not break before text[i] (inside a unit or a kept word)."""
    inside: set[int] = set()
    spans = [m.span() for m in UNIT_PATTERN.finditer(text)]
    for word in sorted(set(keep), key=len, reverse=True):
        start = text.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    for a, b in spans:
        inside.update(range(a + 1, b))
    return inside


def _keep_split(frags: list, max_widths: Sequence[float], calc_bounds: bool, nobreak: set[int]) -> ParaLines:
    """reportlab's cjkFragSplit (knife cuts between characters, a closing mark hangs), except that a
    break at a position of `nobreak` moves back to the start of its unit when the line holds more."""
    units = []
    for f in frags:
        text = f.text
        units.extend([cjkU(t, f, "utf8") for t in text] if text else [cjkU(text, f, "utf8")])
    lines = []
    i = used = start = 0
    max_width = max_widths[0]
    n = len(units)
    while i < n:
        u = units[i]
        i += 1
        used += u.width
        line_break = hasattr(u.frag, "lineBreak")
        if (used > max_width + paragraph._FUZZ and used > 0) or line_break:
            if not line_break:
                if u not in paragraph.ALL_CANNOT_START and i > start + 1:
                    i -= 1                      # push the character that overflowed to the next line
                while i < n and units[i] == " ":
                    i += 1                      # a space ends the line, never starts the next
                j = i
                while j in nobreak and j > start + 1:
                    j -= 1
                if j > start + 1 or j not in nobreak:
                    i = j
            width = sum(x.width for x in units[start:i])
            lines.append(makeCJKParaLine(units[start:i], max_width, width, max_width - width, line_break,
                                         calc_bounds))
            max_width = max_widths[min(len(lines), len(max_widths) - 1)]
            start = i
            used = 0
    if start < n:
        width = sum(x.width for x in units[start:])
        lines.append(makeCJKParaLine(units[start:], max_width, width, max_width - width, False, calc_bounds))
    return ParaLines(kind=1, lines=lines)


class KeepParagraph(Paragraph):
    """A Paragraph whose CJK wrapping keeps dates, numbers, REFs and the `keep` words whole."""

    def __init__(self, text: str | None, style: ParagraphStyle, *args, keep: Sequence[str] = (),  # noqa: ANN002
                 **kw) -> None:  # noqa: ANN003
        self._keep = tuple(keep)
        super().__init__(text, style, *args, **kw)

    def breakLinesCJK(self, maxWidths):  # noqa: ANN001, ANN201, N802, N803 (reportlab's names)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            # the first part of a split paragraph keeps its lines; reportlab marks them kind 1
            # even when they are its own kind-0 lines, and mends that for one fragment itself
            if self.blPara.lines and isinstance(self.blPara.lines[0], FragLine):
                return self.blPara
            return super().breakLinesCJK(maxWidths)
        frags = self.frags
        if (not frags or self.style.endDots
                or any(hasattr(f, "cbDefn") or not hasattr(f, "text") for f in frags)):
            return super().breakLinesCJK(maxWidths)
        text = "".join(f.text if f.text else "\n" for f in frags)
        nobreak = no_break_positions(text, self._keep) if any(ord(ch) >= 0x2E80 for ch in text) else None
        if not nobreak:
            return super().breakLinesCJK(maxWidths)
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        paragraph._handleBulletWidth(self.bulletText, self.style, maxWidths)
        auto = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
        return _keep_split(frags, maxWidths, auto not in ("", "off"), nobreak)

    def split(self, availWidth, availHeight):  # noqa: ANN001, ANN201, N803
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, KeepParagraph):
                part._keep = self._keep
        return parts


def para(text: str, style: ParagraphStyle, keep: Iterable[str] = ()) -> Paragraph:
    """A Paragraph of user text in `style` (escaped, fallback glyphs, CJK wrapping, no-break units)."""
    from core.reports.fonts import fallback_chain

    chain = fallback_chain(style.fontName, getattr(style, "fallbackFont", None))
    words = tuple(w for w in keep if w and len(w) > 1) + _keep_words.get()
    return KeepParagraph(markup(text, style.fontName, chain), style, keep=words)
