"""The dashboard's figures (core.work.dashboard) on a small county whose every date is known.

Built once per module through the core's own API, as of Friday 2026-11-27 (T), with
the default 13710 rules (general task assigned D: claim due D, first report D+3,
completion D+7) and warn_days 2. Each task below says what T sees:

| no.     | task | assigned | unit (lead, co) | done                              | as of T                    |
|---------|------|----------|-----------------|-----------------------------------|----------------------------|
| 2025-1  | N    | 2025-12-01 | XCZ           | nothing                           | red, claim due 2025-12-01  |
| 2026-1  | M    | 03-02    | TGZ             | claim, completion 03-05, close    | closed on time             |
| 2026-2  | I    | 10-10    | JTJ             | claim                             | red, report due 10-13      |
| 2026-3  | G    | 11-02    | TGZ             | claim, report                     | red, completion due 11-09  |
| 2026-4  | J    | 11-03    | XCZ             | claim, completion 11-08, close    | closed on time             |
| 2026-5  | K    | 11-04    | TGZ             | claim, completion 11-14, close    | closed late (due 11-11)    |
| 2026-6  | L    | 11-05    | JTJ             | cancelled                         | —                          |
| 2026-7  | C    | 11-20    | TGZ             | claim, report                     | due today: completion      |
| 2026-8  | E    | 11-21    | XCZ             | claim, report                     | due tomorrow: completion   |
| 2026-9  | B    | 11-24    | XCZ             | claim                             | due today: report          |
| 2026-10 | H    | 11-25    | XCZ             | nothing                           | red, claim due 11-25       |
| 2026-11 | D    | 11-25    | JTJ             | claim                             | due tomorrow: report       |
| 2026-12 | F    | 11-26    | TGZ             | claim                             | green (report due 11-29)   |
| 2026-13 | A    | T        | TGZ, co JTJ     | nothing                           | due today: claim (both)    |
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.db.connection import open_database
from core.work.dashboard import (
    Dashboard,
    dashboard,
    month_period,
    trend_days,
    year_period,
)
from core.work.ledger import TARGET_RATE, LedgerFilter, Stats, ledger_ids, stats
from tests._shared.db_copy import copy_database

T = dt.date(2026, 11, 27)
PASSWORD = "test-pass"


def _d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


PLAN = [  # title, assigned, lead, co, actions [(kind, date)]
    ("N 兴城镇河道清淤", _d(12, 1, 2025), "XCZ", (), []),
    ("M 太公镇春耕备耕", _d(3, 2), "TGZ", (), [("claim", _d(3, 2)), ("completion", _d(3, 5)), ("close", _d(3, 6))]),
    ("I 县道危桥改造", _d(10, 10), "JTJ", (), [("claim", _d(10, 10))]),
    ("G 太公镇人居环境整治", _d(11, 2), "TGZ", (), [("claim", _d(11, 2)), ("report", _d(11, 4))]),
    ("J 兴城镇信访积案化解", _d(11, 3), "XCZ", (),
     [("claim", _d(11, 3)), ("completion", _d(11, 8)), ("close", _d(11, 9))]),
    ("K 太公镇安全生产排查", _d(11, 4), "TGZ", (),
     [("claim", _d(11, 4)), ("completion", _d(11, 14)), ("close", _d(11, 15))]),
    ("L 县道养护招标", _d(11, 5), "JTJ", (), [("cancel", _d(11, 6))]),
    ("C 太公镇秋收进度", _d(11, 20), "TGZ", (), [("claim", _d(11, 20)), ("report", _d(11, 22))]),
    ("E 兴城镇供暖保障", _d(11, 21), "XCZ", (), [("claim", _d(11, 21)), ("report", _d(11, 23))]),
    ("B 兴城镇老旧小区改造", _d(11, 24), "XCZ", (), [("claim", _d(11, 24))]),
    ("H 兴城镇积水点整治", _d(11, 25), "XCZ", (), []),
    ("D 县道冬季除雪准备", _d(11, 25), "JTJ", (), [("claim", _d(11, 25))]),
    ("F 太公镇森林防火", _d(11, 26), "TGZ", (), [("claim", _d(11, 26))]),
    ("A 太公镇集镇道路维修", T, "TGZ", ("JTJ",), []),
]
TEXTS = {"report": "正在推进", "completion": "已完成", "cancel": "并入年度计划"}


def build(path: Path) -> None:
    from core.directory import add_unit
    from core.office import init_office
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_tasks

    s = init_office(path, name="示例县委督查室", code="HUB", admin="admin", password=PASSWORD, today=T)
    add_unit(s, "TGZ", "太公镇", "township")
    add_unit(s, "XCZ", "兴城镇", "township")
    add_unit(s, "JTJ", "县交通运输局", "department")
    numbers, _changes = add_tasks(s, [NewTask(title=title, category="general", assigned_on=on, lead=lead, co=co)
                                      for title, on, lead, co, _steps in PLAN])
    assert numbers == ["2025-1", *(f"2026-{i}" for i in range(1, 14))], numbers
    for number, (_title, _on, lead, _co, steps) in zip(numbers, PLAN, strict=True):
        for kind, on in steps:
            record(s, f"{number}/{lead}", Action(kind=kind, on=on, text=TEXTS.get(kind, "")))
    s.db.conn.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", T.isoformat())
    mp.setenv("CLOSELOOP_LANG", "en")
    try:
        path = tmp_path_factory.mktemp("dashboard") / "county.db"
        build(path)
    finally:
        mp.undo()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path):  # noqa: ANN201
    path = tmp_path / "county.db"
    copy_database(template, path)
    database = open_database(path)
    yield database
    database.conn.close()


@pytest.fixture
def board(db) -> Dashboard:  # noqa: ANN001
    return dashboard(db, as_of=T)


def _county(db, **period: dt.date) -> Stats:  # noqa: ANN001
    result = stats(db, as_of=T, **period)
    assert isinstance(result, Stats)
    return result


def test_light_counts_equal_the_ledger_stats(db, board: Dashboard) -> None:  # noqa: ANN001
    county = _county(db)
    assert (board.lights.red, board.lights.yellow, board.lights.green) == (county.red, county.yellow, county.green)
    assert (board.lights.red, board.lights.yellow, board.lights.green) == (4, 6, 1)
    for light in ("red", "yellow", "green"):
        assert getattr(board.lights, light) == len(ledger_ids(db, LedgerFilter(light=light), as_of=T))


def test_due_today_and_tomorrow_list_the_pending_step_in_task_order(board: Dashboard) -> None:
    today = [(r.ref, r.step, r.due) for r in board.due_today]
    assert today == [("2026-7/TGZ", "completion", T), ("2026-9/XCZ", "report", T),
                     ("2026-13/TGZ", "claim", T), ("2026-13/JTJ", "claim", T)]
    tomorrow = [(r.ref, r.step, r.due) for r in board.due_tomorrow]
    assert tomorrow == [("2026-8/XCZ", "completion", _d(11, 28)), ("2026-11/JTJ", "report", _d(11, 28))]
    row = board.due_today[0]
    assert (row.task_no, row.title, row.unit_code, row.unit_name, row.role) == (
        "2026-7", "C 太公镇秋收进度", "TGZ", "太公镇", "lead")


def test_overdue_lists_red_items_oldest_missed_due_first(board: Dashboard) -> None:
    got = [(r.ref, r.step, r.due, r.days_late(T)) for r in board.overdue]
    assert got == [("2025-1/XCZ", "claim", _d(12, 1, 2025), 361), ("2026-2/JTJ", "report", _d(10, 13), 45),
                   ("2026-3/TGZ", "completion", _d(11, 9), 18), ("2026-10/XCZ", "claim", _d(11, 25), 2)]
    assert len(board.overdue) == board.lights.red


def test_overdue_list_is_capped_but_the_red_count_is_not(db) -> None:  # noqa: ANN001
    board = dashboard(db, as_of=T, overdue_limit=2)
    assert [r.ref for r in board.overdue] == ["2025-1/XCZ", "2026-2/JTJ"]
    assert board.lights.red == 4


def test_month_and_year_rates_equal_the_ledger_stats_of_those_periods(db, board: Dashboard) -> None:  # noqa: ANN001
    assert (board.month.date_from, board.month.date_to) == (_d(11, 1), _d(11, 30))
    assert (board.year.date_from, board.year.date_to) == (_d(1, 1), _d(12, 31))
    for rates in (board.month, board.year):
        county = _county(db, date_from=rates.date_from, date_to=rates.date_to)
        assert (rates.counted, rates.closed, rates.on_time) == (county.counted, county.closed, county.on_time)
        assert (rates.completion_rate, rates.on_time_rate) == (county.completion_rate, county.on_time_rate)
    # November: C and G are due and open, J closed on time, K closed late; L is cancelled
    assert (board.month.counted, board.month.closed, board.month.on_time) == (4, 2, 1)
    # the year adds I (due, open) and M (closed on time); 2025-1 belongs to last year
    assert (board.year.counted, board.year.closed, board.year.on_time) == (6, 3, 2)
    assert board.year.completion_rate == pytest.approx(0.5)
    assert board.target == TARGET_RATE == 0.95
    assert board.year.below() == (True, True)
    assert board.year.ledger_filter() == LedgerFilter(date_from=_d(1, 1), date_to=_d(12, 31))


def test_rates_are_undefined_when_nothing_is_due(db) -> None:  # noqa: ANN001
    board = dashboard(db, as_of=_d(12, 1, 2025))
    assert board.month.counted == 0 and board.month.completion_rate is None
    assert board.month.below() == (False, False)


def test_units_carry_this_years_rates_by_unit(db, board: Dashboard) -> None:  # noqa: ANN001
    by_unit = stats(db, as_of=T, date_from=_d(1, 1), date_to=_d(12, 31), by="unit")
    assert isinstance(by_unit, dict)
    assert [u.code for u in board.units] == ["TGZ", "XCZ", "JTJ"]  # the directory's order, townships first
    for u in board.units:
        s = by_unit[u.code]
        assert (u.completion_rate, u.on_time_rate, u.counted, u.closed) == (
            s.completion_rate, s.on_time_rate, s.counted, s.closed)
    tgz = board.units[0]
    assert (tgz.name, tgz.kind, tgz.counted, tgz.closed) == ("太公镇", "township", 4, 2)  # C, G open; K, M closed


def test_trend_is_the_year_to_date_rates_at_each_weeks_end(db, board: Dashboard) -> None:  # noqa: ANN001
    days = [p.as_of for p in board.trend]
    assert len(days) == 12 and days[-1] == T and days[-2] == _d(11, 22)
    assert all(d.weekday() == 6 for d in days[:-1])  # Sundays
    assert all((b - a).days == 7 for a, b in zip(days[:-2], days[1:-1], strict=False))
    assert (board.trend[-1].completion_rate, board.trend[-1].on_time_rate) == (
        board.year.completion_rate, board.year.on_time_rate)
    for point in board.trend:
        then = stats(db, as_of=point.as_of, date_from=_d(1, 1), date_to=point.as_of)
        assert isinstance(then, Stats)
        assert (point.completion_rate, point.on_time_rate, point.counted) == (
            then.completion_rate, then.on_time_rate, then.counted)
    # as of Sunday 11-22: M, I, G, J due and K closed by then (C not due till 11-27)
    assert board.trend[-2].counted == 5


def test_trend_on_a_sunday_ends_on_that_sunday() -> None:
    sunday = _d(11, 29)
    days = trend_days(sunday)
    assert days[-1] == sunday and days[-2] == _d(11, 22) and len(days) == 12


def test_periods() -> None:
    assert month_period(_d(2, 14)) == (_d(2, 1), _d(2, 28))
    assert month_period(_d(12, 31)) == (_d(12, 1), _d(12, 31))
    assert year_period(T) == (_d(1, 1), _d(12, 31))
