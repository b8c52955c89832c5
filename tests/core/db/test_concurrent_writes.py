"""Two writers at once: every write takes the write lock first (BEGIN IMMEDIATE) and waits for it.

Processes that write at the same time all succeed, or are refused in words when a
write still waits after the busy timeout; none gets SQLite's raw "database is
locked" or the internal error, and exactly the successful writes are saved.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from tests._shared.paths import ROOT

BUSY = "Another window is writing to the database; try again in a moment."

# One writer process: N `task add` through the CLI's main(), in process, each one signing in anew.
WRITER = r"""
import io, json, sys
sys.path.insert(0, sys.argv[1])
from core.cli import main
db, n, tag = sys.argv[2], int(sys.argv[3]), sys.argv[4]
outcomes = []
for i in range(n):
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        code = main(["--db", db, "task", "add", "--title", f"并发写入 {tag}-{i}", "--category", "general",
                     "--date", "2026-11-20", "--lead", "TGZ", "--co", "FGJ"])
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    outcomes.append([code, err.getvalue()])
print(json.dumps(outcomes))
"""


def _environ() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    environ.update(CLOSELOOP_LANG="en", CLOSELOOP_TODAY="2026-11-27", CLOSELOOP_PASSWORD="test-pass")
    return environ


def test_four_processes_writing_at_once_all_succeed_or_are_refused_in_words(hub_db, tmp_path):
    environ = _environ()
    environ["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(hub_db), "50", str(k)],
                              cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in range(4)]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        outcomes += json.loads(out)
    assert len(outcomes) == 200
    failures = [(code, err) for code, err in outcomes if code != 0]
    assert all((code, err) == (1, f"Error: {BUSY}\n") for code, err in failures), failures[:3]
    conn = sqlite3.connect(hub_db)
    try:
        saved = conn.execute("SELECT COUNT(*) FROM task WHERE title LIKE '并发写入 %'").fetchone()[0]
        numbers = conn.execute("SELECT COUNT(DISTINCT seq) FROM task WHERE year = 2026").fetchone()[0]
    finally:
        conn.close()
    assert saved == len(outcomes) - len(failures)
    assert numbers == saved  # every task got its own number
    assert not list(tmp_path.glob("xdg/**/closeloop.log"))  # no internal error was logged


def test_a_write_that_waits_past_the_busy_timeout_is_refused_and_changes_nothing(cli, hub_db, state,
                                                                                 monkeypatch):
    monkeypatch.setattr("core.db.connection.BUSY_TIMEOUT_MS", 100)
    before = state(hub_db)
    holder = sqlite3.connect(hub_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another window, in the middle of its write
    try:
        r = cli("task", "add", "--title", "等不到写锁", "--category", "general", "--date", "2026-11-20",
                "--lead", "TGZ")
        listed = cli("task", "list", "--json")  # reading goes on meanwhile
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (r.code, r.err) == (1, f"Error: {BUSY}\n")
    assert listed.code == 0
    assert state(hub_db) == before
    cli.ok("task", "add", "--title", "等到了写锁", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ")
