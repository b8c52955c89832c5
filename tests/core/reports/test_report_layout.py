"""The official-document and table layouts of docs/design.md §9, read back from the PDF."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _pdf_layout_checks import (
    compare_golden,
    embedded_font_files,
    lines,
    restore_fonts,
    shipped_fonts_only,
    text_of,
)

MM = 72 / 25.4
PLAIN = "督查工作要抓落实见实效"          # no punctuation: every line is full
COMMAS = "请各单位认真落实，按时反馈，确保实效，" * 60
CANNOT_START = "，。、；：？！）》"


@pytest.fixture(autouse=True)
def _fonts() -> Iterator[None]:
    shipped_fonts_only()
    yield
    restore_fonts()


@pytest.fixture
def fonts():  # noqa: ANN201
    from core.reports.fonts import register_fonts

    return register_fonts()


def _official(out: Path, fonts, texts: list[str], **kw) -> int:  # noqa: ANN001
    from core.reports import layout
    from core.reports.text import para

    st = layout.styles(fonts)
    story = [para(t, st.body) for t in texts]
    kw.setdefault("agency", None)
    kw.setdefault("doc_number", None)
    kw.setdefault("title", "")
    return layout.official_document(out, story=story, fonts=fonts, **kw)


def test_doc_number_has_full_year_and_no_leading_zeros() -> None:
    from core.reports.layout import doc_number

    assert doc_number("卫督", 2026, 12) == "卫督〔2026〕12号"
    assert doc_number("卫督", 2026, 7) == "卫督〔2026〕7号"


def test_a4_block_22_lines_of_28_characters_and_margins(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    import pdfplumber

    out = tmp_path / "body.pdf"
    pages = _official(out, fonts, [PLAIN * 120])
    assert pages >= 2
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        assert page.width == pytest.approx(210 * MM, abs=0.5 * MM)
        assert page.height == pytest.approx(297 * MM, abs=0.5 * MM)
        body = [ln for ln in page.extract_text_lines() if "—" not in ln["text"]]
        assert len(body) == 22
        assert [len(ln["text"]) for ln in body] == [26] + [28] * 21     # 2-character indent on the first
        chars = [c for c in page.chars if c["size"] > 15]
        first = min(chars, key=lambda c: (c["top"], c["x0"]))
        baseline = page.height - first["matrix"][5]
        assert baseline - first["size"] == pytest.approx(37 * MM, abs=0.5 * MM)       # top margin
        assert min(c["x0"] for c in chars) == pytest.approx(28 * MM, abs=0.5 * MM)     # left margin
        assert max(c["x1"] for c in chars) == pytest.approx(184 * MM, abs=0.5 * MM)    # 156 mm block
        last = max(chars, key=lambda c: c["top"])
        assert page.height - last["matrix"][5] <= (37 + 225) * MM


def test_page_numbers_alternate_sides_seven_mm_below_the_block(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    import pdfplumber

    out = tmp_path / "numbers.pdf"
    _official(out, fonts, [PLAIN * 120])
    with pdfplumber.open(out) as pdf:
        for n, page in enumerate(pdf.pages[:2], start=1):
            number = [c for c in page.chars if c["size"] == pytest.approx(14)]
            assert "".join(c["text"] for c in number).replace(" ", "") == f"—{n}—"
            # GB/T 9704 7.5: the dashes' line 7 mm below the block (the pixels: test_gbt9704_layout)
            from core.reports.gbt9704 import dash_rise

            dashes = page.height - number[0]["matrix"][5] - dash_rise(fonts.songti, 14)
            assert dashes == pytest.approx((37 + 225 + 7) * MM, abs=0.5 * MM)
            if n % 2:   # odd: right, one character in
                assert max(c["x1"] for c in number) == pytest.approx(184 * MM - 14, abs=0.5 * MM)
            else:
                assert min(c["x0"] for c in number) == pytest.approx(28 * MM + 14, abs=0.5 * MM)


def test_no_line_starts_with_closing_punctuation(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    out = tmp_path / "commas.pdf"
    _official(out, fonts, [COMMAS, "（一）" + COMMAS])
    all_lines = [ln["text"] for page in lines(out) for ln in page]
    assert len(all_lines) > 40
    starts = [t for t in all_lines if t[:1] in CANNOT_START]
    assert starts == []


def test_text_is_extractable_in_order_and_fonts_are_embedded(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    out = tmp_path / "doc.pdf"
    _official(out, fonts, ["第一段：部署。", "第二段：落实。", "第三段：反馈。"], agency="示例县委督查室",
              doc_number="卫督〔2026〕12号", title="关于督办事项的通知")
    text = text_of(out)
    order = [text.index(x) for x in ("示例县委督查室", "卫督〔2026〕12号", "关于督办事项的通知",
                                     "第一段", "第二段", "第三段")]
    assert order == sorted(order)
    files = embedded_font_files(out)
    assert files and all(files.values()), files


def test_rare_name_characters_print_in_the_bold_face_and_others_through_the_fallback(tmp_path: Path,
                                                                                      fonts) -> None:  # noqa: ANN001
    import dataclasses

    import pdfplumber

    from core.reports.text import missing_chars

    # the bold face covers GB 2312 and the rarer characters of names (镕 堃 喆): no mixed weight in
    # a name; a rarer character still (冇) comes from the regular GBK face through the fallback
    main = fonts.xiaobiaosong
    assert missing_chars("朱镕基王堃张喆冇", main) == {"冇"}
    bold_body = dataclasses.replace(fonts, fangsong=main)
    out = tmp_path / "names.pdf"
    _official(out, bold_body, ["朱镕基、王堃、张喆、冇。<b>不是标记</b> & 符号"])
    text = text_of(out)
    assert "朱镕基" in text and "王堃" in text and "张喆" in text
    assert "<b>不是标记</b> & 符号" in text            # user text is escaped, not markup
    with pdfplumber.open(out) as pdf:
        by_char = {c["text"]: c["fontname"] for c in pdf.pages[0].chars}
    assert all("Bold" in by_char[ch] for ch in "朱镕堃喆"), by_char
    assert "Regular" in by_char["冇"]


def test_unpublished_mark_in_the_header(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    out = tmp_path / "draft.pdf"
    _official(out, fonts, [PLAIN * 40], unpublished=True)
    pages = lines(out)
    assert all(any(ln["text"] == "Not published" for ln in page) for page in pages)


def test_table_document_repeats_the_header_on_every_page(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    import pdfplumber

    from core.reports.layout import table_document

    out = tmp_path / "list.pdf"
    rows = [[str(i), f"第{i}项：" + "整治农贸市场环境，" * (i % 4 + 1), "太公镇", "2026-12-01"] for i in range(1, 81)]
    pages = table_document(out, fonts=fonts, title="周交办清单", subtitle="第12次周例会", columns=["序号", "事项", "牵头单位", "办结时限"],
                           rows=rows, footer="共80项", col_widths=[1, 8, 2, 2])
    assert pages >= 2
    with pdfplumber.open(out) as pdf:
        assert pdf.pages[0].width > pdf.pages[0].height                  # landscape
        for page in pdf.pages:
            assert "牵头单位" in page.extract_text()
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "共80项" in text and "第80项" in text
    assert text.index("第1项") < text.index("第40项") < text.index("第80项")


def test_a_failed_render_leaves_no_file(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    from core.reports import layout

    out = tmp_path / "broken.pdf"

    class Boom(layout.Spacer):
        def draw(self) -> None:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        layout.official_document(out, story=[Boom(1, 1)], fonts=fonts, agency=None, doc_number=None, title="x")
    assert list(tmp_path.iterdir()) == []


def test_golden_official_layout(tmp_path: Path, fonts) -> None:  # noqa: ANN001
    out = tmp_path / "golden.pdf"
    _official(out, fonts, [COMMAS[:300], PLAIN * 20], agency="示例县委督查室", doc_number="卫督〔2026〕12号",
              title="关于督办事项的通知")
    compare_golden(out, "official_layout", tmp_path)


def test_line_start_prohibition_is_added_once_to_both_modules() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    from core.reports import text

    before = textsplit.ALL_CANNOT_START
    text._prohibit_line_starts()
    text._prohibit_line_starts()
    assert textsplit.ALL_CANNOT_START == before
    for ch in text.CANNOT_START:
        assert ch in textsplit.ALL_CANNOT_START and ch in paragraph.ALL_CANNOT_START, ch


def test_markup_escapes_and_marks_only_missing_characters(fonts) -> None:  # noqa: ANN001
    from core.reports.text import markup

    bold, regular = fonts.xiaobiaosong, fonts.fallback
    assert markup("王冇<&>\n李", bold, regular) == (f'王<font name="{regular}">冇</font>&lt;&amp;&gt;<br/>李')
    assert markup("王堃喆", bold, regular) == "王堃喆"          # the bold face has the names' characters
    assert markup("王堃", regular, regular) == "王堃"
