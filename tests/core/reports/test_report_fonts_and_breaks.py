"""Fonts per role, no missing glyph, and no date, REF or name broken across lines (issue 14), read back from PDFs.

Each document is read back with pdfplumber: a character's font name (the PostScript
name after the subset tag) says which face printed it, and that face's own cmap
(the shipped file, read with reportlab) must have the character.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from _pdf_layout_checks import restore_fonts, shipped_fonts_only

from core.reports import fonts as font_mod

FILLER = "督查工作要抓落实见实效按期办结"          # 15 full-width characters, no punctuation
UNITS = ("2026年12月6日", "12月6日", "2026-12/TGZ", "欧阳镕堃", "〔2026〕157号")


@pytest.fixture(autouse=True)
def _fonts() -> Iterator[None]:
    shipped_fonts_only()
    yield
    restore_fonts()


@pytest.fixture
def fonts():  # noqa: ANN201
    return font_mod.register_fonts()


def _cmaps() -> dict[str, frozenset[int]]:
    """PostScript name -> the code points of each shipped face."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    out = {}
    for name in (font_mod.SHIPPED_SERIF, font_mod.SHIPPED_SERIF_BOLD, font_mod.SHIPPED_KAI, font_mod.SHIPPED_SANS):
        face = TTFontFile(str(font_mod.SHIPPED_DIR / name), subfontIndex=0)
        out[face.name.decode() if isinstance(face.name, bytes) else face.name] = frozenset(face.charToGlyph)
    return out


def _chars(pdf: Path) -> list[dict]:
    with pdfplumber.open(pdf) as doc:
        return [c for page in doc.pages for c in page.chars]


def _base(fontname: str) -> str:
    """The PostScript name without the subset tag (and without reportlab's '-0' for a face of a .ttc)."""
    name = fontname.split("+", 1)[-1]
    return name[:-2] if name.endswith("-0") else name


def _assert_no_missing_glyph(pdf: Path) -> None:
    cmaps = _cmaps()
    missing = [(c["text"], _base(c["fontname"])) for c in _chars(pdf)
               if not c["text"].isspace() and ord(c["text"]) not in cmaps[_base(c["fontname"])]]
    assert not missing, missing


def _official(out: Path, fonts, story_of, **kw) -> None:  # noqa: ANN001
    from core.reports import layout

    st = layout.styles(fonts)
    kw.setdefault("agency", None)
    kw.setdefault("doc_number", None)
    kw.setdefault("title", "")
    layout.official_document(out, story=story_of(st), fonts=fonts, **kw)


def test_each_role_prints_in_its_own_face_and_no_glyph_is_missing(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    from core.reports.text import para

    out = tmp_path / "roles.pdf"
    _official(out, fonts, lambda st: [para("一、总体情况欧阳镕堃", st.heading1), para("（一）完成情况王堃喆", st.heading2),
                                      para("正文内容朱镕基张喆冇", st.body)],
              agency="示例县欧阳镕堃督查室", title="关于朱镕堃喆同志的通报")
    chars = _chars(out)

    def face(ch: str, near: str) -> str:
        """The face of the first `ch` in the text following `near`."""
        text = "".join(c["text"] for c in chars)
        return _base(chars[text.index(ch, text.index(near))]["fontname"])

    assert face("示", "示例县") == face("镕", "示例县") == face("镕", "关于朱") == "CloseloopSerifSC-Bold"  # 小标宋
    assert face("一", "一、") == face("镕", "一、总体") == "WenQuanYiMicroHei"                            # 黑体
    assert face("完", "（一）") == face("堃", "（一）完成") == "CloseloopKaiSC-Regular"                   # 楷体
    assert face("正", "正文") == face("镕", "正文") == "CloseloopSerifSC-Regular"                        # 仿宋
    title_top = min(c["top"] for c in chars if c["text"] == "关")           # the masthead is above the title
    red = [c for c in chars if c["text"] in "镕堃" and c["top"] < title_top]
    assert red and all(c["non_stroking_color"] == pytest.approx((0.9, 0, 0)) for c in red)  # the red masthead
    _assert_no_missing_glyph(out)


def test_a_rare_character_takes_the_face_nearest_in_weight(fonts) -> None:  # noqa: ANN001
    from core.reports.fonts import fallback_chain
    from core.reports.text import missing_chars

    chain = fallback_chain(fonts.xiaobiaosong, fonts.fallback)
    assert chain[0] == fonts.fallback and fonts.xiaobiaosong not in chain   # no other bold face ships
    assert fallback_chain(fonts.kaiti, fonts.fallback)[0] == fonts.fallback
    assert not missing_chars("欧阳镕堃王堃喆", fonts.kaiti) and not missing_chars("欧阳镕堃王堃喆", fonts.xiaobiaosong)


def _lines(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [ln["text"].replace(" ", "") for page in doc.pages for ln in page.extract_text_lines()]


def _splits(lines: list[str], unit: str) -> list[tuple[str, str]]:
    """Consecutive lines that end with a head of `unit` and start with the rest of it."""
    return [(a, b) for a, b in zip(lines, lines[1:], strict=False)
            for j in range(1, len(unit)) if a.endswith(unit[:j]) and b.startswith(unit[j:])]


def test_dates_refs_numbers_and_names_never_break_inside_a_line(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    from core.reports.text import keeping, para

    def story(st):  # noqa: ANN001, ANN202
        with keeping(["欧阳镕堃"]):
            return [para((FILLER * 2)[:k] + unit + "前报送。", st.body) for unit in UNITS for k in range(20, 29)]

    out = tmp_path / "breaks.pdf"
    _official(out, fonts, story)
    lines = _lines(out)
    for unit in UNITS:
        assert not _splits(lines, unit), (unit, _splits(lines, unit))
        assert any(ln.startswith(unit) for ln in lines), f"{unit} never came to a line's end: the test proves nothing"


def test_a_name_column_fits_the_longest_name(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    from core.reports.tables import Column, TableDoc, render_table

    doc = TableDoc(title="台账", subtitle="", footer="",
                   columns=[Column("序号", 8, wrap=False), Column("事项", 120), Column("责任领导", 7, fit=True),
                            Column("完成时限", 20, wrap=False)],
                   rows=[[str(n), "推进重点项目建设" * 3, name, "2026年12月6日"]
                         for n, name in enumerate(["欧阳镕堃", "张三", "司马相如、欧阳镕堃"], 1)])
    out = tmp_path / "table.pdf"
    render_table(out, doc, fonts)
    text = "\n".join(_lines(out))
    assert "欧阳镕堃" in text and "司马相如、欧阳镕堃" in text
    assert not _splits(text.split("\n"), "欧阳镕堃")
    _assert_no_missing_glyph(out)
