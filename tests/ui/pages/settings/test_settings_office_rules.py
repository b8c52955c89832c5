"""Settings → rules of the office: an administrator chooses who decides extensions, closes and returns."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from _directory_settings_helpers import hub_fixtures
from PySide6.QtCore import Qt

from core.db.connection import connect
from core.work.decisions import decision_policy
from ui.pages.settings.page import SettingsPage
from ui.shell.context import AppContext

template, hub, make_ctx = hub_fixtures("office_rules")


@pytest.fixture
def open_page(show_page, make_ctx: Callable[[str], AppContext]) -> Callable[[str], SettingsPage]:  # noqa: ANN001
    return lambda user: show_page(SettingsPage, make_ctx(user), size=(1100, 720), wait="idle")


def stored(path: Path) -> str:
    db = connect(path)
    try:
        return decision_policy(db)
    finally:
        db.conn.close()


def test_an_administrator_makes_the_decisions_admin_only(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("admin")
    page.activate({"section": "office_rules"})
    section = page.office_rules
    assert page.stack.currentWidget() is section
    qtbot.waitUntil(lambda: section.buttons["admin_or_other"].isChecked(), timeout=5_000)
    section.buttons["admin"].click()
    assert section.chosen() == "admin", [b.isChecked() for b in section.buttons.values()]
    with qtbot.waitSignal(section.saved, timeout=10_000):
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert stored(hub) == "admin"


def test_a_clerk_sees_the_rule_but_cannot_change_it(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    section = page.office_rules
    qtbot.waitUntil(lambda: section.buttons["admin_or_other"].isChecked(), timeout=5_000)
    assert not section.buttons["any"].isEnabled() and section.save_button.isHidden()
    section.save()
    assert stored(hub) == "admin_or_other"
