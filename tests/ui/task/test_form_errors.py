"""An action form's red line goes when its cause is fixed (issue 15, "Messages").

Uses the task view's database (tests/ui/task/test_task_view.py): task 2026-10 with
TGZ claimed on 11-23 and XCZ's completion waiting for the county office.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest

from core.i18n import _
from core.work.actions import EMPTY_TEXT
from tests.ui.task.test_task_view import act, ctx, hub_path, show, type_text, view_template  # noqa: F401
from ui.shell.context import AppContext


def test_the_empty_reason_line_goes_once_a_reason_is_typed(qtbot, ctx: AppContext) -> None:  # noqa: ANN001, F811
    view = show(qtbot, ctx, "2026-10")
    form = act(qtbot, view, "2026-10/XCZ", "return", submit=False)
    with qtbot.waitSignal(form.refused, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert form.error.isVisible() and form.error.text() == _(EMPTY_TEXT["return"])
    QTest.keyClicks(form.text, "   ")                 # still empty: the line stays
    assert form.error.isVisible()
    type_text(qtbot, form.text, "请补充验收材料")        # fixed: the line goes before recording again
    assert not form.error.isVisible()
    form.reject()


def test_a_date_refusal_goes_when_the_date_is_changed(qtbot, ctx: AppContext) -> None:  # noqa: ANN001, F811
    view = show(qtbot, ctx, "2026-10")
    form = act(qtbot, view, "2026-10/TGZ", "report", on=dt.date(2026, 11, 21), text="已部署", submit=False)
    with qtbot.waitSignal(form.refused, timeout=10_000):
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert form.error.isVisible()
    form.date.setDate(QDate(2026, 11, 24))
    assert not form.error.isVisible()
    form.reject()


def test_the_clerk_who_entered_the_request_gets_no_approve_button_and_the_timeline_names_the_approver(
        qtbot, hub_path) -> None:  # noqa: ANN001, F811
    from core.directory import add_user
    from core.office import open_session
    from core.work.actions import Action, record
    from tests.ui._report_helpers import make_ctx

    admin = open_session(hub_path, "admin", "test-pass", dt.date(2026, 11, 27))
    add_user(admin, "clerk", "clerk", "test-pass")
    admin.db.conn.close()
    clerk_session = open_session(hub_path, "clerk", "test-pass", dt.date(2026, 11, 27))
    record(clerk_session, "2026-10/TGZ", Action("extension_request", dt.date(2026, 11, 24), text="分两期实施",
                                                value=dt.date(2026, 12, 20)))
    clerk_session.db.conn.close()
    clerk = make_ctx(hub_path, "clerk")
    try:
        view = show(qtbot, clerk, "2026-10")
        assert "extension_approve" not in view.panels["2026-10/TGZ"].action_buttons
        view.close()
    finally:
        clerk.close()
    admin_ctx = make_ctx(hub_path)
    try:
        view = show(qtbot, admin_ctx, "2026-10")
        act(qtbot, view, "2026-10/TGZ", "extension_approve")
        row = view.panels["2026-10/TGZ"].timeline.rows[-1]
        assert row.record["kind"] == "extension_approve"
        assert row.findChild(type(view.title), "eventBy").text() == _("Approved by: {user}").format(user="admin")
    finally:
        admin_ctx.close()
