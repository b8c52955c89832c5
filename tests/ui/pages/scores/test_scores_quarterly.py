"""The quarterly assessment page (季考核): totals, bonuses and rewards per kind equal the core's; entries; publishing.

Database: tests/ui/_scores_helpers.py (as of 2026-11-27; the page opens on 2026-Q3).
"""
# ruff: noqa: F811  (the fixtures imported from _scores_helpers are parameters here)
from __future__ import annotations

from pathlib import Path

import pytest
from _scores_helpers import (  # noqa: F401  (fixtures)
    core_scores,
    ctx,
    expected_scores,
    open_page,
    rows,
    scores_db,
    scores_template,
    shown_scores,
)
from PySide6.QtCore import Qt

from core.i18n import _
from ui.pages.scores.publish_dialogs import PublishDialog
from ui.pages.scores.quarterly import QuarterlyPage
from ui.pages.scores.ranking_model import QUARTER_COLUMNS
from ui.shell.context import AppContext


@pytest.fixture
def page(qtbot, ctx: AppContext) -> QuarterlyPage:  # noqa: ANN001
    return open_page(qtbot, QuarterlyPage, ctx)


def test_quarter_scores_equal_the_core(page: QuarterlyPage, scores_db: Path, qtmodeltester) -> None:  # noqa: ANN001
    assert page.period == "2026-Q3"
    expected = core_scores(scores_db, "2026-Q3")
    assert shown_scores(page) == expected_scores(expected)
    tgz = next(s for s in expected if s.unit == "TGZ")
    assert tgz.bonus == 5.0 and tgz.months == [100.0, 99.5, 100.0] and tgz.score == 304.5  # 2 + 3, the cap
    model = page.sections["township"].model
    columns = [key for key, _label in QUARTER_COLUMNS]
    row = model.row_of("TGZ")
    assert model.index(row, columns.index("bonus")).data() == "5"
    assert model.index(row, columns.index("m2")).data() == "99.5"
    assert model.index(row, columns.index("reward")).data() == _("Reward")
    assert model.headerData(columns.index("m1"), Qt.Orientation.Horizontal) == "7月"
    for section in page.sections.values():
        qtmodeltester.check(section.model)


def test_unit_click_explains_the_quarter(qtbot, page: QuarterlyPage) -> None:  # noqa: ANN001
    page.show_unit("TGZ")
    lines = page.explanation.lines
    assert page.explanation.score is not None and page.explanation.score.unit == "TGZ"
    assert page.explanation.total() == pytest.approx(304.5)
    kinds = [line.kind for line in lines]
    assert kinds == ["month", "month", "month", "approving_instruction", "commendation"]  # 2 + 3: the cap exactly
    for section in page.sections.values():
        for row in range(section.model.rowCount()):
            section.table.setCurrentIndex(section.model.index(row, 1))
            assert page.explanation.total() == pytest.approx(page.explanation.score.score)


def test_entries_of_the_quarter_are_listed(page: QuarterlyPage) -> None:
    table = page.entries.table
    listed = [(table.item(r, 1).data(256), table.item(r, 3).text()) for r in range(table.rowCount())]
    assert listed == [("TGZ", "2"), ("TGZ", "3"), ("XCZ", "1")]
    assert not any(button.isHidden() for button in page.entries.buttons.values())


def test_publish_a_past_quarter(qtbot, page: QuarterlyPage, scores_db: Path) -> None:  # noqa: ANN001
    page.publish_button.click()
    dialog = page.dialog
    assert isinstance(dialog, PublishDialog)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        dialog.ok_button.click()
    assert rows(scores_db, "SELECT period, version FROM publication") == [("2026-Q3", 1)]
    assert shown_scores(page) == expected_scores(core_scores(scores_db, "2026-Q3"))
    assert page.reopen_button.isEnabled()


def test_publishing_the_quarter_under_way_is_refused(qtbot, page: QuarterlyPage, scores_db: Path) -> None:  # noqa: ANN001
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.period_combo.setCurrentIndex(page.period_combo.findData("2026-Q4"))
    page.publish_button.click()
    dialog = page.dialog
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisibleTo(dialog), timeout=5_000)
    assert "2026-Q4" in dialog.error_label.text() and "2027-01-01" in dialog.error_label.text()
    assert rows(scores_db, "SELECT COUNT(*) FROM publication") == [(0,)]


def test_add_buttons_open_the_entry_dialog(qtbot, page: QuarterlyPage, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import ui.score_entries

    opened: list[str] = []
    monkeypatch.setattr(ui.score_entries, "open_entry_dialog", lambda _ctx, parent, kind, unit_code=None:
                        opened.append(kind))
    for button in page.entries.buttons.values():
        button.click()
    assert opened == ["bonus", "criticism", "finding"]


def test_a_new_bonus_redraws_the_page(qtbot, page: QuarterlyPage, ctx: AppContext, scores_db: Path) -> None:  # noqa: ANN001
    import datetime as dt

    from core.scoring.store import add_bonus

    with qtbot.waitSignal(page.loaded, timeout=10_000):
        ctx.write(lambda s: add_bonus(s, "XCZ", "typical_speech", dt.date(2026, 9, 20), "经验交流发言"),
                  lambda _result: None, lambda exc: pytest.fail(str(exc)))
    assert page.entries.table.rowCount() == 4
    xcz = page.score_of("XCZ")
    assert xcz is not None and xcz.bonus == 2.0
    assert shown_scores(page) == expected_scores(core_scores(scores_db, "2026-Q3"))
