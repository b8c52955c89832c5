"""Tamper evidence (issue 10): each edit made with raw sqlite3 is named by `check` (rc 1); the status
cache is checked and rebuilt from the events; forged status rows are never counted."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from core import directory
from core.demo.build import DEMO_PASSWORD, build_demo
from core.office import open_session
from tests._shared.paths import FIXTURES

TODAY = dt.date(2026, 11, 27)
DEMO_ENV = {"CLOSELOOP_PASSWORD": DEMO_PASSWORD}
PASSWORD = "test-pass"


def _run(db: Path, *args: str, user: str | None = None) -> int:
    from main import main

    return main(["--db", str(db), *(["--user", user] if user else []), *args])


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tamper_demo") / "demo.db"
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_LANG", "en")
    try:
        build_demo(path, scale=1, seed=3, today=TODAY)
    finally:
        mp.undo()
    return path


@pytest.fixture(scope="module")
def busy_hub(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template hub after one of each legitimate write the app makes (CLI and core calls)."""
    from tests.core.conftest import copy_database

    folder = tmp_path_factory.mktemp("busy_hub")
    path = folder / "hub.db"
    copy_database(template_hub, path)
    proof = folder / "proof.txt"
    proof.write_text("证明材料", encoding="utf-8")
    mp = pytest.MonkeyPatch()
    for key, value in (("CLOSELOOP_LANG", "en"), ("CLOSELOOP_TODAY", TODAY.isoformat()),
                       ("CLOSELOOP_PASSWORD", PASSWORD), ("CLOSELOOP_NEW_PASSWORD", PASSWORD)):
        mp.setenv(key, value)
    try:
        for args in (
                ("meeting", "add", "--kind", "weekly", "--date", "2026-11-02"),
                ("task", "add", "--title", "城区污水管网改造", "--category", "general", "--date", "2026-11-02",
                 "--lead", "TGZ", "--co", "FGJ", "--leader", "王建国", "--meeting", "1"),
                ("claim", "2026-1/TGZ", "--on", "2026-11-02"),
                ("report", "2026-1/TGZ", "--on", "2026-11-04", "--text", "已部署", "--attach", str(proof)),
                ("bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2026-10-05", "--text", "表扬",
                 "--attach", str(proof)),
                ("criticism", "add", "--unit", "XYJ", "--on", "2026-10-06", "--text", "通报批评"),
                ("finding", "add", "--unit", "FGJ", "--on", "2026-10-07", "--text", "台账不全"),
                ("panel", "set", "2026-10", "--leader", "王建国", "--unit", "TGZ", "--score", "8"),
                ("score", "month", "2026-10", "--publish"),
                ("score", "reopen", "2026-10", "--reason", "复核"),
                ("score", "month", "2026-10", "--publish"),
                ("user", "add", "--name", "小李", "--role", "viewer")):
            assert _run(path, *args) == 0, args
        s = open_session(path, "admin", PASSWORD, TODAY)
        try:
            directory.set_user_role(s, "小李", "clerk")
            directory.reset_password(s, "小李", "another-pass")
            directory.set_user_active(s, "viewer", False)
            directory.edit_unit(s, "ZJJ", "县住房和城乡建设局", "department")
            directory.set_unit_active(s, "ZJJ", False)
            directory.edit_leader(s, "王建国", "县委常委、副县长", ["TGZ"])
        finally:
            s.db.conn.close()
    finally:
        mp.undo()
    return path


def _copy(source: Path, target: Path) -> Path:
    from tests.core.conftest import copy_database

    copy_database(source, target)
    return target


def _sql(path: Path, script: str) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(script)
        conn.commit()
    finally:
        conn.close()


def test_check_on_an_untouched_demo_reports_nothing(cli, demo_db: Path, tmp_path: Path) -> None:  # noqa: ANN001
    db = _copy(demo_db, tmp_path / "demo.db")
    r = cli("check", db=db, env=DEMO_ENV)
    assert r.code == 0 and "nothing was changed outside the app" in r.out
    report = cli.json("check", db=db, env=DEMO_ENV)
    assert report["ok"] is True and report["problems"] == []
    assert report["audit_entries"] > 1000 and report["sealed_rows"] > 1000 and len(report["audit_head"]) == 64
    _sql(db, "DROP TRIGGER audit_never_deleted; DELETE FROM audit WHERE id = 5000")  # an entry without seals
    r = cli("check", db=db, env=DEMO_ENV)
    assert r.code == 1 and "Audit entry 5001 does not follow the entry before it" in r.out


def test_every_legitimate_write_is_sealed(cli, busy_hub: Path, tmp_path: Path) -> None:  # noqa: ANN001
    db = _copy(busy_hub, tmp_path / "hub.db")
    report = json.loads(cli("check", "--json", db=db).out)
    assert report["problems"] == [] and report["ok"]


