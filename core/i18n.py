"""gettext for the core and the CLI (the GUI installs the same catalog).

Strings are written in English in the code and translated through the catalog in
i18n/<lang>/LC_MESSAGES/messages.mo (compiled from the .po by `dev.py`). The
language is `CLOSELOOP_LANG` if set, else Chinese (zh_CN), the language of the
offices this app serves. Use `_()` for strings built at run time, `N_()` to mark
strings defined at import time and translate them with `_()` where shown.
"""
from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "i18n"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "zh_CN"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language() -> str:
    """The active language code, e.g. 'zh_CN' or 'en'."""
    return _language


def set_language(lang: str | None = None) -> str:
    """Activate `lang` (default: CLOSELOOP_LANG, else zh_CN); returns the code in force."""
    global _translations, _language
    lang = lang or os.environ.get("CLOSELOOP_LANG") or DEFAULT_LANGUAGE
    # argparse and other stdlib modules translate through the global domain: point it at ours.
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang
    if lang.startswith("en"):
        _translations, _language = gettext.NullTranslations(), "en"
        return _language
    _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
    _language = lang if isinstance(_translations, gettext.GNUTranslations) else "en"
    return _language


def _(message: str) -> str:
    """Translate `message` into the active language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by `n`."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now."""
    return message


def babel_locale() -> str:
    """The locale name babel formats dates and numbers with."""
    return "zh_CN" if _language.startswith("zh") else "en"


set_language()
