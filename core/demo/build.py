"""The demo county: a believable hub database built from a seed, for trying the app and for benchmarks.

Contract: `build_demo(path, scale=, seed=, today=)` creates a new hub database at
`path` holding `scale` years of weekly meetings ending at `today` (about 1,000
tasks, 2,000 assignments and 10,000 events a year), the same content every time
for the same (scale, seed, today) — only uuids and the directory's recorded times
differ. The users are `admin` and `clerk`, password `demo`; the setting `demo`
is 1, which `is_demo_database` checks before the CLI replaces a file.

The directory goes through `core.directory` (the validated path). Meetings,
tasks, assignments, events and their audit entries are written in bulk, because
the per-action path re-reads the assignment for every action: each assignment's
events are generated in memory by `core.demo.events` and checked by replaying
them with `workflow.fold` before they are stored, then the status cache is
refreshed with `status.refresh`. Then the supervision (core.demo.supervision: seven
inspection groups, their inspections, findings, actions and praise) goes through the
core's own calls. Runs on the caller's thread; it opens and closes its own connection.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

import sqlite_utils

from core import audit_chain, directory
from core.demo import names
from core.demo.events import DemoEvent, Plan, check_applies, simulate
from core.demo.tasks import County, DemoMeeting, DemoTask, plan_meetings, plan_tasks
from core.errors import Refusal
from core.evidence import evidence_dir
from core.format import medium_date, number
from core.i18n import _
from core.office import Session, init_office, set_setting
from core.rules.calendar import HolidayCalendar
from core.rules.ruleset import current_ruleset
from core.work import status
from core.work.workflow import HUB_ACTIONS, Status

DEMO_PASSWORD = "demo"
DEMO_USERS = (("admin", "admin"), ("clerk", "clerk"))


def is_demo_database(path: str | Path) -> bool:
    """Whether `path` is a database that `build_demo` made (setting demo = 1); False for anything else."""
    path = Path(path)
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(str(path))
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = 'demo'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "1"


def remove_database(path: Path) -> None:
    """Remove a database file with its -wal/-shm files and its evidence folder (the caller checked it)."""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    shutil.rmtree(evidence_dir(path), ignore_errors=True)


def build_demo(path: str | Path, *, scale: int = 1, seed: int = 1, today: dt.date, replace: bool = False) -> str:
    """Build the demo county at `path` (see the module contract); returns a one-line summary.

    The county is built in `<path>.<pid>.building` and put in place at the end in
    one step, so a process killed at any moment leaves the previous database (or
    none) or the finished demo. With `replace`, the file at `path` (a demo, as the
    caller has checked) is replaced by SQLite's backup API; otherwise an existing
    database is refused.
    """
    from core.backup.format import clean_leftovers, fsync_path, partial_name
    from core.sync.identity import machine_binding

    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(path.parent)
    if not replace and path.exists() and path.stat().st_size > 0:
        raise Refusal(_("A database already exists at {path}; choose another --db.").format(path=path))
    final, path = path, partial_name(path, "building")
    s = init_office(path, name=names.OFFICE_NAME, code=names.OFFICE_CODE, admin=DEMO_USERS[0][0],
                    password=DEMO_PASSWORD, today=today)
    db = s.db
    try:
        db.execute("PRAGMA synchronous = OFF")  # a demo that fails half-way is simply built again
        rng = random.Random(f"closeloop-demo/{scale}/{seed}/{today.isoformat()}")
        with db.atomic():
            for key, value in (("demo", "1"), ("demo_scale", str(scale)), ("demo_seed", str(seed)),
                               ("demo_today", today.isoformat())):
                set_setting(db, key, value)
            clerk = directory.add_user(s, DEMO_USERS[1][0], DEMO_USERS[1][1], DEMO_PASSWORD)
            county = _add_directory(s)
        clerk_session = Session(db, path, s.office, clerk, today)
        cal = HolidayCalendar.from_db(db)
        meetings = plan_meetings(today, scale, cal)
        planned = plan_tasks(rng, county, meetings, today)
        with db.atomic():
            n_events = _write_county(clerk_session, rng, cal, meetings, planned)
        from core.demo.supervision import add_supervision

        add_supervision(clerk_session, rng, today)  # groups, inspections, findings, actions (issue 16)
        # built under another name: bound to where it lands, not to the file it is built in (docs/sync.md)
        db.execute("UPDATE sync_identity SET binding = ?", [machine_binding(final)])
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("unit", "leader", "meeting", "task", "assignment")}
        db.execute("PRAGMA journal_mode = DELETE")
    finally:
        db.conn.close()
    fsync_path(path)
    try:
        _swap_in(path, final, replace)
    finally:
        remove_database(path)
    path = final
    return _("Demo county built in {path}: {units} units, {leaders} leaders, {meetings} meetings, {tasks} tasks, "
             "{assignments} assignments and {events} events as of {today}, in {seconds} s; "
             "users admin and clerk, password demo.").format(
        path=path, units=number(counts["unit"]), leaders=number(counts["leader"]),
        meetings=number(counts["meeting"]), tasks=number(counts["task"]),
        assignments=number(counts["assignment"]), events=number(n_events),
        today=medium_date(today),
        seconds=number(round(time.perf_counter() - started, 1), "#,##0.0"))


def _swap_in(built: Path, path: Path, replace: bool) -> None:
    """Put the finished demo at `path` in one step: SQLite's backup API over a demo, else a rename."""
    from core.db.connection import connect

    if replace and path.exists():
        src = sqlite3.connect(str(built))
        try:
            dst = connect(path)
            try:
                src.backup(dst.conn, pages=-1)  # one transaction: the old demo or the new one, never half
            finally:
                dst.conn.close()
        finally:
            src.close()
        shutil.rmtree(evidence_dir(path), ignore_errors=True)
        return
    for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        side.unlink(missing_ok=True)
    os.replace(built, path)


