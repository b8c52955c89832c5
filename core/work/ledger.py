"""The ledger (台账): assignments filtered, sorted and lit in SQL, and the rates of §5.

Contract: `ledger_ids()` returns the ids of the assignments a filter selects, in
the requested order (sorting and filtering happen in SQL, never by loading
rows); `ledger_rows()` fetches the display rows of some ids. Lights and rates
are computed as of a day T: with T today or later the cached status is exact;
for an earlier T the steps done after T count as not yet done (an extension or
return recorded after T is not unwound). Rates exclude cancelled assignments.
`LedgerFilter.new_only` and `LedgerRow.new` are the import marks (core.sync.marks).
`ledger_ids`, `count` and `stats` refuse a status cache edited outside the app
(core.work.status_check.guard) rather than count it.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from core import clock
from core.format import number
from core.i18n import _, ngettext
from core.work import status_check
from core.work.status import current_rules

SORT_KEYS = ("task_no", "title", "unit", "role", "leader", "assigned_on", "due", "state", "light", "days_left")
STATE_FILTERS = ("assigned", "claimed", "in_progress", "submitted", "closed", "cancelled", "open")
LIGHTS = ("red", "yellow", "green")
TARGET_RATE = 0.95  # the county's target for both rates (docs/design.md §5): the one copy in the code
GROUPS = ("unit", "leader", "kind")
FAR = "9999-12-31"


@dataclass(frozen=True)
class LedgerFilter:
    unit: str | None = None
    kind: str | None = None
    leader: str | None = None
    state: str | None = None
    light: str | None = None
    category: str | None = None
    source: str | None = None
    search: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    new_only: bool = False  # only assignments an import changed whose task is not opened yet (core.sync.marks)


@dataclass(frozen=True)
class LedgerRow:
    assignment_id: int
    ref: str
    task_no: str
    title: str
    unit_code: str
    unit_name: str
    role: str
    leader: str
    assigned_on: dt.date
    claim_due: dt.date
    report_due: dt.date
    due: dt.date
    state: str
    light: str | None
    on_time: bool | None
    days_left: int | None
    warnings: tuple[str, ...]
    next_step: str | None = None
    next_due: dt.date | None = None
    new: bool = False  # an import changed it and its task has not been opened since (core.sync.marks)


@dataclass(frozen=True)
class Stats:
    counted: int
    closed: int
    on_time: int
    completion_rate: float | None
    on_time_rate: float | None
    open: int
    red: int
    yellow: int
    green: int


def warn_days(db: sqlite_utils.Database) -> int:
    return current_rules(db)[1].deadlines.warn_days


class _AsOf:
    """SQL fragments for the state, light and days left of `s` (assignment_status) as of T."""

    def __init__(self, t: dt.date, warn: int) -> None:
        self.t = t.isoformat()
        self.tw = (t + dt.timedelta(days=warn - 1)).isoformat()
        self.exact = t >= clock.today()
        if self.exact:
            self.state = "s.state"
            self.open = "s.state IN ('assigned','claimed','in_progress','submitted')"
            self.next_due = f"COALESCE(s.next_due, '{FAR}')"
            self.closed = "s.state = 'closed'"
            self.cancelled = "s.state = 'cancelled'"
        else:
            t = f"'{self.t}'"
            self.closed = f"(s.closed_on IS NOT NULL AND s.closed_on <= {t})"
            self.cancelled = f"(s.cancelled_on IS NOT NULL AND s.cancelled_on <= {t})"
            self.open = f"(NOT {self.closed} AND NOT {self.cancelled})"
            self.next_due = (
                f"MIN(CASE WHEN s.claimed_on IS NULL OR s.claimed_on > {t} THEN s.claim_due ELSE '{FAR}' END, "
                f"CASE WHEN s.first_report_on IS NULL OR s.first_report_on > {t} THEN s.report_due ELSE '{FAR}' END, "
                f"CASE WHEN s.submitted_on IS NULL OR s.submitted_on > {t} THEN s.due ELSE '{FAR}' END)")
            self.state = (
                f"CASE WHEN {self.closed} THEN 'closed' WHEN {self.cancelled} THEN 'cancelled' "
                f"WHEN s.submitted_on IS NOT NULL AND s.submitted_on <= {t} THEN 'submitted' "
                f"WHEN s.first_report_on IS NOT NULL AND s.first_report_on <= {t} THEN 'in_progress' "
                f"WHEN s.claimed_on IS NOT NULL AND s.claimed_on <= {t} THEN 'claimed' ELSE 'assigned' END")
        self.light = (f"CASE WHEN NOT {self.open} THEN NULL WHEN {self.next_due} < '{self.t}' THEN 'red' "
                      f"WHEN {self.next_due} <= '{self.tw}' THEN 'yellow' ELSE 'green' END")
        self.light_rank = (f"CASE WHEN NOT {self.open} THEN 3 WHEN {self.next_due} < '{self.t}' THEN 0 "
                           f"WHEN {self.next_due} <= '{self.tw}' THEN 1 ELSE 2 END")
        self.days_left = (f"CASE WHEN {self.open} THEN CAST(julianday(s.due) - julianday('{self.t}') AS INTEGER) "
                          f"END")

    def light_condition(self, light: str) -> str:
        if self.exact:  # the cached next_due is indexed
            if light == "red":
                return f"({self.open} AND s.next_due < '{self.t}')"
            if light == "yellow":
                return f"({self.open} AND s.next_due BETWEEN '{self.t}' AND '{self.tw}')"
            return f"({self.open} AND (s.next_due IS NULL OR s.next_due > '{self.tw}'))"
        return f"({self.light}) = '{light}'"


_FROM = ("FROM assignment a JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id "
         "JOIN assignment_status s ON s.assignment_id = a.id LEFT JOIN leader l ON l.id = t.leader_id ")


# Every assignment has one status row (the cache's contract), one task and one unit (foreign keys),
# so these inner joins never drop a row and `ledger_ids`/`count` leave out those the query does not
# refer to. Unless a condition on the assignment, its unit or task can use an index (a unit or
# leader filter, a search, a start date), the scan is driven by assignment_status in rowid order,
# the assignment joined by its primary key (CROSS JOIN keeps that order): left to itself SQLite
# scans `assignment` through a non-covering index and fetches the rows in random order, 2-5 times
# slower over the whole ledger (EXPLAIN QUERY PLAN: "SCAN a USING INDEX assignment_unit").
_JOINS = (("t", "JOIN task t ON t.id = a.task_id "), ("u", "JOIN unit u ON u.id = a.unit_id "),
          ("l", "LEFT JOIN leader l ON l.id = t.leader_id "))
_ALIAS = re.compile(r"(?<![\w.])([tul])\.")
_INDEXED = re.compile(r"(?:WHERE|AND) (?:a\.(?:id|task_id|unit_id) IN |t\.assigned_on >= )")


def _from_for(where: str, order: str = "") -> str:
    """The FROM clause of a ledger query with these WHERE and ORDER BY texts."""
    used = set(_ALIAS.findall(where + " " + order))
    if "l" in used:
        used.add("t")
    join = "JOIN" if _INDEXED.search(where) else "CROSS JOIN"
    return (f"FROM assignment_status s {join} assignment a ON a.id = s.assignment_id "
            + "".join(clause for alias, clause in _JOINS if alias in used))


def _where(db: sqlite_utils.Database, f: LedgerFilter, q: _AsOf) -> tuple[str, list[object]]:
    clauses: list[str] = []
    args: list[object] = []
    if not q.exact:
        clauses.append(f"t.assigned_on <= '{q.t}'")
    if f.unit:
        clauses.append("a.unit_id IN (SELECT u2.id FROM unit u2 WHERE u2.code = ? COLLATE NOCASE)")
        args.append(f.unit)
    if f.kind:
        clauses.append("u.kind = ?")
        args.append(f.kind)
    if f.leader:
        # the tasks the leader is in charge of, and the assignments of the units in their charge
        # (one set, so that the indexes on task.leader_id and assignment.unit_id drive the query)
        clauses.append("a.id IN (SELECT a4.id FROM assignment a4 JOIN task t4 ON t4.id = a4.task_id "
                       "JOIN leader l4 ON l4.id = t4.leader_id WHERE l4.name = ? UNION "
                       "SELECT a4.id FROM assignment a4 JOIN leader_unit lu ON lu.unit_id = a4.unit_id "
                       "JOIN leader l2 ON l2.id = lu.leader_id WHERE l2.name = ? AND lu.active = 1)")
        args += [f.leader, f.leader]
    if f.state == "open":
        clauses.append(q.open)
    elif f.state:
        clauses.append(f"({q.state}) = ?")
        args.append(f.state)
    if f.light:
        clauses.append(q.light_condition(f.light))
    if f.category:
        clauses.append("t.category = ?")
        args.append(f.category)
    if f.source:
        clauses.append("t.source = ?")
        args.append(f.source)
    if f.date_from:
        clauses.append("t.assigned_on >= ?")
        args.append(f.date_from.isoformat())
    if f.date_to:
        clauses.append("t.assigned_on <= ?")
        args.append(f.date_to.isoformat())
    if f.new_only:
        clauses.append("a.id IN (SELECT m.assignment_id FROM import_mark m WHERE m.seen_at IS NULL)")
    if f.search and f.search.strip():
        text = f.search.strip()
        if len(text) >= 3:
            clauses.append("a.task_id IN (SELECT rowid FROM task_fts WHERE task_fts MATCH ?)")
            args.append('"' + text.replace('"', '""') + '"')
        else:
            clauses.append("a.task_id IN (SELECT t5.id FROM task t5 WHERE t5.title LIKE '%' || ? || '%' "
                           "OR t5.content LIKE '%' || ? || '%' OR t5.task_no LIKE '%' || ? || '%')")
            args += [text, text, text]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def _order(sort: str, descending: bool, q: _AsOf) -> str:
    keys = {
        "task_no": "t.year {d}, t.seq {d}", "title": "t.title {d}", "unit": "u.name {d}", "role": "a.role {d}",
        "leader": "l.name {d}", "assigned_on": "t.assigned_on {d}", "due": "s.due {d}",
        "state": f"({q.state}) {{d}}", "light": f"({q.light_rank}) {{d}}, ({q.next_due}) {{d}}",
        "days_left": f"({q.days_left}) IS NULL, s.due {{d}}",
    }
    d = "DESC" if descending else "ASC"
    return " ORDER BY " + keys[sort].format(d=d) + ", a.role DESC, a.id ASC"  # lead first within a task


def ledger_ids(db: sqlite_utils.Database, flt: LedgerFilter, *, as_of: dt.date, sort: str = "task_no",
               descending: bool = False, limit: int | None = None) -> list[int]:
    """The ids of the assignments `flt` selects as of `as_of`, in `sort` order."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    status_check.guard(db)
    q = _AsOf(as_of, warn_days(db))
    where, args = _where(db, flt, q)
    order = _order(sort, descending, q)
    sql = "SELECT a.id " + _from_for(where, order) + where + order
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [r[0] for r in db.execute(sql, args)]


