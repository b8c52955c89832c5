"""The monthly review page (月点评): scores per kind equal the core's, explanations add up, panel scores, publishing.

Database: tests/ui/_scores_helpers.py (as of 2026-11-27; the page opens on 2026-10).
"""
# ruff: noqa: F811  (the fixtures imported from _scores_helpers are parameters here)
from __future__ import annotations

import json
from pathlib import Path

import pytest
from _scores_helpers import (  # noqa: F401  (fixtures)
    T,
    core_scores,
    ctx,
    expected_scores,
    open_page,
    rows,
    scores_db,
    scores_template,
    shown_scores,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from core.db.connection import connect
from core.i18n import _
from core.scoring.publish import explain
from ui.pages.scores.monthly import MonthlyPage
from ui.pages.scores.publish_dialogs import PublishDialog, ReopenDialog
from ui.shell.context import AppContext


@pytest.fixture
def page(qtbot, ctx: AppContext) -> MonthlyPage:  # noqa: ANN001
    return open_page(qtbot, MonthlyPage, ctx)


def _reload(qtbot, page: MonthlyPage, action) -> None:  # noqa: ANN001
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        action()


def test_scores_per_kind_equal_the_core(page: MonthlyPage, scores_db: Path, qtmodeltester) -> None:  # noqa: ANN001
    assert page.period == "2026-10"
    expected = core_scores(scores_db, "2026-10")
    assert shown_scores(page) == expected_scores(expected)
    by_code = {s.unit: s for s in expected}
    # the deductions are there: JTJ's co assignment and criticism, FGW's overdue, XCZ's late completion
    assert by_code["JTJ"].score < 100 and by_code["FGW"].score == 99 and by_code["XCZ"].score == 99
    assert by_code["TGZ"].panel == 8.0 and by_code["TGZ"].score == round(0.8 * by_code["TGZ"].objective + 16, 6)
    chart = page.sections["department"].chart
    assert [s.unit for s in reversed(chart.shown)] == [s.unit for s in expected if s.kind == "department"]
    for section in page.sections.values():
        qtmodeltester.check(section.model)
    qtmodeltester.check(page.panel.model)


def test_bar_click_explains_the_unit(qtbot, page: MonthlyPage, scores_db: Path) -> None:  # noqa: ANN001
    section = page.sections["township"]
    chart = section.chart
    point = chart.bar_center("TGZ")
    assert point is not None
    with qtbot.waitSignal(chart.unit_clicked, timeout=5_000):
        qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint())
    shown = page.explanation.score
    assert shown is not None and shown.unit == "TGZ"
    assert section.table.currentIndex().row() == section.model.row_of("TGZ")
    assert page.explanation.total() == pytest.approx(shown.score)
    refs = {line.ref for line in page.explanation.lines}
    assert "2026-1/TGZ" in refs
    assert {line.kind for line in page.explanation.lines} >= {"base", "late_report", "returned", "panel"}
    db = connect(scores_db)
    try:
        score, lines = explain(db, "TGZ", "2026-10", T)
    finally:
        db.conn.close()
    assert lines == page.explanation.lines and score.score == shown.score
    # each line naming an assignment names its task by title too (issue 15), in the table's 事项名称 column
    table = page.explanation.table
    title_column = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index("事项名称")
    row = next(i for i, line in enumerate(lines) if line.ref == "2026-1/TGZ")
    assert lines[row].title and table.item(row, title_column).text() == lines[row].title


def test_every_explanation_adds_up(page: MonthlyPage) -> None:
    assert page.data is not None
    for kind, section in page.sections.items():
        for row in range(section.model.rowCount()):
            index = section.model.index(row, 0)
            section.table.setCurrentIndex(index)
            score = page.explanation.score
            assert score is not None and score.kind == kind
            assert page.explanation.total() == pytest.approx(score.score)


def _cell(page: MonthlyPage, leader: str, unit: str):  # noqa: ANN202
    model = page.panel.model
    col = [name for name, _units in model.grid.leaders].index(leader)
    row = [code for code, _name, _kind in model.grid.units].index(unit)
    return model.index(row, col)


def test_panel_score_is_saved_and_moves_the_score(qtbot, page: MonthlyPage, scores_db: Path) -> None:  # noqa: ANN001
    before = {s.unit: s.score for s in page.data.scores}
    model = page.panel.model
    assert model.value(("王建国", "TGZ")) == 9.0
    page.tabs.setCurrentWidget(page.panel)
    index = _cell(page, "王建国", "XCZ")
    page.panel.view.setCurrentIndex(index)
    page.panel.view.edit(index)
    editor = next(e for e in page.panel.view.findChildren(QLineEdit) if e.isVisible())
    editor.setText("6")
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: bool(model.pending), timeout=5_000)
    assert model.pending == {("王建国", "XCZ"): 6.0}
    assert page.panel.save_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=10_000), qtbot.waitSignal(page.panel.saved, timeout=10_000) as saved:
        page.panel.save_button.click()
    assert saved.args == [1, 0]
    assert rows(scores_db, "SELECT l.name, u.code, p.month, p.score FROM panel_score p JOIN leader l ON "
                           "l.id = p.leader_id JOIN unit u ON u.id = p.unit_id WHERE u.code = 'XCZ'") == [
        ("王建国", "XCZ", "2026-10", 6.0)]
    after = {s.unit: s.score for s in page.data.scores}
    assert after["XCZ"] == pytest.approx(0.8 * before["XCZ"] + 0.2 * 60)
    assert after == {s.unit: s.score for s in core_scores(scores_db, "2026-10")}
    assert not model.pending and model.value(("王建国", "XCZ")) == 6.0


