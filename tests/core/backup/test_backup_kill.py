"""`kill -9` at random moments during `backup`, `restore FILE` and `demo --force` (issue 10, "What it must show").

Each command runs as a real process (`python main.py ...`) and is killed with
SIGKILL 20 times, after a random delay spread over its measured duration. After
every kill: the database opens, `PRAGMA integrity_check` says ok, its schema is
exactly a known version's, `task list` works, a restore either happened with its
audit entry or not at all, and every backup the folder lists (and nothing else)
is accepted by the complete check; a half file is never listed and is refused.
Runs in the normal suite (about 40 s here).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.backup.verify import check_backup
from core.backup_policy import list_backups
from core.db.connection import connect
from core.db.schema import schema_problems
from core.errors import Refusal
from tests._shared.db_copy import copy_database
from tests._shared.paths import ROOT

PASSWORD = "test-pass"
KILLS = 20

pytestmark = [pytest.mark.timeout(240), pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")]


def _env(password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    env.update(CLOSELOOP_LANG="en", CLOSELOOP_TODAY="2026-11-27", CLOSELOOP_PASSWORD=password,
               CLOSELOOP_FONTS="shipped")
    return env


def _start(db: Path, *args: str, password: str = PASSWORD) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT, env=_env(password),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def _measure(db: Path, *args: str, password: str = PASSWORD) -> float:
    started = time.perf_counter()
    assert _start(db, *args, password=password).wait(60) == 0
    return time.perf_counter() - started


def _kill_at_random(rng: random.Random, duration: float, db: Path, *args: str, password: str = PASSWORD) -> None:
    proc = _start(db, *args, password=password)
    time.sleep(rng.uniform(0.02, duration))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(60)


def _sound(db: Path) -> tuple[int, str]:
    """(tasks, action of the last audit entry) after checking the file is a sound office database."""
    conn = connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert schema_problems(conn.conn) == []
        tasks = conn.execute("SELECT COUNT(*) FROM task").fetchone()[0]
        last = conn.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.conn.close()
    return tasks, last


def _only_whole_backups_offered(db: Path, scratch: Path) -> None:
    conn = connect(db)
    try:
        listed = list_backups(conn, db)
    finally:
        conn.conn.close()
    for n, path in enumerate(listed):
        assert ".part" not in path.name
        out = scratch / f"check-{path.name}-{n}"
        check_backup(path, out)  # raises if a listed file is not a whole backup
        out.unlink()
    for path in (db.parent / "backups").glob("*.part*"):
        out = scratch / f"part-{path.name}"
        with pytest.raises(Refusal):
            check_backup(path, out)
        out.unlink(missing_ok=True)


def _reset(template: Path, db: Path) -> None:
    copy_database(template, db)


def test_kill_9_during_backup_and_restore_leaves_a_usable_database_and_no_half_file(cli, hub_db, tmp_path):
    rng = random.Random(20261127)
    cli.ok("task", "add", "--title", "备份前", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ")
    saved = tmp_path / "saved.clbak"
    cli.ok("backup", "--out", str(saved))
    for title in ("备份后一", "备份后二"):
        cli.ok("task", "add", "--title", title, "--category", "general", "--date", "2026-11-21", "--lead", "XYJ")
    live3 = tmp_path / "live3.db"
    _reset(hub_db, live3)
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    took = _measure(hub_db, "backup")
    for _ in range(KILLS):
        _kill_at_random(rng, took, hub_db, "backup")
        assert _sound(hub_db)[0] == 3
        _only_whole_backups_offered(hub_db, scratch)
        assert len(cli.json("task", "list")) == 3

    took = _measure(hub_db, "restore", str(saved))
    outcomes = set()
    for _ in range(KILLS):
        _reset(live3, hub_db)
        _kill_at_random(rng, took, hub_db, "restore", str(saved))
        tasks, last = _sound(hub_db)
        assert (tasks, last == "restore") in {(3, False), (1, True)}, (tasks, last)
        outcomes.add(tasks)
        rows = cli.json("task", "list")
        assert len(rows) == tasks
        _only_whole_backups_offered(hub_db, scratch)
    r = cli.ok("restore", str(saved))  # and the next restore cleans every leftover up
    assert "Restored from" in r.out
    assert [p.name for p in hub_db.parent.iterdir() if ".restoring" in p.name] == []
    _only_whole_backups_offered(hub_db, scratch)  # listing the folder removes the killed backups' parts
    assert [p.name for p in (hub_db.parent / "backups").iterdir() if ".part" in p.name] == []
    print(f"restore outcomes after kills: {sorted(outcomes)}")


def test_kill_9_during_demo_force_leaves_a_usable_demo(cli, tmp_path):
    rng = random.Random(1127)
    db = tmp_path / "demo" / "demo.db"
    took = _measure(db, "demo", "--today", "2026-11-27", password="demo")
    for _ in range(KILLS):
        _kill_at_random(rng, took, db, "demo", "--force", "--today", "2026-11-27", password="demo")
        tasks, _last = _sound(db)
        assert tasks > 500
        rows = cli.json("task", "list", "--limit", "3", db=db, env={"CLOSELOOP_PASSWORD": "demo"})
        assert len(rows) == 3
    assert _start(db, "demo", "--force", "--today", "2026-11-27", password="demo").wait(60) == 0
    assert [p.name for p in db.parent.iterdir() if ".building" in p.name] == []
