"""The life of an assignment (docs/design.md §3–§4) driven through the CLI as a clerk would."""
from __future__ import annotations

import datetime as dt
import hashlib

LIST_FIELDS = {"ref", "task_no", "title", "unit", "unit_name", "role", "leader", "assigned_on", "state", "light",
               "claim_due", "report_due", "due", "days_left", "on_time", "warnings", "new"}
SHOW_EXTRA = {"base_due", "claimed_on", "first_report_on", "submitted_on", "closed_on", "cancelled_on",
              "pending_extension", "follow_up", "returns", "late_claim", "late_report", "events"}
EVENT_FIELDS = {"kind", "on", "recorded_at", "user", "on_behalf", "text", "value", "milestones", "files"}
TODAY = dt.date(2026, 11, 27)


def days_to(due: str) -> int:
    return (dt.date.fromisoformat(due) - TODAY).days


def add(cli, title="城区污水管网改造", date="2026-03-08", lead="TGZ", *extra: str) -> str:
    data = cli.json("task", "add", "--title", title, "--category", "general", "--date", date, "--lead", lead,
                    *extra)
    return data["task_no"]


def show(cli, ref: str) -> dict:
    """The one assignment `ref` of `task show REF --json`."""
    data = cli.json("task", "show", ref)
    (a,) = data["assignments"]
    return a


def test_task_add_prints_the_design_dues(cli):
    data = cli.json("task", "add", "--title", "城区污水管网改造", "--category", "general", "--date", "2026-03-08",
                    "--lead", "TGZ", "--co", "XYJ,FGJ", "--leader", "王建国", "--content", "改造主干管网3公里")
    assert data["task_no"] == "2026-1"
    assert [(a["ref"], a["role"], a["unit_name"]) for a in data["assignments"]] == [
        ("2026-1/TGZ", "lead", "太公镇"), ("2026-1/XYJ", "co", "新阳街道"), ("2026-1/FGJ", "co", "县发改局")]
    for a in data["assignments"]:
        assert set(a) == LIST_FIELDS
        assert (a["assigned_on"], a["claim_due"], a["report_due"], a["due"]) == (
            "2026-03-08", "2026-03-08", "2026-03-11", "2026-03-15")
        assert (a["state"], a["light"], a["on_time"], a["warnings"]) == ("assigned", "red", None, [])
        assert a["days_left"] == days_to("2026-03-15") == -257
        assert (a["task_no"], a["leader"], a["title"]) == ("2026-1", "王建国", "城区污水管网改造")

    out = cli.ok("task", "add", "--title", "县城供水管网提标", "--category", "major", "--date", "2026-03-08",
                 "--lead", "ZJJ").out
    assert "Task 2026-2 assigned: claim by 2026-03-08, first report by 2026-03-11, completion by 2026-04-08." in out
    out = cli.ok("task", "add", "--title", "月末重大事项", "--category", "major", "--date", "2026-01-31",
                 "--lead", "ZJJ").out
    assert "completion by 2026-02-28" in out  # D + 1 month, the shorter month's last day
    detail = cli.json("task", "show", "2026-1")
    assert {k: detail[k] for k in ("task_no", "title", "content", "category", "source", "assigned_on", "leader",
                                   "meeting", "rules_version")} == {
        "task_no": "2026-1", "title": "城区污水管网改造", "content": "改造主干管网3公里", "category": "general",
        "source": "meeting", "assigned_on": "2026-03-08", "leader": "王建国", "meeting": None, "rules_version": 1}
    assert len(detail["assignments"]) == 3
    assert set(detail["assignments"][0]) == LIST_FIELDS - {"task_no", "title", "leader", "assigned_on"} | SHOW_EXTRA


