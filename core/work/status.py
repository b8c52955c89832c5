"""The status cache: each assignment's derived state, dues and lights in SQL.

`assignment_status` is rebuilt from the task's dues and the assignment's events
by `workflow.fold`; it is a local cache (never synced) that lets the ledger sort
and filter 40,000 assignments in SQL. Contract: after any write that adds
events, or changes the calendar or a task's dues, call `refresh()` for the
assignments concerned inside the same transaction (or `store()` the statuses
the caller has just folded from all their events). `rebuild_all()` recomputes
every row and must leave the table unchanged when the cache is right.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import sqlite_utils

from core.dates import from_iso, iso
from core.rules.calendar import HolidayCalendar
from core.rules.deadlines import Dues, compute_dues
from core.rules.ruleset import RuleSet, parse_ruleset
from core.work.workflow import Event, Status, fold, initial

STATUS_COLUMNS = ("state", "claim_due", "report_due", "base_due", "due", "claimed_on", "first_report_on",
                  "submitted_on", "closed_on", "cancelled_on", "on_time", "late_claim", "late_report",
                  "returns", "pending_extension", "follow_up", "next_due", "warnings")


_STATES = ",assigned,claimed,in_progress,submitted,closed,cancelled,"
_DATES = ("claim_due", "report_due", "base_due", "due", "claimed_on", "first_report_on", "submitted_on",
          "closed_on", "cancelled_on", "pending_extension", "follow_up", "next_due")


def _fingerprint_sql() -> str:
    """A checksum of a status row over every column, computed by SQLite itself (see `fp`)."""
    terms = ["assignment_id", f"instr('{_STATES}', ',' || state || ',')"]
    terms += [f"COALESCE(CAST(julianday({c}) * 2 AS INTEGER) * 64 + length({c}), -1)" for c in _DATES]
    terms += ["COALESCE(on_time, -1)", "late_claim", "late_report", "returns",
              "length(warnings)", "COALESCE(CAST(replace(warnings, ',', '') AS INTEGER) % 2147483629, 0)"]
    expr = "7"
    for term in terms:
        expr = f"(({expr}) * 1000003 + ({term})) % 2147483629"
    return expr


# `assignment_status.fp`: written by `refresh` with the row, compared by core.work.status_check before the
# ledger and the rates trust the cache. A row edited outside the app no longer matches its fingerprint
# (unless the editor recomputes it, which `check` catches by rebuilding every row from the events).
FINGERPRINT_SQL = _fingerprint_sql()


@lru_cache(maxsize=64)
def _ruleset_from_body(body: str) -> RuleSet:
    return parse_ruleset(body)


def ruleset_for(db: sqlite_utils.Database, version: int) -> RuleSet:
    """The rules of `version` (parsed once per distinct text); defaults when absent."""
    row = db.execute("SELECT body FROM ruleset WHERE version = ?", [version]).fetchone()
    return _ruleset_from_body(row[0] if row else "")


def current_rules(db: sqlite_utils.Database) -> tuple[int, RuleSet]:
    """The latest rule-set version and its rules (parsed once per distinct text)."""
    row = db.execute("SELECT version, body FROM ruleset ORDER BY version DESC LIMIT 1").fetchone()
    return (int(row[0]), _ruleset_from_body(row[1])) if row else (0, _ruleset_from_body(""))


_calendars: dict[int, tuple[str, HolidayCalendar]] = {}


_CALENDAR_KEY = ("ifnull((SELECT COUNT(*) FROM holiday), '') || '|' || ifnull((SELECT MAX(rowid) FROM holiday), '') "
                 "|| '|' || ifnull((SELECT group_concat(year || source || imported_at) FROM holiday_year), '')")
_KEY_ROW = "#key"


def holiday_calendar(db: sqlite_utils.Database) -> HolidayCalendar:
    """The database's holiday calendar, re-read only when its tables changed.

    The first read on a connection takes the calendar and its change key in one
    query; later reads check the key (one small query) and re-read only on a change.
    """
    cached = _calendars.get(id(db.conn))
    if cached is not None:
        key = db.execute(f"SELECT {_CALENDAR_KEY}").fetchone()[0]
        if cached[0] == key:
            return cached[1]
    rows = db.execute("SELECT date, kind FROM holiday UNION ALL SELECT year, NULL FROM holiday_year "
                      f"UNION ALL SELECT '{_KEY_ROW}', {_CALENDAR_KEY}").fetchall()
    key = next(kind for day, kind in rows if day == _KEY_ROW)
    calendar = HolidayCalendar.from_rows(r for r in rows if r[0] != _KEY_ROW)
    _calendars[id(db.conn)] = (key, calendar)
    return calendar


def dues_for(db: sqlite_utils.Database, assigned_on: dt.date, category: str, rules_version: int,
             calendar: HolidayCalendar | None = None, days: int | None = None) -> Dues:
    """The default dues of a task assigned on `assigned_on` under that rule-set version.

    `days`: the task's own completion period (`task.due_days`), None for the rule set's.
    """
    cal = calendar or holiday_calendar(db)
    return compute_dues(assigned_on, category, ruleset_for(db, rules_version).deadlines, cal, days)


def load_events(db: sqlite_utils.Database, assignment_ids: Sequence[int]) -> dict[int, list[Event]]:
    """The events of each assignment, as workflow events (seq = recorded order)."""
    out: dict[int, list[Event]] = defaultdict(list)
    for chunk_start in range(0, len(assignment_ids), 900):
        chunk = list(assignment_ids[chunk_start:chunk_start + 900])
        marks = ",".join("?" * len(chunk))
        for aid, kind, on, value, seq in db.execute(
                f"SELECT assignment_id, kind, effective_date, date_value, id FROM event "
                f"WHERE assignment_id IN ({marks})", chunk):
            out[aid].append(Event(kind, dt.date.fromisoformat(on), from_iso(value), seq))
    return out


def start_statuses(db: sqlite_utils.Database, assignment_ids: Sequence[int],
                   calendar: HolidayCalendar | None = None) -> dict[int, tuple[Status, frozenset[int]]]:
    """Each assignment's initial status (its default dues) and the years lacking holidays.

    The dues follow the task's rule-set version and, when it has one, its own completion
    period (`task.due_days`, docs/design.md §3): every cached status, the ledger, the lights
    and the scores take their dues from here.
    """
    cal = calendar or holiday_calendar(db)
    out: dict[int, tuple[Status, frozenset[int]]] = {}
    rules: dict[int, RuleSet] = {}
    starts: dict[tuple[str, str, int, int | None], tuple[Status, frozenset[int]]] = {}  # a task's assignments share
    for chunk_start in range(0, len(assignment_ids), 900):
        chunk = list(assignment_ids[chunk_start:chunk_start + 900])
        marks = ",".join("?" * len(chunk))
        for aid, assigned_on, category, version, days in db.execute(
                f"SELECT a.id, t.assigned_on, t.category, t.rules_version, t.due_days FROM assignment a "
                f"JOIN task t ON t.id = a.task_id WHERE a.id IN ({marks})", chunk):
            key = (assigned_on, category, version, days)
            if key not in starts:
                if version not in rules:
                    rules[version] = ruleset_for(db, version)
                d = compute_dues(dt.date.fromisoformat(assigned_on), category, rules[version].deadlines, cal, days)
                starts[key] = (initial(d.claim, d.report, d.completion), d.missing_years)
            out[aid] = starts[key]
    return out


def status_row(aid: int, st: Status, missing_years: Iterable[int]) -> dict[str, object]:
    return {
        "assignment_id": aid, "state": st.state, "claim_due": iso(st.claim_due),
        "report_due": iso(st.report_due), "base_due": iso(st.base_due), "due": iso(st.due),
        "claimed_on": iso(st.claimed_on), "first_report_on": iso(st.first_report_on),
        "submitted_on": iso(st.submitted_on), "closed_on": iso(st.closed_on),
        "cancelled_on": iso(st.cancelled_on),
        "on_time": None if st.on_time is None else int(st.on_time),
        "late_claim": int(st.late_claim), "late_report": int(st.late_report), "returns": st.returns,
        "pending_extension": iso(st.pending_extension), "follow_up": iso(st.follow_up),
        "next_due": iso(st.next_due), "warnings": ",".join(str(y) for y in sorted(missing_years)),
    }


def compute(db: sqlite_utils.Database, assignment_ids: Sequence[int], *, until: dt.date | None = None,
            calendar: HolidayCalendar | None = None) -> dict[int, tuple[Status, frozenset[int]]]:
    """Fold each assignment's events (those dated on or before `until`, if given)."""
    starts = start_statuses(db, assignment_ids, calendar)
    events = load_events(db, assignment_ids)
    return {aid: (fold(start, events.get(aid, ()), until=until).status, missing)
            for aid, (start, missing) in starts.items()}


