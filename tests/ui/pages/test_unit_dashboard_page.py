"""我的评分 in a unit office: its rates, its published score and rank, and the lines behind every point.

The unit office is a stand-in (as in test_unit_desk.py): a copy of the shared small hub
(tests/ui/conftest.py) where the hub first assigned 太公镇 an October task it never
claimed (2026-10: late claim −0.5, late report −0.5, overdue −1 → 98; 兴城镇 100) and
published October, then whose own office row is turned, in SQL, into TGZ's. The real
path (a publication that reaches an enrolled unit by bundle) is
tests/core/sync/test_unit_dashboard.py.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import open_page

from core.auth import list_users
from core.db.connection import open_database
from core.office import open_session, self_office
from core.scoring.publish import publish
from core.work.actions import Action, record
from core.work.tasks import NewTask, add_tasks
from tests._shared.db_copy import copy_database
from ui.pages import PAGES
from ui.pages.unit_dashboard import UnitDashboardPage
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)
AS_UNIT = ("UPDATE office SET role = 'unit', unit_id = (SELECT id FROM unit WHERE code = 'TGZ'), code = 'TGZ', "
           "name = '太公镇' WHERE is_self = 1")
OCT_TITLE = "太公镇十月防汛物资清点"


def _context(path: Path) -> AppContext:
    db = open_database(path)
    try:
        office, user = self_office(db), next(u for u in list_users(db) if u.name == "admin")
    finally:
        db.conn.close()
    return AppContext(path, office, user)


@pytest.fixture(scope="module")
def published_template(template_db: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unit_dashboard")
    hub = copy_database(template_db[0], folder / "hub.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLOSELOOP_TODAY", T.isoformat())
        s = open_session(hub, "admin", "test-pass", today=T)
        try:
            numbers, _c = add_tasks(s, [NewTask(title=OCT_TITLE, category="general", assigned_on=dt.date(2026, 10, 12),
                                                lead="TGZ", leader="王建国")])
            assert numbers == ["2026-10"]
            publish(s, "2026-10")
        finally:
            s.db.conn.close()
    return copy_database(hub, folder / "tgz.db", AS_UNIT)


@pytest.fixture
def ctx(published_template: Path, tmp_path: Path) -> Iterator[AppContext]:
    context = _context(copy_database(published_template, tmp_path / "tgz.db"))
    yield context
    context.close()


def test_the_page_is_a_units_with_its_own_shortcut() -> None:
    spec = next(p for p in PAGES if p.key == "unit_dashboard")
    assert spec.shortcut == "Ctrl+2" and spec.title == "My scores"
    unit_like = type("Ctx", (), {"is_hub": False})()
    hub_like = type("Ctx", (), {"is_hub": True})()
    assert spec.visible(unit_like) and not spec.visible(hub_like)  # type: ignore[arg-type]
    shortcuts = [p.shortcut for p in PAGES if p.visible(unit_like)]  # type: ignore[arg-type]
    assert len(shortcuts) == len(set(shortcuts))


def test_ctrl_2_opens_it_in_a_units_window(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from ui.shell.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    try:
        assert "unit_dashboard" in window.page_keys() and "dashboard" not in window.page_keys()
        with qtbot.waitSignal(window.page_shown) as blocker:
            qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        assert blocker.args == ["unit_dashboard"]
        assert isinstance(window.current_page(), UnitDashboardPage)
        qtbot.waitUntil(lambda: window.current_page().data is not None, timeout=10_000)  # type: ignore[union-attr]
    finally:
        window.close()


def test_published_score_rank_and_explanation(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = open_page(qtbot, UnitDashboardPage, ctx, None, size=(1100, 700))
    assert page.period == "2026-10"
    assert page.summary.text() == "2026-10：得分 98，第2名/共2个乡镇"
    table = page.table
    rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert [r[2] for r in rows] == ["", "2026-10/TGZ", "2026-10/TGZ", "2026-10/TGZ"]
    assert rows[0][1] == "基础分" and rows[0][5] == "100"
    assert [r[3] for r in rows[1:]] == [OCT_TITLE] * 3
    assert [r[5] for r in rows[1:]] == ["-0.5", "-0.5", "-1"]
    assert page.total_label.text() == "合计98"
    assert "95%" in page.target_label.text()
    # this year: 2026-10 and 2026-5 not claimed by their claim dues, four claimed on time
    assert page.year_box.values["claim"].text() == "66.7%（4/6）"
    assert "c62828" in page.year_box.values["claim"].styleSheet()   # below the 95% target

    opened: list[str] = []
    ctx.open_task.connect(opened.append)
    table.doubleClicked.emit(table.model().index(0, 1))     # the base line names no task
    table.doubleClicked.emit(table.model().index(3, 1))
    assert opened == ["2026-10"]


def test_the_units_own_changes_do_not_move_the_published_score(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = open_page(qtbot, UnitDashboardPage, ctx, None, size=(1100, 700))
    before = page.year_box.values["report"].text()
    failed: list[Exception] = []
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        ctx.write(lambda s: record(s, "2026-2/TGZ", Action("report", T, text="已部署")), lambda _r: None, failed.append)
    assert not failed
    assert page.year_box.values["report"].text() != before       # the unit's own rates move
    assert page.summary.text() == "2026-10：得分 98，第2名/共2个乡镇"  # the hub's word does not


def test_nothing_published_says_so(qtbot, template_db, tmp_path: Path) -> None:  # noqa: ANN001
    context = _context(copy_database(template_db[0], tmp_path / "tgz.db", AS_UNIT))
    try:
        page = open_page(qtbot, UnitDashboardPage, context, None, size=(1100, 700))
        assert page.summary.text().startswith("县督查室尚未公布评分")
        assert page.table.rowCount() == 0 and not page.period_combo.isEnabled()
        assert page.month_box.values["claim"].text() != ""
    finally:
        context.close()
