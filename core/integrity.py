"""`check`: is the database as the app wrote it? (docs/tamper-evidence.md)

Contract: `check(db)` reads only and returns a `Report` whose problems are, in order:
1. `schema`: core.db.schema.schema_problems (dropped triggers, altered or extra objects);
2. `audit`: the first audit entry where the hash chain breaks (an entry altered,
   deleted before it, or inserted without the app), or seals of no entry;
3. `row`: each row of a sealed table whose content is not the one sealed with its
   latest audit entry (changed outside the app), that has no seal (added outside
   the app) or that is gone (deleted);
4. `status`: each cached status field that differs from a rebuild from the events
   (REF, field, stored, derived), a missing status row, a wrong fingerprint.
`repair(s)` rebuilds the status cache (clerk or administrator; audited as
`status_repair`) and returns the report after it. Other problems cannot be repaired:
the evidence stays until a backup from before the change is restored.
"""
from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, field

import sqlite_utils

from core import audit_chain
from core.db.schema import schema_problems
from core.i18n import _
from core.office import Session
from core.work import status_check

LABELS = {"office": "code", "unit": "code", "leader": "name", "user": "name", "meeting": "date",
          "task": "task_no", "holiday": "date", "holiday_year": "year", "ruleset": "'v' || version",
          "publication": "period || ' v' || version", "panel_score": "month", "bonus": "date",
          "criticism": "date", "finding": "date", "event": "kind || ' ' || effective_date", "person": "name",
          "inspection_group": "name", "inspection": "date", "accountability": "kind || ' ' || date"}


@dataclass(frozen=True)
class Problem:
    kind: str  # schema | audit | row | status
    message: str
    ref: str = ""
    field: str = ""
    stored: object = None
    derived: object = None


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    audit_entries: int = 0
    audit_head: str = audit_chain.GENESIS
    sealed_rows: int = 0
    assignments: int = 0
    repaired: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {"ok": self.ok, "audit_entries": self.audit_entries, "audit_head": self.audit_head,
                "sealed_rows": self.sealed_rows, "assignments": self.assignments, "repaired": self.repaired,
                "problems": [asdict(p) for p in self.problems]}


def _walk_chain(conn: sqlite3.Connection, report: Report) -> None:
    seals = conn.execute("SELECT audit_id, tbl, row_id, digest FROM audit_seal ORDER BY audit_id, tbl, row_id")
    pending = seals.fetchone()
    prev = audit_chain.GENESIS
    columns = ", ".join(audit_chain.AUDIT_COLUMNS)
    for row in conn.execute(f"SELECT {columns}, prev_hash, hash FROM audit ORDER BY id"):
        entry_id, values, prev_hash, digest = int(row[0]), row[:9], row[9], row[10]
        mine: list[audit_chain.Seal] = []
        while pending is not None and pending[0] <= entry_id:
            if pending[0] == entry_id:
                mine.append((pending[1], int(pending[2]), pending[3]))
            else:
                _broken(report, int(pending[0]), _("Audit entry {id} was deleted outside the app (the rows it "
                                                   "sealed are still recorded).").format(id=pending[0]))
                return
            pending = seals.fetchone()
        report.audit_entries += 1
        if not digest:
            _broken(report, entry_id, _("Audit entry {id} was not written by the app (it has no hash); "
                                        "the log was added to outside the app.").format(id=entry_id))
            return
        if prev_hash != prev:
            _broken(report, entry_id, _("Audit entry {id} does not follow the entry before it: entries were "
                                        "deleted or inserted before it outside the app.").format(id=entry_id))
            return
        if audit_chain.entry_hash(prev, values, mine) != digest:
            _broken(report, entry_id, _("Audit entry {id} was altered outside the app (its content or its "
                                        "seals no longer match its hash).").format(id=entry_id))
            return
        prev = digest
    if pending is not None:
        _broken(report, int(pending[0]), _("Audit entry {id} was deleted outside the app (the rows it "
                                           "sealed are still recorded).").format(id=pending[0]))
        return
    report.audit_head = prev


def _broken(report: Report, entry_id: int, message: str) -> None:
    report.problems.append(Problem("audit", message, ref=str(entry_id)))


def _label(conn: sqlite3.Connection, table: str, row_id: int) -> str:
    expr = LABELS.get(table)
    if expr is None:
        return f"{table} {row_id}"
    try:
        row = conn.execute(f"SELECT {expr} FROM [{table}] WHERE rowid = ?", [row_id]).fetchone()
    except sqlite3.Error:
        row = None
    return f"{table} {row_id} ({row[0]})" if row else f"{table} {row_id}"


def _check_rows(conn: sqlite3.Connection, report: Report) -> None:
    sealed: dict[tuple[str, int], str] = {}
    for tbl, row_id, digest in conn.execute("SELECT tbl, row_id, digest FROM audit_seal ORDER BY audit_id"):
        sealed[(tbl, int(row_id))] = digest
    report.sealed_rows = len(sealed)
    seen: set[tuple[str, int]] = set()
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in audit_chain.SEALED:
        if table not in names:
            continue
        for r in audit_chain.table_rows(conn, table):
            key = (table, int(r[0]))
            seen.add(key)
            digest = sealed.get(key)
            if digest is None:
                report.problems.append(Problem("row", _("{row} was added outside the app (no audit entry "
                                                        "records it).").format(row=_label(conn, *key)),
                                               ref=f"{table}/{key[1]}"))
            elif digest != audit_chain.row_digest(table, r):
                report.problems.append(Problem("row", _("{row} was changed outside the app (it differs from "
                                                        "what its last audit entry sealed).").format(
                    row=_label(conn, *key)), ref=f"{table}/{key[1]}"))
    for table, row_id in sorted(sealed.keys() - seen):
        report.problems.append(Problem("row", _("{table} {id} was deleted outside the app.").format(
            table=table, id=row_id), ref=f"{table}/{row_id}"))


def _check_status(db: sqlite_utils.Database, report: Report) -> None:
    report.assignments = int(db.execute("SELECT COUNT(*) FROM assignment").fetchone()[0])
    for m in status_check.mismatches(db):
        if m.field == "row":
            text = (_("{ref}: its cached status row is missing.") if m.stored is None else
                    _("{ref}: a cached status row exists for no assignment.")).format(ref=m.ref)
        else:
            text = _("{ref}: the cached {field} is {stored}, the events give {derived}.").format(
                ref=m.ref, field=m.field, stored=_show(m.stored), derived=_show(m.derived))
        report.problems.append(Problem("status", text, ref=m.ref, field=m.field, stored=m.stored,
                                       derived=m.derived))


def _show(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def check(db: sqlite_utils.Database) -> Report:
    """Every way the database differs from what the app wrote (see module); reads only."""
    report = Report()
    report.problems += [Problem("schema", p) for p in schema_problems(db.conn)]
    try:
        _walk_chain(db.conn, report)
        _check_rows(db.conn, report)
        _check_status(db, report)
    except sqlite3.Error as err:  # a table or column removed: the schema problems above say which
        report.problems.append(Problem("schema", _("The check could not read the database ({detail}).")
                                       .format(detail=err)))
    return report


def repair(s: Session) -> Report:
    """Rebuild the status cache from the events (clerk or admin; audited), then check again."""
    before = [p for p in check(s.db).problems if p.kind == "status"]
    with s.write():
        rebuilt = status_check.repair(s.db)
        s.audit("status_repair", rebuilt=rebuilt, mismatches=len(before),
                refs=sorted({p.ref for p in before})[:100])
    report = check(s.db)
    report.repaired = rebuilt
    return report
