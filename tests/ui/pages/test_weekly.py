"""The weekly assignment page, driven as a clerk drives it: type a meeting's items, save, find them in the ledger.

The database is the shared small template (tests/ui/conftest.py: 太公镇 TGZ, 兴城镇 XCZ,
县交通运输局 JTJ, the leader 王建国 in charge of TGZ and JTJ, nine tasks, today 2026-11-27).
Latin keys are typed with QTest; Chinese arrives as an input method does it (a
pre-edit, then the committed text), which is also how the grid opens an editor.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from core.auth import sign_in
from core.db.connection import connect
from core.directory import add_unit, add_user
from core.i18n import _
from core.office import open_session, self_office
from core.work.ledger import LedgerFilter, ledger_ids, ledger_rows
from ui.pages.weekly import CELL_ROLE, WeeklyPage
from ui.pages.weekly_model import COLUMN_OF, PROBLEM_COLOR, format_due
from ui.shell.context import AppContext
from ui.unit_completer import PickerEdit

PASSWORD = "test-pass"
T = dt.date(2026, 11, 27)
SUNDAY = dt.date(2026, 11, 22)
GENERAL_DUES = (SUNDAY, dt.date(2026, 11, 25), dt.date(2026, 11, 29))
MAJOR_DUES = (SUNDAY, dt.date(2026, 11, 25), dt.date(2026, 12, 22))

# rows 2–12 of the meeting: (title, category, lead, co, leader)
MORE_ROWS = [
    ("兴城镇农贸市场提质改造", "general", "XCZ", "", ""),
    ("县道冬季养护", "general", "县交通运输局", "", "王建国"),
    ("太公镇粮食收购进度督查", "major", "太公镇", "XCZ", ""),
    ("兴城镇燃气管道排查", "general", "xcz", "", ""),
    ("农村公路危桥改造", "major", "JTJ", "TGZ,XCZ", "王建国"),
    ("太公镇信访积案化解", "general", "TGZ", "", ""),
    ("兴城镇冬季供暖", "general", "XCZ", "JTJ", ""),
    ("城乡公交线路调整", "general", "JTJ", "", ""),
    ("太公镇集镇环境整治", "general", "TGZ", "", "王建国"),
    ("兴城镇老旧小区加装电梯", "major", "XCZ", "", ""),
    ("太公镇安全生产检查", "general", "TGZ", "JTJ", ""),
]


def make_context(db_path: Path, user_name: str = "admin", password: str = PASSWORD) -> AppContext:
    db = connect(db_path)
    try:
        office, user = self_office(db), sign_in(db, user_name, password)
    finally:
        db.conn.close()
    return AppContext(db_path, office, user)


@pytest.fixture
def page(show_page, db_path: Path) -> Iterator[WeeklyPage]:  # noqa: ANN001
    ctx = make_context(db_path)
    page = show_page(WeeklyPage, ctx, size=(1400, 700), wait=None)
    page.activateWindow()
    yield page
    ctx.close()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_text(text: str) -> None:
    """Type into whatever has the keyboard: keys for Latin text, an input method's commit for Chinese."""
    if text.isascii():
        for ch in text:      # one by one: the first key opens the cell's editor, which takes the rest
            QTest.keyClicks(focused(), ch)
        return
    QApplication.sendEvent(focused(), QInputMethodEvent(text, []))   # the pre-edit opens the cell's editor
    commit = QInputMethodEvent("", [])
    commit.setCommitString(text)
    QApplication.sendEvent(focused(), commit)


def tab() -> None:
    QTest.keyClick(focused(), Qt.Key.Key_Tab)


def fill_by_model(page: WeeklyPage, start: int, rows: list[tuple[str, str, str, str, str]]) -> None:
    """Rows typed cell by cell through the model (as the delegate commits them)."""
    model = page.model
    for offset, (title, category, lead, co, leader) in enumerate(rows):
        r = start + offset
        for key, value in (("title", title), ("category", category), ("lead", lead), ("co", co),
                           ("leader", leader)):
            if value:
                assert model.setData(model.index(r, COLUMN_OF[key]), value)


