"""Input that used to break the app, or was accepted though it should not be, is refused in one line.

Issue 10, "Input that breaks the app instead of being refused": rule-set values out of
range, empty or deeply nested rule sets; dates, periods, limits and years beyond any
sane window; control characters and bidi overrides in names and texts; '/' in a unit
code; other scripts' digits as dates; an empty --user. Every refusal leaves the
database as it was (a dump of every table compared before and after).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

ADD = ["task", "add", "--category", "general", "--lead", "TGZ"]
ESC = "\x1b[2J"

# ---------------------------------------------------------------- the rule set


@pytest.mark.parametrize(("body", "message"), [
    ("[deadlines]\nwarn_days = 99999999999999999999\n",
     "Line 2: deadlines.warn_days must be from 1 to 30; found 99999999999999999999."),
    ("[deadlines]\ngeneral = {days = 100000000}\n", "Line 2: deadlines.general.days must be from 0 to 365"),
    ("[deadlines]\nmajor = {months = 25}\n", "deadlines.major.months must be from 1 to 12"),
    ("[deadlines]\nwarn_days = 0\n", "deadlines.warn_days must be from 1 to 30"),
    ("[monthly]\nbase = 1e300\n", "monthly.base must be from 0 to 1000"),
    ("[monthly]\noverdue = 101\n", "monthly.overdue must be from 0 to 100"),
    ("[quarterly]\nbonus_cap = 1000\n", "quarterly.bonus_cap must be from 0 to 100"),
    ("[ranking]\ntownship_rewards = 101\n", "ranking.township_rewards must be from 0 to 100"),
    ("[ranking]\ndepartment_rewards = 99999999999999999999\n", "ranking.department_rewards must be from 0 to 100"),
    ("[quarterly]\ncombine = \"max\"\n", "quarterly.combine must be one of sum, mean"),
    ("[ranking]\nwinners = 3\n", "ranking.winners is not a rule the rule set knows"),
    ("", "The rule set file is empty"),
    ("# only a comment\n\n", "The rule set file is empty"),
    ("a = " + "[" * 2000 + "]" * 2000 + "\n", "nests brackets or tables too deeply"),
    ("[deadlines]\nreport = " + "{ days = " * 2000 + "3" + " }" * 2000 + "\n", "too deeply"),
], ids=["warn_days huge", "general days huge", "major months", "warn_days zero", "base huge", "points",
        "bonus cap", "rewards", "rewards huge", "combine", "unknown key", "empty", "only comments",
        "nested lists", "nested tables"])
def test_rules_import_refuses_out_of_range_values(cli, hub_db, state, tmp_path, body, message):
    path = tmp_path / "rules.toml"
    path.write_text(body, encoding="utf-8")
    before = state(hub_db)
    r = cli("rules", "import", str(path))
    assert r.code == 2 and message in r.err, r.err
    assert state(hub_db) == before
    # and everything that reads the rules still works
    cli.ok("task", "list")
    cli.ok("stats")
    cli.ok("score", "month", "2026-10")
    cli.ok(*ADD, "--title", "规则导入后", "--date", "2026-11-27")


def test_rule_limits_are_the_limits_of_every_form():
    """The deadline form (settings_ops) and the scoring form (its spin boxes read LIMITS) agree with the core."""
    from core import office_settings as settings_ops
    from core.rules import limits
    from core.rules.ruleset import SECTIONS

    assert (settings_ops.MAX_DAYS, settings_ops.MAX_MONTHS, settings_ops.MAX_WARN_DAYS) == (
        limits.MAX_DAYS, limits.MAX_MONTHS, limits.MAX_WARN_DAYS)
    import dataclasses

    numbers = {f"{name}.{f.name}" for name, cls in SECTIONS.items() for f in dataclasses.fields(cls)
               if f.type in ("int", "float") and f.name not in ("claim", "report", "general", "major")}
    assert numbers <= set(limits.LIMITS)


@pytest.mark.parametrize(("section", "values", "message"), [
    ("monthly", {"overdue": 1e9}, "monthly.overdue must be from 0 to 100"),
    ("ranking", {"township_rewards": 500}, "ranking.township_rewards must be from 0 to 100"),
    ("monthly", {"base": 5000.0}, "monthly.base must be from 0 to 1000"),
])
def test_the_form_check_refuses_the_same_ranges(section, values, message):
    import dataclasses

    from core.errors import UsageError
    from core.rules.ruleset import RuleSet
    from core.scoring.rules_edit import check_rules

    rs = RuleSet()
    rs = dataclasses.replace(rs, **{section: dataclasses.replace(getattr(rs, section), **values)})
    with pytest.raises(UsageError, match=message):
        check_rules(rs)


def test_a_rule_set_refusal_is_in_chinese(cli, tmp_path, monkeypatch):
    from core.i18n import set_language

    path = tmp_path / "rules.toml"
    path.write_text("[deadlines]\nwarn_days = 99\n", encoding="utf-8")
    monkeypatch.setenv("CLOSELOOP_LANG", "zh_CN")
    set_language("zh_CN")
    r = cli("rules", "import", str(path))
    assert r.code == 2 and "deadlines.warn_days" in r.err and "1" in r.err and "30" in r.err
    assert "范围" in r.err or "之间" in r.err, r.err
    path.write_text("", encoding="utf-8")
    assert "空" in cli("rules", "import", str(path)).err


# ---------------------------------------------------------------- internal errors become refusals


@pytest.mark.parametrize(("argv", "message"), [
    (["task", "list", "--as-of", "9999-12-31"],
     "--as-of: 9999-12-31 is outside the dates Closeloop accepts (2000-01-01 to 2036-11-27); check the year."),
    (["stats", "--as-of", "9999-12-31"], "--as-of: 9999-12-31 is outside the dates"),
    (["score", "month", "0000-01"], "The period 0000-01 is outside the years Closeloop accepts (2000 to 2036)"),
    (["score", "month", "9999-12"], "The period 9999-12 is outside the years"),
    (["score", "quarter", "9999-Q4"], "The period 9999-Q4 is outside the years"),
    (["score", "month", "2026-10", "--as-of", "9999-12-31"], "--as-of: 9999-12-31 is outside the dates"),
    (["task", "list", "--limit", "99999999999999999999999"], "--limit must be at most 1000000"),
    (["calendar", "show", "99999999999999999999999"],
     "calendar show: the year 99999999999999999999999 is outside the years Closeloop accepts (2000 to 2036)"),
    (["calendar", "show", "0"], "the year 0 is outside the years"),
], ids=["task list as-of", "stats as-of", "month 0000", "month 9999", "quarter 9999", "score as-of",
        "limit", "calendar year", "calendar year 0"])
def test_out_of_range_arguments_are_refused_in_words(cli, hub_db, state, argv, message):
    before = state(hub_db)
    r = cli(*argv)
    assert r.code == 2 and message in r.err, r.err
    assert state(hub_db) == before


def test_report_ledger_limit_is_bounded(cli, tmp_path):
    r = cli("report", "ledger", "--limit", "99999999999999999999999", "--out", str(tmp_path / "l.pdf"))
    assert r.code == 2 and "--limit must be at most" in r.err
    assert not (tmp_path / "l.pdf").exists()


def test_the_edges_of_the_window_are_accepted(cli):
    cli.ok("task", "list", "--as-of", "2036-11-27")
    cli.ok("task", "list", "--as-of", "2000-01-01")
    cli.ok("score", "quarter", "2036-Q4")
    cli.ok("score", "month", "2000-01")
    cli.ok("calendar", "show", "2036")


# ---------------------------------------------------------------- dates bounded to the window


@pytest.fixture
def claimed(cli) -> str:
    """A task assigned 2026-11-20 and claimed the same day: its REF."""
    cli.ok(*ADD, "--title", "窗口测试", "--date", "2026-11-20")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-20")
    return "2026-1/TGZ"


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_dates_outside_the_window_are_refused_everywhere(cli, hub_db, state, claimed, day):
    before = state(hub_db)
    for argv in (
        [*ADD, "--title", "远古事项", "--date", day],
        ["meeting", "add", "--kind", "weekly", "--date", day],
        ["extend", claimed, "--on", "2026-11-21", "--until", day, "--plan", "分步实施"],
        ["extend", claimed, "--on", "2026-11-21", "--until", "2026-12-31", "--plan", "分步实施",
         "--milestone", f"{day}:验收"],
        ["urge", claimed, "--on", "2026-11-21", "--follow-up", day],
        ["bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", day, "--text", "表彰"],
        ["criticism", "add", "--unit", "TGZ", "--on", day, "--text", "通报"],
        ["finding", "add", "--unit", "TGZ", "--on", day, "--text", "问题"],
        ["panel", "set", day[:7], "--leader", "王建国", "--unit", "TGZ", "--score", "8"],
    ):
        r = cli(*argv)
        assert r.code == 2 and "outside the" in r.err, (argv, r.err)
    assert state(hub_db) == before


def test_core_refuses_dates_from_a_form_outside_the_window(hub_db):
    """The GUI hands dates, not text, to the core: the same window applies."""
    from core.errors import UsageError
    from core.office import open_session
    from core.scoring import store
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_meeting, add_tasks, task_problems

    s = open_session(hub_db, "admin", "test-pass")
    try:
        old = dt.date(1, 1, 1)
        with pytest.raises(UsageError, match="outside the dates"):
            add_tasks(s, [NewTask(title="远古", category="general", assigned_on=old, lead="TGZ")])
        problems = task_problems(s.db, NewTask(title="远古", category="general", assigned_on=old, lead="TGZ"),
                                 s.today)
        assert [p.kind for p in problems] == ["bad_date"]
        with pytest.raises(UsageError, match="outside the dates"):
            add_meeting(s, "weekly", dt.date(9999, 1, 1))
        with pytest.raises(UsageError, match="outside the dates"):
            store.add_bonus(s, "TGZ", "commendation", dt.date(1999, 1, 1), "表彰")
        add_tasks(s, [NewTask(title="正常", category="general", assigned_on=dt.date(2026, 11, 20), lead="TGZ")])
        with pytest.raises(UsageError, match="outside the dates"):
            record(s, "2026-1/TGZ", Action("urge", dt.date(2026, 11, 21), value=dt.date(9999, 1, 1)))
    finally:
        s.db.conn.close()


def test_the_window_follows_today(monkeypatch):
    from core.dates import check_date_window, latest_date, parse_date

    monkeypatch.setenv("CLOSELOOP_TODAY", "2028-02-29")
    assert latest_date() == dt.date(2038, 2, 28)
    assert parse_date("2038-02-28") == dt.date(2038, 2, 28)
    assert check_date_window(dt.date(2000, 1, 1)) == dt.date(2000, 1, 1)
    with pytest.raises(Exception, match="outside the dates"):
        parse_date("2038-03-01")


def test_xlsx_dates_outside_the_window_are_refused(hub_db, tmp_path):
    from openpyxl import Workbook

    from core.reports.xlsx.importing import plan_import

    wb = Workbook()
    ws = wb.active
    ws.append(["事项名称", "交办日期", "牵头单位", "类别"])
    ws.append(["远古事项", "0001-01-01", "TGZ", "一般"])
    ws.append(["未来事项", "9999-12-31", "TGZ", "一般"])
    ws.append(["全角日期", "２０２６－１１－２０", "TGZ", "一般"])
    ws.append(["阿拉伯数字", "٢٠٢٦-١١-٢٠", "TGZ", "一般"])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    import sqlite_utils

    plan = plan_import(sqlite_utils.Database(hub_db), path)
    reasons = {r.row: " ".join(r.reasons) for r in plan.refused}
    assert "outside the dates" in reasons[2] and "outside the dates" in reasons[3]
    assert 4 not in reasons, reasons
    assert "not a date" in reasons[5]


@pytest.mark.parametrize("text", ["٢٠٢٦-١١-٢٠", "۲۰۲۶-۱۱-۲۰", "२०२६-११-२०"])
def test_other_scripts_digits_are_not_dates(cli, claimed, text):
    r = cli("report", claimed, "--on", text, "--text", "进展")
    assert r.code == 2 and "is not a date" in r.err
    r = cli("score", "month", text[:7])
    assert r.code == 2 and "is not a month" in r.err


def test_full_width_digits_are_dates(cli, claimed):
    cli.ok("report", claimed, "--on", "２０２６－１１－２１", "--text", "进展")
    assert cli.json("task", "show", claimed)["assignments"][0]["first_report_on"] == "2026-11-21"
    cli.ok("score", "month", "２０２６－１１")


# ---------------------------------------------------------------- names, titles, codes and texts


@pytest.mark.parametrize(("argv", "message"), [
    (["unit", "add", "--code", f"X{ESC}", "--name", "新镇", "--kind", "township"],
     "The unit code XU+001B[2J is not a code: use 1 to 16 letters A-Z, digits 0-9, '-' or '_'"),
    (["unit", "add", "--code", "TG/Z", "--name", "新镇", "--kind", "township"], "The unit code TG/Z is not a code"),
    (["unit", "add", "--code", "T G", "--name", "新镇", "--kind", "township"], "is not a code"),
    (["unit", "add", "--code", "太公", "--name", "新镇", "--kind", "township"], "is not a code"),
    (["unit", "add", "--code", "T\u200bG", "--name", "新镇", "--kind", "township"], "TU+200BG is not a code"),
    (["unit", "add", "--code", "A" * 17, "--name", "新镇", "--kind", "township"], "is not a code"),
    (["unit", "add", "--code", "NEW", "--name", f"新{ESC}镇", "--kind", "township"],
     "The unit name contains the control character U+001B at character 2; remove it and enter it again."),
    (["unit", "add", "--code", "NEW", "--name", "新\u202e镇", "--kind", "township"],
     "The unit name contains the invisible formatting character U+202E at character 2"),
    (["leader", "add", "--name", "王\x07五"], "The leader's name contains the control character U+0007"),
    (["leader", "add", "--name", "王五", "--title", "副\x9b县长"], "The job title contains the control character U+009B"),
    (["user", "add", "--name", f"li{ESC}", "--role", "clerk"], "The user name contains the control character U+001B"),
    (["user", "add", "--name", "li\tsi", "--role", "clerk"], "The user name contains the control character U+0009"),
    ([*ADD, "--title", f"标题{ESC}", "--date", "2026-11-20"], "The task title contains the control character"),
    ([*ADD, "--title", "标题\n第二行", "--date", "2026-11-20"], "The task title contains the control character U+000A"),
    ([*ADD, "--title", "标题", "--content", f"内容{ESC}", "--date", "2026-11-20"],
     "The task content contains the control character U+001B"),
    (["meeting", "add", "--kind", "weekly", "--date", "2026-11-22", "--title", f"周例会{ESC}"],
     "The meeting title contains the control character"),
    (["criticism", "add", "--unit", "TGZ", "--on", "2026-11-01", "--text", f"通报{ESC}"],
     "The text contains the control character U+001B"),
    (["bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2026-11-01", "--text", "表彰",
      "--person", f"张三{ESC}"], "The person's name contains the control character"),
], ids=["esc in code", "slash in code", "space in code", "cjk code", "zero-width in code", "long code",
        "esc in unit name", "bidi in unit name", "bell in leader", "c1 in title", "esc in user",
        "tab in user", "esc in task title", "newline in task title", "esc in content", "esc in meeting title",
        "esc in criticism", "esc in person"])
def test_control_characters_are_refused(cli, hub_db, state, argv, message):
    before = state(hub_db)
    r = cli(*argv)
    assert r.code == 2 and message in r.err, r.err
    assert "\x1b" not in r.err and "\x07" not in r.err and "\x9b" not in r.err
    assert state(hub_db) == before


def test_action_texts_refuse_controls_and_keep_line_breaks(cli, hub_db, state, claimed):
    before = state(hub_db)
    r = cli("report", claimed, "--on", "2026-11-21", "--text", f"进展{ESC}")
    assert r.code == 2 and "The text contains the control character U+001B" in r.err
    r = cli("extend", claimed, "--on", "2026-11-21", "--until", "2026-12-31", "--plan", "计划",
            "--milestone", f"2026-12-01:验收{ESC}")
    assert r.code == 2 and "The milestone contains the control character" in r.err
    r = cli("cancel", claimed, "--on", "2026-11-21", "--reason", "原因\u202e")
    assert r.code == 2 and "invisible formatting character U+202E" in r.err
    assert state(hub_db) == before
    cli.ok("report", claimed, "--on", "2026-11-21", "--text", "第一行\r\n第二行\n\t第三行")


def test_good_codes_and_full_width_codes(cli):
    cli.ok("unit", "add", "--code", "TG-2_b", "--name", "新镇", "--kind", "township")
    r = cli.ok("unit", "add", "--code", "ＮＥＷ２", "--name", "新镇二", "--kind", "township")
    assert "NEW2" in r.out
    assert "NEW2" in [u["code"] for u in cli.json("unit", "list")]


def test_a_lookup_never_echoes_a_control_character(cli):
    r = cli("task", "list", "--unit", f"X{ESC}")
    assert r.code == 1 and "XU+001B[2J" in r.err and "\x1b" not in r.err
    r = cli("task", "list", "--as-of", ESC)
    assert r.code == 2 and "\x1b" not in r.err


def test_core_directory_refuses_controls_from_a_form(hub_db):
    from core.directory import add_unit, edit_leader, edit_unit
    from core.errors import UsageError
    from core.office import open_session

    s = open_session(hub_db, "admin", "test-pass")
    try:
        with pytest.raises(UsageError, match="The unit name contains the control character"):
            edit_unit(s, "TGZ", f"太公{ESC}镇", "township")
        with pytest.raises(UsageError, match="The job title contains the control character"):
            edit_leader(s, "王建国", f"副县长{ESC}", ["TGZ"])
        with pytest.raises(UsageError, match="is not a code"):
            add_unit(s, "A/B", "新镇", "township")
    finally:
        s.db.conn.close()


# ---------------------------------------------------------------- the acting user


def test_an_empty_user_is_refused_not_admin(cli, hub_db, state):
    before = state(hub_db)
    for name in ("", "  "):
        r = cli("--user", name, "task", "list")
        assert r.code == 2 and r.err == "Error: --user is empty; give the name of the user who acts, e.g. " \
                                        "--user clerk.\n"
    r = cli("--user", "", "unit", "add", "--code", "NEW", "--name", "新镇", "--kind", "township")
    assert r.code == 2
    assert state(hub_db) == before
    cli.ok("task", "list", env={"CLOSELOOP_USER": ""})  # an empty variable is the same as no variable


def test_demo_builds_within_the_window(cli, tmp_path: Path):
    db = tmp_path / "demo.db"
    r = cli("demo", db=db)
    assert r.code == 0
    demo = {"CLOSELOOP_PASSWORD": "demo"}
    cli.ok("task", "list", "--limit", "5", db=db, env=demo)
    cli.ok("score", "quarter", "2026-Q4", db=db, env=demo)
