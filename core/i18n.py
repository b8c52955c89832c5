"""gettext for the core and the CLI (the GUI installs the same catalog).

Strings are written in English in the code and translated through the catalog in
i18n/<lang>/LC_MESSAGES/: the compiled messages.mo when it is at least as new as
messages.po, else the .po itself, compiled in memory with babel — so a fresh
checkout (where `dev.py` has not compiled anything yet) speaks Chinese, and an
office document never goes out in English because a build step was skipped. The
language is `CLOSELOOP_LANG` if set, else Chinese (zh_CN), the language of the
offices this app serves. argparse's own messages go through the same catalog. Use `_()` for strings built at run time, `N_()` to mark
strings defined at import time and translate them with `_()` where shown.

English is the source language: i18n/en/LC_MESSAGES/messages.po holds every msgid with
itself as its msgstr (`dev.py i18n` fills new ones; tests/core/test_i18n_catalogs.py
holds it to that), so it is loaded from its compiled .mo when there is one, and
otherwise replaced by NullTranslations, which answers the same — without the 0.4 s
an in-memory compile of the .po would add to every English command of a fresh checkout.
"""
from __future__ import annotations

import argparse
import gettext
import io
import os
from pathlib import Path

from core import paths

LOCALE_DIR = paths.LOCALE_DIR  # i18n/ of the checkout, or of the frozen bundle
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
        _translations, _language = english_catalog(), "en"
        return _language
    _translations = load_catalog(lang)
    _language = lang if isinstance(_translations, gettext.GNUTranslations) else "en"
    return _language


def catalog_files(lang: str) -> tuple[Path, Path] | None:
    """The (.po, .mo) paths of `lang` or of its base language (zh_CN.UTF-8 → zh_CN → zh); None if neither."""
    base = lang.split(".")[0]
    for code in dict.fromkeys([base, base.split("_")[0]]):
        folder = LOCALE_DIR / code / "LC_MESSAGES"
        po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
        if po.exists() or mo.exists():
            return po, mo
    return None


def english_catalog() -> gettext.NullTranslations:
    """The English catalog from its .mo; NullTranslations (the same answers) when it is not compiled."""
    files = catalog_files("en")
    if files is not None and files[1].exists():
        with files[1].open("rb") as f:
            return gettext.GNUTranslations(f)
    return gettext.NullTranslations()


def load_catalog(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang`: the .mo when it is not older than the .po, else the .po compiled in memory."""
    files = catalog_files(lang)
    if files is None:
        return gettext.NullTranslations()
    po, mo = files
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=True)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """Translate `message` into the active language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by `n`."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now."""
    return message


def _argparse_gettext(message: str) -> str:
    return _translations.gettext(message)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


# argparse looks its `_` and `ngettext` up in its module at each call: route them through our catalog
argparse._ = _argparse_gettext  # type: ignore[attr-defined]
argparse.ngettext = _argparse_ngettext  # type: ignore[attr-defined]


def babel_locale() -> str:
    """The locale name babel formats dates and numbers with."""
    return "zh_CN" if _language.startswith("zh") else "en"


set_language()
