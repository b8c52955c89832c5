"""A hub database for the score pages, built through the core as of 2026-11-27, and helpers to drive the pages.

October 2026 (general tasks: claim due D, first report D+3, completion D+7):
- 2026-1 (10-08) TGZ lead: report 10-12 late, completion returned once, closed 10-17;
  JTJ co: claimed 10-09 late, never reported nor completed (co weight 0.5).
- 2026-2 (10-12) XCZ lead: on time, closed.
- 2026-3 (10-20) FGW lead: reported, no completion (overdue, due 10-27).
- 2026-4 (10-05) XCZ lead: completion 10-20 after its due 10-12, closed 10-21.
August 2026: 2026-5 (08-03) TGZ lead claimed late; bonuses in Q3 (TGZ approving instruction
and commendation, XCZ public praise); a public criticism of JTJ on 10-20.
Panel weight 0.2; panel scores for October: 王建国 → TGZ 9, 李明 → TGZ 7.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import context_for

from core.db.connection import connect
from core.scoring.monthly import UnitScore
from core.scoring.periods import parse_period
from core.scoring.service import view
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)
PASSWORD = "test-pass"


def _d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def build_scores_database(path: Path) -> None:
    from core.directory import add_leader, add_unit
    from core.office import init_office
    from core.scoring.rules_edit import save_rules
    from core.scoring.store import add_bonus, add_criticism, set_panel_score
    from core.work.actions import Action, record
    from core.work.status import current_rules
    from core.work.tasks import NewTask, add_tasks

    s = init_office(path, name="示例县委督查室", code="HUB", admin="admin", password=PASSWORD, today=T)
    add_unit(s, "TGZ", "太公镇", "township")
    add_unit(s, "XCZ", "兴城镇", "township")
    add_unit(s, "JTJ", "县交通运输局", "department")
    add_unit(s, "FGW", "县发展改革局", "department")
    add_leader(s, "王建国", "副县长", ["TGZ", "JTJ"])
    add_leader(s, "李明", "副县长", ["XCZ", "FGW"])
    _v, rules = current_rules(s.db)
    save_rules(s, dataclasses.replace(rules, monthly=dataclasses.replace(rules.monthly, panel_weight=0.2)))
    plan = [("太公镇河道清淤", _d(10, 8), "TGZ", ("JTJ",)), ("兴城镇路灯维修", _d(10, 12), "XCZ", ()),
            ("重大项目申报", _d(10, 20), "FGW", ()), ("兴城镇集贸市场整治", _d(10, 5), "XCZ", ()),
            ("太公镇秋粮收购", _d(8, 3), "TGZ", ())]
    numbers, _changes = add_tasks(s, [NewTask(title=title, category="general", assigned_on=on, lead=lead, co=co,
                                              leader="王建国") for title, on, lead, co in plan])
    assert numbers == [f"2026-{i}" for i in range(1, 6)], numbers
    steps = [("2026-1/TGZ", "claim", _d(10, 8), ""), ("2026-1/TGZ", "report", _d(10, 12), "已部署"),
             ("2026-1/TGZ", "completion", _d(10, 14), "已清淤"), ("2026-1/TGZ", "return", _d(10, 15), "缺照片"),
             ("2026-1/TGZ", "completion", _d(10, 16), "补齐照片"), ("2026-1/TGZ", "close", _d(10, 17), ""),
             ("2026-1/JTJ", "claim", _d(10, 9), ""),
             ("2026-2/XCZ", "claim", _d(10, 12), ""), ("2026-2/XCZ", "report", _d(10, 14), "维修中"),
             ("2026-2/XCZ", "completion", _d(10, 18), "已修复"), ("2026-2/XCZ", "close", _d(10, 19), ""),
             ("2026-3/FGW", "claim", _d(10, 20), ""), ("2026-3/FGW", "report", _d(10, 22), "申报中"),
             ("2026-4/XCZ", "claim", _d(10, 5), ""), ("2026-4/XCZ", "report", _d(10, 8), "整治中"),
             ("2026-4/XCZ", "completion", _d(10, 20), "已整治"), ("2026-4/XCZ", "close", _d(10, 21), ""),
             ("2026-5/TGZ", "claim", _d(8, 5), ""), ("2026-5/TGZ", "report", _d(8, 6), "收购中"),
             ("2026-5/TGZ", "completion", _d(8, 10), "已完成"), ("2026-5/TGZ", "close", _d(8, 11), "")]
    for ref, kind, on, text in steps:
        record(s, ref, Action(kind=kind, on=on, text=text))
    add_bonus(s, "TGZ", "approving_instruction", _d(8, 10), "县委书记批示肯定")
    add_bonus(s, "TGZ", "commendation", _d(9, 5), "市级表彰")
    add_bonus(s, "XCZ", "public_praise", _d(9, 10), "全县通报表扬")
    add_criticism(s, "JTJ", _d(10, 20), "会议迟到通报")
    set_panel_score(s, "2026-10", "王建国", "TGZ", 9)
    set_panel_score(s, "2026-10", "李明", "TGZ", 7)
    s.db.conn.close()


@pytest.fixture(scope="module")
def scores_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", T.isoformat())
    try:
        path = tmp_path_factory.mktemp("scores") / "scores.db"
        build_scores_database(path)
    finally:
        mp.undo()
    return path


@pytest.fixture
def scores_db(scores_template: Path, tmp_path: Path) -> Path:
    from tests._shared.db_copy import copy_database

    return copy_database(scores_template, tmp_path / "office.db")


@pytest.fixture
def ctx(scores_db: Path) -> Iterator[AppContext]:
    yield from context_for(scores_db, "admin", PASSWORD)


def core_scores(path: Path, period: str) -> list[UnitScore]:
    """What the core says for the period as of T (the published snapshot or computed)."""
    db = connect(path)
    try:
        return view(db, parse_period(period), T)
    finally:
        db.conn.close()


def rows(path: Path, sql: str, args: list[object] | None = None) -> list[tuple[object, ...]]:
    db = connect(path)
    try:
        return [tuple(r) for r in db.execute(sql, args or []).fetchall()]
    finally:
        db.conn.close()


def open_page(qtbot, cls, ctx: AppContext):  # noqa: ANN001, ANN201
    """A scores page at its test size (the shared opener, tests/ui/_shared_fixtures.py)."""
    from _shared_fixtures import open_page as shared_open_page

    return shared_open_page(qtbot, cls, ctx, size=(1400, 860))


def shown_scores(page) -> dict[str, list[tuple[str, float, int]]]:  # noqa: ANN001
    """(code, score, rank) per kind, as the tables show them."""
    return {kind: [(s.unit, s.score, s.rank) for s in section.model.scores] for kind, section in page.sections.items()}


def expected_scores(scores: list[UnitScore]) -> dict[str, list[tuple[str, float, int]]]:
    return {kind: [(s.unit, s.score, s.rank) for s in scores if s.kind == kind] for kind in ("township", "department")}
