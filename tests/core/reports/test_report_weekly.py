"""周交办清单 (issue 5, document 1): the weekly list read back from the PDF."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_pdf_helpers import (
    LONG_DATE,
    TODAY,
    assert_fonts_embedded,
    assert_landscape_a4,
    assert_no_closing_punctuation_starts_a_line,
    build_county,
    flat,
    long_titles,
    page_texts,
    shipped_fonts,  # noqa: F401 (a fixture)
    table_rows,
)

from core.db.connection import open_database
from core.errors import Refusal
from core.format import doc_date
from core.reports.weekly_list import render_weekly_list, weekly_items


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("weekly") / "hub.db"
    return path, build_county(template_hub, path)


@pytest.fixture(scope="module")
def long_pdf(county: tuple[Path, dict[str, int]], shipped_fonts, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
             ) -> tuple[Path, int]:
    path, meetings = county
    out = tmp_path_factory.mktemp("weekly-pdf") / "weekly.pdf"
    db = open_database(path)
    try:
        pages = render_weekly_list(db, out, meetings["long"], fonts=shipped_fonts)
    finally:
        db.conn.close()
    return out, pages


def test_every_item_of_the_meeting_is_listed_in_order_with_the_count(long_pdf: tuple[Path, int]) -> None:
    out, pages = long_pdf
    texts = page_texts(out)
    assert len(texts) == pages >= 2
    rows = table_rows(out)
    assert [r[0] for r in rows] == [str(n) for n in range(1, 37)]
    assert [r[2] for r in rows] == [flat(t) for t in long_titles()]
    text = flat("".join(texts))  # the text in reading order: each title's first line in turn
    positions = [text.find(t[:5]) for t in long_titles()]
    assert -1 not in positions and positions == sorted(positions)
    assert "36itemsintotal." in flat(texts[-1])
    assert "第43次周例会" in texts[0] and "November 22, 2026" in texts[0]


def test_the_rows_carry_the_database_values(county: tuple[Path, dict[str, int]], long_pdf: tuple[Path, int]
                                            ) -> None:
    path, meetings = county
    db = open_database(path)
    try:
        meeting, items = weekly_items(db, meetings["long"])
    finally:
        db.conn.close()
    assert meeting.date == LONG_DATE and len(items) == 36
    text = flat("".join(page_texts(long_pdf[0])))
    assert re.findall(r"\d{4}-\d+", text) == [x.task_no for x in items]
    category = {"general": "general", "major": "major"}
    expected = [[x.task_no, category[x.category], x.leader, x.lead_unit, ",".join(x.co_units),
                 flat(doc_date(x.report_due, meeting.date.year)), flat(doc_date(x.due, meeting.date.year))] for x in items]
    assert [r[1:2] + r[3:] for r in table_rows(long_pdf[0])] == expected
    assert items[0].report_due.isoformat() == "2026-11-25" and items[0].due.isoformat() == "2026-11-29"
    assert {x.due.isoformat() for x in items if x.category == "major"} == {"2026-12-22"}
    assert {x.leader for x in items} == {"王建国", ""}


def test_layout_landscape_a4_fonts_embedded_and_the_header_on_every_page(long_pdf: tuple[Path, int]) -> None:
    out, pages = long_pdf
    assert_landscape_a4(out)
    assert_fonts_embedded(out)
    texts = page_texts(out)
    for page in texts[1:]:
        assert "Weekly assignment list" in page  # the running title
        assert "Lead unit" in page and "Co units" in page and "Report due" in page  # the column header
    assert f"— {pages} —" in texts[-1]


def test_rare_characters_print_and_no_line_starts_with_closing_punctuation(long_pdf: tuple[Path, int]) -> None:
    out, _pages = long_pdf
    assert "朱镕同志" in flat("".join(page_texts(out)))
    assert_no_closing_punctuation_starts_a_line(out)


def test_a_short_meeting_fits_one_page(county: tuple[Path, dict[str, int]], shipped_fonts, tmp_path: Path  # noqa: F811
                                       ) -> None:
    path, meetings = county
    db = open_database(path)
    try:
        pages = render_weekly_list(db, tmp_path / "short.pdf", meetings["short"], as_of=TODAY, fonts=shipped_fonts)
    finally:
        db.conn.close()
    assert pages == 1
    text = page_texts(tmp_path / "short.pdf")[0]
    assert [t for t in ("短会事项1", "短会事项2", "短会事项3") if t in text] == ["短会事项1", "短会事项2", "短会事项3"]
    assert "3 items in total." in text


def test_an_unknown_meeting_is_refused_and_no_file_is_left(county: tuple[Path, dict[str, int]], shipped_fonts,  # noqa: F811
                                                           tmp_path: Path) -> None:
    db = open_database(county[0])
    try:
        with pytest.raises(Refusal, match="no meeting 999"):
            render_weekly_list(db, tmp_path / "none.pdf", 999, fonts=shipped_fonts)
    finally:
        db.conn.close()
    assert list(tmp_path.iterdir()) == []


def test_the_table_keeps_to_the_margins(long_pdf: tuple[Path, int]) -> None:
    import pdfplumber

    from core.reports.tables import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE

    with pdfplumber.open(long_pdf[0]) as doc:
        for page in doc.pages:
            xs = [e["x0"] for e in page.lines + page.rects] + [e["x1"] for e in page.lines + page.rects]
            assert MARGIN_X - 0.5 <= min(xs) and max(xs) <= PAGE[0] - MARGIN_X + 0.5
            tops = [e["top"] for e in page.lines + page.rects]
            bottoms = [e["bottom"] for e in page.lines + page.rects]
            assert MARGIN_TOP - 0.5 <= min(tops) and max(bottoms) <= PAGE[1] - MARGIN_BOTTOM + 0.5
            words = page.extract_words()
            body = [w for w in words if not w["text"].startswith("—") and w["text"] not in ("—",)]
            assert all(MARGIN_X - 0.5 <= w["x0"] and w["x1"] <= PAGE[0] - MARGIN_X + 0.5 for w in body)