def _add_directory(s: Session) -> County:
    """Townships, departments and leaders through the validated directory calls."""
    unit_names: dict[str, str] = {}
    for code, name, _villages in names.TOWNSHIPS:
        directory.add_unit(s, code, name, "township")
        unit_names[code] = name
    for code, name, _topics in names.DEPARTMENTS:
        directory.add_unit(s, code, name, "department")
        unit_names[code] = name
    leaders_of: dict[str, list[str]] = defaultdict(list)
    contacts = defaultdict(list)
    for township, index in names.TOWNSHIP_CONTACTS.items():
        contacts[index].append(township)
    for index, (name, title, departments) in enumerate(names.LEADERS):
        units = [*departments, *contacts[index]]
        directory.add_leader(s, name, title, units)
        for code in units:
            leaders_of[code].append(name)
    return County(unit_names, {code: tuple(v) for code, v in leaders_of.items()})


def _stamp(day: dt.date, seconds: int) -> str:
    """A recorded time on `day` (UTC), `seconds` after 01:00 (09:00 in China)."""
    moment = dt.datetime.combine(day, dt.time(1, 0), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
    return moment.isoformat(timespec="microseconds")


def _audit_row(s: Session, recorded_at: str, action: str, ref: str, row_uuid: str, on: dt.date,
               **details: object) -> dict[str, object]:
    """The row `Session.audit` would write, with a recorded time of the demo's past."""
    return {"recorded_at": recorded_at, "user_name": s.user.name, "office": s.office.code, "action": action,
            "ref": ref, "row_uuid": row_uuid, "effective_date": on.isoformat(),
            "details": json.dumps(details, ensure_ascii=False, default=str)}


def _insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict[str, object]]) -> None:
    """Insert rows that all have the same keys with one `executemany` (sqlite-utils' `insert_all`
    spends most of its time checking each value's type; these rows hold only str, int and None)."""
    if not rows:
        return
    columns = list(rows[0])
    sql = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
           f"VALUES ({', '.join('?' * len(columns))})")
    db.conn.executemany(sql, [tuple(r[c] for c in columns) for r in rows])


_Rows = list[dict[str, object]]


