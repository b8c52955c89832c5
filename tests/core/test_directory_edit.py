"""Editing the directory: units, leaders and users are changed or deactivated, never deleted.

Runs on a copy of the template hub (tests/core/conftest.py): units TGZ, XYJ, FGJ, ZJJ;
leader 王建国 in charge of TGZ and FGJ; users admin, clerk, viewer.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import directory
from core.auth import sign_in
from core.errors import Refusal, UsageError
from core.office import Changes, Session, open_session
from core.work.tasks import NewTask, add_tasks

PASSWORD = "test-pass"  # the template hub's password for every user
DAY = dt.date(2026, 11, 20)


@pytest.fixture
def clerk(hub_db: Path) -> Iterator[Session]:
    s = open_session(hub_db, "clerk", PASSWORD)
    yield s
    s.db.conn.close()


@pytest.fixture
def admin(hub_db: Path) -> Iterator[Session]:
    s = open_session(hub_db, "admin", PASSWORD)
    yield s
    s.db.conn.close()


def _row(s: Session, table: str, where: str, *args: object) -> dict[str, object]:
    cur = s.db.execute(f"SELECT * FROM {table} WHERE {where}", list(args))
    names = [c[0] for c in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def _audit(s: Session) -> list[tuple[str, str, dict[str, object]]]:
    return [(r[0], r[1], json.loads(r[2])) for r in s.db.execute("SELECT action, ref, details FROM audit ORDER BY id")]


def _units(s: Session) -> dict[str, tuple[str, str, bool]]:
    return {u.code: (u.name, u.kind, u.active) for u in directory.list_units(s.db)}


def _dump(s: Session) -> list[str]:
    return list(s.db.conn.iterdump())


# ----- units ----------------------------------------------------------------------------


def test_edit_unit_renames_and_changes_kind_bumping_rev(clerk: Session) -> None:
    before = _row(clerk, "unit", "code = ?", "XYJ")
    assert directory.edit_unit(clerk, "xyj", "新阳街道办事处", "department") == Changes(directory=True)
    after = _row(clerk, "unit", "code = ?", "XYJ")
    assert (after["name"], after["kind"], after["rev"]) == ("新阳街道办事处", "department", before["rev"] + 1)
    assert after["uuid"] == before["uuid"] and after["owner"] == before["owner"]
    action, ref, details = _audit(clerk)[-1]
    assert (action, ref) == ("unit_edit", "XYJ")
    assert details["before"] == {"name": "新阳街道", "kind": "township"} and details["name"] == "新阳街道办事处"


def test_edit_unit_that_changes_nothing_writes_nothing(clerk: Session) -> None:
    before = _dump(clerk)
    assert directory.edit_unit(clerk, "TGZ", " 太公镇 ", "township") == Changes()
    assert _dump(clerk) == before


@pytest.mark.parametrize(("code", "name", "kind", "error", "words"), [
    ("TGZ", "县发改局", "township", Refusal, "A unit named 县发改局 already exists."),
    ("TGZ", "  ", "township", UsageError, "name is empty"),
    ("TGZ", "太公镇", "village", UsageError, "'village' is not a unit kind"),
    ("NOPE", "无此单位", "township", Refusal, "There is no unit with the code NOPE"),
])
def test_edit_unit_refusals_change_nothing(clerk: Session, code: str, name: str, kind: str,
                                           error: type[Exception], words: str) -> None:
    before = _dump(clerk)
    with pytest.raises(error, match=words):
        directory.edit_unit(clerk, code, name, kind)
    assert _dump(clerk) == before


def test_adding_a_unit_with_a_taken_code_is_refused(clerk: Session) -> None:
    before = _dump(clerk)
    with pytest.raises(Refusal, match="The unit code tgz is taken"):
        directory.add_unit(clerk, "tgz", "太公新镇", "township")
    assert _dump(clerk) == before


def test_a_deactivated_unit_receives_no_new_tasks_until_reactivated(clerk: Session) -> None:
    assert directory.set_unit_active(clerk, "ZJJ", False) == Changes(directory=True)
    assert _units(clerk)["ZJJ"] == ("县住建局", "department", False)
    assert _row(clerk, "unit", "code = ?", "ZJJ")["rev"] == 2
    assert directory.set_unit_active(clerk, "ZJJ", False) == Changes()  # already inactive: nothing written
    for lead, co in (("ZJJ", ()), ("TGZ", ("ZJJ",))):
        with pytest.raises(Refusal, match="The unit 县住建局 is deactivated"):
            add_tasks(clerk, [NewTask("危房改造排查", "general", DAY, lead, co)])
    assert clerk.db.execute("SELECT COUNT(*) FROM task").fetchone()[0] == 0
    assert directory.set_unit_active(clerk, "ZJJ", True) == Changes(directory=True)
    numbers, _changes = add_tasks(clerk, [NewTask("危房改造排查", "general", DAY, "ZJJ")])
    assert numbers == ["2026-1"]
    assert [a for a, ref, _d in _audit(clerk) if ref == "ZJJ"] == ["unit_add", "unit_deactivate", "unit_activate"]


def test_a_unit_with_open_assignments_cannot_be_deactivated(clerk: Session) -> None:
    add_tasks(clerk, [NewTask("秋冬季防火", "general", DAY, "TGZ", ("XYJ",))])
    before = _dump(clerk)
    with pytest.raises(Refusal, match="新阳街道 still has 1 open assignment; close or cancel it"):
        directory.set_unit_active(clerk, "XYJ", False)
    assert _dump(clerk) == before


def test_a_viewer_and_a_unit_office_cannot_edit_units(hub_db: Path) -> None:
    viewer = open_session(hub_db, "viewer", PASSWORD)
    try:
        with pytest.raises(Refusal, match="may only read"):
            directory.edit_unit(viewer, "TGZ", "太公新镇", "township")
        with pytest.raises(Refusal, match="may only read"):
            directory.set_unit_active(viewer, "TGZ", False)
    finally:
        viewer.db.conn.close()


# ----- leaders --------------------------------------------------------------------------


def test_edit_leader_title_and_units_keeps_every_link_row(clerk: Session) -> None:
    links = lambda: {r[0]: (r[1], r[2]) for r in clerk.db.execute(  # noqa: E731
        "SELECT u.code, lu.active, lu.rev FROM leader_unit lu JOIN unit u ON u.id = lu.unit_id")}
    assert links() == {"TGZ": (1, 1), "FGJ": (1, 1)}
    changes = directory.edit_leader(clerk, "王建国", "县委常委、副县长", ["XYJ", "FGJ", "XYJ"])
    assert changes == Changes(directory=True)
    leader = directory.leader_by_name(clerk.db, "王建国")
    assert (leader.title, leader.units) == ("县委常委、副县长", ("XYJ", "FGJ"))
    assert links() == {"TGZ": (0, 2), "FGJ": (1, 1), "XYJ": (1, 1)}  # TGZ deactivated, not deleted
    assert _row(clerk, "leader", "name = ?", "王建国")["rev"] == 2
    # giving TGZ back reactivates its old row
    directory.edit_leader(clerk, "王建国", "县委常委、副县长", ["TGZ", "XYJ", "FGJ"])
    assert links() == {"TGZ": (1, 3), "FGJ": (1, 1), "XYJ": (1, 1)}
    assert directory.leader_by_name(clerk.db, "王建国").units == ("TGZ", "XYJ", "FGJ")
    action, ref, details = _audit(clerk)[-1]
    assert (action, ref, details["units"], details["before"]["units"]) == (
        "leader_edit", "王建国", ["TGZ", "XYJ", "FGJ"], ["XYJ", "FGJ"])
    assert directory.edit_leader(clerk, "王建国", "县委常委、副县长", ["FGJ", "TGZ", "XYJ"]) == Changes()


def test_a_leader_gets_no_deactivated_unit_but_keeps_one_they_had(clerk: Session) -> None:
    directory.set_unit_active(clerk, "ZJJ", False)
    before = _dump(clerk)
    with pytest.raises(Refusal, match="The unit 县住建局 is deactivated"):
        directory.edit_leader(clerk, "王建国", "副县长", ["TGZ", "ZJJ"])
    with pytest.raises(Refusal, match="There is no unit with the code XXX"):
        directory.edit_leader(clerk, "王建国", "副县长", ["XXX"])
    assert _dump(clerk) == before
    directory.set_unit_active(clerk, "ZJJ", True)
    directory.edit_leader(clerk, "王建国", "副县长", ["TGZ", "ZJJ"])
    directory.set_unit_active(clerk, "ZJJ", False)
    assert directory.edit_leader(clerk, "王建国", "县长", ["TGZ", "ZJJ"]) == Changes(directory=True)
    assert directory.leader_by_name(clerk.db, "王建国").units == ("TGZ", "ZJJ")


def test_add_leader_with_two_units_then_deactivate_and_reactivate(clerk: Session) -> None:
    directory.add_leader(clerk, "李红", "县委常委", ["XYJ", "ZJJ"])
    assert directory.leader_by_name(clerk.db, "李红").units == ("XYJ", "ZJJ")
    assert directory.set_leader_active(clerk, "李红", False) == Changes(directory=True)
    leader = directory.leader_by_name(clerk.db, "李红")
    assert not leader.active and leader.units == ("XYJ", "ZJJ")
    assert _row(clerk, "leader", "name = ?", "李红")["rev"] == 2
    assert directory.set_leader_active(clerk, "李红", False) == Changes()
    directory.set_leader_active(clerk, "李红", True)
    assert directory.leader_by_name(clerk.db, "李红").active
    assert [a for a, ref, _d in _audit(clerk) if ref == "李红"] == ["leader_add", "leader_deactivate",
                                                                      "leader_activate"]
    with pytest.raises(Refusal, match="There is no leader named 张三"):
        directory.set_leader_active(clerk, "张三", False)


# ----- users ----------------------------------------------------------------------------


def test_only_an_administrator_manages_users(clerk: Session) -> None:
    before = _dump(clerk)
    for call in (lambda: directory.add_user(clerk, "zhang", "clerk", "zhang-pass"),
                 lambda: directory.set_user_role(clerk, "viewer", "clerk"),
                 lambda: directory.set_user_active(clerk, "viewer", False),
                 lambda: directory.reset_password(clerk, "viewer", "new-pass")):
        with pytest.raises(Refusal, match="Only an administrator may do this"):
            call()
    assert _dump(clerk) == before


def test_change_role_deactivate_and_reset_password(admin: Session) -> None:
    assert directory.set_user_role(admin, "viewer", "clerk") == Changes(directory=True)
    assert directory.set_user_role(admin, "viewer", "clerk") == Changes()
    assert sign_in(admin.db, "viewer", PASSWORD).can_write
    assert directory.set_user_active(admin, "clerk", False) == Changes(directory=True)
    with pytest.raises(Refusal, match="The user clerk is deactivated"):
        sign_in(admin.db, "clerk", PASSWORD)
    directory.set_user_active(admin, "clerk", True)
    assert directory.reset_password(admin, "clerk", "fresh-pass") == Changes(directory=True)
    assert sign_in(admin.db, "clerk", "fresh-pass").name == "clerk"
    with pytest.raises(Refusal, match="Wrong user name or password"):
        sign_in(admin.db, "clerk", PASSWORD)
    with pytest.raises(Refusal, match="too short"):
        directory.reset_password(admin, "clerk", "abc")
    with pytest.raises(UsageError, match="'boss' is not a role"):
        directory.set_user_role(admin, "clerk", "boss")
    actions = [(a, ref) for a, ref, _d in _audit(admin) if a.startswith("user_")]
    assert actions[-4:] == [("user_role", "viewer"), ("user_deactivate", "clerk"), ("user_activate", "clerk"),
                            ("user_password", "clerk")]
    assert all("fresh-pass" not in json.dumps(d) for _a, _r, d in _audit(admin))


def test_nobody_deactivates_or_demotes_themselves(admin: Session) -> None:
    directory.add_user(admin, "li", "admin", "li-pass")
    before = _dump(admin)
    with pytest.raises(Refusal, match="You cannot deactivate your own account or change your own role"):
        directory.set_user_active(admin, "admin", False)
    with pytest.raises(Refusal, match="ask another administrator"):
        directory.set_user_role(admin, "admin", "clerk")
    assert _dump(admin) == before
    assert directory.set_user_active(admin, "admin", True) == Changes()  # no change: nothing refused


def test_the_last_active_administrator_cannot_be_deactivated_or_demoted(admin: Session, hub_db: Path) -> None:
    """Two desks: li's session stays open (as the app's does) after admin demoted li."""
    directory.add_user(admin, "li", "admin", "li-pass")
    li = open_session(hub_db, "li", "li-pass")
    try:
        directory.set_user_role(admin, "li", "clerk")
        before = _dump(admin)
        with pytest.raises(Refusal, match="admin is the last active administrator; make another user an "
                                          "administrator first."):
            directory.set_user_role(li, "admin", "viewer")
        with pytest.raises(Refusal, match="admin is the last active administrator and cannot be deactivated."):
            directory.set_user_active(li, "admin", False)
        assert _dump(admin) == before
        # an inactive administrator does not count as another one
        directory.set_user_role(admin, "li", "admin")
        directory.set_user_active(admin, "li", False)
        with pytest.raises(Refusal, match="admin is the last active administrator"):
            directory.set_user_active(li, "admin", False)
        # with li active again, li may demote admin (li stays)
        directory.set_user_active(admin, "li", True)
        assert directory.set_user_role(li, "admin", "clerk") == Changes(directory=True)
    finally:
        li.db.conn.close()
    assert [u.name for u in directory.list_users(admin.db) if u.role == "admin" and u.active] == ["li"]
