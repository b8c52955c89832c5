"""The 督查 page (issue 16), driven as a hub clerk would: inspections, findings, the nail view, refusals.

The database is the small hub of tests/ui/conftest.py (TGZ 太公镇, XCZ 兴城镇, JTJ 县交通运输局) with
第一督查组 covering TGZ and XCZ, added through the core.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from _directory_settings_helpers import PASSWORD, context_factory, read, type_text

from core.office import open_session
from ui.pages.supervision.page import SupervisionPage
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)


@pytest.fixture
def make_ctx(db_path: Path) -> Iterator[Callable[[str], AppContext]]:
    s = open_session(db_path, "admin", PASSWORD, today=T)
    try:
        from core.directory import add_user
        from core.supervision.groups import add_group

        add_group(s, "第一督查组", "张三", ["李四"], ["TGZ", "XCZ"])
        add_user(s, "viewer", "viewer", PASSWORD)
    finally:
        s.db.conn.close()
    yield from context_factory(db_path)


def recorded(qtbot, dialog, page) -> None:  # noqa: ANN001
    with qtbot.waitSignal(dialog.recorded, timeout=10_000), qtbot.waitSignal(page.loaded, timeout=10_000):
        dialog.ok_button.click()
    assert not dialog.isVisible()


def add_inspection(qtbot, page, day: str, tasks: str = "") -> None:  # noqa: ANN001
    dialog = page.open_inspection()
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.date.edit, day)
    dialog.method.setCurrentIndex(dialog.method.findData("targeted"))
    type_text(qtbot, dialog.visited, "太公镇")
    type_text(qtbot, dialog.tasks, tasks)
    dialog.text.setPlainText("实地察看")
    recorded(qtbot, dialog, page)


def test_an_inspection_and_a_finding_with_rectify_and_deduct_make_a_task(qtbot, make_ctx, show_page,  # noqa: ANN001
                                                                         db_path: Path) -> None:
    ctx = make_ctx("admin")
    page = show_page(SupervisionPage, ctx)
    assert page.add_inspection.isVisible()
    add_inspection(qtbot, page, "2026-11-20")
    assert page.inspections.rowCount() == 1 and page.inspections.item(0, 1).text() == "第一督查组"
    dialog = page.open_finding()
    qtbot.addWidget(dialog)
    assert dialog.unit.text() == "太公镇"               # the one unit visited
    dialog.severity.setCurrentIndex(dialog.severity.findData("major"))
    dialog.text.setPlainText("整改台账不全")
    dialog.rectify.setCurrentIndex(dialog.rectify.findData("general"))
    dialog.deduct.setChecked(True)
    type_text(qtbot, dialog.person, "赵六")
    recorded(qtbot, dialog, page)
    assert any("赵六" in n for n in dialog.notes)       # a person added, and said so
    [(task_no, source, assigned)] = read(db_path, "SELECT task_no, source, assigned_on FROM task "
                                                  "WHERE source = 'inspection'")
    assert (source, assigned) == ("inspection", "2026-11-20")
    assert read(db_path, "SELECT deduct, severity, person FROM finding") == [(1, "major", "赵六")]
    assert page.findings.rowCount() == 1 and f"{task_no}/TGZ" in page.findings.item(0, 5).text()
    with qtbot.waitSignal(ctx.open_task, timeout=2_000) as opened:
        page.findings.doubleClicked.emit(page.findings.model().index(0, 0))
    assert opened.args == [task_no]


def test_a_refusal_shows_in_the_dialog_and_changes_nothing(qtbot, make_ctx, show_page, db_path: Path) -> None:  # noqa: ANN001
    ctx = make_ctx("admin")
    page = show_page(SupervisionPage, ctx)
    add_inspection(qtbot, page, "2026-11-20")
    before = read(db_path, "SELECT COUNT(*) FROM finding"), read(db_path, "SELECT COUNT(*) FROM audit")
    dialog = page.open_finding()
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.unit, "JTJ")                # 县交通运输局: the group does not cover it
    dialog.text.setPlainText("未按要求报送")
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refused:
        dialog.ok_button.click()
    assert dialog.isVisible() and dialog.error.isVisible() and "第一督查组" in refused.args[0]
    assert (read(db_path, "SELECT COUNT(*) FROM finding"), read(db_path, "SELECT COUNT(*) FROM audit")) == before
    dialog.outside.setChecked(True)                     # the explicit override records it
    recorded(qtbot, dialog, page)
    assert read(db_path, "SELECT outside_group FROM finding") == [(1,)]


def test_the_nail_view_lists_an_item_inspected_twice_and_opens_it(qtbot, make_ctx, show_page) -> None:  # noqa: ANN001
    ctx = make_ctx("admin")
    page = show_page(SupervisionPage, ctx)
    add_inspection(qtbot, page, "2026-11-10", "2026-5")
    assert page.nails.rowCount() == 0
    add_inspection(qtbot, page, "2026-11-20", "2026-5")
    assert page.nails.rowCount() == 1
    assert [page.nails.item(0, c).text() for c in (0, 2)] == ["2026-5", "2"]
    page.tabs.setCurrentIndex(1)
    page.nails.setFocus()
    page.nails.selectRow(0)
    with qtbot.waitSignal(ctx.open_task, timeout=2_000) as opened:
        from PySide6.QtCore import Qt

        qtbot.keyClick(page.nails, Qt.Key.Key_Return)
    assert opened.args == ["2026-5"]
    red = page.red.topLevelItem(0)
    assert red.text(0).startswith("第一督查组") and red.childCount() == 2   # TGZ and XCZ


def test_a_viewer_sees_no_add_button_and_a_unit_office_no_page(make_ctx, show_page) -> None:  # noqa: ANN001
    from ui.pages import PAGES

    page = show_page(SupervisionPage, make_ctx("viewer"))
    assert not page.add_inspection.isVisible() and not page.add_action.isVisible()
    assert page.print_bulletin.isVisible()
    spec = next(p for p in PAGES if p.key == "supervision")
    assert spec.shortcut == "Ctrl+9" and not spec.visible(type("Unit", (), {"is_hub": False})())


def test_a_finding_and_an_action_keep_their_evidence_files(qtbot, make_ctx, show_page, db_path: Path,  # noqa: ANN001
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.pages.supervision import dialogs

    photo, scan = tmp_path / "现场照片.jpg", tmp_path / "约谈记录.pdf"
    photo.write_bytes(b"\xff\xd8\xff photo")
    scan.write_bytes(b"%PDF-1.4 scan")
    ctx = make_ctx("admin")
    page = show_page(SupervisionPage, ctx)
    add_inspection(qtbot, page, "2026-11-20")
    dialog = page.open_finding()
    qtbot.addWidget(dialog)
    dialog.text.setPlainText("现场台账缺失")
    monkeypatch.setattr(dialogs, "choose_files", lambda parent: [str(photo)])
    dialog.evidence.add_button.click()
    dialog.evidence.add_button.click()                  # the same file twice is listed once
    assert dialog.evidence.paths() == [str(photo)]
    recorded(qtbot, dialog, page)
    action = page.open_action()
    qtbot.addWidget(action)
    type_text(qtbot, action.unit, "太公镇")
    action.kind.setCurrentIndex(action.kind.findData("talk"))
    action.text.setPlainText("约谈镇党委书记")
    monkeypatch.setattr(dialogs, "choose_files", lambda parent: [str(scan)])
    action.evidence.add_button.click()
    recorded(qtbot, action, page)
    assert read(db_path, "SELECT e.name FROM entry_evidence e WHERE e.entry_kind = 'finding'") == [("现场照片.jpg",)]
    assert read(db_path, "SELECT name FROM accountability_evidence") == [("约谈记录.pdf",)]
