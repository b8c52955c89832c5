"""The office through the CLI: directory lists, meetings, the holiday calendar, rules, backup and restore."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests._shared.paths import FIXTURES

# An invented notice for 2027, written like the State Council's (the real one is published in late 2026).
NOTICE_2027 = (FIXTURES / "notice_2027_invented.txt").read_text(encoding="utf-8")

WORKDAY_RULES = """[deadlines]
claim = { days = 0, mode = "calendar" }
report = { days = 3, mode = "workdays" }
general = { days = 7, mode = "workdays" }
major = { months = 1, mode = "rollover" }
warn_days = 2
"""
IN_2027 = {"CLOSELOOP_TODAY": "2027-02-22"}


def test_directory_lists(cli):
    assert cli.json("unit", "list") == [
        {"code": "TGZ", "name": "太公镇", "kind": "township", "active": True},
        {"code": "XYJ", "name": "新阳街道", "kind": "township", "active": True},
        {"code": "FGJ", "name": "县发改局", "kind": "department", "active": True},
        {"code": "ZJJ", "name": "县住建局", "kind": "department", "active": True}]
    assert cli.json("leader", "list") == [{"name": "王建国", "title": "副县长", "units": ["TGZ", "FGJ"],
                                           "active": True}]
    assert cli.json("user", "list") == [{"name": "admin", "role": "admin", "active": True},
                                        {"name": "clerk", "role": "clerk", "active": True},
                                        {"name": "viewer", "role": "viewer", "active": True}]
    cli.ok("unit", "add", "--code", "DLZ", "--name", "大岭镇", "--kind", "township")
    cli.ok("leader", "add", "--name", "李红", "--title", "县委常委", "--units", "DLZ，ZJJ")
    r = cli.ok("user", "add", "--name", "zhang", "--role", "clerk", env={"CLOSELOOP_NEW_PASSWORD": "zhang-pass"})
    assert "User zhang (clerk) added." in r.out
    assert cli.json("leader", "list")[1] == {"name": "李红", "title": "县委常委", "units": ["ZJJ", "DLZ"],
                                             "active": True}  # in directory order
    assert [u["code"] for u in cli.json("unit", "list")] == ["TGZ", "XYJ", "DLZ", "FGJ", "ZJJ"]
    # the new user signs in with the new password, and not with another one
    assert cli("unit", "list", user="zhang", env={"CLOSELOOP_PASSWORD": "zhang-pass"}).code == 0
    assert cli("unit", "list", user="zhang").code == 1
    table = cli.ok("unit", "list").out
    assert "大岭镇" in table and "department" in table


def test_meeting_and_task_of_the_meeting(cli):
    m = cli.json("meeting", "add", "--kind", "weekly", "--date", "2026-03-08", "--title", "第10周县委周例会")
    assert m == {"id": 1, "kind": "weekly", "date": "2026-03-08", "title": "第10周县委周例会"}
    default = cli.json("meeting", "add", "--kind", "review", "--date", "2026-03-31")
    assert default["id"] == 2 and "2026-03-31" in default["title"]
    cli.ok("task", "add", "--title", "城区污水管网改造", "--category", "general", "--date", "2026-03-08",
           "--lead", "TGZ", "--meeting", "1", "--source", "meeting")
    detail = cli.json("task", "show", "2026-1")
    assert (detail["meeting"], detail["source"]) == ("第10周县委周例会", "meeting")
    audit = cli.json("audit", "--ref", "1")
    assert [(a["action"], a["effective_date"]) for a in audit] == [("meeting_add", "2026-03-08")]


def test_calendar_show_a_shipped_and_a_missing_year(cli):
    cal = cli.json("calendar", "show", "2026")
    assert cal["year"] == 2026 and cal["imported"] is True
    days = {d["date"]: (d["kind"], d["name"]) for d in cal["days"]}
    assert days["2026-10-01"] == ("rest", "国庆节")
    assert days["2026-10-10"][0] == "work"  # a make-up Saturday
    assert days["2026-02-14"][0] == "work"
    assert all(set(d) == {"date", "kind", "name", "source"} for d in cal["days"])
    assert cli.json("calendar", "show", "2027") == {"year": 2027, "imported": False, "days": []}
    assert "not imported" in cli.ok("calendar", "show", "2027").out


def test_rules_import_and_show(cli, tmp_path):
    assert cli.ok("rules", "show").out.startswith("# rule set version 1\n[deadlines]")
    path = tmp_path / "workdays.toml"
    path.write_text(WORKDAY_RULES, encoding="utf-8")
    r = cli.ok("rules", "import", str(path))
    assert "Rule set version 2 saved" in r.out
    shown = cli.ok("rules", "show").out
    assert shown.startswith("# rule set version 2\n")
    assert 'report = { days = 3, mode = "workdays" }' in shown and "base = 100" in shown
    # the new rules apply to tasks assigned from now on: Sunday 03-08, three and seven working days
    data = cli.json("task", "add", "--title", "按工作日计算", "--category", "general", "--date", "2026-03-08",
                    "--lead", "TGZ")
    a = data["assignments"][0]
    assert (a["report_due"], a["due"], a["warnings"]) == ("2026-03-11", "2026-03-17", [])
    assert cli.json("task", "show", "2026-1")["rules_version"] == 2
    assert cli.json("audit")[-2]["action"] == "rules_import"


@pytest.mark.parametrize(("text", "line", "key"), [
    ('[deadlines]\nclaim = { days = 0, mode = "calendar" }\nreport = { days = -1, mode = "calendar" }\n',
     3, "deadlines.report.days"),
    ("[deadlines]\nwarn_days = 2\nfoo = 3\n", 3, "deadlines.foo"),
    ('[deadlines]\nreport = { days = 3, mode = "weekly" }\n', 2, "deadlines.report.mode"),
    ("[monthly]\nbase = 100\n\nco_weight = 1.5\n", 4, "monthly.co_weight"),
    ("[scoring]\nbase = 100\n", 1, "scoring"),
    ("[deadlines]\nwarn_days = 0\n", 2, "deadlines.warn_days"),
    ("[deadlines\nreport = 3\n", 1, "not valid TOML"),
])
def test_rules_import_refuses_an_invalid_file(cli, hub_db, tmp_path, state, text, line, key):
    good = tmp_path / "good.toml"
    good.write_text(WORKDAY_RULES, encoding="utf-8")
    cli.ok("rules", "import", str(good))
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    before = state(hub_db)
    r = cli("rules", "import", str(bad))
    assert r.code == 2
    assert r.err.startswith(f"Error: Line {line}: ") and key in r.err, r.err
    assert state(hub_db) == before
    assert cli.ok("rules", "show").out.startswith("# rule set version 2\n")


def test_a_2027_task_warns_until_the_notice_is_imported(cli, hub_db, tmp_path, state):
    rules = tmp_path / "workdays.toml"
    rules.write_text(WORKDAY_RULES, encoding="utf-8")
    cli.ok("rules", "import", str(rules))
    notice = tmp_path / "国务院办公厅关于2027年部分节假日安排的通知.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")

    # Thursday 2027-02-04, weekends only: report due Tue 02-09, completion Mon 02-15
    r = cli.ok("task", "add", "--title", "春节前安全检查", "--category", "general", "--date", "2027-02-04",
               "--lead", "TGZ", env=IN_2027)
    assert "first report by 2027-02-09, completion by 2027-02-15" in r.out
    assert "Warning: Holiday arrangements for 2027 are not imported." in r.out
    (row,) = cli.json("task", "list", env=IN_2027)
    assert row["warnings"] == ["Holiday arrangements for 2027 are not imported"]
    assert "2027" in row["warnings"][0]
    cli.ok("task", "add", "--title", "年末事项", "--category", "general", "--date", "2026-12-30", "--lead", "XYJ",
           env=IN_2027)
    late_2026 = cli.json("task", "show", "2027-1/TGZ", env=IN_2027)["assignments"][0]
    assert late_2026["warnings"] and cli.json("task", "show", "2026-1/XYJ", env=IN_2027)[
        "assignments"][0]["warnings"] == ["Holiday arrangements for 2027 are not imported"]

    # without --yes (stdin is not a terminal) the preview is shown and nothing is saved
    before = state(hub_db)
    r = cli.ok("calendar", "import-notice", str(notice), env=IN_2027)
    assert "State Council holiday arrangements for 2027:" in r.out
    assert "春节: 9 days off, Feb 6 – 14." in r.out.replace("\u2009", " ")  # babel's thin spaces
    assert "Nothing saved; run again with --yes" in r.out
    assert state(hub_db) == before
    assert cli.json("calendar", "show", "2027")["imported"] is False

    r = cli.ok("calendar", "import-notice", str(notice), "--yes", env=IN_2027)
    assert "2027: 34 days saved.\nThe deadlines of 2 assignments were recomputed." in r.out
    cal = cli.json("calendar", "show", "2027")
    assert cal["imported"] is True
    days = {d["date"]: (d["kind"], d["name"]) for d in cal["days"]}
    assert days["2027-02-06"] == ("rest", "春节") and days["2027-02-20"] == ("work", "春节")
    assert days["2027-10-09"] == ("work", "国庆节")
    # the Spring Festival holiday now pushes the dues: report Tue 02-16, completion Sat 02-20 (make-up day)
    a = cli.json("task", "show", "2027-1/TGZ", env=IN_2027)["assignments"][0]
    assert (a["report_due"], a["due"], a["base_due"], a["warnings"]) == ("2027-02-16", "2027-02-20", "2027-02-20",
                                                                         [])
    # 2026-12-30 (Wed): three working days are 12-31, 01-04 (元旦 01-01..03), 01-05
    b = cli.json("task", "show", "2026-1/XYJ", env=IN_2027)["assignments"][0]
    assert (b["report_due"], b["warnings"]) == ("2027-01-05", [])
    assert [x["action"] for x in cli.json("audit")][-1] == "calendar_import"


def test_calendar_import_of_a_damaged_notice_is_refused(cli, hub_db, tmp_path, state):
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE_2027.replace("2月6日（农历除夕、周六）至14日", "2月30日（周六）至14日"), encoding="utf-8")
    before = state(hub_db)
    r = cli("calendar", "import-notice", str(notice), "--yes")
    assert r.code == 2
    assert r.err.startswith("Error: Line 7: 2月30日 is not a date"), r.err
    assert state(hub_db) == before
    notice.write_text("各省、自治区、直辖市人民政府：\n一、元旦：1月1日放假，共1天。\n", encoding="utf-8")
    r = cli("calendar", "import-notice", str(notice), "--yes")
    assert r.code == 2 and "The text has no notice title" in r.err
    assert state(hub_db) == before


def _tasks_in(path: Path) -> list[str]:
    """The task titles in a database or in a backup file's database."""
    import zipfile

    if zipfile.is_zipfile(path):
        inner = path.with_name(path.name + ".inner.db")
        inner.write_bytes(zipfile.ZipFile(path).read("closeloop.db"))
        try:
            return _tasks_in(inner)
        finally:
            inner.unlink()
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT title FROM task ORDER BY id")]
    finally:
        conn.close()