def test_updates_of_immutable_rows_are_refused_by_the_schema(busy_hub: Path, tmp_path: Path) -> None:
    db = _copy(busy_hub, tmp_path / "hub.db")
    for sql in ("UPDATE task SET title = 'x'", "UPDATE evidence SET name = 'x'", "UPDATE panel_score SET score = 1",
                "UPDATE bonus SET text = 'x'", "UPDATE finding SET date = '2026-01-01'",
                "UPDATE ruleset SET body = ''", "UPDATE entry_evidence SET name = 'x'",
                "UPDATE publication SET snapshot = '[]'", "UPDATE unit SET code = 'X'", "UPDATE user SET name = 'x'",
                "UPDATE audit SET ref = 'x'", "UPDATE audit_seal SET digest = 'x'", "DELETE FROM audit_seal"):
        with pytest.raises(sqlite3.DatabaseError):
            _sql(db, sql)


# (raw SQL, a phrase of the problem `check` names)
TAMPERING = {
    "task title": ("DROP TRIGGER task_immutable; UPDATE task SET title = '改过的' WHERE task_no = '2026-1'",
                   "task 1 (2026-1) was changed outside the app"),
    "evidence": ("DROP TRIGGER evidence_immutable; UPDATE evidence SET sha256 = 'f' || substr(sha256, 2)",
                 "evidence 1 was changed outside the app"),
    "entry evidence": ("DROP TRIGGER entry_evidence_immutable; UPDATE entry_evidence SET size = 1",
                       "entry_evidence 1 was changed outside the app"),
    "panel score": ("DROP TRIGGER panel_score_immutable; UPDATE panel_score SET score = 10",
                    "panel_score 1 (2026-10) was changed outside the app"),
    "publication": ("UPDATE publication SET superseded_by = NULL", "publication 1 (2026-10 v1) was changed"),
    "reopened publication": ("UPDATE publication SET reopened_reason = NULL, reopened_at = NULL WHERE version = 1",
                             "publication 1 (2026-10 v1) was changed"),
    "bonus": ("DROP TRIGGER bonus_immutable; UPDATE bonus SET kind = 'approving_instruction'",
              "bonus 1 (2026-10-05) was changed outside the app"),
    "criticism": ("DROP TRIGGER criticism_immutable; UPDATE criticism SET date = '2026-11-06'",
                  "criticism 1 (2026-11-06) was changed outside the app"),
    "finding": ("DROP TRIGGER finding_immutable; UPDATE finding SET text = '无'", "finding 1 (2026-10-07) was changed"),
    "rule set": ("DROP TRIGGER ruleset_immutable; UPDATE ruleset SET body = ''", "ruleset 1 (v1) was changed"),
    "holiday": ("UPDATE holiday SET kind = 'work' WHERE date = '2026-10-01'", "(2026-10-01) was changed"),
    "user role": ("UPDATE user SET role = 'admin' WHERE name = 'clerk'", "user 2 (clerk) was changed"),
    "user active": ("UPDATE user SET active = 1 WHERE name = 'viewer'", "user 3 (viewer) was changed"),
    "password hash": ("UPDATE user SET password_hash = (SELECT password_hash FROM user WHERE name = 'admin') "
                      "WHERE name = '小李'", "(小李) was changed"),
    "unit": ("UPDATE unit SET active = 1 WHERE code = 'ZJJ'", "(ZJJ) was changed outside the app"),
    "leader": ("UPDATE leader SET title = '县长'", "(王建国) was changed outside the app"),
    "event": ("DROP TRIGGER event_immutable; UPDATE event SET effective_date = '2026-11-03' WHERE kind = 'report'",
              "(report 2026-11-03) was changed outside the app"),
    "forged event": ("INSERT INTO event (uuid, owner, rev, assignment_id, kind, effective_date, recorded_at, "
                     "user_name) VALUES ('f', 'o', 1, 2, 'claim', '2026-11-03', '2026-11-03', 'clerk')",
                     "was added outside the app"),
    "deleted event": ("DROP TRIGGER event_never_deleted; DROP TRIGGER evidence_never_deleted; "
                      "DELETE FROM evidence; DELETE FROM event WHERE kind = 'report'", "was deleted outside the app"),
    "dropped trigger": ("DROP TRIGGER audit_never_deleted", "The trigger audit_never_deleted is missing."),
    "extra object": ("CREATE TABLE notes (x)", "The table notes is not part of Closeloop's schema."),
    "audit altered": ("DROP TRIGGER audit_append_only; UPDATE audit SET user_name = 'clerk' WHERE id = 3; "
                      "CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit "
                      "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
                      "Audit entry 3 was altered outside the app"),
    "audit deleted": ("DROP TRIGGER audit_never_deleted; DELETE FROM audit WHERE id = 4",
                      "Audit entry 4 was deleted outside the app"),
    "audit inserted": ("INSERT INTO audit (recorded_at, user_name, office, action) VALUES ('x', 'admin', 'HUB', 'y')",
                       "was not written by the app (it has no hash)"),
    "status forged": ("UPDATE assignment_status SET state = 'closed', closed_on = '2026-11-05', on_time = 1 "
                      "WHERE assignment_id = 1", "2026-1/TGZ: the cached state is closed, the events give in_progress"),
    "status deleted": ("DELETE FROM assignment_status WHERE assignment_id = 2",
                       "2026-1/FGJ: its cached status row is missing."),
}


