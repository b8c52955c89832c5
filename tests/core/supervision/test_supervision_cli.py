"""Supervision through the CLI as a clerk (issue 16): groups, inspections, findings, actions, people, views."""
from __future__ import annotations

import datetime as dt

import pytest

from core.db.connection import open_database
from core.supervision import views

DAY = dt.date(2026, 11, 27)


@pytest.fixture
def sv(cli):  # noqa: ANN001, ANN201
    """A group covering TGZ and FGJ, a task of TGZ, and an inspection of it on 2026-11-10."""
    cli.ok("group", "add", "--name", "第一督查组", "--lead", "张三", "--members", "李四,王五", "--units", "TGZ,FGJ")
    cli.ok("task", "add", "--title", "修路", "--category", "general", "--date", "2026-11-02", "--lead", "TGZ")
    r = cli.json("inspect", "add", "--group", "第一督查组", "--on", "2026-11-10", "--method", "targeted",
                 "--units", "TGZ", "--tasks", "2026-1")
    assert r["id"] == 1 and r["units"] == ["TGZ"] and r["tasks"] == ["2026-1"]
    return cli


def _score(cli, unit: str, month: str) -> float:  # noqa: ANN001
    return next(x["score"] for x in cli.json("score", "month", month) if x["unit"] == unit)


def _lines(cli, unit: str, month: str) -> list[tuple[str, float]]:  # noqa: ANN001
    return [(x["kind"], x["points"]) for x in cli.json("score", "explain", unit, month)["lines"]
            if x["kind"] in ("finding", "public_criticism")]


def test_rectify_general_and_deduct_make_a_task_with_its_dues_and_move_the_month(sv):
    before = _score(sv, "TGZ", "2026-11")
    r = sv.ok("finding", "add", "1", "--unit", "TGZ", "--severity", "major", "--text", "台账不全",
              "--rectify", "general", "--deduct")
    assert "Rectification task 2026-2" in r.out
    task = sv.json("task", "show", "2026-2")
    assert task["source"] == "inspection" and task["category"] == "general" and task["assigned_on"] == "2026-11-10"
    lead = task["assignments"][0]
    assert (lead["unit"], lead["role"]) == ("TGZ", "lead")
    assert (lead["claim_due"], lead["report_due"], lead["due"]) == ("2026-11-10", "2026-11-13", "2026-11-17")
    assert _lines(sv, "TGZ", "2026-11") == [("finding", -1.0)]
    # the task's own lateness moves the score too; the finding itself is the rule set's `finding` points
    deductions = sum(x["points"] for x in sv.json("score", "explain", "TGZ", "2026-11")["lines"]
                     if x["ref"] == "2026-2/TGZ")
    assert _score(sv, "TGZ", "2026-11") == pytest.approx(before - 1.0 + deductions)
    db = open_database(sv.db)
    (f,) = views.list_findings(db, DAY, inspection_id=1)
    assert f.task_no == "2026-2" and f.rectification.ref == "2026-2/TGZ" and f.rectification.light == "red"
    assert f.severity == "major" and f.deduct


def test_a_finding_without_deduct_moves_no_points_and_major_gives_a_month(sv):
    sv.ok("finding", "add", "1", "--unit", "TGZ", "--severity", "minor", "--text", "资料缺失", "--rectify", "major")
    assert _lines(sv, "TGZ", "2026-11") == []
    assert sv.json("task", "show", "2026-2")["assignments"][0]["due"] == "2026-12-10"


def test_the_old_finding_add_keeps_working_and_deducts(cli):
    cli.ok("finding", "add", "--unit", "TGZ", "--on", "2026-04-10", "--text", "台账不全")
    assert _lines(cli, "TGZ", "2026-04") == [("finding", -1.0)]


def test_a_criticism_action_moves_the_month_by_public_criticism_once(sv):
    before = _score(sv, "FGJ", "2026-11")
    sv.ok("action", "add", "--unit", "FGJ", "--kind", "criticism", "--on", "2026-11-12", "--text", "通报批评")
    assert _lines(sv, "FGJ", "2026-11") == [("public_criticism", -1.0)]
    assert _score(sv, "FGJ", "2026-11") == pytest.approx(before - 1.0)
    sv.ok("criticism", "add", "--unit", "FGJ", "--on", "2026-11-13", "--text", "又一次")  # the same record
    assert _score(sv, "FGJ", "2026-11") == pytest.approx(before - 2.0)
    sv.ok("action", "add", "--unit", "FGJ", "--kind", "talk", "--on", "2026-11-14", "--text", "约谈")
    assert _score(sv, "FGJ", "2026-11") == pytest.approx(before - 2.0)  # a talk moves no points
    db = open_database(sv.db)
    assert [(a.kind, a.table) for a in views.list_actions(db)] == [
        ("criticism", "criticism"), ("criticism", "criticism"), ("talk", "accountability")]


