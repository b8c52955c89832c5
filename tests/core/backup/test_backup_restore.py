"""Backups and restores through core.backup, driven by the CLI and the app's core call (issue 10, "Restore").

Each test is a defect the probing found: what a restore accepted that it must
refuse, what it lost, and what it said. A refusal leaves the database and the
evidence folder exactly as they were (`state`).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from core import backup_policy
from core.backup import format as backup_format
from core.errors import Refusal
from core.office import init_office, open_session
from core.office_settings import back_up_now, restore_backup
from tests._shared.db_copy import copy_database

PASSWORD = "test-pass"


def _add_task(cli, title: str, lead: str = "TGZ") -> None:  # noqa: ANN001
    cli.ok("task", "add", "--title", title, "--category", "general", "--date", "2026-11-20", "--lead", lead)


def _plain_copy(src: Path, dst: Path, *sql: str) -> Path:
    """A copy of a database (SQLite backup API) with `sql` run on it: a doctored backup."""
    return copy_database(src, dst, *sql)


def _rezip(backup: Path, out: Path, *sql: str) -> Path:
    """The .clbak `backup` with `sql` run on its database and the manifest's checksums recomputed."""
    with zipfile.ZipFile(backup) as z:
        inner = out.with_suffix(".inner")
        inner.write_bytes(z.read("closeloop.db"))
        conn = sqlite3.connect(inner)
        for statement in sql:
            conn.execute(statement)
        conn.commit()
        conn.close()
        manifest = json.loads(z.read("manifest.json"))
        data = inner.read_bytes()
        manifest["database"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        with zipfile.ZipFile(out, "w") as w:
            w.writestr("closeloop.db", data)
            for name in z.namelist():
                if name.startswith("evidence/"):
                    w.writestr(name, z.read(name))
            w.writestr("manifest.json", json.dumps(manifest))
    inner.unlink()
    return out


def _refused(cli, state, hub_db, *args, **kw) -> str:  # noqa: ANN001, ANN002, ANN003
    before = state(hub_db)
    r = cli(*args, **kw)
    assert r.code == 1, r
    assert state(hub_db) == before
    assert cli.json("unit", "list", **kw), "the office still opens"
    return r.err


# ----- what a restore accepted and must refuse ----------------------------------------------


def test_a_look_alike_file_is_refused_and_the_office_stays_usable(cli, hub_db, tmp_path, state):
    fake = tmp_path / "fake.db"
    conn = sqlite3.connect(fake)
    for table in ("office", "task", "assignment", "_sqlite_migrations"):
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    err = _refused(cli, state, hub_db, "restore", str(fake))
    assert f"The file {fake} is not a Closeloop backup" in err
    # the same with a migration record that claims the first version
    faker = tmp_path / "faker.db"
    conn = sqlite3.connect(faker)
    for table in ("office", "task", "assignment"):
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("CREATE TABLE _sqlite_migrations (migration_set TEXT, name TEXT, applied_at TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations VALUES ('closeloop', 'm001_core', '2026-01-01')")
    conn.commit()
    conn.close()
    err = _refused(cli, state, hub_db, "restore", str(faker))
    assert f"The file {faker} is not a backup Closeloop can restore: " in err and "is missing." in err


def test_a_backup_whose_triggers_were_dropped_is_refused(cli, hub_db, tmp_path, state):
    plain = _plain_copy(hub_db, tmp_path / "no-triggers.db", "DROP TRIGGER event_never_deleted")
    err = _refused(cli, state, hub_db, "restore", str(plain))
    assert "The trigger event_never_deleted is missing." in err
    good = tmp_path / "good.clbak"
    cli.ok("backup", "--out", str(good))
    doctored = _rezip(good, tmp_path / "doctored.clbak", "DROP TRIGGER audit_append_only")
    err = _refused(cli, state, hub_db, "restore", str(doctored))
    assert "The trigger audit_append_only is missing." in err


def test_a_backup_with_a_made_up_future_migration_is_refused(cli, hub_db, tmp_path, state):
    good = tmp_path / "good.clbak"
    cli.ok("backup", "--out", str(good))
    future = _rezip(good, tmp_path / "future.clbak",
                    "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                    "VALUES ('closeloop', 'm099_from_the_future', '2030-01-01')")
    err = _refused(cli, state, hub_db, "restore", str(future))
    assert "newer or unknown version of Closeloop (schema step m099_from_the_future)" in err


def test_a_backup_with_two_offices_of_its_own_is_refused(cli, hub_db, tmp_path, state):
    plain = _plain_copy(hub_db, tmp_path / "two.db", "DROP INDEX office_self",
                        "INSERT INTO office (uuid, owner, rev, code, name, role, is_self, created_at) "
                        "VALUES ('x', 'x', 1, 'X', 'X', 'hub', 1, '2026-01-01')")
    err = _refused(cli, state, hub_db, "restore", str(plain))
    assert "is not a backup Closeloop can restore" in err  # the index is part of the exact schema


def test_the_cli_refuses_another_offices_backup(cli, hub_db, tmp_path, state):
    other = init_office(tmp_path / "other" / "other.db", name="另一个督查室", code="HUB2", admin="admin",
                        password=PASSWORD)
    theirs = tmp_path / "theirs.clbak"
    from core.backup.write import write_backup
    write_backup(other.db, other.path, theirs)
    other.db.conn.close()
    err = _refused(cli, state, hub_db, "restore", str(theirs))
    assert "The backup theirs.clbak belongs to another office (另一个督查室)" in err


def test_a_half_written_or_damaged_backup_is_refused(cli, hub_db, tmp_path, state):
    good = tmp_path / "good.clbak"
    cli.ok("backup", "--out", str(good))
    half = tmp_path / "half.clbak"
    half.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "is damaged or incomplete: the archive ends too early" in _refused(cli, state, hub_db, "restore",
                                                                              str(half))
    flipped = bytearray(good.read_bytes())
    flipped[5000] ^= 0xFF  # inside the database member
    bad = tmp_path / "bad.clbak"
    bad.write_bytes(bytes(flipped))
    assert "is damaged or incomplete" in _refused(cli, state, hub_db, "restore", str(bad))


# ----- credentials and permissions ----------------------------------------------------------


def test_a_backup_where_the_admin_password_differs_is_refused_before_anything_is_replaced(cli, hub_db, tmp_path,
                                                                                       state):
    saved = tmp_path / "old-password.clbak"
    cli.ok("backup", "--out", str(saved))
    # the administrator's password was changed after the backup: today the backup's one does not sign in
    from core.auth import hash_password
    conn = sqlite3.connect(hub_db)
    conn.execute("UPDATE user SET password_hash = ? WHERE name = 'admin'", [hash_password("new-pass")])
    conn.commit()
    conn.close()
    err = _refused(cli, state, hub_db, "restore", str(saved), env={"CLOSELOOP_PASSWORD": "new-pass"})
    assert "admin does not sign in to the backup old-password.clbak with this password" in err
    assert "same name and password to the current database and to the backup" in err
    assert not (hub_db.parent / "backups").exists()  # not even the safety backup was taken


def test_a_backup_where_the_acting_user_is_no_administrator_is_refused(cli, hub_db, tmp_path, state):
    demoted = _plain_copy(hub_db, tmp_path / "demoted.db", "UPDATE user SET role = 'clerk' WHERE name = 'admin'")
    err = _refused(cli, state, hub_db, "restore", str(demoted))
    assert "Only an administrator may restore a backup; in the backup demoted.db, admin is not an administrator" in err


def test_a_viewer_may_not_back_up_through_the_cli_nor_the_app(cli, hub_db, tmp_path, state):
    before = state(hub_db)
    r = cli("backup", "--out", str(tmp_path / "v.clbak"), user="viewer")
    assert r.code == 1 and "a clerk or an administrator may back up" in r.err
    assert not (tmp_path / "v.clbak").exists() and state(hub_db) == before
    viewer = open_session(hub_db, "viewer", PASSWORD)
    try:
        with pytest.raises(Refusal, match="a clerk or an administrator may back up"):
            back_up_now(viewer)
    finally:
        viewer.db.conn.close()
    cli.ok("backup", "--out", str(tmp_path / "c.clbak"), user="clerk")


# ----- what a backup holds, what a restore brings back ----------------------------------------


def test_a_backup_holds_the_evidence_files_and_a_restore_elsewhere_brings_them_back(cli, hub_db, tmp_path):
    _add_task(cli, "带附件事项")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-20")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8photo" * 300)
    cli.ok("report", "2026-1/TGZ", "--on", "2026-11-21", "--text", "已开工", "--attach", str(photo))
    letter = tmp_path / "表彰信.pdf"
    letter.write_bytes(b"%PDF-letter" * 50)
    cli.ok("bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2026-11-20", "--text", "表彰",
           "--attach", str(letter))
    saved = tmp_path / "full.clbak"
    cli.ok("backup", "--out", str(saved))
    manifest = json.loads(zipfile.ZipFile(saved).read("manifest.json"))
    shas = {hashlib.sha256(photo.read_bytes()).hexdigest(), hashlib.sha256(letter.read_bytes()).hexdigest()}
    assert {e["sha256"] for e in manifest["evidence"]} == shas
    assert manifest["office"]["code"] == "HUB" and manifest["format"] == "closeloop-backup"
    assert manifest["schema"][-1] == "m004_scoring_entries" or manifest["schema"]
    elsewhere = tmp_path / "elsewhere" / "hub.db"
    r = cli.ok("restore", str(saved), db=elsewhere)
    assert "there was no database at" in r.out and "evidence file" not in r.out
    for sha in shas:
        assert (Path(f"{elsewhere}.evidence") / sha[:2] / sha).is_file()


def test_an_old_plain_backup_is_restored_and_names_the_evidence_files_that_are_not_here(cli, hub_db, tmp_path):
    _add_task(cli, "旧备份事项")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-20")
    photo = tmp_path / "验收单.jpg"
    photo.write_bytes(b"scan" * 100)
    cli.ok("report", "2026-1/TGZ", "--on", "2026-11-21", "--text", "已验收", "--attach", str(photo))
    old = _plain_copy(hub_db, tmp_path / "hub-20260101-000000.db")  # the format of earlier versions
    elsewhere = tmp_path / "elsewhere" / "hub.db"
    r = cli.ok("restore", str(old), db=elsewhere)
    assert "1 evidence file the restored data refers to is neither in the backup nor on this computer: " \
           "验收单.jpg." in r.out
    r = cli.ok("restore", str(old))  # beside the evidence folder that holds it: nothing is missing
    assert "evidence file" not in r.out


def test_task_numbers_issued_since_the_backup_are_never_handed_out_again(cli, hub_db, tmp_path):
    _add_task(cli, "一")
    saved = tmp_path / "one.clbak"
    cli.ok("backup", "--out", str(saved))
    for title in ("二", "三", "四"):
        _add_task(cli, title)
    r = cli.ok("restore", str(saved))
    assert "Task numbers 2026-2 to 2026-4 were issued after this backup and will not be used again." in r.out
    assert cli.json("audit")[-1]["details"]["reserved"] == ["2026-2..2026-4"]
    _add_task(cli, "五")
    assert [x["task_no"] for x in cli.json("task", "list")] == ["2026-1", "2026-5"]
    # a second restore of the same old backup keeps the reservation, and the number issued since
    r = cli.ok("restore", str(saved))
    assert "Task numbers 2026-2 to 2026-5 were issued after this backup" in r.out
    _add_task(cli, "六")
    assert [x["task_no"] for x in cli.json("task", "list")][-1] == "2026-6"


def test_the_app_restores_with_the_same_checks_and_says_which_numbers_are_reserved(hub_db, tmp_path):
    admin = open_session(hub_db, "admin", PASSWORD)
    try:
        backup = back_up_now(admin)
        assert backup.suffix == ".clbak"
        import datetime as dt

        from core.work.tasks import NewTask, add_tasks
        add_tasks(admin, [NewTask("后来的事项", "general", dt.date(2026, 11, 20), "TGZ")])
        with pytest.raises(Refusal, match="Wrong user name or password"):
            restore_backup(admin, backup, "wrong-password")
        assert admin.db.execute("SELECT COUNT(*) FROM task").fetchone()[0] == 1
        done = restore_backup(admin, backup, PASSWORD)
        assert "Task number 2026-1 was issued after this backup and will not be used again." in done.sentences
        assert admin.db.execute("SELECT action FROM audit ORDER BY id DESC LIMIT 1").fetchone() == ("restore",)
    finally:
        admin.db.conn.close()


# ----- leftovers, read-only folders ----------------------------------------------------------


def test_leftovers_of_killed_backups_are_never_listed_and_are_cleaned_up(cli, hub_db, tmp_path):
    clerk = open_session(hub_db, "clerk", PASSWORD)
    try:
        first = back_up_now(clerk)
        folder = first.parent
        dead = 2**22 + 12345  # above Linux's pid_max default: no such process
        part = folder / f"hub-20260101-000000.clbak.{dead}.part"
        part.write_bytes(first.read_bytes()[:1000])
        snap = folder / f"hub-20260101-000000.clbak.{dead}.partdb-journal"
        snap.write_bytes(b"x")
        restoring = hub_db.parent / f"hub.db.{dead}.restoring"
        restoring.write_bytes(b"half")
        mine = folder / f"hub-20260101-000001.clbak.{backup_format.os.getpid()}.part"
        mine.write_bytes(b"being written")  # a running process's file is left alone
        assert backup_policy.list_backups(clerk.db, hub_db) == [first]
        assert not part.exists() and not snap.exists() and mine.exists()
        r = cli("restore", str(mine))
        assert r.code == 1
        assert not restoring.exists()  # a restore cleans the database's folder first
    finally:
        clerk.db.conn.close()


def test_a_restore_into_a_folder_that_cannot_be_written_says_so_and_changes_nothing(cli, hub_db, tmp_path, state,
                                                                                  monkeypatch):
    saved = tmp_path / "saved.clbak"
    cli.ok("backup", "--out", str(saved))
    _add_task(cli, "备份后")
    real = backup_format.create_new

    def read_only(path: Path):  # noqa: ANN202 - as a read-only folder answers (root ignores chmod)
        if Path(path).parent == hub_db.parent:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(backup_format, "create_new", read_only)
    monkeypatch.setattr("core.backup.verify.create_new", read_only)
    err = _refused(cli, state, hub_db, "restore", str(saved))
    assert f"The folder {hub_db.parent} cannot be written (Permission denied); a restore prepares" in err
    assert [p.name for p in hub_db.parent.iterdir() if ".restoring" in p.name] == []
