"""Storage: connection pragmas, migrating an old database, no deletes, and a process killed mid-write."""
from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from core.db.connection import BUSY_TIMEOUT_MS, connect, open_database
from core.db.migrations import NEVER_DELETED, migrations
from core.db.schema import current_version
from tests._shared.paths import ROOT

PASSWORD = "test-pass"


def pragmas(db) -> dict[str, object]:
    return {name: db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


def test_connection_pragmas(tmp_path, hub_db):
    fresh = open_database(tmp_path / "fresh.db")
    existing = open_database(hub_db)
    try:
        for db in (fresh, existing):
            assert pragmas(db) == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                                   "busy_timeout": BUSY_TIMEOUT_MS}
        assert BUSY_TIMEOUT_MS >= 1000
        with pytest.raises(sqlite3.IntegrityError):  # foreign keys are enforced
            existing.execute("INSERT INTO assignment (uuid, owner, rev, task_id, unit_id, role, created_at) "
                             "VALUES ('x', 'y', 1, 999, 999, 'lead', '2026-01-01')")
    finally:
        fresh.conn.close()
        existing.conn.close()


def test_a_first_migration_database_is_migrated_without_losing_a_row(tmp_path):
    path = tmp_path / "old" / "office.db"
    path.parent.mkdir()
    db = connect(path)
    migrations.apply(db, stop_before="m002_task_search")
    assert "task_fts" not in db.table_names()
    now = "2026-03-08T01:00:00+00:00"
    synced = {"owner": "o" * 32, "rev": 1}
    with db.atomic():
        db["unit"].insert({"id": 1, "uuid": "u1", **synced, "code": "TGZ", "name": "太公镇", "kind": "township",
                           "active": 1, "created_at": now})
        for i, title in enumerate(["城区污水管网改造", "集镇道路整治"], 1):
            db["task"].insert({"id": i, "uuid": f"t{i}", **synced, "task_no": f"2026-{i}", "year": 2026, "seq": i,
                               "title": title, "content": "", "category": "general", "source": "meeting",
                               "assigned_on": "2026-03-08", "meeting_id": None, "leader_id": None,
                               "rules_version": 1, "created_at": now})
            db["assignment"].insert({"id": i, "uuid": f"a{i}", **synced, "task_id": i, "unit_id": 1, "role": "lead",
                                     "created_at": now})
        db["event"].insert({"id": 1, "uuid": "e1", **synced, "assignment_id": 1, "kind": "claim",
                            "effective_date": "2026-03-08", "recorded_at": now, "user_name": "admin",
                            "on_behalf": 1, "text": "", "date_value": None, "data": "{}"})
    old_columns = {t: ", ".join(c[1] for c in db.execute(f"PRAGMA table_info({t})"))
                   for t in ("unit", "task", "assignment", "event")}
    before = {t: db.execute(f"SELECT {cols} FROM {t} ORDER BY id").fetchall() for t, cols in old_columns.items()}
    db.conn.close()

    migrated = open_database(path)
    try:
        assert tuple(m.name for m in migrations.applied(migrated)) == current_version()
        # every old column keeps its values (later migrations add columns: task.due_days is NULL)
        after = {t: migrated.execute(f"SELECT {cols} FROM {t} ORDER BY id").fetchall() for t, cols in old_columns.items()}
        assert after == before
        assert migrated.execute("SELECT due_days FROM task").fetchall() == [(None,), (None,)]
        # the old rows are searchable, and new ones are indexed as they come
        assert [r[0] for r in migrated.execute(
            "SELECT rowid FROM task_fts WHERE task_fts MATCH ?", ['"污水管网"'])] == [1]
        migrated["task"].insert({"id": 3, "uuid": "t3", **synced, "task_no": "2026-3", "year": 2026, "seq": 3,
                                 "title": "污水管网二期", "content": "", "category": "general", "source": "meeting",
                                 "assigned_on": "2026-03-09", "meeting_id": None, "leader_id": None,
                                 "rules_version": 1, "created_at": now})
        assert [r[0] for r in migrated.execute(
            "SELECT rowid FROM task_fts WHERE task_fts MATCH ? ORDER BY rowid", ['"污水管网"'])] == [1, 3]
    finally:
        migrated.conn.close()

    (backup,) = (path.parent / "backups").glob("office-before-m002_task_search-*.clbak")
    inner = tmp_path / "inner.db"
    inner.write_bytes(zipfile.ZipFile(backup).read("closeloop.db"))
    old = sqlite3.connect(inner)
    try:  # taken before the migration: the m001 schema with every row
        assert [r[0] for r in old.execute("SELECT name FROM _sqlite_migrations")] == ["m001_core"]
        assert old.execute("SELECT name FROM sqlite_master WHERE name = 'task_fts'").fetchone() is None
        assert old.execute("SELECT * FROM task ORDER BY id").fetchall() == before["task"]
    finally:
        old.close()
    open_database(path).conn.close()  # nothing pending: no second backup
    assert len(list((path.parent / "backups").iterdir())) == 1


