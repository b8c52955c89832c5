"""The buttons and menu entries that make documents: each calls its core function with what the page shows.

The core document functions are replaced by recorders that write a small PDF:
stand-in modules in sys.modules, which ui.printing.documents imports when a document is made.
"""
from __future__ import annotations

import sqlite3
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from core.work.ledger import LedgerFilter
from tests.ui._report_helpers import make_ctx, write_pdf
from ui.printing import dialogs as report_dialogs
from ui.printing.preview import open_windows
from ui.shell import settings_store
from ui.shell.busy import BusyTask
from ui.shell.context import AppContext

DOCUMENTS = {
    "core.reports.weekly_list": "render_weekly_list",
    "core.reports.notice": "render_notice",
    "core.reports.urge": "render_urge",
    "core.reports.ledger_pdf": "render_ledger",
    "core.reports.unit_list": "render_unit_list",
    "core.reports.xlsx.export": "export_ledger",
    "ui.xlsx_import_dialog": "open_import_dialog",
}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    """(function name, arguments after db and out, keywords) of every document made."""
    made: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
    for module, name in DOCUMENTS.items():
        fake = types.ModuleType(module)

        def record(*args: Any, _name: str = name, **kwargs: Any) -> int:
            if _name == "open_import_dialog":
                made.append((_name, args, kwargs))
                return 0
            db, out, *rest = args
            made.append((_name, tuple(rest), kwargs))
            if _name == "export_ledger":
                Path(out).write_bytes(b"PK fake xlsx")
                return 7
            return write_pdf(Path(out), 2, label=_name)

        setattr(fake, name, record)
        monkeypatch.setitem(sys.modules, module, fake)
    return made


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    errors: list[str] = []
    monkeypatch.setattr(report_dialogs, "show_error", lambda parent, title, sentence: errors.append(sentence))
    monkeypatch.setattr(report_dialogs, "ask_contact",
                        lambda parent, contact, phone: errors.append("asked for the contact") and None)
    yield errors
    for window in open_windows():
        window.close()
    assert not errors, errors


@pytest.fixture
def ctx(db_path: Path) -> Iterator[AppContext]:
    context = make_ctx(db_path)
    yield context
    context.close()


def wait_preview(qtbot, task: object) -> None:  # noqa: ANN001
    assert isinstance(task, BusyTask)
    if task.outcome is None:
        with qtbot.waitSignal(task.finished, timeout=10_000):
            pass
    assert task.outcome == "done"
    assert open_windows() and open_windows()[-1].page_count == 2


