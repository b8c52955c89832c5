"""The dashboard page: its figures equal the core's, and each one clicks through to the ledger.

Uses the shared small database of tests/ui/conftest.py (as of 2026-11-27: red
2026-1/JTJ, 2026-4/XCZ, 2026-5/TGZ, 2026-8/TGZ; due today 2026-3/TGZ (report) and
2026-9/XCZ (claim); green 2026-2/TGZ).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import context_for
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from core.db.connection import connect
from core.format import number, percent
from core.work.actions import Action, record
from core.work.ledger import LedgerFilter, Stats, stats
from ui.pages.dashboard import DashboardPage
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)


@pytest.fixture
def ctx(db_path: Path, scenario) -> Iterator[AppContext]:  # noqa: ANN001
    yield from context_for(db_path, "admin", scenario.password)


@pytest.fixture
def page(show_page, ctx: AppContext) -> DashboardPage:  # noqa: ANN001
    return show_page(DashboardPage, ctx, size=(1280, 800))


def _stats(db_path: Path, **period: dt.date) -> Stats:
    db = connect(db_path)
    try:
        result = stats(db, as_of=T, **period)
    finally:
        db.conn.close()
    assert isinstance(result, Stats)
    return result


def _navigations(qtbot, ctx: AppContext, click) -> list[tuple[str, object]]:  # noqa: ANN001
    seen: list[tuple[str, object]] = []
    ctx.navigate.connect(lambda key, options: seen.append((key, options)))
    with qtbot.waitSignal(ctx.navigate, timeout=5_000):
        click()
    return seen


def test_shown_numbers_equal_the_core_stats(page: DashboardPage, db_path: Path) -> None:
    county = _stats(db_path)
    shown = {light: tile.value_label.text() for light, tile in page.light_tiles.items()}
    assert shown == {"red": number(county.red), "yellow": number(county.yellow), "green": number(county.green)}
    assert (county.red, county.yellow, county.green) == (4, 2, 1)
    for tile, (first, last) in ((page.month_tile, (dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
                                (page.year_tile, (dt.date(2026, 1, 1), dt.date(2026, 12, 31)))):
        expected = _stats(db_path, date_from=first, date_to=last)
        assert percent(expected.completion_rate) in tile.completion_label.text()
        assert percent(expected.on_time_rate) in tile.on_time_label.text()
        assert number(expected.counted) in tile.note_label.text()
    # 2 of 4 due closed, 1 on time: both rates below the 95% target, and marked so
    assert page.month_tile.completion_label.property("below") is True
    assert "▼" in page.month_tile.on_time_label.text()


def test_lists_show_overdue_oldest_first_and_what_is_due(page: DashboardPage) -> None:
    overdue = page.overdue_list.table
    refs = [(overdue.item(r, 0).text(), overdue.item(r, 2).text()) for r in range(overdue.rowCount())]
    # earliest missed due first: 2026-1/JTJ completion 11-09, 2026-8 11-12, 2026-4 11-17, 2026-5 claim 11-25
    assert refs == [("2026-1", "县交通运输局"), ("2026-8", "太公镇"), ("2026-4", "兴城镇"), ("2026-5", "太公镇")]
    soon = page.soon_list.table
    assert [soon.item(r, 0).text() for r in range(soon.rowCount())] == ["2026-3", "2026-9"]
    assert page.soon_list.stack.currentWidget() is soon


def test_red_tile_opens_the_ledger_on_red_items(qtbot, page: DashboardPage, ctx: AppContext) -> None:  # noqa: ANN001
    seen = _navigations(qtbot, ctx, lambda: qtbot.mouseClick(page.light_tiles["red"], Qt.MouseButton.LeftButton))
    assert seen == [("ledger", {"filter": LedgerFilter(light="red")})]


def test_rate_tile_opens_the_ledger_on_that_period(qtbot, page: DashboardPage, ctx: AppContext) -> None:  # noqa: ANN001
    seen = _navigations(qtbot, ctx, lambda: qtbot.mouseClick(page.month_tile, Qt.MouseButton.LeftButton))
    assert seen == [("ledger", {"filter": LedgerFilter(date_from=dt.date(2026, 11, 1),
                                                       date_to=dt.date(2026, 11, 30))})]


def test_yellow_tile_answers_the_keyboard(qtbot, page: DashboardPage, ctx: AppContext) -> None:  # noqa: ANN001
    tile = page.light_tiles["yellow"]
    tile.setFocus()
    seen = _navigations(qtbot, ctx, lambda: qtbot.keyClick(tile, Qt.Key.Key_Space))
    assert seen == [("ledger", {"filter": LedgerFilter(light="yellow")})]


def test_unit_bar_opens_the_ledger_on_that_unit(qtbot, page: DashboardPage, ctx: AppContext) -> None:  # noqa: ANN001
    chart = page.unit_chart
    # the lowest on top: 县交通运输局 (0 of 1 closed), then 兴城镇 and 太公镇 (1 of 2 each, by name)
    assert [u.code for u in reversed(chart.shown)] == ["JTJ", "XCZ", "TGZ"]
    point = chart.bar_center("XCZ")
    assert point is not None
    seen = _navigations(qtbot, ctx, lambda: qtbot.mouseClick(chart.view.viewport(), Qt.MouseButton.LeftButton,
                                                             pos=point.toPoint()))
    assert seen == [("ledger", {"filter": LedgerFilter(unit="XCZ", date_from=dt.date(2026, 1, 1),
                                                       date_to=dt.date(2026, 12, 31))})]


def test_unit_groups_keep_townships_and_departments_apart(page: DashboardPage) -> None:
    combo = page.unit_chart.group_combo
    combo.setCurrentIndex(combo.findData("department"))
    assert [u.code for u in page.unit_chart.shown] == ["JTJ"]
    combo.setCurrentIndex(combo.findData("township"))
    assert sorted(u.code for u in page.unit_chart.shown) == ["TGZ", "XCZ"]


def test_trend_point_opens_the_ledger_on_what_it_counts(qtbot, page: DashboardPage, ctx: AppContext) -> None:  # noqa: ANN001
    trend = page.trend_chart
    completion = trend.lines[0]
    last = completion.at(completion.count() - 1)
    assert round(last.x()) == len(trend.points) - 1
    spot = trend.view.mapFromScene(trend.chart.mapToScene(trend.chart.mapToPosition(last, completion)))
    seen = _navigations(qtbot, ctx, lambda: qtbot.mouseClick(trend.view.viewport(), Qt.MouseButton.LeftButton,
                                                             pos=spot))
    assert seen == [("ledger", {"filter": LedgerFilter(date_from=dt.date(2026, 1, 1), date_to=T)})]


def test_due_row_opens_its_task(qtbot, page: DashboardPage, ctx: AppContext) -> None:  # noqa: ANN001
    table = page.soon_list.table
    rect = table.visualRect(table.model().index(1, 1))
    with qtbot.waitSignal(ctx.open_task, timeout=5_000) as blocker:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["2026-9"]
    table.setCurrentCell(0, 0)
    with qtbot.waitSignal(ctx.open_task, timeout=5_000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == ["2026-3"]


def test_a_write_redraws_the_figures(qtbot, page: DashboardPage, ctx: AppContext) -> None:  # noqa: ANN001
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        ctx.write(lambda s: record(s, "2026-5/TGZ", Action(kind="claim", on=T)), lambda _r: None,
                  lambda exc: pytest.fail(str(exc)))
    # 2026-5 claimed today: its first report (due 11-28) is now the pending step → yellow, due tomorrow
    assert page.light_tiles["red"].value_label.text() == number(3)
    assert page.light_tiles["yellow"].value_label.text() == number(3)
    soon = page.soon_list.table
    assert [soon.item(r, 0).text() for r in range(soon.rowCount())] == ["2026-3", "2026-9", "2026-5"]


def test_charts_use_the_application_font(page: DashboardPage) -> None:
    family = QApplication.font().family()
    for chart in (page.unit_chart.chart, page.trend_chart.chart):
        assert chart.axes(), "the chart has axes"
        for axis in chart.axes():
            assert QFont(axis.labelsFont()).family() == family
        assert chart.legend().font().family() == family
    assert all(item.font().family() == family for item in page.unit_chart.name_items)


def test_every_tile_has_an_accessible_name(page: DashboardPage) -> None:
    tiles = [*page.light_tiles.values(), page.month_tile, page.year_tile]
    assert all(tile.accessibleName() for tile in tiles)
    assert page.unit_chart.view.accessibleName() and page.trend_chart.view.accessibleName()
    assert page.overdue_list.table.accessibleName() and page.soon_list.table.accessibleName()
    assert page.unit_chart.group_combo.accessibleName()


def test_a_refusal_while_loading_is_shown_in_words(qtbot, page: DashboardPage, monkeypatch) -> None:  # noqa: ANN001
    from core.errors import Refusal
    from ui.pages import dashboard as module

    def refuse(db, *, as_of):  # noqa: ANN001, ANN202
        raise Refusal("数据库正忙，请稍后再试。")

    monkeypatch.setattr(module, "dashboard", refuse)
    with qtbot.waitSignal(page.load_failed, timeout=10_000):
        page.activate({})
    assert page.message_label.isVisible() and page.message_label.text() == "数据库正忙，请稍后再试。"
    assert page.light_tiles["red"].value_label.text() == number(4)  # the last figures stay