def test_a_new_database_takes_no_backup(tmp_path):
    open_database(tmp_path / "new.db").conn.close()
    assert not (tmp_path / "backups").exists()


def test_deletes_and_edits_are_refused_by_triggers(cli, hub_db):
    cli.ok("task", "add", "--title", "不可删除事项", "--category", "general", "--date", "2026-03-08", "--lead", "TGZ")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08")
    conn = sqlite3.connect(hub_db, isolation_level=None)
    try:
        for table in NEVER_DELETED:
            if conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0:
                continue
            with pytest.raises(sqlite3.DatabaseError, match="nothing is ever deleted"):
                conn.execute(f"DELETE FROM {table}")
        with pytest.raises(sqlite3.DatabaseError, match="nothing is ever deleted"):
            conn.execute("DELETE FROM task")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit SET user_name = 'someone'")
        with pytest.raises(sqlite3.DatabaseError, match="never edited"):
            conn.execute("UPDATE event SET effective_date = '2026-03-09'")
        assert conn.execute("SELECT COUNT(*) FROM task").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 1
    finally:
        conn.close()
    assert cli.json("task", "list")[0]["state"] == "claimed"


KILLER = textwrap.dedent("""
    import datetime as dt, os, signal, sys
    sys.path.insert(0, sys.argv[1])
    from core.work import status
    from core.work.actions import Action, record
    from core.office import open_session

    s = open_session(sys.argv[2], "admin", sys.argv[3], today=dt.date(2026, 11, 27))
    s.db.execute("PRAGMA cache_size = 1")  # spill the open transaction's pages into the WAL file

    def die(db, computed, *args, **kwargs):
        # inside record()'s transaction, after the event and its evidence rows were inserted
        n = db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
        print(n, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    status.store = die  # record() writes the status it folded with status.store
    record(s, "2026-1/TGZ", Action("report", dt.date(2026, 3, 10), text="已开挖", attachments=[sys.argv[4]]))
    print("not killed", flush=True)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_process_killed_mid_write_leaves_the_database_as_it_was(cli, hub_db, tmp_path, state):
    cli.ok("task", "add", "--title", "城区污水管网改造", "--category", "general", "--date", "2026-03-08",
           "--lead", "TGZ")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"\xff\xd8" + b"x" * 50_000)
    before_dump, _files = state(hub_db)
    audit_before = len(cli.json("audit"))

    proc = subprocess.run([sys.executable, "-c", KILLER, str(ROOT), str(hub_db), PASSWORD, str(photo)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout.split() == ["2"]  # the event row was written inside the transaction when it died
    assert Path(f"{hub_db}-wal").stat().st_size > 0  # with its uncommitted pages on disk

    conn = sqlite3.connect(hub_db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM event").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM evidence").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == audit_before
    finally:
        conn.close()
    assert state(hub_db)[0] == before_dump
    a = cli.json("task", "show", "2026-1/TGZ")["assignments"][0]
    assert (a["state"], a["first_report_on"]) == ("claimed", None)
    # and the office works on: the same report recorded again
    cli.ok("report", "2026-1/TGZ", "--on", "2026-03-10", "--text", "已开挖", "--attach", str(photo))
    assert cli.json("task", "show", "2026-1/TGZ")["assignments"][0]["state"] == "in_progress"
    assert dt.date.fromisoformat(cli.json("audit")[-1]["effective_date"]) == dt.date(2026, 3, 10)