def test_a_persons_record_lists_exactly_their_entries(sv):
    r = sv.ok("finding", "add", "1", "--unit", "TGZ", "--severity", "major", "--text", "台账不全", "--person", "赵六")
    assert "赵六 was not yet known and was added as a person of TGZ" in r.out
    sv.ok("person", "add", "--name", "赵六", "--unit", "FGJ", "--post", "科长")  # the same name, another unit
    sv.ok("action", "add", "--unit", "TGZ", "--kind", "talk", "--on", "2026-11-12", "--text", "约谈", "--person", "赵六",
          "--finding", "1")
    sv.ok("bonus", "add", "--unit", "TGZ", "--kind", "public_praise", "--on", "2026-11-20", "--text", "表扬",
          "--person", "赵六")
    sv.ok("criticism", "add", "--unit", "FGJ", "--on", "2026-11-21", "--text", "批评", "--person", "赵六")
    sv.ok("action", "add", "--unit", "TGZ", "--kind", "talk", "--on", "2026-11-22", "--text", "别人", "--person", "钱七")
    r = sv("person", "show", "赵六")
    assert r.code == 2 and "FGJ, TGZ" in r.err
    tgz = sv.json("person", "show", "赵六", "--unit", "TGZ")
    assert [(e["date"], e["kind"], e["category"], e["text"]) for e in tgz["entries"]] == [
        ("2026-11-10", "finding", "finding", "台账不全"), ("2026-11-12", "talk", "accountability", "约谈"),
        ("2026-11-20", "public_praise", "recognition", "表扬")]
    assert tgz["entries"][1]["source"] == "第一督查组, targeted inspection of 2026-11-10"
    fgj = sv.json("person", "show", "赵六", "--unit", "FGJ")
    assert fgj["post"] == "科长" and [e["text"] for e in fgj["entries"]] == ["批评"]


def test_the_nail_view_lists_an_item_inspected_twice_and_still_open(sv):
    sv.ok("task", "add", "--title", "建桥", "--category", "general", "--date", "2026-11-02", "--lead", "FGJ")
    sv.ok("inspect", "add", "--group", "第一督查组", "--on", "2026-11-20", "--method", "follow_through",
          "--units", "TGZ,FGJ", "--tasks", "2026-1,2026-2")
    db = open_database(sv.db)
    (nail,) = views.nail_items(db, DAY)
    assert nail.task_no == "2026-1" and nail.times == 2
    assert nail.inspected_on == (dt.date(2026, 11, 10), dt.date(2026, 11, 20))
    assert [r.ref for r in nail.open] == ["2026-1/TGZ"]
    sv.ok("cancel", "2026-1/TGZ", "--on", "2026-11-25", "--reason", "撤销")
    assert views.nail_items(open_database(sv.db), DAY) == []


def test_per_group_its_units_red_items_today(sv):
    db = open_database(sv.db)
    assert [(g, [(u, [r.ref for r in rows]) for u, rows in units]) for g, units in views.group_red_items(db, DAY)] \
        == [("第一督查组", [("FGJ", []), ("TGZ", ["2026-1/TGZ"])])]
    assert [(i.id, i.group, i.method, i.findings) for i in views.list_inspections(db, group="第一督查组")] == [
        (1, "第一督查组", "targeted", 0)]