class _Writer:
    """Writes the planned county one year at a time (memory stays that of a year's rows).

    Per year: its meetings, tasks (numbered per year in date order) and assignments,
    then every assignment's events, generated, checked and stored with one audit
    entry each (the year's audit entries in recorded order), then the status cache
    of the year's assignments. Runs inside the caller's transaction.
    """

    def __init__(self, s: Session, rng: random.Random, cal: HolidayCalendar, meetings: list[DemoMeeting]) -> None:
        db = s.db
        self.s, self.rng, self.cal, self.meetings = s, rng, cal, meetings
        self.version = current_ruleset(db)[0]
        self.unit_ids = {code: uid for uid, code in db.execute("SELECT id, code FROM unit")}
        self.leader_ids = {name: lid for lid, name in db.execute("SELECT id, name FROM leader")}
        self.reliability = {code: rng.uniform(0.82, 1.0) for code in sorted(self.unit_ids)}
        first = {t: int(db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}").fetchone()[0])
                 for t in ("meeting", "task", "assignment")}
        self.meeting_ids = [first["meeting"] + i for i in range(len(meetings))]
        self.next_task, self.next_assignment = first["task"], first["assignment"]
        self.seq: dict[int, int] = defaultdict(int)
        self.per_day: dict[dt.date, int] = defaultdict(int)
        self.events = 0

    def write_year(self, meeting_indexes: list[int], planned: list[DemoTask]) -> None:
        s, audit = self.s, []
        meeting_rows = []
        for i in meeting_indexes:
            m = self.meetings[i]
            row = s.synced_row(id=self.meeting_ids[i], kind="weekly", date=m.date.isoformat(), title=m.title,
                               created_at=_stamp(m.date, 0))
            meeting_rows.append(row)
            audit.append(_audit_row(s, str(row["created_at"]), "meeting_add", str(row["id"]), str(row["uuid"]),
                                    m.date, kind="weekly", title=m.title))
        task_rows, assignment_rows = [], []
        lives: list[tuple[DemoTask, int, str, str]] = []  # (task, assignment id, REF, unit code)
        for t in planned:
            year = t.assigned_on.year
            self.seq[year] += 1
            task_no = f"{year}-{self.seq[year]}"
            created = _stamp(t.assigned_on, self.seq[year] % 3000)
            row = s.synced_row(id=self.next_task, task_no=task_no, year=year, seq=self.seq[year], title=t.title,
                               content=t.content, category=t.category, source=t.source,
                               assigned_on=t.assigned_on.isoformat(),
                               meeting_id=None if t.meeting is None else self.meeting_ids[t.meeting],
                               leader_id=self.leader_ids[t.leader], rules_version=self.version, created_at=created)
            task_rows.append(row)
            for code, role in [(t.lead, "lead"), *[(c, "co") for c in t.co]]:
                assignment_rows.append(s.synced_row(id=self.next_assignment, task_id=self.next_task,
                                                    unit_id=self.unit_ids[code], role=role, created_at=created))
                lives.append((t, self.next_assignment, f"{task_no}/{code}", code))
                self.next_assignment += 1
            self.next_task += 1
            audit.append(_audit_row(s, created, "task_add", task_no, str(row["uuid"]), t.assigned_on,
                                    title=t.title, category=t.category, lead=t.lead, co=list(t.co),
                                    leader=t.leader, source=t.source))
        for table, rows in (("meeting", meeting_rows), ("task", task_rows), ("assignment", assignment_rows)):
            _insert_rows(s.db, table, rows)
        ids = [aid for _t, aid, _ref, _code in lives]
        event_rows = self._events(lives, status.start_statuses(s.db, ids, self.cal), audit)
        _insert_rows(s.db, "event", event_rows)
        audit.sort(key=lambda r: str(r["recorded_at"]))
        audit_chain.append_many(s.db, audit)
        status.refresh(s.db, ids, self.cal)
        s.audit("demo_year", ref=str(planned[0].assigned_on.year) if planned else "", tasks=len(task_rows),
                events=len(event_rows))  # seals the year's rows
        self.events += len(event_rows)

    def _events(self, lives: list[tuple[DemoTask, int, str, str]],
                starts: dict[int, tuple[Status, frozenset[int]]], audit: _Rows) -> _Rows:
        """The event rows of these assignments, in the order they happened; their audit rows go to `audit`."""
        s = self.s
        generated: list[tuple[int, str, DemoEvent]] = []
        for t, aid, ref, code in lives:
            start = starts[aid][0]
            plan = Plan(start, t.assigned_on, t.category == "major", self.reliability[code], t.cancel_on)
            generated.extend((aid, ref, e) for e in check_applies(start, simulate(self.rng, plan, s.today)))
        generated.sort(key=lambda g: g[2].on)  # stable: an assignment's same-day events keep their order
        rows: _Rows = []
        for aid, ref, e in generated:
            self.per_day[e.on] += 1
            recorded = _stamp(e.on, 3600 + 20 * self.per_day[e.on])
            on_behalf = e.kind not in HUB_ACTIONS
            milestones = [{"date": d.isoformat(), "text": text} for d, text in e.milestones]
            row = s.synced_row(assignment_id=aid, kind=e.kind, effective_date=e.on.isoformat(),
                               recorded_at=recorded, user_name=s.user.name, on_behalf=int(on_behalf), text=e.text,
                               date_value=e.value.isoformat() if e.value else None,
                               data=json.dumps({"milestones": milestones} if milestones else {},
                                               ensure_ascii=False))
            rows.append(row)
            audit.append(_audit_row(s, recorded, e.kind, ref, str(row["uuid"]), e.on, text=e.text, value=e.value,
                                    on_behalf=on_behalf, files=[], milestones=milestones or None))
        return rows


def _write_county(s: Session, rng: random.Random, cal: HolidayCalendar, meetings: list[DemoMeeting],
                  planned: list[DemoTask]) -> int:
    """Write everything planned, year by year; returns the number of events stored."""
    writer = _Writer(s, rng, cal, meetings)
    years = sorted({m.date.year for m in meetings} | {t.assigned_on.year for t in planned})
    for year in years:
        writer.write_year([i for i, m in enumerate(meetings) if m.date.year == year],
                          [t for t in planned if t.assigned_on.year == year])
    return writer.events
