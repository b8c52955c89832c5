"""The enrollment import in bulk (core/sync/bulk_load.py) gives the database row by row gives.

A scale-1 demo county's busiest unit is enrolled once; its file is joined twice, once with
the insert triggers replaced by one statement a table (the default) and once row by row
(`enroll.BULK_LOAD = False`, as before the change). The two databases hold the same rows
in every table — the change log in the same order, the search index, the audit entry and
its seals, the statuses — but for what is random or the clock's (`content` masks them),
the same schema, and `check` finds nothing in either. The search index is compared by
what it holds (fts5vocab: every term's every occurrence): filled in one statement, FTS5
writes it in fewer segments than row by row, so its shadow tables' bytes differ.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from core.sync import enroll

TODAY = dt.date(2026, 11, 27)
# columns that differ between two joins of one file: new keys and device, the clock, the password's salt
MASKED = {
    "sync_identity": ("device", "binding", "sign_secret", "enc_secret", "created_at"),
    "sync_device": ("device", "started_at"),
    "change_log": ("device",),
    "user": ("password_hash", "created_at"),
    "audit": ("recorded_at", "hash"),
    "office_key": ("valid_from", "added_at"),
    "_sqlite_migrations": ("applied_at",),
}


def content(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows in rowid order (key order for tables without rowid), random and clock values masked."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[tuple]] = {}
        tables = [(n, sql) for n, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
        for name, sql in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")]
            order = "1" if "WITHOUT ROWID" in sql.upper() else "rowid"
            key = "" if order == "1" else "rowid, "
            rows = conn.execute(f"SELECT {key}* FROM [{name}] ORDER BY {order}").fetchall()
            masked = set(MASKED.get(name, ()))
            offset = 0 if order == "1" else 1
            keep = []
            for row in rows:
                values = list(row)
                for i, c in enumerate(cols):
                    if c in masked:
                        values[i + offset] = "*"
                named = dict(zip(cols, row[offset:], strict=True))
                if (name, named.get("tbl"), named.get("key")) in (("audit_seal", "user", None),
                                                                 ("setting", None, "sync_key_proof")):
                    values[offset + cols.index("digest" if name == "audit_seal" else "value")] = "*"
                keep.append(tuple(values))
            out[name] = keep
        out["(schema)"] = sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
        # the search index by what it holds (every term's every occurrence), not by how FTS5 cut it in segments
        for shadow in ("task_fts_data", "task_fts_idx"):
            del out[shadow]
        conn.execute("CREATE VIRTUAL TABLE temp.task_terms USING fts5vocab(main, task_fts, instance)")
        out["task_fts (terms)"] = conn.execute("SELECT * FROM temp.task_terms ORDER BY 1, 2, 3, 4").fetchall()
        conn.execute("INSERT INTO task_fts (task_fts) VALUES ('integrity-check')")  # raises if damaged
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def enrollment(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from core.demo.build import DEMO_PASSWORD, build_demo
    from core.office import open_session

    root = tmp_path_factory.mktemp("bulk")
    hub = root / "hub.db"
    build_demo(hub, scale=1, seed=1, today=TODAY)
    conn = sqlite3.connect(hub)
    unit = conn.execute("SELECT u.code FROM assignment a JOIN unit u ON u.id = a.unit_id "
                        "GROUP BY u.id ORDER BY COUNT(*) DESC, u.code LIMIT 1").fetchone()[0]
    conn.close()
    (root / "stick").mkdir()
    session = open_session(hub, "admin", DEMO_PASSWORD, TODAY)
    try:
        made = enroll.enroll_export(session, unit, root / "stick")
    finally:
        session.db.conn.close()
    return made.path, made.code


def _join(file: Path, code: str, target: Path, *, bulk: bool, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(enroll, "BULK_LOAD", bulk)
    session, _fp = enroll.init_from_enrollment(target, file, admin="admin", password="unit-pass", code=code,
                                               today=TODAY)
    session.db.conn.close()
    file.with_name(file.name + ".used").unlink()
    return target


def test_the_bulk_import_gives_the_same_rows_as_the_row_by_row_one(enrollment, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    file, code = enrollment
    bulk = content(_join(file, code, tmp_path / "bulk" / "office.db", bulk=True, monkeypatch=monkeypatch))
    rows = content(_join(file, code, tmp_path / "rows" / "office.db", bulk=False, monkeypatch=monkeypatch))
    assert bulk.keys() == rows.keys()
    for table in bulk:
        assert bulk[table] == rows[table], table
    # the snapshot did go through the bulk path: every row logged, indexed and sealed
    assert len(bulk["change_log"]) > 1000 and len(bulk["task_fts_docsize"]) == len(bulk["task"])
    assert len(bulk["audit_seal"]) == sum(len(bulk[t]) for t in enroll.audit_chain.SEALED)


def test_the_bulk_import_passes_check_and_searches(enrollment, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from core.db.connection import open_database
    from core.db.schema import schema_problems
    from core.integrity import check

    file, code = enrollment
    path = _join(file, code, tmp_path / "unit" / "office.db", bulk=True, monkeypatch=monkeypatch)
    db = open_database(path)
    try:
        assert schema_problems(db.conn) == []
        assert check(db).problems == []
        title = db.execute("SELECT title FROM task ORDER BY id DESC LIMIT 1").fetchone()[0]
        hits = db.execute("SELECT rowid FROM task_fts WHERE task_fts MATCH ?", [f'"{title[:4]}"']).fetchall()
        assert hits
        temp = db.execute("SELECT count(*) FROM temp.sqlite_master WHERE name LIKE 'cl_touch_%'").fetchone()[0]
        assert temp == 0  # a new connection: the seal capture is this session's to install
    finally:
        db.conn.close()


def test_a_trigger_it_does_not_know_keeps_the_rows_one_by_one(tmp_path: Path) -> None:
    from core.sync.bulk_load import BulkLoad

    conn = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)")
    conn.execute("CREATE TABLE log (a TEXT)")
    conn.execute("CREATE TRIGGER t_other AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.a); END")
    conn.execute("BEGIN")
    with BulkLoad(conn).inserting("t") as done:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone() == (1,)
        done(conn.executemany("INSERT INTO t (a) VALUES (?)", [("x",), ("y",)]).rowcount)
    conn.execute("COMMIT")
    assert conn.execute("SELECT a FROM log").fetchall() == [("x",), ("y",)]
