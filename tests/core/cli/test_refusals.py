"""Refusals through the CLI: exit code 1 (a rule said no) or 2 (usage), one clear line, nothing changed.

Every case compares a dump of every table and the evidence files before and after.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests._shared.paths import FIXTURES

PASSWORD = "test-pass"


def build_states(path: Path) -> None:
    """Assignments in known states (tasks assigned 2026-03-08, general: completion due 03-15).

    2026-1 TGZ lead: assigned (not claimed); XYJ co: claimed 03-08
    2026-2 TGZ: claimed 03-08, reported 03-10 → in_progress
    2026-3 FGJ: claimed, completion 03-12, closed 03-13 → closed
    2026-4 ZJJ: cancelled 03-10
    2026-5 XYJ: claimed, completion 03-12 → submitted
    2026-6 TGZ: claimed 03-08, reported 03-12 → in_progress
    """
    from core.office import open_session
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_tasks

    s = open_session(path, "admin", PASSWORD, today=dt.date(2026, 11, 27))
    d = dt.date(2026, 3, 8)
    try:
        add_tasks(s, [NewTask(title=t, category="general", assigned_on=d, lead=u, co=co) for t, u, co in [
            ("城区污水管网改造", "TGZ", ("XYJ",)), ("集镇道路整治", "TGZ", ()), ("项目审批提速", "FGJ", ()),
            ("老旧小区改造", "ZJJ", ()), ("街道环境整治", "XYJ", ()), ("农村饮水安全", "TGZ", ())]])
        steps = [("2026-1/XYJ", "claim", 8, ""), ("2026-2/TGZ", "claim", 8, ""), ("2026-2/TGZ", "report", 10, "推进中"),
                 ("2026-3/FGJ", "claim", 8, ""), ("2026-3/FGJ", "completion", 12, "已办结"),
                 ("2026-3/FGJ", "close", 13, ""), ("2026-4/ZJJ", "cancel", 10, "并入年度计划"),
                 ("2026-5/XYJ", "claim", 8, ""), ("2026-5/XYJ", "completion", 12, "已办结"),
                 ("2026-6/TGZ", "claim", 8, ""), ("2026-6/TGZ", "report", 12, "推进中")]
        for ref, kind, day, text in steps:
            record(s, ref, Action(kind, dt.date(2026, 3, day), text=text))
    finally:
        s.db.conn.close()


@pytest.fixture(scope="module")
def states_template(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests._shared.db_copy import copy_database

    path = copy_database(template_hub, tmp_path_factory.mktemp("states") / "states.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLOSELOOP_TODAY", "2026-11-27")
        build_states(path)
    return path


@pytest.fixture
def db(states_template, hub_db, copy_db) -> Path:
    copy_db(states_template, hub_db)
    return hub_db


ADD = ["task", "add", "--title", "新事项", "--category", "general", "--date", "2026-03-08"]

# (id, argv, exit code, what the message says); "{tmp}" is the test's tmp_path
CASES = [
    # unknown unit, REF, task number, leader, meeting
    ("unknown task in REF", ["claim", "2026-99/TGZ", "--on", "2026-03-08"], 1,
     "There is no task 2026-99; 'task list' shows the numbers."),
    ("unknown unit in REF", ["claim", "2026-1/ZZZ", "--on", "2026-03-08"], 1,
     "Task 2026-1 is not assigned to the unit ZZZ."),
    ("unit not on the task", ["claim", "2026-1/FGJ", "--on", "2026-03-08"], 1,
     "Task 2026-1 is not assigned to the unit FGJ."),
    ("REF without unit", ["claim", "2026-1", "--on", "2026-03-08"], 2,
     "'2026-1' is not an assignment reference; write TASKNO/UNITCODE"),
    ("unknown task number", ["task", "show", "2026-99"], 1, "There is no task 2026-99"),
    ("unknown REF in task show", ["task", "show", "2026-2/XYJ"], 1, "Task 2026-2 is not assigned to the unit XYJ"),
    ("unknown lead unit", [*ADD, "--lead", "NOPE"], 1,
     "There is no unit with the code NOPE; 'unit list' shows the codes."),
    ("unknown co unit", [*ADD, "--lead", "TGZ", "--co", "XYJ,NOPE"], 1, "There is no unit with the code NOPE"),
    ("lead also co", [*ADD, "--lead", "TGZ", "--co", "TGZ"], 1, "太公镇 is the lead unit and cannot also be a co"),
    ("co named twice", [*ADD, "--lead", "TGZ", "--co", "XYJ,XYJ"], 1, "A co unit is named twice"),
    ("unknown leader", [*ADD, "--lead", "TGZ", "--leader", "李四"], 1, "There is no leader named 李四"),
    ("unknown meeting", [*ADD, "--lead", "TGZ", "--meeting", "9"], 1, "There is no meeting 9"),
    ("list of unknown unit", ["task", "list", "--unit", "NOPE"], 1, "There is no unit with the code NOPE"),
    ("list of unknown leader", ["task", "list", "--leader", "李四"], 1, "There is no leader named 李四"),
    ("unit code taken", ["unit", "add", "--code", "tgz", "--name", "太公", "--kind", "township"], 1,
     "The unit code tgz is taken"),
    ("user name taken", ["user", "add", "--name", "clerk", "--role", "viewer"], 1,
     "A user named clerk already exists"),
    # dates
    ("before the assignment", ["claim", "2026-1/TGZ", "--on", "2026-03-07"], 1,
     "The date 2026-03-07 is before the task was assigned (2026-03-08); check the date."),
    ("future action", ["claim", "2026-1/TGZ", "--on", "2026-11-28"], 1,
     "The date 2026-11-28 is in the future; record what has happened, dated today or earlier."),
    ("task beyond next week", [*ADD[:-1], "2026-12-05", "--lead", "TGZ"], 1,
     "2026-12-05 is more than 7 days ahead"),
    ("impossible date", ["claim", "2026-1/TGZ", "--on", "2026-02-30"], 2,
     "--on: '2026-02-30' is not a date: month 2 has no day 30; check the day."),
    ("word for a date", ["claim", "2026-1/TGZ", "--on", "tomorrow"], 2, "--on: 'tomorrow' is not a date"),
    ("bad task date", [*ADD[:-1], "2026-13-01", "--lead", "TGZ"], 2, "--date: '2026-13-01' is not a date"),
    ("bad until", ["extend", "2026-2/TGZ", "--on", "2026-03-12", "--until", "月底", "--plan", "计划"], 2,
     "--until: '月底' is not a date"),
    ("bad as-of", ["task", "list", "--as-of", "yesterday"], 2, "--as-of: 'yesterday' is not a date"),
    ("from after to", ["stats", "--from", "2026-04-01", "--to", "2026-03-01"], 2,
     "--from 2026-04-01 is after --to 2026-03-01"),
    # actions not allowed in the state reached
    ("report before claim", ["report", "2026-1/TGZ", "--on", "2026-03-09", "--text", "进展"], 1,
     "2026-1/TGZ has not been claimed by 2026-03-09; record the claim first."),
    ("completion before claim", ["complete", "2026-1/TGZ", "--on", "2026-03-09", "--text", "完成"], 1,
     "has not been claimed"),
    ("extension before claim", ["extend", "2026-1/TGZ", "--on", "2026-03-09", "--until", "2026-04-30", "--plan",
                                "计划"], 1, "has not been claimed"),
    ("close not submitted", ["close", "2026-2/TGZ", "--on", "2026-03-20"], 1,
     "2026-2/TGZ has no completion report to close on 2026-03-20; it is in progress."),
    ("return not submitted", ["return", "2026-2/TGZ", "--on", "2026-03-20", "--reason", "不合格"], 1,
     "has no completion report to return on 2026-03-20"),
    ("close before the submission", ["close", "2026-5/XYJ", "--on", "2026-03-11"], 1,
     "2026-5/XYJ has no completion report to close on 2026-03-11; it is claimed."),
    ("second claim", ["claim", "2026-2/TGZ", "--on", "2026-03-09"], 1,
     "2026-2/TGZ was already claimed on 2026-03-08; nothing to record."),
    ("report on closed", ["report", "2026-3/FGJ", "--on", "2026-03-20", "--text", "补充"], 1,
     "2026-3/FGJ is closed; no report can be recorded on it."),
    ("urge on closed", ["urge", "2026-3/FGJ", "--on", "2026-03-20"], 1, "2026-3/FGJ is closed; no urge"),
    ("cancel closed", ["cancel", "2026-3/FGJ", "--on", "2026-03-20", "--reason", "撤销"], 1, "is closed; no cancel"),
    ("return closed", ["return", "2026-3/FGJ", "--on", "2026-03-20", "--reason", "重新办理"], 1, "is closed"),
    ("claim cancelled", ["claim", "2026-4/ZJJ", "--on", "2026-03-11"], 1,
     "2026-4/ZJJ is cancelled; no claim can be recorded on it."),
    ("close cancelled", ["close", "2026-4/ZJJ", "--on", "2026-03-11"], 1, "is cancelled"),
    ("cancel cancelled", ["cancel", "2026-4/ZJJ", "--on", "2026-03-11", "--reason", "重复"], 1, "is cancelled"),
    ("report while submitted", ["report", "2026-5/XYJ", "--on", "2026-03-13", "--text", "补充"], 1,
     "2026-5/XYJ has a completion report waiting for review; the hub closes or returns it first."),
    ("approve without request", ["approve-extension", "2026-2/TGZ", "--on", "2026-03-12"], 1,
     "2026-2/TGZ has no pending extension request on 2026-03-12."),
    ("reject without request", ["reject-extension", "2026-2/TGZ", "--on", "2026-03-12", "--reason", "不同意"], 1,
     "no pending extension request"),
    ("out of order", ["complete", "2026-6/TGZ", "--on", "2026-03-10", "--text", "完成"], 1,
     "This would contradict the report recorded for 2026-03-12; record actions in the order they happened."),
    # extensions
    ("extension after the due", ["extend", "2026-2/TGZ", "--on", "2026-03-16", "--until", "2026-04-30", "--plan",
                                 "分步实施"], 1,
     "The extension request is dated 2026-03-16, after the completion due 2026-03-15; "
     "an extension must be requested by the due date."),
    ("until on the due", ["extend", "2026-2/TGZ", "--on", "2026-03-12", "--until", "2026-03-15", "--plan", "计划"], 1,
     "The new date must be later than the completion due in force (2026-03-15)."),
    ("until before the due", ["extend", "2026-2/TGZ", "--on", "2026-03-12", "--until", "2026-03-13", "--plan",
                              "计划"], 1, "must be later than the completion due in force (2026-03-15)"),
    ("milestone after until", ["extend", "2026-2/TGZ", "--on", "2026-03-12", "--until", "2026-03-31", "--plan",
                               "计划", "--milestone", "2026-04-05:验收"], 1,
     "The milestone of 2026-04-05 must fall between the request (2026-03-12) and the new date (2026-03-31)."),
    ("milestone without date", ["extend", "2026-2/TGZ", "--on", "2026-03-12", "--until", "2026-03-31", "--plan",
                                "计划", "--milestone", "完成招标"], 2, "The milestone '完成招标' is not DATE:TEXT"),
    ("milestone without text", ["extend", "2026-2/TGZ", "--on", "2026-03-12", "--until", "2026-03-31", "--plan",
                                "计划", "--milestone", "2026-03-20: "], 2, "The milestone of 2026-03-20 has no text"),
    # empty texts
    # (the exact sentences are checked in test_empty_text_sentence)
    ("empty report", ["report", "2026-2/TGZ", "--on", "2026-03-12", "--text", ""], 2,
     "progress report is empty; write what has been done and record it again."),
    ("blank report", ["report", "2026-2/TGZ", "--on", "2026-03-12", "--text", "   "], 2, "progress report is empty"),
    ("blank completion", ["complete", "2026-2/TGZ", "--on", "2026-03-12", "--text", " \t "], 2,
     "completion report is empty"),
    ("empty return reason", ["return", "2026-5/XYJ", "--on", "2026-03-13", "--reason", ""], 2, "reason is empty"),
    ("blank reject reason", ["reject-extension", "2026-2/TGZ", "--on", "2026-03-13", "--reason", " "], 2,
     "reason is empty"),
    ("blank cancel reason", ["cancel", "2026-2/TGZ", "--on", "2026-03-13", "--reason", "   "], 2, "reason is empty"),
    ("empty plan", ["extend", "2026-2/TGZ", "--on", "2026-03-12", "--until", "2026-03-31", "--plan", " "], 2,
     "plan is empty"),
    ("blank title", ["task", "add", "--title", "  ", "--category", "general", "--date", "2026-03-08", "--lead", "TGZ"],
     2, "The task title is empty"),
    # files
    ("missing attachment", ["report", "2026-2/TGZ", "--on", "2026-03-12", "--text", "进展", "--attach",
                            "{tmp}/没有这个文件.pdf"], 1,
     "The attachment {tmp}/没有这个文件.pdf does not exist or is not a file; check the path."),
    ("folder as attachment", ["complete", "2026-2/TGZ", "--on", "2026-03-12", "--text", "完成", "--attach", "{tmp}"],
     1, "does not exist or is not a file"),
    ("the database as attachment", ["report", "2026-2/TGZ", "--on", "2026-03-12", "--text", "进展", "--attach",
                                    "{tmp}/office/hub.db"], 1,
     "{tmp}/office/hub.db is this office's database (or one of its journal files)"),
    ("the database as a bonus's file", ["bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2026-03-12",
                                        "--text", "表扬", "--attach", "{tmp}/office/../office/hub.db"], 1,
     "is this office's database (or one of its journal files)"),
    ("attachment on a claim", ["claim", "2026-1/TGZ", "--on", "2026-03-08", "--attach", "{tmp}/a.txt"], 2,
     "unrecognized arguments: --attach"),
    ("unreadable rules file", ["rules", "import", "{tmp}/none.toml"], 2, "Cannot read {tmp}/none.toml"),
    ("unreadable notice", ["calendar", "import-notice", "{tmp}/none.txt", "--yes"], 2, "Cannot read {tmp}/none.txt"),
    ("backup over the database", ["backup", "--out", "{tmp}/office/hub.db"], 1,
     "{tmp}/office/hub.db is this office's database (or one of its journal files)"),
    # the command line itself
    ("unknown command", ["frobnicate"], 2, "argument COMMAND: invalid choice: 'frobnicate'"),
    ("missing --on", ["claim", "2026-1/TGZ"], 2, "the following arguments are required: --on"),
    ("missing action", ["task"], 2, "the following arguments are required: ACTION"),
    ("bad category", [*ADD, "--lead", "TGZ", "--category", "urgent"], 2, "argument --category: invalid choice"),
    ("bad limit", ["task", "list", "--limit", "-1"], 2, "--limit must be zero or more."),
    ("init over a database", ["init", "--role", "hub", "--office", "县督查室", "--code", "HUB", "--admin", "admin"], 1,
     "A database already exists at {tmp}/office/hub.db; choose another --db."),
]


@pytest.mark.parametrize(("argv", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_and_nothing_changed(cli, db, tmp_path, state, argv, code, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    message = message.replace("{tmp}", str(tmp_path))
    before = state(db)
    r = cli(*argv)
    assert r.code == code, r
    assert r.err.startswith("Error: ") and message in r.err, r.err
    assert "usage:" not in r.err.lower() and r.out == ""
    assert state(db) == before


def test_a_backup_never_replaces_an_existing_file(cli, db, tmp_path, state):
    other = tmp_path / "kept.clbak"
    other.write_bytes(b"not to be replaced")
    before = state(db)
    r = cli("backup", "--out", str(other))
    assert r.code == 1 and f"{other} already exists; a backup never replaces a file" in r.err, r.err
    assert other.read_bytes() == b"not to be replaced" and state(db) == before


@pytest.mark.parametrize(("argv", "sentence"), [
    (["report", "2026-2/TGZ", "--on", "2026-03-12", "--text", " "],
     "Error: The progress report is empty; write what has been done and record it again.\n"),
    (["cancel", "2026-2/TGZ", "--on", "2026-03-13", "--reason", ""],
     "Error: The reason is empty; write why and record it again.\n"),
])
def test_empty_text_sentence(cli, db, argv, sentence):
    assert cli(*argv).err == sentence


@pytest.mark.parametrize("argv", [
    ["extend", "2026-3/FGJ", "--on", "2026-03-11", "--until", "2026-03-31", "--plan", "补办延期"],
    ["claim", "2026-4/ZJJ", "--on", "2026-03-09"],
    ["report", "2026-3/FGJ", "--on", "2026-03-10", "--text", "补录进展"],
], ids=["extend closed", "claim cancelled", "report closed"])
def test_nothing_is_recorded_on_a_closed_or_cancelled_assignment(cli, db, state, argv):
    before = state(db)
    r = cli(*argv)
    assert r.code == 1 and ("is closed" in r.err or "is cancelled" in r.err)
    assert state(db) == before


def test_a_second_claim_dated_earlier_is_refused(cli, db, state):
    cli.ok("task", "add", "--title", "晚签收事项", "--category", "general", "--date", "2026-03-08", "--lead", "TGZ")
    cli.ok("claim", "2026-7/TGZ", "--on", "2026-03-10")
    before = state(db)
    r = cli("claim", "2026-7/TGZ", "--on", "2026-03-08")
    assert r.code == 1 and "already claimed on 2026-03-10" in r.err
    assert state(db) == before


@pytest.mark.parametrize(("user", "argv", "message"), [
    ("viewer", ["claim", "2026-1/TGZ", "--on", "2026-03-08"],
     "The user viewer may only read; ask a clerk or the administrator to do this."),
    ("viewer", ["task", "add", "--title", "查看者新增", "--category", "general", "--date", "2026-03-08", "--lead", "TGZ"],
     "The user viewer may only read"),
    ("viewer", ["unit", "add", "--code", "NEW", "--name", "新镇", "--kind", "township"], "may only read"),
    ("viewer", ["meeting", "add", "--kind", "weekly", "--date", "2026-03-08"], "may only read"),
    ("viewer", ["close", "2026-5/XYJ", "--on", "2026-03-13"], "may only read"),
    ("clerk", ["user", "add", "--name", "li", "--role", "clerk"], "Only an administrator may do this"),
])
def test_who_may_write(cli, db, state, user, argv, message):
    before = state(db)
    r = cli(*argv, user=user)
    assert (r.code, r.out) == (1, "")
    assert message in r.err
    assert state(db) == before
    assert cli("task", "list", "--json", user=user).code == 0  # reading is fine


def test_viewer_may_not_import_rules_or_a_calendar(cli, db, state, tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text("[deadlines]\nwarn_days = 3\n", encoding="utf-8")
    before = state(db)
    assert "may only read" in cli("rules", "import", str(rules), user="viewer").err
    notice = tmp_path / "n.txt"
    notice.write_text((FIXTURES / "notice_2027_invented.txt").read_text(encoding="utf-8"),
                      encoding="utf-8")
    r = cli("calendar", "import-notice", str(notice), "--yes", user="viewer")
    assert r.code == 1 and "may only read" in r.err
    assert state(db) == before


def test_sign_in_refusals(cli, db, state):
    before = state(db)
    r = cli("task", "list", env={"CLOSELOOP_PASSWORD": "wrong-pass"})
    assert (r.code, r.err) == (1, "Error: Wrong user name or password; check both and try again.\n")
    r = cli("task", "list", user="nobody")
    assert (r.code, r.err) == (1, "Error: Wrong user name or password; check both and try again.\n")
    r = cli("claim", "2026-1/TGZ", "--on", "2026-03-08", env={"CLOSELOOP_PASSWORD": None})
    assert r.code == 2
    assert r.err == ("Error: No password given: set CLOSELOOP_PASSWORD or run the command in a terminal to "
                     "type it.\n")
    r = cli("user", "add", "--name", "li", "--role", "clerk", env={"CLOSELOOP_NEW_PASSWORD": None})
    assert r.code == 2 and "set CLOSELOOP_NEW_PASSWORD" in r.err
    r = cli("user", "add", "--name", "li", "--role", "clerk", env={"CLOSELOOP_NEW_PASSWORD": "abc"})
    assert r.code == 1 and "The password is too short" in r.err
    assert state(db) == before


def test_oversized_attachment(cli, db, state, tmp_path):
    from core.db.connection import connect
    from core.office import set_setting

    conn = connect(db)
    try:
        set_setting(conn, "attachment_max_mb", "0.001")
    finally:
        conn.conn.close()
    big = tmp_path / "扫描件.pdf"
    big.write_bytes(b"%PDF" + b"0" * 4000)
    small = tmp_path / "回执.txt"
    small.write_bytes(b"ok" * 100)
    before = state(db)
    r = cli("report", "2026-2/TGZ", "--on", "2026-03-12", "--text", "附扫描件", "--attach", str(small), str(big))
    assert r.code == 1
    assert "The attachment 扫描件.pdf is 0.0038 MB, over the limit of 0.001 MB" in r.err, r.err
    assert state(db) == before
    assert not Path(f"{db}.evidence").exists()
    cli.ok("report", "2026-2/TGZ", "--on", "2026-03-12", "--text", "附回执", "--attach", str(small))


def test_init_refusals(cli, tmp_path):
    fresh = tmp_path / "new" / "unit.db"
    r = cli("init", "--role", "unit", "--office", "太公镇", "--code", "TGZ", "--admin", "admin", db=fresh)
    assert r.code == 1 and "init --from-enrollment FILE" in r.err
    assert not fresh.exists() and not fresh.parent.exists()
    r = cli("task", "list", db=fresh)
    assert r.code == 1 and f"There is no database at {fresh}" in r.err
    assert not fresh.exists()
    r = cli("init", "--role", "hub", "--office", "县督查室", "--code", "HUB", "--admin", "admin", db=fresh,
            env={"CLOSELOOP_PASSWORD": "ab"})
    assert r.code == 1 and "The password is too short" in r.err
    assert not fresh.exists()
    r = cli.ok("init", "--role", "hub", "--office", "县督查室", "--code", "HUB", "--admin", "admin", db=fresh)
    assert "Hub office 县督查室 (HUB) created" in r.out
    assert not list(fresh.parent.glob("*.creating*"))


def test_refusal_in_chinese(cli, db, monkeypatch):
    from core.i18n import set_language

    monkeypatch.setenv("CLOSELOOP_LANG", "zh_CN")
    set_language("zh_CN")
    r = cli("claim", "2026-99/TGZ", "--on", "2026-03-08")
    assert r.code == 1
    assert re.search(r"[\u4e00-\u9fff]", r.err), r.err