def test_panel_score_out_of_range_is_refused(qtbot, page: MonthlyPage, scores_db: Path) -> None:  # noqa: ANN001
    count = rows(scores_db, "SELECT COUNT(*) FROM panel_score")
    assert page.panel.model.setData(_cell(page, "李明", "FGW"), "11")
    with qtbot.waitSignal(page.panel.saved, timeout=10_000) as saved:
        page.panel.save_button.click()
    assert saved.args == [0, 1]
    message = page.panel.message.text()
    assert "11" in message and "10" in message and not page.panel.message.isHidden()
    assert rows(scores_db, "SELECT COUNT(*) FROM panel_score") == count
    assert page.panel.model.pending == {("李明", "FGW"): 11.0}
    assert page.panel.model.refused[("李明", "FGW")] == message


def test_publish_a_past_month_then_reopen_it(qtbot, page: MonthlyPage, scores_db: Path) -> None:  # noqa: ANN001
    page.publish_button.click()
    dialog = page.dialog
    assert isinstance(dialog, PublishDialog) and dialog.isVisible()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        dialog.ok_button.click()
    assert not dialog.isVisible()
    pubs = rows(scores_db, "SELECT period, version, user_name, reopened_reason FROM publication")
    assert pubs == [("2026-10", 1, "admin", None)]
    assert "admin" in page.status_label.text() and "1" in page.status_label.text()
    assert not page.publish_button.isEnabled() and page.reopen_button.isEnabled()
    snapshot = json.loads(str(rows(scores_db, "SELECT snapshot FROM publication")[0][0]))
    assert {d["unit"]: d["score"] for d in snapshot} == {s.unit: s.score for s in page.data.scores}

    page.reopen_button.click()
    reopen = page.dialog
    assert isinstance(reopen, ReopenDialog)
    reopen.reason_edit.setText("领导评分录入有误")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        reopen.ok_button.click()
    assert rows(scores_db, "SELECT reopened_reason FROM publication") == [("领导评分录入有误",)]
    audit = rows(scores_db, "SELECT ref, details FROM audit WHERE action = 'score_reopen'")
    assert len(audit) == 1 and audit[0][0] == "2026-10" and "领导评分录入有误" in str(audit[0][1])
    assert "领导评分录入有误" in page.status_label.text()
    assert page.publish_button.isEnabled() and not page.reopen_button.isEnabled()

    page.publish_button.click()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.dialog.ok_button.click()
    assert rows(scores_db, "SELECT version, superseded_by IS NOT NULL FROM publication ORDER BY version") == [
        (1, 1), (2, 0)]
    assert "2" in page.status_label.text()
    assert "领导评分录入有误" in page.history_label.text() or "1" in page.history_label.text()
    assert page.history_label.isVisibleTo(page)


def test_reopen_needs_a_reason(qtbot, page: MonthlyPage, scores_db: Path) -> None:  # noqa: ANN001
    page.publish_button.click()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.dialog.ok_button.click()
    page.reopen_button.click()
    reopen = page.dialog
    reopen.ok_button.click()
    qtbot.waitUntil(lambda: reopen.error_label.isVisibleTo(reopen), timeout=5_000)
    assert reopen.isVisible()
    assert rows(scores_db, "SELECT reopened_reason FROM publication") == [(None,)]


def test_publishing_the_month_under_way_is_refused(qtbot, page: MonthlyPage, scores_db: Path) -> None:  # noqa: ANN001
    _reload(qtbot, page, lambda: page.period_combo.setCurrentIndex(page.period_combo.findData("2026-11")))
    assert page.period == "2026-11"
    page.publish_button.click()
    dialog = page.dialog
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisibleTo(dialog), timeout=5_000)
    sentence = dialog.error_label.text()
    assert sentence == _("The period {period} has not ended; publish it from {day} on.").format(
        period="2026-11", day="2026-12-01")
    assert dialog.isVisible()
    assert rows(scores_db, "SELECT COUNT(*) FROM publication") == [(0,)]


def test_a_viewer_sees_no_write_buttons(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from core.auth import User

    ctx.user = User(ctx.user.id, ctx.user.name, "viewer", True)
    page = open_page(qtbot, MonthlyPage, ctx)
    assert page.publish_button.isHidden() and page.reopen_button.isHidden()
    assert page.panel.save_button.isHidden()
    assert not page.panel.model.flags(page.panel.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_a_line_of_the_explanation_opens_its_task(qtbot, page: MonthlyPage, ctx: AppContext) -> None:  # noqa: ANN001
    opened: list[str] = []
    ctx.open_task.connect(opened.append)
    page.show_unit("TGZ")
    lines = page.explanation.lines
    row = next(i for i, line in enumerate(lines) if line.ref == "2026-1/TGZ")
    table = page.explanation.table
    table.scrollTo(table.model().index(row, 1))
    rect = table.visualRect(table.model().index(row, 1))
    assert table.viewport().rect().contains(rect.center()), (rect, table.viewport().rect())
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double click's press
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == ["2026-1"]
    base = next(i for i, line in enumerate(lines) if line.kind == "base")
    table.setFocus()
    table.setCurrentCell(base, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == ["2026-1"]  # the base score is no task
    table.setCurrentCell(row, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == ["2026-1", "2026-1"]
