"""core.permissions agrees with core.work.actions.record: what it allows succeeds, the rest is refused.

The template holds one TGZ-led assignment in each state a clerk meets (and one
overdue), built through the core's API. For each office/user setting and each
state, every action is tried through `record` on a copy: it must succeed
exactly when `allowed_actions` lists it, and a refusal must write nothing.
The unit office is the hub database with its self row turned into TGZ's (or
XYJ's) office — a stand-in for the enrollment bundle of the USB-sync issue.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from core.auth import User, list_users
from core.db.connection import open_database
from core.errors import ClerkError
from core.office import Session, self_office
from core.permissions import ACTION_ORDER, actions_from_state, allowed_actions
from core.work.actions import Action, record
from core.work.decisions import allowed_here
from core.work.task_view import assignment_brief
from core.work.tasks import NewTask, add_tasks
from core.work.workflow import ACTIONS
from tests._shared.db_copy import copy_database

T = dt.date(2026, 11, 27)
D = dt.date(2026, 11, 24)  # general: claim due 11-24, report due 11-27, completion due 12-01

# state name → (assigned on, the events that bring the TGZ assignment there)
SCENARIOS: dict[str, tuple[dt.date, list[tuple[str, dt.date, dt.date | None]]]] = {
    "assigned": (D, []),
    "claimed": (D, [("claim", D, None)]),
    "in_progress": (D, [("claim", D, None), ("report", dt.date(2026, 11, 25), None)]),
    "pending": (D, [("claim", D, None), ("extension_request", dt.date(2026, 11, 25), dt.date(2026, 12, 20))]),
    "submitted": (D, [("claim", D, None), ("completion", dt.date(2026, 11, 26), None)]),
    "submitted_pending": (D, [("claim", D, None), ("extension_request", dt.date(2026, 11, 25), dt.date(2026, 12, 20)),
                              ("completion", dt.date(2026, 11, 26), None)]),
    "closed": (D, [("claim", D, None), ("completion", dt.date(2026, 11, 25), None), ("close", T, None)]),
    "cancelled": (D, [("cancel", dt.date(2026, 11, 25), None)]),
    "overdue": (dt.date(2026, 11, 2), [("claim", dt.date(2026, 11, 2), None),
                                       ("report", dt.date(2026, 11, 4), None)]),
}


def _session(path: Path, user_name: str = "clerk") -> Session:
    db = open_database(path)
    user = next(u for u in list_users(db) if u.name == user_name)
    return Session(db, path, self_office(db), user, T)


_copy = copy_database  # tests/_shared/db_copy.py: replaces an existing target


@pytest.fixture(scope="module")
def template(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The scenarios' database and each scenario's REF."""
    path = _copy(template_hub, tmp_path_factory.mktemp("permissions") / "hub.db")
    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", T.isoformat())
    s = _session(path)
    try:
        numbers, _changes = add_tasks(s, [NewTask(title=f"事项 {name}", category="general", assigned_on=on,
                                                  lead="TGZ", co=("XYJ",)) for name, (on, _e) in SCENARIOS.items()])
        refs = {name: f"{no}/TGZ" for name, no in zip(SCENARIOS, numbers, strict=True)}
        s.db.execute("INSERT INTO setting (key, value) VALUES ('decisions_by', 'any')")  # one clerk sets it all up
        for name, (_on, events) in SCENARIOS.items():
            for kind, on, value in events:
                record(s, refs[name], Action(kind, on, text="已办", value=value))
        s.db.execute("DELETE FROM setting WHERE key = 'decisions_by'")  # the tests run under the default rule
        s.db.conn.commit()
    finally:
        s.db.conn.close()
        mp.undo()
    return path, refs


