"""The operating system says no: a read-only database file or folder, a full disk at COMMIT.

Each is one sentence (core/db/errors.py), exit code 1, and the database unchanged.
The permission checks run as an ordinary user: as root (CI) the command runs in a
forked child that has dropped to `nobody` (root ignores file permissions), with
the modules it needs loaded before the fork.
"""
from __future__ import annotations

import io
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ADD = ("task", "add", "--title", "写不进去", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ")
NOBODY = 65534


def run_cli(argv: list[str]) -> tuple[int | None, str, str]:
    """main(argv) with stdout and stderr captured (usable in a forked child)."""
    from main import main

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    try:
        code = main(argv)
        return code, sys.stdout.getvalue(), sys.stderr.getvalue()
    finally:
        sys.stdout, sys.stderr = saved


def as_ordinary_user(fn: Callable[[], Any]) -> Any:
    """fn() as a user without root's override of permissions: directly, or as root in a child as nobody."""
    if os.geteuid() != 0:
        return fn()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, run, send the result back, never return into pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result: Any = ("ok", fn())
        except BaseException as exc:  # noqa: BLE001 (reported to the parent)
            result = ("error", repr(exc))
        try:
            os.write(write, pickle.dumps(result))
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 1 << 16):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    assert kind == "ok", value
    return value


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder outside pytest's private tmp tree (0700 for root), so that nobody can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="closeloop-os-"))
    folder.chmod(0o777)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        p.chmod(0o777)
    shutil.rmtree(folder)


def _warm_up(db: Path, copy_db: Callable[[Path, Path], None], folder: Path) -> None:
    """Run the same commands once on a writable copy: every module they import is loaded before the fork."""
    scratch = folder / "scratch.db"
    copy_db(db, scratch)
    assert run_cli(["--db", str(scratch), "task", "list"])[0] == 0
    assert run_cli(["--db", str(scratch), *ADD])[0] == 0


def test_a_read_only_database_file_still_reads_and_refuses_writes(hub_db, copy_db, state, shared_dir):
    _warm_up(hub_db, copy_db, shared_dir)
    db = shared_dir / "office" / "hub.db"
    db.parent.mkdir(mode=0o777)
    db.parent.chmod(0o777)
    copy_db(hub_db, db)
    db.chmod(0o444)
    before = state(db)
    listed, added = as_ordinary_user(lambda: (run_cli(["--db", str(db), "task", "list", "--json"]),
                                              run_cli(["--db", str(db), *ADD])))
    assert listed[0] == 0 and listed[2] == ""
    assert added == (1, "", f"Error: The database {db} is read-only, so nothing was changed (reading still "
                            "works); to make changes, make the file writable (e.g. chmod u+w) or ask whoever "
                            "manages this computer.\n")
    assert state(db) == before


def test_a_read_only_database_folder_is_named(hub_db, copy_db, state, shared_dir):
    _warm_up(hub_db, copy_db, shared_dir)
    folder = shared_dir / "office"
    folder.mkdir()
    db = folder / "hub.db"
    copy_db(hub_db, db)
    db.chmod(0o666)
    folder.chmod(0o555)  # the -wal and -shm files cannot be made
    before = state(db)
    listed, added = as_ordinary_user(lambda: (run_cli(["--db", str(db), "task", "list"]),
                                              run_cli(["--db", str(db), *ADD])))
    sentence = (f"Error: The folder {folder} that holds the database is read-only, and Closeloop must create "
                "its working files (-wal, -shm) there; make the folder writable or move the database to a "
                "writable folder. Nothing was changed.\n")
    assert listed == (1, "", sentence)
    assert added == (1, "", sentence)
    assert state(db) == before
    assert sorted(p.name for p in folder.iterdir()) == ["hub.db"]


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


FULL = ("Error: The disk holding {db} is full, so nothing was saved; the database is unchanged. "
        "Free some space and try again.\n")


def test_a_full_disk_refuses_the_write_and_keeps_the_database(cli, hub_db, state, monkeypatch):
    from core.db import connection

    real_connect = connection.connect

    def no_room(path: Any) -> Any:  # the database may not grow by a single page, as on a full disk
        db = real_connect(path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    before = state(hub_db)
    with monkeypatch.context() as mp:
        mp.setattr(connection, "connect", no_room)
        r = cli(*ADD, "--content", "详细要求" * 20_000)  # far more than the free pages hold
    assert (r.code, r.out, r.err) == (1, "", FULL.format(db=hub_db))
    assert state(hub_db) == before
    assert _integrity(hub_db) == "ok"
    cli.ok(*ADD)  # with room again, the same write goes through


class _CommitFails:
    """A sqlite3 connection whose COMMIT fails as SQLite's does when the disk fills while writing the WAL."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.strip().upper() == "COMMIT":
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_full_disk_at_commit_saves_nothing(cli, hub_db, state, monkeypatch):
    from core.db import connection

    real_connect = connection.connect

    def failing_commit(path: Any) -> Any:
        db = real_connect(path)
        db.conn = _CommitFails(db.conn)
        return db

    before = state(hub_db)
    with monkeypatch.context() as mp:
        mp.setattr(connection, "connect", failing_commit)
        r = cli(*ADD)
    assert (r.code, r.err) == (1, FULL.format(db=hub_db))
    assert state(hub_db) == before
    assert _integrity(hub_db) == "ok"
