"""Import marks: the assignments an import changed, "new" until their task is opened (docs/sync.md).

Contract:
- `record(conn, plan, sender, bundle_id, at)`, inside the import's transaction after
  `core.sync.apply.write`: one `import_mark` row per assignment the bundle inserted or
  added events to, with `kinds`, the kinds of the events it brought for it (one entry a
  record, e.g. `claim,report,report`; `assigned` for a new assignment). Returns the ids
  marked. The table is local: never synced, never sealed, not in the audit log.
- `mark_seen(db, assignment_id, ...)` clears the marks of those assignments (sets
  `seen_at`); `task_seen(db, task_no)` those of every assignment of a task (the task
  view shows them all). Both return the ids whose mark was cleared. Opening a task is a
  read, so they never refuse: with nothing to clear they write nothing, and a database
  that cannot be written now (a read-only file, another program writing for more than
  `SEEN_BUSY_MS`) leaves the marks for the next opening and returns an empty set.
- `marked(db, ids)` is the subset of `ids` that carry a mark not yet seen.
- `latest_import(db)` summarises the latest import round: every bundle applied
  on the office's day of the newest mark (`at` is `core.clock.stamp`: the office's
  day, which CLOSELOOP_TODAY moves, with the local time, as every sync time), counted per sending office, as an
  `ImportSummary` (None when nothing was ever marked); `ImportSummary.sentence()` is the
  dashboard's "本次导入：太公镇 5 条反馈、1 项办结".
Any thread that owns the connection.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from core.format import medium_date, number
from core.i18n import _, ngettext

SEEN_BUSY_MS = 200  # how long opening a task waits for another writer before leaving the mark for later
NEW_ASSIGNMENT = "assigned"
FEEDBACK = ("claim", "report")  # 反馈: the unit's claims and progress reports


def record(conn: sqlite3.Connection, plan: object, sender: str, bundle_id: str, at: str) -> set[int]:
    """Mark the assignments the planned inserts changed (see the module contract)."""
    inserts: dict[str, list[dict]] = getattr(plan, "inserts", {})
    kinds: dict[str, list[str]] = {}
    for wire in inserts.get("assignment", []):
        kinds.setdefault(wire["uuid"], []).append(NEW_ASSIGNMENT)
    for wire in inserts.get("event", []):
        kinds.setdefault(wire["assignment_id"], []).append(str(wire.get("kind", "")))
    if not kinds:
        return set()
    ids: dict[str, int] = {}
    uuids = list(kinds)
    for start in range(0, len(uuids), 900):
        part = uuids[start:start + 900]
        ids.update(conn.execute(f"SELECT uuid, id FROM assignment WHERE uuid IN ({','.join('?' * len(part))})",
                                part).fetchall())
    rows = [(ids[u], bundle_id, sender, at, ",".join(k)) for u, k in kinds.items() if u in ids]
    conn.executemany("INSERT OR REPLACE INTO import_mark (assignment_id, bundle_id, peer, at, kinds, seen_at) "
                     "VALUES (?, ?, ?, ?, ?, NULL)", rows)
    return {r[0] for r in rows}


def marked(db: sqlite_utils.Database, ids: Iterable[int]) -> set[int]:
    """The ids among `ids` whose assignment carries a mark not yet seen."""
    out: set[int] = set()
    ids = list(ids)
    for start in range(0, len(ids), 900):
        part = ids[start:start + 900]
        out |= {r[0] for r in db.execute(
            f"SELECT DISTINCT assignment_id FROM import_mark WHERE seen_at IS NULL "
            f"AND assignment_id IN ({','.join('?' * len(part))})", part)}
    return out


def mark_seen(db: sqlite_utils.Database, assignment_id: int, *more: int) -> set[int]:
    """Clear the marks of these assignments; the ids cleared (see the module contract)."""
    from core import clock

    ids = marked(db, (assignment_id, *more))
    if not ids:
        return set()
    conn = db.conn
    before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {SEEN_BUSY_MS}")
    try:
        marks = ",".join("?" * len(ids))
        conn.execute(f"UPDATE import_mark SET seen_at = ? WHERE seen_at IS NULL AND assignment_id IN ({marks})",
                     [clock.stamp(), *sorted(ids)])
    except sqlite3.OperationalError:  # read-only, locked by another writer, a full disk: next time
        return set()
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(before)}")
    return ids


def task_seen(db: sqlite_utils.Database, task_no: str) -> set[int]:
    """Clear the marks of every assignment of task `task_no` (an unknown number clears nothing)."""
    ids = [r[0] for r in db.execute("SELECT a.id FROM assignment a JOIN task t ON t.id = a.task_id "
                                    "WHERE t.task_no = ?", [task_no.strip()])]
    return mark_seen(db, *ids) if ids else set()


@dataclass(frozen=True)
class OfficeImport:
    """What one office's bundles of the round brought: events by kind and the assignments changed."""

    code: str
    name: str
    kinds: Counter = field(default_factory=Counter)
    assignments: int = 0

    @property
    def feedback(self) -> int:
        return sum(self.kinds[k] for k in FEEDBACK)

    def parts(self) -> list[str]:
        """'5 条反馈', '1 项延期申请', '1 项办结', '2 项新交办', the counts that are not zero."""
        out = []
        if self.feedback:
            out.append(ngettext("{n} claim or progress report", "{n} claims and progress reports",
                                 self.feedback).format(
                n=number(self.feedback)))
        n = self.kinds["extension_request"]
        if n:
            out.append(ngettext("{n} extension request", "{n} extension requests", n).format(n=number(n)))
        n = self.kinds["completion"]
        if n:
            out.append(ngettext("{n} completion", "{n} completions", n).format(n=number(n)))
        n = self.kinds[NEW_ASSIGNMENT]
        if n:
            out.append(ngettext("{n} new assignment", "{n} new assignments", n).format(n=number(n)))
        return out


