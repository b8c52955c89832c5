"""Starting the app: sign-in, first run, one instance per database; and the busy and backup helpers."""
from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _shell_helpers import T, add_user, by_name, make_ctx, office_and_user, type_with_input_method
from PySide6.QtCore import QDir, Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QPushButton, QRadioButton

from core.auth import User, sign_in
from core.db.connection import connect
from core.errors import Refusal
from core.i18n import _
from core.office import Office, self_office
from ui.first_run import FirstRunDialog, FirstRunResult
from ui.shell import app as app_module
from ui.shell import crash
from ui.shell.backup_timer import BackupTimer
from ui.shell.busy import Cancelled, Job, run_busy
from ui.shell.main_window import MainWindow
from ui.shell.single_instance import SingleInstance, server_name
from ui.sign_in import SignInDialog

if TYPE_CHECKING:
    from conftest import Scenario

WRONG = _("Wrong user name or password; check both and try again.")


# ----- sign-in ----------------------------------------------------------------------------


def _sign_in_dialog(qtbot, db_path: Path, scenario: Scenario) -> tuple[SignInDialog, object]:  # noqa: ANN001
    add_user(db_path, scenario.password, "clerk", "clerk", "clerk-pass")
    db = connect(db_path)
    dialog = SignInDialog(self_office(db), [u for u in _users(db) if u.active],
                          lambda name, password: sign_in(db, name, password))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, db


def _users(db: object) -> list[User]:
    from core.auth import list_users

    return list_users(db)  # type: ignore[arg-type]


