"""A fresh checkout, whose catalogs were never compiled, still speaks Chinese (issue 10).

The copy holds main.py, core/, i18n/ (without any .mo) and resources/, as a clone
before `dev.py` ran; the CLI runs in it as a clerk would, in subprocesses.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("fresh") / "closeloop"
    copy.mkdir()
    shutil.copy2(ROOT / "main.py", copy / "main.py")
    ignore = shutil.ignore_patterns("*.mo", "__pycache__")
    for folder in ("core", "i18n", "resources"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=ignore)
    assert not list(copy.rglob("*.mo"))
    return copy


def _cli(checkout: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    environ.update(env)
    return subprocess.run([sys.executable, str(checkout / "main.py"), *args], cwd=checkout, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_a_refusal_and_a_usage_error_are_in_chinese_without_compiled_catalogs(checkout: Path, tmp_path) -> None:
    missing = _cli(checkout, "--db", str(tmp_path / "none.db"), "task", "list", CLOSELOOP_PASSWORD="x")
    assert missing.returncode == 1
    assert HAN.search(missing.stderr) and "There is no database" not in missing.stderr, missing.stderr
    usage = _cli(checkout, "task", "add", "--bogus")
    assert usage.returncode == 2
    assert "必填参数" in usage.stderr and "required" not in usage.stderr, usage.stderr


def test_a_printed_document_is_in_chinese_without_compiled_catalogs(checkout: Path, tmp_path) -> None:
    import pdfplumber

    db = str(tmp_path / "office.db")
    made = _cli(checkout, "--db", db, "init", "--role", "hub", "--office", "示例县督查室", "--code", "SLX",
                "--admin", "admin", CLOSELOOP_PASSWORD="secret", CLOSELOOP_NEW_PASSWORD="secret",
                CLOSELOOP_TODAY="2026-03-10")
    assert made.returncode == 0, made.stderr
    pdf = tmp_path / "ledger.pdf"
    printed = _cli(checkout, "--db", db, "report", "ledger", "--out", str(pdf),
                   CLOSELOOP_PASSWORD="secret", CLOSELOOP_TODAY="2026-03-10")
    assert printed.returncode == 0, printed.stderr
    assert HAN.search(printed.stdout), printed.stdout
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
    assert "台账" in text, text
    assert not list(checkout.rglob("*.mo")), "nothing is compiled behind the clerk's back"


def test_english_needs_no_compiled_catalog(checkout: Path, tmp_path) -> None:
    """English is the source language: without its .mo, NullTranslations answers as the catalog would."""
    missing = _cli(checkout, "--db", str(tmp_path / "none.db"), "task", "list", CLOSELOOP_PASSWORD="x",
                   CLOSELOOP_LANG="en")
    assert missing.returncode == 1
    assert "There is no database" in missing.stderr and not HAN.search(missing.stderr), missing.stderr
    usage = _cli(checkout, "task", "add", "--bogus", CLOSELOOP_LANG="en")
    assert usage.returncode == 2
    assert "required" in usage.stderr and not HAN.search(usage.stderr), usage.stderr
    assert not list(checkout.rglob("*.mo"))


def test_english_loads_its_compiled_catalog(tmp_path, monkeypatch) -> None:
    """With the .mo compiled (dev.py), English reads it; its answers are the msgids."""
    from core import i18n

    mo = i18n.LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.mo"
    if not mo.exists():
        pytest.skip("the English catalog is not compiled (python3 dev.py i18n compiles it)")
    before = i18n.language()
    monkeypatch.setenv("LANGUAGE", os.environ.get("LANGUAGE", ""))
    try:
        assert i18n.set_language("en") == "en"
        assert type(i18n._translations).__name__ == "GNUTranslations"
        assert i18n._("Error: {message}") == "Error: {message}"
        assert i18n.ngettext("{n} assignment in total.", "{n} assignments in total.", 2) == "{n} assignments in total."
        assert i18n.ngettext("{n} assignment in total.", "{n} assignments in total.", 1) == "{n} assignment in total."
    finally:
        i18n.set_language(before)
