"""我的事项 in a unit office enrolled from the hub: its items grouped by what is due next, acted on from a row.

The unit office is made as a township's clerk makes it (tests/_shared/enrolled.py):
the shared small hub (tests/ui/conftest.py) plus, for the desk, a co assignment
(2026-10, major, lead 县交通运输局), a returned completion (2026-11) and the county
office's words (an urge on 2026-8, an extension approved on 2026-2 and refused on
2026-3), then enroll_export + init_from_enrollment for 太公镇 (TGZ). As of
2026-11-27 (CLOSELOOP_TODAY):
- 已逾期: 2026-8 (completion due 11-12, urged), 2026-5 (claim due 11-25, not claimed);
- 今天到期: 2026-3 (report due today; extension refused), 2026-11 (completion due today, returned);
- 三天内: 2026-2 (report due 11-29; extension to 12-20 approved);
- 以后到期: 2026-10 (co; completion due 12-24);
- 已办结: 2026-1 (closed 11-07).
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import open_page
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QPushButton

from core.auth import list_users
from core.db.connection import open_database
from core.i18n import _, ngettext
from core.office import self_office
from core.work.actions import ACTION_NAMES
from core.work.unit_desk import GROUP_TITLES, HubWord, hub_word_text
from core.work.workflow import HUB_ACTIONS, UNIT_ACTIONS
from tests._shared.db_copy import copy_database
from tests._shared.enrolled import enrolled_unit
from ui.pages.unit_desk import UnitDeskPage
from ui.shell.context import AppContext
from ui.task import action_forms

T = dt.date(2026, 11, 27)
PASSWORD = "test-pass"


def make_unit_office(source: Path, target: Path, unit_code: str) -> Path:
    """A copy of `source` whose own office is `unit_code`'s (a stand-in for enrollment, for other tests)."""
    copy_database(source, target,
                  f"UPDATE office SET role = 'unit', unit_id = (SELECT id FROM unit WHERE code = '{unit_code}'), "
                  f"code = '{unit_code}', name = (SELECT name FROM unit WHERE code = '{unit_code}') "
                  "WHERE is_self = 1")
    return target