def test_claim_and_report_with_evidence_stored_by_hash(cli, hub_db, tmp_path):
    add(cli)
    photo = tmp_path / "现场照片.txt"
    photo.write_bytes("管网开挖现场 2026-03-10".encode())
    sha = hashlib.sha256(photo.read_bytes()).hexdigest()

    r = cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08", "--text", "当天研究部署", user="clerk")
    assert "2026-1/TGZ: claim recorded for 2026-03-08; now claimed, completion due 2026-03-15." in r.out
    r = cli.ok("report", "2026-1/TGZ", "--on", "2026-03-10", "--text", "已开挖", "--attach", str(photo), user="clerk")
    assert "now in progress" in r.out
    stored = hub_db.parent / "hub.db.evidence" / sha[:2] / sha
    assert stored.read_bytes() == photo.read_bytes()
    # the same content attached again is stored once
    cli.ok("report", "2026-1/TGZ", "--on", "2026-03-12", "--text", "继续施工", "--attach", str(photo))
    assert [p.name for p in (hub_db.parent / "hub.db.evidence").rglob("*") if p.is_file()] == [sha]

    a = show(cli, "2026-1/TGZ")
    assert (a["state"], a["claimed_on"], a["first_report_on"], a["late_claim"], a["late_report"]) == (
        "in_progress", "2026-03-08", "2026-03-10", False, False)
    events = a["events"]
    assert [(e["kind"], e["on"], e["user"], e["on_behalf"], e["text"]) for e in events] == [
        ("claim", "2026-03-08", "clerk", True, "当天研究部署"), ("report", "2026-03-10", "clerk", True, "已开挖"),
        ("report", "2026-03-12", "admin", True, "继续施工")]
    assert all(set(e) == EVENT_FIELDS for e in events)
    assert events[1]["files"] == events[2]["files"] == [
        {"name": "现场照片.txt", "sha256": sha, "size": photo.stat().st_size}]
    assert events[0]["files"] == []
    assert dt.datetime.fromisoformat(events[0]["recorded_at"]).utcoffset() == dt.timedelta(0)


def test_late_claim_and_late_first_report_are_marked(cli):
    add(cli)
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-09")
    cli.ok("report", "2026-1/TGZ", "--on", "2026-03-12", "--text", "晚了一天")
    a = show(cli, "2026-1/TGZ")
    assert (a["late_claim"], a["late_report"]) == (True, True)


def test_extension_approved_moves_the_due_rejected_does_not(cli):
    add(cli, "城区污水管网改造", "2026-03-08", "TGZ", "--co", "XYJ")
    for ref in ("2026-1/TGZ", "2026-1/XYJ"):
        cli.ok("claim", ref, "--on", "2026-03-08")
    r = cli.ok("extend", "2026-1/TGZ", "--on", "2026-03-12", "--until", "2026-03-31", "--plan", "分段施工，月底完工",
               "--milestone", "2026-03-20:完成招标", "--milestone", "2026-03-28：完成主体施工")
    assert "completion due 2026-03-15" in r.out
    a = show(cli, "2026-1/TGZ")
    assert (a["pending_extension"], a["due"], a["base_due"]) == ("2026-03-31", "2026-03-15", "2026-03-15")
    ext = a["events"][-1]
    assert (ext["kind"], ext["text"], ext["value"]) == ("extension_request", "分段施工，月底完工", "2026-03-31")
    assert ext["milestones"] == [{"date": "2026-03-20", "text": "完成招标"},
                                 {"date": "2026-03-28", "text": "完成主体施工"}]

    r = cli.ok("approve-extension", "2026-1/TGZ", "--on", "2026-03-13")
    assert "now in progress" not in r.out and "completion due 2026-03-31" in r.out
    a = show(cli, "2026-1/TGZ")
    assert (a["pending_extension"], a["due"], a["base_due"], a["state"]) == (
        None, "2026-03-31", "2026-03-15", "claimed")
    assert a["days_left"] == days_to("2026-03-31")

    cli.ok("extend", "2026-1/XYJ", "--on", "2026-03-14", "--until", "2026-04-10", "--plan", "资金未到位")
    cli.ok("reject-extension", "2026-1/XYJ", "--on", "2026-03-15", "--reason", "理由不充分，按期完成")
    a = show(cli, "2026-1/XYJ")
    assert (a["pending_extension"], a["due"]) == (None, "2026-03-15")
    assert [e["kind"] for e in a["events"]][-2:] == ["extension_request", "extension_reject"]


