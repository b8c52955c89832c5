"""The desktop app's entry point: `run_app(db_path)` → process exit code.

Contract: `run_app` is called by main.py on the main thread with no arguments
left for Qt. It creates the QApplication (names used by QSettings and
QStandardPaths), makes sure a Chinese font is available, installs Qt's own
translations and the crash handler, checks and migrates the database, then
shows the main window and runs the event loop. It never sets QT_QPA_PLATFORM:
the platform is the user's (tests and `ui.shots` choose offscreen themselves).

A database that is missing or unreadable is reported in one sentence in a
message box (through `show_startup_error`, replaceable in tests) and gives exit
code 1, like the CLI's refusals.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from core.db.connection import open_database
from core.errors import ClerkError
from core.i18n import DEFAULT_LANGUAGE, _
from core.office import self_office
from ui import crash
from ui.fonts import FontChoice, ensure_cjk_font

APP_NAME = "Closeloop"
ORG_NAME = "Closeloop"
ORG_DOMAIN = "closeloop.cn"


def requested_language() -> str:
    """The language the user asked for (CLOSELOOP_LANG, else zh_CN), e.g. 'zh_CN'."""
    return os.environ.get("CLOSELOOP_LANG") or DEFAULT_LANGUAGE


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

    Returns the installed translator (keep a reference: Qt does not own it), or
    None for English or when the wheel ships no catalog for `lang`.
    """
    lang = lang or requested_language()
    if lang.startswith("en"):
        return None
    QLocale.setDefault(QLocale(lang))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{lang}", folder):
        return None
    app.installTranslator(translator)
    return translator


def prepare_app(argv: list[str] | None = None, *, force_bundled_font: bool = False
                ) -> tuple[QApplication, FontChoice]:
    """Application, font and Qt translations; shared by `run_app` and `ui.shots`."""
    app = create_application(argv)
    font = ensure_cjk_font(app, force_bundled=force_bundled_font)
    install_qt_translations(app)
    return app, font


def check_database(db_path: Path) -> str:
    """Migrate the database at `db_path` and return its office's name.

    Raises ClerkError (a sentence for the user) if it is missing or not ours.
    """
    from core.errors import Refusal

    if not db_path.exists():
        raise Refusal(_("There is no database at {path}; create one with 'init' or 'demo', "
                        "or give the right --db.").format(path=db_path))
    db = open_database(db_path)
    try:
        return self_office(db).name
    finally:
        db.conn.close()


def show_startup_error(message: str) -> None:
    """Tell the user why the app cannot start (blocking; tests replace this)."""
    QMessageBox.critical(None, _("Closeloop"), message)


def run_app(db_path: Path) -> int:
    """Open the main window on `db_path` and run the event loop; returns the exit code."""
    from ui.main_window import MainWindow

    db_path = Path(db_path)
    app, font = prepare_app()
    crash.install()
    try:
        office_name = check_database(db_path)
    except ClerkError as err:
        show_startup_error(str(err))
        return 1
    window = MainWindow(db_path, office_name=office_name, font=font)
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    return app.exec()
