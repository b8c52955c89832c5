"""Trusting the status cache: its fingerprints before the ledger counts, its rebuild from the events.

Contract:
- `suspect_ids(db)` names the assignments whose cached status cannot be trusted
  without a rebuild: no status row, or a row whose `fp` is not the fingerprint
  of its content (core.work.status.FINGERPRINT_SQL), i.e. edited outside the app.
  While `status_guard.dirty` is 0 (no change of the cache since the app's last
  refresh from a clean state: triggers set it on any insert, update or delete)
  the answer is [] after reading one row; otherwise one SQL pass over every row
  (~50 ms for 20,000). The answer is remembered on the `Database` object until
  the database changes (`PRAGMA data_version` and the connection's `total_changes`).
- `guard(db)` raises a Refusal naming the first suspect REFs and `check --repair`;
  `ledger.stats`, `ledger.ledger_ids` and `ledger.count` call it before counting.
- `ensure_rows(db, ids)` writes the missing status rows of `ids` from the events
  (the cache, never data; used by `task show` so a deleted row cannot crash it).
- `mismatches(db)` recomputes every row from the events (the full check, seconds
  at 40,000 assignments) and lists each (REF, field, stored, derived).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from core.errors import Refusal
from core.i18n import ngettext
from core.work import status

_REMEMBERED = "_closeloop_status_checked"  # (data version, answer), kept on the Database object


def _version(db: sqlite_utils.Database) -> tuple[int, int]:
    return int(db.execute("PRAGMA data_version").fetchone()[0]), db.conn.total_changes


def suspect_ids(db: sqlite_utils.Database) -> list[int]:
    """Assignments without a status row or whose row does not match its fingerprint (see module)."""
    key = _version(db)
    cached: tuple[tuple[int, int], list[int]] | None = getattr(db, _REMEMBERED, None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if db.execute("SELECT dirty FROM status_guard").fetchone() == (0,):
        setattr(db, _REMEMBERED, (key, []))
        return []
    ids = sorted({int(r[0]) for r in db.execute(
        "SELECT a.id FROM assignment a LEFT JOIN assignment_status s ON s.assignment_id = a.id "
        f"WHERE s.assignment_id IS NULL OR s.fp IS NOT ({status.FINGERPRINT_SQL})")})
    setattr(db, _REMEMBERED, (key, ids))
    return ids


def refs_of(db: sqlite_utils.Database, ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        chunk = list(ids[start:start + 900])
        for aid, ref in db.execute(
                "SELECT a.id, t.task_no || '/' || u.code FROM assignment a JOIN task t ON t.id = a.task_id "
                f"JOIN unit u ON u.id = a.unit_id WHERE a.id IN ({','.join('?' * len(chunk))})", chunk):
            out[int(aid)] = str(ref)
    return out


def guard(db: sqlite_utils.Database) -> None:
    """Refuse to count from a status cache edited outside the app (see module)."""
    ids = suspect_ids(db)
    if not ids:
        return
    refs = refs_of(db, ids[:3])
    raise Refusal(ngettext(
        "The cached status of {n} assignment ({refs}) does not match what the app wrote; nothing is "
        "counted from it. Run 'check' to see what changed and 'check --repair' to rebuild it from the events.",
        "The cached status of {n} assignments ({refs}, …) does not match what the app wrote; nothing is "
        "counted from them. Run 'check' to see what changed and 'check --repair' to rebuild them from the events.",
        len(ids)).format(n=len(ids), refs=", ".join(refs[i] for i in ids[:3] if i in refs)))


def ensure_rows(db: sqlite_utils.Database, ids: Sequence[int]) -> None:
    """Write the missing status rows of `ids` from their events (a cache repair; no audit entry)."""
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    have = {int(r[0]) for r in db.execute(
        f"SELECT assignment_id FROM assignment_status WHERE assignment_id IN ({marks})", list(ids))}
    missing = [i for i in ids if i not in have]
    if missing:
        with db.atomic():
            status.refresh(db, missing)


@dataclass(frozen=True)
class Mismatch:
    """One cached field that differs from what the events give (`stored` None: no row at all)."""

    assignment_id: int
    ref: str
    field: str
    stored: object
    derived: object


def mismatches(db: sqlite_utils.Database) -> list[Mismatch]:
    """Every difference between the status cache and a rebuild from the events, in assignment order."""
    ids = [int(r[0]) for r in db.execute("SELECT id FROM assignment ORDER BY id")]
    columns = ("fp", *status.STATUS_COLUMNS)
    stored = {int(r[0]): dict(zip(columns, r[1:], strict=True)) for r in db.execute(
        f"SELECT assignment_id, {', '.join(columns)} FROM assignment_status")}
    fresh_fp = {int(r[0]): r[1] for r in db.execute(
        f"SELECT assignment_id, {status.FINGERPRINT_SQL} FROM assignment_status")}
    cal = status.holiday_calendar(db)
    found: list[tuple[int, str, object, object]] = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        for aid, (st, missing) in status.compute(db, chunk, calendar=cal).items():
            derived = status.status_row(aid, st, missing)
            row = stored.get(aid)
            if row is None:
                found.append((aid, "row", None, "missing"))
                continue
            diffs = [(c, row[c], derived[c]) for c in status.STATUS_COLUMNS if row[c] != derived[c]]
            if not diffs and row["fp"] != fresh_fp.get(aid):
                diffs = [("fp", row["fp"], fresh_fp.get(aid))]
            found.extend((aid, c, s, d) for c, s, d in diffs)
    orphans = sorted(set(stored) - set(ids))
    found.extend((aid, "row", "orphan", None) for aid in orphans)
    refs = refs_of(db, sorted({f[0] for f in found}))
    return [Mismatch(aid, refs.get(aid, f"#{aid}"), field, s, d) for aid, field, s, d in found]


def repair(db: sqlite_utils.Database) -> int:
    """Rebuild every status row from the events (inside the caller's transaction); returns how many."""
    db.execute("DELETE FROM assignment_status WHERE assignment_id NOT IN (SELECT id FROM assignment)")
    ids = [int(r[0]) for r in db.execute("SELECT id FROM assignment")]
    cal = status.holiday_calendar(db)
    for start in range(0, len(ids), 5000):
        status.refresh(db, ids[start:start + 5000], cal)
    db.execute("UPDATE status_guard SET dirty = 0")
    return len(ids)
