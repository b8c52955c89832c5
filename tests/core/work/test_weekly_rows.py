"""Weekly assignment in the core: checking the grid's rows, their dues, and saving a meeting at once."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.directory import add_leader, add_unit, set_leader_active, set_unit_active
from core.errors import ClerkError
from core.office import Session, open_session
from core.rules.ruleset import DEFAULT_TOML, save_ruleset
from core.work.tasks import NewTask, add_tasks, task_problems
from core.work.weekly import check_rows, coming_sunday, save_weekly

PASSWORD = "test-pass"
TODAY = dt.date(2026, 11, 27)    # a Friday (tests/core/conftest.py)
SUNDAY = dt.date(2026, 11, 22)   # the last meeting day before it


@pytest.fixture
def s(hub_db: Path) -> Session:
    session = open_session(hub_db, "admin", PASSWORD, TODAY)
    yield session
    session.db.conn.close()


def row(title: str = "推进人居环境整治", lead: str = "TGZ", co: tuple[str, ...] = (), leader: str | None = None,
        category: str = "general", on: dt.date = SUNDAY) -> NewTask:
    return NewTask(title=title, category=category, assigned_on=on, lead=lead, co=co, leader=leader)


def counts(s: Session) -> tuple[int, int, int]:
    return tuple(s.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                 for t in ("meeting", "task", "assignment"))


def test_coming_sunday() -> None:
    assert coming_sunday(dt.date(2026, 11, 27)) == dt.date(2026, 11, 29)   # Friday
    assert coming_sunday(dt.date(2026, 11, 29)) == dt.date(2026, 11, 29)   # Sunday: today
    assert coming_sunday(dt.date(2026, 11, 30)) == dt.date(2026, 12, 6)    # Monday
    assert coming_sunday(dt.date(2026, 12, 28)) == dt.date(2027, 1, 3)


def test_a_valid_row_has_its_dues_and_no_problem(s: Session) -> None:
    general, major = check_rows(s.db, [row(co=("FGJ", "ZJJ"), leader="王建国"), row(category="major")], TODAY)
    assert general.ok and general.problems == () and general.warnings == ()
    assert (general.dues.claim, general.dues.report, general.dues.completion) == (  # type: ignore[union-attr]
        SUNDAY, dt.date(2026, 11, 25), dt.date(2026, 11, 29))
    assert major.dues.completion == dt.date(2026, 12, 22)  # type: ignore[union-attr]


@pytest.mark.parametrize(("item", "field", "kind", "words"), [
    (row(title="  "), "title", "empty_title", "title"),
    (row(lead="taigong"), "lead", "unknown_unit", "“taigong”"),
    (row(lead=""), "lead", "unknown_unit", "lead unit"),
    (row(co=("XXX",)), "co", "unknown_unit", "“XXX”"),
    (row(co=("TGZ",)), "co", "lead_also_co", "太公镇 is the lead unit"),
    (row(co=("FGJ", "fgj")), "co", "co_twice", "县发改局 is named twice"),
    (row(leader="李四"), "leader", "unknown_leader", "“李四”"),
    (row(on=dt.date(2026, 12, 5)), "date", "future_date", "2026-12-05"),
    (row(category="urgent"), "category", "bad_category", "general or major"),
])
def test_each_problem_is_a_sentence_on_its_field(s: Session, item: NewTask, field: str, kind: str,
                                                 words: str) -> None:
    [check] = check_rows(s.db, [item], TODAY)
    assert not check.ok
    assert [(p.field, p.kind) for p in check.problems] == [(field, kind)]
    assert words in check.problems[0].sentence
    assert check.problems[0].sentence.endswith(".")
    # and add_tasks refuses the same row, with task_problems' first sentence, writing nothing
    before = counts(s)
    with pytest.raises(ClerkError) as refused:
        add_tasks(s, [item])
    first = task_problems(s.db, item, TODAY)[0].error
    assert type(refused.value) is type(first) and str(refused.value) == first.message
    assert counts(s) == before


def test_a_deactivated_unit_is_a_problem(s: Session) -> None:
    add_unit(s, "JCZ", "旧城镇", "township")
    set_unit_active(s, "JCZ", False)
    [lead, co] = check_rows(s.db, [row(lead="JCZ"), row(co=("jcz",))], TODAY)
    assert [(p.field, p.kind) for p in lead.problems] == [("lead", "inactive_unit")]
    assert "旧城镇 is deactivated" in lead.problems[0].sentence
    assert [(p.field, p.kind) for p in co.problems] == [("co", "inactive_unit")]
    with pytest.raises(ClerkError, match="旧城镇"):
        add_tasks(s, [row(co=("JCZ",))])


def test_several_problems_of_one_row_are_all_listed_and_the_first_is_add_tasks(s: Session) -> None:
    item = row(title="", lead="nowhere", co=("FGJ", "FGJ"), leader="李四")
    [check] = check_rows(s.db, [item], TODAY)
    assert [p.kind for p in check.problems] == ["empty_title", "unknown_unit", "unknown_leader"]
    with pytest.raises(ClerkError) as refused:
        add_tasks(s, [item])
    assert str(refused.value) == task_problems(s.db, item, TODAY)[0].error.message


def test_warnings_do_not_block(s: Session) -> None:
    add_leader(s, "李长林", "县委常委", [])
    set_leader_active(s, "李长林", False)
    first, second = check_rows(s.db, [row(leader="李长林"), row()], TODAY)
    assert first.ok and "李长林 is deactivated" in " ".join(first.warnings)
    assert second.ok and second.warnings == ("The same title as row 1.",)


def test_dues_agree_with_what_add_tasks_stores_including_a_year_without_holidays(hub_db: Path) -> None:
    later = dt.date(2027, 1, 10)
    s = open_session(hub_db, "admin", PASSWORD, later)
    try:
        rollover = DEFAULT_TOML.replace('mode = "calendar"', 'mode = "rollover"')
        assert rollover != DEFAULT_TOML
        save_ruleset(s.db, rollover, s.user.name, s.office.uuid)
        items = [row(on=dt.date(2026, 9, 30)), row(title="重大项目", category="major", on=dt.date(2026, 9, 30)),
                 row(title="跨年", on=dt.date(2026, 12, 27)), row(title="元旦后", category="major",
                                                              on=dt.date(2027, 1, 3), co=("FGJ",))]
        checks = check_rows(s.db, items, later)
        assert all(c.ok for c in checks)
        assert checks[0].dues.report == checks[0].dues.completion == dt.date(2026, 10, 8)  # type: ignore[union-attr]
        assert checks[2].warnings == ("Holiday arrangements for 2027 are not imported",)
        assert checks[0].warnings == ()
        numbers, _changes = add_tasks(s, items)
        stored = {task_no: (dt.date.fromisoformat(c), dt.date.fromisoformat(r), dt.date.fromisoformat(d), w)
                  for task_no, c, r, d, w in s.db.execute(
                      "SELECT t.task_no, st.claim_due, st.report_due, st.due, st.warnings FROM task t "
                      "JOIN assignment a ON a.task_id = t.id JOIN assignment_status st ON st.assignment_id = a.id")}
        for number, check in zip(numbers, checks, strict=True):
            d = check.dues
            assert d is not None
            assert stored[number] == (d.claim, d.report, d.completion, ",".join(map(str, sorted(d.missing_years))))
    finally:
        s.db.conn.close()


def test_save_weekly_writes_the_meeting_and_its_items_in_one_transaction(s: Session) -> None:
    saved, changes = save_weekly(s, SUNDAY, "", [row(title=f"事项{i}", co=("FGJ",) if i == 1 else ())
                                                 for i in range(1, 4)])
    assert saved.task_numbers == ("2026-1", "2026-2", "2026-3")
    assert saved.meeting.kind == "weekly" and saved.meeting.date == SUNDAY
    assert saved.meeting.title == "Weekly meeting 1 of 2026"
    assert len(changes.assignments) == 4 and len(changes.tasks) == 3
    meeting_ids = {r[0] for r in s.db.execute("SELECT meeting_id FROM task")}
    assert meeting_ids == {saved.meeting.id}


def test_a_refused_row_leaves_nothing_written_not_even_the_meeting(s: Session) -> None:
    before = counts(s)
    with pytest.raises(ClerkError, match="XXX"):
        save_weekly(s, SUNDAY, "第47周例会", [row(title="好的"), row(title="坏的", lead="XXX")])
    assert counts(s) == before
    with pytest.raises(ClerkError):
        save_weekly(s, SUNDAY, "", [])
    assert counts(s) == before


def test_a_viewer_cannot_save(hub_db: Path) -> None:
    viewer = open_session(hub_db, "viewer", PASSWORD, TODAY)
    try:
        with pytest.raises(ClerkError):
            save_weekly(viewer, SUNDAY, "", [row()])
        assert counts(viewer) == (0, 0, 0)
    finally:
        viewer.db.conn.close()
