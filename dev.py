#!/usr/bin/env python3
"""Closeloop's task runner (standard library only).

    python3 dev.py run [ARGS]   set up, create the demo database if absent, open the app
    python3 dev.py test [ARGS]  set up, run the whole test suite (pytest ARGS)
    python3 dev.py bench        set up, run the benchmarks in tests/bench
    python3 dev.py i18n         extract strings into i18n/messages.pot, update the zh_CN and en
                                catalogs (English: msgstr = msgid), compile them
    python3 dev.py shots        set up, render every window offscreen to shots/995x617/ and shots/1920x1080/
                                (--lang en: in English, to shots/en/995x617/ and shots/en/1920x1080/)
    python3 dev.py package      set up, freeze the app (PyInstaller), build dist/closeloop_<version>_amd64.deb, check it

Set-up makes .venv on first use and installs pyproject's dependencies again only
when pyproject.toml changes; it compiles the translation catalogs when a .po is
newer than its .mo.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".closeloop-deps"
DEMO_DB = ROOT / "var" / "demo.db"


def _run(cmd: list[str], **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def requirements() -> list[str]:
    """The pinned dependencies of pyproject.toml, with the dev extras."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def setup() -> None:
    """Make the venv and install dependencies when pyproject.toml changed; compile catalogs."""
    if not PY.exists():
        print("dev.py: creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print("dev.py: installing dependencies …", flush=True)
        _run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--upgrade", "pip"])
        rc = _run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", *requirements()])
        if rc:
            sys.exit(f"dev.py: installing the dependencies failed (pip exit {rc})")
        STAMP.write_text(digest)
    compile_catalogs()
    compile_sources()


def compile_sources() -> None:
    """Byte-compile main.py, core/ and ui/ when a source is newer than its .pyc.

    An installed app starts from compiled modules; a checkout run with
    PYTHONDONTWRITEBYTECODE=1 (set on some machines) would otherwise compile every module
    on every start, which the start-up benchmarks would count.
    """
    import compileall

    for folder in ("core", "ui"):
        compileall.compile_dir(str(ROOT / folder), quiet=1)
    compileall.compile_file(str(ROOT / "main.py"), quiet=1)


def compile_catalogs() -> None:
    for po in (ROOT / "i18n").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            rc = _run([BIN / "pybabel", "-q", "compile", "-i", po, "-o", mo, "--use-fuzzy"])
            if rc:
                sys.exit(f"dev.py: compiling {po} failed")


def cmd_run(args: list[str]) -> int:
    setup()
    db = os.environ.get("CLOSELOOP_DB")
    if not db:
        db = str(DEMO_DB)
        if not DEMO_DB.exists():
            print("dev.py: creating the demo database var/demo.db …", flush=True)
            rc = _run([PY, "main.py", "--db", db, "demo"])
            if rc:
                return rc
    return _run([PY, "main.py", "--db", db, *args])


def cmd_test(args: list[str]) -> int:
    setup()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return _run([PY, "-m", "pytest", *args], env=env)


def cmd_bench(args: list[str]) -> int:
    """The core benchmarks (with scoring), the printed lists and the bulletins (report_bench.py,
    bulletin_bench.py), USB sync (sync_bench.py), then the GUI ones (tests/bench/ui_run.py) when present."""
    setup()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    rc = _run([PY, "tests/bench/run.py", *args], env=env)
    # the printed lists (issue 5): their own demo and section of results.md
    strict = [x for x in args if x == "--strict"]
    rc = _run([PY, "tests/bench/report_bench.py", *strict], env=env) or rc
    rc = _run([PY, "tests/bench/bulletin_bench.py", *strict], env=env) or rc
    # USB sync (issue 12): demos at scale 1 and 10, enrolled units, bundles both ways
    today = [x for i, x in enumerate(args) if x.startswith("--today") or (i and args[i - 1] == "--today")]
    rc = _run([PY, "tests/bench/sync_bench.py", *strict, *today], env=env) or rc
    if (ROOT / "tests" / "bench" / "ui_run.py").exists():
        rc = _run([PY, "tests/bench/ui_run.py", *args], env=env) or rc
    return rc


LANGUAGES = ("zh_CN", "en")  # the catalogs of i18n/; English is the source language (msgstr = msgid)


def cmd_i18n(args: list[str]) -> int:
    """Extract the strings into messages.pot, update both catalogs, fill English, compile.

    New msgids reach zh_CN empty (tests/core/test_i18n_catalogs.py fails until they are
    translated) and reach en with themselves as msgstr, since the code is written in English.
    """
    setup()
    folder = ROOT / "i18n"
    pot = folder / "messages.pot"
    rc = _run([BIN / "pybabel", "-q", "extract", "-F", folder / "babel.cfg",
               "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-o", pot, "main.py", "core", "ui"])
    if rc:
        return rc
    for lang in LANGUAGES:
        if not (folder / lang / "LC_MESSAGES" / "messages.po").exists():
            rc = _run([BIN / "pybabel", "-q", "init", "-i", pot, "-d", folder, "-l", lang]) or rc
        # English keeps no obsolete entries: the code is its only source
        keep = ["--ignore-obsolete"] if lang == "en" else []
        rc = _run([BIN / "pybabel", "-q", "update", "-i", pot, "-d", folder, "-l", lang,
                   "--no-fuzzy-matching", *keep]) or rc
    rc = _run([PY, __file__, "_fill-english", folder / "en" / "LC_MESSAGES" / "messages.po"]) or rc
    compile_catalogs()
    return rc


def _fill_english(args: list[str]) -> int:
    """(Run by the venv's Python, which has babel.) Give every English entry its msgid as msgstr."""
    from babel.messages.pofile import read_po, write_po

    po = Path(args[0])
    with po.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id:
            message.string = tuple(message.id) if message.pluralizable else message.id
            message.flags.discard("fuzzy")
    with po.open("wb") as f:
        write_po(f, catalog, width=76)
    return 0


SHOT_SIZES = ("995x617", "1920x1080")  # the main window's minimum size, and a full-HD screen


def cmd_shots(args: list[str]) -> int:
    """Without --size or --out: one set per SHOT_SIZES into shots/<size>/ (with --lang en: shots/en/<size>/);
    else one run as given."""
    setup()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if any(a.startswith(("--size", "--out")) for a in args):
        return _run([PY, "-m", "ui.shots", *args], env=env)
    lang = next((a.split("=", 1)[1] for a in args if a.startswith("--lang=")), None)
    if "--lang" in args and args.index("--lang") + 1 < len(args):
        lang = args[args.index("--lang") + 1]
    root = ROOT / "shots" / (lang if lang and not lang.startswith("zh") else "")
    rc = 0
    for size in SHOT_SIZES:
        rc = _run([PY, "-m", "ui.shots", "--size", size, "--out", str(root / size), *args], env=env) or rc
    return rc


PACKAGING_STAMP = VENV / ".closeloop-packaging"


def setup_packaging() -> None:
    """Install pyproject's `packaging` extras (PyInstaller, pinned) when they changed."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["optional-dependencies"]["packaging"]
    digest = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
    if not PACKAGING_STAMP.exists() or PACKAGING_STAMP.read_text().strip() != digest:
        print("dev.py: installing the packaging tools …", flush=True)
        rc = _run([PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", *wanted])
        if rc:
            sys.exit(f"dev.py: installing the packaging tools failed (pip exit {rc})")
        PACKAGING_STAMP.write_text(digest)


def cmd_package(args: list[str]) -> int:
    """Linux: freeze with packaging/closeloop.spec into dist/closeloop, build the .deb, check it.

    `--no-check` skips the check; `--runs N` times each check N times (default 3); `--source`
    times the source run beside the frozen one. Windows builds its installer by hand (README.md).
    """
    import shutil

    if not sys.platform.startswith("linux"):
        print("dev.py package builds the Linux .deb; on Windows follow README.md, 'Installers'.")
        return 2
    if shutil.which("dpkg-deb") is None:
        print("dev.py package: needs dpkg-deb (Debian, Ubuntu, Kylin, UOS)")
        return 2
    setup()
    setup_packaging()
    dist, work = ROOT / "dist", ROOT / "build" / "pyinstaller"
    print("dev.py: freezing the app (PyInstaller) …", flush=True)
    rc = _run([BIN / "pyinstaller", "--noconfirm", "--log-level", "WARN", "--distpath", dist,
               "--workpath", work, ROOT / "packaging" / "closeloop.spec"])
    if rc:
        return rc
    print("dev.py: building the .deb …", flush=True)
    built = subprocess.run([str(PY), str(ROOT / "packaging" / "linux" / "build_deb.py"), "--dist",
                            str(dist / "closeloop"), "--out", str(dist)], cwd=ROOT, capture_output=True, text=True)
    if built.returncode:
        print(built.stdout + built.stderr, end="")
        return built.returncode
    deb = built.stdout.strip().splitlines()[-1]
    print(f"dev.py: {deb}", flush=True)
    if "--no-check" in args:
        return 0
    check = [a for a in args if a != "--no-check"]
    return _run([PY, ROOT / "packaging" / "check_package.py", "--deb", deb, *check])


COMMANDS = {"run": cmd_run, "test": cmd_test, "bench": cmd_bench, "i18n": cmd_i18n, "shots": cmd_shots,
            "package": cmd_package, "_fill-english": _fill_english}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
