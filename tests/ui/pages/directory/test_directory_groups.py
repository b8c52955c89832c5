"""The directory's 督查组 tab (issue 16): add a group, edit its lead, members and units, a refusal in the form."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from _directory_settings_helpers import hub_fixtures, read, type_text
from PySide6.QtCore import Qt

from ui.pages.directory.group_dialog import GroupDialog
from ui.pages.directory.page import DirectoryPage
from ui.shell.context import AppContext

template, hub, make_ctx = hub_fixtures("directory_groups")


@pytest.fixture
def open_page(show_page, make_ctx: Callable[[str], AppContext]) -> Callable[[str], DirectoryPage]:  # noqa: ANN001
    return lambda user: show_page(DirectoryPage, make_ctx(user), size=(1000, 640), wait="idle")


def _save(qtbot, page: DirectoryPage, dialog) -> None:  # noqa: ANN001
    with qtbot.waitSignal(dialog.saved, timeout=10_000), qtbot.waitSignal(page.loaded, timeout=10_000):
        dialog.ok_button.click()


def test_a_clerk_adds_then_edits_a_group(qtbot, open_page, hub) -> None:  # noqa: ANN001
    page = open_page("clerk")
    page.tabs.setCurrentWidget(page.groups_tab)
    page.add_group_button.click()
    dialog = page.dialog
    assert isinstance(dialog, GroupDialog)
    type_text(qtbot, dialog.name, "第一督查组")
    type_text(qtbot, dialog.lead, "张三")
    type_text(qtbot, dialog.members, "李四、王五")
    dialog.item_for("TGZ").setCheckState(Qt.CheckState.Checked)
    _save(qtbot, page, dialog)
    assert [g.name for g in page.groups_tab.model.rows] == ["第一督查组"]
    # the same name again is refused in the form, and nothing changes
    page.add_group_button.click()
    again = page.dialog
    type_text(qtbot, again.name, "第一督查组")
    type_text(qtbot, again.lead, "赵六")
    with qtbot.waitSignal(again.refused, timeout=10_000):
        again.ok_button.click()
    assert again.isVisible() and again.error.isVisible()
    again.reject()
    assert read(hub, "SELECT COUNT(*) FROM inspection_group") == [(1,)]
    # edit: a new name, a new lead, one member fewer, XCZ instead of TGZ
    page.groups_tab.select(lambda g: g.name == "第一督查组")
    page.edit_group_button.click()
    edit = page.dialog
    assert edit.name.isEnabled() and edit.checked_codes() == ["TGZ"]
    type_text(qtbot, edit.name, "第二督查组")
    type_text(qtbot, edit.lead, "钱七")
    type_text(qtbot, edit.members, "李四")
    edit.item_for("TGZ").setCheckState(Qt.CheckState.Unchecked)
    edit.item_for("XCZ").setCheckState(Qt.CheckState.Checked)
    _save(qtbot, page, edit)
    assert read(hub, "SELECT name, lead, members, rev FROM inspection_group") == [("第二督查组", "钱七", '["李四"]', 2)]
    assert read(hub, "SELECT u.code, gu.active FROM group_unit gu JOIN unit u ON u.id = gu.unit_id "
                     "ORDER BY u.code") == [("TGZ", 0), ("XCZ", 1)]
    model = page.groups_tab.model
    assert model.data(model.index(0, 3)) == "兴城镇"
    assert read(hub, "SELECT COUNT(*) FROM audit WHERE action = 'group_edit'") == [(1,)]


def test_a_viewer_sees_the_groups_without_buttons(open_page) -> None:  # noqa: ANN001
    page = open_page("viewer")
    assert page.tabs.indexOf(page.groups_tab) >= 0
    assert page.add_group_button.isHidden() and page.edit_group_button.isHidden()


def test_return_on_a_group_or_a_user_row_opens_its_form(qtbot, open_page, hub) -> None:  # noqa: ANN001
    from ui.pages.directory.dialogs import RoleDialog

    page = open_page("admin")
    page.tabs.setCurrentWidget(page.groups_tab)
    page.add_group_button.click()
    type_text(qtbot, page.dialog.name, "第一督查组")
    type_text(qtbot, page.dialog.lead, "张三")
    _save(qtbot, page, page.dialog)
    page.dialog = None
    view = page.groups_tab.view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert isinstance(page.dialog, GroupDialog) and page.dialog.group is not None   # the edit form, not an add
    page.dialog.reject()
    page.dialog = None
    page.tabs.setCurrentWidget(page.users_tab)
    view = page.users_tab.view
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert isinstance(page.dialog, RoleDialog)
    page.dialog.reject()
