"""月点评通报 (issue 5, document 4): the monthly bulletin read back from the PDF."""
from __future__ import annotations

import os
from pathlib import Path

import pdfplumber
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
    assert_a4_and_margins,
    build_scored_county,
    compare_golden,
    in_chinese,
    on_db,
    one_line,
    ranking_rows,
)

from core.errors import Refusal, UsageError
from core.format import percent as pct
from core.office import open_session
from core.reports import bulletin_text
from core.reports.bulletin import render_monthly_bulletin
from core.reports.score_data import named, period_data, score_text
from core.scoring import publish, service, store
from core.scoring.periods import month_period

MARCH = month_period("2026-03")
REQUIREMENTS = ("一是压实工作责任，各单位主要负责同志要亲自研究、亲自部署、亲自督办，确保每一项交办事项按期办结，"
                "做到件件有着落、事事有回音；\n"
                "二是强化跟踪问效，督查室将对逾期事项逐项约谈，对连续两个月排名靠后的单位予以通报。")


def body_line(texts: list[str]) -> str:
    """`one_line` without the page furniture (page numbers, the "Not published" mark) a page break puts between."""
    import re

    return re.sub(r"—\d+—|Notpublished", "", one_line(texts))


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_scored_county(template_hub, tmp_path_factory.mktemp("bulletin") / "hub.db")


@pytest.fixture(scope="module")
def march_pdf(county: Path, shipped_fonts, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
              ) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("bulletin-pdf") / "bulletin.pdf"
    return out, on_db(county, render_monthly_bulletin, out, "2026-03", REQUIREMENTS, as_of=TODAY, fonts=shipped_fonts)


@pytest.fixture
def hub(county: Path, tmp_path: Path) -> Path:
    return copy_db(county, tmp_path / "hub.db")


def test_every_unit_with_its_score_rank_and_rates_as_in_scoring(county: Path, march_pdf: tuple[Path, int]) -> None:
    out, pages = march_pdf
    scores = on_db(county, service.view, MARCH, TODAY)
    assert {s.unit: s.score for s in scores} == {"XYJ": 100.0, "ZK": 99.0, "TGZ": 95.75, "ZJJ": 100.0, "FGJ": 99.0}
    rows = ranking_rows(out, 5)
    assert rows == [[str(s.rank), s.name, score_text(s.score), "".join(pct(s.completion_rate).split()),
                     "".join(pct(s.on_time_rate).split())] for s in scores]
    assert [r[1] for r in rows] == ["新阳街道", "喆堃镇", "太公镇", "县住建局", "县发改局"]  # townships first
    assert len(page_texts(out)) == pages


def test_totals_rates_and_the_target(county: Path, march_pdf: tuple[Path, int]) -> None:
    out, _pages = march_pdf
    d = on_db(county, period_data, MARCH, TODAY)
    assert (d.tasks, d.assignments) == (5, 6)
    t = d.totals
    assert (t.counted, t.closed, t.on_time) == (6, 3, 3)
    text = one_line(page_texts(out))
    assert "InMarch2026,5keytaskswereassignedtotheunits(6assignments)." in text
    assert "6assignmentsweredueorclosed;3wereclosed,3ofthemontime." in text
    assert f"completionrateis{pct(0.5)}andtheon-timerate{pct(0.5)},45percentagepointsbelow" in text
    assert f"targetof{pct(0.95)}" in text


def test_top_and_bottom_units_are_named(march_pdf: tuple[Path, int]) -> None:
    text = one_line(page_texts(march_pdf[0]))
    assert "Rankedatthetop:新阳街道.Rankedatthebottom:太公镇." in text
    assert "Rankedatthetop:县住建局.Rankedatthebottom:县发改局." in text


def test_sections_in_order_and_not_published_on_every_page(march_pdf: tuple[Path, int]) -> None:
    texts = page_texts(march_pdf[0])
    assert all("Not published" in t for t in texts)
    text = one_line(texts)
    marks = ["Bulletinontheimplementation", "Tothetownships", "1.Overallsituation", "2.Scoresandranking",
             "(1)Townshipsandsubdistricts", "(2)Countydepartments", "3.Requirementsforthenextstep",
             "一是压实工作责任", "二是强化跟踪问效", "示例县委督查室November27,2026"]  # the signature
    positions = [text.find(m) for m in marks]
    assert -1 not in positions and positions == sorted(positions), positions


