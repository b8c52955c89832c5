"""Task numbers a restore must keep from being handed out again.

Contract: task numbers are "YEAR-SEQ" (core.work.tasks). After a restore of an older
backup, the numbers issued since that backup are still on printed lists; the
setting `task_numbers_reserved` (JSON: {"YEAR": highest reserved SEQ}) records,
for each year, the highest number issued anywhere before the restore, and
`next_seq` continues after it. `issued(db)` is the highest number per year
counting the tasks and the reservation; `reserve(db, numbers)` merges a
reservation in (never lowering one). Works on any sqlite-utils Database; writes
only inside the caller's transaction.
"""
from __future__ import annotations

import json

import sqlite_utils

KEY = "task_numbers_reserved"


def reserved(db: sqlite_utils.Database) -> dict[int, int]:
    row = db.execute("SELECT value FROM setting WHERE key = ?", [KEY]).fetchone()
    if not row:
        return {}
    try:
        return {int(y): int(n) for y, n in json.loads(row[0]).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def issued(db: sqlite_utils.Database) -> dict[int, int]:
    """The highest task number per year: the tasks' and any reservation's."""
    out = dict(reserved(db))
    for year, seq in db.execute("SELECT year, MAX(seq) FROM task GROUP BY year"):
        out[int(year)] = max(out.get(int(year), 0), int(seq))
    return out


def reserve(db: sqlite_utils.Database, numbers: dict[int, int]) -> None:
    merged = reserved(db)
    for year, seq in numbers.items():
        merged[year] = max(merged.get(year, 0), seq)
    db.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
               [KEY, json.dumps({str(y): n for y, n in sorted(merged.items())})])


def next_seq(db: sqlite_utils.Database, year: int) -> int:
    """The next task number's SEQ in `year`, after every task and reservation."""
    top = db.execute("SELECT COALESCE(MAX(seq), 0) FROM task WHERE year = ?", [year]).fetchone()[0]
    return max(int(top), reserved(db).get(year, 0)) + 1


def skipped(before: dict[int, int], restored: dict[int, int]) -> list[tuple[int, int, int]]:
    """(year, first, last) of the numbers issued in `before` that `restored` does not reach."""
    return [(y, restored.get(y, 0) + 1, n) for y, n in sorted(before.items()) if n > restored.get(y, 0)]
