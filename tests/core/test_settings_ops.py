"""Settings as forms: deadline rules, the holiday calendar and backups (core.office_settings)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import backup_policy
from core.errors import Refusal, UsageError
from core.office import Changes, Session, init_office, open_session
from core.office_settings import (
    back_up_now,
    current_deadlines,
    holiday_year,
    holiday_years,
    import_notice,
    restore_backup,
    save_deadlines,
)
from core.rules.calendar import parse_notice
from core.rules.ruleset import DEFAULT_TOML, DeadlineRule, Deadlines, current_ruleset, save_ruleset
from core.work.status import dues_for
from core.work.tasks import NewTask, add_tasks

PASSWORD = "test-pass"  # the template hub's password for every user
NOTICE_2027 = (Path(__file__).resolve().parents[1] / "core" / "fixtures" / "notice_2027_invented.txt").read_text(encoding="utf-8")


def _session(path: Path, user: str) -> Iterator[Session]:
    s = open_session(path, user, PASSWORD)
    yield s
    s.db.conn.close()


@pytest.fixture
def clerk(hub_db: Path) -> Iterator[Session]:
    yield from _session(hub_db, "clerk")


@pytest.fixture
def admin(hub_db: Path) -> Iterator[Session]:
    yield from _session(hub_db, "admin")


def _dump(s: Session) -> list[str]:
    return list(s.db.conn.iterdump())


def _last_audit(s: Session) -> tuple[str, str, dict[str, object]]:
    row = s.db.execute("SELECT action, ref, details FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return row[0], row[1], json.loads(row[2])


# ----- deadline rules -------------------------------------------------------------------


def test_the_template_starts_with_version_1_and_the_defaults(clerk: Session) -> None:
    assert current_deadlines(clerk.db) == (1, Deadlines())


def test_a_saved_rule_change_is_version_2_and_new_tasks_use_it(clerk: Session) -> None:
    old, _changes = add_tasks(clerk, [NewTask("旧规则事项", "general", dt.date(2026, 3, 8), "TGZ")])
    new_rules = dataclasses.replace(Deadlines(), report=DeadlineRule(days=2, mode="workdays"), warn_days=3)
    assert save_deadlines(clerk, new_rules) == (2, Changes(rules=True))
    assert current_deadlines(clerk.db) == (2, new_rules)
    action, ref, details = _last_audit(clerk)
    assert (action, ref) == ("rules_edit", "2")
    assert details["deadlines"]["report"] == {"days": 2, "months": 0, "mode": "workdays"}
    assert details["before"]["report"] == {"days": 3, "months": 0, "mode": "calendar"}
    body = clerk.db.execute("SELECT body, author FROM ruleset WHERE version = 2").fetchone()
    assert 'report = { days = 2, mode = "workdays" }' in body[0] and body[1] == "clerk"
    # Sunday 2026-03-08: two working days are Mon 03-09 and Tue 03-10; the first task keeps version 1
    numbers, _changes = add_tasks(clerk, [NewTask("新规则事项", "general", dt.date(2026, 3, 8), "TGZ")])
    versions = dict(clerk.db.execute("SELECT task_no, rules_version FROM task").fetchall())
    assert versions == {old[0]: 1, numbers[0]: 2}
    dues = {r[0]: r[1] for r in clerk.db.execute(
        "SELECT t.task_no, st.report_due FROM task t JOIN assignment a ON a.task_id = t.id "
        "JOIN assignment_status st ON st.assignment_id = a.id")}
    assert dues == {old[0]: "2026-03-11", numbers[0]: "2026-03-10"}
    assert dues_for(clerk.db, dt.date(2026, 3, 8), "general", 2).report == dt.date(2026, 3, 10)


def test_the_other_sections_of_the_rule_set_are_kept(clerk: Session) -> None:
    with clerk.write():
        save_ruleset(clerk.db, DEFAULT_TOML.replace("base = 100", "base = 90"), "clerk", clerk.office.uuid)
    version, changes = save_deadlines(clerk, dataclasses.replace(Deadlines(), general=DeadlineRule(days=10)))
    assert (version, changes) == (3, Changes(rules=True))
    _v, rules = current_ruleset(clerk.db)
    assert rules.monthly.base == 90 and rules.deadlines.general == DeadlineRule(days=10)


def test_saving_the_same_rules_makes_no_version(clerk: Session) -> None:
    before = _dump(clerk)
    assert save_deadlines(clerk, Deadlines()) == (1, Changes())
    assert _dump(clerk) == before


@pytest.mark.parametrize(("deadlines", "words"), [
    (dataclasses.replace(Deadlines(), report=DeadlineRule(days=-1)), "first-report deadline must be from 0 to 365"),
    (dataclasses.replace(Deadlines(), claim=DeadlineRule(days=400)), "claim deadline must be from 0 to 365"),
    (dataclasses.replace(Deadlines(), general=DeadlineRule(months=1)), "general task counts days, not months"),
    (dataclasses.replace(Deadlines(), major=DeadlineRule(months=0)), "major task must be from 1 to 12 months"),
    (dataclasses.replace(Deadlines(), major=DeadlineRule(days=30, months=1)), "major task must be from 1 to 12"),
    (dataclasses.replace(Deadlines(), report=DeadlineRule(days=3, mode="weekly")), "Choose how days are counted"),
    (dataclasses.replace(Deadlines(), warn_days=0), "warning must start from 1 to 30 days"),
])
def test_invalid_values_are_refused_and_nothing_changes(clerk: Session, deadlines: Deadlines, words: str) -> None:
    before = _dump(clerk)
    with pytest.raises(UsageError, match=words):
        save_deadlines(clerk, deadlines)
    assert _dump(clerk) == before


def test_a_viewer_cannot_change_the_rules(hub_db: Path) -> None:
    for viewer in _session(hub_db, "viewer"):
        before = _dump(viewer)
        with pytest.raises(Refusal, match="may only read"):
            save_deadlines(viewer, dataclasses.replace(Deadlines(), warn_days=3))
        assert _dump(viewer) == before


# ----- holiday calendar -----------------------------------------------------------------


def test_holiday_year_lists_rest_and_make_up_days(clerk: Session) -> None:
    y = holiday_year(clerk.db, 2026)
    assert y.imported and "2026" in y.source
    rest = {d.date: d.name for d in y.rest_days}
    work = {d.date: d.name for d in y.work_days}
    assert rest[dt.date(2026, 10, 1)] == "国庆节" and dt.date(2026, 10, 10) in work
    assert dt.date(2026, 2, 14) in work and dt.date(2026, 2, 15) in rest
    assert all(d.date.year == 2026 for d in y.days)
    assert 2026 in holiday_years(clerk.db) and 2027 not in holiday_years(clerk.db)
    empty = holiday_year(clerk.db, 2027)
    assert (empty.imported, empty.days, empty.source) == (False, [], "")


def test_import_notice_saves_recomputes_and_audits(clerk: Session) -> None:
    numbers, _changes = add_tasks(clerk, [NewTask("春节前安全检查", "general", dt.date(2026, 11, 20), "TGZ")])
    result = import_notice(clerk, parse_notice(NOTICE_2027), "State Council notice 2027 (pasted)")
    assert (result.year, result.written, result.changes) == (2027, 34, Changes(calendar=True))
    assert result.recomputed == 1
    y = holiday_year(clerk.db, 2027)
    assert y.imported and y.source == "State Council notice 2027 (pasted)"
    assert {d.date for d in y.work_days} == {dt.date(2027, 2, 20), dt.date(2027, 4, 25), dt.date(2027, 5, 8),
                                            dt.date(2027, 9, 26), dt.date(2027, 10, 9)}
    assert _last_audit(clerk)[:2] == ("calendar_import", "2027")


def test_a_reimported_year_hides_the_days_it_no_longer_names(clerk: Session) -> None:
    text = (Path(__file__).parent / "fixtures" / "notice_2026.txt").read_text(encoding="utf-8")
    text = text.replace("9月20日（周日）、10月10日（周六）上班。", "9月20日（周日）上班。")
    import_notice(clerk, parse_notice(text), "corrected")
    work = {d.date for d in holiday_year(clerk.db, 2026).work_days}
    assert dt.date(2026, 9, 20) in work and dt.date(2026, 10, 10) not in work


def test_a_viewer_cannot_import_a_notice(hub_db: Path) -> None:
    for viewer in _session(hub_db, "viewer"):
        before = _dump(viewer)
        with pytest.raises(Refusal, match="may only read"):
            import_notice(viewer, parse_notice(NOTICE_2027), "x")
        assert _dump(viewer) == before


# ----- backups --------------------------------------------------------------------------


def test_back_up_now_writes_a_file_in_the_policy_folder(clerk: Session, hub_db: Path) -> None:
    target = back_up_now(clerk)
    assert target.parent == hub_db.parent / "backups" and target.is_file()
    assert backup_policy.list_backups(clerk.db, hub_db) == [target]
    assert backup_policy.policy(clerk.db, hub_db).last_backup_at is not None
    assert _last_audit(clerk)[:2] == ("backup", str(target))


def test_restore_brings_the_backup_back_after_a_safety_backup(admin: Session, hub_db: Path) -> None:
    backup = back_up_now(admin)
    add_tasks(admin, [NewTask("备份后事项", "general", dt.date(2026, 11, 20), "TGZ")])
    result = restore_backup(admin, backup, PASSWORD)
    assert admin.db.execute("SELECT COUNT(*) FROM task").fetchone()[0] == 0
    assert result.safety.is_file() and "before-restore" in result.safety.name
    assert result.changes.directory and result.changes.calendar and result.changes.rules
    assert _last_audit(admin)[:2] == ("restore", str(backup))
    # the safety backup still holds the task
    restore_backup(admin, result.safety, PASSWORD)
    assert admin.db.execute("SELECT title FROM task").fetchall() == [("备份后事项",)]


def test_restore_refusals(clerk: Session, hub_db: Path, tmp_path: Path) -> None:
    backup = back_up_now(clerk)
    with pytest.raises(Refusal, match="Only an administrator may restore a backup"):
        restore_backup(clerk, backup, PASSWORD)
    admin = open_session(hub_db, "admin", PASSWORD)
    try:
        other = init_office(tmp_path / "other.db", name="另一个督查室", code="HUB2", admin="admin",
                            password=PASSWORD)
        other.db.conn.close()
        before = _dump(admin)
        with pytest.raises(Refusal, match="belongs to another office \\(另一个督查室\\)"):
            restore_backup(admin, tmp_path / "other.db", PASSWORD)
        not_db = tmp_path / "notes.db"
        not_db.write_text("not a database", encoding="utf-8")
        with pytest.raises(Refusal):
            restore_backup(admin, not_db, PASSWORD)
        assert _dump(admin) == before
    finally:
        admin.db.conn.close()
