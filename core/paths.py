"""Where the files that ship with the code are: i18n/ and resources/.

Contract: `APP_DIR` is the folder that holds i18n/ (the catalogs) and resources/
(fonts, icons, the holiday calendar). From a checkout it is the folder of main.py;
in a frozen build (PyInstaller, packaging/closeloop.spec) it is the bundle's data
folder, `sys._MEIPASS` (the `_internal` folder beside the executable), where the
spec puts the same two folders. Read-only: the user's data (the database, backups,
the log) lives in the user's data folder (core.cli.default_db_path), never here —
an installed app's folder may not be writable. Any thread; imports nothing of the app.
"""
from __future__ import annotations

import sys
from pathlib import Path


def app_dir() -> Path:
    """The folder holding i18n/ and resources/: the bundle's in a frozen build, else the checkout's."""
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle)
    return Path(__file__).resolve().parent.parent


def is_frozen() -> bool:
    """True in a frozen build (the installed app), False when run from the source."""
    return bool(getattr(sys, "frozen", False))


APP_DIR = app_dir()
LOCALE_DIR = APP_DIR / "i18n"
RESOURCES_DIR = APP_DIR / "resources"
