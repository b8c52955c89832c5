"""我的事项 in a unit office: the unit's open items by urgency, unit actions one click away.

There is no enrollment yet (the USB-sync issue builds unit databases from the
hub's enrollment bundle), so the unit office here is a stand-in: a copy of the
shared small hub (tests/ui/conftest.py) whose own office row is turned, in SQL,
into 太公镇 (TGZ)'s office. TGZ's open items as of 2026-11-27: 2026-8 red (completion
due 11-12), 2026-5 red (claim due 11-25), 2026-3 yellow (report due today),
2026-2 green (report due 11-29); 2026-1 is closed and 2026-1/JTJ is another unit's.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import open_page
from PySide6.QtCore import Qt

from core.auth import list_users
from core.db.connection import open_database
from core.i18n import _, ngettext
from core.office import self_office
from core.work.actions import ACTION_NAMES
from core.work.ledger import Stats
from core.work.workflow import UNIT_ACTIONS
from tests._shared.db_copy import copy_database
from ui.pages.unit_desk import UnitDeskPage
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)


def make_unit_office(source: Path, target: Path, unit_code: str) -> Path:
    """A copy of `source` whose own office is `unit_code`'s (stands in for enrollment)."""
    copy_database(source, target,
                  f"UPDATE office SET role = 'unit', unit_id = (SELECT id FROM unit WHERE code = '{unit_code}'), "
                  f"code = '{unit_code}', name = (SELECT name FROM unit WHERE code = '{unit_code}') "
                  "WHERE is_self = 1")
    return target


