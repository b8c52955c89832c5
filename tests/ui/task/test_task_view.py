"""The task view, driven as a hub clerk (and a viewer) would: act through the forms, see the result.

The database is the shared small hub (tests/ui/conftest.py) plus, built once per
module through the core: a viewer, and task 2026-10 (lead TGZ, co XCZ, assigned
11-20) whose TGZ assignment was claimed on 11-23 and whose XCZ assignment has a
completion report waiting for the county office. Each test works on a copy.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from _directory_settings_helpers import copy_db
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QPushButton

from core.evidence import stored_path
from core.i18n import _
from core.permissions import allowed_actions
from core.work.actions import EMPTY_TEXT
from core.work.ledger import ledger_rows
from core.work.task_view import assignment_brief
from tests.ui._report_helpers import make_ctx
from ui.ledger_model import STATE_LABELS
from ui.shell.context import AppContext
from ui.task import action_forms
from ui.task import timeline as task_view_timeline
from ui.task.view import TaskView, dues_text, open_task_view

T = dt.date(2026, 11, 27)
PASSWORD = "test-pass"


@pytest.fixture(scope="module")
def view_template(template_db: tuple[Path, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.directory import add_user
    from core.office import open_session
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_tasks

    path = copy_db(template_db[0], tmp_path_factory.mktemp("task_view") / "hub.db")
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", T.isoformat())
    s = open_session(path, "admin", PASSWORD, today=T)
    try:
        add_user(s, "viewer", "viewer", PASSWORD)
        numbers, _c = add_tasks(s, [NewTask(title="城区排水管网改造", category="general", assigned_on=dt.date(2026, 11, 20),
                                            lead="TGZ", co=("XCZ",), leader="王建国", content="完成雨污分流改造。")])
        assert numbers == ["2026-10"]
        record(s, "2026-10/TGZ", Action("claim", dt.date(2026, 11, 23)))
        record(s, "2026-10/XCZ", Action("claim", dt.date(2026, 11, 20)))
        record(s, "2026-10/XCZ", Action("completion", dt.date(2026, 11, 25), text="改造完成"))
    finally:
        s.db.conn.close()
        mp.undo()
    return path


@pytest.fixture
def hub_path(view_template: Path, tmp_path: Path) -> Path:
    return copy_db(view_template, tmp_path / "hub.db")


@pytest.fixture
def ctx(hub_path: Path) -> Iterator[AppContext]:
    context = make_ctx(hub_path)
    yield context
    context.close()


def show(qtbot, ctx: AppContext, task_no: str) -> TaskView:  # noqa: ANN001
    view = open_task_view(ctx, task_no, None)
    qtbot.addWidget(view)
    if view.detail is None:
        qtbot.waitSignal(view.loaded, timeout=10_000).wait()
    return view


def row_of(path: Path, ref: str):  # noqa: ANN201
    db = sqlite_utils.Database(sqlite3.connect(path))
    try:
        return ledger_rows(db, [assignment_brief(db, ref).id], as_of=T)[0]
    finally:
        db.conn.close()


def count_events(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    finally:
        conn.close()


def type_text(qtbot, widget, text: str) -> None:  # noqa: ANN001
    """Type as a clerk does: ASCII by key, Chinese as an input method commits it (QTest cannot key it)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def act(qtbot, view: TaskView, ref: str, kind: str, *, on: dt.date | None = None, text: str = "",  # noqa: ANN001
        submit: bool = True) -> action_forms.ActionForm:
    """Click the action's button on the assignment, fill the form, and record it (waiting for the reload)."""
    qtbot.mouseClick(view.panels[ref].action_buttons[kind], Qt.MouseButton.LeftButton)
    form = view.active_form
    assert form is not None and form.isVisible() and form.kind == kind
    if on is not None:
        form.date.setDate(QDate(on.year, on.month, on.day))
    if text:
        type_text(qtbot, form.text, text)
    if submit:
        with qtbot.waitSignal(view.loaded, timeout=10_000):
            qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    return form


