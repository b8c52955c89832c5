"""Output that cannot be written after a change: the change is saved, and the CLI says so truthfully.

Exit codes: 3 when the change was saved but stdout could not be written (a full disk,
a closed stdout), 1 with "nothing was changed" when nothing was saved; a reader that
goes away (`| head`) ends quietly with the command's own code.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests._shared.paths import ROOT

ADD = ("task", "add", "--title", "输出失败也已保存", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ")
SAVED = "Warning: the change was saved, but its output could not be written"

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")


def _saved(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM task WHERE title = '输出失败也已保存'").fetchone()[0]
    finally:
        conn.close()


def _run(db: Path, *args: str, **popen: object) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    environ.update(CLOSELOOP_LANG="en", CLOSELOOP_TODAY="2026-11-27", CLOSELOOP_PASSWORD="test-pass")
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT, env=environ, text=True,
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60, **popen)  # type: ignore[call-overload]


def test_a_change_printed_to_a_full_disk_is_saved_and_says_so(hub_db):
    with open("/dev/full", "w") as full:
        p = _run(hub_db, *ADD, stdout=full)
    assert p.returncode == 3
    assert p.stderr.startswith(SAVED) and p.stderr.count("\n") == 1, p.stderr
    assert "nothing was changed" not in p.stderr and "Traceback" not in p.stderr
    assert _saved(hub_db) == 1


def test_a_change_with_stdout_closed_is_saved_and_says_so(hub_db):
    p = _run(hub_db, *ADD, "--json", preexec_fn=lambda: os.close(1))
    assert p.returncode == 3
    assert p.stderr.startswith(SAVED) and p.stderr.count("\n") == 1, p.stderr
    assert _saved(hub_db) == 1


def test_a_listing_that_cannot_be_written_says_nothing_was_changed(hub_db):
    with open("/dev/full", "w") as full:
        p = _run(hub_db, "task", "list", "--json", stdout=full)
    assert p.returncode == 1
    assert p.stderr == "Error: The output could not be written (No space left on device); nothing was changed.\n"


@pytest.mark.parametrize("args", [("task", "list"), (*ADD, "--json")])
def test_a_reader_that_went_away_ends_the_command_quietly(hub_db, args):
    read, write = os.pipe()
    os.close(read)  # `| head` that has already stopped reading
    try:
        p = _run(hub_db, *args, stdout=write)
    finally:
        os.close(write)
    assert (p.returncode, p.stderr) == (0, "")
    assert _saved(hub_db) == (1 if args[0] == "task" and args[1] == "add" else 0)


def test_the_internal_error_says_whether_the_change_was_saved(hub_db, capsys, monkeypatch):
    from main import main

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a defect after the commit")

    monkeypatch.setattr("core.work.ledger.ledger_rows", broken)  # cmd_task lists the new task after saving it
    assert main(["--db", str(hub_db), *ADD]) == 1
    err = capsys.readouterr().err
    assert "after the change was saved (the change is kept)" in err and "nothing was changed" not in err
    assert _saved(hub_db) == 1
    monkeypatch.setattr("core.work.tasks.task_problems", broken)  # now before anything is written
    assert main(["--db", str(hub_db), *ADD]) == 1
    err = capsys.readouterr().err
    assert "something went wrong inside Closeloop; nothing was changed" in err
    assert _saved(hub_db) == 1


def test_a_non_utf8_argument_is_refused_before_anything_runs(cli, hub_db, state):
    before = state(hub_db)
    r = cli("task", "add", "--title", "坏\udcff字节", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ")
    assert r.code == 2
    assert r.err == ("Error: The argument '坏\ufffd字节' holds bytes that are not UTF-8 text; type it again, "
                     "or rename the file so that its name is UTF-8.\n")
    assert state(hub_db) == before
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    environ.update(CLOSELOOP_LANG="en", CLOSELOOP_TODAY="2026-11-27", CLOSELOOP_PASSWORD="test-pass")
    p = subprocess.run([sys.executable, "main.py", "--db", str(hub_db), "task", "list", "--unit", b"\xff"],
                       cwd=ROOT, env=environ, capture_output=True, timeout=60)
    assert p.returncode == 2 and p.stdout == b""
    assert b"holds bytes that are not UTF-8 text" in p.stderr and p.stderr.count(b"\n") == 1
