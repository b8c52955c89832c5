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
events are generated in memory by `core.demo_events` and checked by replaying
them with `workflow.fold` before they are stored, then the status cache is
refreshed with `status.refresh`. Runs on the caller's thread; it opens and
closes its own connection.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import sqlite3
import time
from collections import defaultdict
from pathlib import Path

import sqlite_utils
from babel.numbers import format_decimal

from core import demo_names as names
from core import directory, status
from core.demo_events import DemoEvent, Plan, check_applies, simulate
from core.demo_tasks import County, DemoMeeting, DemoTask, plan_meetings, plan_tasks
from core.evidence import evidence_dir
from core.i18n import _, babel_locale
from core.office import Session, init_office, set_setting
from core.rules.calendar import HolidayCalendar
from core.rules.ruleset import current_ruleset
from core.workflow import HUB_ACTIONS

DEMO_PASSWORD = "demo"
DEMO_USERS = (("admin", "admin"), ("clerk", "clerk"))
_BATCH = 5000


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

    With `replace`, the file at `path` (a demo, as the caller has checked) and its
    side files are removed first; otherwise an existing database is refused.
    """
    started = time.perf_counter()
    path = Path(path)
    if replace:
        remove_database(path)
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
            assignment_refs, audit_rows = _write_tasks(clerk_session, meetings, planned)
            n_events = _write_events(clerk_session, rng, planned, assignment_refs, audit_rows, cal)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("unit", "leader", "meeting", "task", "assignment")}
    finally:
        db.conn.close()
    locale = babel_locale()

    def number(n: int) -> str:
        return format_decimal(n, locale=locale)

    return _("Demo county built in {path}: {units} units, {leaders} leaders, {meetings} meetings, {tasks} tasks, "
             "{assignments} assignments and {events} events as of {today}, in {seconds} s; "
             "users admin and clerk, password demo.").format(
        path=path, units=number(counts["unit"]), leaders=number(counts["leader"]),
        meetings=number(counts["meeting"]), tasks=number(counts["task"]),
        assignments=number(counts["assignment"]), events=number(n_events), today=today.isoformat(),
        seconds=format_decimal(round(time.perf_counter() - started, 1), format="#,##0.0", locale=locale))


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


_Refs = list[list[tuple[int, str]]]  # per planned task: (assignment id, REF) of its lead and co assignments
_Rows = list[dict[str, object]]


def _write_tasks(s: Session, meetings: list[DemoMeeting], planned: list[DemoTask]) -> tuple[_Refs, _Rows]:
    """Meetings, tasks (numbered per year in date order) and assignments; returns their audit rows."""
    db = s.db
    version = current_ruleset(db)[0]
    unit_ids = {code: uid for uid, code in db.execute("SELECT id, code FROM unit")}
    leader_ids = {name: lid for lid, name in db.execute("SELECT id, name FROM leader")}
    next_id = {t: int(db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {t}").fetchone()[0])
               for t in ("meeting", "task", "assignment")}
    meeting_rows, task_rows, assignment_rows, audit_rows = [], [], [], []
    meeting_ids: list[int] = []
    for m in meetings:
        row = s.synced_row(id=next_id["meeting"], kind="weekly", date=m.date.isoformat(), title=m.title,
                           created_at=_stamp(m.date, 0))
        meeting_rows.append(row)
        meeting_ids.append(next_id["meeting"])
        audit_rows.append(_audit_row(s, str(row["created_at"]), "meeting_add", str(row["id"]), str(row["uuid"]),
                                     m.date, kind="weekly", title=m.title))
        next_id["meeting"] += 1
    refs: _Refs = []
    seq: dict[int, int] = defaultdict(int)
    for k, t in enumerate(planned):
        year = t.assigned_on.year
        seq[year] += 1
        task_no = f"{year}-{seq[year]}"
        created = _stamp(t.assigned_on, 1 + k % 3000)
        task_id = next_id["task"]
        next_id["task"] += 1
        row = s.synced_row(id=task_id, task_no=task_no, year=year, seq=seq[year], title=t.title,
                           content=t.content, category=t.category, source=t.source,
                           assigned_on=t.assigned_on.isoformat(),
                           meeting_id=None if t.meeting is None else meeting_ids[t.meeting],
                           leader_id=leader_ids[t.leader], rules_version=version, created_at=created)
        task_rows.append(row)
        mine = []
        for code, role in [(t.lead, "lead"), *[(c, "co") for c in t.co]]:
            assignment_rows.append(s.synced_row(id=next_id["assignment"], task_id=task_id, unit_id=unit_ids[code],
                                                role=role, created_at=created))
            mine.append((next_id["assignment"], f"{task_no}/{code}"))
            next_id["assignment"] += 1
        refs.append(mine)
        audit_rows.append(_audit_row(s, created, "task_add", task_no, str(row["uuid"]), t.assigned_on,
                                     title=t.title, category=t.category, lead=t.lead, co=list(t.co),
                                     leader=t.leader, source=t.source))
    _insert_rows(db, "meeting", meeting_rows)
    _insert_rows(db, "task", task_rows)
    _insert_rows(db, "assignment", assignment_rows)
    return refs, audit_rows


def _write_events(s: Session, rng: random.Random, planned: list[DemoTask], refs: _Refs, audit_rows: _Rows,
                  cal: HolidayCalendar) -> int:
    """Generate, check and store every assignment's events; store them with `audit_rows` in the
    audit log in recorded order; refresh the status cache. Returns the number of events stored.
    """
    db = s.db
    codes = [r[0] for r in db.execute("SELECT code FROM unit ORDER BY code")]
    reliability = {code: rng.uniform(0.82, 1.0) for code in codes}
    unit_of = dict(db.execute("SELECT a.id, u.code FROM assignment a JOIN unit u ON u.id = a.unit_id"))
    all_ids = [aid for mine in refs for aid, _ref in mine]
    starts = status.start_statuses(db, all_ids, cal)
    generated: list[tuple[int, str, DemoEvent]] = []
    for t, mine in zip(planned, refs, strict=True):
        for aid, ref in mine:
            code = unit_of[aid]
            start = starts[aid][0]
            plan = Plan(start, t.assigned_on, t.category == "major", reliability[code], t.cancel_on)
            events = check_applies(start, simulate(rng, plan, s.today))
            generated.extend((aid, ref, e) for e in events)
    # recorded in the order they happened; same-day events of an assignment keep their order
    generated.sort(key=lambda g: g[2].on)
    event_rows: _Rows = []
    per_day: dict[dt.date, int] = defaultdict(int)
    for aid, ref, e in generated:
        per_day[e.on] += 1
        recorded = _stamp(e.on, 3600 + 20 * per_day[e.on])
        on_behalf = e.kind not in HUB_ACTIONS
        milestones = [{"date": d.isoformat(), "text": text} for d, text in e.milestones]
        row = s.synced_row(assignment_id=aid, kind=e.kind, effective_date=e.on.isoformat(), recorded_at=recorded,
                           user_name=s.user.name, on_behalf=int(on_behalf), text=e.text,
                           date_value=e.value.isoformat() if e.value else None,
                           data=json.dumps({"milestones": milestones} if milestones else {}, ensure_ascii=False))
        event_rows.append(row)
        audit_rows.append(_audit_row(s, recorded, e.kind, ref, str(row["uuid"]), e.on, text=e.text, value=e.value,
                                     on_behalf=on_behalf, files=[], milestones=milestones or None))
    with db.atomic():
        _insert_rows(db, "event", event_rows)
        audit_rows.sort(key=lambda r: str(r["recorded_at"]))
        _insert_rows(db, "audit", audit_rows)
        for first in range(0, len(all_ids), _BATCH):
            status.refresh(db, all_ids[first:first + _BATCH], cal)
    return len(event_rows)