def test_a_second_request_is_judged_against_the_due_in_force(cli, hub_db, state):
    add(cli)
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08")
    cli.ok("extend", "2026-1/TGZ", "--on", "2026-03-12", "--until", "2026-03-31", "--plan", "第一次延期")
    before = state(hub_db)
    r = cli("extend", "2026-1/TGZ", "--on", "2026-03-13", "--until", "2026-04-10", "--plan", "再次延期")
    assert r.code == 1 and "already has a pending extension request to 2026-03-31" in r.err
    assert state(hub_db) == before
    cli.ok("approve-extension", "2026-1/TGZ", "--on", "2026-03-14")
    # after the base due (03-15) but before the due in force (03-31): allowed
    cli.ok("extend", "2026-1/TGZ", "--on", "2026-03-20", "--until", "2026-04-10", "--plan", "再次延期")
    cli.ok("reject-extension", "2026-1/TGZ", "--on", "2026-03-21", "--reason", "不再延期")
    r = cli("extend", "2026-1/TGZ", "--on", "2026-04-01", "--until", "2026-04-20", "--plan", "第三次")
    assert r.code == 1 and "dated 2026-04-01, after the completion due 2026-03-31" in r.err
    a = show(cli, "2026-1/TGZ")
    assert (a["due"], a["pending_extension"]) == ("2026-03-31", None)


def test_approval_may_grant_an_earlier_date_than_requested(cli):
    add(cli)
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08")
    cli.ok("extend", "2026-1/TGZ", "--on", "2026-03-10", "--until", "2026-04-15", "--plan", "分步实施")
    cli.ok("approve-extension", "2026-1/TGZ", "--on", "2026-03-11", "--until", "2026-03-25")
    assert show(cli, "2026-1/TGZ")["due"] == "2026-03-25"


def test_return_then_complete_again_and_close_judges_the_standing_submission(cli):
    add(cli)
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08")
    r = cli.ok("complete", "2026-1/TGZ", "--on", "2026-03-14", "--text", "已完成改造")
    assert "now submitted" in r.out
    assert show(cli, "2026-1/TGZ")["submitted_on"] == "2026-03-14"
    cli.ok("return", "2026-1/TGZ", "--on", "2026-03-16", "--reason", "佐证材料不全")
    a = show(cli, "2026-1/TGZ")
    assert (a["state"], a["returns"], a["submitted_on"], a["first_report_on"]) == (
        "in_progress", 1, None, "2026-03-14")  # a completion by the report due is the first report
    cli.ok("complete", "2026-1/TGZ", "--on", "2026-03-18", "--text", "补充材料后再次报送")
    r = cli.ok("close", "2026-1/TGZ", "--on", "2026-03-19")
    assert "now closed" in r.out
    a = show(cli, "2026-1/TGZ")
    # the returned submission of 03-14 does not count: the standing one (03-18) is after the due 03-15
    assert (a["state"], a["closed_on"], a["submitted_on"], a["on_time"], a["returns"]) == (
        "closed", "2026-03-19", "2026-03-18", False, 1)
    assert (a["light"], a["days_left"]) == (None, None)
    row = cli.json("task", "list", "--state", "closed")
    assert [(x["ref"], x["on_time"], x["light"], x["days_left"]) for x in row] == [("2026-1/TGZ", False, None, None)]


def test_close_is_on_time_when_submitted_by_the_due_in_force(cli):
    add(cli, "按期任务", "2026-03-08", "TGZ")
    add(cli, "延期后按期任务", "2026-03-08", "XYJ")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08")
    cli.ok("complete", "2026-1/TGZ", "--on", "2026-03-15", "--text", "当天办结")  # on the due day: on time
    cli.ok("close", "2026-1/TGZ", "--on", "2026-03-20")  # a late close does not make it late
    cli.ok("claim", "2026-2/XYJ", "--on", "2026-03-08")
    cli.ok("extend", "2026-2/XYJ", "--on", "2026-03-15", "--until", "2026-03-31", "--plan", "等待验收")
    cli.ok("approve-extension", "2026-2/XYJ", "--on", "2026-03-16")
    cli.ok("complete", "2026-2/XYJ", "--on", "2026-03-30", "--text", "验收完成")
    cli.ok("close", "2026-2/XYJ", "--on", "2026-03-31")
    rows = {x["ref"]: x for x in cli.json("task", "list")}
    assert (rows["2026-1/TGZ"]["on_time"], rows["2026-1/TGZ"]["state"]) == (True, "closed")
    assert (rows["2026-2/XYJ"]["on_time"], rows["2026-2/XYJ"]["due"]) == (True, "2026-03-31")