def test_the_view_shows_the_task_its_assignments_lead_first_and_their_timelines(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    view = show(qtbot, ctx, "2026-10")
    assert "城区排水管网改造" in view.title.text() and view.content.text() == "完成雨污分流改造。"
    assert "王建国" in view.facts.text()
    assert list(view.panels) == ["2026-10/TGZ", "2026-10/XCZ"]
    tgz, xcz = view.panels.values()
    assert tgz.state_label.text() == _(STATE_LABELS["claimed"])
    assert xcz.state_label.text() == _(STATE_LABELS["submitted"])
    assert [r.record["kind"] for r in xcz.timeline.rows] == ["claim", "completion"]
    assert "改造完成" in xcz.timeline.rows[1].findChild(type(view.title), "eventText").text()
    # recorded by the hub for the unit: marked 代录
    assert "代录" in xcz.timeline.rows[0].findChild(type(view.title), "eventBy").text()
    # the hub's buttons follow the state: a submitted completion can be returned or closed out
    assert list(xcz.action_buttons) == ["return", "close", "urge", "cancel"]
    assert list(tgz.action_buttons) == ["report", "completion", "extension_request", "urge", "cancel"]
    assert open_task_view(ctx, "2026-10", None) is view  # a second open raises the same window


def test_claim_report_complete_return_close_from_the_task_view(qtbot, ctx: AppContext, hub_path: Path) -> None:  # noqa: ANN001
    view = show(qtbot, ctx, "2026-5")
    ref = "2026-5/TGZ"
    assert row_of(hub_path, ref).state == "assigned"

    act(qtbot, view, ref, "claim", on=dt.date(2026, 11, 25))
    assert row_of(hub_path, ref).state == "claimed"
    assert view.panels[ref].state_label.text() == _(STATE_LABELS["claimed"])

    act(qtbot, view, ref, "report", on=dt.date(2026, 11, 26), text="已排查积水点12处")
    assert row_of(hub_path, ref).state == "in_progress"
    assert view.panels[ref].timeline.rows[-1].record["text"] == "已排查积水点12处"

    act(qtbot, view, ref, "completion", text="积水点已全部整治")
    assert row_of(hub_path, ref).state == "submitted"
    assert list(view.panels[ref].action_buttons) == ["return", "close", "urge", "cancel"]

    act(qtbot, view, ref, "return", text="缺少整治前后对比照片")
    r = row_of(hub_path, ref)
    assert (r.state, r.on_time) == ("in_progress", None)
    assert "缺少整治前后对比照片" in view.panels[ref].timeline.rows[-1].findChild(type(view.title), "eventText").text()

    act(qtbot, view, ref, "completion", text="已补充照片")
    act(qtbot, view, ref, "close")
    r = row_of(hub_path, ref)
    assert (r.state, r.on_time) == ("closed", True)  # submitted 11-27, due 12-02
    panel = view.panels[ref]
    assert panel.state_label.text() == _(STATE_LABELS["closed"]) and panel.action_buttons == {}
    assert [row.record["kind"] for row in panel.timeline.rows] == [
        "claim", "report", "completion", "return", "completion", "close"]
    conn = sqlite3.connect(hub_path)
    behalf = conn.execute("SELECT kind, on_behalf FROM event e JOIN assignment a ON a.id = e.assignment_id "
                          "JOIN task t ON t.id = a.task_id WHERE t.task_no = '2026-5' ORDER BY e.id").fetchall()
    conn.close()
    assert behalf == [("claim", 1), ("report", 1), ("completion", 1), ("return", 0), ("completion", 1), ("close", 0)]


def test_enter_records_and_esc_closes_without_recording(qtbot, ctx: AppContext, hub_path: Path) -> None:  # noqa: ANN001
    view = show(qtbot, ctx, "2026-5")
    before = count_events(hub_path)
    form = act(qtbot, view, "2026-5/TGZ", "claim", submit=False)
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert view.active_form is None and count_events(hub_path) == before
    form = act(qtbot, view, "2026-5/TGZ", "claim", submit=False)
    assert form.focusWidget() is form.date.edit  # nothing to write for a claim: Enter records at once
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(form.date, Qt.Key.Key_Return)
    assert count_events(hub_path) == before + 1 and row_of(hub_path, "2026-5/TGZ").state == "claimed"
    form = act(qtbot, view, "2026-5/TGZ", "report", text="ok", submit=False)
    assert form.focusWidget() is form.text
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(form.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert row_of(hub_path, "2026-5/TGZ").state == "in_progress"


def test_the_date_field_is_bounded_by_the_assignment_date_and_today(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    view = show(qtbot, ctx, "2026-10")
    form = act(qtbot, view, "2026-10/TGZ", "report", submit=False)
    assert form.date.date() == dt.date(2026, 11, 27) and form.date.text() == "2026-11-27"
    assert (form.date.minimum, form.date.maximum) == (dt.date(2026, 11, 20), dt.date(2026, 11, 27))
    form.reject()


def test_an_empty_return_reason_is_refused_in_the_form_and_nothing_is_written(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                              hub_path: Path) -> None:
    view = show(qtbot, ctx, "2026-10")
    before = count_events(hub_path)
    form = act(qtbot, view, "2026-10/XCZ", "return", submit=False)
    with qtbot.waitSignal(form.refused, timeout=10_000) as refused:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert refused.args == [_(EMPTY_TEXT["return"])]
    assert form.isVisible() and form.error.isVisible() and form.error.text() == _(EMPTY_TEXT["return"])
    assert count_events(hub_path) == before
    assert row_of(hub_path, "2026-10/XCZ").state == "submitted"
    # the clerk writes the reason and records again: the same form succeeds and closes
    type_text(qtbot, form.text, "请补充验收材料")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert view.active_form is None and count_events(hub_path) == before + 1  # the form closed
    assert row_of(hub_path, "2026-10/XCZ").state == "in_progress"


def test_a_report_dated_before_the_claim_is_refused_in_the_form(qtbot, ctx: AppContext, hub_path: Path) -> None:  # noqa: ANN001
    view = show(qtbot, ctx, "2026-10")
    before = count_events(hub_path)
    form = act(qtbot, view, "2026-10/TGZ", "report", on=dt.date(2026, 11, 21), text="已部署", submit=False)
    with qtbot.waitSignal(form.refused, timeout=10_000) as refused:
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert "2026-10/TGZ" in refused.args[0] and "2026-11-21" in refused.args[0]
    assert form.error.text() == refused.args[0] and form.isVisible()
    assert count_events(hub_path) == before and row_of(hub_path, "2026-10/TGZ").state == "claimed"


def test_a_viewer_sees_no_action_buttons(qtbot, hub_path: Path) -> None:  # noqa: ANN001
    viewer = make_ctx(hub_path, "viewer")
    try:
        view = show(qtbot, viewer, "2026-10")
        assert view.panels and all(p.action_buttons == {} for p in view.panels.values())
        assert [b for b in view.findChildren(QPushButton) if b.objectName().startswith("action_")] == []
        brief = view.briefs["2026-10/TGZ"]
        assert allowed_actions("hub", viewer.user, brief) == []
    finally:
        viewer.close()


def test_an_attached_file_is_stored_and_opens_with_the_system_viewer(qtbot, ctx: AppContext, hub_path: Path,  # noqa: ANN001
                                                                     tmp_path: Path, monkeypatch) -> None:
    evidence = tmp_path / "整治前后对比.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence " * 100)
    monkeypatch.setattr(action_forms, "choose_files", lambda parent: [str(evidence)])
    opened: list[tuple[Path, str]] = []
    monkeypatch.setattr(task_view_timeline, "open_file", lambda path, name: opened.append((path, name)) or True)

    view = show(qtbot, ctx, "2026-10")
    form = act(qtbot, view, "2026-10/TGZ", "report", text="已完成管网摸排", submit=False)
    add = next(b for b in form.findChildren(QPushButton) if b.text() == _("Add &files…"))
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert form.attachments() == [str(evidence)] and form.files is not None and form.files.count() == 1
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)

    buttons = view.panels["2026-10/TGZ"].timeline.file_buttons()
    assert len(buttons) == 1 and "整治前后对比.pdf" in buttons[0].text()
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    sha = hashlib.sha256(evidence.read_bytes()).hexdigest()
    assert opened == [(stored_path(hub_path, sha), "整治前后对比.pdf")]
    assert opened[0][0].read_bytes() == evidence.read_bytes()


def test_a_missing_evidence_file_is_explained_not_opened(qtbot, ctx: AppContext, hub_path: Path,  # noqa: ANN001
                                                         tmp_path: Path, monkeypatch) -> None:
    evidence = tmp_path / "photo.jpg"
    evidence.write_bytes(b"jpeg")
    monkeypatch.setattr(action_forms, "choose_files", lambda parent: [str(evidence)])
    opened: list[object] = []
    monkeypatch.setattr(task_view_timeline, "open_file", lambda path, name: opened.append(path) or True)
    view = show(qtbot, ctx, "2026-10")
    form = act(qtbot, view, "2026-10/TGZ", "completion", text="完成", submit=False)
    form.add_files()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    shutil.rmtree(Path(f"{hub_path}.evidence"))  # as when a bundle arrived without its files
    qtbot.mouseClick(view.panels["2026-10/TGZ"].timeline.file_buttons()[0], Qt.MouseButton.LeftButton)
    assert opened == [] and view.message.isVisible() and "photo.jpg" in view.message.text()


def test_an_unknown_task_says_so(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    view = open_task_view(ctx, "2026-99", None)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.load_failed, timeout=10_000) as failed:
        pass
    assert "2026-99" in failed.args[0] and view.message.text() == failed.args[0]


def test_an_open_task_view_reloads_only_when_its_own_task_changed(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from core.office import Changes

    mine, other = show(qtbot, ctx, "2026-5"), show(qtbot, ctx, "2026-2")
    loads: list[str] = []
    other.loaded.connect(lambda: loads.append("2026-2"))
    act(qtbot, mine, "2026-5/TGZ", "claim", on=dt.date(2026, 11, 25))  # waits for 2026-5's reload
    assert mine.panels["2026-5/TGZ"].state_label.text() == _(STATE_LABELS["claimed"])
    assert other._pending == 0 and loads == []  # the other task's view asked for nothing
    own_id = other.briefs["2026-2/TGZ"].id
    assert other.concerned(Changes(assignments={own_id}))
    assert not other.concerned(Changes(assignments={mine.briefs["2026-5/TGZ"].id}, tasks={1}))
    assert other.concerned(Changes(directory=True)) and other.concerned(Changes(calendar=True))


def test_a_task_with_a_completion_period_of_its_own_shows_it(qtbot, hub_path: Path) -> None:  # noqa: ANN001
    from core.office import open_session
    from core.work.tasks import NewTask, add_tasks

    s = open_session(hub_path, "admin", PASSWORD, today=T)
    try:
        numbers, _c = add_tasks(s, [NewTask(title="整改：台账不全", category="general", assigned_on=dt.date(2026, 11, 10),
                                            lead="TGZ", source="inspection", due_days=15)])
    finally:
        s.db.conn.close()
    context = make_ctx(hub_path)
    try:
        view = show(qtbot, context, numbers[0])
        assert "交办之日起 15 天" in view.facts.text()
        assert dues_text(view.detail["assignments"][0]) == view.panels[f"{numbers[0]}/TGZ"].dues_label.text()
        assert view.detail["assignments"][0]["due"] == dt.date(2026, 11, 25)
        assert "11月25日" in view.panels[f"{numbers[0]}/TGZ"].dues_label.text()
        plain = show(qtbot, context, "2026-10")
        assert "自定办结时限" not in plain.facts.text()
    finally:
        context.close()