def test_fonts_page_and_line_starts(march_pdf: tuple[Path, int]) -> None:
    out, _pages = march_pdf
    assert_fonts_embedded(out)
    assert_a4_and_margins(out)
    assert_no_closing_punctuation_starts_a_line(out)


def test_published_month_prints_its_snapshot_after_later_events(hub: Path, shipped_fonts, tmp_path: Path  # noqa: F811
                                                                ) -> None:
    s = open_session(hub, "admin", PASSWORD, TODAY)
    try:
        publish.publish(s, "2026-03")
        store.add_criticism(s, "XYJ", month_period("2026-03").first.replace(day=25), "通报批评：迟报")
        assert {x.unit: x.score for x in service.compute(s.db, MARCH, TODAY)}["XYJ"] == 99.0
        out = tmp_path / "published.pdf"
        render_monthly_bulletin(s.db, out, "2026-03", as_of=TODAY, fonts=shipped_fonts)
    finally:
        s.db.conn.close()
    texts = page_texts(out)
    assert not any("Not published" in t for t in texts)
    rows = ranking_rows(out, 5)
    assert rows[0][:3] == ["1", "新阳街道", "100.00"]
    assert "Requirementsforthenextstep" not in one_line(texts)  # none typed or stored
    assert "werepublishedon" in one_line(texts)


def test_stored_requirements_are_printed_and_audited(hub: Path, shipped_fonts, tmp_path: Path  # noqa: F811
                                                     ) -> None:
    s = open_session(hub, "clerk", PASSWORD, TODAY)
    try:
        bulletin_text.set_requirements(s, "2026-3", "  抓好整改落实。\n\n  下月再通报。 ")
        assert bulletin_text.requirements(s.db, "2026-03") == "抓好整改落实。\n下月再通报。"
        assert s.db.execute("SELECT COUNT(*) FROM audit WHERE action = 'bulletin_requirements'").fetchone()[0] == 1
        bulletin_text.set_requirements(s, "2026-03", "抓好整改落实。\n下月再通报。")  # the same: nothing written
        assert s.db.execute("SELECT COUNT(*) FROM audit WHERE action = 'bulletin_requirements'").fetchone()[0] == 1
        out = tmp_path / "stored.pdf"
        render_monthly_bulletin(s.db, out, "2026-03", as_of=TODAY, fonts=shipped_fonts)
        bulletin_text.set_requirements(s, "2026-03", "")
        assert bulletin_text.requirements(s.db, "2026-03") == ""
    finally:
        s.db.conn.close()
    assert "3.Requirementsforthenextstep抓好整改落实。下月再通报。" in body_line(page_texts(out))


def test_a_viewer_cannot_store_requirements(hub: Path) -> None:
    s = open_session(hub, "viewer", PASSWORD, TODAY)
    try:
        with pytest.raises(Refusal, match="may only read"):
            bulletin_text.set_requirements(s, "2026-03", "要求")
        assert bulletin_text.requirements(s.db, "2026-03") == ""
    finally:
        s.db.conn.close()


@pytest.mark.parametrize("month, error", [("2026-13", UsageError), ("March", UsageError)])
def test_a_bad_month_makes_no_file(county: Path, tmp_path: Path, month: str, error: type[Exception]) -> None:
    with pytest.raises(error, match="YYYY-MM"):
        on_db(county, render_monthly_bulletin, tmp_path / "x.pdf", month)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused(county: Path, tmp_path: Path) -> None:
    with pytest.raises(Refusal, match="does not exist"):
        on_db(county, render_monthly_bulletin, tmp_path / "nowhere" / "x.pdf", "2026-03")


def test_named_units_grow_with_ties_and_never_overlap() -> None:
    from core.scoring.monthly import UnitScore

    def u(name: str, score: float, rank: int) -> UnitScore:
        return UnitScore(name, name, "township", score, rank=rank)

    group = [u("a", 100, 1), u("b", 100, 1), u("c", 99, 3), u("d", 98, 4), u("e", 98, 4), u("f", 97, 6)]
    top, bottom = named(group, 1)
    assert [x.name for x in top] == ["a", "b"] and [x.name for x in bottom] == ["f"]
    top, bottom = named(group, 2)
    assert [x.name for x in top] == ["a", "b"] and [x.name for x in bottom] == ["d", "e", "f"]
    assert named([u("a", 100, 1), u("b", 100, 1)], 3) == ([group[0], group[1]], [])
    assert named([u("a", 100, 1)], 3) == ([], [])


