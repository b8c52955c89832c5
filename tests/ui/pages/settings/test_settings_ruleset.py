"""Settings → scoring rules (评分细则), driven as a hub clerk would.

The database is the small hub of tests/ui/conftest.py plus a clerk and a viewer
(tests/ui/_directory_settings_helpers.py), copied per test. Its overdue
assignments all fall in 2026-11: 2026-1/JTJ (co), 2026-4/XCZ, 2026-6/XCZ (late),
2026-8/TGZ; so a change of `overdue` moves every unit's score in 2026-11 and 2026-Q4.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from _directory_settings_helpers import hub_fixtures, read
from PySide6.QtCore import Qt

from core.rules.ruleset import RuleSet, parse_ruleset
from ui.pages.settings import ruleset as settings_ruleset
from ui.pages.settings.page import SettingsPage
from ui.pages.settings.ruleset import PERIOD_ROLE, RuleSetSection
from ui.shell.context import AppContext

template, hub, make_ctx = hub_fixtures("ruleset", office_folder=True)


@pytest.fixture
def confirmations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every confirmation the form asks for, answered yes."""
    asked: list[str] = []

    def confirm(parent, text: str) -> bool:  # noqa: ANN001
        asked.append(text)
        return True
    monkeypatch.setattr(settings_ruleset, "confirm_save", confirm)
    return asked


@pytest.fixture
def open_section(qtbot, make_ctx: Callable[[str], AppContext]) -> Callable[[str], RuleSetSection]:  # noqa: ANN001
    pages: list[SettingsPage] = []   # qtbot holds widgets weakly: keep each page alive for the test

    def open_as(user: str) -> RuleSetSection:
        ctx = make_ctx(user)
        with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
            page = SettingsPage(ctx)
        qtbot.addWidget(page)
        pages.append(page)
        page.resize(1100, 760)
        page.activate({"section": "scoring"})
        page.show()
        assert page.stack.currentWidget() is page.scoring
        return page.scoring
    return open_as


def versions(hub: Path) -> list[int]:
    return [int(r[0]) for r in read(hub, "SELECT version FROM ruleset ORDER BY version")]


def latest_rules(hub: Path) -> RuleSet:
    return parse_ruleset(str(read(hub, "SELECT body FROM ruleset ORDER BY version DESC LIMIT 1")[0][0]))


def affected(section: RuleSetSection) -> list[tuple[str, int, bool]]:
    return [tuple(section.affected.item(i).data(PERIOD_ROLE)) for i in range(section.affected.count())]


def set_overdue(qtbot, section: RuleSetSection, text: str) -> None:  # noqa: ANN001
    spin = section.fields.controls[("monthly", "overdue")]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def test_the_form_shows_every_rule_of_the_version_in_force(open_section) -> None:  # noqa: ANN001
    section = open_section("clerk")
    assert section.in_force == RuleSet()          # the template saved its deadlines only: scoring defaults
    assert section.form() == section.in_force
    assert "1" in section.version_label.text() and "admin" in section.version_label.text()
    assert len(section.fields.controls) == 20
    for control in section.fields.controls.values():
        assert control.accessibleName() and control.isEnabled()
    assert not section.save_button.isEnabled() and section.check_button.isEnabled()


def test_overdue_two_points_checked_then_saved_as_a_new_version(qtbot, open_section, hub: Path,  # noqa: ANN001
                                                                 confirmations: list[str]) -> None:
    section = open_section("clerk")
    before = versions(hub)
    set_overdue(qtbot, section, "2.00")
    assert section.fields.value("monthly", "overdue") == 2.0 and section.save_button.isEnabled()
    with qtbot.waitSignal(section.checked, timeout=20_000):
        qtbot.mouseClick(section.check_button, Qt.MouseButton.LeftButton)
    assert affected(section) == [("2026-11", 3, False), ("2026-Q4", 3, False)]
    assert section.affected.isVisible() and versions(hub) == before        # checking writes nothing
    with qtbot.waitSignal(section.saved, timeout=10_000) as saved, \
            qtbot.waitSignal(section.loaded, timeout=10_000):
        qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    assert len(confirmations) == 1
    assert saved.args == [before[-1] + 1] and versions(hub) == [*before, before[-1] + 1]
    assert latest_rules(hub).monthly.overdue == 2.0
    assert latest_rules(hub).monthly == RuleSet().monthly.__class__(overdue=2.0)
    assert str(before[-1] + 1) in section.version_label.text() and "clerk" in section.version_label.text()
    assert not section.save_button.isEnabled()
    assert read(hub, "SELECT action, ref FROM audit ORDER BY id DESC LIMIT 1") == [("rules_edit", str(saved.args[0]))]


