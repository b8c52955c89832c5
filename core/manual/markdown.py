"""The small Markdown subset the user manual is written in, parsed into blocks.

Contract: `parse(text)` → list of blocks, in order:
- `Heading(level, text, anchor)`: `#`, `##` or `###` lines; headings of level 2 and 3
  get the anchors `sec-1`, `sec-2`, … in order (level 1, the manual's title, none);
- `Paragraph(text)`: consecutive lines, joined (without a space between two Chinese
  characters, with one otherwise);
- `ListBlock(ordered, items)`: lines starting `- ` (or `* `) or `1. `; a line indented
  by two or more spaces continues the item above (lists are one level deep);
- `Table(header, rows)`: lines starting `|`, the second one the `|---|` rule;
- `Note(text)`: lines starting `> ` (a tip or a warning);
- `Code(text)`: a fenced block between two ``` lines, kept as written.
`inline(text)` → [(kind, text)] with kind `plain`, `bold` (`**…**`) or `code` (`` `…` ``).
Anything else is plain text: nothing in the manual can inject markup into the HTML or
the PDF, the renderers escape every piece. Pure functions, no Qt, any thread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

Inline = list[tuple[str, str]]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


Block = Heading | Paragraph | ListBlock | Table | Note | Code

_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
_RULE_CELL = re.compile(r"^:?-{3,}:?$")
_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one text: no space between two wide (Chinese) characters."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (_wide(out[-1]) and _wide(line[0])):
            out += " "
        out += line
    return out


def _cells(line: str) -> tuple[str, ...]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return tuple(c.strip() for c in body.split("|"))


def parse(text: str) -> list[Block]:
    """The blocks of `text` (see the module contract)."""
    blocks: list[Block] = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    sections = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if stripped.startswith("```"):
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            blocks.append(Code("\n".join(body)))
            i += 1
            continue
        m = _HEADING.match(stripped)
        if m:
            level = len(m.group(1))
            anchor = ""
            if level > 1:
                sections += 1
                anchor = f"sec-{sections}"
            blocks.append(Heading(level, m.group(2), anchor))
            i += 1
            continue
        if stripped.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = _cells(lines[i])
                if not all(_RULE_CELL.match(c) for c in cells if c):
                    rows.append(cells)
                i += 1
            if rows:
                width = len(rows[0])
                body_rows = tuple(tuple((list(r) + [""] * width)[:width]) for r in rows[1:])
                blocks.append(Table(rows[0], body_rows))
            continue
        if stripped.startswith(">"):
            body = []
            while i < len(lines) and lines[i].strip().startswith(">"):
                body.append(lines[i].strip()[1:])
                i += 1
            blocks.append(Note(join_lines(body)))
            continue
        if _BULLET.match(stripped) or _NUMBERED.match(stripped):
            ordered = _BULLET.match(stripped) is None
            pattern = _NUMBERED if ordered else _BULLET
            items: list[list[str]] = []
            while i < len(lines):
                cur = lines[i]
                m2 = pattern.match(cur.strip()) if not cur.startswith("  ") else None
                if m2:
                    items.append([m2.group(1)])
                elif cur.startswith("  ") and cur.strip() and items:
                    items[-1].append(cur)
                else:
                    break
                i += 1
            blocks.append(ListBlock(ordered, tuple(join_lines(it) for it in items)))
            continue
        body = []
        while i < len(lines):
            cur = lines[i].strip()
            if (not cur or cur.startswith(("```", "|", ">")) or _HEADING.match(cur)
                    or _BULLET.match(cur) or _NUMBERED.match(cur)):
                break
            body.append(cur)
            i += 1
        blocks.append(Paragraph(join_lines(body)))
    return blocks


def inline(text: str) -> Inline:
    """`text` cut into plain, bold and code pieces."""
    out: Inline = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(("plain", text[pos:m.start()]))
        out.append(("bold", m.group(1)) if m.group(1) is not None else ("code", m.group(2)))
        pos = m.end()
    if pos < len(text):
        out.append(("plain", text[pos:]))
    return out


def plain_text(text: str) -> str:
    """`text` without its inline marks (for the contents list and PDF bookmarks)."""
    return "".join(piece for _kind, piece in inline(text))
