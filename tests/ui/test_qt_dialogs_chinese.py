"""Qt's own dialogs speak Chinese in the Chinese app, and the file dialog writes dates as the app does (issue 15).

The translator is installed as the app installs it (ui.shell.app.install_qt_translations).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QFileSystemModel, QMessageBox, QPushButton

from core.format import date_and_time
from ui import file_dialogs
from ui.shell import app as app_module


@pytest.fixture
def chinese_qt(qapp) -> Iterator[None]:  # noqa: ANN001
    locale = QLocale()
    translator = app_module.install_qt_translations(qapp, "zh_CN")
    assert translator is not None
    yield
    qapp.removeTranslator(translator)
    QLocale.setDefault(locale)


def test_qt_standard_buttons_are_chinese(qtbot, chinese_qt: None) -> None:  # noqa: ANN001
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    message = QMessageBox(QMessageBox.Icon.Question, "t", "t",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(message)
    assert message.button(QMessageBox.StandardButton.No).text() in ("否(&N)", "否")


def test_the_file_dialog_is_chinese_and_dates_read_as_in_the_app(qtbot, chinese_qt: None,  # noqa: ANN001
                                                                 tmp_path: Path) -> None:
    (tmp_path / "附件").mkdir()
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(b"%PDF-1.4")
    moment = dt.datetime(2026, 11, 24, 9, 30)
    os.utime(report, (moment.timestamp(), moment.timestamp()))
    dialog = file_dialogs.make_dialog(None, "选择文件", str(tmp_path), "", QFileDialog.FileMode.ExistingFile)
    qtbot.addWidget(dialog)
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        dialog.setDirectory(str(tmp_path))
        dialog.show()
    proxy = dialog.proxyModel()
    root = proxy.mapFromSource(model.index(str(tmp_path)))
    rows = {proxy.index(r, 0, root).data(): r for r in range(proxy.rowCount(root))}
    assert set(rows) == {"附件", "整改报告.pdf"}
    assert proxy.index(rows["附件"], 2, root).data() == "文件夹"          # not Qt's untranslated "Folder"
    assert proxy.index(rows["整改报告.pdf"], 3, root).data() == date_and_time(moment) == "2026年11月24日 09:30"
    headers = [proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["名称", "体积", "类型", "修改日期"]
    buttons = {b.text() for b in dialog.findChildren(QPushButton)}
    assert "取消" in buttons
    dialog.close()
