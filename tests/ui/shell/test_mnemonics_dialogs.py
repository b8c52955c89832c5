"""One control per Alt+letter in every dialog and form (issue 15), beside the pages' scan in
test_keyboard_everywhere.py: the directory's forms, each settings section, the first run (each of its three
choices, the join form among them), sign-in, the score entries, the Excel import, the publish and reopen
dialogs, the sync page's hub panel and the revoke dialog."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _mnemonics import duplicate_mnemonics
from _shell_helpers import make_ctx
from PySide6.QtWidgets import QApplication, QWidget

from core.auth import list_users, sign_in
from core.db.connection import connect
from core.directory import list_leaders, list_units
from core.office import self_office
from ui.shell.context import AppContext

if TYPE_CHECKING:
    from conftest import Scenario


@pytest.fixture
def ctx(db_path: Path, scenario: Scenario) -> Iterator[AppContext]:
    context = make_ctx(db_path, "admin", scenario.password)
    yield context
    context.close()


def shown(qtbot, widget: QWidget) -> dict[str, list[str]]:  # noqa: ANN001
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    QApplication.processEvents()
    return duplicate_mnemonics(widget)


def _directory(name: str) -> Callable[[AppContext], QWidget]:
    def make(ctx: AppContext) -> QWidget:
        from ui.pages.directory import dialogs

        admin = next(u for u in list_users(ctx.reader) if u.name == "admin")
        units = list_units(ctx.reader)
        return {"unit_add": lambda: dialogs.UnitDialog(ctx),
                "unit_edit": lambda: dialogs.UnitDialog(ctx, units[0]),
                "leader_add": lambda: dialogs.LeaderDialog(ctx, units),
                "leader_edit": lambda: dialogs.LeaderDialog(ctx, units, list_leaders(ctx.reader)[0]),
                "user": lambda: dialogs.UserDialog(ctx),
                "role": lambda: dialogs.RoleDialog(ctx, admin),
                "password": lambda: dialogs.PasswordDialog(ctx, admin)}[name]()
    return make


def _entry(kind: str) -> Callable[[AppContext], QWidget]:
    def make(ctx: AppContext) -> QWidget:
        from ui.score_entries import EntryDialog

        return EntryDialog(ctx, kind)
    return make


def _xlsx(ctx: AppContext) -> QWidget:
    from ui.xlsx_import_dialog import XlsxImportDialog

    return XlsxImportDialog(ctx)


def _publish(ctx: AppContext) -> QWidget:
    from ui.pages.scores.publish_dialogs import PublishDialog

    return PublishDialog(ctx, "2026-10")


def _reopen(ctx: AppContext) -> QWidget:
    from ui.pages.scores.publish_dialogs import ReopenDialog

    return ReopenDialog(ctx, "2026-10")


def _revoke(ctx: AppContext) -> QWidget:
    from ui.pages.sync_revoke import RevokeDialog

    return RevokeDialog(ctx, "TGZ", "太公镇")


def _sync_page(ctx: AppContext) -> QWidget:
    from ui.pages.sync import SyncPage

    page = SyncPage(ctx)
    assert page.hub_panel is not None
    return page


DIALOGS: dict[str, Callable[[AppContext], QWidget]] = {
    **{f"directory_{n}": _directory(n) for n in ("unit_add", "unit_edit", "leader_add", "leader_edit", "user",
                                                   "role", "password")},
    **{f"entry_{k}": _entry(k) for k in ("bonus", "criticism", "finding")},
    "xlsx_import": _xlsx, "publish": _publish, "reopen": _reopen, "revoke": _revoke, "sync_hub_panel": _sync_page,
}


@pytest.mark.parametrize("name", list(DIALOGS))
def test_each_dialog_has_one_control_per_alt_letter(qtbot, ctx: AppContext, name: str) -> None:  # noqa: ANN001
    assert shown(qtbot, DIALOGS[name](ctx)) == {}


def test_each_settings_section_has_one_control_per_alt_letter(qtbot, ctx: AppContext) -> None:  # noqa: ANN001
    from ui.pages.settings.page import SettingsPage

    page = SettingsPage(ctx)
    found = {}
    assert shown(qtbot, page) == {}
    for row in range(page.sections.count()):
        page.sections.setCurrentRow(row)
        QApplication.processEvents()
        if duplicates := duplicate_mnemonics(page):
            found[page.sections.item(row).text()] = duplicates
    assert found == {}


def test_each_first_run_choice_has_one_control_per_alt_letter(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(tmp_path / "new.db")
    found = {}
    assert shown(qtbot, dialog) == {}
    for choice in [c.key for c in dialog.choices]:
        dialog.choose(choice)
        QApplication.processEvents()
        if duplicates := duplicate_mnemonics(dialog):
            found[choice] = duplicates
    dialog.join_form.panel.setVisible(True)  # as once the enrollment file's fingerprint is read
    if duplicates := duplicate_mnemonics(dialog):
        found["unit, the fingerprint shown"] = duplicates
    assert len(dialog.choices) == 3 and found == {}


def test_sign_in_has_one_control_per_alt_letter(qtbot, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    from ui.sign_in import SignInDialog

    db = connect(db_path)
    try:
        dialog = SignInDialog(self_office(db), [u for u in list_users(db) if u.active],
                              lambda name, password: sign_in(db, name, password), note="—", message="—")
        assert shown(qtbot, dialog) == {}
    finally:
        db.conn.close()
