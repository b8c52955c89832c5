"""Shared by the list-document tests (test_report_*.py): a county with meetings in three states, and PDF checks.

`build_county(template, path)` copies the template hub and adds, through the core:
- meeting LONG (2026-11-22): 36 items (enough for a second page), titles starting
  "第NN项" so their order can be read back, some long with many commas, one with
  the rare character 镕; items 1-12 unclaimed (red), 13-36 claimed and reported
  (next step the completion due 11-29: green);
- meeting SHORT (2026-11-25): 3 items, claimed (next step the report due 11-28: yellow).
The PDFs are read back with pdfplumber/pypdf; fonts come from resources/fonts only.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pdfplumber
import pytest
from pypdf import PdfReader

from tests._shared.db_copy import copy_database

if TYPE_CHECKING:
    from core.office import Session

PASSWORD = "test-pass"
TODAY = dt.date(2026, 11, 27)
LONG_DATE = dt.date(2026, 11, 22)
SHORT_DATE = dt.date(2026, 11, 25)
LEADS = ("TGZ", "XYJ", "FGJ", "ZJJ")
CLOSING = "，。、；：？！）》”’】〕…％"
A4_LANDSCAPE = (841.89, 595.28)


def long_titles() -> list[str]:
    titles = []
    for n in range(1, 37):
        if n % 6 == 0:  # long; the commas fall at different places, one of them where a line breaks
            text = "推进人居环境整治工作落实河长制完善台账加强督查压实责任"
            k = 16 + n // 6
            title = f"第{n:02d}项：" + text[:k] + "，" + text[k:] + "，" + text[: 24 - k] + "。" + text
        elif n == 7:
            title = "第07项：落实朱镕同志调研指示精神"
        else:
            title = f"第{n:02d}项：推进重点项目建设第{n}批"
        titles.append(title)
    return titles


copy_db = copy_database  # the shared helper (tests/_shared/db_copy.py), under the name these tests import


@contextmanager
def admin_on_copy(template: Path, path: Path) -> Iterator[Session]:
    """An admin session on a copy of `template` at `path`, with CLOSELOOP_TODAY = TODAY and English
    messages while it is open; the WAL is checkpointed into the file and the session closed afterwards."""
    from core.office import open_session

    copy_db(template, path)
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", TODAY.isoformat())
    mp.setenv("CLOSELOOP_LANG", "en")
    try:
        s = open_session(path, "admin", PASSWORD, TODAY)
        try:
            yield s
            s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            s.db.conn.close()
    finally:
        mp.undo()


def build_county(template: Path, path: Path) -> dict[str, int]:
    """Build the test county at `path` (see the module docstring); returns the meeting ids."""
    from core.work.actions import Action, record
    from core.work.tasks import NewTask
    from core.work.weekly import save_weekly

    with admin_on_copy(template, path) as s:
        rows = [NewTask(title=t, category="major" if n % 5 == 0 else "general", assigned_on=LONG_DATE,
                        lead=LEADS[n % 4], co=(LEADS[(n + 1) % 4],) if n % 3 == 0 else (),
                        leader="王建国" if n % 2 else None)
                for n, t in enumerate(long_titles(), 1)]
        long_meeting = save_weekly(s, LONG_DATE, "第43次周例会", rows)[0]
        for n, task_no in enumerate(long_meeting.task_numbers, 1):
            if n > 12:
                ref = f"{task_no}/{LEADS[n % 4]}"
                record(s, ref, Action("claim", LONG_DATE))
                record(s, ref, Action("report", dt.date(2026, 11, 24), text="已部署推进"))
        short = [NewTask(title=f"短会事项{n}", category="general", assigned_on=SHORT_DATE, lead="TGZ")
                 for n in range(1, 4)]
        short_meeting = save_weekly(s, SHORT_DATE, "第44次周例会", short)[0]
        for task_no in short_meeting.task_numbers:
            record(s, f"{task_no}/TGZ", Action("claim", SHORT_DATE))
    return {"long": long_meeting.meeting.id, "short": short_meeting.meeting.id}


@pytest.fixture(scope="module")
def shipped_fonts():  # noqa: ANN201
    """Discovery limited to resources/fonts (a CI machine has no CJK fonts); restored afterwards.

    Also English messages: module fixtures that render run before the per-test environment.
    """
    from core.i18n import set_language
    from core.reports.fonts import FontSearch, register_fonts, set_search

    set_language("en")
    set_search(FontSearch(windows_dirs=(), fc_list=None))
    yield register_fonts()
    set_search(FontSearch())


def page_texts(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def flat(text: str) -> str:
    """Text without whitespace (wrapped cells split words across lines)."""
    return "".join(text.split())


def assert_landscape_a4(pdf: Path) -> None:
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            assert abs(page.width - A4_LANDSCAPE[0]) < 1.5 and abs(page.height - A4_LANDSCAPE[1]) < 1.5


def assert_fonts_embedded(pdf: Path) -> None:
    """Every font that draws a character is embedded. (reportlab's page preamble names Helvetica
    in every page's resources without drawing with it: unused fonts are not checked.)"""
    with pdfplumber.open(pdf) as doc:
        used = {ch["fontname"] for page in doc.pages for ch in page.chars}
    assert used
    embedded = set()
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if desc is not None and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(str(font["/BaseFont"]).lstrip("/"))
    assert used <= embedded, used - embedded


def line_starts(pdf: Path) -> list[str]:
    """The first character of every line of every cell: characters on one baseline, split where
    the gap to the previous character is wider than a space (a cell border)."""
    starts = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            lines: dict[int, list[dict]] = {}
            for ch in page.chars:
                lines.setdefault(round(ch["top"]), []).append(ch)
            for chars in lines.values():
                chars.sort(key=lambda c: c["x0"])
                prev = None
                for ch in chars:
                    if ch["text"].strip() and (prev is None or ch["x0"] - prev["x1"] > 4):
                        starts.append(ch["text"])
                    prev = ch
    return starts


def assert_no_closing_punctuation_starts_a_line(pdf: Path) -> None:
    bad = [c for c in line_starts(pdf) if c in CLOSING]
    assert not bad, bad


def table_rows(pdf: Path) -> list[list[str]]:
    """The body rows of the list's table on every page (header rows left out), cells without whitespace."""
    rows = []
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                rows += [[flat(c or "") for c in r] for r in table[1:]]
    return rows
