"""core.work.unit_desk: which group each of a unit's assignments falls in, as of a day.

A hub's database read for 太公镇 (TGZ) (the grouping reads the unit's assignments,
whoever's database it is); tasks are general (claim due D, report D+3, completion D+7).
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from core.db.connection import open_database
from core.errors import Refusal
from core.office import open_session
from core.work.actions import Action, record
from core.work.tasks import NewTask, add_tasks
from core.work.unit_desk import GROUPS, desk_groups

T = dt.date(2026, 11, 27)


def _day(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


@pytest.fixture
def hub(hub_db: Path) -> Path:
    s = open_session(hub_db, "admin", "test-pass", today=T)
    try:
        plan = [("已取消事项", _day(11, 20), "TGZ", ()), ("早已办结事项", _day(10, 8), "TGZ", ()),
                ("待销号事项", _day(11, 23), "TGZ", ()), ("配合事项", _day(11, 27), "XYJ", ("TGZ",)),
                ("别的单位事项", _day(11, 2), "XYJ", ())]
        add_tasks(s, [NewTask(title=t, category="general", assigned_on=d, lead=lead, co=co) for t, d, lead, co in plan])
        for ref, kind, on in (("2026-1/TGZ", "cancel", _day(11, 21)),
                              ("2026-2/TGZ", "claim", _day(10, 8)), ("2026-2/TGZ", "completion", _day(10, 10)),
                              ("2026-2/TGZ", "close", _day(10, 12)),
                              ("2026-3/TGZ", "claim", _day(11, 23)), ("2026-3/TGZ", "completion", _day(11, 24))):
            record(s, ref, Action(kind=kind, on=on, text="理由" if kind == "cancel" else "完成"))
        return hub_db
    finally:
        s.db.conn.close()


def groups(path: Path, today: dt.date, unit: str | None = "TGZ") -> dict[str, list[str]]:
    db = open_database(path)
    try:
        unit_id = db.execute("SELECT id FROM unit WHERE code = ?", [unit]).fetchone()[0] if unit else None
        return {g.key: [r.ref for r in g.rows] for g in desk_groups(db, unit_id, today)}
    finally:
        db.conn.close()


def test_cancelled_old_closed_and_other_units_items_are_not_on_the_desk(hub: Path) -> None:
    got = groups(hub, T)
    assert list(got) == list(GROUPS)
    assert got == {"overdue": [], "today": ["2026-4/TGZ"], "soon": [], "later": [],
                   "submitted": ["2026-3/TGZ"], "closed": []}   # 2026-2 closed 10-12: older than 30 days


def test_a_closed_item_stays_on_the_desk_for_30_days(hub: Path) -> None:
    assert groups(hub, _day(11, 10))["closed"] == ["2026-2/TGZ"]     # day 30 after 10-12
    assert groups(hub, _day(11, 11))["closed"] == []


def test_the_co_row_names_the_lead_unit_and_moves_with_the_day(hub: Path) -> None:
    db = open_database(hub)
    try:
        unit_id = db.execute("SELECT id FROM unit WHERE code = 'TGZ'").fetchone()[0]
        row = next(r for g in desk_groups(db, unit_id, T) for r in g.rows if r.ref == "2026-4/TGZ")
    finally:
        db.conn.close()
    assert (row.role, row.lead_unit, row.next_step, row.next_due, row.light) == ("co", "新阳街道", "claim", T, "yellow")
    assert groups(hub, _day(11, 28))["overdue"] == ["2026-4/TGZ"]


def test_an_office_without_a_unit_has_an_empty_desk(hub: Path) -> None:
    assert groups(hub, T, unit=None) == {key: [] for key in GROUPS}


def test_a_status_cache_edited_outside_the_app_is_refused(hub: Path) -> None:
    conn = sqlite3.connect(hub)
    conn.execute("UPDATE assignment_status SET state = 'closed' WHERE assignment_id = 3")
    conn.commit()
    conn.close()
    with pytest.raises(Refusal, match="check --repair"):
        groups(hub, T)