@dataclass(frozen=True)
class ImportSummary:
    day: dt.date                      # the local day of the round
    offices: tuple[OfficeImport, ...]  # by office code
    unseen: int                       # assignments of the round whose task has not been opened yet

    def sentence(self, today: dt.date | None = None) -> str:
        """'This import: 太公镇 5 claims and progress reports, 1 completion'; a round of a day before `today`
        names its day ('Last import (…): …'); empty when the round brought none of the kinds counted.
        `today` defaults to the office's day (`core.clock.today()`), the day the marks' times carry."""
        from core import clock

        today = today or clock.today()
        offices = []
        for office in self.offices:
            parts = office.parts()
            if parts:
                offices.append(_("{office} {counts}").format(office=office.name, counts=_(", ").join(parts)))
        if not offices:
            return ""
        joined = _("; ").join(offices)
        if self.day == today:
            return _("This import: {offices}").format(offices=joined)
        return _("Last import ({date}): {offices}").format(date=medium_date(self.day), offices=joined)


def latest_import(db: sqlite_utils.Database) -> ImportSummary | None:
    """The latest import round, per sending office (see the module contract)."""
    row = db.execute("SELECT date(MAX(at)) FROM import_mark").fetchone()
    if row is None or row[0] is None:
        return None
    day = row[0]
    per: dict[str, tuple[str, str, Counter, set[int]]] = {}
    unseen: set[int] = set()
    for peer, code, name, assignment, kinds, seen in db.execute(
            "SELECT m.peer, COALESCE(o.code, ''), COALESCE(o.name, m.peer), m.assignment_id, m.kinds, m.seen_at "
            "FROM import_mark m LEFT JOIN office o ON o.uuid = m.peer "
            "WHERE m.at >= ? AND date(m.at) = ?", [day, day]):
        entry = per.setdefault(peer, (code, name, Counter(), set()))
        entry[2].update(k for k in kinds.split(",") if k)
        entry[3].add(assignment)
        if seen is None:
            unseen.add(assignment)
    offices = tuple(sorted((OfficeImport(code, name, kinds, len(ids)) for code, name, kinds, ids in per.values()),
                           key=lambda o: o.code))
    return ImportSummary(dt.date.fromisoformat(day), offices, len(unseen))
