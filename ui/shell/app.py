"""The desktop app's entry point: `run_app(db_path)` → process exit code.

Contract: `run_app` is called by main.py on the main thread with no arguments
left for Qt. In order:
1. the QApplication (names used by QSettings and QStandardPaths), a Chinese
   font, Qt's own translations and the crash handler (ui.shell.crash); the language
   can later be switched while the app runs (ui.shell.language.apply_language);
2. one instance per database (ui.shell.single_instance): if Closeloop already runs on
   this database, it is asked to raise its window and this launch says so (a line
   on stderr and `show_startup_notice`, replaceable in tests) and exits 0;
3. with no database at the path (or an empty file), the first-run dialog
   (ui.first_run: create a hub office, or open the demo county in the same
   folder); closing it exits 0;
4. the database is migrated and its office read; a database that cannot be
   opened is reported in one sentence (`show_startup_error`, replaceable in
   tests) and gives exit code 1, like the CLI's refusals; so is a database whose
   write lock another program has held for WRITE_LOCK_WAIT_S seconds (a
   Closeloop of another OS user, which cannot be asked to come forward, or a
   command that hangs): the app could save nothing;
5. sign-in: CLOSELOOP_USER + CLOSELOOP_PASSWORD when both are set (automation),
   else the sign-in dialog (ui.sign_in); cancelling exits 0;
   then, before anything is written, the installation check
   (core.sync.identity.check_device): a database copied to another computer or
   folder takes a new device id, said on stderr and in the status bar;
6. `AppContext(db_path, office, user)`, the main window, the periodic backup;
   then the event loop. 1.5 s later the printing fonts are read on a thread of their
   own (`core.reports.font_warmup`), so the session's first document does not wait for them.
It never sets QT_QPA_PLATFORM: the platform is the user's (tests and `ui.shots`
choose offscreen themselves). Dialogs are reached through classmethods
(`FirstRunDialog.ask`, `SignInDialog.ask`) that tests replace.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from core.auth import User
from core.db.connection import BUSY_TIMEOUT_MS, open_database
from core.db.locks import write_lock_free
from core.errors import ClerkError, Refusal
from core.i18n import DEFAULT_LANGUAGE, _, set_language
from core.office import Office, self_office
from core.paths import RESOURCES_DIR
from ui.fonts import FontChoice, ensure_cjk_font
from ui.shell import crash

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

APP_NAME = "Closeloop"
ORG_NAME = "Closeloop"
ORG_DOMAIN = "closeloop.cn"
WRITE_LOCK_WAIT_S = BUSY_TIMEOUT_MS / 1000  # as long as any write of the app would wait


def requested_language() -> str:
    """CLOSELOOP_LANG, else the language chosen in Settings on this computer, else zh_CN.

    Needs the QApplication's names set (QSettings is per organisation and app).
    """
    from ui.shell.settings_store import stored_language

    return os.environ.get("CLOSELOOP_LANG") or stored_language() or DEFAULT_LANGUAGE


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication (reused if one exists), with names set. Main thread only."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    app.setApplicationDisplayName(_("Closeloop"))
    return app


def install_qt_translations(app: QApplication, lang: str | None = None) -> QTranslator | None:
    """Load qtbase_<lang>.qm so Qt's own buttons and dialogs speak the user's language.

    Returns the installed translator (kept by ui.shell.language, which replaces it when the
    language is switched in Settings), or None for English or when the wheel ships no
    catalog for `lang`.
    """
    from ui.shell.language import install_qt_translator

    return install_qt_translator(app, lang or requested_language())


def prepare_app(argv: list[str] | None = None, *, force_bundled_font: bool = False
                ) -> tuple[QApplication, FontChoice]:
    """Application, font and Qt translations; shared by `run_app` and `ui.shots`."""
    app = create_application(argv)
    app.setDesktopFileName("closeloop")  # resources/closeloop.desktop
    icon = RESOURCES_DIR / "icons" / "closeloop.svg"
    app.setWindowIcon(QIcon(str(icon)))
    font = ensure_cjk_font(app, force_bundled=force_bundled_font)
    set_language(requested_language())
    app.setApplicationDisplayName(_("Closeloop"))  # in the language chosen in Settings, read just now
    install_qt_translations(app)
    return app, font


def show_startup_error(message: str) -> None:
    """Tell the user why the app cannot start (blocking; tests replace this)."""
    QMessageBox.critical(None, _("Closeloop"), message)


def show_startup_notice(message: str) -> None:
    """Tell the user why this launch opens no window of its own (blocking; tests replace this)."""
    QMessageBox.information(None, _("Closeloop"), message)


def say_on_stderr(message: str) -> None:
    """One line on stderr for whoever started the app from a terminal; a closed stderr is ignored."""
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):  # no stderr (a windowed build) or a closed one
        pass


def already_running(db_path: Path) -> int:
    """The running instance was asked to come forward: say so, exit code 0."""
    message = _("Closeloop is already open on this database ({path}); its window has been brought forward."
                ).format(path=db_path)
    say_on_stderr(message)
    show_startup_notice(message)
    return 0


def needs_first_run(db_path: Path) -> bool:
    """No database yet: the file is absent or empty."""
    return not db_path.exists() or (db_path.is_file() and db_path.stat().st_size == 0)


def open_office(db_path: Path) -> Office:
    """Migrate the database at `db_path` and read its office (ClerkError if it cannot be opened)."""
    if not db_path.exists():
        raise Refusal(_("There is no database at {path}; create one with 'init' or 'demo', "
                        "or give the right --db.").format(path=db_path))
    db = open_database(db_path)
    try:
        return self_office(db)
    finally:
        db.conn.close()


def build_main_window(db_path: Path, office: Office, user: User, font: FontChoice | None) -> MainWindow:
    """The context and the main window for a signed-in user (not shown yet). GUI thread."""
    from ui.shell.context import AppContext
    from ui.shell.main_window import MainWindow

    ctx = AppContext(db_path, office, user)
    window = MainWindow(ctx, font=font)
    ctx.setParent(window)
    return window


FONT_WARMUP_AFTER_MS = 1500  # after the first page is drawn: start-up keeps the processor


def start_font_warmup(db_path: Path) -> None:
    """Register the printing fonts in the background shortly after start (core.reports.font_warmup). GUI thread."""
    from PySide6.QtCore import QTimer

    from core.reports.font_warmup import warm_fonts

    QTimer.singleShot(FONT_WARMUP_AFTER_MS, lambda: warm_fonts(db_path))


def sign_in_user(db_path: Path, office: Office) -> User | None:
    """The user signing in: from the environment when set (and right), else the dialog's; None if cancelled."""
    from ui.sign_in import SignInDialog, sign_in_from_environment

    user, message = sign_in_from_environment(db_path)
    return user or SignInDialog.ask(db_path, office, message)