def count(db: sqlite_utils.Database, flt: LedgerFilter, *, as_of: dt.date) -> int:
    status_check.guard(db)
    q = _AsOf(as_of, warn_days(db))
    where, args = _where(db, flt, q)
    return int(db.execute("SELECT COUNT(*) " + _from_for(where) + where, args).fetchone()[0])


def holiday_warnings(years_csv: str) -> tuple[str, ...]:
    return tuple(_("Holiday arrangements for {year} are not imported").format(year=y)
                 for y in years_csv.split(",") if y)


def ledger_rows(db: sqlite_utils.Database, ids: Sequence[int], *, as_of: dt.date) -> list[LedgerRow]:
    """Display rows for `ids`, in the same order."""
    if not ids:
        return []
    q = _AsOf(as_of, warn_days(db))
    by_id: dict[int, LedgerRow] = {}
    for start in range(0, len(ids), 900):
        chunk = list(ids[start:start + 900])
        marks = ",".join("?" * len(chunk))
        for r in db.execute(
                "SELECT a.id, t.task_no, t.title, u.code, u.name, a.role, COALESCE(l.name, ''), t.assigned_on, "
                f"s.claim_due, s.report_due, s.due, {q.state}, {q.light}, s.on_time, {q.days_left}, s.warnings, "
                f"{q.closed}, s.claimed_on, s.first_report_on, s.submitted_on, "
                "EXISTS (SELECT 1 FROM import_mark m WHERE m.assignment_id = a.id AND m.seen_at IS NULL) "
                + _FROM + f"WHERE a.id IN ({marks})",
                chunk):
            on_time = None if r[13] is None or not r[16] else bool(r[13])
            claim_due, report_due, due = (dt.date.fromisoformat(x) for x in r[8:11])
            step, step_due = _next_step(r[11], as_of, [(r[17], claim_due, "claim"), (r[18], report_due, "report"),
                                                       (r[19], due, "completion")])
            by_id[r[0]] = LedgerRow(r[0], f"{r[1]}/{r[3]}", r[1], r[2], r[3], r[4], r[5], r[6],
                                    dt.date.fromisoformat(r[7]), claim_due, report_due, due, r[11], r[12],
                                    on_time, r[14], holiday_warnings(r[15]), step, step_due, bool(r[20]))
    return [by_id[i] for i in ids if i in by_id]