def test_backup_then_restore_brings_the_old_content_back(cli, hub_db, tmp_path):
    cli.ok("task", "add", "--title", "备份前事项", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ")
    saved = tmp_path / "saved" / "hub-saved.clbak"
    assert f"Backed up to {saved}." in cli.ok("backup", "--out", str(saved)).out
    assert _tasks_in(saved) == ["备份前事项"]
    assert cli("backup", "--out", str(saved)).code == 1  # never overwrites a backup

    cli.ok("task", "add", "--title", "备份后事项", "--category", "general", "--date", "2026-11-21", "--lead", "XYJ")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-20")
    r = cli.ok("restore", str(saved))
    assert f"Restored from {saved}" in r.out
    rows = cli.json("task", "list")
    assert [(x["ref"], x["state"]) for x in rows] == [("2026-1/TGZ", "assigned")]
    safety = list((hub_db.parent / "backups").glob("hub-before-restore-*.clbak"))
    assert len(safety) == 1 and str(safety[0]) in r.out
    assert _tasks_in(safety[0]) == ["备份前事项", "备份后事项"]
    assert cli.json("audit")[-1]["action"] == "restore"
    # the restored database works on
    cli.ok("task", "add", "--title", "恢复后事项", "--category", "general", "--date", "2026-11-22", "--lead", "ZJJ")
    # 2026-2 was issued after the backup: it is on lists already sent, and never handed out again
    assert "Task number 2026-2 was issued after this backup and will not be used again." in r.out
    assert [x["task_no"] for x in cli.json("task", "list")] == ["2026-1", "2026-3"]


def test_restore_over_a_damaged_database(cli, hub_db, tmp_path):
    saved = tmp_path / "saved.clbak"
    cli.ok("backup", "--out", str(saved))
    hub_db.write_bytes(b"\x00garbage" * 1000)
    for side in ("-wal", "-shm"):
        Path(f"{hub_db}{side}").unlink(missing_ok=True)
    r = cli("task", "list")
    assert r.code == 1 and "is not a Closeloop database or is damaged" in r.err
    r = cli.ok("restore", str(saved))
    damaged = list(hub_db.parent.glob("hub.db.damaged-*"))
    assert len(damaged) == 1 and damaged[0].read_bytes().startswith(b"\x00garbage")
    assert len(cli.json("unit", "list")) == 4


def test_restore_refuses_what_is_not_a_closeloop_backup(cli, hub_db, tmp_path, state):
    before = state(hub_db)
    text = tmp_path / "notes.db"
    text.write_text("这不是数据库" * 100, encoding="utf-8")
    r = cli("restore", str(text))
    assert r.code == 1 and f"The file {text} is not a Closeloop backup" in r.err
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (a)")
    conn.close()
    r = cli("restore", str(other))
    assert r.code == 1 and f"The file {other} is not a backup Closeloop can restore: It has no record" in r.err
    r = cli("restore", str(tmp_path / "missing.db"))
    assert r.code == 1 and "does not exist" in r.err
    saved = tmp_path / "saved.clbak"
    cli.ok("backup", "--out", str(saved))
    before = state(hub_db)
    r = cli("restore", str(saved), user="clerk")
    assert r.code == 1 and "Only an administrator" in r.err
    assert state(hub_db) == before
    assert not (hub_db.parent / "backups").exists()


def test_restore_when_the_database_is_missing(cli, hub_db, tmp_path):
    saved = tmp_path / "saved.clbak"
    cli.ok("task", "add", "--title", "备份前事项", "--category", "general", "--date", "2026-11-20", "--lead", "TGZ")
    cli.ok("backup", "--out", str(saved))
    hub_db.unlink()
    assert cli("task", "list").code == 1
    r = cli("restore", str(saved), user="viewer")
    assert r.code == 1 and "Only an administrator may restore a backup; in the backup saved.clbak, viewer" in r.err
    assert not hub_db.exists()
    r = cli.ok("restore", str(saved))
    assert f"Restored from {saved}; there was no database at {hub_db} before." in r.out
    assert [x["title"] for x in cli.json("task", "list")] == ["备份前事项"]
    assert cli.json("audit")[-1]["details"] == {"previous": None, "reserved": [], "missing_evidence": 0}


def test_restore_refuses_a_folder_as_the_database(cli, tmp_path):
    saved = tmp_path / "saved.clbak"
    cli.ok("backup", "--out", str(saved))
    folder = tmp_path / "folder"
    folder.mkdir()
    r = cli("restore", str(saved), db=folder)
    assert r.code == 1 and f"{folder} is a folder, not a Closeloop database" in r.err
    assert folder.is_dir() and not list(folder.iterdir())
