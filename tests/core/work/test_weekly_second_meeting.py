"""A second weekly meeting on the same day is refused unless asked for; new meetings are named as the office does."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.errors import Refusal
from core.office import Session, open_session
from core.work.tasks import NewTask, add_meeting, default_meeting_title
from core.work.weekly import save_weekly, weekly_meeting_on

PASSWORD = "test-pass"
TODAY = dt.date(2026, 11, 27)
SUNDAY = dt.date(2026, 11, 22)


@pytest.fixture
def s(hub_db: Path) -> Iterator[Session]:
    session = open_session(hub_db, "admin", PASSWORD, TODAY)
    yield session
    session.db.conn.close()


def item(title: str) -> NewTask:
    return NewTask(title=title, category="general", assigned_on=SUNDAY, lead="TGZ")


def counts(s: Session) -> tuple[int, int]:
    return (s.db.execute("SELECT COUNT(*) FROM meeting").fetchone()[0],
            s.db.execute("SELECT COUNT(*) FROM task").fetchone()[0])


def test_new_weekly_meetings_are_numbered_in_their_year(s: Session) -> None:
    first = save_weekly(s, dt.date(2026, 11, 15), "", [item("一")])[0].meeting
    second = save_weekly(s, SUNDAY, "", [item("二")])[0].meeting
    assert (first.title, second.title) == ("Weekly meeting 1 of 2026", "Weekly meeting 2 of 2026")
    assert default_meeting_title("weekly", dt.date(2026, 11, 29), s.db) == "Weekly meeting 3 of 2026"
    # a typed title is kept; another kind still names its date
    assert add_meeting(s, "review", SUNDAY).title == "Monthly review meeting of 2026-11-22"


def test_a_second_meeting_on_the_same_day_is_refused_and_nothing_is_written(s: Session) -> None:
    first = save_weekly(s, SUNDAY, "第45次周例会", [item("一")])[0].meeting
    before = counts(s)
    with pytest.raises(Refusal, match="--new-meeting"):
        save_weekly(s, SUNDAY, "", [item("二")])
    with pytest.raises(Refusal, match="第45次周例会"):
        add_meeting(s, "weekly", SUNDAY)
    assert counts(s) == before
    assert weekly_meeting_on(s.db, SUNDAY) == first


def test_items_added_to_the_existing_meeting_or_a_second_meeting_on_request(s: Session) -> None:
    first = save_weekly(s, SUNDAY, "第45次周例会", [item("一")])[0].meeting
    joined = save_weekly(s, SUNDAY, "ignored", [item("二")], add_to=first.id)[0]
    assert joined.meeting == first
    meetings = {r[0] for r in s.db.execute("SELECT meeting_id FROM task")}
    assert meetings == {first.id}
    second = save_weekly(s, SUNDAY, "", [item("三")], new_meeting=True)[0].meeting
    assert second.id != first.id and second.title == "Weekly meeting 2 of 2026"
    before = counts(s)
    with pytest.raises(Refusal, match="not a weekly meeting of 2026-11-15"):
        save_weekly(s, dt.date(2026, 11, 15), "", [item("四")], add_to=first.id)
    assert counts(s) == before


def test_cli_refuses_a_second_weekly_meeting_in_a_sentence_and_takes_new_meeting(
        cli: Callable[..., object], hub_db: Path, state: Callable[[Path], object]) -> None:
    made = cli.json("meeting", "add", "--kind", "weekly", "--date", "2026-11-22")  # type: ignore[attr-defined]
    assert made["title"] == "Weekly meeting 1 of 2026"
    before = state(hub_db)
    r = cli("meeting", "add", "--kind", "weekly", "--date", "2026-11-22")  # type: ignore[operator]
    assert r.code == 1 and "--new-meeting" in r.err and f"meeting {made['id']}" in r.err
    assert state(hub_db) == before
    again = cli.json("meeting", "add", "--kind", "weekly", "--date", "2026-11-22",  # type: ignore[attr-defined]
                     "--new-meeting")
    assert again["title"] == "Weekly meeting 2 of 2026"