def _next_step(state: str, as_of: dt.date, steps: list[tuple[str | None, dt.date, str]]
               ) -> tuple[str | None, dt.date | None]:
    """The earliest pending step (claim, report, completion) as of `as_of` and its due."""
    if state in ("closed", "cancelled"):
        return None, None
    pending = [(due, n, name) for n, (done, due, name) in enumerate(steps) if done is None or done > as_of.isoformat()]
    if not pending:
        return None, None
    due, _n, name = min(pending)
    return name, due


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def stats(db: sqlite_utils.Database, *, as_of: dt.date, date_from: dt.date | None = None,
          date_to: dt.date | None = None, by: str | None = None,
          flt: LedgerFilter | None = None) -> Stats | dict[str, Stats]:
    """The rates of docs/design.md §5 for assignments whose tasks were assigned in the period.

    With `by` (unit | leader | kind) a dict from unit code, leader name or kind to Stats.
    """
    if by is not None and by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    status_check.guard(db)
    q = _AsOf(as_of, warn_days(db))
    base = flt or LedgerFilter()
    where, args = _where(db, LedgerFilter(**{**base.__dict__, "date_from": date_from or base.date_from,
                                              "date_to": date_to or base.date_to}), q)
    where = (where + " AND " if where else " WHERE ") + f"NOT {q.cancelled}"
    t = f"'{q.t}'"
    closed_by_t = f"(s.closed_on IS NOT NULL AND s.closed_on <= {t})"
    select = (f"SUM(CASE WHEN s.due <= {t} OR {closed_by_t} THEN 1 ELSE 0 END), "
              f"SUM(CASE WHEN {closed_by_t} THEN 1 ELSE 0 END), "
              f"SUM(CASE WHEN {closed_by_t} AND s.on_time = 1 THEN 1 ELSE 0 END), "
              f"SUM(CASE WHEN {q.open} THEN 1 ELSE 0 END), "
              f"SUM(CASE WHEN ({q.light}) = 'red' THEN 1 ELSE 0 END), "
              f"SUM(CASE WHEN ({q.light}) = 'yellow' THEN 1 ELSE 0 END), "
              f"SUM(CASE WHEN ({q.light}) = 'green' THEN 1 ELSE 0 END)")
    if by is None:
        row = db.execute(f"SELECT {select} " + _FROM + where, args).fetchone()
        return _stats(row)
    if by == "leader":
        from_ = _FROM + ("JOIN (SELECT a2.id AS aid, l3.name AS grp FROM assignment a2 JOIN task t2 "
                         "ON t2.id = a2.task_id JOIN leader l3 ON l3.id = t2.leader_id UNION "
                         "SELECT a2.id, l3.name FROM assignment a2 JOIN leader_unit lu ON lu.unit_id = a2.unit_id "
                         "AND lu.active = 1 JOIN leader l3 ON l3.id = lu.leader_id) g ON g.aid = a.id ")
        key = "g.grp"
    else:
        from_ = _FROM
        key = "u.code" if by == "unit" else "u.kind"
    rows = db.execute(f"SELECT {key}, {select} " + from_ + where + f" GROUP BY {key} ORDER BY {key}", args)
    return {r[0]: _stats(r[1:]) for r in rows}


