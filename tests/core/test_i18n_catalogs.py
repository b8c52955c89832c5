"""Both catalogs, zh_CN and en, are complete, current and placeholder-safe (issue 17; habit 8).

The code's msgids are extracted afresh with babel's API (core/, ui/, main.py, with the
keywords of `dev.py i18n`, about two seconds, once per session) and compared with
i18n/messages.pot and with the live entries of each catalog: a string added, changed
or removed without running `python3 dev.py i18n` fails here, named with its file and
line. Every msgid must be translated in both catalogs, no entry may be fuzzy, and a
translation keeps exactly the placeholders of its msgid ({name}, %s, %(name)s, %d).
English is the source language, so an English msgstr is its msgid (core.i18n relies
on it to answer with NullTranslations when the .mo is not compiled).
"""
from __future__ import annotations

import functools
import re
import shutil
import string
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "i18n"
POT = I18N / "messages.pot"
LANGUAGES = ("zh_CN", "en")
PLURALS = {"zh_CN": 1, "en": 2}
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP = [("**.py", "python")]
# printf-style conversions as argparse and the code write them: %s, %r, %d, %(name)s, %%
PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
REFRESH = "run python3 dev.py i18n"


def _msgid(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


@functools.cache
def extracted() -> dict[str, str]:
    """Every msgid in the code (the singular of a plural) → its first 'file:line'."""
    found: dict[str, str] = {}

    def add(messages, folder: Path) -> None:
        for filename, lineno, message, _comments, _context in messages:
            if msgid := _msgid(message):
                found.setdefault(msgid, f"{(folder / filename).relative_to(ROOT).as_posix()}:{lineno}")

    for folder in ("core", "ui"):
        add(extract_from_dir(ROOT / folder, METHOD_MAP, keywords=KEYWORDS), ROOT / folder)
    add([("main.py", *m) for m in extract_from_file("python", ROOT / "main.py", keywords=KEYWORDS)], ROOT)
    return found


@functools.cache
def catalog(lang: str) -> Catalog:
    path = POT if lang == "pot" else I18N / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        return read_po(f, locale=None if lang == "pot" else lang)


def msgids(cat: Catalog) -> set[str]:
    return {_msgid(m.id) for m in cat if m.id}


def translations(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string or ""]


def brace_fields(text: str) -> set[str]:
    """The {name} fields of a str.format template ('{{' and '}}' are literal braces)."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def placeholder_errors(ids: list[str], text: str, singular_form: bool = False) -> list[str]:
    """What `text` changed of the placeholders of `ids` (a msgid and its plural); `singular_form`: `text`
    is the form for n = 1 of a language with several forms, which may leave a field out ("one task")."""
    errors = []
    try:
        want: set[str] | None = set().union(*(brace_fields(i) for i in ids))
    except ValueError:  # the msgid is not a format template: its braces are plain text
        want = None
    if want is not None:
        try:
            got = brace_fields(text)
        except ValueError as err:
            return [f"broken braces ({err})"]
        if got != want and not (singular_form and got < want):
            errors.append(f"fields {sorted(got)} ≠ {sorted(want)}")
    want_pct, got_pct = sorted(PERCENT.findall(ids[0])), sorted(PERCENT.findall(text))
    if got_pct != want_pct:
        errors.append(f"%-placeholders {got_pct} ≠ {want_pct}")
    return errors


def against_the_code(have: set[str]) -> tuple[list[str], list[str]]:
    """(msgids of the code not in `have`, each with where it is; msgids of `have` no longer in the code)."""
    code = extracted()
    missing = [f"{where}: {msgid!r}" for msgid, where in sorted(code.items(), key=lambda kv: kv[1])
               if msgid not in have]
    return missing, sorted(repr(m) for m in have - code.keys())


def test_the_template_is_the_code() -> None:
    missing, stale = against_the_code(msgids(catalog("pot")))
    assert not missing and not stale, (
        f"i18n/messages.pot is out of date with the code ({REFRESH}):\n"
        + "".join(f"  not in the template: {m}\n" for m in missing)
        + "".join(f"  no longer in the code: {m}\n" for m in stale))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalog_holds_exactly_the_strings_of_the_code(lang: str) -> None:
    missing, stale = against_the_code(msgids(catalog(lang)))
    assert not missing and not stale, (
        f"{lang}/messages.po is out of date with the code ({REFRESH}, then translate):\n"
        + "".join(f"  missing: {m}\n" for m in missing)
        + "".join(f"  no longer in the code (left as obsolete by {REFRESH}): {m}\n" for m in stale))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(lang: str) -> None:
    where = extracted()
    bad = []
    for m in catalog(lang):
        if not m.id:
            continue
        place = where.get(_msgid(m.id), "?")
        if m.fuzzy:
            bad.append(f"{place}: {_msgid(m.id)!r} (fuzzy)")
        elif not all(t.strip() for t in translations(m)) or len(translations(m)) != (
                PLURALS[lang] if m.pluralizable else 1):
            bad.append(f"{place}: {_msgid(m.id)!r} (untranslated)")
    assert not bad, f"{len(bad)} entries of {lang}/messages.po lack a translation:\n" + "\n".join(bad)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_header_has_the_plural_forms(lang: str) -> None:
    assert catalog(lang).num_plurals == PLURALS[lang]
    assert not catalog(lang).fuzzy, f"the header of {lang}/messages.po is marked fuzzy"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang: str) -> None:
    wrong = []
    for m in catalog(lang):
        if not m.id:
            continue
        ids = list(m.id) if isinstance(m.id, tuple) else [m.id]
        for form, text in enumerate(translations(m)):
            singular = len(ids) > 1 and PLURALS[lang] > 1 and form == 0
            if text:
                wrong += [f"{ids[0]!r} → {text!r}: {e}" for e in placeholder_errors(ids, text, singular)]
    assert not wrong, f"translations in {lang}/messages.po that change their placeholders:\n" + "\n".join(wrong)


def test_english_is_the_source_language() -> None:
    """Each English msgstr is its msgid (plurals: the singular, then the plural): change English in the code."""
    wrong = [repr(_msgid(m.id)) for m in catalog("en") if m.id and translations(m) != (
        list(m.id) if isinstance(m.id, tuple) else [m.id])]
    assert not wrong, "English entries that differ from their msgid (the code is the English text):\n" + "\n".join(wrong)


def test_the_placeholder_check_catches_what_it_should() -> None:
    assert placeholder_errors(["{n} tasks"], "{count}项") == ["fields ['count'] ≠ ['n']"]
    assert placeholder_errors(["%(prog)s: error: %(message)s"], "%(prog)s：错误：%s")
    assert placeholder_errors(["expected %d argument"], "需要参数")
    assert placeholder_errors(["one task", "{n} tasks"], "{n}项") == []
    assert placeholder_errors(["{n} task of {unit}", "{n} tasks of {unit}"], "{n}项") == ["fields ['n'] ≠ ['n', 'unit']"]
    assert placeholder_errors(["{n} task of {unit}", "{n} tasks of {unit}"], "a task of {unit}", True) == []
    assert placeholder_errors(["Report {days} days late"], "报告逾期{days}天") == []
    assert placeholder_errors(["a { b"], "一 { 二") == []


def test_compiled_catalogs_are_not_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "*.mo" in ignored
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(["git", "ls-files", "i18n"], cwd=ROOT, capture_output=True, text=True).stdout
        assert tracked and not [f for f in tracked.split() if f.endswith(".mo")], tracked
