"""Filling a brand-new database in bulk: per-row insert triggers replaced by one statement a table.

Contract:
- `BulkLoad(conn)` is for a database file that no other connection knows yet (the
  enrollment's `.creating` file, core/sync/enroll.py), inside its one write transaction.
- `with bulk.inserting(table) as done:` drops the INSERT triggers on `table` (the
  file's own and this connection's TEMP ones) when the whole text of each is one of
  the three AFTER INSERT kinds it knows: the change capture (`{t}_change_insert`,
  migration m006), the search index (sqlite-utils' `{t}_ai` of `enable_fts`) and the
  seal capture (`cl_touch_{t}_insert`, core/audit_chain.py). The caller inserts the
  rows with one executemany and calls `done(n)`; the block then does each dropped
  trigger's work for the `n` rows inserted since it began, in rowid order (the order
  the triggers would have fired in: the rows get ascending rowids), and creates the
  triggers again from their own stored text. So the change log (its `seq` order
  included), the search index and the rows noted for sealing are what the triggers
  would have written, and the schema is the same text as before (`schema_problems`).
  FTS5 writes the index in fewer segments than row by row: the same terms and
  occurrences (fts5vocab), other bytes in its shadow tables.
- A table with an INSERT trigger of any other kind keeps all its triggers: its rows
  go in row by row as before, and `done(n)` does nothing. A failure inside the block
  raises; the caller's transaction rolls everything back, the dropped triggers too.
Threading: the connection's thread.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_CHANGE = re.compile(r"CREATE TRIGGER (\w+)_change_insert AFTER INSERT ON \[(\w+)\] BEGIN INSERT INTO change_log "
                     r"\(device, tbl, row_id\) SELECT device, '(\w+)', new\.rowid FROM sync_identity; END")
_FTS = re.compile(r'CREATE TRIGGER "(\w+)_ai" AFTER INSERT ON "(\w+)" BEGIN INSERT INTO "(\w+)" '
                  r'\(rowid, ((?:"\w+"(?:, )?)+)\) VALUES \(new\.rowid, ((?:new\."\w+"(?:, )?)+)\); END')
_TOUCH = re.compile(r"CREATE TRIGGER cl_touch_(\w+)_insert AFTER INSERT ON main\.\[(\w+)\] BEGIN "
                    r"INSERT OR IGNORE INTO cl_touched VALUES \('(\w+)', new\.rowid\); END")


def _normalise(sql: str) -> str:
    return " ".join(sql.split())


def bulk_statement(table: str, sql: str) -> str | None:
    """The statement doing, for the rows with rowid > ?, what this AFTER INSERT trigger does row by row.

    None when the trigger is not one of the known kinds (see the module contract).
    """
    text = _normalise(sql)
    m = _CHANGE.fullmatch(text)
    if m and m.group(1) == m.group(2) == m.group(3) == table:
        return (f"INSERT INTO change_log (device, tbl, row_id) SELECT s.device, '{table}', x.rowid "
                f"FROM [{table}] AS x, sync_identity AS s WHERE x.rowid > ? ORDER BY x.rowid")
    m = _FTS.fullmatch(text)
    if m and m.group(1) == m.group(2) == table:
        cols = m.group(4).split(", ")
        if m.group(5).split(", ") == [f"new.{c}" for c in cols]:
            return (f'INSERT INTO "{m.group(3)}" (rowid, {", ".join(cols)}) SELECT rowid, {", ".join(cols)} '
                    f'FROM "{table}" WHERE rowid > ? ORDER BY rowid')
        return None
    m = _TOUCH.fullmatch(text)
    if m and m.group(1) == m.group(2) == m.group(3) == table:
        return f"INSERT OR IGNORE INTO temp.cl_touched SELECT '{table}', rowid FROM main.[{table}] WHERE rowid > ?"
    return None


class BulkLoad:
    """Insert triggers suspended table by table on a new file (see the module contract)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _triggers(self, table: str) -> list[tuple[str, str, str]]:
        """(schema, name, sql) of every INSERT trigger on `table` (BEFORE or AFTER), main and temp."""
        out = []
        for schema in ("main", "temp"):
            for name, sql in self.conn.execute(
                    f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                    [table]):
                if " INSERT ON " in _normalise(sql).upper().split(" BEGIN ")[0]:
                    out.append((schema, name, sql))
        return out

    @contextmanager
    def inserting(self, table: str) -> Iterator[Callable[[int], None]]:
        conn = self.conn
        triggers = self._triggers(table)
        statements = [bulk_statement(table, sql) for _schema, _name, sql in triggers]
        if any(s is None for s in statements):  # one we do not know: every row through the triggers
            yield lambda n: None
            return
        before = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM main.[{table}]").fetchone()[0]
        for schema, name, _sql in triggers:
            conn.execute(f"DROP TRIGGER {schema}.[{name}]")
        inserted: list[int] = []
        yield inserted.append
        count = conn.execute(f"SELECT count(*) FROM main.[{table}] WHERE rowid > ?", [before]).fetchone()[0]
        if inserted != [count]:
            raise RuntimeError(f"bulk load of {table}: {count} new rows, {inserted} inserted")
        for statement in statements:
            conn.execute(statement, [before])  # type: ignore[arg-type]
        for schema, _name, sql in triggers:
            conn.execute(sql if schema == "main" else re.sub(r"^\s*CREATE\s+TRIGGER", "CREATE TEMP TRIGGER", sql))
