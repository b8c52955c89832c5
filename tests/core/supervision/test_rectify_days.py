"""`finding add … --rectify DAYS`: a rectification task with its own completion period (issue 16).

The inspection is on 2026-11-10 (a Tuesday); today is 2026-11-27. A general task of that day is due
2026-11-17; a 15-day rectification task is due 2026-11-25, its claim and first report as usual.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from core.db.connection import open_database


@pytest.fixture
def sv(cli):  # noqa: ANN001, ANN201
    """A group covering TGZ and FGJ and its inspection of TGZ on 2026-11-10 (inspection 1)."""
    cli.ok("group", "add", "--name", "第一督查组", "--lead", "张三", "--units", "TGZ,FGJ")
    cli.ok("inspect", "add", "--group", "第一督查组", "--on", "2026-11-10", "--method", "targeted", "--units", "TGZ")
    return cli


def _rectify(cli, days: str, unit: str = "TGZ") -> str:  # noqa: ANN001
    """Record a finding of inspection 1 with `--rectify days`; the rectification task's number."""
    r = cli.ok("finding", "add", "1", "--unit", unit, "--severity", "major", "--text", "台账不全", "--rectify", days)
    return cli.json("task", "list", "--unit", unit)[-1]["task_no"] if "Rectification task" in r.out else ""


def _light(cli, ref: str, day: str) -> str | None:  # noqa: ANN001
    return next(x["light"] for x in cli.json("task", "list", "--as-of", day) if x["ref"] == ref)


def test_rectify_15_gives_its_own_completion_due_and_the_usual_claim_and_report(sv):
    r = sv.ok("finding", "add", "1", "--unit", "TGZ", "--severity", "major", "--text", "台账不全", "--rectify", "15")
    assert ("Rectification task 2026-1 assigned to TGZ: claim by 2026-11-10, first report by 2026-11-13, "
            "complete by 2026-11-25.") in r.out
    task = sv.json("task", "show", "2026-1")
    assert (task["category"], task["source"], task["due_days"]) == ("general", "inspection", 15)
    lead = task["assignments"][0]
    assert (lead["claim_due"], lead["report_due"], lead["base_due"], lead["due"]) == (
        "2026-11-10", "2026-11-13", "2026-11-25", "2026-11-25")
    shown = sv.ok("task", "show", "2026-1").out
    assert "Completion period of its own: 15 days after the assignment date" in shown
    assert "completion by 2026-11-25" in shown
    # an ordinary task has no period of its own
    sv.ok("task", "add", "--title", "修路", "--category", "general", "--date", "2026-11-10", "--lead", "TGZ")
    assert sv.json("task", "show", "2026-2")["due_days"] is None
    assert "of its own" not in sv.ok("task", "show", "2026-2").out


def test_its_light_turns_red_after_day_15(sv):
    no = _rectify(sv, "15")
    ref = f"{no}/TGZ"
    sv.ok("claim", ref, "--on", "2026-11-10")
    sv.ok("report", ref, "--on", "2026-11-12", "--text", "正在整改")
    assert _light(sv, ref, "2026-11-18") == "green"  # a general task of that day would be red
    assert _light(sv, ref, "2026-11-23") == "green"
    assert _light(sv, ref, "2026-11-24") == "yellow"
    assert _light(sv, ref, "2026-11-25") == "yellow"  # the due day itself
    assert _light(sv, ref, "2026-11-26") == "red"
    assert _light(sv, ref, "2026-11-27") == "red"
    (row,) = [x for x in sv.json("task", "list", "--light", "red") if x["ref"] == ref]
    assert row["days_left"] == -2


def _overdue(cli, ref: str) -> list[float]:  # noqa: ANN001
    return [x["points"] for x in cli.json("score", "explain", "TGZ", "2026-11")["lines"]
            if x["ref"] == ref and x["kind"] == "overdue"]


def test_the_monthly_score_counts_lateness_against_its_own_due(sv):
    on_time, late = _rectify(sv, "15"), _rectify(sv, "15")
    general = _rectify(sv, "general")
    for no, done in ((on_time, "2026-11-20"), (late, "2026-11-26"), (general, "2026-11-20")):
        ref = f"{no}/TGZ"
        sv.ok("claim", ref, "--on", "2026-11-10")
        sv.ok("complete", ref, "--on", done, "--text", "已整改")
        sv.ok("close", ref, "--on", "2026-11-27")
    assert _overdue(sv, f"{on_time}/TGZ") == []  # done on 11-20, due 11-25
    assert _overdue(sv, f"{late}/TGZ") == [-1.0]  # done on 11-26, a day late
    assert _overdue(sv, f"{general}/TGZ") == [-1.0]  # general: due 11-17
    shown = {x["ref"]: x["on_time"] for x in sv.json("task", "list", "--unit", "TGZ")}
    assert (shown[f"{on_time}/TGZ"], shown[f"{late}/TGZ"]) == (True, False)


def test_the_period_counts_working_days_when_the_general_rule_does(sv, tmp_path: Path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[deadlines]\ngeneral = { days = 7, mode = "workdays" }\n', encoding="utf-8")
    sv.ok("rules", "import", str(rules))
    no = _rectify(sv, "15")
    lead = sv.json("task", "show", no)["assignments"][0]
    # 15 working days after Tue 2026-11-10: 11-11 … 11-13, 11-16 … 11-20, 11-23 … 11-27, 11-30, 12-01
    assert lead["due"] == "2026-12-01"
    assert lead["report_due"] == "2026-11-13"  # the report rule stays calendar days
    assert "Completion period of its own: 15 working days after the assignment date" in sv.ok("task", "show", no).out


@pytest.mark.parametrize("days", ["1", "365"])
def test_the_bounds_are_accepted(sv, days):
    no = _rectify(sv, days)
    assert sv.json("task", "show", no)["due_days"] == int(days)


@pytest.mark.parametrize("days", ["0", "366", "-3", "1.5", "十五", "15d"])
def test_a_period_out_of_bounds_is_refused_with_nothing_changed(sv, state, days):
    before = state(sv.db)
    r = sv("finding", "add", "1", "--unit", "TGZ", "--severity", "major", "--text", "台账不全", "--rectify", days)
    assert r.code == 2 and "a number of days from 1 to 365" in r.err, r.err
    assert state(sv.db) == before


def test_general_and_major_keep_the_rule_sets_dues(sv):
    general, major = _rectify(sv, "general"), _rectify(sv, "major")
    g, m = (sv.json("task", "show", no) for no in (general, major))
    assert (g["due_days"], g["assignments"][0]["due"]) == (None, "2026-11-17")
    assert (m["category"], m["due_days"], m["assignments"][0]["due"]) == ("major", None, "2026-12-10")


def test_check_and_the_status_rebuild_agree_with_the_own_period(sv):
    no = _rectify(sv, "15")
    sv.ok("claim", f"{no}/TGZ", "--on", "2026-11-10")
    assert sv.json("check")["ok"]
    from core.work import status

    db = open_database(sv.db)
    try:
        before = db.execute("SELECT * FROM assignment_status ORDER BY assignment_id").fetchall()
        status.rebuild_all(db)
        assert db.execute("SELECT * FROM assignment_status ORDER BY assignment_id").fetchall() == before
        assert db.execute("SELECT due FROM assignment_status").fetchone()[0] == "2026-11-25"
    finally:
        db.conn.close()
