"""The GUI's write path (AppContext.write on the worker thread) words the OS conditions as the CLI does.

Another process holding the write lock past the busy timeout, or a full disk, reaches
the dialog's error callback as a Refusal with its sentence; nothing is written and the
worker goes on serving the next write.
"""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from _shared_fixtures import signed_in

from core import directory
from core.errors import Refusal
from core.i18n import _


def busy() -> str:
    return _("Another window is writing to the database; try again in a moment.")


def _units(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM unit").fetchone()[0]
    finally:
        conn.close()


def _write(qtbot, ctx, fn) -> list[object]:  # noqa: ANN001
    outcome: list[object] = []
    with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
        ctx.write(fn, outcome.append, outcome.append)
    return outcome


def test_a_write_while_another_process_holds_the_lock_is_refused_then_goes_through(
        qtbot, db_path: Path, scenario, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("core.db.connection.BUSY_TIMEOUT_MS", 100)  # before the worker opens its connection
    ctx = signed_in(db_path, "admin", scenario.password)
    try:
        before = _units(db_path)
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            outcome = _write(qtbot, ctx, lambda s: directory.add_unit(s, "NEW", "新建镇", "township"))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert len(outcome) == 1 and isinstance(outcome[0], Refusal) and str(outcome[0]) == busy()
        assert _units(db_path) == before
        outcome = _write(qtbot, ctx, lambda s: directory.add_unit(s, "NEW", "新建镇", "township"))
        assert not isinstance(outcome[0], Exception)
        assert _units(db_path) == before + 1
    finally:
        ctx.close()


def test_a_full_disk_during_a_write_is_a_sentence_only_when_nothing_was_saved(
        qtbot, db_path: Path, scenario) -> None:  # noqa: ANN001
    ctx = signed_in(db_path, "admin", scenario.password)
    try:
        before = _units(db_path)

        def copy_then_write(s):  # noqa: ANN001, ANN202 (the evidence file is copied first, the disk fills)
            raise OSError(errno.ENOSPC, "No space left on device", f"{db_path}.evidence/x.pdf")

        outcome = _write(qtbot, ctx, copy_then_write)
        assert isinstance(outcome[0], Refusal)
        assert str(outcome[0]) == _("The disk holding {path} is full, so nothing was saved; the database is "
                                    "unchanged. Free some space and try again.").format(path=f"{db_path}.evidence/x.pdf")
        assert _units(db_path) == before

        def write_then_copy(s):  # noqa: ANN001, ANN202
            directory.add_unit(s, "NEW", "新建镇", "township")
            raise OSError(errno.ENOSPC, "No space left on device", f"{db_path}.evidence/x.pdf")

        outcome = _write(qtbot, ctx, write_then_copy)
        assert type(outcome[0]) is OSError  # not the false "nothing was saved": the crash report takes it
        assert _units(db_path) == before + 1
    finally:
        ctx.close()
