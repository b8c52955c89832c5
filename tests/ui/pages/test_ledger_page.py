"""The ledger page, driven as a clerk would: filter, search, sort, save a filter, open a task.

Uses the small database of conftest.py (as of 2026-11-27: 太公镇 TGZ has red
2026-5 and 2026-8; 兴城镇 XCZ red 2026-4; 县交通运输局 JTJ red co-assignment of 2026-1).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import T, by_name, core_ids, make_ctx, type_with_input_method
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QTableView

from core.i18n import _
from core.work.actions import Action, record
from core.work.ledger import SORT_KEYS, LedgerFilter
from ui.ledger_model import COLUMN_OF, PAGE_SIZE, LedgerModel
from ui.pages.ledger import LedgerPage, count_text
from ui.pages.ledger_filters import filter_from_json, filter_to_json
from ui.shell.context import AppContext

if TYPE_CHECKING:
    from conftest import Scenario


@pytest.fixture
def ctx(db_path: Path, scenario: Scenario) -> Iterator[AppContext]:
    context = make_ctx(db_path, "admin", scenario.password)
    yield context
    context.close()


@pytest.fixture
def page(show_page, ctx: AppContext) -> LedgerPage:  # noqa: ANN001
    return show_page(LedgerPage, ctx, size=(1200, 700))


def column(model: LedgerModel, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    col = COLUMN_OF[key]
    return [model.data(model.index(r, col), role) for r in range(model.rowCount())]


def choose(qtbot, page: LedgerPage, accessible: str, data: object) -> int:  # noqa: ANN001
    """Pick the item with `data` in the combo named `accessible`; the number of rows loaded."""
    combo = by_name(page, QComboBox, accessible)
    index = combo.findData(data)
    assert index >= 0, f"{data!r} not in {accessible}"
    with qtbot.waitSignal(page.loaded, timeout=10_000) as blocker:
        combo.setCurrentIndex(index)
    return blocker.args[0]


def test_opens_on_the_whole_ledger_newest_first(page: LedgerPage, db_path: Path) -> None:
    assert page.model.ids == tuple(core_ids(db_path, LedgerFilter()))
    assert page.model.rowCount() == 10  # 9 tasks, one with a co unit
    assert column(page.model, "task_no")[:3] == ["2026-9", "2026-8", "2026-7"]
    assert by_name(page, QLabel, _("Item count")).text() == count_text(10)


def test_red_items_of_one_township(qtbot, page: LedgerPage, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    unit = by_name(page, QComboBox, _("Unit filter"))
    assert [unit.itemData(i) for i in range(1, unit.count())] == list(scenario.unit_codes)
    choose(qtbot, page, _("Unit filter"), "TGZ")
    assert set(column(page.model, "unit")) == {"太公镇"}
    assert choose(qtbot, page, _("Light filter"), "red") == len(scenario.red_tgz)
    expected = core_ids(db_path, LedgerFilter(unit="TGZ", light="red"))
    assert page.model.ids == tuple(expected)
    assert column(page.model, "task_no") == list(reversed(scenario.red_tgz))
    assert set(column(page.model, "light")) == {_("Red")}
    assert by_name(page, QLabel, _("Item count")).text() == count_text(2)
    assert page.current_filter() == LedgerFilter(unit="TGZ", light="red")


@pytest.mark.parametrize(("accessible", "data", "flt"), [
    (_("Unit kind filter"), "township", LedgerFilter(kind="township")),
    (_("Unit kind filter"), "department", LedgerFilter(kind="department")),
    (_("Leader filter"), "王建国", LedgerFilter(leader="王建国")),
    (_("State filter"), "closed", LedgerFilter(state="closed")),
    (_("State filter"), "open", LedgerFilter(state="open")),
    (_("Category filter"), "major", LedgerFilter(category="major")),
    (_("Source filter"), "meeting", LedgerFilter(source="meeting")),
])
def test_each_filter_shows_what_the_core_selects(qtbot, page: LedgerPage, db_path: Path,  # noqa: ANN001
                                                 accessible: str, data: str, flt: LedgerFilter) -> None:
    count = choose(qtbot, page, accessible, data)
    assert page.model.ids == tuple(core_ids(db_path, flt))
    assert count == len(page.model.ids)


def test_period_of_assignment(qtbot, page: LedgerPage, db_path: Path) -> None:  # noqa: ANN001
    start = by_name(page, QLineEdit, _("Assigned from"))     # the date fields' line edits, empty for "any"
    until = by_name(page, QLineEdit, _("Assigned until"))
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClicks(start, "1110")        # typed as clerks type it (the year nearest today); a date at the last key only
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClicks(until, "20261125")
    flt = LedgerFilter(date_from=dt.date(2026, 11, 10), date_to=dt.date(2026, 11, 25))
    assert page.current_filter() == flt
    assert page.model.ids == tuple(core_ids(db_path, flt))
    assert column(page.model, "task_no") == ["2026-5", "2026-4", "2026-3"]


@pytest.mark.parametrize(("text", "expected"), [
    ("兴城镇", ["2026-9", "2026-6", "2026-4"]),  # FTS trigram (3 characters)
    ("积水", ["2026-5"]),                       # LIKE fallback (2 characters)
    ("镇", None),                               # 1 character
])
def test_search_box(qtbot, page: LedgerPage, db_path: Path, text: str, expected: list[str] | None) -> None:  # noqa: ANN001
    search = by_name(page, QLineEdit, _("Search"))
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        type_with_input_method(search, text)
    assert page.model.ids == tuple(core_ids(db_path, LedgerFilter(search=text)))
    if expected is not None:
        assert column(page.model, "task_no") == expected


@pytest.mark.parametrize("key", ["days_left", "light", "unit"])
def test_clicking_a_header_sorts_in_sql(qtbot, page: LedgerPage, db_path: Path, key: str) -> None:  # noqa: ANN001
    header = by_name(page, QTableView, _("Ledger")).horizontalHeader()
    section = SORT_KEYS.index(key)
    pos = QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)
    for _click in range(2):  # ascending, then descending
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        sort, descending = page.model.sort_key
        assert sort == key
        assert page.model.ids == tuple(core_ids(db_path, LedgerFilter(), sort=key, descending=descending))
    assert page.model.sort_key == (key, True)


def test_saved_filter_round_trip(qtbot, page: LedgerPage, ctx: AppContext, db_path: Path,  # noqa: ANN001
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LedgerPage, "ask_filter_name", classmethod(lambda cls, parent, existing: "太公镇红灯"))
    monkeypatch.setattr(LedgerPage, "confirm_delete", classmethod(lambda cls, parent, name: True))
    choose(qtbot, page, _("Unit filter"), "TGZ")
    choose(qtbot, page, _("Light filter"), "red")
    wanted = LedgerFilter(unit="TGZ", light="red")
    page.saved.save_button.click()
    saved = by_name(page, QComboBox, _("Saved filters"))
    assert saved.currentData() == "太公镇红灯"
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.filters.clear_button.click()
    assert page.current_filter() == LedgerFilter()
    assert saved.currentData() is None  # changing the filter by hand forgets the choice

    # a new page (as after a restart) finds it and applies it
    again = LedgerPage(ctx)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.loaded, timeout=10_000):
        pass
    combo = by_name(again, QComboBox, _("Saved filters"))
    assert [combo.itemData(i) for i in range(combo.count())] == [None, "太公镇红灯"]
    with qtbot.waitSignal(again.loaded, timeout=10_000):
        combo.setCurrentIndex(1)
        combo.activated.emit(1)  # what a click on the item sends
    assert again.current_filter() == wanted
    assert again.model.ids == tuple(core_ids(db_path, wanted))
    assert combo.currentData() == "太公镇红灯"
    again.saved.delete_button.click()
    assert again.saved.names() == []


def test_filters_survive_json() -> None:
    flt = LedgerFilter(unit="TGZ", kind="township", leader="王建国", state="open", light="red", category="general",
                       source="meeting", search="整治", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31))
    assert filter_from_json(filter_to_json(flt)) == flt
    assert filter_from_json({"light": "red", "date_from": "not a date", "unknown": 1}) == LedgerFilter(light="red")


def test_activate_applies_a_dashboard_filter(qtbot, page: LedgerPage, db_path: Path) -> None:  # noqa: ANN001
    flt = LedgerFilter(kind="township", light="red")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.activate({"filter": flt, "sort": ("due", False)})
    assert page.current_filter() == flt
    assert by_name(page, QComboBox, _("Light filter")).currentData() == "red"
    assert page.model.sort_key == ("due", False)
    assert page.model.ids == tuple(core_ids(db_path, flt, sort="due", descending=False))


def test_double_click_opens_the_task(qtbot, page: LedgerPage, ctx: AppContext) -> None:  # noqa: ANN001
    table = by_name(page, QTableView, _("Ledger"))
    row = column(page.model, "task_no").index("2026-4")
    rect = table.visualRect(page.model.index(row, COLUMN_OF["title"]))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a view needs the press
    with qtbot.waitSignal(ctx.open_task, timeout=2_000) as blocker:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["2026-4"]
    table.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(ctx.open_task, timeout=2_000) as blocker:
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert blocker.args == ["2026-9"]


def test_a_write_refreshes_the_page(qtbot, page: LedgerPage, ctx: AppContext) -> None:  # noqa: ANN001
    choose(qtbot, page, _("Unit filter"), "TGZ")
    choose(qtbot, page, _("Light filter"), "red")
    assert column(page.model, "task_no") == ["2026-8", "2026-5"]
    errors: list[Exception] = []
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        ctx.write(lambda s: record(s, "2026-5/TGZ", Action(kind="claim", on=T, text="")), lambda r: None,
                  errors.append)
    assert not errors
    assert column(page.model, "task_no") == ["2026-8"]  # claimed late: the claim step is no longer pending


def test_search_focus_and_tab_order(page: LedgerPage) -> None:
    page.activateWindow()
    page.focus_search()
    search = by_name(page, QLineEdit, _("Search"))
    assert search.hasFocus() or page.focusWidget() is search
    assert search.nextInFocusChain() is page.saved.combo


@pytest.mark.parametrize("force_py", [True, False], ids=["python-tester", "qt-tester"])
def test_model_passes_qtmodeltester(qtmodeltester, page: LedgerPage, force_py: bool) -> None:  # noqa: ANN001
    qtmodeltester.check(page.model, force_py=force_py)


def test_rows_arrive_a_page_at_a_time(qtbot, qtmodeltester, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    from core.office import open_session
    from core.work.tasks import NewTask, add_tasks

    s = open_session(db_path, "admin", scenario.password, today=T)
    add_tasks(s, [NewTask(title=f"批量事项{i}", category="general", assigned_on=T, lead="TGZ")
                  for i in range(2 * PAGE_SIZE + 50)])
    s.db.conn.close()
    ctx = make_ctx(db_path, "admin", scenario.password)
    try:
        page = LedgerPage(ctx)
        qtbot.addWidget(page)
        with qtbot.waitSignal(page.loaded, timeout=10_000):
            pass
        model = page.model
        total = model.total
        assert total == 10 + 2 * PAGE_SIZE + 50
        assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
        model.fetchMore()
        model.fetchMore()
        assert model.rowCount() == total and not model.canFetchMore()
        assert model.data(model.index(total - 1, 0)) == "2026-1"
        qtmodeltester.check(model, force_py=True)
    finally:
        ctx.close()


def test_header_state_is_saved_and_restored(qtbot, page: LedgerPage, ctx: AppContext) -> None:  # noqa: ANN001
    header = page.table.horizontalHeader()
    header.resizeSection(COLUMN_OF["title"], 333)
    header.moveSection(COLUMN_OF["unit"], 0)
    page.save_state()
    again = LedgerPage(ctx)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.loaded, timeout=10_000):
        pass
    restored = again.table.horizontalHeader()
    assert restored.sectionSize(COLUMN_OF["title"]) == 333
    assert restored.visualIndex(COLUMN_OF["unit"]) == 0
