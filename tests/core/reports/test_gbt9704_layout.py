"""GB/T 9704-2012 to the millimetre (issue 14): each official document read back with pdfplumber.

Positions are measured as a reader sees them: a character's em box (pdfplumber's top and
bottom), a rule's centre line and width, and, for the page number's dashes, the dark
pixels of a 254 dpi render (10 px a millimetre). The block is 37 mm from the top, 28 mm
from the left, 156 × 225 mm; one line of the body grid is 225 mm / 22.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from report_pdf_helpers import shipped_fonts  # noqa: F401 (a fixture)
from score_report_helpers import PASSWORD, TODAY, build_scored_county, on_db

from core.errors import Refusal
from core.office import open_session

MM = 72 / 25.4
LINE = 225 / 22                         # mm
TOP, LEFT, RIGHT, BOTTOM = 37, 28, 184, 262
NUMBER = re.compile(r"^\S+〔\d{4}〕\d+号$")
RED = (0.9, 0.0, 0.0)
OFFICE = "中共示例县委督查室"


def mm(points: float) -> float:
    return points / MM


def _colour(obj: dict, key: str) -> tuple[float, ...]:
    return tuple(round(c, 2) for c in (obj.get(key) or ()))


def red_chars(page) -> list[dict]:  # noqa: ANN001
    """The 标志's characters (red and large: not the 14 pt "Not published" mark)."""
    return [c for c in page.chars if _colour(c, "non_stroking_color") == RED and c["size"] > 20]


def rules(page, colour: tuple[float, ...] | None = None) -> list[dict]:  # noqa: ANN001
    """Horizontal lines as {y (centre, mm from the top), x0, x1, w (thickness), all mm}, top to bottom."""
    out = []
    for ln in page.lines:
        if abs(ln["top"] - ln["bottom"]) > 0.01 and abs(ln["y0"] - ln["y1"]) > 0.01:
            continue
        if colour is not None and _colour(ln, "stroking_color") != colour:
            continue
        out.append({"y": mm(ln["top"]), "x0": mm(ln["x0"]), "x1": mm(ln["x1"]), "w": mm(ln["linewidth"])})
    return sorted(out, key=lambda r: r["y"])


def number_word(page) -> dict:  # noqa: ANN001
    return next(w for w in page.extract_words(keep_blank_chars=False) if "〔" in w["text"])


def title_chars(page, size: float = 22) -> list[dict]:  # noqa: ANN001
    return [c for c in page.chars if abs(c["size"] - size) < 0.1]


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.reports.settings import PrintSettings, save_print_settings

    path = build_scored_county(template_hub, tmp_path_factory.mktemp("gbt9704") / "hub.db")
    s = open_session(path, "admin", PASSWORD, TODAY)
    try:
        save_print_settings(s, PrintSettings(OFFICE, "示督", "欧阳镕堃", "0371-6612 3456", "县委、县政府领导"))
    finally:
        s.db.conn.close()
    return path


def _overdue_ref(path: Path) -> str:
    from core.reports.urge import overdue_steps
    from core.work.task_view import task_detail

    def find(db):  # noqa: ANN001, ANN202
        for (task_no,) in db.execute("SELECT task_no FROM task ORDER BY id"):
            for a in task_detail(db, task_no, as_of=TODAY)["assignments"]:
                if overdue_steps(a, TODAY):
                    return f"{task_no}/{a['unit']}"
        raise AssertionError("no overdue assignment")
    return on_db(path, find)