def test_a_published_month_is_listed_as_staying_as_published(qtbot, open_section, hub: Path) -> None:  # noqa: ANN001
    from core.office import open_session
    from core.scoring.publish import publish

    s = open_session(hub, "clerk", "test-pass", today=dt.date(2026, 12, 1))   # November has ended
    try:
        publish(s, "2026-11")
    finally:
        s.db.conn.close()
    section = open_section("clerk")
    set_overdue(qtbot, section, "2.00")
    with qtbot.waitSignal(section.checked, timeout=20_000):
        section.check_button.click()
    # November stays frozen; the quarter takes November's published scores, so it does not move either
    assert affected(section) == [("2026-11", 3, True)]
    assert section.affected.item(0).text() != affected(section)[0][0]


def test_an_edit_after_a_check_clears_the_list(qtbot, open_section) -> None:  # noqa: ANN001
    section = open_section("clerk")
    set_overdue(qtbot, section, "2.00")
    with qtbot.waitSignal(section.checked, timeout=20_000):
        section.check_button.click()
    assert section.affected.count() == 2
    section.fields.controls[("monthly", "returned")].setValue(3.0)
    assert section.affected.isHidden() and section.affected.count() == 0 and section.message.isHidden()
    section.revert_button.click()
    assert section.form() == section.in_force and not section.save_button.isEnabled()


def test_a_refusal_shows_in_the_form_and_saves_nothing(qtbot, open_section, hub: Path,  # noqa: ANN001
                                                       confirmations: list[str]) -> None:
    from core.directory import set_user_role
    from core.office import open_session

    section = open_section("clerk")
    before = versions(hub)
    set_overdue(qtbot, section, "2.00")
    s = open_session(hub, "admin", "test-pass")      # meanwhile the administrator makes the clerk a viewer
    try:
        set_user_role(s, "clerk", "viewer")
    finally:
        s.db.conn.close()
    with qtbot.waitSignal(section.refused, timeout=10_000) as refused:
        section.save_button.click()
    assert section.message.isVisible() and section.message.text() == refused.args[0]
    assert versions(hub) == before and section.fields.value("monthly", "overdue") == 2.0
    assert section.save_button.isEnabled()                          # the edit is kept, to save later


def test_saving_asks_first_and_a_no_saves_nothing(qtbot, open_section, hub: Path,  # noqa: ANN001
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings_ruleset, "confirm_save", lambda parent, text: False)
    section = open_section("clerk")
    before = versions(hub)
    section.fields.controls[("ranking", "township_rewards")].setValue(4)
    section.save_button.click()
    assert versions(hub) == before and section.fields.value("ranking", "township_rewards") == 4


def test_values_out_of_range_cannot_be_entered(qtbot, open_section) -> None:  # noqa: ANN001
    section = open_section("clerk")
    controls = section.fields.controls
    controls[("monthly", "co_weight")].setValue(1.5)
    controls[("monthly", "panel_weight")].setValue(-0.2)
    controls[("monthly", "late_claim")].setValue(-1)
    controls[("ranking", "department_rewards")].setValue(-3)
    rules = section.form()
    assert (rules.monthly.co_weight, rules.monthly.panel_weight, rules.monthly.late_claim,
            rules.ranking.department_rewards) == (1.0, 0.0, 0.0, 0)
    assert isinstance(rules.ranking.township_rewards, int)
    combine = controls[("quarterly", "combine")]
    ties = controls[("ranking", "ties")]
    assert [combine.itemData(i) for i in range(combine.count())] == ["sum", "mean"]
    assert [ties.itemData(i) for i in range(ties.count())] == ["shared", "break"]
    set_overdue(qtbot, section, "-5")                               # the minus sign is not taken
    assert section.fields.value("monthly", "overdue") >= 0


