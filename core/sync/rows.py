"""Synced rows as they travel: columns without local ids, references as uuids (docs/sync.md).

Contract:
- `REFS[table]` names each column that refers to another row, and the table it
  refers to; `entry_evidence.entry_id` refers to the table named by its
  `entry_kind`. `LOCAL_COLUMNS` never travel (`office.is_self`).
- `encode(db, table, rowids)` yields `(rowid, wire)` pairs: `wire` holds every
  column except `id` and the local ones, with references replaced by the referenced
  row's uuid (None stays None). Holiday rows are keyed by their date, holiday
  years by their year, and carry no uuid.
- `Resolver` maps uuids back to this database's ids, table by table, in batches;
  `decode()` gives the column values to insert (None for an unknown reference:
  the caller treats it as a refusal or a hold).
Reads only; the caller's thread and transaction.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from core.db.migrations import SYNC_KEYED, SYNC_TABLES

REFS: dict[str, dict[str, str]] = {
    "office": {"unit_id": "unit"},
    "leader_unit": {"leader_id": "leader", "unit_id": "unit"},
    "task": {"meeting_id": "meeting", "leader_id": "leader"},
    "assignment": {"task_id": "task", "unit_id": "unit"},
    "event": {"assignment_id": "assignment"},
    "evidence": {"event_id": "event"},
    "bonus": {"unit_id": "unit"},
    "criticism": {"unit_id": "unit", "finding_id": "finding"},
    "finding": {"unit_id": "unit", "inspection_id": "inspection", "task_id": "task"},
    "person": {"unit_id": "unit"},
    "group_unit": {"group_id": "inspection_group", "unit_id": "unit"},
    "inspection": {"group_id": "inspection_group"},
    "inspection_unit": {"inspection_id": "inspection", "unit_id": "unit"},
    "inspection_task": {"inspection_id": "inspection", "task_id": "task"},
    "accountability": {"unit_id": "unit", "finding_id": "finding"},
    "accountability_evidence": {"action_id": "accountability"},
    "panel_score": {"leader_id": "leader", "unit_id": "unit"},
    "publication": {"superseded_by": "publication"},
    "entry_evidence": {"entry_id": "*entry_kind"},
}
LOCAL_COLUMNS = {"office": ("is_self",)}
KEY_COLUMN = {"holiday": "date", "holiday_year": "year"}
ALL_TABLES = ("unit", *(t for t in SYNC_TABLES if t != "unit"), *SYNC_KEYED)  # units before offices
# Columns an owner may change after a row was made (migrations.FIXED_COLUMNS are the others).
MUTABLE_TABLES = ("office", "unit", "leader", "leader_unit", "publication", "inspection_group", "group_unit")
CHUNK = 900


_COLUMNS: dict[str, tuple[str, ...]] = {}


def columns(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    """Every column of `table`, in schema order (the same in every database at the current schema)."""
    if table not in _COLUMNS:
        _COLUMNS[table] = tuple(r[1] for r in conn.execute(f"PRAGMA table_info([{table}])"))
    return _COLUMNS[table]


def wire_columns(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    """The columns that travel: all but the local id and the local columns."""
    skip = {"id", *LOCAL_COLUMNS.get(table, ())}
    return tuple(c for c in columns(conn, table) if c not in skip)


def chunks(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def uuids_of(conn: sqlite3.Connection, table: str, ids: Iterable[int]) -> dict[int, str]:
    """id → uuid of these rows of `table`."""
    ids = sorted({i for i in ids if i is not None})
    out: dict[int, str] = {}
    for part in chunks(ids):
        out.update(conn.execute(f"SELECT id, uuid FROM [{table}] WHERE id IN ({','.join('?' * len(part))})",
                                list(part)).fetchall())
    return out


def encode(conn: sqlite3.Connection, table: str, rowids: Sequence[int]) -> Iterator[tuple[int, dict]]:
    """(rowid, wire row) of these rows of `table`; see the module contract."""
    cols = wire_columns(conn, table)
    refs = REFS.get(table, {})
    for part in chunks(sorted(rowids)):
        rows = conn.execute(f"SELECT rowid, {', '.join(f'[{c}]' for c in cols)} FROM [{table}] "
                            f"WHERE rowid IN ({','.join('?' * len(part))})", list(part)).fetchall()
        dicts = [(r[0], dict(zip(cols, r[1:], strict=True))) for r in rows]
        for column, target in refs.items():
            if target.startswith("*"):
                kind_col = target[1:]
                by_kind: dict[str, list[int]] = {}
                for _rid, d in dicts:
                    by_kind.setdefault(d[kind_col], []).append(d[column])
                maps = {kind: uuids_of(conn, kind, ids) for kind, ids in by_kind.items()}
                for _rid, d in dicts:
                    d[column] = maps[d[kind_col]].get(d[column])
            else:
                mapping = uuids_of(conn, target, [d[column] for _rid, d in dicts])
                for _rid, d in dicts:
                    if d[column] is not None:
                        d[column] = mapping.get(d[column])
        yield from dicts


class Resolver:
    """uuid → local id, per table, cached; `learn()` adds rows just inserted."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.known: dict[str, dict[str, int]] = {}
        self.absent: dict[str, set[str]] = {}  # looked up and not held (until loaded again)

    def load(self, table: str, uuids: Iterable[str]) -> None:
        have = self.known.setdefault(table, {})
        absent = self.absent.setdefault(table, set())
        wanted = sorted({u for u in uuids if u is not None and u not in have})
        for part in chunks(wanted):
            have.update(self.conn.execute(
                f"SELECT uuid, id FROM [{table}] WHERE uuid IN ({','.join('?' * len(part))})", list(part)))
        absent.difference_update(wanted)
        absent.update(u for u in wanted if u not in have)

    def get(self, table: str, uuid: str | None) -> int | None:
        if uuid is None:
            return None
        have = self.known.setdefault(table, {})
        if uuid not in have and uuid not in self.absent.get(table, ()):
            self.load(table, [uuid])
        return have.get(uuid)

    def learn(self, table: str, mapping: dict[str, int]) -> None:
        self.known.setdefault(table, {}).update(mapping)


def ref_target(table: str, column: str, wire: dict) -> str:
    """The table a reference column of this wire row points into."""
    target = REFS[table][column]
    return wire[target[1:]] if target.startswith("*") else target


def preload(resolver: Resolver, table: str, wires: Iterable[dict]) -> None:
    """Load, in batches, every row the references of these wire rows point to (no look-up per row)."""
    wanted: dict[str, set[str]] = {}
    for wire in wires:
        for column in REFS.get(table, {}):
            value = wire.get(column)
            if value is not None:
                wanted.setdefault(ref_target(table, column, wire), set()).add(value)
    for target, uuids in wanted.items():
        resolver.load(target, uuids)


def unresolved(resolver: Resolver, table: str, wire: dict) -> list[str]:
    """The reference columns of `wire` whose row this database does not hold."""
    missing = []
    for column in REFS.get(table, {}):
        value = wire.get(column)
        if value is not None and resolver.get(ref_target(table, column, wire), value) is None:
            missing.append(column)
    return missing


def decode(resolver: Resolver, table: str, wire: dict) -> dict:
    """The column values of `wire` for this database (references as local ids)."""
    values = dict(wire)
    for column in REFS.get(table, {}):
        if values.get(column) is not None:
            values[column] = resolver.get(ref_target(table, column, wire), values[column])
    return values
