"""Scores from the database: the §6 checks end to end, hub entries and their refusals, publishing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from score_report_helpers import design_scenario

from core.errors import ClerkError, Refusal
from core.office import Session, open_session
from core.scoring import publish as pub
from core.scoring import service, store
from core.scoring.periods import parse_period

D = dt.date
PASSWORD = "test-pass"
MARCH = parse_period("2026-03")


def session(path: Path, user: str = "admin") -> Session:
    return open_session(path, user, PASSWORD)


@pytest.fixture
def s(hub_db: Path) -> Session:
    sess = session(hub_db)
    design_scenario(sess)
    yield sess
    sess.db.conn.close()


def scores(sess: Session, period: str = "2026-03") -> dict[str, object]:
    return {x.unit: x for x in service.view(sess.db, parse_period(period), sess.today)}


def test_design_month_check_from_the_database(s: Session) -> None:
    got = scores(s)
    tgz = got["TGZ"]
    assert tgz.score == 95.75 and tgz.rank == 2
    assert sorted((e.kind, e.role, e.points) for e in tgz.events) == [
        ("late_report", "co", -0.25), ("overdue", "lead", -1.0), ("overdue", "lead", -1.0),
        ("returned", "lead", -2.0)]
    assert (got["XYJ"].score, got["XYJ"].rank) == (100.0, 1)
    assert (got["FGJ"].rank, got["ZJJ"].rank) == (1, 1)  # departments apart, tie shared
    assert tgz.completion_rate == 0.5 and tgz.on_time_rate == 0.5  # 4 counted, 2 closed, both on time
    _score, lines = pub.explain(s.db, "TGZ", "2026-03", s.today)
    assert lines[0].points == 100.0 and round(sum(x.points for x in lines), 6) == 95.75
    assert scores(s, "2026-04")["TGZ"].score == 100.0  # the deductions fall in March only


def test_design_quarter_check_with_capped_bonuses(s: Session) -> None:
    store.add_bonus(s, "TGZ", "approving_instruction", D(2026, 1, 20), "县委书记批示肯定")
    store.add_bonus(s, "TGZ", "approving_instruction", D(2026, 2, 10), "县长批示肯定", person="李县长")
    store.add_bonus(s, "TGZ", "commendation", D(2026, 3, 28), "全市表彰")
    store.add_criticism(s, "TGZ", D(2026, 2, 12), "通报批评：台账不全")
    store.add_criticism(s, "TGZ", D(2026, 2, 13), "通报批评：推进迟缓")
    q = scores(s, "2026-Q1")["TGZ"]
    assert q.months == [100.0, 98.0, 95.75] and q.bonus == 5.0 and q.score == 298.75
    xyj = scores(s, "2026-Q1")["XYJ"]
    assert (xyj.score, xyj.rank, q.rank, q.reward) == (300.0, 1, 2, True)
    _score, lines = pub.explain(s.db, "TGZ", "2026-Q1", s.today)
    assert round(sum(x.points for x in lines), 6) == 298.75
    assert [x.kind for x in lines][-1] == "bonus_cap" and lines[-1].points == -2.0


def test_panel_scores_latest_wins(s: Session) -> None:
    from core.rules.ruleset import save_ruleset
    save_ruleset(s.db, "[monthly]\npanel_weight = 0.5\n", s.user.name, s.office.uuid)  # rule sets are never edited
    for name in ("李四", "张三"):
        from core.directory import add_leader
        add_leader(s, name, "副县长", [])
    store.set_panel_score(s, "2026-03", "王建国", "TGZ", 6)
    store.set_panel_score(s, "2026-03", "王建国", "TGZ", 9)  # supersedes the 6
    store.set_panel_score(s, "2026-03", "李四", "TGZ", 10)
    store.set_panel_score(s, "2026-03", "张三", "TGZ", 2)
    tgz = scores(s)["TGZ"]
    assert tgz.panel == 9.0 and tgz.score == round(0.5 * 95.75 + 0.5 * 90, 6)
    assert s.db.execute("SELECT COUNT(*) FROM panel_score").fetchone()[0] == 4
    _score, lines = pub.explain(s.db, "TGZ", "2026-03", s.today)
    assert round(sum(x.points for x in lines), 6) == tgz.score and lines[-1].kind == "panel"


@pytest.mark.parametrize("call, message", [
    (lambda s: store.set_panel_score(s, "2026-03", "王建国", "TGZ", 10.5), "from 0 to 10"),
    (lambda s: store.set_panel_score(s, "2026-03", "王建国", "TGZ", -1), "from 0 to 10"),
    (lambda s: store.set_panel_score(s, "2026-03", "无此人", "TGZ", 8), "no leader"),
    (lambda s: store.set_panel_score(s, "2027-01", "王建国", "TGZ", 8), "has not begun"),
    (lambda s: store.add_bonus(s, "NOPE", "commendation", D(2026, 3, 3), "表彰"), "no unit"),
    (lambda s: store.add_bonus(s, "TGZ", "commendation", D(2026, 12, 3), "表彰"), "in the future"),
    (lambda s: store.add_bonus(s, "TGZ", "medal", D(2026, 3, 3), "表彰"), "not a bonus kind"),
    (lambda s: store.add_criticism(s, "NOPE", D(2026, 3, 3), "批评"), "no unit"),
    (lambda s: store.add_criticism(s, "TGZ", D(2026, 11, 28), "批评"), "in the future"),
    (lambda s: pub.publish(s, "2026-11"), "has not ended"),
    (lambda s: pub.publish(s, "2026-Q4"), "has not ended"),
    (lambda s: pub.reopen(s, "2026-03", "理由"), "not published"),
])
def test_bad_input_is_refused_and_changes_nothing(hub_db: Path, state, call, message) -> None:
    sess = session(hub_db)
    try:
        before = state(hub_db)
        with pytest.raises(ClerkError, match=message):
            call(sess)
        assert state(hub_db) == before
    finally:
        sess.db.conn.close()


def test_viewer_may_not_write(hub_db: Path) -> None:
    sess = session(hub_db, "viewer")
    try:
        for call in (lambda: store.add_bonus(sess, "TGZ", "commendation", D(2026, 3, 3), "表彰"),
                     lambda: store.set_panel_score(sess, "2026-03", "王建国", "TGZ", 8),
                     lambda: pub.publish(sess, "2026-03")):
            with pytest.raises(Refusal, match="may only read"):
                call()
    finally:
        sess.db.conn.close()


def test_publish_freezes_then_reopen_and_republish_supersede(s: Session) -> None:
    pid, _c = pub.publish(s, "2026-03")
    with pytest.raises(Refusal, match="already published"):
        pub.publish(s, "2026-03")
    store.add_criticism(s, "TGZ", D(2026, 3, 20), "通报批评")
    assert scores(s)["TGZ"].score == 95.75  # the snapshot
    assert {x.unit: x.score for x in service.compute(s.db, MARCH, s.today)}["TGZ"] == 94.75
    assert scores(s, "2026-Q1")["TGZ"].months == [100.0, 100.0, 95.75]  # the quarter takes the published month
    with pytest.raises(ClerkError, match="needs a reason"):
        pub.reopen(s, "2026-03", "  ")
    pub.reopen(s, "2026-03", "补录通报批评")
    assert scores(s)["TGZ"].score == 94.75
    pid2, _c = pub.publish(s, "2026-03")
    assert scores(s)["TGZ"].score == 94.75
    old, new = service.publications(s.db, "2026-03")
    assert (old.id, old.superseded_by, old.reopened_reason) == (pid, pid2, "补录通报批评")
    assert old.scores[0].unit and {x.unit: x.score for x in old.scores}["TGZ"] == 95.75
    assert (new.version, new.superseded_by, new.rules_version) == (2, None, 1)
    actions_ = [r[0] for r in s.db.execute("SELECT action FROM audit WHERE ref = '2026-03' ORDER BY id")]
    assert actions_ == ["score_publish", "score_reopen", "score_publish"]
    _score, lines = pub.explain(s.db, "TGZ", "2026-03", s.today)
    assert round(sum(x.points for x in lines), 6) == 94.75
    assert any(x.kind == "public_criticism" and x.text == "通报批评" for x in lines)


def test_scoring_rows_are_never_deleted(s: Session) -> None:
    import sqlite3

    from core.db.migrations import SCORING_NEVER_DELETED

    store.add_bonus(s, "TGZ", "commendation", D(2026, 3, 3), "表彰")
    store.add_criticism(s, "TGZ", D(2026, 3, 3), "批评")
    store.set_panel_score(s, "2026-03", "王建国", "TGZ", 8)
    pub.publish(s, "2026-03")
    for table in SCORING_NEVER_DELETED:
        assert s.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 1
        with pytest.raises(sqlite3.DatabaseError, match="nothing is ever deleted"):
            s.db.execute(f"DELETE FROM {table}")
    row = s.db.execute("SELECT uuid, owner, rev FROM panel_score").fetchone()
    assert len(row[0]) == 32 and row[1] == s.office.uuid and row[2] == 1
