"""The exact schema of every version of Closeloop's database, and checking a file against it.

Contract:
- A *version* is a prefix of the registered migrations (core/db/migrations.py):
  `known_versions()` lists them, oldest first; the last is the current schema.
- `expected_schema(applied)` is the set of `(type, name, table, sql)` rows of
  `sqlite_master` that migrating an empty database through exactly `applied`
  produces (SQL with whitespace normalised), built once per version in memory.
- `schema_problems(conn)` compares a database with the version its
  `_sqlite_migrations` table claims: an unknown or out-of-order migration (a file
  made by a newer or a forged program), a missing table, column, index or trigger
  (dropped append-only triggers included) and anything extra are each one
  sentence. An empty list means the schema is exactly a known version's.
Reads only; works on any sqlite3 connection (a backup opened read-only included).
"""
from __future__ import annotations

import sqlite3
from functools import cache

import sqlite_utils

from core.i18n import _

MIGRATION_SET = "closeloop"
SchemaRow = tuple[str, str, str, str]


def _migrations():
    from core.db.migrations import migrations

    return migrations


def known_versions() -> list[tuple[str, ...]]:
    """Every known version as the tuple of its migration names, oldest first."""
    names = [m.name for m in _migrations()._migrations]
    return [tuple(names[:n]) for n in range(1, len(names) + 1)]


def current_version() -> tuple[str, ...]:
    return known_versions()[-1]


def _normalise(sql: str | None) -> str:
    return " ".join((sql or "").split())


def schema_rows(conn: sqlite3.Connection) -> frozenset[SchemaRow]:
    """The schema objects of `conn`, without SQLite's own (sqlite_autoindex_…, sqlite_sequence, stats)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return frozenset((t, n, tbl, _normalise(sql)) for t, n, tbl, sql in rows if not n.startswith("sqlite_"))


@cache
def expected_schema(applied: tuple[str, ...]) -> frozenset[SchemaRow]:
    """The schema an empty database has after exactly the migrations `applied` (a known version)."""
    versions = known_versions()
    if applied not in versions:
        raise ValueError(f"not a known version: {applied}")
    names = [m.name for m in _migrations()._migrations]
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        following = names[len(applied):]
        _migrations().apply(db, stop_before=following[0] if following else None)
        return schema_rows(conn)
    finally:
        conn.close()


def applied_migrations(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(migration set, name) rows of `_sqlite_migrations` in the order applied; [] without the table."""
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
                       ).fetchone()
    if not has:
        return []
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT migration_set, name FROM _sqlite_migrations ORDER BY rowid")]


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """Sentences naming each way `conn`'s schema differs from the known version it claims (see module)."""
    applied = applied_migrations(conn)
    if not applied:
        return [_("It has no record of Closeloop's schema versions.")]
    foreign = sorted({s for s, _n in applied if s != MIGRATION_SET})
    if foreign:
        return [_("It records schema changes of another program ({names}).").format(names=", ".join(foreign))]
    names = tuple(n for _s, n in applied)
    if names not in known_versions():
        known = set(current_version())
        unknown = [n for n in names if n not in known]
        if unknown:
            return [_("It was made by a newer or unknown version of Closeloop (schema step {name}); "
                      "update Closeloop before using it.").format(name=unknown[0])]
        return [_("Its schema steps are not in the order Closeloop applies them.")]
    expected = expected_schema(names)
    actual = schema_rows(conn)
    problems: list[str] = []
    by_name_expected = {(t, n): sql for t, n, _tbl, sql in expected}
    by_name_actual = {(t, n): sql for t, n, _tbl, sql in actual}
    for (kind, name) in sorted(by_name_expected.keys() - by_name_actual.keys()):
        problems.append(_("The {kind} {name} is missing.").format(kind=kind, name=name))
    for (kind, name) in sorted(by_name_actual.keys() - by_name_expected.keys()):
        problems.append(_("The {kind} {name} is not part of Closeloop's schema.").format(kind=kind, name=name))
    for key in sorted(by_name_expected.keys() & by_name_actual.keys()):
        if by_name_expected[key] != by_name_actual[key]:
            problems.append(_("The {kind} {name} has been altered.").format(kind=key[0], name=key[1]))
    return problems
