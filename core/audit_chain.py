"""The audit log as a hash chain, and the seals that bind each written row to its audit entry.

Contract (docs/tamper-evidence.md):
- Every audit row carries `prev_hash` (the `hash` of the row before it, `GENESIS`
  for the first) and `hash` = sha256 over `prev_hash` and the row's canonical
  content: its columns and its seals. `append()` and `append_many()` are the
  only writers; both run inside the caller's transaction.
- A *seal* (table `audit_seal`) is `(audit_id, tbl, row_id, digest)`: the digest
  of a row of a covered table (`SEALED`) as the app wrote it, recorded with the
  audit entry of that write. `install_capture(db)` creates TEMP triggers (this
  connection only, invisible to the schema) that note every row inserted or
  updated in a covered table; `append()` seals the noted rows with its entry and
  forgets them. A rolled-back write rolls its notes back with it.
- `row_digest` is the digest `check` recomputes from a row's current content.
Threading: the connection's thread, like every write.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

import sqlite_utils

GENESIS = "0" * 64
AUDIT_COLUMNS = ("id", "recorded_at", "user_name", "office", "action", "ref", "row_uuid", "effective_date",
                 "details")
# every table whose rows the app writes and never derives (the status cache and settings are not sealed)
SEALED = ("office", "unit", "leader", "leader_unit", "user", "meeting", "task", "assignment", "event",
          "evidence", "ruleset", "holiday", "holiday_year", "bonus", "criticism", "finding", "entry_evidence",
          "panel_score", "publication", "person", "inspection_group", "group_unit", "inspection", "inspection_unit",
          "inspection_task", "accountability", "accountability_evidence")
Seal = tuple[str, int, str]  # (table, rowid, digest)


# json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str), with one encoder for every call
# (dumps makes a new one each time it has arguments: a third of a seal's cost)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def _dump(value: object) -> str:
    return _ENCODER.encode(value)


def row_digest(table: str, values: Sequence[object]) -> str:
    """The digest of one row: its table and every column value (rowid first), 64 bits in hex."""
    return hashlib.sha256(_dump([table, *values]).encode()).hexdigest()[:16]


def entry_hash(prev_hash: str, values: Sequence[object], seals: Iterable[Seal]) -> str:
    """The chain hash of an audit row (`values` in AUDIT_COLUMNS order) with its seals."""
    body = _dump([prev_hash, list(values), sorted(seals)])
    return hashlib.sha256(body.encode()).hexdigest()


def install_capture(db: sqlite_utils.Database) -> None:
    """Note every insert and update of a sealed table on this connection (idempotent)."""
    conn = db.conn
    try:  # the table is the mark that this connection already captures (no look-up of temp.sqlite_master)
        conn.execute("CREATE TEMP TABLE cl_touched (tbl TEXT NOT NULL, row_id INTEGER NOT NULL, "
                     "PRIMARY KEY (tbl, row_id)) WITHOUT ROWID")
    except sqlite3.OperationalError as err:
        if "already exists" in str(err):
            return
        raise
    statements = []
    for table in SEALED:
        for when in ("INSERT", "UPDATE"):
            statements.append(
                f"CREATE TEMP TRIGGER cl_touch_{table}_{when.lower()} AFTER {when} ON main.[{table}] "
                f"BEGIN INSERT OR IGNORE INTO cl_touched VALUES ('{table}', new.rowid); END")
    for sql in statements:
        conn.execute(sql)


def _chunks(ids: Sequence[int], size: int = 900) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def table_rows(conn: sqlite3.Connection, table: str, ids: Sequence[int] | None = None
               ) -> Iterator[tuple[object, ...]]:
    """(rowid, *columns) of the rows of `table` (all, or those of `ids`)."""
    if ids is None:
        yield from conn.execute(f"SELECT rowid, * FROM [{table}]")
        return
    for chunk in _chunks(ids):
        yield from conn.execute(f"SELECT rowid, * FROM [{table}] WHERE rowid IN ({','.join('?' * len(chunk))})",
                                chunk)


def seals_of(conn: sqlite3.Connection, table: str, ids: Sequence[int] | None = None) -> list[Seal]:
    """The seals of these rows as they are now."""
    return [(table, int(r[0]), row_digest(table, r)) for r in table_rows(conn, table, ids)]


def _take_touched(conn: sqlite3.Connection) -> list[Seal]:
    try:  # read and empty the capture in one statement; a connection without capture has none
        taken = conn.execute("DELETE FROM temp.cl_touched RETURNING tbl, row_id").fetchall()
    except sqlite3.OperationalError as err:
        if "no such table" in str(err):
            return []
        raise
    touched: dict[str, list[int]] = {}
    for tbl, row_id in sorted(taken):
        touched.setdefault(tbl, []).append(int(row_id))
    return [s for tbl, ids in touched.items() for s in seals_of(conn, tbl, ids)]


def chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The id and hash of the last audit row (0 and GENESIS for an empty log)."""
    row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1] or ""))


