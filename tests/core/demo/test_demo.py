"""The demo county: reproducible, believable (counts, rates, lights) and consistent with the core's rules.

One scale-1 demo is built per module (about a second) and only read; the tests
that write work on a copy.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.auth import sign_in
from core.db.connection import open_database
from core.demo.build import build_demo, is_demo_database
from core.errors import Refusal
from core.i18n import set_language
from core.office import init_office
from core.work import ledger, status, workflow
from tests._shared.db_copy import copy_database

TODAY = dt.date(2026, 11, 27)
SEED = 7


def _build(path: Path, seed: int = SEED, *, replace: bool = False) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLOSELOOP_TODAY", TODAY.isoformat())
        mp.setenv("CLOSELOOP_LANG", "en")
        set_language("en")
        return build_demo(path, scale=1, seed=seed, today=TODAY, replace=replace)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    _build(path)
    return path


@pytest.fixture
def db(demo: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(demo)
    yield conn
    conn.close()


def _content(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything but uuids and the directory's recorded times."""
    conn = sqlite3.connect(path)
    try:
        return {
            "tasks": conn.execute("SELECT task_no, title, content, category, source, assigned_on, leader_id, "
                                  "meeting_id FROM task ORDER BY id").fetchall(),
            "assignments": conn.execute("SELECT a.id, a.task_id, u.code, a.role FROM assignment a "
                                        "JOIN unit u ON u.id = a.unit_id ORDER BY a.id").fetchall(),
            "status": conn.execute("SELECT * FROM assignment_status ORDER BY assignment_id").fetchall(),
            "events": conn.execute("SELECT assignment_id, kind, effective_date, recorded_at, text, date_value, "
                                   "data, on_behalf FROM event ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


def test_the_same_seed_gives_the_same_county_and_another_seed_another(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    _build(again)
    first, second = _content(demo), _content(again)
    assert first["tasks"] and first["events"]
    for key in first:
        assert first[key] == second[key], key
    other = tmp_path / "other.db"
    _build(other, seed=SEED + 1)
    assert _content(other)["tasks"] != first["tasks"]


def test_counts_are_those_of_a_county_year(db: sqlite3.Connection) -> None:
    def n(sql: str) -> int:
        return int(db.execute(sql).fetchone()[0])

    assert n("SELECT COUNT(*) FROM unit WHERE kind = 'township'") == 15
    assert 55 <= n("SELECT COUNT(*) FROM unit WHERE kind = 'department'") <= 65
    assert n("SELECT COUNT(*) FROM leader") == 25
    assert n("SELECT COUNT(*) FROM unit WHERE id NOT IN (SELECT unit_id FROM leader_unit)") == 0
    assert 45 <= n("SELECT COUNT(*) FROM meeting WHERE kind = 'weekly'") <= 53
    assert n("SELECT COUNT(*) FROM meeting WHERE strftime('%w', date) != '0'") == 0  # Sundays
    tasks, assignments, events = (n(f"SELECT COUNT(*) FROM {t}") for t in ("task", "assignment", "event"))
    assert 700 <= tasks <= 1400
    assert 1.6 * tasks <= assignments <= 2.4 * tasks
    assert 3.5 * assignments <= events <= 7 * assignments
    assert n("SELECT COUNT(*) FROM task WHERE task_no != year || '-' || seq") == 0
    # every task has its leader, but an inspection's rectification tasks (core.supervision: the unit found at fault)
    assert n("SELECT COUNT(*) FROM task WHERE leader_id IS NULL AND id NOT IN (SELECT task_id FROM finding "
             "WHERE task_id IS NOT NULL)") == 0
    assert n("SELECT COUNT(*) FROM inspection_group") == 7 and n("SELECT COUNT(*) FROM inspection") >= 10
    assert n("SELECT COUNT(*) FROM finding WHERE task_id IS NOT NULL") >= 3
    assert n("SELECT COUNT(*) FROM task t WHERE (SELECT COUNT(*) FROM assignment a "
             "WHERE a.task_id = t.id AND a.role = 'lead') != 1") == 0
    assert 0.10 <= n("SELECT COUNT(*) FROM task WHERE category = 'major'") / tasks <= 0.22
    assert 5 <= n("SELECT COUNT(*) FROM task WHERE source = 'instruction'") <= 40
    kinds = {k for (k,) in db.execute("SELECT DISTINCT kind FROM event")}
    assert kinds == set(workflow.ACTIONS)
    assert n("SELECT COUNT(*) FROM event WHERE user_name != 'clerk'") == 0
    assert n("SELECT COUNT(*) FROM event WHERE on_behalf != (kind IN ('claim', 'report', 'completion', "
             "'extension_request'))") == 0
    # one audit entry per event, naming it by uuid
    assert n("SELECT COUNT(*) FROM event e JOIN audit a ON a.row_uuid = e.uuid AND a.action = e.kind "
             "AND a.effective_date = e.effective_date") == events
    assert {r[0] for r in db.execute("SELECT name FROM user")} == {"admin", "clerk"}


def test_users_sign_in_with_the_demo_password(demo: Path) -> None:
    database = open_database(demo)
    try:
        assert sign_in(database, "clerk", "demo").role == "clerk"
        assert sign_in(database, "admin", "demo").role == "admin"
    finally:
        database.conn.close()


def test_no_event_is_dated_after_today_or_before_its_task(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT MAX(effective_date) FROM event").fetchone()[0] <= TODAY.isoformat()
    assert db.execute("SELECT MAX(assigned_on) FROM task").fetchone()[0] <= TODAY.isoformat()
    assert db.execute("SELECT COUNT(*) FROM event e JOIN assignment a ON a.id = e.assignment_id "
                      "JOIN task t ON t.id = a.task_id WHERE e.effective_date < t.assigned_on").fetchone()[0] == 0


def test_every_stored_event_applies_when_replayed(demo: Path) -> None:
    database = open_database(demo)
    try:
        ids = [r[0] for r in database.execute("SELECT id FROM assignment ORDER BY id")]
        starts = status.start_statuses(database, ids)
        events = status.load_events(database, ids)
    finally:
        database.conn.close()
    for aid in ids:
        result = workflow.fold(starts[aid][0], events.get(aid, []))
        assert not result.skipped, (aid, result.skipped)
        assert not result.repeats, (aid, result.repeats)


def test_rebuilding_the_status_cache_changes_nothing(demo: Path, tmp_path: Path) -> None:
    copy = copy_database(demo, tmp_path / "copy.db")
    sql = "SELECT * FROM assignment_status ORDER BY assignment_id"
    database = open_database(copy)
    try:
        before = database.execute(sql).fetchall()
        assert status.rebuild_all(database) == len(before)
        assert database.execute(sql).fetchall() == before
    finally:
        database.conn.close()


def test_the_county_rate_is_believable_and_every_light_shows(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = open_database(demo)
    try:
        year = ledger.stats(database, as_of=TODAY, date_from=TODAY.replace(year=TODAY.year - 1))
        assert isinstance(year, ledger.Stats) and year.completion_rate is not None
        assert 0.85 <= year.completion_rate <= 0.99
        assert year.on_time_rate is not None and 0.7 <= year.on_time_rate < year.completion_rate
        assert year.red > 0 and year.yellow > 0 and year.green > 0
        by_unit = ledger.stats(database, as_of=TODAY, by="unit")
        assert isinstance(by_unit, dict) and len(by_unit) == 75
        rates = [s.completion_rate for s in by_unit.values() if s.completion_rate is not None]
        assert min(rates) < max(rates)  # units differ: the monthly ranking has something to rank
        # no event is after today, so the cached status (exact path) and the as-of reconstruction agree
        monkeypatch.setenv("CLOSELOOP_TODAY", (TODAY - dt.timedelta(days=1)).isoformat())
        exact = ledger.stats(database, as_of=TODAY)
        monkeypatch.setenv("CLOSELOOP_TODAY", (TODAY + dt.timedelta(days=1)).isoformat())
        rebuilt = ledger.stats(database, as_of=TODAY)
        assert exact == rebuilt
        for light in ledger.LIGHTS:
            ids = ledger.ledger_ids(database, ledger.LedgerFilter(light=light), as_of=TODAY)
            assert ids and {r.light for r in ledger.ledger_rows(database, ids, as_of=TODAY)} == {light}
    finally:
        database.conn.close()


def test_older_items_are_mostly_closed_and_recent_ones_open(demo: Path) -> None:
    database = open_database(demo)
    try:
        old = ledger.stats(database, as_of=TODAY, date_to=TODAY - dt.timedelta(days=180))
        recent = ledger.stats(database, as_of=TODAY, date_from=TODAY - dt.timedelta(days=14))
    finally:
        database.conn.close()
    assert isinstance(old, ledger.Stats) and isinstance(recent, ledger.Stats)
    assert old.completion_rate is not None and old.completion_rate >= 0.97
    assert recent.open > recent.closed


def test_is_demo_database(demo: Path, tmp_path: Path) -> None:
    assert is_demo_database(demo)
    real = tmp_path / "real.db"
    init_office(real, name="示例市委督查室", code="HUB", admin="admin", password="demo", today=TODAY).db.conn.close()
    assert not is_demo_database(real)
    assert not is_demo_database(tmp_path / "missing.db")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert not is_demo_database(junk)


def test_replace_removes_the_old_demo_and_its_side_files(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    _build(path, seed=3)
    evidence = tmp_path / "demo.db.evidence" / "ab"
    evidence.mkdir(parents=True)
    (evidence / "ab12").write_bytes(b"x")
    with pytest.raises(Refusal):
        _build(path, seed=3)
    summary = _build(path, seed=4, replace=True)
    assert not (tmp_path / "demo.db.evidence").exists()
    assert is_demo_database(path)
    conn = sqlite3.connect(path)
    try:
        tasks = conn.execute("SELECT COUNT(*) FROM task").fetchone()[0]
        assert conn.execute("SELECT value FROM setting WHERE key = 'demo_seed'").fetchone()[0] == "4"
    finally:
        conn.close()
    assert f"{tasks:,} tasks" in summary and str(path) in summary
