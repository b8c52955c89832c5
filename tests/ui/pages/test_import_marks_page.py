"""The hub's ledger and dashboard after an import (issue 13): 新 marks until opened, the 本次导入 sentence.

The hub is a copy of the shared small hub (tests/ui/conftest.py). 太公镇 (TGZ) joins it
through the core (`enroll_export`, `init_from_enrollment`), claims 2026-5, reports on
2026-2 and submits the completion of 2026-8; the hub imports its bundle
(`import_bundle`). Those three assignments are marked; opening one's task clears it.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import context_for
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from core.directory import add_user
from core.office import open_session
from core.sync.enroll import enroll_export, init_from_enrollment
from core.sync.exporter import export_bundle, find_peer
from core.sync.importer import import_bundle
from core.work.actions import Action, record
from core.work.ledger import LedgerFilter
from ui.ledger_model import COLUMN_OF, LedgerModel
from ui.pages.dashboard import DashboardPage
from ui.pages.ledger import LedgerPage
from ui.shell.context import AppContext
from ui.task.view import _open_views, open_task_view

PASSWORD = "test-pass"
NEW = {"2026-5/TGZ", "2026-2/TGZ", "2026-8/TGZ"}


@pytest.fixture
def imported(db_path: Path, tmp_path: Path, scenario) -> Path:  # noqa: ANN001
    """The hub database after importing TGZ's bundle (a claim, a report, a completion); a viewer 'leader'."""
    stick = tmp_path / "stick"
    stick.mkdir()
    hub = open_session(db_path, "admin", scenario.password)
    try:
        add_user(hub, "leader", "viewer", PASSWORD)
        enrolled = enroll_export(hub, "TGZ", stick)
        unit, _fingerprint = init_from_enrollment(tmp_path / "tgz" / "office.db", enrolled.path, admin="admin",
                                                  password=PASSWORD, code=enrolled.code)
        try:
            day = unit.today
            record(unit, "2026-5/TGZ", Action(kind="claim", on=day))
            record(unit, "2026-2/TGZ", Action(kind="report", on=day, text="巡查已开展"))
            record(unit, "2026-8/TGZ", Action(kind="completion", on=day, text="隐患已整改"))
            bundle = export_bundle(unit, find_peer(unit.db.conn, "HUB"), stick)
        finally:
            unit.db.conn.close()
        import_bundle(hub, bundle.path)
    finally:
        hub.db.conn.close()
    return db_path


@pytest.fixture
def ctx(imported: Path, scenario) -> Iterator[AppContext]:  # noqa: ANN001
    yield from context_for(imported, "admin", scenario.password)


@pytest.fixture(autouse=True)
def _close_task_views() -> Iterator[None]:
    yield
    for view in list(_open_views):
        view.done(0)


def _rows(model: LedgerModel) -> dict[str, int]:
    return {model.row_at(i).ref: i for i in range(model.rowCount())}  # type: ignore[union-attr]


def _marked(model: LedgerModel) -> set[str]:
    """The refs whose row shows the mark: the badge in the first column and a bold font."""
    out = set()
    for ref, i in _rows(model).items():
        badge = model.index(i, 0).data(Qt.ItemDataRole.DecorationRole)
        font = model.index(i, COLUMN_OF["title"]).data(Qt.ItemDataRole.FontRole)
        assert (badge is None) == (font is None), ref
        if badge is not None:
            assert isinstance(font, QFont) and font.bold()
            assert "打开该事项后标记即消失" in model.index(i, 0).data(Qt.ItemDataRole.ToolTipRole)
            out.add(ref)
    return out


def test_the_ledger_marks_the_imported_rows_until_their_task_is_opened(qtbot, show_page,  # noqa: ANN001
                                                                        ctx: AppContext) -> None:
    page = show_page(LedgerPage, ctx)
    assert _marked(page.model) == NEW
    table = page.table
    row = _rows(page.model)["2026-5/TGZ"]
    table.scrollTo(page.model.index(row, 0))
    rect = table.visualRect(page.model.index(row, COLUMN_OF["title"]))
    ctx.open_task.connect(lambda no: open_task_view(ctx, no, None))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(ctx.marks_seen, timeout=10_000) as seen:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(seen.args[0]) == 1
    assert _marked(page.model) == NEW - {"2026-5/TGZ"}
    assert table.currentIndex().row() == row  # un-marked in place: the selection stays
    # opening it again writes nothing and says nothing
    with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
        open_task_view(ctx, "2026-5", None)
    assert _marked(page.model) == NEW - {"2026-5/TGZ"}


def test_the_new_only_filter_lists_the_marked_rows(qtbot, show_page, ctx: AppContext) -> None:  # noqa: ANN001
    page = show_page(LedgerPage, ctx)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.filters.new_only.setChecked(True)
    assert set(_rows(page.model)) == NEW
    assert page.current_filter() == LedgerFilter(new_only=True)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.filters.clear()
    assert not page.filters.new_only.isChecked() and len(_rows(page.model)) > len(NEW)


def test_a_viewer_sees_the_marks_and_opening_leaves_them(qtbot, show_page, imported: Path) -> None:  # noqa: ANN001
    for viewer in context_for(imported, "leader", PASSWORD):
        page = show_page(LedgerPage, viewer)
        assert _marked(page.model) == NEW
        with qtbot.waitSignal(viewer.worker.idle, timeout=10_000):
            open_task_view(viewer, "2026-5", None)
        page.refresh()
        qtbot.waitSignal(page.loaded, timeout=10_000).wait()
        assert _marked(page.model) == NEW


def test_the_dashboard_says_what_the_import_brought_and_clicks_to_the_new_rows(qtbot, show_page,  # noqa: ANN001
                                                                                ctx: AppContext) -> None:
    page = show_page(DashboardPage, ctx)
    button = page.import_button
    assert button.isVisible()
    assert button.text() == "本次导入：太公镇 2 条反馈、1 项办结"
    assert "其中 3 项尚未打开查看" in button.toolTip()
    seen: list[tuple[str, object]] = []
    ctx.navigate.connect(lambda key, options: seen.append((key, options)))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen == [("ledger", {"filter": LedgerFilter(new_only=True)})]


def test_the_dashboard_says_nothing_before_any_import(show_page, db_path: Path, scenario) -> None:  # noqa: ANN001
    for plain in context_for(db_path, "admin", scenario.password):
        page = show_page(DashboardPage, plain)
        assert page.data is not None and page.data.imports is None
        assert not page.import_button.isVisible()