def test_an_invalid_file_shows_the_line_and_key_and_changes_nothing(qtbot, open_section, hub: Path,  # noqa: ANN001
                                                                    tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    section = open_section("clerk")
    before, shown = versions(hub), section.form()
    bad = tmp_path / "细则.toml"
    bad.write_text("[monthly]\nbase = 100\nco_weight = 1.5\n", encoding="utf-8")
    monkeypatch.setattr(settings_ruleset, "choose_import_file", lambda parent: str(bad))
    with qtbot.waitSignal(section.refused, timeout=5_000) as refused:
        section.import_button.click()
    sentence = refused.args[0]
    assert "3" in sentence and "monthly.co_weight" in sentence and "1.5" in sentence
    assert section.message.isVisible() and section.message.text() == sentence
    assert section.form() == shown and not section.save_button.isEnabled()
    assert versions(hub) == before


def test_a_valid_file_fills_the_form_and_is_saved_with_its_deadlines(qtbot, open_section, hub: Path,  # noqa: ANN001
                                                                      tmp_path: Path, confirmations: list[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    section = open_section("clerk")
    before = versions(hub)
    good = tmp_path / "rules.toml"
    good.write_text('[deadlines]\nreport = { days = 5, mode = "workdays" }\n[quarterly]\ncombine = "mean"\n'
                    '[ranking]\nties = "break"\ntownship_rewards = 2\n', encoding="utf-8")
    monkeypatch.setattr(settings_ruleset, "choose_import_file", lambda parent: str(good))
    section.import_button.click()
    assert section.fields.value("quarterly", "combine") == "mean"
    assert section.fields.value("ranking", "ties") == "break"
    assert section.fields.value("ranking", "township_rewards") == 2
    assert versions(hub) == before and section.save_button.isEnabled()   # read, not yet saved
    with qtbot.waitSignal(section.saved, timeout=10_000):
        section.save_button.click()
    saved = latest_rules(hub)
    assert (saved.quarterly.combine, saved.ranking.ties, saved.ranking.township_rewards) == ("mean", "break", 2)
    assert (saved.deadlines.report.days, saved.deadlines.report.mode) == (5, "workdays")


def test_export_writes_the_forms_rules_as_toml(qtbot, open_section, tmp_path: Path,  # noqa: ANN001
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    section = open_section("viewer")                               # a viewer may export
    target = tmp_path / "导出.toml"
    monkeypatch.setattr(settings_ruleset, "choose_export_file", lambda parent, name: str(target))
    section.export_button.click()
    assert parse_ruleset(target.read_text(encoding="utf-8")) == section.form()
    assert not section.message.styleSheet().endswith("#c62828;")
    monkeypatch.setattr(settings_ruleset, "choose_export_file", lambda parent, name: str(tmp_path / "no" / "x.toml"))
    with qtbot.waitSignal(section.refused, timeout=5_000):
        section.export_button.click()
    assert not (tmp_path / "no").exists()


def test_a_viewer_reads_the_rules_but_changes_nothing(open_section) -> None:  # noqa: ANN001
    section = open_section("viewer")
    assert not any(c.isEnabled() for c in section.fields.controls.values())
    assert section.save_button.isHidden() and section.import_button.isHidden()
    assert section.check_button.isVisible() and section.export_button.isVisible()


def test_the_section_renders(qtbot, open_section, tmp_path: Path) -> None:  # noqa: ANN001
    section = open_section("clerk")
    set_overdue(qtbot, section, "2.00")
    with qtbot.waitSignal(section.checked, timeout=20_000):
        section.check_button.click()
    image = section.window().grab()
    assert not image.isNull()
    image.save(str(tmp_path / "scoring_rules.png"))
    if os.environ.get("CLOSELOOP_SHOTS"):
        image.save(os.path.join(os.environ["CLOSELOOP_SHOTS"], "scoring_rules.png"))
