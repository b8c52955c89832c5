"""督办通知单 and 催办通知书 (issue 5, documents 2 and 3), and the printed-materials settings.

The database is built once per module through core functions (a meeting, two
tasks, claims, reports, an urge with a follow-up date) and copied per test.
"""
from __future__ import annotations

import datetime as dt
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

from tests._shared.db_copy import copy_database

D = dt.date
PASSWORD = "test-pass"
TITLE = "整治太公镇农贸市场环境脏乱问题"
CONTENT = "11月第2次周例会交办：由太公镇牵头，县发改局配合，按“13710”要求研究部署，明确责任人和时间节点。"


@pytest.fixture(autouse=True)
def _fonts() -> Iterator[None]:
    shipped_fonts_only()
    yield
    restore_fonts()


@pytest.fixture(scope="module")
def template(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.office import open_session
    from core.reports.settings import PrintSettings, save_print_settings
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_meeting, add_tasks

    path = copy_database(template_hub, tmp_path_factory.mktemp("notice") / "hub.db")
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", "2026-11-27")
    try:
        s = open_session(path, "clerk", PASSWORD, today=D(2026, 11, 27))
        m = add_meeting(s, "weekly", D(2026, 11, 10), "11月第2次周例会")
        add_tasks(s, [NewTask(TITLE, "general", D(2026, 11, 10), "TGZ", ("FGJ",), "王建国", m.id, content=CONTENT),
                      NewTask("新任务", "general", D(2026, 11, 25), "XYJ", (), None, m.id)])
        record(s, "2026-1/TGZ", Action("claim", D(2026, 11, 10)))
        record(s, "2026-1/FGJ", Action("claim", D(2026, 11, 10)))
        record(s, "2026-1/FGJ", Action("report", D(2026, 11, 12), "已部署"))
        record(s, "2026-1/FGJ", Action("completion", D(2026, 11, 16), "已完成"))
        record(s, "2026-1/TGZ", Action("urge", D(2026, 11, 20), "请抓紧", value=D(2026, 11, 30)))
        save_print_settings(s, PrintSettings("示例县委督查室", "卫督", "李堃", "0371-6612 3456"))
        s.db.conn.close()
    finally:
        mp.undo()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[object]:
    from core.db.connection import open_database

    conn = open_database(copy_database(template, tmp_path / "hub.db"))
    yield conn
    conn.conn.close()


def _ld(d: dt.date) -> str:
    from core.format import long_date

    return long_date(d)


def test_task_numbers(db) -> None:  # noqa: ANN001
    assert db.execute("SELECT task_no, seq FROM task ORDER BY id").fetchall() == [("2026-1", 1), ("2026-2", 2)]


def test_notice_prints_the_task_as_in_the_database(db, tmp_path: Path) -> None:  # noqa: ANN001
    from core.reports.notice import render_notice

    out = tmp_path / "notice.pdf"
    assert render_notice(db, out, "2026-1", as_of=D(2026, 11, 27)) == 2      # English runs longer: the signature goes to page 2 under the GB/T 9704 head
    text = text_of(out)
    flat = text.replace("\n", "")
    for expected in ("示例县委督查室", "卫督〔2026〕1号", "太公镇", "县发改局", "王建国", "李堃", "0371-6612 3456",
                     _ld(D(2026, 11, 10)), _ld(D(2026, 11, 13)), _ld(D(2026, 11, 17)), _ld(D(2026, 11, 27))):
        assert expected in text, expected
    assert TITLE in flat and CONTENT.replace("“", "").replace("”", "")[:20] in flat.replace("“", "").replace("”", "")
    order = [text.index(x) for x in ("示例县委督查室", "卫督〔2026〕1号", "Supervision notice", "2026-1", "李堃")]
    assert order == sorted(order)
    assert all(embedded_font_files(out).values())
    assert not [ln["text"] for page in lines(out) for ln in page if ln["text"][:1] in "，。、；：？！）》"]


def test_notice_accepts_an_assignment_ref_and_refuses_unknown(db, tmp_path: Path) -> None:  # noqa: ANN001
    from core.errors import Refusal
    from core.reports.notice import render_notice

    assert render_notice(db, tmp_path / "a.pdf", "2026-1/FGJ", as_of=D(2026, 11, 27)) == 2
    with pytest.raises(Refusal, match="no task 2026-99"):
        render_notice(db, tmp_path / "b.pdf", "2026-99")
    assert not (tmp_path / "b.pdf").exists()


def test_urge_says_what_is_late_since_when_and_the_follow_up(db, tmp_path: Path) -> None:  # noqa: ANN001
    from core.reports.urge import overdue_steps, render_urge

    out = tmp_path / "urge.pdf"
    assert render_urge(db, out, "2026-1/TGZ", as_of=D(2026, 11, 27)) == 2      # the counterfoil, kept whole, on page 2
    text = text_of(out)
    flat = text.replace("\n", " ")
    for expected in ("示例县委督查室", "太公镇", "2026-1/TGZ", "Urge notice", "counterfoil", "Cut along this line",
                     _ld(D(2026, 11, 13)), _ld(D(2026, 11, 14)),      # first report due, late since
                     _ld(D(2026, 11, 17)), _ld(D(2026, 11, 18)),      # completion due, late since
                     _ld(D(2026, 11, 30)), "李堃"):
        assert expected in flat, expected
    assert text.index("Urge notice") < text.index("Cut along this line") < text.index("counterfoil")
    from core.work.task_view import task_detail

    steps = overdue_steps(task_detail(db, "2026-1/TGZ", as_of=D(2026, 11, 27))["assignments"][0], D(2026, 11, 27))
    assert [(o.step, o.late_since, o.days) for o in steps] == [("report", D(2026, 11, 14), 14),
                                                              ("completion", D(2026, 11, 18), 10)]


def test_a_follow_up_date_that_has_passed_is_not_printed_as_a_deadline(db, tmp_path: Path) -> None:  # noqa: ANN001
    from core.reports.urge import render_urge

    out = tmp_path / "late.pdf"
    assert render_urge(db, out, "2026-1/TGZ", as_of=D(2026, 12, 2)) == 2
    flat = text_of(out).replace("\n", " ")
    assert _ld(D(2026, 11, 30)) not in flat
    assert "without delay" in flat


def test_urge_refusals_write_nothing(db, tmp_path: Path) -> None:  # noqa: ANN001
    from core.errors import ClerkError, Refusal
    from core.reports.urge import render_urge

    with pytest.raises(Refusal, match="Nothing of 2026-1/FGJ is overdue"):
        render_urge(db, tmp_path / "a.pdf", "2026-1/FGJ", as_of=D(2026, 11, 27))     # submitted in time
    with pytest.raises(Refusal, match="overdue"):
        render_urge(db, tmp_path / "b.pdf", "2026-2/XYJ", as_of=D(2026, 11, 25))     # nothing due yet
    with pytest.raises(Refusal):
        render_urge(db, tmp_path / "c.pdf", "2026-1/ZJJ")                            # not assigned there
    with pytest.raises(ClerkError):
        render_urge(db, tmp_path / "d.pdf", "2026-1")                                # not an assignment
    assert list(tmp_path.glob("*.pdf")) == []


def test_print_settings_validate_and_audit(hub_db: Path, state) -> None:  # noqa: ANN001
    from core.errors import Refusal
    from core.office import open_session
    from core.reports.settings import PrintSettings, print_settings, save_print_settings

    s = open_session(hub_db, "clerk", PASSWORD)
    try:
        assert print_settings(s.db) == PrintSettings("示例县委督查室", "", "", "")
        before = state(hub_db)
        for bad in (PrintSettings("", "卫督", "", ""), PrintSettings("x", "卫督〔2026〕", "", ""),
                    PrintSettings("x", "卫督", "", "call me")):
            with pytest.raises(Refusal):
                save_print_settings(s, bad)
        assert state(hub_db) == before
        save_print_settings(s, PrintSettings(" 县委督查室 ", "县督", "张喆", "123-4"))
        assert print_settings(s.db) == PrintSettings("县委督查室", "县督", "张喆", "123-4")
        assert s.db.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0] == "print_settings"
    finally:
        s.db.conn.close()


def test_golden_notice_and_urge(db, tmp_path: Path) -> None:  # noqa: ANN001
    from core.reports.notice import render_notice
    from core.reports.urge import render_urge

    render_notice(db, tmp_path / "notice.pdf", "2026-1", as_of=D(2026, 11, 27))
    render_urge(db, tmp_path / "urge.pdf", "2026-1/TGZ", as_of=D(2026, 11, 27))
    compare_golden(tmp_path / "notice.pdf", "notice_2026-1", tmp_path)
    compare_golden(tmp_path / "urge.pdf", "urge_2026-1_TGZ", tmp_path)