def _stats(row: Sequence[object]) -> Stats:
    counted, closed, on_time, open_, red, yellow, green = (int(x or 0) for x in row)  # type: ignore[call-overload]
    return Stats(counted, closed, on_time, _rate(closed, counted), _rate(on_time, counted), open_, red, yellow,
                 green)


def as_dates(row: LedgerRow) -> dict[str, object]:
    """A LedgerRow as JSON-ready values (ISO dates)."""
    return {k: (v.isoformat() if isinstance(v, dt.date) else list(v) if isinstance(v, tuple) else v)
            for k, v in row.__dict__.items()}


def step_text(step: str | None, due: dt.date | None, as_of: dt.date) -> str:
    """What the unit must do next and when ('Report 2 days overdue', 'Claim due today', '3 days left'),
    as whole translatable phrases with the number in the current locale; empty when nothing is pending.
    The ledger page and the ledger PDF use it."""
    if step is None or due is None:
        return ""
    days = (due - as_of).days
    n = abs(days)
    if days < 0:
        text = {"claim": ngettext("Claim {n} day overdue", "Claim {n} days overdue", n),
                "report": ngettext("Report {n} day overdue", "Report {n} days overdue", n)}.get(step) \
            or ngettext("Completion {n} day overdue", "Completion {n} days overdue", n)
    elif days == 0:
        text = {"claim": _("Claim due today"), "report": _("Report due today")}.get(step) or _("Completion due today")
    elif step == "claim":
        text = ngettext("Claim due in {n} day", "Claim due in {n} days", n)
    elif step == "report":
        text = ngettext("Report due in {n} day", "Report due in {n} days", n)
    else:
        text = ngettext("{n} day left", "{n} days left", n)
    return text.format(n=number(n))