@pytest.fixture(scope="module")
def docs(county: Path, shipped_fonts, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: F811
    from core.reports.bulletin import render_monthly_bulletin
    from core.reports.notice import render_notice
    from core.reports.quarterly_result import render_quarterly_result
    from core.reports.urge import render_urge

    folder = tmp_path_factory.mktemp("gbt9704-pdf")
    out = {k: folder / f"{k}.pdf" for k in ("monthly", "quarterly", "notice", "urge")}
    on_db(county, render_monthly_bulletin, out["monthly"], "2026-03", as_of=TODAY, fonts=shipped_fonts)
    on_db(county, render_quarterly_result, out["quarterly"], "2026-Q1", as_of=TODAY, fonts=shipped_fonts)
    on_db(county, render_notice, out["notice"], "2026-1", as_of=TODAY)
    on_db(county, render_urge, out["urge"], _overdue_ref(county), as_of=TODAY)
    return out


@pytest.mark.parametrize("kind", ["monthly", "quarterly"])
def test_file_format_masthead_number_rule_and_title(docs: dict[str, Path], kind: str) -> None:
    with pdfplumber.open(docs[kind]) as pdf:
        page = pdf.pages[0]
        agency = red_chars(page)
        number = number_word(page)
        (rule,) = rules(page, RED)
        title = title_chars(page)
    assert "".join(c["text"] for c in agency).startswith(OFFICE)
    agency_top, agency_bottom = mm(min(c["top"] for c in agency)), mm(max(c["bottom"] for c in agency))
    assert agency_top == pytest.approx(TOP + 35, abs=1)                          # 72 mm from the paper's top
    assert mm(number["top"]) == pytest.approx(agency_bottom + 2 * LINE, abs=1)   # two blank lines
    assert (mm(number["x0"]) + mm(number["x1"])) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=1)
    assert rule["y"] - rule["w"] / 2 == pytest.approx(mm(number["bottom"]) + 4, abs=1)   # 4 mm under the number
    assert (rule["x0"], rule["x1"]) == (pytest.approx(LEFT, abs=0.5), pytest.approx(RIGHT, abs=0.5))
    assert rule["w"] == pytest.approx(1.5 / MM, abs=0.05)
    assert mm(min(c["top"] for c in title)) == pytest.approx(rule["y"] + rule["w"] / 2 + 2 * LINE, abs=1)


@pytest.mark.parametrize("kind", ["notice", "urge"])
def test_letter_format_masthead_double_rules_number_and_title(docs: dict[str, Path], kind: str) -> None:
    with pdfplumber.open(docs[kind]) as pdf:
        page = pdf.pages[0]
        agency = red_chars(page)
        number = number_word(page)
        red = rules(page, RED)
        title = title_chars(page)
        numbers_on_page = [c for c in page.chars if abs(c["size"] - 14) < 0.1 and c["text"] == "—"]
    assert "".join(c["text"] for c in agency) == OFFICE
    agency_bottom = mm(max(c["bottom"] for c in agency))
    assert mm(min(c["top"] for c in agency)) == pytest.approx(30, abs=1)        # 30 mm from the paper's top
    assert len(red) == 4
    upper, lower = red[:2], red[2:]
    for r in red:
        assert r["x1"] - r["x0"] == pytest.approx(170, abs=0.5)                 # 170 mm, centred on the block
        assert (r["x0"] + r["x1"]) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=0.5)
    assert upper[0]["y"] - upper[0]["w"] / 2 == pytest.approx(agency_bottom + 4, abs=1)
    assert upper[0]["w"] > upper[1]["w"] and lower[0]["w"] < lower[1]["w"]  # thick over thin; thin over thick
    assert lower[1]["y"] + lower[1]["w"] / 2 == pytest.approx(297 - 20, abs=1)  # 20 mm above the bottom edge
    assert mm(number["x1"]) == pytest.approx(RIGHT, abs=0.5)                    # flush right
    seven_eighths = 16 * 7 / 8 / MM
    assert mm(number["top"]) == pytest.approx(upper[1]["y"] + upper[1]["w"] / 2 + seven_eighths, abs=1)
    assert mm(min(c["top"] for c in title)) == pytest.approx(mm(number["bottom"]) + 2 * LINE, abs=1)
    assert numbers_on_page == []                                                # no page number on page 1


@pytest.mark.parametrize("kind", ["monthly", "quarterly", "notice", "urge"])
def test_every_document_has_a_number_of_the_pattern(docs: dict[str, Path], kind: str) -> None:
    with pdfplumber.open(docs[kind]) as pdf:
        text = number_word(pdf.pages[0])["text"]
    assert NUMBER.match(text), text
    assert text.startswith("示督〔2026〕")


def _signature(pdf: Path) -> tuple[dict, dict]:
    """The words of the office's line and the date's line at the end of the text (before any 版记)."""
    with pdfplumber.open(pdf) as doc:
        for page in reversed(doc.pages):
            body = [ln for ln in page.extract_text_lines() if ln["chars"][0]["size"] > 15 and ln["bottom"] < BOTTOM * MM]
            dates = [ln for ln in body if ln["text"].replace(" ", "") == "November27,2026"]
            if dates:
                date = dates[-1]
                office = body[body.index(date) - 1]
                return office, date
    raise AssertionError("no signature")