def test_the_ledger_prints_and_exports_its_current_filter_and_sort(qtbot, ctx: AppContext, calls: list,  # noqa: ANN001
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.ledger_model import COLUMN_OF
    from ui.pages.ledger import LedgerPage

    page = LedgerPage(ctx)
    qtbot.addWidget(page)
    flt = LedgerFilter(unit="TGZ", light="red")
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.activate({"filter": flt})
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.table.sortByColumn(COLUMN_OF["due"], Qt.SortOrder.DescendingOrder)
    assert page.print_button.accessibleName() or page.print_button.text()
    page.print_button.click()
    qtbot.waitUntil(lambda: bool(open_windows()), timeout=10_000)
    assert calls == [("render_ledger", (page.current_filter(),), {"sort": "due", "descending": True})]
    assert calls[0][1][0].unit == "TGZ" and calls[0][1][0].light == "red"

    target = tmp_path / "台账"
    offered: list[str] = []
    monkeypatch.setattr(report_dialogs, "ask_save_path", lambda *args: target)
    monkeypatch.setattr(report_dialogs, "ask_open_folder", lambda parent, title, sentence: offered.append(sentence))
    page.export_button.click()
    qtbot.waitUntil(lambda: bool(offered), timeout=10_000)
    assert [c[0] for c in calls] == ["render_ledger", "export_ledger"]
    assert calls[1][1] == (flt,) and calls[1][2] == {"sort": "due", "descending": True}
    assert (tmp_path / "台账.xlsx").read_bytes() == b"PK fake xlsx"
    assert offered and "7" in offered[-1] and str(tmp_path / "台账.xlsx") in offered[-1]
    assert settings_store.value(settings_store.REPORT_FOLDER) == str(tmp_path)


def test_an_export_the_user_does_not_place_writes_nothing(qtbot, ctx: AppContext, calls: list,  # noqa: ANN001
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.printing import documents as report_documents

    monkeypatch.setattr(report_dialogs, "ask_save_path", lambda *args: None)
    assert report_documents.export_ledger(ctx, None, LedgerFilter()) is None
    assert calls == []


def test_a_refused_export_shows_its_sentence_and_offers_nothing(qtbot, ctx: AppContext, tmp_path: Path,  # noqa: ANN001
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                _no_dialogs: list[str]) -> None:
    from core.errors import Refusal
    from ui.printing.jobs import export_file  # the pages' entry point

    def write(db: Any, out: Path) -> int:
        raise Refusal("There is no published ranking for 2026-10; publish the month first.")

    offered: list[str] = []
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(report_dialogs, "ask_save_path", lambda *args: out / "ranking.xlsx")
    monkeypatch.setattr(report_dialogs, "ask_open_folder", lambda *args: offered.append("asked"))
    task = export_file(ctx, None, "排名", write, "ranking-2026-10.xlsx")
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=10_000):
        pass
    assert _no_dialogs == ["There is no published ranking for 2026-10; publish the month first."]
    assert offered == [] and list(out.iterdir()) == []
    _no_dialogs.clear()


def test_the_weekly_page_prints_the_list_of_the_meeting_it_saved(qtbot, ctx: AppContext, calls: list,  # noqa: ANN001
                                                                 db_path: Path) -> None:
    from ui.pages.weekly import WeeklyPage
    from ui.pages.weekly_model import COLUMN_OF

    page = WeeklyPage(ctx)
    qtbot.addWidget(page)
    assert not page.print_button.isEnabled()
    page.date_edit.setDate(QDate(2026, 11, 22))
    for key, value in (("title", "兴城镇农贸市场提质改造"), ("category", "general"), ("lead", "XCZ")):
        assert page.model.setData(page.model.index(0, COLUMN_OF[key]), value)
    with qtbot.waitSignal(page.saved, timeout=10_000) as saved:
        page.save()
    meeting = saved.args[0].meeting
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT date FROM meeting WHERE id = ?", [meeting.id]).fetchone() == ("2026-11-22",)
    assert page.print_button.isEnabled()
    wait_preview(qtbot, page.print_list())
    assert calls == [("render_weekly_list", (meeting.id,), {})]
    page.date_edit.setDate(QDate(2026, 11, 29))          # no meeting that day
    assert not page.print_button.isEnabled() and page.print_list() is None

    again = WeeklyPage(ctx)                               # another day: the saved meeting is found by its date
    qtbot.addWidget(again)
    again.date_edit.setDate(QDate(2026, 11, 22))
    assert again.print_button.isEnabled()
    qtbot.mouseClick(again.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(open_windows()) == 2, timeout=10_000)
    assert calls[-1] == ("render_weekly_list", (meeting.id,), {})


def test_the_task_view_prints_the_notice_and_the_urge_notice_of_an_overdue_step(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                                calls: list,
                                                                                monkeypatch: pytest.MonkeyPatch
                                                                                ) -> None:
    from core.reports.settings import print_settings
    from ui.task.view import open_task_view

    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(report_dialogs, "ask_contact",
                        lambda parent, contact, phone: asked.append((contact, phone)) or ("李堃", "0371-6612 3456"))

    view = open_task_view(ctx, "2026-1", None)   # TGZ closed on time; JTJ only claimed, red
    qtbot.addWidget(view)
    if view.detail is None:
        qtbot.waitSignal(view.loaded, timeout=10_000).wait()
    tgz, jtj = view.panels["2026-1/TGZ"], view.panels["2026-1/JTJ"]
    assert list(tgz.print_buttons) == ["notice"]
    assert list(jtj.print_buttons) == ["notice", "urge"]
    assert all(b.accessibleName() for b in jtj.print_buttons.values())
    qtbot.mouseClick(jtj.print_buttons["urge"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(open_windows()) == 1, timeout=10_000)
    qtbot.mouseClick(tgz.print_buttons["notice"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(open_windows()) == 2, timeout=10_000)
    assert calls == [("render_urge", ("2026-1/JTJ",), {}), ("render_notice", ("2026-1/TGZ",), {})]
    assert asked == [("", "")]                                   # asked once: the first notice; then kept
    ps = print_settings(ctx.reader)
    assert (ps.contact, ps.phone) == ("李堃", "0371-6612 3456")
    view.close()


def test_cancelling_the_contact_question_prints_nothing_and_saves_nothing(qtbot, ctx: AppContext,  # noqa: ANN001
                                                                         calls: list,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from core.reports.settings import print_settings
    from ui.printing.documents import print_notice

    monkeypatch.setattr(report_dialogs, "ask_contact", lambda parent, contact, phone: None)
    assert print_notice(ctx, None, "2026-1/TGZ") is None
    assert calls == [] and open_windows() == []
    assert print_settings(ctx.reader).contact == ""


def test_the_unit_desk_prints_its_own_list(qtbot, ctx: AppContext, calls: list, db_path: Path,  # noqa: ANN001
                                           tmp_path: Path) -> None:
    from tests.ui.pages.test_unit_desk import make_unit_office
    from ui.pages.unit_desk import UnitDeskPage

    unit_db = make_unit_office(db_path, tmp_path / "tgz.db", "TGZ")
    unit_ctx = make_ctx(unit_db)
    try:
        page = UnitDeskPage(unit_ctx)
        qtbot.addWidget(page)
        assert page.print_button.isEnabled()
        wait_preview(qtbot, page.print_list())
        assert calls == [("render_unit_list", ("TGZ",), {})]
        assert "太公镇" in open_windows()[-1].windowTitle()
    finally:
        unit_ctx.close()


def test_the_file_menu_imports_exports_and_prints_the_ledger(qtbot, ctx: AppContext, calls: list,  # noqa: ANN001
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.pages import visible_pages
    from ui.shell.main_window import MainWindow

    window = MainWindow(ctx, pages=[s for s in visible_pages(ctx) if s.key in ("weekly", "ledger")])
    qtbot.addWidget(window)
    menu = [a.objectName() for a in window.actions.menus["file"].actions() if not a.isSeparator()]
    assert menu[1:4] == ["import_xlsx", "export_xlsx", "print_ledger"]
    window.actions.action("import_xlsx").trigger()
    assert calls == [("open_import_dialog", (ctx, window), {})]
    window.actions.action("print_ledger").trigger()
    assert window.current_key() == "ledger"
    qtbot.waitUntil(lambda: bool(open_windows()), timeout=10_000)
    assert calls[-1][0] == "render_ledger"
    monkeypatch.setattr(report_dialogs, "ask_save_path", lambda *args: None)
    window.actions.action("export_xlsx").trigger()   # asked where, the user cancelled: nothing written
    assert [c[0] for c in calls] == ["open_import_dialog", "render_ledger"]
    window.shutdown()