def test_sign_in_with_a_wrong_then_the_right_password(qtbot, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    dialog, db = _sign_in_dialog(qtbot, db_path, scenario)
    try:
        user = dialog.user_combo
        assert [user.itemData(i) for i in range(user.count())] == ["admin", "clerk"]
        password = by_name(dialog, QLineEdit, _("Password"))
        qtbot.keyClicks(password, "not-it")
        qtbot.keyClick(password, Qt.Key.Key_Return)
        message = by_name(dialog, QLabel, _("Sign-in message"))
        assert dialog.isVisible() and dialog.user is None
        assert message.isVisibleTo(dialog) and message.text() == WRONG
        assert password.text() == ""
        qtbot.keyClicks(password, scenario.password)
        with qtbot.waitSignal(dialog.accepted, timeout=2_000):
            qtbot.keyClick(password, Qt.Key.Key_Return)
        assert dialog.user is not None and dialog.user.name == "admin"
    finally:
        db.conn.close()  # type: ignore[attr-defined]


def test_sign_in_remembers_the_last_user(qtbot, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    dialog, db = _sign_in_dialog(qtbot, db_path, scenario)
    try:
        dialog.user_combo.setCurrentIndex(dialog.user_combo.findData("clerk"))
        qtbot.keyClicks(dialog.password, "clerk-pass")
        dialog.accept()
        assert dialog.user is not None and dialog.user.role == "clerk"
        again = SignInDialog(dialog.office, _users(db), lambda n, p: sign_in(db, n, p))  # type: ignore[arg-type]
        qtbot.addWidget(again)
        assert again.user_combo.currentData() == "clerk"
    finally:
        db.conn.close()  # type: ignore[attr-defined]


def test_open_window_signs_in_through_the_dialog(qtbot, db_path: Path, scenario: Scenario,  # noqa: ANN001
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[Path, Office, str]] = []

    def ask(cls: type, path: Path, office: Office, message: str = "") -> User:
        asked.append((path, office, message))
        return office_and_user(path, "admin", scenario.password)[1]

    monkeypatch.setattr(SignInDialog, "ask", classmethod(ask))
    monkeypatch.setenv("CLOSELOOP_USER", "admin")
    monkeypatch.setenv("CLOSELOOP_PASSWORD", "wrong")  # the dialog opens with the core's sentence
    window = app_module.open_window(db_path, None)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert asked[0][0] == db_path and asked[0][1].name == "示例县委督查室" and asked[0][2] == WRONG
    assert window.ctx.user.name == "admin" and window.ctx.office.code == "HUB"
    window.close()

    monkeypatch.setenv("CLOSELOOP_PASSWORD", scenario.password)  # right: no dialog
    window = app_module.open_window(db_path, None)
    assert isinstance(window, MainWindow) and len(asked) == 1
    qtbot.addWidget(window)
    window.close()


def test_cancelling_the_sign_in_exits_quietly(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, path, office, message="": None))
    monkeypatch.delenv("CLOSELOOP_PASSWORD", raising=False)
    assert app_module.open_window(db_path, None) == 0


def test_a_damaged_database_is_one_sentence_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    shown: list[str] = []
    monkeypatch.setattr(app_module, "show_startup_error", shown.append)
    assert app_module.open_window(bad, None) == 1
    assert len(shown) == 1 and "bad.db" in shown[0]


# ----- first run --------------------------------------------------------------------------


def _first_run(qtbot, path: Path) -> FirstRunDialog:  # noqa: ANN001
    dialog = FirstRunDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_first_run_creates_a_hub_office(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "county" / "closeloop.db"
    dialog = _first_run(qtbot, path)
    assert [b.objectName() for b in dialog.findChildren(QRadioButton)] == ["choice_hub", "choice_demo", "choice_unit"]
    type_with_input_method(by_name(dialog, QLineEdit, _("Office name")), "卫东县委督查室")
    qtbot.keyClicks(by_name(dialog, QLineEdit, _("Office code")), "WDX")
    qtbot.keyClicks(by_name(dialog, QLineEdit, _("Password")), "secret-1")
    qtbot.keyClicks(by_name(dialog, QLineEdit, _("Repeat the password")), "secret-2")
    dialog.ok_button.click()
    message = by_name(dialog, QLabel, _("First-run message"))
    assert message.text() == _("The two passwords differ; type the same password twice.")
    assert not path.exists()
    qtbot.keyClicks(by_name(dialog, QLineEdit, _("Repeat the password")), "secret-1")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.ok_button.click()
    result = dialog.result_value
    assert result is not None and result.path == path and result.user is not None
    assert (result.user.name, result.user.role) == ("admin", "admin")
    office, _user = office_and_user(path, "admin", "secret-1")
    assert (office.name, office.code, office.role) == ("卫东县委督查室", "WDX", "hub")


def test_first_run_shows_the_core_refusal(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "closeloop.db"
    dialog = _first_run(qtbot, path)
    type_with_input_method(by_name(dialog, QLineEdit, _("Office name")), "卫东县委督查室")
    qtbot.keyClicks(by_name(dialog, QLineEdit, _("Office code")), "WDX")
    for name in (_("Password"), _("Repeat the password")):
        qtbot.keyClicks(by_name(dialog, QLineEdit, name), "abc")
    dialog.ok_button.click()
    with qtbot.waitSignal(dialog.task.finished, timeout=10_000):
        pass
    assert by_name(dialog, QLabel, _("First-run message")).text() == \
        _("The password is too short; use at least {n} characters.").format(n=4)
    assert dialog.isVisible() and not path.exists()


def test_first_run_builds_the_demo_then_reuses_it(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    from core.demo.build import is_demo_database

    path = tmp_path / "closeloop.db"
    dialog = _first_run(qtbot, path)
    dialog.choose("demo")
    assert dialog.ok_button.text() == _("&Open")
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.ok_button.click()
    assert dialog.result_value == FirstRunResult(tmp_path / "demo.db", None)
    assert is_demo_database(tmp_path / "demo.db") and not path.exists()
    again = _first_run(qtbot, path)
    again.choose("demo")
    with qtbot.waitSignal(again.accepted, timeout=1_000):  # already there: opened, not built
        again.ok_button.click()
    assert again.task is None and again.result_value == FirstRunResult(tmp_path / "demo.db", None)


def test_cancelling_the_demo_leaves_nothing(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import core.demo.build

    started = threading.Event()

    def slow_build(path: Path, **_kw: object) -> str:
        path.write_bytes(b"half a database")
        started.set()
        # the job's own thread, standing in for a long build; it may start before run_busy returns
        while dialog.task is None or not dialog.task.job.cancelled:
            time.sleep(0.01)
        return "built"

    monkeypatch.setattr(core.demo.build, "build_demo", slow_build)
    dialog = _first_run(qtbot, tmp_path / "closeloop.db")
    dialog.choose("demo")
    dialog.ok_button.click()
    task = dialog.task
    assert task is not None
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=5_000)
    assert task.cursor_was_shown and QApplication.overrideCursor() is not None
    cancel = [b for b in task.dialog.findChildren(QPushButton) if b.text() == _("Cancel")]
    with qtbot.waitSignal(task.finished, timeout=5_000) as blocker:
        cancel[0].click()
    assert blocker.args == ["cancelled"]
    assert QApplication.overrideCursor() is None
    assert not (tmp_path / "demo.db").exists()
    assert by_name(dialog, QLabel, _("First-run message")).text() == _("Stopped; nothing was created.")
    assert dialog.isVisible() and dialog.result_value is None


def test_run_app_offers_the_first_run_and_exits_quietly_when_closed(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[Path] = []
    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(lambda cls, path: asked.append(path)))
    try:
        assert app_module.run_app(tmp_path / "nowhere.db") == 0
    finally:
        crash.uninstall()
    assert asked == [tmp_path / "nowhere.db"] and not (tmp_path / "nowhere.db").exists()


# ----- one instance per database ----------------------------------------------------------


def test_a_second_instance_raises_the_first(qtbot, db_path: Path, tmp_path: Path) -> None:  # noqa: ANN001
    first = SingleInstance(db_path)
    try:
        assert first.claim()
        other = SingleInstance(tmp_path / "another.db")
        assert other.claim()  # another database: its own instance
        other.close()
        second = SingleInstance(db_path)
        with qtbot.waitSignal(first.activated, timeout=5_000):
            assert not second.claim()
        assert second.server is None
    finally:
        first.close()


def test_run_app_on_a_database_in_use_raises_that_window_and_says_so(
        qtbot, db_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        capsys: pytest.CaptureFixture[str]) -> None:
    told: list[str] = []
    monkeypatch.setattr(app_module, "show_startup_notice", told.append)
    window = MainWindow(make_ctx(db_path, "admin", scenario.password), pages=())
    qtbot.addWidget(window)
    first = SingleInstance(db_path)
    try:
        assert first.claim()
        first.activated.connect(window.bring_to_front)
        with qtbot.waitSignal(window.brought_to_front, timeout=5_000):
            assert app_module.run_app(db_path) == 0
        assert window.isVisible()
        expected = f"闭环督办已在此数据库（{db_path}）上打开，已将其窗口调到前面。"
        assert told == [expected]
        assert capsys.readouterr().err == expected + "\n"
    finally:
        first.close()
        crash.uninstall()
        window.close()


def test_a_database_whose_write_lock_is_held_says_why_it_will_not_start(
        db_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Another program (e.g. Closeloop of another OS user, which cannot be knocked on) holds the write lock."""
    shown: list[str] = []
    monkeypatch.setattr(app_module, "show_startup_error", shown.append)
    monkeypatch.setattr(app_module, "WRITE_LOCK_WAIT_S", 0.05)
    monkeypatch.setattr(SignInDialog, "ask", classmethod(lambda cls, path, office, message="": pytest.fail("asked")))
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        assert app_module.open_window(db_path, None) == 1
    finally:
        holder.close()
    assert len(shown) == 1 and shown[0].startswith(f"数据库 {db_path} 被另一个没有响应的程序占用"), shown
    assert capsys.readouterr().err == shown[0] + "\n"
    monkeypatch.setenv("CLOSELOOP_USER", "admin")  # the lock released: the app starts
    monkeypatch.setenv("CLOSELOOP_PASSWORD", scenario.password)
    window = app_module.open_window(db_path, None)
    assert isinstance(window, MainWindow)
    window.shutdown()
    window.close()


def test_a_stale_socket_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "office.db"
    stale = Path(QDir.tempPath()) / server_name(path)
    stale.write_text("left by a crashed process")
    instance = SingleInstance(path)
    try:
        assert instance.claim() and instance.server is not None and instance.server.isListening()
    finally:
        instance.close()
        stale.unlink(missing_ok=True)


# ----- busy jobs and the periodic backup --------------------------------------------------


def test_a_quick_job_shows_no_cursor_and_no_dialog(qtbot) -> None:  # noqa: ANN001
    results: list[object] = []
    task = run_busy(None, "quick", lambda job: 6 * 7, results.append, results.append)
    with qtbot.waitSignal(task.finished, timeout=5_000) as blocker:
        pass
    assert blocker.args == ["done"] and results == [42]
    assert not task.cursor_was_shown and not task.dialog_was_shown


def test_a_slow_job_reports_progress_and_errors(qtbot) -> None:  # noqa: ANN001
    gate = threading.Event()
    errors: list[Exception] = []

    def job(j: Job) -> None:
        j.report(0.25, "a quarter")
        gate.wait(10)
        raise Refusal("refused by a rule")

    task = run_busy(None, "slow", job, lambda r: None, errors.append, lambda: errors.append(Cancelled()),
                    cancellable=False)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.labelText() == "a quarter", timeout=5_000)
    assert task.dialog.value() == 250 and not task.dialog.findChildren(QPushButton)  # no Cancel
    with qtbot.waitSignal(task.finished, timeout=5_000) as blocker:
        gate.set()
    assert blocker.args == ["error"] and [str(e) for e in errors] == ["refused by a rule"]
    assert QApplication.overrideCursor() is None and task.dialog is None


def test_backup_timer_backs_up_when_due(qtbot, db_path: Path, scenario: Scenario) -> None:  # noqa: ANN001
    ctx = make_ctx(db_path, "admin", scenario.password)
    try:
        timer = BackupTimer(ctx)
        with qtbot.waitSignal(timer.checked, timeout=10_000) as blocker:
            timer.check_now()  # never backed up: due
        assert blocker.args == [True]
        files = list((db_path.parent / "backups").glob("office-*.clbak"))
        assert len(files) == 1
        with qtbot.waitSignal(timer.checked, timeout=10_000) as blocker:
            timer.check_now()  # backed up a moment ago, every 24 h: not due
        assert blocker.args == [False]
        assert len(list((db_path.parent / "backups").glob("office-*.clbak"))) == 1
        assert QDialog not in {type(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    finally:
        ctx.close()
    assert T  # the day the database was built for