@pytest.mark.parametrize("kind", ["monthly", "quarterly", "notice", "urge"])
def test_signature_four_characters_in_with_room_for_the_seal(docs: dict[str, Path], kind: str) -> None:
    office, date = _signature(docs[kind])
    char = date["chars"][0]["size"]
    assert mm(date["x1"]) == pytest.approx(RIGHT - 4 * char / MM, abs=1)
    assert (office["x0"] + office["x1"]) / 2 == pytest.approx((date["x0"] + date["x1"]) / 2, abs=1 * MM)
    assert office["text"] == OFFICE


def test_signature_without_the_seal_is_two_characters_in(tmp_path: Path, shipped_fonts) -> None:  # noqa: F811
    from core.reports import layout

    st = layout.styles(shipped_fonts)
    out = tmp_path / "unsealed.pdf"
    layout.official_document(out, story=layout.signature(st, OFFICE, TODAY, sealed=False), fonts=shipped_fonts,
                             agency=None, doc_number=None, title="")
    office, date = _signature(out)
    size = date["chars"][0]["size"]
    assert mm(date["x1"]) == pytest.approx(RIGHT - 2 * size / MM, abs=1)     # the date is the shorter: two in
    assert date["x0"] - office["x0"] == pytest.approx(2 * size, abs=1 * MM)  # starting two characters right


@pytest.mark.parametrize("kind", ["monthly", "quarterly"])
def test_colophon_on_the_last_even_page_between_rules(docs: dict[str, Path], kind: str) -> None:
    with pdfplumber.open(docs[kind]) as pdf:
        last = pdf.pages[-1]
        count = len(pdf.pages)
        # full-width rules thicker than a table's grid (0.18 mm): the body may end on this page too
        black = [r for r in rules(last, None) if r["x1"] - r["x0"] > 150 and r["w"] > 0.2]
        words = last.extract_text_lines()
    assert count % 2 == 0
    assert [round(r["w"], 2) for r in black] == [0.35, 0.25, 0.35]
    for r in black:
        assert (r["x0"], r["x1"]) == (pytest.approx(LEFT, abs=0.5), pytest.approx(RIGHT, abs=0.5))
    assert black[-1]["y"] + black[-1]["w"] / 2 == pytest.approx(BOTTOM, abs=0.5)   # on the block's bottom edge
    copy_to = next(ln for ln in words if ln["text"].startswith("Copy to"))
    printed = next(ln for ln in words if "Printed on" in ln["text"])
    assert black[0]["y"] < mm(copy_to["top"]) < mm(copy_to["bottom"]) < black[1]["y"]
    assert black[1]["y"] < mm(printed["top"]) < mm(printed["bottom"]) < black[2]["y"]
    assert BOTTOM - mm(printed["bottom"]) < LINE                                   # the last line of the page
    assert {round(c["size"]) for c in copy_to["chars"] + printed["chars"]} == {14}  # 4号
    assert printed["text"].startswith(OFFICE)
    assert mm(printed["chars"][0]["x0"]) == pytest.approx(LEFT + 14 / MM, abs=0.5)   # one character in
    assert mm(printed["chars"][-1]["x1"]) == pytest.approx(RIGHT - 14 / MM, abs=0.5)


def test_letter_colophon_is_the_copy_to_alone_at_the_bottom(docs: dict[str, Path]) -> None:
    with pdfplumber.open(docs["notice"]) as pdf:
        last = pdf.pages[-1]
        black = [r for r in rules(last, None) if r["x1"] - r["x0"] > 150 and r["w"] < 0.4]
        line = next(ln for ln in last.extract_text_lines() if ln["text"].startswith("Copy to"))
    assert black == []
    assert BOTTOM - mm(line["bottom"]) < LINE / 2
    assert "Printed on" not in line["text"]


