"""The zh_CN catalog really used by the CLI: refusals and argparse's messages in Chinese (habit 8).

The catalogs' completeness, freshness against the code and placeholders are held by
test_i18n_catalogs.py. The checks here compile the .mo from the .po when it is
missing or older, so they hold however the tests are started.
"""
from __future__ import annotations

import gettext
import os
import re
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LANG = "zh_CN"
PO = ROOT / "i18n" / LANG / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
HAN = re.compile(r"[\u4e00-\u9fff]")


def load_catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale=LANG)


def ensure_mo() -> None:
    """Compile the .mo from the .po (as dev.py does) when it is missing or older."""
    if MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime:
        return
    tmp = MO.with_name(f"{MO.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        write_mo(f, load_catalog(), use_fuzzy=True)
    os.replace(tmp, MO)
    getattr(gettext, "_translations", {}).clear()  # gettext caches catalogs by path: drop a stale one


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

