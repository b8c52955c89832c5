"""The first window, driven like a clerk would: open, filter, sort, read the status bar."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QTableView, QWidget

from core.db.connection import connect
from core.i18n import _, ngettext
from core.ledger import SORT_KEYS, LedgerFilter, Stats, ledger_ids, stats
from ui.ledger_model import COLUMN_OF, PAGE_SIZE, LedgerModel
from ui.main_window import MainWindow, count_text, rates_text

if TYPE_CHECKING:
    from conftest import Scenario

LOADED = ("units_loaded", "ledger_loaded", "stats_loaded")
T = dt.date(2026, 11, 27)  # the day of the template database (conftest.T)


def by_name(window: QWidget, cls: type, accessible: str) -> QWidget:
    """The one child of type `cls` whose accessible name is `accessible`."""
    found = [w for w in window.findChildren(cls) if w.accessibleName() == accessible]
    assert len(found) == 1, f"{len(found)} widgets named {accessible!r}"
    return found[0]


def type_with_input_method(widget: QWidget, text: str) -> None:
    """Commit `text` as a Chinese input method does (QTest.keyClicks handles ASCII only)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def column(model: LedgerModel, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> list[object]:
    col = COLUMN_OF[key]
    return [model.data(model.index(r, col), role) for r in range(model.rowCount())]


@pytest.fixture
def window(qtbot, db_path: Path, scenario: Scenario) -> MainWindow:  # noqa: ANN001
    assert scenario.as_of == T
    win = MainWindow(db_path, office_name="示例县委督查室", as_of=T)
    qtbot.addWidget(win)
    with qtbot.waitSignals([getattr(win, s) for s in LOADED], timeout=10_000):
        win.show()
    qtbot.waitExposed(win)
    return win


def core_ids(db_path: Path, flt: LedgerFilter, sort: str = "task_no", descending: bool = False) -> list[int]:
    db = connect(db_path)
    try:
        return ledger_ids(db, flt, as_of=T, sort=sort, descending=descending)
    finally:
        db.conn.close()


def core_stats(db_path: Path) -> Stats:
    db = connect(db_path)
    try:
        result = stats(db, as_of=T)
        assert isinstance(result, Stats)
        return result
    finally:
        db.conn.close()


def test_window_opens_on_the_whole_ledger(window: MainWindow, db_path: Path) -> None:
    assert window.model.ids == tuple(core_ids(db_path, LedgerFilter(), descending=True))
    assert window.model.rowCount() == 10  # 9 tasks, one with a co unit
    assert column(window.model, "task_no")[:3] == ["2026-9", "2026-8", "2026-7"]  # newest first
    assert window.model.sort_key == ("task_no", True)
    count = by_name(window, QLabel, _("Item count"))
    assert count.text() == count_text(10)
    assert "示例县委督查室" in window.windowTitle()


def test_status_bar_rates_equal_the_core_stats(window: MainWindow, db_path: Path) -> None:
    expected = core_stats(db_path)
    # 2026-1/TGZ closed on time, 2026-6/XCZ closed late; 2026-1/JTJ, -4, -8 overdue and open
    assert (expected.counted, expected.closed, expected.on_time) == (5, 2, 1)
    label = by_name(window, QLabel, _("County rates"))
    assert label.text() == rates_text(expected)
    assert "40.0%" in label.text() and "20.0%" in label.text() and "95%" in label.text()


def test_filter_red_items_of_one_unit(qtbot, window: MainWindow, scenario: Scenario,  # noqa: ANN001
                                      db_path: Path) -> None:
    unit = by_name(window, QComboBox, _("Unit filter"))
    light = by_name(window, QComboBox, _("Light filter"))
    assert tuple(unit.itemData(i) for i in range(1, unit.count())) == scenario.unit_codes
    with qtbot.waitSignal(window.ledger_loaded, timeout=10_000):
        unit.setCurrentIndex(unit.findData("TGZ"))
    assert set(column(window.model, "unit")) == {"太公镇"}
    with qtbot.waitSignal(window.ledger_loaded, timeout=10_000) as blocker:
        light.setCurrentIndex(light.findData("red"))
    assert blocker.args == [len(scenario.red_tgz)]
    assert tuple(column(window.model, "task_no")) == tuple(reversed(scenario.red_tgz))  # newest first
    assert set(column(window.model, "light")) == {_("Red")}
    assert all(icon is not None and not icon.isNull()
               for icon in column(window.model, "light", Qt.ItemDataRole.DecorationRole))
    assert window.model.ids == tuple(core_ids(db_path, LedgerFilter(unit="TGZ", light="red"), descending=True))
    assert by_name(window, QLabel, _("Item count")).text() == count_text(2)


def test_state_filter_and_search(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    state = by_name(window, QComboBox, _("State filter"))
    with qtbot.waitSignal(window.ledger_loaded, timeout=10_000):
        state.setCurrentIndex(state.findData("closed"))
    assert column(window.model, "task_no") == ["2026-6", "2026-1"]
    assert set(column(window.model, "light")) == {""}
    with qtbot.waitSignal(window.ledger_loaded, timeout=10_000):
        state.setCurrentIndex(0)
    search = by_name(window, QLineEdit, _("Search"))
    with qtbot.waitSignal(window.ledger_loaded, timeout=10_000):
        type_with_input_method(search, "兴城镇")
    assert column(window.model, "task_no") == ["2026-9", "2026-6", "2026-4"]


def test_days_left_and_states_read_like_the_ledger(window: MainWindow) -> None:
    rows = {window.model.data(window.model.index(r, 0)) + "/" + window.model.row_at(r).unit_code: r
            for r in range(window.model.rowCount())}
    model = window.model
    overdue = model.row_at(rows["2026-4/XCZ"])
    assert overdue is not None and overdue.days_left == -10
    days = model.index(rows["2026-4/XCZ"], COLUMN_OF["days_left"])
    assert model.data(days) == ngettext("Completion {n} day overdue", "Completion {n} days overdue", 10).format(n="10")
    assert model.data(days, Qt.ItemDataRole.ForegroundRole) is not None
    fresh = model.index(rows["2026-9/XCZ"], COLUMN_OF["days_left"])
    assert model.data(fresh) == _("Claim due today")  # assigned today, not yet claimed
    assert model.data(model.index(rows["2026-7/JTJ"], COLUMN_OF["state"])) == _("Cancelled")
    assert model.data(model.index(rows["2026-5/TGZ"], COLUMN_OF["state"])) == _("Awaiting claim")
    assert model.data(model.index(rows["2026-1/JTJ"], COLUMN_OF["role"])) == _("Co-operating")


@pytest.mark.parametrize("key", ["days_left", "light", "unit"])
def test_clicking_a_header_sorts_in_sql(qtbot, window: MainWindow, db_path: Path, key: str) -> None:  # noqa: ANN001
    table = by_name(window, QTableView, _("Ledger"))
    header = table.horizontalHeader()
    section = SORT_KEYS.index(key)
    pos = QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2, header.height() // 2)
    for _click in range(2):  # ascending, then descending
        with qtbot.waitSignal(window.ledger_loaded, timeout=10_000):
            qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        sort, descending = window.model.sort_key
        assert sort == key
        assert window.model.ids == tuple(core_ids(db_path, LedgerFilter(), sort=key, descending=descending))
    assert window.model.sort_key == (key, True)


@pytest.mark.parametrize("force_py", [True, False], ids=["python-tester", "qt-tester"])
def test_model_passes_qtmodeltester(qtmodeltester, window: MainWindow, force_py: bool) -> None:  # noqa: ANN001
    qtmodeltester.check(window.model, force_py=force_py)


@pytest.fixture
def paged_window(qtbot, db_path: Path, scenario: Scenario) -> MainWindow:  # noqa: ANN001
    """A window on the small database plus 2½ pages of new tasks for 太公镇."""
    from core.office import open_session
    from core.tasks import NewTask, add_tasks

    s = open_session(db_path, "admin", scenario.password, today=T)
    add_tasks(s, [NewTask(title=f"批量事项{i}", category="general", assigned_on=T, lead="TGZ")
                  for i in range(2 * PAGE_SIZE + 50)])
    s.db.conn.close()
    win = MainWindow(db_path, as_of=T)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.ledger_loaded, timeout=10_000):
        pass
    return win


def test_rows_arrive_a_page_at_a_time(qtmodeltester, paged_window: MainWindow) -> None:  # noqa: ANN001
    model = paged_window.model
    total = model.total
    assert total == 10 + 2 * PAGE_SIZE + 50
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    model.fetchMore()
    assert model.rowCount() == total and not model.canFetchMore()
    assert model.data(model.index(0, 0)) == f"2026-{9 + 2 * PAGE_SIZE + 50}"  # newest first
    assert model.data(model.index(total - 1, 0)) == "2026-1"
    qtmodeltester.check(model, force_py=True)


def test_geometry_is_saved_and_restored(qtbot, db_path: Path, window: MainWindow) -> None:  # noqa: ANN001
    window.resize(701, 502)  # inside the offscreen screen (800×800): restore clamps to it
    window.table.horizontalHeader().resizeSection(COLUMN_OF["title"], 333)
    window.close()
    again = MainWindow(db_path, as_of=T)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (701, 502)
    assert again.table.horizontalHeader().sectionSize(COLUMN_OF["title"]) == 333
    with qtbot.waitSignal(again.ledger_loaded, timeout=10_000):
        pass


def test_ctrl_q_closes_the_window_and_stops_the_worker(qtbot, window: MainWindow) -> None:  # noqa: ANN001
    assert window.action_quit.shortcut().toString() == "Ctrl+Q"
    window.action_quit.trigger()
    assert not window.isVisible()
    with pytest.raises(RuntimeError):
        window.worker.submit(lambda db: None, lambda r: None, lambda e: None)
