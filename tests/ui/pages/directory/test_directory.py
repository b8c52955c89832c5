"""The directory page (单位与领导), driven as a hub clerk, an administrator and a viewer would.

See tests/ui/_directory_settings_helpers.py for the database; each test works on a copy.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _directory_settings_helpers import PASSWORD, hub_fixtures, read, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from core.auth import sign_in
from core.db.connection import connect
from core.directory import leader_by_name, list_units
from core.i18n import _, ngettext
from ui.pages.directory.dialogs import LeaderDialog, PasswordDialog, RoleDialog, UnitDialog, UserDialog
from ui.pages.directory.page import DirectoryPage
from ui.shell.context import AppContext

template, hub, make_ctx = hub_fixtures("directory")


@pytest.fixture
def open_page(show_page, make_ctx: Callable[[str], AppContext]) -> Callable[[str], DirectoryPage]:  # noqa: ANN001
    return lambda user: show_page(DirectoryPage, make_ctx(user), size=(1000, 640), wait="idle")


def _codes(page: DirectoryPage) -> list[str]:
    return [u.code for u in page.units_tab.model.rows]


def _core_units(path: Path) -> dict[str, tuple[str, str, bool]]:
    db = connect(path)
    try:
        return {u.code: (u.name, u.kind, u.active) for u in list_units(db)}
    finally:
        db.conn.close()


def _save(qtbot, page: DirectoryPage, dialog) -> None:  # noqa: ANN001
    """Press Enter in the dialog and wait until the page has shown the new lists."""
    with qtbot.waitSignal(dialog.saved, timeout=10_000), qtbot.waitSignal(page.loaded, timeout=10_000):
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)


def _visible_buttons(page: DirectoryPage) -> list[str]:
    """Buttons not hidden (on any tab, shown or not)."""
    return [b.text() for b in page.findChildren(QPushButton) if not b.isHidden()]


def _next_tab_stop(widget: QWidget) -> QWidget:
    """The widget Tab moves to from `widget` (labels and other non-focusable widgets skipped)."""
    w = widget.nextInFocusChain()
    while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isEnabled() or w.isHidden():
        w = w.nextInFocusChain()
    return w


# ----- units ----------------------------------------------------------------------------


def test_the_three_lists_show_the_directory_and_pass_the_model_tester(open_page, qtmodeltester) -> None:  # noqa: ANN001
    page = open_page("clerk")
    assert _codes(page) == ["TGZ", "XCZ", "JTJ"]
    leaders = page.leaders_tab.model
    assert leaders.data(leaders.index(0, 2)) == "太公镇、县交通运输局"
    assert [u.name for u in page.users_tab.model.rows] == ["admin", "clerk", "viewer"]
    for tab in (page.units_tab, page.leaders_tab, page.users_tab):
        qtmodeltester.check(tab.model)
        qtmodeltester.check(tab.proxy)


def test_a_clerk_adds_a_unit_and_sees_it_in_the_list_and_the_core(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    qtbot.mouseClick(page.add_unit_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, UnitDialog) and dialog.isVisible()
    type_text(qtbot, dialog.code, "DLZ")
    type_text(qtbot, dialog.name, "大岭镇")
    dialog.kind.setCurrentIndex(dialog.kind.findData("township"))
    _save(qtbot, page, dialog)
    assert not dialog.isVisible()
    assert _codes(page) == ["TGZ", "XCZ", "DLZ", "JTJ"]
    assert _core_units(hub)["DLZ"] == ("大岭镇", "township", True)
    assert "DLZ" in page.units_tab.message.text()


def test_a_taken_code_is_refused_inside_the_form(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    page.add_unit_button.click()
    dialog = page.dialog
    type_text(qtbot, dialog.code, "tgz")
    type_text(qtbot, dialog.name, "太公新镇")
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refused:
        dialog.ok_button.click()
    assert "TGZ" in refused.args[0].upper()
    assert dialog.isVisible() and dialog.error.isVisible() and dialog.error.text() == refused.args[0]
    assert len(_core_units(hub)) == 3
    qtbot.keyClick(dialog.code, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_unit_form_tab_order_and_escape(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    page.add_unit_button.click()
    d: UnitDialog = page.dialog
    assert _next_tab_stop(d.code) is d.name and _next_tab_stop(d.name) is d.kind
    assert _next_tab_stop(d.kind) is d.ok_button
    assert d.ok_button.isDefault()
    type_text(qtbot, d.code, "ESC")
    qtbot.keyClick(d.code, Qt.Key.Key_Escape)
    assert not d.isVisible() and "ESC" not in _core_units(hub)


def test_edit_then_deactivate_and_reactivate_a_unit(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    page.add_unit_button.click()
    type_text(qtbot, page.dialog.code, "DLZ")
    type_text(qtbot, page.dialog.name, "大岭镇")
    _save(qtbot, page, page.dialog)
    assert page.units_tab.select(lambda u: u.code == "DLZ")
    page.edit_unit_button.click()
    dialog = page.dialog
    assert not dialog.code.isEnabled() and dialog.code.text() == "DLZ"
    type_text(qtbot, dialog.name, "大岭乡")
    _save(qtbot, page, dialog)
    assert _core_units(hub)["DLZ"] == ("大岭乡", "township", True)
    assert page.units_tab.selected().code == "DLZ"  # the selection survives the reload
    assert page.toggle_unit_button.text() == _("&Deactivate")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.toggle_unit_button.click()
    assert _core_units(hub)["DLZ"] == ("大岭乡", "township", False)
    model = page.units_tab.model
    row = _codes(page).index("DLZ")
    assert model.data(model.index(row, 3)) == _("Deactivated")
    assert model.data(model.index(row, 1), Qt.ItemDataRole.ForegroundRole) is not None
    assert page.toggle_unit_button.text() == _("&Reactivate")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.toggle_unit_button.click()
    assert _core_units(hub)["DLZ"][2] is True


def test_a_unit_with_open_items_is_not_deactivated_and_the_page_says_why(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    page.units_tab.select(lambda u: u.code == "TGZ")
    with qtbot.waitSignal(page.ctx.worker.idle, timeout=10_000):
        page.toggle_unit_button.click()
    assert "太公镇" in page.units_tab.message.text()
    assert _core_units(hub)["TGZ"][2] is True


# ----- leaders --------------------------------------------------------------------------


def test_a_clerk_adds_a_leader_with_two_units(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    page.tabs.setCurrentWidget(page.leaders_tab)
    qtbot.mouseClick(page.add_leader_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, LeaderDialog)
    type_text(qtbot, dialog.name, "李红")
    type_text(qtbot, dialog.title_edit, "县委常委")
    type_text(qtbot, dialog.filter, "xcz")   # pinyin initials of 兴城镇
    shown = [dialog.units.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.units.count())
             if not dialog.units.item(i).isHidden()]
    assert shown == ["XCZ"]
    dialog.item_for("XCZ").setCheckState(Qt.CheckState.Checked)
    type_text(qtbot, dialog.filter, "")
    dialog.item_for("JTJ").setCheckState(Qt.CheckState.Checked)
    assert dialog.count.text() == ngettext("{n} unit chosen", "{n} units chosen", 2).format(n=2)
    _save(qtbot, page, dialog)
    assert leader_by_name(connect(hub), "李红").units == ("XCZ", "JTJ")
    leaders = page.leaders_tab.model
    row = [ld.name for ld in leaders.rows].index("李红")
    assert leaders.data(leaders.index(row, 2)) == "兴城镇、县交通运输局"


def test_edit_a_leaders_units_then_deactivate(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    page.tabs.setCurrentWidget(page.leaders_tab)
    page.leaders_tab.select(lambda ld: ld.name == "王建国")
    page.edit_leader_button.click()
    dialog = page.dialog
    assert dialog.checked_codes() == ["TGZ", "JTJ"] and not dialog.name.isEnabled()
    dialog.item_for("JTJ").setCheckState(Qt.CheckState.Unchecked)
    dialog.item_for("XCZ").setCheckState(Qt.CheckState.Checked)
    type_text(qtbot, dialog.title_edit, "常务副县长")
    _save(qtbot, page, dialog)
    db = connect(hub)
    try:
        leader = leader_by_name(db, "王建国")
    finally:
        db.conn.close()
    assert (leader.title, leader.units) == ("常务副县长", ("TGZ", "XCZ"))
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.toggle_leader_button.click()
    assert read(hub, "SELECT active FROM leader WHERE name = '王建国'") == [(0,)]
    assert page.toggle_leader_button.text() == _("&Reactivate")


# ----- users ----------------------------------------------------------------------------


def test_a_clerk_cannot_manage_users(open_page) -> None:  # noqa: ANN001
    page = open_page("clerk")
    for b in (page.add_user_button, page.role_button, page.password_button, page.toggle_user_button):
        assert b.isHidden()
    assert not page.add_unit_button.isHidden() and not page.add_leader_button.isHidden()


def test_a_viewer_sees_no_write_action(open_page) -> None:  # noqa: ANN001
    page = open_page("viewer")
    assert _visible_buttons(page) == []
    assert _codes(page) == ["TGZ", "XCZ", "JTJ"]


def test_an_administrator_adds_a_user_with_the_password_twice(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("admin")
    page.tabs.setCurrentWidget(page.users_tab)
    qtbot.mouseClick(page.add_user_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, UserDialog)
    assert [_next_tab_stop(w) for w in (dialog.name, dialog.role, dialog.password, dialog.again)] == [
        dialog.role, dialog.password, dialog.again, dialog.ok_button]
    type_text(qtbot, dialog.name, "zhang")
    dialog.role.setCurrentIndex(dialog.role.findData("clerk"))
    type_text(qtbot, dialog.password, "zhang-pass")
    type_text(qtbot, dialog.again, "zhang-pas")
    with qtbot.waitSignal(dialog.refused, timeout=1_000):
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert read(hub, "SELECT COUNT(*) FROM user WHERE name = 'zhang'") == [(0,)]
    type_text(qtbot, dialog.again, "zhang-pass")
    _save(qtbot, page, dialog)
    assert [u.name for u in page.users_tab.model.rows][-1] == "zhang"
    db = connect(hub)
    try:
        assert sign_in(db, "zhang", "zhang-pass").role == "clerk"
    finally:
        db.conn.close()


def test_change_role_reset_password_and_deactivate_a_user(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("admin")
    page.tabs.setCurrentWidget(page.users_tab)
    assert page.users_tab.select(lambda u: u.name == "viewer")
    page.role_button.click()
    dialog = page.dialog
    assert isinstance(dialog, RoleDialog)
    dialog.role.setCurrentIndex(dialog.role.findData("clerk"))
    _save(qtbot, page, dialog)
    assert read(hub, "SELECT role FROM user WHERE name = 'viewer'") == [("clerk",)]
    page.password_button.click()
    dialog = page.dialog
    assert isinstance(dialog, PasswordDialog)
    type_text(qtbot, dialog.password, "fresh-pass")
    type_text(qtbot, dialog.again, "fresh-pass")
    _save(qtbot, page, dialog)
    db = connect(hub)
    try:
        assert sign_in(db, "viewer", "fresh-pass").name == "viewer"
    finally:
        db.conn.close()
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.toggle_user_button.click()
    assert read(hub, "SELECT active FROM user WHERE name = 'viewer'") == [(0,)]


def test_the_last_administrator_cannot_deactivate_themselves(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("admin")
    page.tabs.setCurrentWidget(page.users_tab)
    page.users_tab.select(lambda u: u.name == "admin")
    with qtbot.waitSignal(page.ctx.worker.idle, timeout=10_000):
        page.toggle_user_button.click()
    assert page.users_tab.message.text()
    assert read(hub, "SELECT active, role FROM user WHERE name = 'admin'") == [(1, "admin")]
    page.role_button.click()
    page.dialog.role.setCurrentIndex(page.dialog.role.findData("viewer"))
    with qtbot.waitSignal(page.dialog.refused, timeout=10_000):
        page.dialog.ok_button.click()
    assert read(hub, "SELECT role FROM user WHERE name = 'admin'") == [("admin",)]


def test_the_page_follows_directory_changes_made_elsewhere(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    from core.directory import add_unit
    from core.office import Changes

    page = open_page("clerk")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.ctx.write(lambda s: add_unit(s, "HXZ", "红星镇", "township"), lambda _r: None, pytest.fail,
                       changes=Changes(directory=True))
    assert "HXZ" in _codes(page)
    assert PASSWORD  # the helpers' password signs every user in
