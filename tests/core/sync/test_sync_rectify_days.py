"""A rectification task's own completion period travels with the task (issue 16, `--rectify 15`)."""
from __future__ import annotations


def _inspect(loop) -> None:  # noqa: ANN001
    c = loop.cli
    c.ok("group", "add", "--name", "第一督查组", "--lead", "张三", "--units", "TGZ,XYJ")
    c.ok("inspect", "add", "--group", "第一督查组", "--on", "2026-11-10", "--method", "targeted", "--units", "TGZ")


def _rectify(loop, unit: str) -> None:  # noqa: ANN001
    loop.cli.ok("finding", "add", "1", "--unit", unit, "--severity", "major", "--text", "台账不全", "--rectify", "15")


def test_a_bundle_carries_the_period_and_the_unit_computes_the_same_dues(loop):  # noqa: ANN001
    _inspect(loop)
    unit = loop.join("TGZ")
    loop.take(loop.hub, loop.send(unit, "HUB"))  # the unit's keys reach the hub
    _rectify(loop, "TGZ")
    assert loop.take(unit, loop.send(loop.hub, "TGZ"))
    assert loop.sql(unit, "SELECT task_no, category, due_days FROM task") == [("2026-1", "general", 15)]
    there = loop.show(unit, "2026-1/TGZ")
    assert (there["due_days"], there["assignments"][0]["due"]) == (15, "2026-11-25")
    assert there["assignments"][0]["claim_due"] == "2026-11-10"
    # the unit claims and reports on time; the hub sees the same dues, the light as the unit sees it
    c = loop.cli
    c.ok("claim", "2026-1/TGZ", "--on", "2026-11-10", db=unit)
    c.ok("report", "2026-1/TGZ", "--on", "2026-11-12", "--text", "正在整改", db=unit)
    assert loop.take(loop.hub, loop.send(unit, "HUB"))
    here = loop.show(loop.hub, "2026-1/TGZ")["assignments"][0]
    assert (here["state"], here["due"], here["light"]) == ("in_progress", "2026-11-25", "red")
    desk = {x["ref"]: x for x in c.json("task", "list", "--as-of", "2026-11-24", db=unit)}
    assert desk["2026-1/TGZ"]["light"] == "yellow"
    assert c.json("check", db=unit)["ok"] and c.json("check")["ok"]


def test_a_unit_enrolled_after_the_finding_gets_the_period_in_its_snapshot(loop):  # noqa: ANN001
    _inspect(loop)
    _rectify(loop, "TGZ")
    unit = loop.join("TGZ")
    assert loop.sql(unit, "SELECT due_days FROM task") == [(15,)]
    assert loop.show(unit, "2026-1/TGZ")["assignments"][0]["due"] == "2026-11-25"