def _insert(conn: sqlite3.Connection, values: Sequence[object], prev: str, seals: list[Seal]) -> str:
    digest = entry_hash(prev, values, seals)
    if seals:
        conn.executemany("INSERT INTO audit_seal (audit_id, tbl, row_id, digest) VALUES (?, ?, ?, ?)",
                         [(values[0], t, r, d) for t, r, d in seals])
    conn.execute(f"INSERT INTO audit ({', '.join(AUDIT_COLUMNS)}, prev_hash, hash) "
                 f"VALUES ({', '.join('?' * (len(AUDIT_COLUMNS) + 2))})", [*values, prev, digest])
    return digest


def insert_entry(conn: sqlite3.Connection, values: Sequence[object], prev: str, seals: list[Seal]) -> str:
    """Insert one chained audit row (`values` in AUDIT_COLUMNS order) with its seals; returns its hash.

    For a migration that writes its own entry (core/db/m009_supervision.py); the app uses `append`.
    """
    return _insert(conn, values, prev, seals)


def append(db: sqlite_utils.Database, row: dict[str, object], *, extra_seals: Sequence[Seal] = ()) -> int:
    """Append one audit row (without id), sealing the rows this connection wrote since the last one."""
    conn = db.conn
    last_id, prev = chain_head(conn)
    values = [last_id + 1, *(row.get(c) for c in AUDIT_COLUMNS[1:])]
    _insert(conn, values, prev, [*_take_touched(conn), *extra_seals])
    return last_id + 1


def append_many(db: sqlite_utils.Database, rows: Sequence[dict[str, object]]) -> None:
    """Append audit rows in bulk, in order, without seals (their rows are sealed by a later `append`)."""
    conn = db.conn
    last_id, prev = chain_head(conn)
    for n, row in enumerate(rows, start=1):
        values = [last_id + n, *(row.get(c) for c in AUDIT_COLUMNS[1:])]
        prev = _insert(conn, values, prev, [])


def backfill(conn: sqlite3.Connection) -> None:
    """Chain an audit log written before the chain existed, in id order (migration m005 only)."""
    prev = GENESIS
    updates = []
    for r in conn.execute(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit ORDER BY id"):
        digest = entry_hash(prev, r, [])
        updates.append((prev, digest, r[0]))
        prev = digest
    conn.executemany("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", updates)


def baseline(conn: sqlite3.Connection, recorded_at: str) -> None:
    """Seal every row already stored with one audit entry `tamper_baseline` (migration m005 only)."""
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    seals = [s for table in SEALED if table in present for s in seals_of(conn, table)]
    if not seals:
        return
    office = conn.execute("SELECT code FROM office WHERE is_self = 1").fetchone()
    last_id, prev = chain_head(conn)
    values = [last_id + 1, recorded_at, "closeloop", office[0] if office else "", "tamper_baseline", "", None,
              None, _dump({"rows": len(seals)})]
    _insert(conn, values, prev, seals)
