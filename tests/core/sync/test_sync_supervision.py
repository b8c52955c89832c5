"""The supervision tables travel hub → unit (issue 16): a unit sees its own findings, actions and people."""
from __future__ import annotations


def _setup(loop) -> None:  # noqa: ANN001
    c = loop.cli
    loop.add_task("修路", "TGZ")
    loop.add_task("建桥", "XYJ")
    c.ok("group", "add", "--name", "第一督查组", "--lead", "张三", "--units", "TGZ,XYJ")
    c.ok("inspect", "add", "--group", "第一督查组", "--on", "2026-11-26", "--method", "joint", "--units", "XYJ",
         "--tasks", "2026-1,2026-2")


def test_a_units_findings_actions_and_people_reach_it_and_no_other_units(loop):  # noqa: ANN001
    _setup(loop)
    unit = loop.join("TGZ")  # the snapshot: before any finding against TGZ
    assert loop.sql(unit, "SELECT COUNT(*) FROM inspection")[0][0] == 0  # TGZ was not visited
    assert loop.sql(unit, "SELECT name FROM inspection_group") == [("第一督查组",)]
    loop.take(loop.hub, loop.send(unit, "HUB"))  # the unit's keys reach the hub
    c = loop.cli
    c.ok("finding", "add", "1", "--unit", "TGZ", "--severity", "major", "--text", "台账不全", "--rectify", "general",
         "--deduct", "--person", "赵六")
    c.ok("finding", "add", "1", "--unit", "XYJ", "--severity", "minor", "--text", "别处", "--person", "钱七")
    c.ok("action", "add", "--unit", "TGZ", "--kind", "talk", "--on", "2026-11-27", "--text", "约谈", "--person", "赵六",
         "--finding", "1")
    c.ok("action", "add", "--unit", "XYJ", "--kind", "criticism", "--on", "2026-11-27", "--text", "批评")
    report = loop.take(unit, loop.send(loop.hub, "TGZ"))
    assert report, report
    assert loop.sql(unit, "SELECT text, severity, deduct FROM finding") == [("台账不全", "major", 1)]
    assert loop.sql(unit, "SELECT kind, person FROM accountability") == [("talk", "赵六")]
    assert loop.sql(unit, "SELECT COUNT(*) FROM criticism")[0][0] == 0
    assert loop.sql(unit, "SELECT p.name, u.code FROM person p JOIN unit u ON u.id = p.unit_id") == [("赵六", "TGZ")]
    assert loop.sql(unit, "SELECT date, method FROM inspection") == [("2026-11-26", "joint")]
    assert loop.sql(unit, "SELECT t.task_no FROM inspection_task it JOIN task t ON t.id = it.task_id") == [("2026-1",)]
    assert loop.sql(unit, "SELECT COUNT(*) FROM inspection_unit")[0][0] == 0  # only XYJ was visited
    assert loop.sql(unit, "SELECT t.task_no, t.source FROM finding f JOIN task t ON t.id = f.task_id") == [
        ("2026-3", "inspection")]
    record = c.json("person", "show", "赵六", db=unit)
    assert [e["kind"] for e in record["entries"]] == ["finding", "talk"]
    assert c.json("check", db=unit)["ok"]