def open_window(db_path: Path, font: FontChoice | None) -> MainWindow | int:
    """Steps 3–6 of the module contract before the event loop: the window, or an exit code."""
    user: User | None = None
    if needs_first_run(db_path):
        from ui.first_run import FirstRunDialog

        chosen = FirstRunDialog.ask(db_path)
        if chosen is None:
            return 0
        db_path, user = chosen.path, chosen.user
    try:
        office = open_office(db_path)
    except ClerkError as err:
        say_on_stderr(str(err))
        show_startup_error(str(err))
        return 1
    if not write_lock_free(db_path, WRITE_LOCK_WAIT_S):
        message = _("The database {path} is held by another program that does not answer (Closeloop "
                    "started by another user, or a command still running); close it there, then start "
                    "Closeloop again.").format(path=db_path)
        say_on_stderr(message)
        show_startup_error(message)
        return 1
    user = user or sign_in_user(db_path, office)
    if user is None:
        return 0
    try:
        notice = check_installation(db_path, office, user)
    except ClerkError as err:
        say_on_stderr(str(err))
        show_startup_error(str(err))
        return 1
    window = build_main_window(db_path, office, user, font)
    start_font_warmup(db_path)
    if notice:
        say_on_stderr(notice)
        window.show_device_notice(notice)
    return window


def check_installation(db_path: Path, office: Office, user: User) -> str | None:
    """Before the app writes: a copied database takes a new device id; the sentence saying so, or None."""
    from core import clock
    from core.office import Session
    from core.sync.identity import check_device

    db = open_database(db_path)
    try:
        return check_device(db, db_path, audit=Session(db, db_path, office, user, clock.today()).audit)
    finally:
        db.conn.close()


def run_app(db_path: Path, *, smoke: bool = False) -> int:
    """Run the desktop app on `db_path` (see the module contract); returns the exit code.

    `smoke` (main.py --smoke, the installed app's self-check): never the first-run dialog
    (no database is exit code 1), and the app quits after the window's first paint
    (ui.shell.smoke).
    """
    from ui.shell.single_instance import SingleInstance

    db_path = Path(db_path)
    app, font = prepare_app()
    if smoke and needs_first_run(db_path):
        say_on_stderr(_("There is no database at {path}; create one with 'init' or 'demo', "
                        "or give the right --db.").format(path=db_path))
        return 1
    crash.install()
    instances = [SingleInstance(db_path)]
    try:
        if not instances[0].claim():
            return already_running(db_path)
        window = open_window(db_path, font)
        if isinstance(window, int):
            return window
        if window.ctx.db_path.resolve() != db_path.resolve():  # the demo, opened from the first run
            instances.append(SingleInstance(window.ctx.db_path))
            if not instances[-1].claim():
                window.shutdown()
                return already_running(window.ctx.db_path)
        for instance in instances:
            instance.activated.connect(window.bring_to_front)
        app.aboutToQuit.connect(window.shutdown)
        window.show()
        window.backups.start()
        if smoke:
            from ui.shell.smoke import quit_after_first_paint

            quit_after_first_paint(app, window)
        return app.exec()
    finally:
        for instance in instances:
            instance.close()