@pytest.mark.parametrize("name", sorted(TAMPERING))
def test_check_names_each_tampering(cli, busy_hub: Path, tmp_path: Path, name: str) -> None:  # noqa: ANN001
    db = _copy(busy_hub, tmp_path / "hub.db")
    sql, phrase = TAMPERING[name]
    _sql(db, sql)
    r = cli("check", db=db)
    assert r.code == 1, r.out
    assert phrase in r.out, r.out
    assert "problem" in r.err
    report = json.loads(cli("check", "--json", db=db).out)
    assert not report["ok"] and any(phrase in p["message"] for p in report["problems"])


def test_a_forged_status_row_is_not_counted_and_repair_rebuilds_it(cli, busy_hub: Path, tmp_path: Path) -> None:  # noqa: ANN001
    db = _copy(busy_hub, tmp_path / "hub.db")
    honest = cli.json("stats", db=db)
    assert honest["closed"] == 0
    _sql(db, TAMPERING["status forged"][0])
    r = cli("stats", db=db)
    assert r.code == 1 and "2026-1/TGZ" in r.err and "check --repair" in r.err
    assert cli("task", "list", db=db).code == 1
    assert cli("check", "--repair", db=db, user="viewer").code == 1  # a viewer may not repair
    r = cli("check", "--repair", db=db, user="clerk")
    assert r.code == 0 and "rebuilt from the events" in r.out
    assert cli.json("stats", db=db) == honest
    entry = cli.json("audit", db=db)[-1]
    assert entry["action"] == "status_repair" and entry["details"]["refs"] == ["2026-1/TGZ"]
    assert cli("check", db=db).code == 0


def test_a_deleted_status_row_does_not_crash_task_show(cli, busy_hub: Path, tmp_path: Path) -> None:  # noqa: ANN001
    db = _copy(busy_hub, tmp_path / "hub.db")
    _sql(db, "DELETE FROM assignment_status")
    shown = cli.json("task", "show", "2026-1", db=db)
    assert [a["state"] for a in shown["assignments"]] == ["in_progress", "assigned"]
    assert cli.json("task", "show", "2026-1/FGJ", db=db)["assignments"][0]["ref"] == "2026-1/FGJ"


def test_an_old_database_is_chained_and_sealed_by_the_migration(tmp_path: Path) -> None:
    from core.db.connection import connect, open_database
    from core.db.migrations import migrations
    from core.integrity import check

    db = connect(tmp_path / "old.db")
    migrations.apply(db, stop_before="m005_tamper")
    with db.atomic():
        db["unit"].insert({"id": 1, "uuid": "u1", "owner": "o", "rev": 1, "code": "TGZ", "name": "太公镇",
                           "kind": "township", "active": 1, "created_at": "2026-03-08"})
        db["audit"].insert({"recorded_at": "2026-03-08", "user_name": "admin", "office": "HUB",
                            "action": "unit_add", "ref": "TGZ"})
    db.conn.close()
    migrated = open_database(tmp_path / "old.db")
    try:
        report = check(migrated)
        assert report.problems == [] and report.audit_entries == 2 and report.sealed_rows == 1
        migrated.execute("UPDATE unit SET name = '太公'")
        assert [p.ref for p in check(migrated).problems] == ["unit/1"]
    finally:
        migrated.conn.close()


def test_a_rules_import_and_a_calendar_import_are_sealed(cli, hub_db: Path, tmp_path: Path) -> None:  # noqa: ANN001
    in_2027 = {"CLOSELOOP_TODAY": "2027-02-22"}
    rules = tmp_path / "rules.toml"
    rules.write_text(cli.ok("rules", "show").out, encoding="utf-8")
    cli.ok("rules", "import", str(rules))
    notice = tmp_path / "国务院办公厅关于2027年部分节假日安排的通知.txt"
    notice.write_text((FIXTURES / "notice_2027_invented.txt").read_text(encoding="utf-8"),
                      encoding="utf-8")
    cli.ok("calendar", "import-notice", str(notice), "--yes", env=in_2027)
    assert cli("check", env=in_2027).code == 0
    _sql(hub_db, "UPDATE holiday_year SET source = 'x' WHERE year = 2027")
    r = cli("check", env=in_2027)
    assert r.code == 1 and "holiday_year 2027 (2027) was changed outside the app" in r.out