def test_urge_follow_up_is_tracked_but_never_makes_it_on_time(cli):
    add(cli)
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08")
    r = cli.ok("urge", "2026-1/TGZ", "--on", "2026-03-20", "--follow-up", "2026-03-25", "--text", "请于3月25日前办结")
    assert "now claimed, completion due 2026-03-15" in r.out
    a = show(cli, "2026-1/TGZ")
    assert (a["state"], a["follow_up"], a["due"], a["light"]) == ("claimed", "2026-03-25", "2026-03-15", "red")
    assert (a["events"][-1]["kind"], a["events"][-1]["value"]) == ("urge", "2026-03-25")
    cli.ok("complete", "2026-1/TGZ", "--on", "2026-03-24", "--text", "已办结")
    cli.ok("close", "2026-1/TGZ", "--on", "2026-03-25")
    a = show(cli, "2026-1/TGZ")
    assert (a["state"], a["on_time"], a["follow_up"]) == ("closed", False, "2026-03-25")


def test_cancel_keeps_the_assignment_and_excludes_it_from_the_rates(cli):
    add(cli, "已撤销事项", "2026-03-08", "TGZ")
    add(cli, "照常办理事项", "2026-03-09", "XYJ")
    cli.ok("cancel", "2026-1/TGZ", "--on", "2026-03-10", "--reason", "并入年度重点工作")
    a = show(cli, "2026-1/TGZ")
    assert (a["state"], a["cancelled_on"], a["light"], a["days_left"], a["on_time"]) == (
        "cancelled", "2026-03-10", None, None, None)
    assert [x["ref"] for x in cli.json("task", "list", "--state", "cancelled")] == ["2026-1/TGZ"]
    stats = cli.json("stats")
    assert (stats["counted"], stats["closed"], stats["open"], stats["red"]) == (1, 0, 1, 1)
    assert stats["completion_rate"] == 0.0


def test_audit_shows_every_change_with_user_office_and_dates(cli):
    add(cli, "城区污水管网改造", "2026-03-08", "TGZ", "--co", "FGJ")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-03-08", user="clerk")
    cli.ok("complete", "2026-1/TGZ", "--on", "2026-03-12", "--text", "已完成", user="clerk")
    cli.ok("return", "2026-1/TGZ", "--on", "2026-03-13", "--reason", "不符合要求")
    cli.ok("claim", "2026-1/FGJ", "--on", "2026-03-09")

    rows = cli.json("audit", "--ref", "2026-1/TGZ")
    assert [(r["action"], r["user"], r["office"], r["effective_date"]) for r in rows] == [
        ("claim", "clerk", "HUB", "2026-03-08"), ("completion", "clerk", "HUB", "2026-03-12"),
        ("return", "admin", "HUB", "2026-03-13")]
    stamps = [dt.datetime.fromisoformat(r["recorded_at"]) for r in rows]
    assert stamps == sorted(stamps) and all(s.utcoffset() == dt.timedelta(0) for s in stamps)
    assert rows[1]["details"]["text"] == "已完成" and rows[1]["details"]["on_behalf"] is True
    assert rows[2]["details"]["text"] == "不符合要求"

    whole = cli.json("audit", "--ref", "2026-1")
    assert [(r["action"], r["ref"]) for r in whole] == [
        ("task_add", "2026-1"), ("claim", "2026-1/TGZ"), ("completion", "2026-1/TGZ"), ("return", "2026-1/TGZ"),
        ("claim", "2026-1/FGJ")]
    assert whole[0]["details"]["lead"] == "TGZ" and whole[0]["details"]["co"] == ["FGJ"]
    everything = cli.json("audit")
    assert {"init", "unit_add", "leader_add", "user_add", "task_add", "claim"} <= {r["action"] for r in everything}
    table = cli.ok("audit", "--ref", "2026-1/TGZ").out
    assert "return" in table and "2026-03-13" in table and "clerk" in table
