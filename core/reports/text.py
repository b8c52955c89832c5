"""Chinese text in reportlab paragraphs: line-start prohibition, escaping, fallback glyphs.

Contract:
- Importing this module adds the Chinese closing punctuation (，：；！？”’》〉」』】〕）…—％、。)
  to `ALL_CANNOT_START` in reportlab.lib.textsplit and reportlab.platypus.paragraph
  (idempotent), so such a character never starts a wrapped line (`wordWrap="CJK"`).
- `markup(text, main_font, fallback_font)` escapes user text for a Paragraph and
  wraps each run of characters the main font lacks in `<font name=fallback>`; a
  newline becomes `<br/>`. Both fonts are registered reportlab names.
- `para(text, style)` → Paragraph of `markup(text, style.fontName, fallback)` where the
  fallback is the style's `fallbackFont` attribute (set by layout.styles) if any.
- `missing_chars(text, font)`: the characters a registered font has no glyph for.
Any thread (the per-font cmap cache is filled idempotently); never imports Qt.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import textsplit
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import paragraph
from reportlab.platypus.paragraph import Paragraph

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


def markup(text: str, main_font: str, fallback_font: str | None) -> str:
    """Escaped paragraph markup of `text`, with the main font's missing characters in the fallback."""
    covered = _covered(main_font)
    lines = []
    for line in str(text).split("\n"):
        if covered is None or not fallback_font:
            lines.append(escape(line))
            continue
        out: list[str] = []
        run: list[str] = []
        for ch in line:
            if ord(ch) in covered or ch.isspace():
                if run:
                    out.append(f'<font name="{fallback_font}">{escape("".join(run))}</font>')
                    run = []
                out.append(escape(ch))
            else:
                run.append(ch)
        if run:
            out.append(f'<font name="{fallback_font}">{escape("".join(run))}</font>')
        lines.append("".join(out))
    return "<br/>".join(lines)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of user text in `style` (escaped, fallback glyphs, CJK wrapping)."""
    return Paragraph(markup(text, style.fontName, getattr(style, "fallbackFont", None)), style)