def test_golden_render(march_pdf: tuple[Path, int], tmp_path: Path) -> None:
    with pdfplumber.open(march_pdf[0]) as doc:
        assert len(doc.pages) == march_pdf[1]
    compare_golden(march_pdf[0], "bulletin_2026-03", tmp_path, update=bool(os.environ.get("CLOSELOOP_UPDATE_GOLDEN")))


def test_office_settings_give_the_agency_line_and_the_document_number(hub: Path, shipped_fonts,  # noqa: F811
                                                                      tmp_path: Path) -> None:
    from core.reports.settings import PrintSettings, save_print_settings

    s = open_session(hub, "admin", PASSWORD, TODAY)
    try:
        save_print_settings(s, PrintSettings("中共示例县委督查室", "示督", "", ""))
        out = tmp_path / "numbered.pdf"
        render_monthly_bulletin(s.db, out, "2026-01", as_of=TODAY, fonts=shipped_fonts)  # a month not printed before: its first number
    finally:
        s.db.conn.close()
    text = one_line(page_texts(out)[:1])
    import re

    number = re.search(r"示督〔2026〕\d+号", text)   # the register's next monthly number (core.reports.doc_numbers)
    assert number and text.index("中共示例县委督查室document") < number.start() < text.index("Bulletin")
    with pdfplumber.open(out) as doc:
        page = doc.pages[0]
        red = [x for x in page.lines + page.rects
               if tuple(round(c, 1) for c in (x.get("stroking_color") or ())) == (0.9, 0.0, 0.0)
               or tuple(round(c, 1) for c in (x.get("non_stroking_color") or ())) == (0.9, 0.0, 0.0)]
        number = next(w for w in page.extract_words() if "〔2026〕" in w["text"])
    assert red and all(abs((r["x1"] - r["x0"]) - 156 * 72 / 25.4) < 2 for r in red)
    assert all(r["top"] > number["bottom"] for r in red)  # the red rule under the number
    assert "中共示例县委督查室November27,2026" in one_line(page_texts(out))


def test_a_month_not_begun_is_refused(county: Path, tmp_path: Path) -> None:
    with pytest.raises(Refusal, match="has not begun"):
        on_db(county, render_monthly_bulletin, tmp_path / "x.pdf", "2026-12", as_of=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_the_cli_prints_the_bulletin(cli, tmp_path: Path) -> None:  # noqa: ANN001
    req = tmp_path / "req.txt"
    req.write_text("一是抓落实。\n二是抓整改。\n", encoding="utf-8")
    out = tmp_path / "cli.pdf"
    cli.ok("report", "monthly", "2026-11", "--out", str(out), "--requirements", str(req), user="clerk",
           env={"CLOSELOOP_PASSWORD": PASSWORD})
    text = one_line(page_texts(out))
    assert "Notpublished" in text and "3.Requirementsforthenextstep一是抓落实。二是抓整改。" in body_line([text])
    rows = ranking_rows(out, 5)
    assert [r[0] for r in rows] == ["1", "1", "1", "1"]  # nothing due in November yet: every unit 100
    assert {r[1] for r in rows[:2]} == {"太公镇", "新阳街道"} and {r[1] for r in rows[2:]} == {"县发改局", "县住建局"}


def test_axis_starts_at_a_round_floor_that_does_not_exaggerate() -> None:
    from core.reports.chart import axis_range

    # the plotted span is at least a tenth of the top and twice the spread (issue 14)
    assert axis_range([95.75, 100.0]) == (90.0, 100.0, 2.0)
    assert axis_range([100.0, 100.0]) == (90.0, 100.0, 2.0)
    assert axis_range([297.5, 303.0]) == (270.0, 305.0, 5.0)
    assert axis_range([250.0, 300.0, 303.0]) == (0.0, 350.0, 50.0)
    assert axis_range([]) == (0.0, 100.0, 20.0)


def test_in_chinese_the_bulletin_keeps_closing_punctuation_off_line_starts(county: Path, shipped_fonts,  # noqa: F811
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "zh.pdf"
    long_text = "，".join(["加强统筹调度压实工作责任确保按期办结"] * 8) + "。"
    with in_chinese():
        on_db(county, render_monthly_bulletin, out, "2026-03", long_text + "\n" + REQUIREMENTS, as_of=TODAY,
              fonts=shipped_fonts)
    assert_no_closing_punctuation_starts_a_line(out)
    text = one_line(page_texts(out))
    assert "2026年3月" in text and "2026年11月27日" in text and long_text in text
