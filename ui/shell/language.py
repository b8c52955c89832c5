"""Switching the app's language while it runs (Settings → language), without a restart.

Contract:
- `apply_language(code)` (GUI thread) makes `code` ('zh_CN' or 'en') the language of
  everything translated from then on, in this order:
  1. `core.i18n.set_language(code)`: the gettext catalog of `_()`, hence core's
     sentences, the status texts and every document printed afterwards (documents are
     rendered on the worker thread through the same catalog); the CLI, a process of its
     own, keeps following CLOSELOOP_LANG;
  2. Qt's own translator: the previous `qtbase_<lang>.qm` is removed and the new one
     installed (none for English), and `QLocale`'s default follows (Qt's calendars,
     spin boxes and dialogs);
  3. the application's display name (the suffix Qt appends to every window title:
     "闭环督办" / "Closeloop");
  4. a `QEvent.LanguageChange` posted to the application, which Qt forwards to every
     top-level widget and, from there, to each of its children.
  It returns the code in force and does not store the choice: the settings page does
  (`ui.shell.settings_store.LANGUAGE`), so the next start opens in the same language.
- Widgets retranslate in `changeEvent(QEvent.LanguageChange)`. The main window does it
  for the shell and rebuilds its pages (`ui.shell.main_window.MainWindow.retranslate`);
  Qt may deliver the event more than once for one switch (an installed translator
  sends its own), so a widget compares `core.i18n.language()` with the language it
  was built in and does nothing when they are equal.
- Dialogs and windows open during the switch (a task view, a preview) keep the
  language they were opened in until they are closed.
Threading: GUI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from core.i18n import _, set_language

ENGLISH_LOCALE = "en_US"
_installed: list[QTranslator] = []  # the qtbase translator in force (Qt does not own it: keep it alive)


def install_qt_translator(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Replace Qt's own translator by `qtbase_<lang>.qm` (none for English) and set QLocale's default.

    Returns the installed translator, or None for English or when the wheel ships no
    catalog for `lang` (Qt's texts then stay English).
    """
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if lang.startswith("en"):
        QLocale.setDefault(QLocale(ENGLISH_LOCALE))
        return None
    QLocale.setDefault(QLocale(lang))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{lang}", folder):
        return None
    app.installTranslator(translator)
    _installed.append(translator)
    return translator


def remove_qt_translator(app: QCoreApplication) -> None:
    """Remove the translator `install_qt_translator` installed, if any (tests restore Qt's English)."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()


def apply_language(code: str) -> str:
    """Switch the running app to `code` (see the module contract); returns the code in force."""
    lang = set_language(code)
    app = QApplication.instance()
    if app is None:
        return lang
    install_qt_translator(app, lang)
    if isinstance(app, QApplication):
        app.setApplicationDisplayName(_("Closeloop"))
    QCoreApplication.postEvent(app, QEvent(QEvent.Type.LanguageChange))
    return lang
