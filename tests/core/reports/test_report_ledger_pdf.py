"""台账 PDF (issue 5, document 6): the rows are the ledger's rows; lights as words and colours."""
from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from report_pdf_helpers import (
    TODAY,
    assert_fonts_embedded,
    assert_landscape_a4,
    assert_no_closing_punctuation_starts_a_line,
    build_county,
    page_texts,
    shipped_fonts,  # noqa: F401 (a fixture)
    table_rows,
)

from core.db.connection import open_database
from core.errors import Refusal
from core.reports.ledger_pdf import render_ledger, step_text
from core.reports.tables import LIGHT_COLOURS
from core.work import ledger


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "hub.db"
    build_county(template_hub, path)
    return path


def render(county: Path, out: Path, flt: ledger.LedgerFilter, fonts: object, sort: str = "task_no"
           ) -> tuple[int, list[ledger.LedgerRow]]:
    db = open_database(county)
    try:
        pages = render_ledger(db, out, flt, sort=sort, as_of=TODAY, fonts=fonts)
        rows = ledger.ledger_rows(db, ledger.ledger_ids(db, flt, as_of=TODAY, sort=sort), as_of=TODAY)
    finally:
        db.conn.close()
    return pages, rows


def fill_colours(pdf: Path) -> list[tuple[float, ...]]:
    """The fill colours of the filled rectangles (cell backgrounds), page after page, top to bottom."""
    out = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for r in sorted(page.rects, key=lambda r: (r["top"], r["x0"])):
                if r.get("fill") and r.get("non_stroking_color") is not None:
                    out.append(tuple(round(c, 3) for c in r["non_stroking_color"]))
    return out


def rgb(colour: object) -> tuple[float, ...]:
    return tuple(round(c, 3) for c in colour.rgb())  # type: ignore[attr-defined]


@pytest.mark.parametrize("flt, sort", [
    (ledger.LedgerFilter(), "task_no"),
    (ledger.LedgerFilter(state="open"), "light"),
    (ledger.LedgerFilter(unit="TGZ"), "due"),
    (ledger.LedgerFilter(leader="王建国", light="red"), "task_no"),
    (ledger.LedgerFilter(search="重点项目"), "unit"),
])
def test_the_rows_are_the_ledgers_rows_in_its_order(county: Path, shipped_fonts, tmp_path: Path,  # noqa: F811
                                                   flt: ledger.LedgerFilter, sort: str) -> None:
    pages, rows = render(county, tmp_path / "ledger.pdf", flt, shipped_fonts, sort)
    assert rows
    got = table_rows(tmp_path / "ledger.pdf")
    assert len(page_texts(tmp_path / "ledger.pdf")) == pages
    assert [r[0] for r in got] == [str(n) for n in range(1, len(rows) + 1)]
    assert [(r[1], r[2], r[3]) for r in got] == [(x.task_no, x.title, x.unit_name) for x in rows]
    assert [r[9] for r in got] == [x.light or "" for x in rows]
    assert [r[10] for r in got] == ["".join(step_text(x.next_step, x.next_due, TODAY).split()) for x in rows]
    total = "".join(page_texts(tmp_path / "ledger.pdf")[-1].split())
    assert f"{len(rows)}assignmentsintotal." in total


def test_lights_are_words_and_cell_colours(county: Path, shipped_fonts, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "open.pdf"
    _pages, rows = render(county, out, ledger.LedgerFilter(state="open"), shipped_fonts, "light")
    lights = [x.light for x in rows]
    # 12 unclaimed lead and all 12 co assignments red; the short meeting's 3 yellow; 24 green
    assert (lights.count("red"), lights.count("yellow"), lights.count("green")) == (24, 3, 24)
    fills = [c for c in fill_colours(out) if c in {rgb(v) for v in LIGHT_COLOURS.values()}]
    assert fills == [rgb(LIGHT_COLOURS[x]) for x in lights if x]
    assert [r[9] for r in table_rows(out)] == lights


def test_layout_fonts_header_and_punctuation(county: Path, shipped_fonts, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "all.pdf"
    pages, rows = render(county, out, ledger.LedgerFilter(), shipped_fonts)
    assert pages >= 2 and len(rows) == 36 + 12 + 3  # 36 lead + 12 co assignments, and the short meeting
    assert_landscape_a4(out)
    assert_fonts_embedded(out)
    assert_no_closing_punctuation_starts_a_line(out)
    texts = page_texts(out)
    assert "All assignments, as of November 27, 2026" in texts[0]
    for page in texts[1:]:
        assert "Supervision ledger" in page and "Next step" in page and "Completion" in page


def test_the_filter_is_named_and_an_unknown_unit_or_leader_is_refused(county: Path, shipped_fonts,  # noqa: F811
                                                                     tmp_path: Path) -> None:
    render(county, tmp_path / "tgz.pdf", ledger.LedgerFilter(unit="tgz", light="red"), shipped_fonts)
    assert "unit TGZ; light: red, as of November 27, 2026" in page_texts(tmp_path / "tgz.pdf")[0]
    for flt, sentence in ((ledger.LedgerFilter(unit="NOPE"), "no unit with the code NOPE"),
                          (ledger.LedgerFilter(leader="无名氏"), "no leader named 无名氏")):
        with pytest.raises(Refusal, match=sentence):
            render(county, tmp_path / "x.pdf", flt, shipped_fonts)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tgz.pdf"]


def test_every_filter_of_the_ledger_page_is_named() -> None:
    import datetime as dt

    from core.reports.ledger_pdf import filter_text

    flt = ledger.LedgerFilter(unit="tgz", kind="township", leader="王建国", state="open", light="yellow",
                              category="major", source="meeting", search="河道",
                              date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    assert filter_text(flt) == ("unit TGZ; leader 王建国; open assignments; light: yellow; townships; major items; "
                                "source: meeting; assigned November 1, 2026 to November 30, 2026; search “河道”")
    assert filter_text(ledger.LedgerFilter()) == ""


def test_a_descending_sort_prints_the_rows_the_other_way_round(county: Path, shipped_fonts,  # noqa: F811
                                                               tmp_path: Path) -> None:
    flt = ledger.LedgerFilter(unit="TGZ")
    _pages, rows = render(county, tmp_path / "up.pdf", flt, shipped_fonts, "due")
    db = open_database(county)
    try:
        render_ledger(db, tmp_path / "down.pdf", flt, sort="due", descending=True, as_of=TODAY, fonts=shipped_fonts)
        down = ledger.ledger_rows(db, ledger.ledger_ids(db, flt, as_of=TODAY, sort="due", descending=True),
                                  as_of=TODAY)
    finally:
        db.conn.close()
    got = [(r[1], r[3]) for r in table_rows(tmp_path / "down.pdf")]
    assert got == [(x.task_no, x.unit_name) for x in down]
    assert [x.due for x in down] == sorted((x.due for x in rows), reverse=True)
