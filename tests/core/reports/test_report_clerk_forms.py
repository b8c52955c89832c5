"""Issue 14, the printed documents in the forms a clerk writes, read back with pdfplumber:
counts and 序号 without a thousands separator, dates as 2026年3月11日 (3月11日 in the
header's year), 第三季度, a reward list that says its ties, the clerk's own numbering of the
requirements, and charts readable at print size that leave no page near-empty."""
from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from report_pdf_helpers import TODAY, page_texts, shipped_fonts  # noqa: F401 (a fixture)
from score_report_helpers import build_scored_county, demo_session, in_chinese, one_line

from core.reports.bulletin import render_monthly_bulletin
from core.reports.chart import Bar, axis_range, score_chart
from core.reports.ledger_pdf import render_ledger
from core.reports.quarterly_result import render_quarterly_result
from core.reports.weekly_list import render_weekly_list
from core.work import ledger

MM = 72 / 25.4
LABEL_SIZE = 9.0  # the charts' unit names (core.reports.chart.LABEL_SIZE)
BLOCK_TOP, BLOCK_BOTTOM = 37 * MM, (37 + 225) * MM   # the official text block (docs/design.md §9)
REQUIREMENTS = "一、加强统筹调度。各单位要压实责任，确保按期办结。\n二、强化跟踪问效。督查室将逐项约谈。\n1. 每周报送进展。"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo county (75 units: 15 townships, 60 departments), as of 2026-11-27."""
    path = tmp_path_factory.mktemp("forms") / "demo.db"
    with demo_session(path, seed=1):
        pass
    return path


def run(path: Path, fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    from core.db.connection import open_database

    db = open_database(path)
    try:
        with in_chinese():
            return fn(db, *args, **kwargs)
    finally:
        db.conn.close()


@pytest.fixture(scope="module")
def monthly(demo: Path, shipped_fonts, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("forms-m") / "monthly.pdf"
    run(demo, render_monthly_bulletin, out, "2026-10", REQUIREMENTS, as_of=TODAY, fonts=shipped_fonts)
    return out


@pytest.fixture(scope="module")
def quarterly(demo: Path, shipped_fonts, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = tmp_path_factory.mktemp("forms-q") / "quarterly.pdf"
    run(demo, render_quarterly_result, out, "2026-Q3", as_of=TODAY, fonts=shipped_fonts)
    return out


def test_no_thousands_separator_in_row_numbers_and_counts(demo: Path, shipped_fonts, tmp_path: Path  # noqa: F811
                                                          ) -> None:
    out = tmp_path / "ledger.pdf"
    run(demo, render_ledger, out, ledger.LedgerFilter(), as_of=TODAY, limit=1001, fonts=shipped_fonts)
    texts = page_texts(out)
    last = texts[-1]
    assert re.search(r"^1001 \d{4}-\d+", last, re.M), last[:300]
    assert "1,001" not in one_line(texts) and "1,000" not in one_line(texts)
    assert "共1001项" in one_line(texts[-1:])


def test_dates_in_the_long_form_and_without_the_header_year(demo: Path, shipped_fonts, tmp_path: Path  # noqa: F811
                                                            ) -> None:
    out = tmp_path / "ledger.pdf"
    run(demo, render_ledger, out, ledger.LedgerFilter(state="open"), as_of=TODAY, fonts=shipped_fonts)
    texts = page_texts(out)
    text = "".join(texts)
    assert all("截至2026年11月27日" in one_line([t]) for t in texts)  # the running line names the year too
    assert not re.search(r"\d{4}/\d{1,2}/\d{1,2}", text) and not re.search(r"\b\d{1,2}/\d{1,2}\b", text)
    assert re.search(r"\b1[01]月\d{1,2}日", text)  # rows of the header's year: 11月20日
    weekly = tmp_path / "weekly.pdf"
    meeting = run(demo, lambda db: db.execute("SELECT id FROM meeting WHERE kind = 'weekly' ORDER BY date DESC "
                                                "LIMIT 1").fetchone()[0])
    run(demo, render_weekly_list, weekly, meeting, fonts=shipped_fonts)
    wtext = "".join(page_texts(weekly))
    assert re.search(r"（2026年\d{1,2}月\d{1,2}日）", wtext) and "/" not in wtext.replace("N/A", "")


def test_the_quarter_is_named_in_chinese_numerals(quarterly: Path) -> None:
    text = one_line(page_texts(quarterly))
    assert "2026年第三季度" in text and "第3季度" not in text


def test_the_reward_list_matches_its_heading(quarterly: Path) -> None:
    text = one_line(page_texts(quarterly))
    for kind in ("乡镇（街道）", "县直单位"):
        m = re.search(kind + r"（排名前(\d+)位(?:，因名次并列共(\d+)个单位)?）：([^。]*)。", text)
        assert m, (kind, text[-600:])
        listed = m.group(3).split("、")
        assert len(listed) == int(m.group(2) or m.group(1)), m.group(0)


def test_the_clerks_numbering_is_kept_one_level_under_the_section(monthly: Path) -> None:
    text = one_line(page_texts(monthly))
    section = text[text.index("三、下一步工作要求"):]
    assert "（一）加强统筹调度。各单位要压实责任，确保按期办结。" in section
    assert "（二）强化跟踪问效。" in section and "1.每周报送进展。" in section
    assert "一、加强" not in section and "二、强化" not in section


def test_charts_are_readable_at_print_size(monthly: Path) -> None:
    with pdfplumber.open(monthly) as doc:
        sizes = {round(c["size"], 1) for p in doc.pages for c in p.chars}
        names = [c for p in doc.pages for c in p.chars if abs(c["size"] - LABEL_SIZE) < 0.05]
    assert min(sizes) >= 7.4, sorted(sizes)  # axis and bar values 7.5 pt, names 9 pt (not 6)
    assert "县" in {c["text"] for c in names}  # the 60 department names, horizontal, at 9 pt
    rows = {round(c["top"]) for c in names}
    assert len(rows) >= 60  # one name per line: upright, not one character under the other


@pytest.fixture(scope="module")
def small_county(template_hub: Path, shipped_fonts, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
                 ) -> list[Path]:
    """The bulletin and the quarterly result of the five-unit scored county: short tables, vertical charts."""
    folder = tmp_path_factory.mktemp("forms-small")
    path = build_scored_county(template_hub, folder / "hub.db")
    run(path, render_monthly_bulletin, folder / "m.pdf", "2026-03", REQUIREMENTS, as_of=TODAY, fonts=shipped_fonts)
    run(path, render_quarterly_result, folder / "q.pdf", "2026-Q1", as_of=TODAY, fonts=shipped_fonts)
    return [folder / "m.pdf", folder / "q.pdf"]


def _body_text(page) -> str:  # noqa: ANN001
    """The page's text without the page number, the 未发布 mark and the 版记's lines (抄送, 印发)."""
    lines = [ln for ln in (page.extract_text() or "").splitlines()
             if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln) and "印发" not in ln and not ln.startswith("抄送")
             and ln.strip() != "未发布"]
    return "".join(lines).strip()


@pytest.mark.parametrize("which", ["demo monthly", "small monthly", "small quarterly"])
def test_no_page_but_the_last_is_near_empty(monthly: Path, small_county: list[Path], which: str) -> None:
    pdf = {"demo monthly": monthly, "small monthly": small_county[0], "small quarterly": small_county[1]}[which]
    with pdfplumber.open(pdf) as doc:
        # the body's last page may be short: the 版记 then stands alone on the next (even) page
        body = [p for p in doc.pages if _body_text(p)]
        for page in body[:-1]:
            inside = [o["bottom"] for o in page.chars + page.rects if o["bottom"] < BLOCK_BOTTOM + 1]
            filled = (max(inside) - BLOCK_TOP) / (BLOCK_BOTTOM - BLOCK_TOP)
            assert filled > 0.7, (page.page_number, filled)


@pytest.mark.parametrize("values", [[96.0, 100.0], [97.5, 100.0], [99.5, 100.0], [95.75, 100.0],
                                    [297.5, 300.0], [250.0, 303.0], [60.0, 100.0]])
def test_the_axis_starts_at_a_round_value_that_does_not_exaggerate_a_half_point(values: list[float]) -> None:
    low, high, step = axis_range(values)
    assert low % 10 == 0 and high >= max(values) and (high - low) / step <= 8
    assert 0.5 / (max(values) - low) <= 0.05  # half a point is at most a twentieth of the longest bar
    assert low == 0 or low <= min(values) - step


def test_an_axis_not_from_zero_is_drawn_with_a_break(shipped_fonts) -> None:  # noqa: F811
    from reportlab.graphics.shapes import Line

    bars = [Bar(f"单位{i}", 100 - i * 0.25) for i in range(20)]
    chart = score_chart(bars, font=shipped_fonts.heiti, caption="得分")
    assert not chart.vertical
    chart.wrap(450, 700)
    slanted = [x for x in chart.drawing().contents if isinstance(x, Line) and x.x1 != x.x2 and x.y1 != x.y2]
    assert len(slanted) == 2
    few = score_chart(bars[:5], font=shipped_fonts.heiti)
    assert few.vertical