@pytest.fixture(scope="module")
def unit_template(template_db: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_unit_office(template_db[0], tmp_path_factory.mktemp("unit_desk") / "tgz.db", "TGZ")


@pytest.fixture
def unit_path(unit_template: Path, tmp_path: Path) -> Path:
    return copy_database(unit_template, tmp_path / "tgz.db")


@pytest.fixture
def ctx(unit_path: Path) -> Iterator[AppContext]:
    db = open_database(unit_path)
    try:
        office, user = self_office(db), next(u for u in list_users(db) if u.name == "admin")
    finally:
        db.conn.close()
    context = AppContext(unit_path, office, user)
    yield context
    context.close()


def open_desk(qtbot, ctx: AppContext) -> UnitDeskPage:  # noqa: ANN001
    return open_page(qtbot, UnitDeskPage, ctx, None, size=(1100, 500), wait="idle")


def shown_numbers(page: UnitDeskPage) -> list[str]:
    return [page.model.row_at(i).task_no for i in range(page.model.rowCount())]  # type: ignore[union-attr]


def select(qtbot, page: UnitDeskPage, task_no: str) -> None:  # noqa: ANN001
    row = shown_numbers(page).index(task_no)
    rect = page.table.visualRect(page.model.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected is not None and page.selected.task_no == task_no


def enabled(page: UnitDeskPage) -> list[str]:
    return [k for k, b in page.action_buttons.items() if b.isEnabled()]


def test_the_desk_lists_only_the_units_open_items_by_urgency(qtbot, ctx: AppContext, qtmodeltester) -> None:  # noqa: ANN001
    assert ctx.office.role == "unit"
    page = open_desk(qtbot, ctx)
    assert shown_numbers(page) == ["2026-8", "2026-5", "2026-3", "2026-2"]
    assert [page.model.row_at(i).light for i in range(4)] == ["red", "red", "yellow", "green"]  # type: ignore[union-attr]
    assert {page.model.row_at(i).unit_code for i in range(4)} == {"TGZ"}  # type: ignore[union-attr]
    assert "太公镇" in page.heading.text()
    counts = page.counts.text()
    assert ngettext("{n} red", "{n} red", 2).format(n="2") in counts
    assert ngettext("{n} yellow", "{n} yellow", 1).format(n="1") in counts
    qtmodeltester.check(page.model)


def test_the_desk_offers_only_unit_actions_as_the_state_allows(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = open_desk(qtbot, ctx)
    assert set(page.action_buttons) == UNIT_ACTIONS
    select(qtbot, page, "2026-5")              # not claimed yet
    assert enabled(page) == ["claim"]
    select(qtbot, page, "2026-8")              # claimed and reported
    assert enabled(page) == ["report", "completion", "extension_request"]


def test_recording_a_claim_on_the_desk_is_the_units_own_record(qtbot, ctx: AppContext, unit_path: Path) -> None:  # noqa: ANN001
    page = open_desk(qtbot, ctx)
    select(qtbot, page, "2026-5")
    qtbot.mouseClick(page.action_buttons["claim"], Qt.MouseButton.LeftButton)
    form = page.active_form
    assert form is not None and form.kind == "claim" and not form.notice.isVisible()  # no 代录 notice
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    conn = sqlite3.connect(unit_path)
    event = conn.execute("SELECT e.kind, e.effective_date, e.on_behalf, s.state FROM event e "
                         "JOIN assignment a ON a.id = e.assignment_id JOIN task t ON t.id = a.task_id "
                         "JOIN assignment_status s ON s.assignment_id = a.id "
                         "WHERE t.task_no = '2026-5' ORDER BY e.id DESC LIMIT 1").fetchone()
    conn.close()
    assert event == ("claim", "2026-11-27", 0, "claimed")
    # claimed late; its next step is the report due 11-28 (yellow), after 2026-3 (due today)
    assert shown_numbers(page) == ["2026-8", "2026-3", "2026-5", "2026-2"]
    assert page.selected is not None and page.selected.task_no == "2026-5"  # still selected
    assert enabled(page) == ["report", "completion", "extension_request"]


def test_a_hub_action_is_refused_to_a_unit_office_even_if_asked(qtbot, ctx: AppContext, unit_path: Path) -> None:  # noqa: ANN001
    page = open_desk(qtbot, ctx)
    select(qtbot, page, "2026-8")
    form = page.open_form("close")  # no button offers it; the core refuses it all the same
    assert form is not None
    with qtbot.waitSignal(form.refused, timeout=10_000) as refused:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert refused.args[0] == _("Only the county supervision office can record a {action}.").format(
        action=_(ACTION_NAMES["close"]))
    assert form.isVisible() and form.error.text() == refused.args[0]
    form.reject()


def test_enter_on_a_row_opens_the_task(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = open_desk(qtbot, ctx)
    select(qtbot, page, "2026-3")
    with qtbot.waitSignal(ctx.open_task, timeout=5_000) as opened:
        qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == ["2026-3"]


def test_a_viewer_has_no_action_buttons_on_the_desk(qtbot, unit_path: Path) -> None:  # noqa: ANN001
    from core.auth import User

    db = open_database(unit_path)
    office = self_office(db)
    db.conn.close()
    viewer = AppContext(unit_path, office, User(99, "viewer", "viewer", True))
    try:
        page = open_desk(qtbot, viewer)
        assert page.action_buttons == {} and page.model.rowCount() == 4
    finally:
        viewer.close()


def test_counts_match_the_core(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = UnitDeskPage(ctx, None)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.counts_loaded, timeout=10_000) as got:
        pass
    s = got.args[0]
    assert isinstance(s, Stats) and (s.red, s.yellow, s.green) == (2, 1, 1)


def test_the_task_view_in_a_unit_office_offers_unit_actions_on_its_own_assignment_only(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.task.view import open_task_view

    view = open_task_view(ctx, "2026-1", None)
    qtbot.addWidget(view)
    qtbot.waitSignal(view.loaded, timeout=10_000).wait()
    # TGZ's own assignment is closed; JTJ's (claimed) belongs to another unit: nothing to offer
    assert list(view.panels) == ["2026-1/TGZ", "2026-1/JTJ"]
    assert all(p.action_buttons == {} for p in view.panels.values())
    other = open_task_view(ctx, "2026-8", None)
    qtbot.addWidget(other)
    qtbot.waitSignal(other.loaded, timeout=10_000).wait()
    assert list(other.panels["2026-8/TGZ"].action_buttons) == ["report", "completion", "extension_request"]
