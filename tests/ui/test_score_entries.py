"""The dialogs of bonuses, public criticism and inspection findings, driven as a hub clerk would.

The database is the small hub of tests/ui/conftest.py (units TGZ 太公镇, XCZ 兴城镇,
JTJ 县交通运输局), copied per test; the user is its administrator.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _directory_settings_helpers import context_factory, read, type_text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from core.evidence import evidence_dir, stored_path
from ui import score_entries
from ui.score_entries import EntryDialog, open_entry_dialog
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)


@pytest.fixture
def make_ctx(db_path: Path) -> Iterator[Callable[[str], AppContext]]:
    yield from context_factory(db_path)


def snapshot(path: Path) -> tuple[object, ...]:
    """Everything an entry could write: its rows, their evidence links, the audit log, the stored files."""
    rows = tuple(read(path, f"SELECT COUNT(*) FROM {table}")[0][0]
                 for table in ("bonus", "criticism", "finding", "entry_evidence", "audit"))
    folder = evidence_dir(path)
    files = sorted(str(p) for p in folder.rglob("*")) if folder.exists() else []
    return rows, tuple(files)


def opened(qtbot, ctx: AppContext, kind: str, unit_code: str | None = None) -> EntryDialog:  # noqa: ANN001
    dialog = open_entry_dialog(ctx, None, kind, unit_code)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    return dialog


def record_refused(qtbot, dialog: EntryDialog) -> str:  # noqa: ANN001
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refused:
        dialog.ok_button.click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == refused.args[0]
    return str(refused.args[0])


def test_a_bonus_with_evidence_is_recorded_and_every_page_is_told(qtbot, make_ctx, db_path: Path,  # noqa: ANN001
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = make_ctx("admin")
    evidence = tmp_path / "表彰决定.pdf"
    evidence.write_bytes(b"%PDF-1.4 commendation")
    monkeypatch.setattr(score_entries, "choose_files", lambda parent: [str(evidence)])
    dialog = opened(qtbot, ctx, "bonus")
    assert dialog.date.date() == T and dialog.date.maximum == T
    type_text(qtbot, dialog.unit, "tg")                        # pinyin initials of 太公镇
    assert dialog.unit.suggestions()[0] == "太公镇"
    dialog.bonus_kind.setCurrentIndex(dialog.bonus_kind.findData("commendation"))
    dialog.date.setDate(T - dt.timedelta(days=3))
    dialog.text.setPlainText("县委通报表彰森林防火工作")
    type_text(qtbot, dialog.person, "李四")
    dialog.add_button.click()
    dialog.add_button.click()                                    # the same file twice is listed once
    assert dialog.attachments() == [str(evidence)]
    with qtbot.waitSignal(dialog.recorded, timeout=10_000), qtbot.waitSignal(ctx.changed, timeout=10_000):
        qtbot.keyClick(dialog.person, Qt.Key.Key_Return)         # Enter records
    assert not dialog.isVisible()
    assert read(db_path, "SELECT u.code, b.kind, b.date, b.text, b.person FROM bonus b "
                         "JOIN unit u ON u.id = b.unit_id") == [
        ("TGZ", "commendation", "2026-11-24", "县委通报表彰森林防火工作", "李四")]
    [(name, sha, size)] = read(db_path, "SELECT name, sha256, size FROM entry_evidence WHERE entry_kind = 'bonus'")
    assert name == "表彰决定.pdf" and size == evidence.stat().st_size
    assert stored_path(db_path, str(sha)).read_bytes() == evidence.read_bytes()


@pytest.mark.parametrize(("kind", "table"), [("criticism", "criticism"), ("finding", "finding")])
def test_criticism_and_findings_are_recorded_for_the_unit_given(qtbot, make_ctx, db_path: Path,  # noqa: ANN001
                                                                 kind: str, table: str) -> None:
    ctx = make_ctx("admin")
    dialog = opened(qtbot, ctx, kind, "JTJ")
    assert dialog.unit.text() == "县交通运输局" and dialog.bonus_kind is None
    dialog.text.setPlainText("县道养护进度滞后")
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        dialog.ok_button.click()
    assert read(db_path, f"SELECT u.code, t.date, t.text, t.person FROM {table} t JOIN unit u ON u.id = t.unit_id") \
        == [("JTJ", "2026-11-27", "县道养护进度滞后", "")]


def test_empty_text_is_refused_in_the_dialog_and_nothing_changes(qtbot, make_ctx, db_path: Path,  # noqa: ANN001
                                                                 tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = make_ctx("admin")
    evidence = tmp_path / "照片.jpg"
    evidence.write_bytes(b"jpeg")
    monkeypatch.setattr(score_entries, "choose_files", lambda parent: [str(evidence)])
    before = snapshot(db_path)
    dialog = opened(qtbot, ctx, "bonus", "TGZ")
    dialog.add_files()
    dialog.text.setPlainText("   ")
    assert record_refused(qtbot, dialog)
    assert snapshot(db_path) == before
    dialog.text.setPlainText("县委书记肯定性批示")                   # fixed, it records
    with qtbot.waitSignal(dialog.recorded, timeout=10_000):
        dialog.ok_button.click()
    assert read(db_path, "SELECT COUNT(*) FROM bonus")[0][0] == 1


def test_an_unknown_unit_is_refused_and_nothing_changes(qtbot, make_ctx, db_path: Path) -> None:  # noqa: ANN001
    ctx = make_ctx("admin")
    before = snapshot(db_path)
    dialog = opened(qtbot, ctx, "criticism")
    type_text(qtbot, dialog.unit, "QQQ")
    assert dialog.unit.suggestions() == []
    dialog.text.setPlainText("会议缺席")
    assert "QQQ" in record_refused(qtbot, dialog)
    assert snapshot(db_path) == before
    type_text(qtbot, dialog.unit, "")
    assert record_refused(qtbot, dialog)                        # no unit at all
    assert snapshot(db_path) == before


def test_a_future_date_cannot_be_entered_and_is_refused(qtbot, make_ctx, db_path: Path,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = make_ctx("admin")
    before = snapshot(db_path)
    dialog = opened(qtbot, ctx, "finding", "XCZ")
    dialog.date.setDate(T + dt.timedelta(days=1))
    assert dialog.date.date() is None and "晚于" in dialog.date.problem()  # the field refuses tomorrow
    assert (T + dt.timedelta(days=1)).isoformat() in record_refused(qtbot, dialog)
    assert dialog.date.text() == (T + dt.timedelta(days=1)).isoformat()       # and keeps the text as typed
    assert snapshot(db_path) == before
    dialog.date.setDate(T)
    dialog.text.setPlainText("整改台账不全")
    # the dialog stayed open past midnight the wrong way: for the core, today is now the day before
    monkeypatch.setenv("CLOSELOOP_TODAY", (T - dt.timedelta(days=1)).isoformat())
    assert T.isoformat() in record_refused(qtbot, dialog)
    assert snapshot(db_path) == before


def test_esc_closes_without_recording_and_the_tab_order_follows_the_form(qtbot, make_ctx,  # noqa: ANN001
                                                                          db_path: Path) -> None:
    ctx = make_ctx("admin")
    before = snapshot(db_path)
    dialog = opened(qtbot, ctx, "bonus", "TGZ")
    order = [dialog.unit, dialog.bonus_kind, dialog.date.edit, dialog.text, dialog.person, dialog.files,
             dialog.add_button, dialog.remove_button, dialog.ok_button]   # the date field: its line edit
    for first, second in zip(order, order[1:], strict=False):
        assert next_tab_stop(first) is second, first.accessibleName()
    for widget in (dialog.unit, dialog.bonus_kind, dialog.date.edit, dialog.text, dialog.person, dialog.files):
        assert widget.accessibleName()
    dialog.activateWindow()  # offscreen, a pop-up shown meanwhile (the unit's suggestions) may leave none active
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.bonus_kind.setFocus()
    qtbot.keyClick(dialog.bonus_kind, Qt.Key.Key_Tab)  # the keys agree with the chain: the date's text is next
    assert QApplication.focusWidget() is dialog.date.edit
    dialog.text.setPlainText("未保存的内容")
    with qtbot.waitSignal(dialog.rejected, timeout=5_000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and snapshot(db_path) == before


def next_tab_stop(widget: QWidget) -> QWidget:
    """The widget Tab moves to from `widget`: the next in the focus chain that takes Tab focus."""
    after = widget.nextInFocusChain()
    while (not after.focusPolicy() & Qt.FocusPolicy.TabFocus or not after.isVisible()
           or after.parent() is widget                            # a date edit's own line edit
           or after.focusProxy() is not None):                    # Tab lands on the proxy (a date field's edit)
        after = after.nextInFocusChain()
    return after


def test_the_dialog_renders(qtbot, make_ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    ctx = make_ctx("admin")
    monkeypatch.setattr(score_entries, "choose_files", lambda parent: ["/tmp/批示扫描件.pdf"])
    dialog = opened(qtbot, ctx, "bonus", "TGZ")
    dialog.text.setPlainText("市委主要领导对太公镇森林防火工作作出肯定性批示")
    dialog.add_files()
    dialog.resize(560, 420)
    image = dialog.grab()
    assert not image.isNull()
    image.save(str(tmp_path / "bonus_dialog.png"))
    if os.environ.get("CLOSELOOP_SHOTS"):
        image.save(os.path.join(os.environ["CLOSELOOP_SHOTS"], "bonus_dialog.png"))