def refresh(db: sqlite_utils.Database, assignment_ids: Iterable[int],
            calendar: HolidayCalendar | None = None) -> None:
    """Recompute the cached status of these assignments (inside the caller's transaction)."""
    ids = sorted(set(assignment_ids))
    store(db, compute(db, ids, calendar=calendar))


def store(db: sqlite_utils.Database, computed: dict[int, tuple[Status, frozenset[int]]]) -> None:
    """Write statuses already folded from every event of their assignments, with their fingerprints.

    For a caller that has just folded them itself (core.work.actions.record); otherwise use `refresh()`.
    The guard's dirty flag stays as clean as it was (core.work.status_check).
    """
    ids = sorted(computed)
    clean = db.execute("SELECT dirty FROM status_guard").fetchone() == (0,)
    rows = [status_row(aid, st, missing) for aid, (st, missing) in sorted(computed.items())]
    if rows:
        columns = ("assignment_id", *STATUS_COLUMNS)
        db.conn.executemany(
            f"INSERT OR REPLACE INTO assignment_status ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})", [[r[c] for c in columns] for r in rows])
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            db.conn.execute(f"UPDATE assignment_status SET fp = {FINGERPRINT_SQL} "
                            f"WHERE assignment_id IN ({','.join('?' * len(chunk))})", chunk)
        if clean:  # the app's own rows: the cache is as clean as it was (core.work.status_check)
            db.conn.execute("UPDATE status_guard SET dirty = 0")


def rebuild_all(db: sqlite_utils.Database) -> int:
    """Recompute every assignment's status from its events; returns how many."""
    ids = [r[0] for r in db.execute("SELECT id FROM assignment")]
    cal = holiday_calendar(db)
    with db.atomic():
        for start in range(0, len(ids), 5000):
            refresh(db, ids[start:start + 5000], cal)
    return len(ids)


def refresh_years(db: sqlite_utils.Database, years: Iterable[int]) -> int:
    """Recompute assignments whose dues may fall in `years` (after a calendar import)."""
    years = sorted(set(years))
    if not years:
        return 0
    lo = dt.date(min(years) - 1, 11, 1).isoformat()
    hi = dt.date(max(years), 12, 31).isoformat()
    ids = [r[0] for r in db.execute(
        "SELECT a.id FROM assignment a JOIN task t ON t.id = a.task_id WHERE t.assigned_on BETWEEN ? AND ?",
        [lo, hi])]
    cal = holiday_calendar(db)
    for start in range(0, len(ids), 5000):
        refresh(db, ids[start:start + 5000], cal)
    return len(ids)
