"""The exact schema check that restore and `check` rely on (core.db.schema)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from core.db.connection import open_database
from core.db.schema import current_version, expected_schema, known_versions, schema_problems


def _fresh(tmp_path: Path) -> Path:
    path = tmp_path / "office.db"
    open_database(path).conn.close()
    return path


def test_a_freshly_migrated_database_has_exactly_the_current_schema(tmp_path: Path) -> None:
    conn = sqlite3.connect(_fresh(tmp_path))
    assert schema_problems(conn) == []
    assert len(expected_schema(current_version())) > 30
    assert known_versions()[-1] == current_version()


def test_a_dropped_trigger_is_named(tmp_path: Path) -> None:
    conn = sqlite3.connect(_fresh(tmp_path))
    conn.execute("DROP TRIGGER event_never_deleted")
    assert any("event_never_deleted" in p for p in schema_problems(conn))


def test_an_extra_table_or_an_altered_table_is_named(tmp_path: Path) -> None:
    conn = sqlite3.connect(_fresh(tmp_path))
    conn.execute("CREATE TABLE spare (x)")
    conn.execute("ALTER TABLE task ADD COLUMN extra TEXT")
    problems = schema_problems(conn)
    assert any("spare" in p for p in problems)
    assert any(" task " in f" {p} " or "task" in p.split() for p in problems), problems


def test_a_made_up_future_migration_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(_fresh(tmp_path))
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('closeloop', 'm999_future', '2030-01-01')")
    assert any("m999_future" in p for p in schema_problems(conn))


def test_a_look_alike_with_the_right_table_names_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.db"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE office (x); CREATE TABLE task (x); CREATE TABLE assignment (x);"
                       "CREATE TABLE _sqlite_migrations (migration_set, name, applied_at);"
                       "INSERT INTO _sqlite_migrations VALUES ('closeloop', 'm001_core', 'now');")
    assert schema_problems(conn) != []
