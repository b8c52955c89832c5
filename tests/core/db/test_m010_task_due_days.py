"""m010_task_due_days on a database that already holds sealed tasks (issue 16, --rectify DAYS)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest


def _old_database_with_a_sealed_task(path: Path, *, tamper: bool = False) -> None:
    """A database at m009 with one task and its lead assignment, sealed as the app of m009 did."""
    from core import audit_chain
    from core.db.connection import connect
    from core.db.migrations import migrations

    db = connect(path)
    migrations.apply(db, stop_before="m010_task_due_days")
    with db.atomic():
        db["unit"].insert({"id": 1, "uuid": "u1", "owner": "o", "rev": 1, "code": "TGZ", "name": "太公镇",
                           "kind": "township", "active": 1, "created_at": "2026-03-08"})
        db["task"].insert({"id": 1, "uuid": "t1", "owner": "o", "rev": 1, "task_no": "2026-1", "year": 2026, "seq": 1,
                           "title": "修路", "content": "", "category": "general", "source": "meeting",
                           "assigned_on": "2026-03-09", "rules_version": 0, "created_at": "2026-03-09"})
        db["assignment"].insert({"id": 1, "uuid": "a1", "owner": "o", "rev": 1, "task_id": 1, "unit_id": 1,
                                 "role": "lead", "created_at": "2026-03-09"})
        seals = [s for t in ("unit", "task", "assignment") for s in audit_chain.seals_of(db.conn, t)]
        last_id, prev = audit_chain.chain_head(db.conn)
        audit_chain.insert_entry(db.conn, [last_id + 1, "2026-03-09", "admin", "HUB", "task_add", "2026-1", "t1",
                                           "2026-03-09", "{}"], prev, seals)
    if tamper:
        db.executescript("DROP TRIGGER task_immutable; UPDATE task SET title = '改过';")
    db.conn.close()


def test_existing_tasks_keep_the_rule_sets_dues_and_stay_sealed(tmp_path: Path) -> None:
    from core.db.connection import open_database
    from core.integrity import check
    from core.work import status

    _old_database_with_a_sealed_task(tmp_path / "old.db")
    migrated = open_database(tmp_path / "old.db")
    try:
        assert migrated.execute("SELECT due_days FROM task").fetchone() == (None,)
        status.rebuild_all(migrated)
        assert migrated.execute("SELECT due FROM assignment_status").fetchone() == ("2026-03-16",)
        assert check(migrated).problems == []
        last = migrated.execute("SELECT action, ref FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        assert last == ("schema_migration", "m010_task_due_days")
    finally:
        migrated.conn.close()


def test_a_task_changed_before_the_migration_is_still_named(tmp_path: Path) -> None:
    from core.db.connection import open_database
    from core.integrity import check

    _old_database_with_a_sealed_task(tmp_path / "old.db", tamper=True)
    migrated = open_database(tmp_path / "old.db")
    try:
        assert "task/1" in [p.ref for p in check(migrated).problems]
    finally:
        migrated.conn.close()


@pytest.mark.parametrize(("category", "days"), [("general", 0), ("general", 366), ("major", 15)])
def test_the_schema_refuses_a_period_out_of_bounds_or_on_a_major_task(tmp_path: Path, category: str,
                                                                     days: int) -> None:
    from core.db.connection import open_database

    db = open_database(tmp_path / "new.db")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db["task"].insert({"uuid": "t1", "owner": "o", "rev": 1, "task_no": "2026-1", "year": 2026, "seq": 1,
                               "title": "修路", "category": category, "source": "inspection",
                               "assigned_on": "2026-03-09", "rules_version": 0, "created_at": "2026-03-09",
                               "due_days": days})
    finally:
        db.conn.close()