def _closing_doc(tmp_path: Path, fonts, body_pages: int, room: float) -> tuple[Path, int]:  # noqa: ANN001
    """A 文件格式 document whose text ends on page `body_pages` with `room` points left."""
    from reportlab.platypus import PageBreak, Spacer

    from core.reports import layout
    from core.reports.gbt9704 import Closing

    story = []
    for _ in range(body_pages - 1):
        story += [Spacer(1, 10), PageBreak()]
    story.append(Spacer(1, layout.BLOCK_H - room))
    out = tmp_path / f"closing-{body_pages}-{room}.pdf"
    pages = layout.official_document(out, story=story, fonts=fonts, agency=None, doc_number=None, title="",
                                     closing=Closing("县委领导", OFFICE, dt.date(2026, 3, 12)))
    return out, pages


def _page_numbers(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return ["".join(c["text"] for c in page.chars if abs(c["size"] - 14) < 0.1 and c["text"] not in "Copy")
                .replace(" ", "") for page in doc.pages]


def test_closing_block_goes_to_an_even_page_with_a_blank_page_when_needed(tmp_path: Path,
                                                                         shipped_fonts) -> None:  # noqa: F811
    out, pages = _closing_doc(tmp_path, shipped_fonts, 1, 400)      # ends on page 1 (odd): the 版记 on page 2
    assert pages == 2
    out, pages = _closing_doc(tmp_path, shipped_fonts, 2, 400)      # ends on page 2 with room: on page 2
    assert pages == 2
    out, pages = _closing_doc(tmp_path, shipped_fonts, 2, 10)       # no room on page 2: blank 3, 版记 on 4
    assert pages == 4
    with pdfplumber.open(out) as pdf:
        assert pdf.pages[2].chars == [] and pdf.pages[2].lines == []
        assert "Printed on" in pdf.pages[3].extract_text()
    numbers = [n for n in (p.count("—") for p in _page_numbers(out))]
    assert numbers[:2] == [2, 2] and numbers[2:] == [0, 0]           # blank page and 版记 page unnumbered


def _dash_centre_mm(pdf: Path, page_no: int, box: dict) -> float:
    """The middle of the dark pixels inside `box` (a pdfplumber char), from a 254 dpi render, in mm from the top."""
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    png = pdf.with_suffix(f".p{page_no}")
    subprocess.run(["pdftoppm", "-r", "254", "-gray", "-png", "-singlefile", "-f", str(page_no), "-l", str(page_no),
                    str(pdf), str(png)], check=True)
    img = Image.open(f"{png}.png").convert("L")
    px = 254 / 72
    x0, x1, top, bottom = (int(box[k] * px) for k in ("x0", "x1", "top", "bottom"))
    rows = [y for y in range(top, bottom + 1) if any(img.getpixel((x, y)) < 128 for x in range(x0, x1))]
    return (rows[0] + rows[-1]) / 2 / 10


def _letter_of_two_pages(tmp_path: Path, fonts) -> Path:  # noqa: ANN001
    from reportlab.platypus import PageBreak, Spacer

    from core.reports import layout

    out = tmp_path / "letter.pdf"
    layout.official_document(out, story=[Spacer(1, 10), PageBreak(), Spacer(1, 10)], fonts=fonts, agency=OFFICE,
                             doc_number="示督〔2026〕1号", title="督办通知单", form="letter")
    return out


def _numbers_below_the_block(page) -> list[dict]:  # noqa: ANN001
    return [c for c in page.chars if abs(c["size"] - 14) < 0.1 and mm(c["top"]) > BOTTOM]


@pytest.mark.parametrize("kind", ["monthly", "quarterly", "letter"])
def test_page_number_dashes_seven_mm_below_the_block(docs: dict[str, Path], kind: str, tmp_path: Path,
                                                     shipped_fonts) -> None:  # noqa: F811
    pdf = tmp_path / f"{kind}.pdf"
    if kind == "letter":
        pdf = _letter_of_two_pages(tmp_path, shipped_fonts)
    else:
        shutil.copy(docs[kind], pdf)
    with pdfplumber.open(pdf) as doc:
        found = [(n, _numbers_below_the_block(p)) for n, p in enumerate(doc.pages, 1)][:2]
    if kind == "letter":
        assert found[0][1] == []                                        # a letter's first page: no number
        found = found[1:]
    for n, chars in found:
        assert "".join(c["text"] for c in chars).replace(" ", "") == f"—{n}—"
        dashes = [c for c in chars if c["text"] == "—"]
        assert _dash_centre_mm(pdf, n, dashes[0]) == pytest.approx(BOTTOM + 7, abs=1)
        if n % 2:
            assert mm(dashes[-1]["x1"]) == pytest.approx(RIGHT - 14 / MM, abs=0.5)   # odd: right, one in
        else:
            assert mm(dashes[0]["x0"]) == pytest.approx(LEFT + 14 / MM, abs=0.5)     # even: left, one in


def _number_of(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return number_word(doc.pages[0])["text"]


def test_a_reprint_keeps_its_number_and_a_new_document_takes_the_next(county: Path, tmp_path: Path,
                                                                     shipped_fonts) -> None:  # noqa: F811
    from core.db.connection import open_database
    from core.reports.bulletin import render_monthly_bulletin
    from core.reports.notice import render_notice
    from core.reports.settings import print_settings, save_print_settings
    from tests._shared.db_copy import copy_database

    path = copy_database(county, tmp_path / "hub.db")
    db = open_database(path)
    try:
        render_monthly_bulletin(db, tmp_path / "m1.pdf", "2026-03", as_of=TODAY, fonts=shipped_fonts)
        render_monthly_bulletin(db, tmp_path / "m2.pdf", "2026-02", as_of=TODAY, fonts=shipped_fonts)
        render_notice(db, tmp_path / "n1.pdf", "2026-1", as_of=TODAY)
        first, second, notice = (_number_of(tmp_path / f) for f in ("m1.pdf", "m2.pdf", "n1.pdf"))
        assert (first, second, notice) == ("示督〔2026〕1号", "示督〔2026〕2号", "示督〔2026〕1号")  # per kind
    finally:
        db.conn.close()
    s = open_session(path, "admin", PASSWORD, TODAY)
    try:
        import dataclasses

        save_print_settings(s, dataclasses.replace(print_settings(s.db), prefix="县督"))
        render_monthly_bulletin(s.db, tmp_path / "m3.pdf", "2026-03", as_of=TODAY + dt.timedelta(days=40),
                                fonts=shipped_fonts)
        render_notice(s.db, tmp_path / "n2.pdf", "2026-1/TGZ", as_of=TODAY + dt.timedelta(days=40))
        render_notice(s.db, tmp_path / "n3.pdf", "2026-2", as_of=TODAY + dt.timedelta(days=40))
    finally:
        s.db.conn.close()
    assert _number_of(tmp_path / "m3.pdf") == first           # a reprint: the same text, the old prefix too
    assert _number_of(tmp_path / "n2.pdf") == notice          # the task's notice, printed from one of its REFs
    assert _number_of(tmp_path / "n3.pdf") == "县督〔2027〕1号"  # a new document in a new year


def test_a_notice_without_contact_is_refused_and_takes_no_number(template_hub: Path, tmp_path: Path) -> None:
    from core.db.connection import open_database
    from core.reports.notice import render_notice
    from core.work.tasks import NewTask, add_tasks
    from tests._shared.db_copy import copy_database

    path = copy_database(template_hub, tmp_path / "hub.db")
    s = open_session(path, "clerk", PASSWORD, TODAY)
    try:
        add_tasks(s, [NewTask("整治河道", "general", TODAY, "TGZ")])
    finally:
        s.db.conn.close()
    db = open_database(path)
    try:
        with pytest.raises(Refusal, match="contact person and phone"):
            render_notice(db, tmp_path / "n.pdf", "2026-1", as_of=TODAY)
        assert db.execute("SELECT COUNT(*) FROM document_number").fetchone()[0] == 0
    finally:
        db.conn.close()
    assert not (tmp_path / "n.pdf").exists()


def test_copy_to_is_a_setting_checked_and_audited(hub_db: Path) -> None:
    import dataclasses

    from core.reports.settings import print_settings, save_print_settings

    s = open_session(hub_db, "admin", PASSWORD, TODAY)
    try:
        assert print_settings(s.db).copy_to == ""                       # the default: no 抄送 line
        with pytest.raises(Refusal, match="copy-to list"):
            save_print_settings(s, dataclasses.replace(print_settings(s.db), copy_to="县委\n县政府"))
        save_print_settings(s, dataclasses.replace(print_settings(s.db), copy_to=" 县委、县政府领导 "))
        assert print_settings(s.db).copy_to == "县委、县政府领导"
    finally:
        s.db.conn.close()
