"""Browsing the database's folder in a file dialog must not cost the app its SQLite locks.

The data loss of issue 10: Qt's file dialog read every listed file to guess its
type, the close() of that descriptor dropped the app's POSIX locks, and the next
CLI command deleted the -wal the app was still writing to; what the app saved
afterwards was seen by nobody else and gone when it ended. Linux only (/proc/locks).
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _shared_fixtures import signed_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QFileSystemModel

from core.db.connection import connect
from core.db.locks import held_locks
from core.work.actions import Action, record
from ui import file_dialogs
from ui.shell.context import AppContext

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="POSIX locks are read from /proc/locks")

ROOT = Path(__file__).resolve().parents[2]
T = "2026-11-27"


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`main.py --db DB ARGS` as a second process (the clerk's colleague at the command line)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    env.update(CLOSELOOP_LANG="en", CLOSELOOP_TODAY=T, CLOSELOOP_USER="admin", CLOSELOOP_PASSWORD="test-pass")
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


@pytest.fixture
def ctx(qtbot, db_path: Path):  # noqa: ANN001, ANN201
    context = signed_in(db_path, "admin", "test-pass")
    with qtbot.waitSignal(context.worker.idle, timeout=10_000):  # the worker's connection is open and has read
        context.query(lambda db: db.execute("SELECT count(*) FROM task").fetchone(), lambda _r: None)
    context.reader.execute("SELECT count(*) FROM task").fetchone()
    yield context
    context.close()


def browse(qtbot, dialog: QFileDialog, folder: Path) -> None:  # noqa: ANN001
    """Show `dialog` on `folder`, wait until its file model has listed it, and ask for every cell as a view would."""
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        dialog.setDirectory(str(folder))
        dialog.show()
    parent = model.index(str(folder))
    assert model.rowCount(parent) >= 3  # office.db, office.db-wal, office.db-shm at least
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole):
                model.data(index, role)
    qtbot.waitUntil(lambda: not dialog.isHidden())
    dialog.close()


def old_dialog(folder: Path) -> QFileDialog:
    """The dialog the app used before the fix (Qt's widget dialog with its content-sniffing icon provider)."""
    dialog = QFileDialog(None, "old", str(folder))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    return dialog


def claim_in_app(qtbot, ctx: AppContext, ref: str) -> None:  # noqa: ANN001
    errors: list[Exception] = []
    with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
        ctx.write(lambda s: record(s, ref, Action(kind="claim", on=s.today, text="认领于对话框之后")),
                  lambda _r: None, errors.append)
    assert not errors


def assert_nothing_lost(qtbot, ctx: AppContext, db_path: Path) -> None:  # noqa: ANN001
    """A CLI command, then a write in the app: the CLI sees it, and it is still there after the app closes."""
    wal = Path(f"{db_path}-wal")
    wal_inode = os.stat(wal).st_ino
    shown = cli(db_path, "task", "show", "2026-5/TGZ", "--json")
    assert shown.returncode == 0, shown.stderr
    assert wal.exists() and os.stat(wal).st_ino == wal_inode, "the -wal was deleted under the app"
    claim_in_app(qtbot, ctx, "2026-5/TGZ")
    seen = json.loads(cli(db_path, "task", "show", "2026-5/TGZ", "--json").stdout)
    assert seen["assignments"][0]["state"] == "claimed", "another process does not see what the app saved"
    ctx.close()
    db = connect(db_path)
    try:
        row = db.execute("SELECT count(*) FROM event WHERE kind = 'claim' AND text = '认领于对话框之后'").fetchone()
    finally:
        db.conn.close()
    assert row[0] == 1


def test_the_apps_file_dialog_keeps_the_locks_and_the_data(qtbot, ctx: AppContext, db_path: Path) -> None:  # noqa: ANN001
    both = {db_path, Path(f"{db_path}-shm")}
    assert held_locks(db_path) == both
    dialog = file_dialogs.make_dialog(None, "t", str(db_path.parent), "", QFileDialog.FileMode.ExistingFiles)
    with file_dialogs.locks_kept():
        browse(qtbot, dialog, db_path.parent)
        assert held_locks(db_path) == both  # held all along: no reconnect was needed
    assert_nothing_lost(qtbot, ctx, db_path)


def test_the_database_and_its_side_files_are_not_listed(qtbot, ctx: AppContext, db_path: Path) -> None:  # noqa: ANN001
    (db_path.parent / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    dialog = file_dialogs.make_dialog(None, "t", str(db_path.parent), "", QFileDialog.FileMode.ExistingFiles)
    model = dialog.findChild(QFileSystemModel)
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        dialog.show()
    proxy = dialog.proxyModel()
    root = proxy.mapFromSource(model.index(str(db_path.parent)))
    qtbot.waitUntil(lambda: proxy.rowCount(root) > 0)
    names = {proxy.index(r, 0, root).data() for r in range(proxy.rowCount(root))}
    dialog.close()
    assert "photo.jpg" in names
    assert not names & {"office.db", "office.db-wal", "office.db-shm"}, names


def test_a_dialog_that_drops_the_locks_is_caught_and_the_locks_taken_again(
        qtbot, ctx: AppContext, db_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    """Defence in depth: even Qt's content-sniffing dialog (the old one) costs nothing once it has closed."""
    with caplog.at_level(logging.ERROR, logger="ui.file_dialogs"), file_dialogs.locks_kept():
        browse(qtbot, old_dialog(db_path.parent), db_path.parent)
        assert held_locks(db_path) != {db_path, Path(f"{db_path}-shm")}  # the old dialog does drop them
    assert "dropped this process's SQLite locks" in caplog.text
    assert "could not be taken again" not in caplog.text
    assert held_locks(db_path) == {db_path, Path(f"{db_path}-shm")}
    assert_nothing_lost(qtbot, ctx, db_path)


def test_no_module_shows_a_file_dialog_but_the_helper() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py")
                 if p.name != "file_dialogs.py" and "QFileDialog" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_the_database_typed_in_the_name_box_is_never_returned(
        ctx: AppContext, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typed or reached through a link, the live database is refused: no caller reads, copies or overwrites it."""
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    other = tmp_path / "notes.txt"
    other.write_text("ok", encoding="utf-8")
    typed: list[str] = []

    def exec_choosing(self: QFileDialog) -> int:
        self.selectFile(typed[-1])
        return QFileDialog.DialogCode.Accepted

    refused: list[str] = []
    monkeypatch.setattr(QFileDialog, "exec", exec_choosing)
    monkeypatch.setattr(file_dialogs, "refuse_database", lambda parent, path: refused.append(path))
    for name in (str(db_path), f"{db_path}-wal", str(link)):
        typed.append(name)
        assert file_dialogs.open_file(None, "t", str(tmp_path)) == ""
        assert file_dialogs.save_file(None, "t", name) == ""
    assert len(refused) == 6
    typed.append(str(other))
    assert file_dialogs.open_file(None, "t", str(tmp_path)) == str(other)
    assert len(refused) == 6