def _day(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def desk_hub(source: Path, target: Path) -> Path:
    """The small hub plus what the desk shows (see the module docstring)."""
    from core.office import open_session
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_tasks

    copy_database(source, target)
    s = open_session(target, "admin", PASSWORD, today=T)
    try:
        numbers, _c = add_tasks(s, [
            NewTask(title="县道太公段安全隐患整治", category="major", assigned_on=_day(11, 24), lead="JTJ", co=("TGZ",),
                    leader="王建国"),
            NewTask(title="太公镇垃圾分类试点", category="general", assigned_on=_day(11, 20), lead="TGZ")])
        assert numbers == ["2026-10", "2026-11"]
        for ref, kind, on, text, value in (
                ("2026-10/TGZ", "claim", _day(11, 24), "", None), ("2026-10/TGZ", "report", _day(11, 25), "已排查", None),
                ("2026-11/TGZ", "claim", _day(11, 20), "", None), ("2026-11/TGZ", "report", _day(11, 20), "已部署", None),
                ("2026-11/TGZ", "completion", _day(11, 23), "已完成", None),
                ("2026-11/TGZ", "return", _day(11, 24), "缺少现场照片", None),
                ("2026-8/TGZ", "urge", _day(11, 20), "请于本周内办结", _day(11, 30)),
                ("2026-2/TGZ", "extension_request", _day(11, 26), "需协调资金", _day(12, 20)),
                ("2026-2/TGZ", "extension_approve", _day(11, 26), "", None),
                ("2026-3/TGZ", "extension_request", _day(11, 24), "天气原因", _day(12, 10)),
                ("2026-3/TGZ", "extension_reject", _day(11, 25), "理由不充分", None)):
            record(s, ref, Action(kind=kind, on=on, text=text, value=value))
    finally:
        s.db.conn.close()
    return target


@pytest.fixture(scope="module")
def unit_template(template_db: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", T.isoformat())
    try:
        folder = tmp_path_factory.mktemp("unit_desk")
        (folder / "hub").mkdir()
        hub = desk_hub(template_db[0], folder / "hub" / "hub.db")
        return enrolled_unit(hub, "TGZ", folder / "tgz" / "office.db", password=PASSWORD, hub_password=PASSWORD,
                             today=T)
    finally:
        mp.undo()


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
    return open_page(qtbot, UnitDeskPage, ctx, None, size=(1300, 600), wait="idle")


def shown(page: UnitDeskPage) -> list[tuple[str, str]]:
    return [(key, row.task_no) for key, row in page.model.leaves()]


def row_of(page: UnitDeskPage, task_no: str):  # noqa: ANN201
    return next(row for _key, row in page.model.leaves() if row.task_no == task_no)


def cell(page: UnitDeskPage, task_no: str, column: str) -> str:
    from ui.pages.unit_desk_model import COLUMN_OF

    index = page.model.index_of(row_of(page, task_no).assignment_id)
    return str(index.sibling(index.row(), COLUMN_OF[column]).data())


def select(qtbot, page: UnitDeskPage, task_no: str) -> None:  # noqa: ANN001
    index = page.model.index_of(row_of(page, task_no).assignment_id)
    rect = page.table.visualRect(index.sibling(index.row(), 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.selected is not None and page.selected.task_no == task_no


def enabled(page: UnitDeskPage) -> list[str]:
    return [k for k, b in page.action_buttons.items() if b.isEnabled()]


def events_of(path: Path, task_no: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT e.kind, e.effective_date, e.on_behalf, e.text, (SELECT group_concat(v.name) FROM evidence v "
            "WHERE v.event_id = e.id) FROM event e JOIN assignment a ON a.id = e.assignment_id JOIN task t "
            "ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id WHERE t.task_no = ? AND u.code = 'TGZ' "
            "ORDER BY e.id", [task_no]).fetchall()
    finally:
        conn.close()


def test_the_desk_groups_the_units_items_by_what_is_due_next(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    assert ctx.office.role == "unit" and ctx.office.code == "TGZ"
    page = open_desk(qtbot, ctx)
    assert shown(page) == [("overdue", "2026-8"), ("overdue", "2026-5"), ("today", "2026-3"), ("today", "2026-11"),
                           ("soon", "2026-2"), ("later", "2026-10"), ("closed", "2026-1")]
    heads = [page.model.item(g, 0).text() for g in range(page.model.rowCount())]
    assert heads == [_("{group} ({n})").format(group=_(GROUP_TITLES[k]), n=n)
                     for k, n in (("overdue", 2), ("today", 2), ("soon", 1), ("later", 1), ("closed", 1))]
    assert [row_of(page, n).light for n in ("2026-8", "2026-5", "2026-3", "2026-2", "2026-1")] == \
        ["red", "red", "yellow", "green", None]
    assert "太公镇" in page.heading.text()
    assert ngettext("{n} red", "{n} red", 2).format(n="2") in page.counts.text()
    # a co row names the lead unit; the hub's latest word is in its column
    assert cell(page, "2026-10", "role") == _("Co-operating (lead: {unit})").format(unit="县交通运输局")
    assert cell(page, "2026-11", "hub_word") == _("Returned on {date}: {reason}").format(
        date="2026年11月24日", reason="缺少现场照片")
    assert cell(page, "2026-8", "hub_word").startswith(_("Urged on {date}; follow-up by {follow_up}").format(
        date="2026年11月20日", follow_up="2026年11月30日"))
    assert "请于本周内办结" in cell(page, "2026-8", "hub_word")
    assert cell(page, "2026-2", "hub_word") == _("Extension approved on {date}: now due {until}").format(
        date="2026年11月26日", until="2026年12月20日")
    assert cell(page, "2026-3", "hub_word") == _("Extension refused on {date}: {reason}").format(
        date="2026年11月25日", reason="理由不充分")
    assert cell(page, "2026-3", "next_step") == _("Report due today")


def test_the_groups_follow_the_day(qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("CLOSELOOP_TODAY", "2026-11-28")   # a day later, 2026-3's report is overdue
    page = open_desk(qtbot, ctx)
    assert [n for k, n in shown(page) if k == "overdue"] == ["2026-8", "2026-5", "2026-3", "2026-11"]
    monkeypatch.setenv("CLOSELOOP_TODAY", "2026-12-10")   # 2026-1 closed 11-07: no longer among the recent ones
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.activate()
    assert "closed" not in {k for k, _n in shown(page)}


def test_hub_word_sentences() -> None:
    urge = HubWord("urge", _day(11, 20), "", None)
    assert hub_word_text(urge) == _("Urged on {date}").format(date="2026年11月20日")
    assert hub_word_text(None) == ""


def test_the_desk_offers_only_unit_actions_as_the_state_allows(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = open_desk(qtbot, ctx)
    assert set(page.action_buttons) == UNIT_ACTIONS
    select(qtbot, page, "2026-5")              # not claimed yet
    assert enabled(page) == ["claim"]
    select(qtbot, page, "2026-8")              # claimed and reported
    assert enabled(page) == ["report", "completion", "extension_request"]
    select(qtbot, page, "2026-10")             # the co unit reports its own part
    assert enabled(page) == ["report", "completion", "extension_request"]
    select(qtbot, page, "2026-1")              # closed
    assert enabled(page) == []


def _record(qtbot, page: UnitDeskPage, kind: str, text: str = "", files: tuple[Path, ...] = ()) -> None:  # noqa: ANN001
    qtbot.mouseClick(page.action_buttons[kind], Qt.MouseButton.LeftButton)
    form = page.active_form
    assert form is not None and form.kind == kind and not form.notice.isVisible()  # the unit's own, no 代录
    if text:
        form.text.setPlainText(text)
    if files:
        add = next(b for b in form.findChildren(QPushButton) if b.text() == _("Add &files…"))
        qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
        assert form.attachments() == [str(f) for f in files]
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)


def test_a_unit_claims_reports_with_a_file_and_submits_from_the_desk(qtbot, ctx: AppContext, unit_path: Path,  # noqa: ANN001
                                                                     tmp_path: Path, monkeypatch) -> None:
    photo = tmp_path / "积水点整治现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff jpeg " * 200)
    report = tmp_path / "整治报告.docx"
    report.write_bytes(b"PK docx " * 100)
    page = open_desk(qtbot, ctx)
    select(qtbot, page, "2026-5")
    _record(qtbot, page, "claim")
    assert page.selected is not None and page.selected.task_no == "2026-5"  # still selected where it now stands
    monkeypatch.setattr(action_forms, "choose_files", lambda parent: [str(photo)])
    _record(qtbot, page, "report", "已完成排水沟清淤", (photo,))
    monkeypatch.setattr(action_forms, "choose_files", lambda parent: [str(report)])
    _record(qtbot, page, "completion", "积水点已全部整治", (report,))
    assert events_of(unit_path, "2026-5") == [
        ("claim", "2026-11-27", 0, "", None), ("report", "2026-11-27", 0, "已完成排水沟清淤", photo.name),
        ("completion", "2026-11-27", 0, "积水点已全部整治", report.name)]
    assert ("submitted", "2026-5") in shown(page)
    assert cell(page, "2026-5", "state") == _("Awaiting close-out")
    assert enabled(page) == []   # submitted: the county office closes it or returns it


def test_an_extension_request_with_plan_and_milestones_from_the_desk(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                     unit_path: Path) -> None:
    page = open_desk(qtbot, ctx)
    select(qtbot, page, "2026-10")
    qtbot.mouseClick(page.action_buttons["extension_request"], Qt.MouseButton.LeftButton)
    form = page.active_form
    assert form is not None and form.value is not None
    form.value.setDate(_day(12, 31))
    form.text.setPlainText("分两段施工")
    form.add_milestone().text.setText("完成第一段")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert events_of(unit_path, "2026-10")[-1][:4] == ("extension_request", "2026-11-27", 0, "分两段施工")
    conn = sqlite3.connect(unit_path)
    data = conn.execute("SELECT date_value, data FROM event ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert data[0] == "2026-12-31" and "完成第一段" in data[1]
    assert cell(page, "2026-10", "due") == _("{due} (extension to {date} requested)").format(
        due="2026年12月24日", date="2026年12月31日")
    assert enabled(page) == ["report", "completion"]   # one request at a time


def test_a_hub_action_is_refused_to_a_unit_office_even_if_asked(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    page = open_desk(qtbot, ctx)
    select(qtbot, page, "2026-8")
    form = page.open_form("close")  # no button offers it; the core refuses it all the same
    assert form is not None
    with qtbot.waitSignal(form.refused, timeout=10_000) as refused:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert refused.args[0] == _("Only the county supervision office can record a {action}.").format(
        action=_(ACTION_NAMES["close"]))
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
        assert page.action_buttons == {} and len(page.model.leaves()) == 7
    finally:
        viewer.close()


def test_the_task_view_in_a_unit_office_offers_unit_actions_and_the_notice(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.task.view import open_task_view

    view = open_task_view(ctx, "2026-10", None)
    qtbot.addWidget(view)
    qtbot.waitSignal(view.loaded, timeout=10_000).wait()
    assert list(view.panels) == ["2026-10/JTJ", "2026-10/TGZ"]
    assert view.panels["2026-10/JTJ"].action_buttons == {}          # the lead unit's: not ours
    assert list(view.panels["2026-10/TGZ"].action_buttons) == ["report", "completion", "extension_request"]
    assert "notice" in view.panels["2026-10/TGZ"].print_buttons     # the task's 督办单
    red = open_task_view(ctx, "2026-8", None)
    qtbot.addWidget(red)
    qtbot.waitSignal(red.loaded, timeout=10_000).wait()
    assert list(red.panels["2026-8/TGZ"].print_buttons) == ["notice"]  # urging is the county office's


HUB_LABELS = [_(action_forms.ACTION_LABELS[k]) for k in HUB_ACTIONS] + [
    _("&Add unit…"), _("&Add leader…"), _("&Import ledger from Excel…"), _("Weekly assignment"),
    _("Monthly review"), _("Quarterly assessment")]


def _offered(widget) -> set[str]:  # noqa: ANN001
    texts = {b.text() for b in widget.findChildren(QAbstractButton) if b.isVisibleTo(widget) and b.isEnabled()}
    return texts | {a.text() for a in widget.findChildren(QAction) if a.isVisible() and a.isEnabled()}


def test_nothing_the_county_office_does_is_offered_in_a_unit_office(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.shell.main_window import MainWindow
    from ui.task.view import open_task_view

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    keys = [s.key for s in window.specs]
    assert keys[0] == "desk" and not {"weekly", "monthly", "quarterly"} & set(keys)
    assert not window.actions.action("import_xlsx").isVisible()
    for key in keys:
        if key == "sync":
            continue  # the sync page is the unit's too; its own tests cover it
        page = window.show_page(key)
        assert page is not None
        offered = _offered(window)
        assert key != "desk" or _("Print &my list…") in offered   # the check sees what is offered
        assert not offered & set(HUB_LABELS), (key, offered & set(HUB_LABELS))
    directory = window.page("directory")
    assert directory is not None
    assert not any(b.isVisibleTo(directory) for b in (
        directory.add_unit_button, directory.edit_unit_button, directory.toggle_unit_button,  # type: ignore[attr-defined]
        directory.add_leader_button, directory.edit_leader_button, directory.toggle_leader_button))  # type: ignore[attr-defined]
    for task_no in ("2026-8", "2026-11", "2026-10"):
        view = open_task_view(ctx, task_no, None)
        qtbot.addWidget(view)
        qtbot.waitSignal(view.loaded, timeout=10_000).wait()
        assert all(not set(p.action_buttons) & HUB_ACTIONS for p in view.panels.values())
        assert not _offered(view) & set(HUB_LABELS)


def test_return_on_a_row_opens_the_task(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QApplication

    from ui import keyboard

    page = open_desk(qtbot, ctx)
    assert keyboard.focus_main_view(page)  # F6 / Ctrl+Down: the first row (a group's heading) is current
    with qtbot.waitSignal(ctx.open_task, timeout=5_000) as opened:
        while page.selected is None:
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [page.selected.task_no]