def cell(page: WeeklyPage, row: int, key: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> object:
    return page.model.index(row, COLUMN_OF[key]).data(role)


def counts(db_path: Path) -> tuple[int, int]:
    db = connect(db_path)
    try:
        return (db.execute("SELECT COUNT(*) FROM meeting").fetchone()[0],
                db.execute("SELECT COUNT(*) FROM task").fetchone()[0])
    finally:
        db.conn.close()


def test_a_weekly_meeting_of_12_items_typed_and_found_in_the_ledger(qtbot, page: WeeklyPage,  # noqa: ANN001
                                                                   db_path: Path) -> None:
    assert page.meeting_date() == dt.date(2026, 11, 29)     # the coming Sunday
    page.date_edit.setDate(QDate(2026, 11, 22))             # the meeting was last Sunday
    page.grid.setFocus()
    page.grid.setCurrentIndex(page.model.index(0, 0))

    # row 1, by keyboard only: title, category, lead (pinyin initials), co units, leader, content
    type_text("推进太公镇人居环境整治")
    tab()
    type_text("zd")                                         # 重大 (major)
    tab()
    type_text("tgz")
    lead_editor = focused()
    assert isinstance(lead_editor, PickerEdit) and lead_editor.suggestions()[0] == "太公镇"
    tab()
    type_text("xc")
    co_editor = focused()
    assert isinstance(co_editor, PickerEdit) and co_editor.suggestions()[0] == "兴城镇"
    type_text(",")                                          # picks 兴城镇 and starts the next name
    assert co_editor.text() == "兴城镇、"
    type_text("jiaotong")                                   # full pinyin: 县交通运输局
    assert co_editor.suggestions()[0] == "县交通运输局"
    tab()
    type_text("wjg")
    tab()
    type_text("年底前完成村庄清洁行动")
    tab()
    assert page.grid.currentIndex().row() == 1 and page.grid.currentIndex().column() == 0
    assert [cell(page, 0, k) for k in ("title", "lead", "co", "leader")] == [
        "推进太公镇人居环境整治", "太公镇", "兴城镇、县交通运输局", "王建国"]
    assert page.model.draft(0).category == "major"
    # the dues appear as the row is typed, computed by the core
    assert cell(page, 0, "completion") == format_due(dt.date(2026, 12, 22))
    assert page.model.check(0).dues.completion == dt.date(2026, 12, 22)  # type: ignore[union-attr]
    QTest.keyClick(focused(), Qt.Key.Key_Escape)

    fill_by_model(page, 1, MORE_ROWS)
    assert len(page.model.filled_rows()) == 12 and page.model.rowCount() == 13   # a blank row waits
    assert not page.model.has_problems() and page.problems.count() == 0

    with qtbot.waitSignal(page.ctx.changed, timeout=10_000), \
            qtbot.waitSignal(page.saved, timeout=10_000) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    numbers = saved.args[0].task_numbers
    assert numbers == tuple(f"2026-{n}" for n in range(10, 22))
    assert "2026-10 – 2026-21" in page.message.text()
    assert page.model.rowCount() == 1 and page.model.filled_rows() == []     # the grid is cleared

    reader = page.ctx.reader
    ids = ledger_ids(reader, LedgerFilter(date_from=SUNDAY, date_to=SUNDAY), as_of=T)
    rows = ledger_rows(reader, ids, as_of=T)
    leads = {r.task_no: r for r in rows if r.role == "lead"}
    assert sorted(leads, key=lambda n: int(n.split("-")[1])) == list(numbers)
    majors = {numbers[0]} | {numbers[i + 1] for i, r in enumerate(MORE_ROWS) if r[1] == "major"}
    for r in rows:
        expected = MAJOR_DUES if r.task_no in majors else GENERAL_DUES
        assert (r.assigned_on, r.claim_due, r.report_due, r.due) == (SUNDAY, *expected), r
    first = [r for r in rows if r.task_no == numbers[0]]
    assert {(r.unit_code, r.role) for r in first} == {("TGZ", "lead"), ("XCZ", "co"), ("JTJ", "co")}
    assert first[0].title == "推进太公镇人居环境整治" and first[0].leader == "王建国"
    assert len(rows) == 12 + 1 + 2 + 1 + 1 + 1 + 1   # 12 leads and 7 co assignments (row 1: 2)


def test_a_row_with_an_unknown_unit_blocks_the_save_until_fixed(qtbot, page: WeeklyPage,  # noqa: ANN001
                                                                db_path: Path) -> None:
    page.date_edit.setDate(QDate(2026, 11, 22))
    fill_by_model(page, 0, MORE_ROWS[:3])
    page.grid.setFocus()
    page.grid.setCurrentIndex(page.model.index(1, COLUMN_OF["lead"]))
    type_text("xyz")                     # matches nothing: stays as typed
    tab()
    assert cell(page, 1, "lead") == "xyz"
    before = counts(db_path)
    with qtbot.waitSignal(page.save_refused, timeout=5_000):
        page.save()
    assert counts(db_path) == before
    assert cell(page, 1, "lead", Qt.ItemDataRole.BackgroundRole).color() == PROBLEM_COLOR
    [problem] = page.model.check(1).problems  # type: ignore[union-attr]
    assert (problem.field, problem.kind) == ("lead", "unknown_unit") and "xyz" in problem.sentence
    assert cell(page, 1, "lead", Qt.ItemDataRole.ToolTipRole) == problem.sentence
    assert page.problems.count() == 1 and problem.sentence in page.problems.item(0).text()
    assert page.problems.item(0).data(CELL_ROLE) == (1, COLUMN_OF["lead"])
    assert page.message.text() == _("Nothing was saved: correct the problems listed (cells in red) and save again.")
    assert page.grid.currentIndex() == page.model.index(1, COLUMN_OF["lead"])   # the save went to the problem

    QTest.keyClick(focused(), Qt.Key.Key_F2)
    editor = focused()
    editor.selectAll()  # type: ignore[attr-defined]
    type_text("xingcheng")
    QTest.keyClick(focused(), Qt.Key.Key_Return)    # Enter keeps the highlighted 兴城镇 and moves on
    assert cell(page, 1, "lead") == "兴城镇" and page.problems.count() == 0
    with qtbot.waitSignal(page.saved, timeout=10_000):
        page.save()
    assert counts(db_path) == (before[0] + 1, before[1] + 3)


def test_a_meeting_date_beyond_next_week_is_shown_once_and_blocks(qtbot, page: WeeklyPage,  # noqa: ANN001
                                                                     db_path: Path) -> None:
    fill_by_model(page, 0, MORE_ROWS[:2])
    assert page.problems.count() == 0                  # the default, Sunday 11-29, is the coming meeting
    page.date_edit.setDate(QDate(2026, 12, 6))         # more than a week ahead
    listed = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert len(listed) == 1 and "2026-12-06" in listed[0]
    assert cell(page, 0, "title", Qt.ItemDataRole.BackgroundRole) is None
    before = counts(db_path)
    with qtbot.waitSignal(page.save_refused, timeout=5_000):
        page.save()
    assert counts(db_path) == before
    page.date_edit.setDate(QDate(2026, 11, 27))       # today: fine
    assert page.problems.count() == 0


def test_a_row_being_typed_is_not_red_until_left(page: WeeklyPage) -> None:
    model = page.model
    page.date_edit.setDate(QDate(2026, 11, 22))
    model.setData(model.index(0, COLUMN_OF["title"]), "只有标题")
    assert cell(page, 0, "lead", Qt.ItemDataRole.BackgroundRole) is None
    assert cell(page, 0, "claim") != ""                               # dues already shown
    page.grid.setCurrentIndex(model.index(0, 0))
    page.grid.setCurrentIndex(model.index(1, 0))                      # the clerk leaves the row
    assert cell(page, 0, "lead", Qt.ItemDataRole.BackgroundRole).color() == PROBLEM_COLOR


def test_enter_moves_like_tab_and_skips_the_due_columns(page: WeeklyPage) -> None:
    page.date_edit.setDate(QDate(2026, 11, 22))
    page.grid.setFocus()
    page.grid.setCurrentIndex(page.model.index(0, COLUMN_OF["content"]))
    type_text("内容")
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert page.grid.currentIndex() == page.model.index(1, 0)
    QTest.keyClick(focused(), Qt.Key.Key_Backtab)
    assert page.grid.currentIndex() == page.model.index(0, COLUMN_OF["content"])


def test_the_leader_cell_offers_the_leaders_in_charge_first(qtbot, page: WeeklyPage) -> None:  # noqa: ANN001
    with qtbot.waitSignal(page.ctx.changed, timeout=10_000):
        page.ctx.write(_add_leader, lambda r: None, pytest.fail)
    model = page.model
    model.setData(model.index(0, COLUMN_OF["lead"]), "TGZ")
    page.grid.setFocus()
    page.grid.setCurrentIndex(model.index(0, COLUMN_OF["leader"]))
    QTest.keyClick(page.grid, Qt.Key.Key_F2)
    editor = focused()
    assert isinstance(editor, PickerEdit)
    QTest.keyClick(editor, Qt.Key.Key_Down)               # the whole list, in-charge leaders first
    assert editor.suggestions()[0] == "王建国" and "李长林" in editor.suggestions()


def _add_leader(s):  # noqa: ANN001, ANN202
    from core.directory import add_leader
    from core.office import Changes

    add_leader(s, "李长林", "县委常委", ["XCZ"])
    return Changes(directory=True)


def test_a_new_unit_can_be_picked_after_a_directory_change(qtbot, page: WeeklyPage) -> None:  # noqa: ANN001
    model = page.model
    model.setData(model.index(0, COLUMN_OF["lead"]), "CAZ")
    assert cell(page, 0, "lead") == "CAZ"
    with qtbot.waitSignal(page.ctx.changed, timeout=10_000):
        page.ctx.write(lambda s: (add_unit(s, "CAZ", "长安镇", "township"), _changes_directory())[1],
                       lambda r: None, pytest.fail)
    assert [e.name for e in model.units.match("zaz")] == ["长安镇"]
    model.setData(model.index(0, COLUMN_OF["lead"]), "caz")
    assert cell(page, 0, "lead") == "长安镇"


def _changes_directory():  # noqa: ANN202
    from core.office import Changes

    return Changes(directory=True)


def test_a_viewer_sees_the_grid_read_only(qtbot, db_path: Path) -> None:  # noqa: ANN001
    s = open_session(db_path, "admin", PASSWORD, T)
    try:
        add_user(s, "reader", "viewer", PASSWORD)
    finally:
        s.db.conn.close()
    ctx = make_context(db_path, "reader")
    try:
        page = WeeklyPage(ctx)
        qtbot.addWidget(page)
        page.show()
        qtbot.waitExposed(page)
        assert not page.save_button.isEnabled() and not page.clear_button.isEnabled()
        assert page.readonly_notice.isVisible()
        index = page.model.index(0, 0)
        assert not page.model.flags(index) & Qt.ItemFlag.ItemIsEditable
        assert not page.model.setData(index, "不能写")
        page.grid.setFocus()
        page.grid.setCurrentIndex(index)
        QTest.keyClicks(page.grid, "abc")
        assert page.grid.state() != page.grid.State.EditingState
        before = counts(db_path)
        page.save()
        assert counts(db_path) == before
    finally:
        ctx.close()


def test_the_grid_model_passes_the_model_tester(qtmodeltester, page: WeeklyPage) -> None:  # noqa: ANN001
    page.date_edit.setDate(QDate(2026, 11, 22))
    fill_by_model(page, 0, MORE_ROWS[:4] + [("坏的", "general", "nowhere", "TGZ,TGZ", "无此人")])
    page.model.reveal_all()
    qtmodeltester.check(page.model)


def test_the_refusal_line_goes_when_the_problem_is_fixed(qtbot, page: WeeklyPage) -> None:  # noqa: ANN001
    page.date_edit.setDate(QDate(2026, 11, 22))
    fill_by_model(page, 0, MORE_ROWS[:2])
    assert page.model.setData(page.model.index(1, COLUMN_OF["lead"]), "xyz")
    with qtbot.waitSignal(page.save_refused, timeout=5_000):
        page.save()
    assert page.message.text() == _("Nothing was saved: correct the problems listed (cells in red) and save again.")
    assert page.model.setData(page.model.index(1, COLUMN_OF["lead"]), "XCZ")   # fixed: the line goes
    assert page.message.text() == "" and page.problems.count() == 0


def test_a_second_meeting_on_the_day_asks_and_adds_to_the_first(qtbot, page: WeeklyPage,  # noqa: ANN001
                                                                 db_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    page.date_edit.setDate(QDate(2026, 11, 22))
    assert page.title_edit.placeholderText() == _("Weekly meeting {n} of {year}").format(n=1, year=2026)
    fill_by_model(page, 0, MORE_ROWS[:1])
    with qtbot.waitSignal(page.saved, timeout=10_000) as first:
        page.save()
    assert first.args[0].meeting.title == _("Weekly meeting {n} of {year}").format(n=1, year=2026)
    asked: list[str] = []

    def answer(choice: str | None):  # noqa: ANN202
        def ask(parent: QWidget, meeting: object) -> str | None:
            asked.append(meeting.title)  # type: ignore[attr-defined]
            return choice
        return ask

    fill_by_model(page, 0, MORE_ROWS[1:2])
    before = counts(db_path)
    monkeypatch.setattr(WeeklyPage, "ask_existing", classmethod(lambda cls, p, m: answer(None)(p, m)))
    page.save()                                        # cancelled: nothing written, the grid kept
    assert asked == [first.args[0].meeting.title] and counts(db_path) == before
    assert len(page.model.filled_rows()) == 1
    monkeypatch.setattr(WeeklyPage, "ask_existing", classmethod(lambda cls, p, m: answer("add")(p, m)))
    with qtbot.waitSignal(page.saved, timeout=10_000) as second:
        page.save()
    assert second.args[0].meeting == first.args[0].meeting and counts(db_path) == (before[0], before[1] + 1)
    fill_by_model(page, 0, MORE_ROWS[2:3])
    monkeypatch.setattr(WeeklyPage, "ask_existing", classmethod(lambda cls, p, m: answer("new")(p, m)))
    with qtbot.waitSignal(page.saved, timeout=10_000) as third:
        page.save()
    assert third.args[0].meeting.id != first.args[0].meeting.id
    assert third.args[0].meeting.title == _("Weekly meeting {n} of {year}").format(n=2, year=2026)
