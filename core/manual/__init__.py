"""The user manual (用户手册): Markdown files shipped in resources/manual/, one per language.

Contract:
- `manual_file(lang=None)` → the manual's path for `lang` (default `core.i18n.language()`):
  `zh_CN.md` for Chinese, `en.md` otherwise.
- `load(lang=None)` → `Manual`: `title` (the level-1 heading), `blocks`
  (core.manual.markdown), `contents` (the level-2 and level-3 headings as `Entry`:
  level, plain title, anchor) and `chapters` (the level-2 titles).
- `to_html(manual)` → an HTML document of the manual for QTextBrowser: every heading
  carries `<a name="sec-N">` for `scrollToAnchor`, every piece of text is escaped.
Reads files only; no Qt; any thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from core import i18n
from core.manual.markdown import (
    Block,
    Code,
    Heading,
    ListBlock,
    Note,
    Paragraph,
    Table,
    inline,
    parse,
    plain_text,
)
from core.paths import RESOURCES_DIR

# in the checkout, or under a frozen build's folder (core.paths; packaging/closeloop.spec carries it)
MANUAL_DIR = RESOURCES_DIR / "manual"
CELL = ' style="border: 1px solid #b0b0b0"'  # QTextBrowser draws cell rules only when each cell asks


@dataclass(frozen=True)
class Entry:
    level: int
    title: str
    anchor: str


@dataclass(frozen=True)
class Manual:
    lang: str
    title: str
    blocks: tuple[Block, ...]
    contents: tuple[Entry, ...]

    @property
    def chapters(self) -> list[str]:
        return [e.title for e in self.contents if e.level == 2]


def manual_lang(lang: str | None = None) -> str:
    """'zh_CN' or 'en': the manual that serves `lang` (default: the language in force)."""
    lang = lang or i18n.language()
    return "zh_CN" if lang.lower().startswith("zh") else "en"


def manual_file(lang: str | None = None) -> Path:
    return MANUAL_DIR / f"{manual_lang(lang)}.md"


def load(lang: str | None = None) -> Manual:
    """The manual of `lang` parsed (see the module contract)."""
    code = manual_lang(lang)
    blocks = tuple(parse(manual_file(code).read_text(encoding="utf-8")))
    title = next((plain_text(b.text) for b in blocks if isinstance(b, Heading) and b.level == 1), "")
    contents = tuple(Entry(b.level, plain_text(b.text), b.anchor)
                     for b in blocks if isinstance(b, Heading) and b.level > 1)
    return Manual(code, title, blocks, contents)


def _inline_html(text: str) -> str:
    out = []
    for kind, piece in inline(text):
        if kind == "bold":
            out.append(f"<b>{escape(piece)}</b>")
        elif kind == "code":
            out.append(f'<code style="background-color:#eef0f3">{escape(piece)}</code>')
        else:
            out.append(escape(piece))
    return "".join(out)


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        anchor = f'<a name="{block.anchor}"></a>' if block.anchor else ""
        return f"<h{block.level}>{anchor}{_inline_html(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_inline_html(block.text)}</p>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_inline_html(item)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        head = "".join(f'<th align="left" bgcolor="#e6e6e6"{CELL}>{_inline_html(c)}</th>' for c in block.header)
        rows = "".join("<tr>" + "".join(f"<td{CELL}>{_inline_html(c)}</td>" for c in row) + "</tr>"
                       for row in block.rows)
        return (f'<table border="1" cellspacing="0" cellpadding="4" width="100%" '
                f'style="border-collapse:collapse; border-color:#b0b0b0"><tr>{head}</tr>{rows}</table>')
    if isinstance(block, Note):
        return (f'<table width="100%" cellpadding="6" bgcolor="#fff7dd"><tr><td>{_inline_html(block.text)}'
                f"</td></tr></table>")
    if isinstance(block, Code):
        return f'<pre style="background-color:#eef0f3">{escape(block.text)}</pre>'
    raise TypeError(block)


def to_html(manual: Manual) -> str:
    """The manual as one HTML document (see the module contract)."""
    body = "\n".join(_block_html(b) for b in manual.blocks)
    return (f'<html><head><meta charset="utf-8"><title>{escape(manual.title)}</title></head>'
            f'<body style="line-height:140%">{body}</body></html>')