@pytest.mark.parametrize(("args", "code", "words"), [
    (("finding", "add", "1", "--unit", "XYJ", "--severity", "minor", "--text", "问题"), 1, ["does not cover"]),
    (("finding", "add", "9", "--unit", "TGZ", "--severity", "minor", "--text", "问题"), 1, ["no inspection 9"]),
    (("finding", "add", "1", "--unit", "NOPE", "--severity", "minor", "--text", "问题"), 1, ["no unit"]),
    (("finding", "add", "1", "--unit", "TGZ", "--severity", "huge", "--text", "问题"), 2, ["severity"]),
    (("finding", "add", "1", "--unit", "TGZ", "--severity", "minor", "--text", "问题", "--rectify", "366"), 2,
     ["from 1 to 365"]),
    (("inspect", "add", "--group", "第一督查组", "--on", "2026-11-20", "--method", "walkabout"), 2,
     ["not an inspection method"]),
    (("inspect", "add", "--group", "第一督查组", "--on", "2026-12-01", "--method", "survey"), 1, ["in the future"]),
    (("inspect", "add", "--group", "第九督查组", "--on", "2026-11-20", "--method", "survey"), 1,
     ["no inspection group"]),
    (("inspect", "add", "--group", "第一督查组", "--on", "2026-11-20", "--method", "survey", "--units", "NOPE"), 1,
     ["no unit"]),
    (("action", "add", "--unit", "TGZ", "--kind", "fine", "--on", "2026-11-20", "--text", "x"), 2, ["action kind"]),
    (("action", "add", "--unit", "TGZ", "--kind", "talk", "--on", "2026-12-20", "--text", "x"), 1, ["in the future"]),
    (("action", "add", "--unit", "FGJ", "--kind", "talk", "--on", "2026-11-20", "--text", "x", "--finding", "1"), 1,
     ["no finding 1"]),
    (("group", "add", "--name", "第一督查组", "--lead", "某"), 1, ["already a group"]),
    (("person", "show", "无名"), 1, ["no person"]),
])
def test_refusals_change_nothing(sv, state, args, code, words):  # noqa: ANN001
    before = state(sv.db)
    r = sv(*args)
    assert r.code == code and all(w in r.err for w in words), r.err
    assert state(sv.db) == before


def test_a_finding_outside_the_group_needs_the_override_and_is_recorded(sv):
    sv.ok("finding", "add", "1", "--unit", "XYJ", "--severity", "minor", "--text", "问题", "--outside-group")
    (f,) = views.list_findings(open_database(sv.db), DAY, unit="XYJ")
    assert f.outside_group and not f.deduct
    audit = sv.json("audit")
    (entry,) = [a for a in audit if a["action"] == "finding_add"]
    assert entry["details"]["outside_group"] == 1 and entry["ref"] == "XYJ"


def test_check_finds_nothing_after_the_supervision_writes(sv):
    sv.ok("finding", "add", "1", "--unit", "TGZ", "--severity", "major", "--text", "台账不全", "--rectify", "general",
          "--deduct", "--person", "赵六")
    sv.ok("action", "add", "--unit", "TGZ", "--kind", "rectify_order", "--on", "2026-11-12", "--text", "整改")
    assert sv.json("check")["ok"]


def test_a_group_is_edited_in_place_with_a_new_revision(sv):
    from core.office import open_session
    from core.supervision.groups import edit_group, group_by_name
    from tests.core.conftest import PASSWORD

    s = open_session(sv.db, "clerk", PASSWORD)
    try:
        assert not edit_group(s, "第一督查组", lead="张三", units=["TGZ", "FGJ"]).directory  # nothing changed
        assert edit_group(s, "第一督查组", lead="孙八", members=["李四"], units=["TGZ", "XYJ"]).directory
        g = group_by_name(s.db, "第一督查组")
        assert (g.lead, g.members, g.units) == ("孙八", ("李四",), ("TGZ", "XYJ"))
        edit_group(s, "第一督查组", units=["TGZ", "FGJ", "XYJ"])  # FGJ put back: its old link again
        assert s.db.execute("SELECT COUNT(*), MAX(rev) FROM group_unit").fetchone() == (3, 3)
        assert s.db.execute("SELECT rev FROM inspection_group").fetchone()[0] == 2
    finally:
        s.db.conn.close()
    r = sv.ok("finding", "add", "1", "--unit", "XYJ", "--severity", "minor", "--text", "问题")
    assert "Finding 1" in r.out
    assert sv.json("check")["ok"]


def test_a_group_is_renamed_and_its_inspections_follow(sv):
    r = sv.ok("group", "edit", "第一督查组", "--rename", "第三督查组", "--lead", "孙八")
    assert "第三督查组" in r.out
    [g] = sv.json("group", "list")
    assert (g["name"], g["lead"], g["units"]) == ("第三督查组", "孙八", ["FGJ", "TGZ"])
    assert sv.ok("inspect", "add", "--group", "第三督查组", "--on", "2026-11-12", "--method", "survey").code == 0
    sv.ok("group", "add", "--name", "第四督查组", "--lead", "王五")
    before = sv.json("group", "list")
    r = sv("group", "edit", "第四督查组", "--rename", "第三督查组")
    assert r.code != 0 and "第三督查组" in r.err and sv.json("group", "list") == before
    assert "Nothing to change" in sv.ok("group", "edit", "第三督查组", "--lead", "孙八").out
    assert sv.json("check")["ok"]
