"""The office's rule for its decisions (issue 15, "Rules of the office"): who may approve an
extension, close (销号) or return (退回), enforced by the core for the CLI and the GUI alike."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.directory import add_user
from core.errors import Refusal
from core.office import Session, open_session
from core.work.actions import Action, record
from core.work.decisions import allowed_here, decision_policy, save_decision_policy
from core.work.task_view import assignment_brief
from core.work.tasks import NewTask, add_tasks

PASSWORD = "test-pass"
TODAY = dt.date(2026, 11, 27)
D = dt.date(2026, 11, 23)


@pytest.fixture
def hub(hub_db: Path) -> Iterator[Path]:
    s = open_session(hub_db, "admin", PASSWORD, TODAY)
    add_user(s, "clerk2", "clerk", PASSWORD)
    add_tasks(s, [NewTask("城区排水管网改造", "general", D, "TGZ"), NewTask("农贸市场改造", "general", D, "TGZ")])
    s.db.conn.close()
    clerk = open_session(hub_db, "clerk", PASSWORD, TODAY)
    for ref in ("2026-1/TGZ", "2026-2/TGZ"):
        record(clerk, ref, Action("claim", D))
    record(clerk, "2026-1/TGZ", Action("completion", dt.date(2026, 11, 25), text="改造完成"))   # 代录 by clerk
    record(clerk, "2026-2/TGZ", Action("extension_request", dt.date(2026, 11, 25), text="分两期实施",
                                       value=dt.date(2026, 12, 20)))
    clerk.db.conn.close()
    yield hub_db


def as_user(path: Path, name: str) -> Session:
    return open_session(path, name, PASSWORD, TODAY)


def events(s: Session) -> int:
    return s.db.execute("SELECT COUNT(*) FROM event").fetchone()[0]


def test_the_clerk_who_recorded_it_may_not_decide_it_another_clerk_and_the_admin_may(hub: Path) -> None:
    clerk = as_user(hub, "clerk")
    assert decision_policy(clerk.db) == "admin_or_other"
    before = events(clerk)
    for ref, kind in (("2026-1/TGZ", "close"), ("2026-1/TGZ", "return"), ("2026-2/TGZ", "extension_approve"),
                      ("2026-2/TGZ", "extension_reject")):
        with pytest.raises(Refusal, match="yourself"):
            record(clerk, ref, Action(kind, TODAY, text="理由"))
        assert kind not in allowed_here(clerk.db, clerk.office, clerk.user, assignment_brief(clerk.db, ref))
    assert events(clerk) == before
    clerk.db.conn.close()

    other = as_user(hub, "clerk2")
    assert "extension_approve" in allowed_here(other.db, other.office, other.user,
                                               assignment_brief(other.db, "2026-2/TGZ"))
    record(other, "2026-2/TGZ", Action("extension_approve", TODAY))
    row = other.db.execute("SELECT user_name FROM event WHERE kind = 'extension_approve'").fetchone()
    assert row[0] == "clerk2"                      # the approver is on the event
    other.db.conn.close()
    admin = as_user(hub, "admin")
    record(admin, "2026-1/TGZ", Action("close", TODAY))
    assert admin.db.execute("SELECT user_name FROM event WHERE kind = 'close'").fetchone()[0] == "admin"
    admin.db.conn.close()


def test_admin_only_and_any_clerk(hub: Path) -> None:
    admin = as_user(hub, "admin")
    clerk = as_user(hub, "clerk")
    with pytest.raises(Refusal):
        save_decision_policy(clerk, "any")           # only an administrator sets the rule
    with pytest.raises(Exception, match="not a rule"):
        save_decision_policy(admin, "anyone")
    assert decision_policy(admin.db) == "admin_or_other"
    save_decision_policy(admin, "admin")
    other = as_user(hub, "clerk2")
    with pytest.raises(Refusal, match="Only an administrator"):
        record(other, "2026-1/TGZ", Action("close", TODAY))
    save_decision_policy(admin, "any")
    record(clerk, "2026-1/TGZ", Action("close", TODAY))   # the same clerk, under "any"
    for s in (admin, clerk, other):
        s.db.conn.close()


def test_cli_settings_decisions_and_the_refusal(hub: Path, cli: Callable[..., object],
                                                state: Callable[[Path], object]) -> None:
    assert cli.json("settings", "decisions", db=hub) == {"decisions_by": "admin_or_other"}  # type: ignore[attr-defined]
    before = state(hub)
    r = cli("close", "2026-1/TGZ", "--on", "2026-11-27", user="clerk", db=hub,  # type: ignore[operator]
            env={"CLOSELOOP_PASSWORD": PASSWORD})
    assert r.code == 1 and "yourself" in r.err and state(hub) == before
    r = cli("settings", "decisions", "--by", "admin", user="clerk", db=hub,  # type: ignore[operator]
            env={"CLOSELOOP_PASSWORD": PASSWORD})
    assert r.code == 1 and state(hub) == before
    cli.ok("settings", "decisions", "--by", "admin", db=hub)  # type: ignore[attr-defined]
    assert cli.json("settings", "decisions", db=hub) == {"decisions_by": "admin"}  # type: ignore[attr-defined]
