"""The settings page (设置), driven as a hub clerk and an administrator would.

See tests/ui/_directory_settings_helpers.py for the database; each test works on a copy.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from _directory_settings_helpers import PASSWORD, hub_fixtures, read
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from core.db.connection import connect
from core.i18n import _
from core.office import Changes
from core.office_settings import current_deadlines, holiday_year, preview_notice
from core.rules.calendar import parse_notice
from core.rules.ruleset import DeadlineRule, Deadlines
from tests._shared.paths import FIXTURES
from ui.pages.settings import backup as settings_backup
from ui.pages.settings import calendar as settings_calendar
from ui.pages.settings.page import SettingsPage
from ui.shell.context import AppContext

NOTICE_2027 = (FIXTURES / "notice_2027_invented.txt").read_text(encoding="utf-8")


template, hub, make_ctx = hub_fixtures("settings", office_folder=True)


@pytest.fixture
def open_page(show_page, make_ctx: Callable[[str], AppContext]) -> Callable[[str], SettingsPage]:  # noqa: ANN001
    return lambda user: show_page(SettingsPage, make_ctx(user), size=(1100, 720), wait="idle")


def _plan(hub: Path, text: str):  # noqa: ANN202
    """What the core says the notice would change in the database at `hub`."""
    db = connect(hub)
    try:
        return preview_notice(db, parse_notice(text))
    finally:
        db.conn.close()


def _paste(widget, text: str) -> None:  # noqa: ANN001
    """Paste `text` into a text box, as Ctrl+V does."""
    QApplication.clipboard().setText(text)
    widget.setFocus()
    widget.selectAll()
    widget.paste()


# ----- deadline rules -------------------------------------------------------------------


def test_a_clerk_changes_the_report_rule_to_two_working_days(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    rules = page.rules
    assert "1" in rules.version_label.text()
    assert not rules.save_button.isEnabled()
    rules.counts["report"].setFocus()
    rules.counts["report"].selectAll()
    qtbot.keyClicks(rules.counts["report"], "2")
    rules.modes["report"].setCurrentIndex(rules.modes["report"].findData("workdays"))
    assert rules.save_button.isEnabled()
    # today is Friday 2026-11-27: two working days are Mon 11-30 and Tue 12-01
    assert "2026" in rules.example.text()
    with qtbot.waitSignal(rules.saved, timeout=10_000) as saved, qtbot.waitSignal(rules.loaded, timeout=10_000):
        qtbot.mouseClick(rules.save_button, Qt.MouseButton.LeftButton)
    assert saved.args == [2]
    db = connect(hub)
    try:
        assert current_deadlines(db) == (2, dataclasses.replace(
            Deadlines(), report=DeadlineRule(days=2, mode="workdays")))
    finally:
        db.conn.close()
    assert "2" in rules.version_label.text() and "clerk" in rules.version_label.text()
    assert rules.message.isVisible() and "2" in rules.message.text()
    assert not rules.save_button.isEnabled()
    assert read(hub, "SELECT action, ref FROM audit ORDER BY id DESC LIMIT 1") == [("rules_edit", "2")]


def test_revert_brings_the_version_in_force_back(qtbot, open_page) -> None:  # noqa: ANN001
    page = open_page("clerk")
    rules = page.rules
    rules.warn_days.setValue(5)
    assert rules.save_button.isEnabled()
    rules.revert_button.click()
    assert rules.warn_days.value() == 2 and not rules.save_button.isEnabled()


def test_a_viewer_reads_the_settings_but_changes_nothing(open_page) -> None:  # noqa: ANN001
    page = open_page("viewer")
    assert not page.rules.counts["report"].isEnabled() and page.rules.save_button.isHidden()
    assert page.calendar.notice.isHidden() and page.calendar.save_button.isHidden()
    assert page.backups.now_button.isHidden() and page.backups.restore_button.isHidden()
    assert page.calendar.rest.count() > 0  # 2026 is shipped


# ----- holiday calendar -----------------------------------------------------------------


def test_the_calendar_shows_a_year_and_whether_it_is_imported(qtbot, open_page) -> None:  # noqa: ANN001
    page = open_page("clerk")
    cal = page.calendar
    page.activate({"section": "calendar"})
    assert page.stack.currentWidget() is cal
    assert cal.year.value() == 2026
    rest = [cal.rest.item(i).text() for i in range(cal.rest.count())]
    assert any("国庆节" in t for t in rest)
    assert cal.work.count() == 6
    with qtbot.waitSignal(cal.loaded, timeout=10_000):
        cal.year.setValue(2027)
    assert cal.rest.count() == 0 and "2027" in cal.status.text()


def test_a_damaged_notice_shows_the_parsers_sentence_and_saves_nothing(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    cal = page.calendar
    _paste(cal.notice, NOTICE_2027.replace("2月6日（农历除夕、周六）至14日", "2月30日（周六）至14日"))
    with qtbot.waitSignal(cal.refused, timeout=1_000) as refused:
        qtbot.mouseClick(cal.preview_button, Qt.MouseButton.LeftButton)
    assert "2月30日" in refused.args[0] and cal.message.text() == refused.args[0]
    assert not cal.save_button.isEnabled()
    assert read(hub, "SELECT COUNT(*) FROM holiday_year WHERE year = 2027") == [(0,)]


def test_a_clerk_imports_a_2027_notice_through_the_preview(qtbot, open_page, hub: Path,  # noqa: ANN001
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_page("clerk")
    cal = page.calendar
    changes: list[Changes] = []
    asked: list[str] = []
    monkeypatch.setattr(settings_calendar, "confirm_import", lambda parent, text: asked.append(text) or True)
    page.ctx.changed.connect(changes.append)
    _paste(cal.notice, NOTICE_2027)
    assert not cal.save_button.isEnabled()
    with qtbot.waitSignal(cal.previewed, timeout=10_000):
        qtbot.mouseClick(cal.preview_button, Qt.MouseButton.LeftButton)
    plan = _plan(hub, NOTICE_2027)
    assert len(plan.changes) == 34
    assert cal.preview_view.toPlainText() == "\n".join(parse_notice(NOTICE_2027).describe() + [""] + plan.describe())
    assert cal.save_button.isEnabled()
    with qtbot.waitSignal(cal.imported, timeout=10_000), qtbot.waitSignal(cal.loaded, timeout=10_000):
        qtbot.mouseClick(cal.save_button, Qt.MouseButton.LeftButton)
    assert cal.year.value() == 2027
    assert cal.work.count() == 5 and any("春节" in cal.rest.item(i).text() for i in range(cal.rest.count()))
    assert "2027" in cal.message.text()
    assert changes and changes[-1].calendar
    db = connect(hub)
    try:
        y = holiday_year(db, 2027)
    finally:
        db.conn.close()
    assert y.imported and len(y.rest_days) == 29
    audit = read(hub, "SELECT action, ref, details FROM audit ORDER BY id DESC LIMIT 1")[0]
    assert audit[:2] == ("calendar_import", "2027") and json.loads(audit[2])["rows"] == 34
    assert {"date": "2027-02-20", "from": "rest", "to": "work 春节"} in json.loads(audit[2])["days"]
    assert len(asked) == 1 and asked[0].endswith("\n".join(plan.describe()))
    # a text changed after the preview must be previewed again before it can be saved
    _paste(cal.notice, NOTICE_2027 + "\n")
    assert not cal.save_button.isEnabled()


def test_the_preview_shows_the_days_a_notice_changes_and_cancel_saves_nothing(qtbot, open_page, hub: Path,  # noqa: ANN001
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_page("clerk")
    cal = page.calendar
    monkeypatch.setattr(settings_calendar, "confirm_import", lambda parent, text: False)
    notice_2026 = (FIXTURES / "notice_2026.txt").read_text(
        encoding="utf-8")
    corrected = notice_2026.replace("9月20日（周日）、10月10日（周六）上班。", "9月20日（周日）上班。")
    _paste(cal.notice, corrected)
    with qtbot.waitSignal(cal.previewed, timeout=10_000):
        qtbot.mouseClick(cal.preview_button, Qt.MouseButton.LeftButton)
    plan = _plan(hub, corrected)
    assert [(c.date.isoformat(), c.old_kind, c.new_kind) for c in plan.changes] == [("2026-10-10", "work", "rest")]
    assert cal.preview_view.toPlainText().endswith("\n".join(plan.describe()))
    assert "2026年10月10日" in plan.changes[0].describe()
    before = read(hub, "SELECT * FROM holiday WHERE date LIKE '2026-%' ORDER BY date")
    qtbot.mouseClick(cal.save_button, Qt.MouseButton.LeftButton)
    assert read(hub, "SELECT * FROM holiday WHERE date LIKE '2026-%' ORDER BY date") == before
    assert cal.save_button.isEnabled()


def test_a_partial_notice_is_refused_in_the_preview(qtbot, open_page) -> None:  # noqa: ANN001
    page = open_page("clerk")
    cal = page.calendar
    _paste(cal.notice, "\n".join(NOTICE_2027.splitlines()[:7]))
    with qtbot.waitSignal(cal.refused, timeout=1_000) as refused:
        qtbot.mouseClick(cal.preview_button, Qt.MouseButton.LeftButton)
    assert "清明节、劳动节、端午节、中秋节、国庆节" in refused.args[0] and cal.message.text() == refused.args[0]
    assert not cal.save_button.isEnabled()


# ----- backups --------------------------------------------------------------------------


def test_back_up_now_writes_a_file_and_lists_it(qtbot, open_page, hub: Path) -> None:  # noqa: ANN001
    page = open_page("clerk")
    backups = page.backups
    assert backups.files.count() == 0 and not backups.folder.isEnabled()
    assert backups.restore_button.isHidden() and backups.save_button.isHidden()
    with qtbot.waitSignal(backups.backed_up, timeout=10_000) as done, qtbot.waitSignal(backups.loaded,
                                                                                         timeout=10_000):
        qtbot.mouseClick(backups.now_button, Qt.MouseButton.LeftButton)
    path = Path(done.args[0])
    assert path.is_file() and path.parent == hub.parent / "backups"
    assert backups.files.count() == 1 and path.name in backups.files.item(0).text()
    assert backups.last.text() != _("No backup has been taken yet.")


def test_an_administrator_picks_a_folder_and_an_interval(qtbot, open_page, hub: Path, tmp_path: Path,  # noqa: ANN001
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_page("admin")
    backups = page.backups
    target = tmp_path / "usb" / "closeloop"
    monkeypatch.setattr(settings_backup, "choose_folder", lambda parent, start: str(target))
    qtbot.mouseClick(backups.choose_button, Qt.MouseButton.LeftButton)
    assert backups.folder.text() == str(target)
    backups.every.setValue(6)
    with qtbot.waitSignal(backups.loaded, timeout=10_000):
        qtbot.mouseClick(backups.save_button, Qt.MouseButton.LeftButton)
    assert dict(read(hub, "SELECT key, value FROM setting WHERE key LIKE 'backup_%'")) == {
        "backup_folder": str(target), "backup_every_hours": "6"}
    with qtbot.waitSignal(backups.backed_up, timeout=10_000) as done:
        backups.now_button.click()
    assert Path(done.args[0]).parent == target


def test_an_administrator_restores_a_backup_and_every_page_is_told(qtbot, open_page, hub: Path,  # noqa: ANN001
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from core.directory import add_unit

    page = open_page("admin")
    backups, ctx = page.backups, page.ctx
    with qtbot.waitSignal(backups.loaded, timeout=10_000):
        backups.now_button.click()
    with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
        ctx.write(lambda s: add_unit(s, "HXZ", "红星镇", "township"), lambda _r: None, pytest.fail)
    assert read(hub, "SELECT COUNT(*) FROM unit WHERE code = 'HXZ'") == [(1,)]
    asked: list[str] = []
    monkeypatch.setattr(settings_backup, "confirm_restore", lambda parent, text: asked.append(text) or None)
    backups.files.setCurrentRow(0)
    backups.restore_button.click()
    assert asked and read(hub, "SELECT COUNT(*) FROM unit WHERE code = 'HXZ'") == [(1,)]  # answered no
    monkeypatch.setattr(settings_backup, "confirm_restore", lambda parent, text: PASSWORD)
    backups.files.setCurrentRow(0)
    with qtbot.waitSignal(ctx.changed, timeout=10_000) as changed, \
            qtbot.waitSignal(backups.restored, timeout=10_000) as restored:
        backups.restore_button.click()
    everything = changed.args[0]
    assert everything.directory and everything.calendar and everything.rules and everything.assignments
    assert read(hub, "SELECT COUNT(*) FROM unit WHERE code = 'HXZ'") == [(0,)]
    assert restored.args[0].safety.is_file()
    assert not backups.message.isHidden() and restored.args[0].safety.name in backups.message.text()
    assert read(hub, "SELECT action FROM audit ORDER BY id DESC LIMIT 1") == [("restore",)]


def test_the_app_refuses_a_wrong_password_or_a_half_backup_and_lists_no_half_file(  # noqa: ANN001
        qtbot, open_page, hub: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = open_page("admin")
    backups = page.backups
    with qtbot.waitSignal(backups.loaded, timeout=10_000):
        backups.now_button.click()
    (good,) = [Path(backups.files.item(i).data(settings_backup.PATH_ROLE)) for i in range(backups.files.count())]
    # a killed backup's partial file (of a process that no longer runs) is removed and never listed
    part = good.with_name(f"{good.name}.{2**22 + 7}.part")
    part.write_bytes(good.read_bytes()[:500])
    with qtbot.waitSignal(backups.loaded, timeout=10_000):
        backups.reload()
    assert backups.files.count() == 1 and not part.exists()
    before = read(hub, "SELECT COUNT(*), MAX(id) FROM audit")
    monkeypatch.setattr(settings_backup, "confirm_restore", lambda parent, text: "not-the-password")
    backups.files.setCurrentRow(0)
    with qtbot.waitSignal(backups.refused, timeout=10_000) as refused:
        backups.restore_button.click()
    assert "用户名或密码错误" in refused.args[0]
    assert read(hub, "SELECT COUNT(*), MAX(id) FROM audit") == before
    assert not list((hub.parent / "backups").glob("*before-restore*"))


def test_the_app_says_which_task_numbers_a_restore_reserves(qtbot, open_page, hub: Path,  # noqa: ANN001
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from core.work.tasks import NewTask, add_tasks

    page = open_page("admin")
    backups, ctx = page.backups, page.ctx
    with qtbot.waitSignal(backups.loaded, timeout=10_000):
        backups.now_button.click()
    with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
        ctx.write(lambda s: add_tasks(s, [NewTask("备份后事项", "general", dt.date(2026, 11, 20), "TGZ"),
                                          NewTask("又一项", "general", dt.date(2026, 11, 20), "TGZ")]),
                  lambda _r: None, pytest.fail)
    monkeypatch.setattr(settings_backup, "confirm_restore", lambda parent, text: PASSWORD)
    backups.files.setCurrentRow(0)
    with qtbot.waitSignal(backups.restored, timeout=10_000):
        backups.restore_button.click()
    (top,) = read(hub, "SELECT MAX(seq) FROM task WHERE year = 2026")[0]  # the backup's highest number
    assert read(hub, "SELECT value FROM setting WHERE key = 'task_numbers_reserved'") == [
        (json.dumps({"2026": top + 2}),)]
    assert f"事项编号 2026-{top + 1} 至 2026-{top + 2} 是在此备份之后编发的，今后不再使用。" in backups.message.text()


# ----- language -------------------------------------------------------------------------


def test_the_language_is_kept_for_the_next_start(open_page) -> None:  # noqa: ANN001
    page = open_page("clerk")
    combo = page.language.combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["中文", "English"]
    combo.setCurrentIndex(combo.findData("en"))
    assert QSettings().value("language") == "en"
    assert page.language.note.isVisible() or page.language.note.text()
