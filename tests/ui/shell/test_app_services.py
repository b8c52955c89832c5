"""The services under the window: worker thread, crash handler, fonts, app start-up."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QThread
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QPushButton

from core.errors import Refusal
from core.i18n import _
from ui.fonts import BUNDLED_FAMILY, BUNDLED_FONT, FONTS_DIR, chinese_families, ensure_cjk_font
from ui.shell import app as app_module
from ui.shell import crash
from ui.shell.worker import DbWorker

# ----- worker ---------------------------------------------------------------------------


@pytest.fixture
def worker(db_path: Path):  # noqa: ANN201
    w = DbWorker(db_path)
    yield w
    w.close()


def test_worker_runs_jobs_off_the_gui_thread_and_answers_on_it(qtbot, worker: DbWorker) -> None:  # noqa: ANN001
    gui = QThread.currentThread()
    seen: dict[str, object] = {}

    def work(db):  # noqa: ANN001, ANN202
        seen["work_thread"] = QThread.currentThread()
        return db.execute("SELECT COUNT(*) FROM task").fetchone()[0]

    def done(result: int) -> None:
        seen["result"], seen["done_thread"] = result, QThread.currentThread()

    with qtbot.waitSignal(worker.idle, timeout=10_000):
        worker.submit(work, done, lambda exc: seen.setdefault("error", exc))
    assert seen["result"] == 9
    assert seen["done_thread"] is gui
    assert seen["work_thread"] is not gui


def test_worker_reports_errors_and_keeps_order(qtbot, worker: DbWorker) -> None:  # noqa: ANN001
    order: list[object] = []
    with qtbot.waitSignal(worker.idle, timeout=10_000):
        worker.submit(lambda db: 1, order.append, order.append)
        worker.submit(lambda db: db.execute("SELECT * FROM no_such_table"), order.append, order.append)
        worker.submit(lambda db: 3, order.append, order.append)
    assert order[0] == 1 and order[2] == 3
    assert "no_such_table" in str(order[1])


def test_worker_close_drops_pending_callbacks(qtbot, db_path: Path) -> None:  # noqa: ANN001
    w = DbWorker(db_path)
    called: list[object] = []
    gate = threading.Event()
    w.submit(lambda db: gate.wait(5), called.append, called.append)
    w.submit(lambda db: 2, called.append, called.append)
    gate.set()
    assert w.close()
    assert w.close()  # idempotent
    QCoreApplication.processEvents()
    assert called == []
    with pytest.raises(RuntimeError):
        w.submit(lambda db: 3, called.append, called.append)


def test_worker_that_cannot_open_fails_each_job(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    w = DbWorker(bad)
    errors: list[Exception] = []
    with qtbot.waitSignal(w.idle, timeout=10_000):
        w.submit(lambda db: 1, lambda r: None, errors.append)
    w.close()
    assert isinstance(errors[0], Refusal)

# ----- crash handler --------------------------------------------------------------------


def _raise(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:
        return caught


def test_uncaught_exception_is_logged_and_shown(crash_reports: list[tuple[str, str]]) -> None:
    handler = crash.install()
    try:
        assert sys.excepthook == handler.handle
        exc = _raise(ValueError("boom in a slot"))
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        crash.uninstall()
    assert len(crash_reports) == 1
    message, details = crash_reports[0]
    assert str(crash.log_path()) in message
    assert "ValueError: boom in a slot" in details
    assert "ValueError: boom in a slot" in crash.log_path().read_text(encoding="utf-8")
    crash_reports.clear()


def test_exception_in_another_thread_reaches_the_gui_thread(qtbot, crash_reports) -> None:  # noqa: ANN001
    crash.install()
    try:
        thread = threading.Thread(target=lambda: 1 / 0, name="job")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(crash_reports) == 1, timeout=5_000)
    finally:
        crash.uninstall()
    assert "ZeroDivisionError" in crash_reports[0][1] and "thread: job" in crash_reports[0][1]
    crash_reports.clear()


def test_crash_dialog_copies_its_details(qtbot) -> None:  # noqa: ANN001
    dialog = crash.CrashDialog("出错了", "Traceback: details")
    qtbot.addWidget(dialog)
    copy = [b for b in dialog.findChildren(QPushButton) if b.accessibleName() == _("Copy details")]
    assert len(copy) == 1
    copy[0].click()
    assert QGuiApplication.clipboard().text() == "Traceback: details"

# ----- fonts and start-up ---------------------------------------------------------------


def test_shipped_font_and_licences_are_present() -> None:
    assert BUNDLED_FONT.stat().st_size > 4_000_000
    for name in ("wqy-microhei.LICENSE.txt", "README.md", "wqy-microhei.LICENSE-Apache-2.0.txt",
                 "wqy-microhei.LICENSE-GPL-3.txt"):
        assert (FONTS_DIR / name).is_file(), name
    assert "Apache" in (FONTS_DIR / "wqy-microhei.LICENSE.txt").read_text(encoding="utf-8")


def test_system_chinese_font_is_reported(qapp) -> None:  # noqa: ANN001
    choice = ensure_cjk_font(qapp)
    assert choice.family in chinese_families()


def test_shipped_font_becomes_the_app_font_when_forced(qapp) -> None:  # noqa: ANN001
    before = qapp.font()
    try:
        choice = ensure_cjk_font(qapp, force_bundled=True)
        assert choice.bundled and choice.family == BUNDLED_FAMILY
        assert qapp.font().family() == BUNDLED_FAMILY
        assert BUNDLED_FAMILY in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    finally:
        qapp.setFont(before)


def test_qt_translations_load(qapp) -> None:  # noqa: ANN001
    locale = QLocale()
    translator = app_module.install_qt_translations(qapp, "zh_CN")
    try:
        assert translator is not None and not translator.isEmpty()
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        if translator is not None:
            qapp.removeTranslator(translator)
        QLocale.setDefault(locale)


def test_run_app_refuses_a_database_it_cannot_open(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # (a missing database opens the first-run dialog: tests/ui/shell/test_shell_start.py)
    (tmp_path / "nowhere.db").mkdir()
    shown: list[str] = []
    monkeypatch.setattr(app_module, "show_startup_error", shown.append)
    try:
        assert app_module.run_app(tmp_path / "nowhere.db") == 1
    finally:
        crash.uninstall()
    assert len(shown) == 1 and "nowhere.db" in shown[0]
