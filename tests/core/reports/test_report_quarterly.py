"""季考核结果 (issue 5, document 5): the quarter's results read back from the PDF."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_pdf_helpers import (
    assert_fonts_embedded,
    assert_no_closing_punctuation_starts_a_line,
    copy_db,
    page_texts,
    shipped_fonts,  # noqa: F401 (a fixture)
)
from score_report_helpers import (
    PASSWORD,
    TODAY,
    D,
    assert_a4_and_margins,
    build_scored_county,
    compare_golden,
    in_chinese,
    on_db,
    one_line,
    ranking_rows,
)

from core.errors import UsageError
from core.office import open_session
from core.reports.quarterly_result import REWARD_MARK, render_quarterly_result
from core.reports.score_data import points_text, score_text
from core.scoring import publish, service, store
from core.scoring.periods import quarter_period

Q1 = quarter_period("2026-Q1")


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_county(template_hub, tmp_path_factory.mktemp("quarterly") / "hub.db")


@pytest.fixture(scope="module")
def q1_pdf(county: Path, shipped_fonts, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
           ) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("quarterly-pdf") / "q1.pdf"
    return out, on_db(county, render_quarterly_result, out, "2026-Q1", as_of=TODAY, fonts=shipped_fonts)


def test_months_bonus_total_rank_and_reward_as_in_scoring(county: Path, q1_pdf: tuple[Path, int]) -> None:
    scores = on_db(county, service.view, Q1, TODAY)
    tgz = next(s for s in scores if s.unit == "TGZ")
    assert (tgz.months, tgz.bonus, tgz.score) == ([100.0, 98.0, 95.75], 5.0, 298.75)  # 7 bonus points, capped
    rows = ranking_rows(q1_pdf[0], 8)
    assert rows == [[str(s.rank), s.name, *(score_text(m) for m in s.months), points_text(s.bonus),
                     score_text(s.score), REWARD_MARK if s.reward else ""] for s in scores]
    assert [(r[1], r[6], r[7]) for r in rows] == [
        ("新阳街道", "300.00", REWARD_MARK), ("喆堃镇", "299.00", REWARD_MARK), ("太公镇", "298.75", ""),
        ("县住建局", "303.00", REWARD_MARK), ("县发改局", "299.00", "")]


def test_reward_lists_method_and_not_published(q1_pdf: tuple[Path, int]) -> None:
    texts = page_texts(q1_pdf[0])
    assert all("Not published" in t for t in texts)
    text = one_line(texts)
    assert "Townshipsandsubdistricts(thefirst2byrank):新阳街道,喆堃镇." in text
    assert "Countydepartments(thefirst1byrank):县住建局." in text
    assert "sumofitsthreemonthlyscoresplusitsbonuses,cappedat5points." in text
    marks = ["Announcementoftheresults", "1.Resultsoftheassessment", "(1)Townships", "(2)County",
             "2.Unitsproposedforreward", "示例县委督查室November27,2026"]
    positions = [text.find(m) for m in marks]
    assert -1 not in positions and positions == sorted(positions), positions


def test_fonts_page_and_line_starts(q1_pdf: tuple[Path, int]) -> None:
    out, pages = q1_pdf
    assert len(page_texts(out)) == pages
    assert_fonts_embedded(out)
    assert_a4_and_margins(out)
    assert_no_closing_punctuation_starts_a_line(out)


def test_published_quarter_prints_its_snapshot(county: Path, shipped_fonts, tmp_path: Path) -> None:  # noqa: F811
    hub = copy_db(county, tmp_path / "hub.db")
    s = open_session(hub, "admin", PASSWORD, TODAY)
    try:
        publish.publish(s, "2026-Q1")
        store.add_bonus(s, "FGJ", "commendation", D(2026, 3, 30), "全国表彰")
        assert {x.unit: x.score for x in service.compute(s.db, Q1, TODAY)}["FGJ"] == 302.0
        out = tmp_path / "q1.pdf"
        render_quarterly_result(s.db, out, "2026-Q1", as_of=TODAY, fonts=shipped_fonts)
    finally:
        s.db.conn.close()
    texts = page_texts(out)
    assert not any("Not published" in t for t in texts)
    rows = {r[1]: r for r in ranking_rows(out, 8)}
    assert rows["县发改局"][5:] == ["0", "299.00", ""]
    assert "Theseresultswerepublishedon" in one_line(texts)


def test_a_bad_quarter_makes_no_file(county: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="YYYY-Qn"):
        on_db(county, render_quarterly_result, tmp_path / "x.pdf", "2026-Q5")
    assert list(tmp_path.iterdir()) == []


def test_golden_render(q1_pdf: tuple[Path, int], tmp_path: Path) -> None:
    compare_golden(q1_pdf[0], "quarterly_2026-Q1", tmp_path, update=bool(os.environ.get("CLOSELOOP_UPDATE_GOLDEN")))


def test_a_tie_at_the_reward_line_makes_the_list_longer(county: Path, shipped_fonts, tmp_path: Path  # noqa: F811
                                                        ) -> None:
    hub = copy_db(county, tmp_path / "hub.db")
    s = open_session(hub, "admin", PASSWORD, TODAY)
    try:
        store.add_bonus(s, "FGJ", "commendation", D(2026, 3, 30), "全国表彰")
        store.add_bonus(s, "FGJ", "public_praise", D(2026, 3, 30), "通报表扬")
        out = tmp_path / "tie.pdf"
        render_quarterly_result(s.db, out, "2026-Q1", as_of=TODAY, fonts=shipped_fonts)
    finally:
        s.db.conn.close()
    rows = {r[1]: r for r in ranking_rows(out, 8)}
    assert rows["县发改局"][0] == rows["县住建局"][0] == "1" and rows["县发改局"][6] == "303.00"
    text = one_line(page_texts(out))
    assert ("Countydepartments(thefirst1byrank;2unitsbecauseofsharedranks):县住建局,县发改局." in text
            or "Countydepartments(thefirst1byrank;2unitsbecauseofsharedranks):县发改局,县住建局." in text)


def test_in_chinese_no_closing_punctuation_starts_a_line(county: Path, shipped_fonts, tmp_path: Path  # noqa: F811
                                                        ) -> None:
    out = tmp_path / "zh.pdf"
    with in_chinese():
        on_db(county, render_quarterly_result, out, "2026-Q1", as_of=TODAY, fonts=shipped_fonts)
    assert_no_closing_punctuation_starts_a_line(out)
    assert "2026年第一季度" in one_line(page_texts(out))
    assert [r[1] for r in ranking_rows(out, 8)] == ["新阳街道", "喆堃镇", "太公镇", "县住建局", "县发改局"]
