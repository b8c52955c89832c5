"""The Excel import dialog: the dry run lists the rows and the refusals; Import creates the tasks."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import context_for
from openpyxl import Workbook

from core.db.connection import connect
from ui import xlsx_import_dialog
from ui.shell.context import AppContext
from ui.xlsx_import_dialog import XlsxImportDialog, open_import_dialog

HEADERS = ["序号", "事项名称", "具体内容", "类别", "来源", "交办日期", "牵头单位", "配合单位", "分管领导"]


@pytest.fixture
def ctx(db_path: Path, scenario) -> Iterator[AppContext]:  # noqa: ANN001
    yield from context_for(db_path, "admin", scenario.password)


def sheet(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


GOOD = [[1, "兴城镇背街小巷整治", "", "一般", "会议", dt.date(2026, 11, 22), "兴城镇", "JTJ", "王建国"],
        [2, "太公镇河道清淤", "", "重大", "批示", "2026年11月20日", "TGZ", "", ""]]


def task_count(path: Path) -> int:
    db = connect(path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM task").fetchone()[0])
    finally:
        db.conn.close()


def open_dialog(qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch, file: Path) -> XlsxImportDialog:  # noqa: ANN001
    monkeypatch.setattr(xlsx_import_dialog, "choose_file", lambda parent: str(file))
    dialog = open_import_dialog(ctx, None)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    dialog.choose_button.click()
    assert dialog.file_edit.text() == str(file) and dialog.check_button.isEnabled()
    assert not dialog.ok_button.isEnabled()
    return dialog


def cells(dialog: XlsxImportDialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_the_dry_run_lists_rows_and_refusals_and_import_stays_off(
        qtbot, ctx: AppContext, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    file = sheet(tmp_path / "台账.xlsx", GOOD + [[3, "", "", "一般", "会议", "2026.11.21", "TGZ", "", ""],
                                                 [4, "无名单位事项", "", "一般", "会议", "2026/11/21", "", "", ""]])
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    before = task_count(db_path)
    dialog = open_dialog(qtbot, ctx, monkeypatch, file)
    with qtbot.waitSignal(dialog.planned, timeout=10_000) as blocker:
        dialog.check_button.click()
    plan = blocker.args[0]
    assert [r.row for r in plan.rows] == [2, 3] and [r.row for r in plan.refused] == [4, 5]
    rows = cells(dialog)
    assert [r[0] for r in rows] == ["2", "3", "4", "5"]
    assert rows[0][2:6] == ["兴城镇背街小巷整治", "2026-11-22", "兴城镇", "县交通运输局"]  # units by name (issue 14)
    assert rows[1][2:5] == ["太公镇河道清淤", "2026-11-20", "太公镇"]
    assert [r[2] for r in rows[2:]] == ["", "无名单位事项"]
    assert [r[8] for r in rows[2:]] == [" ".join(r.reasons) for r in plan.refused]
    assert all(len(r.reasons) == 1 for r in plan.refused)  # an empty title; an empty lead unit
    assert not dialog.ok_button.isEnabled()
    dialog.do_import()  # refused rows: nothing happens
    assert task_count(db_path) == before
    assert hashlib.sha256(file.read_bytes()).hexdigest() == digest


def test_import_creates_the_tasks(qtbot, ctx: AppContext, db_path: Path, tmp_path: Path,  # noqa: ANN001
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    file = sheet(tmp_path / "clean.xlsx", GOOD)
    before = task_count(db_path)
    dialog = open_dialog(qtbot, ctx, monkeypatch, file)
    with qtbot.waitSignal(dialog.planned, timeout=10_000):
        dialog.check_button.click()
    assert dialog.ok_button.isEnabled() and len(cells(dialog)) == 2
    with qtbot.waitSignal(ctx.changed, timeout=10_000), qtbot.waitSignal(dialog.imported, timeout=10_000) as b:
        dialog.ok_button.click()
    assert len(b.args[0].tasks) == 2 and task_count(db_path) == before + 2
    assert "2" in dialog.summary.text() and not dialog.ok_button.isEnabled()
    db = connect(db_path)
    try:
        got = db.execute("SELECT t.title, t.assigned_on, t.category, u.code FROM task t JOIN assignment a ON "
                         "a.task_id = t.id AND a.role = 'lead' JOIN unit u ON u.id = a.unit_id "
                         "ORDER BY t.id DESC LIMIT 2").fetchall()
    finally:
        db.conn.close()
    assert sorted(got) == sorted([("兴城镇背街小巷整治", "2026-11-22", "general", "XCZ"),
                                  ("太公镇河道清淤", "2026-11-20", "major", "TGZ")])


def test_a_bad_file_shows_the_sentence_in_the_dialog(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"not a workbook")
    dialog = open_dialog(qtbot, ctx, monkeypatch, bad)
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as blocker:
        dialog.check_button.click()
    assert "old.xls" in blocker.args[0] and dialog.error.isVisible() and dialog.table.rowCount() == 0
    assert not dialog.ok_button.isEnabled() and dialog.check_button.isEnabled()


def test_the_template_is_saved(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                               monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "template.xlsx"
    monkeypatch.setattr(xlsx_import_dialog, "choose_template_path", lambda parent: str(target))
    dialog = open_import_dialog(ctx, None)
    qtbot.addWidget(dialog)
    dialog.template_button.click()
    qtbot.waitUntil(lambda: target.exists() and str(target) in dialog.summary.text(), timeout=10_000)
    dialog.grab().save(str(tmp_path / "dialog.png"))