def _as_unit(path: Path, unit_code: str) -> None:
    """Stand-in for enrollment: the database's own office becomes the unit's office."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE office SET role = 'unit', unit_id = (SELECT id FROM unit WHERE code = ?), "
                     "code = ? WHERE is_self = 1", [unit_code, unit_code])
    conn.close()


def _attempt(kind: str, due: dt.date) -> Action:
    """A well-formed action of `kind`, dated today (an extension request by the due in force)."""
    if kind == "extension_request":
        return Action(kind, min(T, due), text="计划", value=due + dt.timedelta(days=14),
                      milestones=[(min(T, due), "启动")])
    if kind == "urge":
        return Action(kind, T, text="请加快", value=T + dt.timedelta(days=3))
    return Action(kind, T, text="说明")


SETTINGS = {  # name → (unit office code or None for the hub, user)
    "hub clerk": (None, "clerk"),
    "hub admin": (None, "admin"),
    "hub viewer": (None, "viewer"),
    "unit office, own unit": ("TGZ", "clerk"),
    "unit office, another unit": ("XYJ", "clerk"),
    "unit office viewer": ("TGZ", "viewer"),
}


@pytest.mark.parametrize("setting", SETTINGS)
def test_allowed_actions_agree_with_record(template: tuple[Path, dict[str, str]], tmp_path: Path,
                                           setting: str) -> None:
    source, refs = template
    unit_code, user_name = SETTINGS[setting]
    base = tmp_path / "base.db"
    _copy(source, base)
    if unit_code:
        _as_unit(base, unit_code)
    work = _copy(base, tmp_path / "work.db")
    mismatches = []
    for name, ref in refs.items():
        s = _session(work, user_name)
        brief = assignment_brief(s.db, ref)
        allowed = allowed_here(s.db, s.office, s.user, brief)   # the office's rule for decisions applied
        for kind in ACTION_ORDER:
            events = s.db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
            try:
                record(s, ref, _attempt(kind, brief.due))
                ok, why = True, ""
            except ClerkError as err:
                ok, why = False, str(err)
            if ok != (kind in allowed):
                mismatches.append((name, kind, "allowed" if kind in allowed else "not allowed", why or "recorded"))
            if ok:  # start the next attempt from a fresh copy
                s.db.conn.close()
                _copy(base, work)
                s = _session(work, user_name)
            else:
                assert s.db.execute("SELECT COUNT(*) FROM event").fetchone()[0] == events
        s.db.conn.close()
    assert mismatches == []


def test_who_sees_what() -> None:
    clerk, viewer = User(1, "clerk", "clerk", True), User(2, "viewer", "viewer", True)
    gone = User(3, "old", "clerk", False)

    class St:
        state = "in_progress"
        pending_extension = None

    assert allowed_actions("hub", clerk, St()) == ["report", "completion", "extension_request", "urge", "cancel"]
    assert allowed_actions("unit", clerk, St()) == ["report", "completion", "extension_request"]
    assert allowed_actions("unit", clerk, St(), own_unit=False) == []
    assert allowed_actions("hub", viewer, St()) == [] and allowed_actions("hub", gone, St()) == []


def test_every_action_is_ordered_and_closed_states_take_none() -> None:
    assert set(ACTION_ORDER) == ACTIONS and len(ACTION_ORDER) == len(ACTIONS)
    assert actions_from_state("closed", None) == frozenset()
    assert actions_from_state("cancelled", dt.date(2026, 12, 1)) == frozenset()
    assert actions_from_state("submitted", None) == {"return", "close", "urge", "cancel"}


def test_hub_may_write_is_a_writing_user_of_the_hub():
    from core.permissions import hub_may_write

    admin, clerk, viewer = User(1, "a", "admin", True), User(2, "c", "clerk", True), User(3, "v", "viewer", True)
    gone = User(4, "old", "clerk", False)
    assert [hub_may_write("hub", u) for u in (admin, clerk, viewer, gone)] == [True, True, False, False]
    assert [hub_may_write("unit", u) for u in (admin, clerk, viewer, gone)] == [False] * 4
