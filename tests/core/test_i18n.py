"""The zh_CN catalog: complete, placeholder-safe, and really used by the CLI (docs/architecture.md §9, habit 8).

The template is extracted afresh from the code (core/, ui/, main.py, with the keywords
of `dev.py i18n`), so a string added without running `python3 dev.py i18n` and
translating it fails here, named. The CLI checks compile the .mo from the .po when
it is missing or older, so they hold however the tests are started.
"""
from __future__ import annotations

import gettext
import os
import re
import string
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LANG = "zh_CN"
PO = ROOT / "i18n" / LANG / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP = [("**.py", "python")]
HAN = re.compile(r"[\u4e00-\u9fff]")
# printf-style conversions as argparse writes them: %s, %r, %(name)s, %%
PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _msgid(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def extracted_msgids() -> dict[str, str]:
    """Every msgid in the code (singular form for plurals) → its first 'file:line'."""
    found: dict[str, str] = {}

    def add(messages, folder: Path) -> None:
        for filename, lineno, message, _comments, _context in messages:
            msgid = _msgid(message)
            if msgid:
                found.setdefault(msgid, f"{(folder / filename).relative_to(ROOT).as_posix()}:{lineno}")

    for folder in ("core", "ui"):
        add(extract_from_dir(ROOT / folder, METHOD_MAP, keywords=KEYWORDS), ROOT / folder)
    main_py = extract_from_file("python", ROOT / "main.py", keywords=KEYWORDS)
    add([("main.py", *m) for m in main_py], ROOT)
    return found


def load_catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale=LANG)


def translations(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string or ""]


def brace_fields(text: str) -> set[str]:
    """The {name} fields of a str.format template ('{{' and '}}' are literal braces)."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def ensure_mo() -> None:
    """Compile the .mo from the .po (as dev.py does) when it is missing or older."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    tmp = MO.with_name(f"{MO.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        write_mo(f, load_catalog(), use_fuzzy=True)
    os.replace(tmp, MO)
    getattr(gettext, "_translations", {}).clear()  # gettext caches catalogs by path: drop a stale one


def test_header_has_the_chinese_plural_forms() -> None:
    text = PO.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    assert load_catalog().num_plurals == 1


def test_every_string_in_the_code_is_translated() -> None:
    catalog = load_catalog()
    untranslated = []
    for msgid, where in sorted(extracted_msgids().items(), key=lambda kv: kv[1]):
        message = catalog.get(msgid)
        if message is None:
            untranslated.append(f"{where}: {msgid!r} (not in messages.po: run python3 dev.py i18n)")
        elif message.fuzzy:
            untranslated.append(f"{where}: {msgid!r} (fuzzy)")
        elif not all(t.strip() for t in translations(message)):
            untranslated.append(f"{where}: {msgid!r} (empty)")
    assert not untranslated, f"{len(untranslated)} strings lack a zh_CN translation:\n" + "\n".join(untranslated)


def test_no_entry_in_the_catalog_is_fuzzy_or_empty() -> None:
    bad = [_msgid(m.id) for m in load_catalog() if m.id and (m.fuzzy or not all(t.strip() for t in translations(m)))]
    assert not bad, "fuzzy or empty entries in messages.po:\n" + "\n".join(map(repr, bad))


def test_translations_keep_the_placeholders() -> None:
    wrong = []
    for m in load_catalog():
        if not m.id:
            continue
        ids = list(m.id) if isinstance(m.id, tuple) else [m.id]
        for text in translations(m):
            if not text:
                continue
            try:
                want_braces = set().union(*(brace_fields(i) for i in ids))
            except ValueError:  # the msgid is not a format template: its braces are plain text
                want_braces = None
            try:
                got_braces = brace_fields(text) if want_braces is not None else None
            except ValueError as err:
                wrong.append(f"{ids[0]!r} → {text!r}: broken braces ({err})")
                continue
            if want_braces is not None and got_braces != want_braces:
                wrong.append(f"{ids[0]!r} → {text!r}: fields {sorted(got_braces or ())} ≠ {sorted(want_braces)}")
            want_pct = sorted(PERCENT.findall(ids[0]))
            got_pct = sorted(PERCENT.findall(text))
            if got_pct != want_pct:
                wrong.append(f"{ids[0]!r} → {text!r}: %-placeholders {got_pct} ≠ {want_pct}")
    assert not wrong, "translations that change their placeholders:\n" + "\n".join(wrong)


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch):
    """The CLI in zh_CN for one test; afterwards the language the other tests had."""
    from core import i18n

    ensure_mo()
    before = i18n.language()
    monkeypatch.setenv("LANGUAGE", os.environ.get("LANGUAGE", ""))  # set_language writes it: restore it after
    monkeypatch.setenv("CLOSELOOP_LANG", LANG)
    assert i18n.set_language(LANG) == LANG, f"{MO} did not load"
    try:
        yield i18n
    finally:
        i18n.set_language(before)
        assert i18n.language() == before


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | None, str]:
    from main import main

    capsys.readouterr()
    code = main(argv)
    return code, capsys.readouterr().err


def test_a_refusal_is_in_chinese(chinese, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CLOSELOOP_PASSWORD", "demo")
    missing = tmp_path / "nowhere" / "closeloop.db"
    code, err = _run(["--db", str(missing), "task", "list"], capsys)
    assert code == 1
    _ = chinese._
    sentence = "There is no database at {path}; create one with 'init' or 'demo', or give the right --db."
    assert _(sentence) != sentence
    assert err == _("Error: {message}").format(message=_(sentence).format(path=missing)) + "\n"
    assert HAN.search(err) and "There is no database" not in err, err
    assert not missing.exists()


def test_a_refusal_from_the_rules_is_in_chinese(cli, chinese) -> None:
    r = cli("claim", "2026-99/TGZ", "--on", "2026-03-08")
    assert r.code == 1
    prefix = chinese._("Error: {message}").format(message="")
    assert prefix != "Error: " and r.err.startswith(prefix), r.err
    assert HAN.search(r.err.removeprefix(prefix)) and "There is no task" not in r.err, r.err


def test_an_argparse_usage_error_is_in_chinese(chinese, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("CLOSELOOP_PASSWORD", "demo")
    code, err = _run(["--db", str(tmp_path / "x.db"), "task", "add", "--title", "修缮村道"], capsys)
    assert code == 2
    _ = chinese._
    required = "the following arguments are required: %s"
    assert _(required) != required
    assert _(required).split("%s")[0] in err, err
    assert "--category" in err and "--date" in err and "--lead" in err
    assert "required" not in err and "see '" not in err, err

