"""A unit's dashboard (issue 13): its rates, and its scores and rank exactly as the hub published them.

The hub assigns TGZ an October task it never claims (late claim −0.5, late report −0.5,
overdue −1: 98) and XYJ nothing (100), publishes October, and the bundle carries the
snapshot to TGZ's own database. The unit then shows 98, rank 2 of 2 townships, and the
lines behind every point with the task's title; it keeps showing them when the hub's data
changes without a new publication, and shows the new score once the hub reopens and
publishes again.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from core.db.connection import open_database
from core.work.unit_dashboard import unit_dashboard

T = dt.date(2026, 11, 27)
OCT_TASK = "十月防汛物资清点"


def view(db: Path):  # noqa: ANN201
    conn = open_database(db)
    try:
        return unit_dashboard(conn, "TGZ", as_of=T)
    finally:
        conn.conn.close()


def sync_to(loop, unit: Path) -> None:  # noqa: ANN001
    loop.take(unit, loop.send(loop.hub, "TGZ"))


def join(loop) -> Path:  # noqa: ANN001
    """TGZ's database, whose keys the hub has learnt from its first bundle."""
    unit = loop.join("TGZ")
    loop.take(loop.hub, loop.send(unit, "HUB"))
    return unit


def october(dash):  # noqa: ANN001, ANN201
    return next(p for p in dash.published if p.period == "2026-10")


def test_nothing_published_yet(loop):  # noqa: ANN001
    unit = loop.join("TGZ")
    dash = view(unit)
    assert dash.nothing_published and dash.published == ()
    assert dash.unit_name == "太公镇" and dash.kind == "township"


def test_the_unit_shows_the_published_score_rank_and_lines(loop):  # noqa: ANN001
    loop.add_task(OCT_TASK, "TGZ", day="2026-10-12")
    loop.add_task("冬季森林防火巡查", "TGZ")          # November: claimed on time, reported late
    unit = join(loop)
    loop.cli.ok("claim", "2026-2/TGZ", "--on", "2026-11-26", db=unit)
    loop.cli.ok("score", "month", "2026-10", "--publish")
    sync_to(loop, unit)

    dash = view(unit)
    assert [p.period for p in dash.published] == ["2026-10"]
    pub = october(dash)
    assert pub.score is not None and pub.reopened is None
    assert pub.score.score == 98 and pub.score.rank == 2 and pub.of == 2
    kinds = [(x.line.kind, x.line.ref, x.line.points, x.title) for x in pub.lines]
    assert kinds == [("base", "", 100, ""),
                     ("late_claim", "2026-1/TGZ", -0.5, OCT_TASK),
                     ("late_report", "2026-1/TGZ", -0.5, OCT_TASK),
                     ("overdue", "2026-1/TGZ", -1, OCT_TASK)]
    assert {x.task_no for x in pub.lines if x.line.ref} == {"2026-1"}
    assert sum(x.line.points for x in pub.lines) == pub.score.score

    # the unit's own rates as of T: November's task claimed on time, its report not yet due
    assert (dash.month.claim.counted, dash.month.claim.on_time) == (1, 1)
    assert dash.month.report.counted == 0 and dash.month.report.rate is None
    # the year: October's task missed its claim, report and completion
    assert (dash.year.claim.counted, dash.year.claim.on_time) == (2, 1)
    assert (dash.year.report.counted, dash.year.report.on_time) == (1, 0)
    assert dash.year.counted == 1 and dash.year.completion_rate == 0
    assert dash.year.below() == {"claim": True, "report": True, "completion": True, "on_time": True}


def test_hub_changes_without_republishing_do_not_move_the_units_score(loop):  # noqa: ANN001
    loop.add_task(OCT_TASK, "TGZ", day="2026-10-12")
    unit = join(loop)
    loop.cli.ok("score", "month", "2026-10", "--publish")
    sync_to(loop, unit)
    before = october(view(unit))

    # the hub records a criticism in October and the unit receives it: still the published 98
    loop.cli.ok("criticism", "add", "--unit", "TGZ", "--on", "2026-10-20", "--text", "防汛值班脱岗")
    sync_to(loop, unit)
    assert loop.sql(unit, "SELECT COUNT(*) FROM criticism")[0][0] == 1
    after = october(view(unit))
    assert after == before and after.score.score == 98  # type: ignore[union-attr]

    # reopened: no score until published again, then the new one
    loop.cli.ok("score", "reopen", "2026-10", "--reason", "补录通报批评")
    sync_to(loop, unit)
    reopened = october(view(unit))
    assert reopened.score is None and reopened.reopened == "补录通报批评"
    loop.cli.ok("score", "month", "2026-10", "--publish")
    sync_to(loop, unit)
    again = october(view(unit))
    assert again.version == 2 and again.score is not None and again.score.score == 97
    assert [x.line.kind for x in again.lines][-1] == "public_criticism"
    assert again.lines[-1].title == "" and again.lines[-1].line.text == "防汛值班脱岗"
