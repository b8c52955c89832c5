"""The app on a copied database: a new device id before anything is written, said in the status bar."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QLabel

from ui.shell import app as app_module
from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from conftest import Scenario


def device_of(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT device FROM sync_identity").fetchone()[0])
    finally:
        conn.close()


def test_a_copied_database_says_so_in_the_status_bar(qtbot, db_path: Path, scenario: Scenario, tmp_path: Path,  # noqa: ANN001
                                                     monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("CLOSELOOP_USER", "admin")
    monkeypatch.setenv("CLOSELOOP_PASSWORD", scenario.password)
    window = app_module.open_window(db_path, None)  # where it has always been: nothing to say
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.findChild(QLabel, "deviceNotice") is None
    window.shutdown()

    copied = tmp_path / "stick" / "office.db"
    copied.parent.mkdir()
    shutil.copy2(db_path, copied)
    capsys.readouterr()
    window = app_module.open_window(copied, None)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    label = window.findChild(QLabel, "deviceNotice")
    device = device_of(copied)
    assert device != device_of(db_path)
    assert label is not None and f"（设备 {device}）" in label.text()  # the app speaks Chinese by default
    assert label.text().startswith("此数据库是从另一台电脑或另一个文件夹复制来的")
    assert capsys.readouterr().err == label.text() + "\n"
    window.shutdown()
