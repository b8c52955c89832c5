"""m009_supervision on a database that already holds findings and criticism (issue 16)."""
from __future__ import annotations

from pathlib import Path


def _seal(db) -> None:  # noqa: ANN001
    """Seal every row as the app of m008 did, with one audit entry (the capture of m008's tables)."""
    from core import audit_chain

    seals = [s for t in ("unit", "finding", "criticism") for s in audit_chain.seals_of(db.conn, t)]
    last_id, prev = audit_chain.chain_head(db.conn)
    audit_chain.insert_entry(db.conn, [last_id + 1, "2026-03-09", "admin", "HUB", "finding_add", "TGZ", None, None,
                                       "{}"], prev, seals)


def test_existing_findings_migrate_stay_valid_and_stay_sealed(tmp_path: Path) -> None:
    from core.db.connection import connect, open_database
    from core.db.migrations import migrations
    from core.integrity import check

    db = connect(tmp_path / "old.db")
    migrations.apply(db, stop_before="m009_supervision")
    with db.atomic():
        db["unit"].insert({"id": 1, "uuid": "u1", "owner": "o", "rev": 1, "code": "TGZ", "name": "太公镇",
                           "kind": "township", "active": 1, "created_at": "2026-03-08"})
        for table in ("finding", "criticism"):
            db[table].insert({"uuid": f"{table}1", "owner": "o", "rev": 1, "unit_id": 1, "date": "2026-03-09",
                              "text": "台账不全", "person": "赵六", "user_name": "admin", "created_at": "2026-03-09"})
        _seal(db)
    db.conn.close()
    migrated = open_database(tmp_path / "old.db")
    try:
        assert check(migrated).problems == []
        row = migrated.execute("SELECT inspection_id, severity, task_id, deduct, outside_group FROM finding").fetchone()
        assert row == (None, None, None, 1, 0)  # an inspection-less finding, deducting as before
        assert migrated.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0] == "schema_migration"
    finally:
        migrated.conn.close()


def test_a_row_changed_before_the_migration_is_still_named(tmp_path: Path) -> None:
    from core.db.connection import connect, open_database
    from core.db.migrations import migrations
    from core.integrity import check

    db = connect(tmp_path / "old.db")
    migrations.apply(db, stop_before="m009_supervision")
    with db.atomic():
        db["unit"].insert({"id": 1, "uuid": "u1", "owner": "o", "rev": 1, "code": "TGZ", "name": "太公镇",
                           "kind": "township", "active": 1, "created_at": "2026-03-08"})
        db["finding"].insert({"uuid": "f1", "owner": "o", "rev": 1, "unit_id": 1, "date": "2026-03-09",
                              "text": "台账不全", "person": "", "user_name": "admin", "created_at": "2026-03-09"})
        _seal(db)
    db.executescript("DROP TRIGGER finding_immutable; UPDATE finding SET text = '无';")
    db.conn.close()
    migrated = open_database(tmp_path / "old.db")
    try:
        assert "finding/1" in [p.ref for p in check(migrated).problems]
    finally:
        migrated.conn.close()
