"""The sync page on both sides of the stick: a unit's claim goes to the hub through a folder.

The hub is a copy of the shared small hub (tests/ui/conftest.py); 太公镇 (TGZ) joins it
through the CLI in process (`enroll export`, `init --from-enrollment`), as the
clerks would, and claims 2026-5/TGZ (not claimed at the hub). A tmp folder
stands for the stick. Each page's round runs on its context's worker; the test
waits for `round_finished`.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import open_page, signed_in
from PySide6.QtCore import Qt

from core.i18n import _
from ui.pages import sync as sync_module
from ui.pages import visible_pages
from ui.pages.sync import SyncPage
from ui.shell.context import AppContext

PASSWORD = "test-pass"
REF = "2026-5/TGZ"


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db: Path, *args: str,
        env: dict[str, str] | None = None) -> str:
    """`main.main(["--db", db, *args])` in process; returns stdout, requires exit code 0."""
    from main import main

    with monkeypatch.context() as mp:
        mp.setenv("CLOSELOOP_LANG", "en")
        mp.setenv("CLOSELOOP_PASSWORD", PASSWORD)
        mp.setenv("CLOSELOOP_NEW_PASSWORD", PASSWORD)
        for key, value in (env or {}).items():
            mp.setenv(key, value)
        capsys.readouterr()
        code = main(["--db", str(db), *args])
        out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.fixture
def offices(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[AppContext, AppContext, Path]]:
    """(hub context, TGZ's context, the stick): TGZ joined from the hub and claimed REF."""
    stick = tmp_path / "stick"
    stick.mkdir()
    enrolled = json.loads(cli(monkeypatch, capsys, db_path, "enroll", "export", "--unit", "TGZ",
                              "--out", str(stick), "--json"))
    unit_db = tmp_path / "tgz" / "office.db"
    unit_db.parent.mkdir()
    cli(monkeypatch, capsys, unit_db, "init", "--from-enrollment", enrolled["file"], "--admin", "admin",
        env={"CLOSELOOP_ENROLL_CODE": enrolled["code"]})
    Path(enrolled["file"]).unlink()  # the enrollment file went to the unit; the stick is clean again
    cli(monkeypatch, capsys, unit_db, "claim", REF, "--on", "2026-11-27")
    hub, unit = signed_in(db_path, "admin", PASSWORD), signed_in(unit_db, "admin", PASSWORD)
    yield hub, unit, stick
    hub.close()
    unit.close()


def _page(qtbot, ctx: AppContext, stick: Path) -> SyncPage:  # noqa: ANN001
    page = open_page(qtbot, SyncPage, ctx, wait=None)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_folder(stick)
    return page


def _sync(qtbot, page: SyncPage) -> object:  # noqa: ANN001
    with qtbot.waitSignal(page.round_finished, timeout=30_000) as got:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.ctx.worker.pending == 0, timeout=10_000)  # the lists read again
    return got.args[0]


def test_the_page_is_offered_to_both_roles(offices) -> None:  # noqa: ANN001
    hub, unit, _stick = offices
    assert "sync" in [p.key for p in visible_pages(hub)] and "sync" in [p.key for p in visible_pages(unit)]


def test_a_round_trip_through_the_stick(qtbot, offices, tmp_path: Path, monkeypatch,  # noqa: ANN001
                                       capsys) -> None:  # noqa: ANN001
    hub, unit, stick = offices
    before = json.loads(cli(monkeypatch, capsys, hub.db_path, "task", "show", REF, "--json"))
    assert [a["state"] for a in before["assignments"] if a["unit"] == "TGZ"] == ["assigned"]
    at_unit = _page(qtbot, unit, stick)
    assert at_unit.inbox_table.rowCount() == 0 and not at_unit.safe.isVisible()
    report = _sync(qtbot, at_unit)
    written = list(stick.glob("*.closeloop"))
    assert len(written) == 1 and report.safe_to_remove
    text = at_unit.report_box.toPlainText()
    assert _("Bundle for {office} written: {file}.").format(office="示例县委督查室", file=written[0].name) in text
    assert _("Every bundle was read back and checked: the stick may be removed.") in text
    assert at_unit.safe.isVisible() and at_unit.safe.text() == _("You may remove the stick.")
    assert at_unit.report_box.isReadOnly()
    assert at_unit.outbox_table.rowCount() == 1 and at_unit.outbox_table.item(0, 0).text() == "HUB"
    assert at_unit.inbox_table.rowCount() == 1 and at_unit.inbox_table.item(0, 1).text() == "HUB"
    assert at_unit.inbox_table.item(0, 2).text() == _("no")  # its own bundle, for the hub
    at_unit.grab().save(str(tmp_path / "sync-unit.png"))

    at_hub = _page(qtbot, hub, stick)
    row = next(r for r in range(at_hub.inbox_table.rowCount())
               if at_hub.inbox_table.item(r, 0).text() == written[0].name)
    assert at_hub.inbox_table.item(row, 2).text() == _("yes") and at_hub.inbox_table.item(row, 3).text() == _("no")
    report = _sync(qtbot, at_hub)
    assert [r.status for r in report.imports] == ["applied"] and report.safe_to_remove
    assert any(w.peer.code == "TGZ" for w in report.written)
    text = at_hub.report_box.toPlainText()
    assert report.imports[0].sentences()[0] in text and written[0].name in text
    assert at_hub.inbox_table.item(row, 3).text() == _("yes")  # imported now
    assert at_hub.safe.isVisible()
    at_hub.grab().save(str(tmp_path / "sync-hub.png"))
    shown = json.loads(cli(monkeypatch, capsys, hub.db_path, "task", "show", REF, "--json"))
    assert [a["state"] for a in shown["assignments"] if a["unit"] == "TGZ"] == ["claimed"]  # the claim arrived


def test_a_missing_folder_is_refused_in_a_sentence(qtbot, offices, tmp_path: Path) -> None:  # noqa: ANN001
    _hub, unit, _stick = offices
    page = _page(qtbot, unit, tmp_path / "gone")
    result = _sync(qtbot, page)
    assert isinstance(result, str) and str(tmp_path / "gone") in result
    assert page.error.isVisible() and page.error.text() == result and not page.safe.isVisible()
    assert page.sync_button.isEnabled()


def test_sticks_found_are_listed_and_refresh_keeps_the_chosen_folder(qtbot, offices, monkeypatch,  # noqa: ANN001
                                                                     tmp_path: Path) -> None:
    _hub, unit, stick = offices
    found = [(str(tmp_path / "media"), "KINGSTON")]
    monkeypatch.setattr(sync_module.sync_drives, "removable_drives", lambda: list(found))
    page = _page(qtbot, unit, stick)
    assert [page.drives.itemText(i) for i in range(page.drives.count())] == ["KINGSTON", str(stick)]
    assert page.folder() == stick
    found.clear()
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert [page.drives.itemText(i) for i in range(page.drives.count())] == [str(stick)]
    assert page.folder() == stick
    monkeypatch.setattr(sync_module, "choose_folder", lambda _parent: str(tmp_path))
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert page.folder() == tmp_path


def test_cancel_stops_the_round_before_anything_is_written(qtbot, offices) -> None:  # noqa: ANN001
    import threading

    _hub, unit, stick = offices
    page = _page(qtbot, unit, stick)
    gate = threading.Event()
    unit.query(lambda _db: gate.wait(10), lambda _r: None)  # the worker is busy until the gate opens
    with qtbot.waitSignal(page.round_finished, timeout=30_000) as got:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
        assert page.progress.isVisible() and page.cancel_button.isVisible() and not page.sync_button.isEnabled()
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
        gate.set()
    report = got.args[0]
    assert report.cancelled and not report.safe_to_remove and report.written == []
    assert list(stick.glob("*.closeloop")) == [] and not page.safe.isVisible()
    assert _("The round was cancelled; what was imported stays imported, nothing is half written.") in (
        page.report_box.toPlainText())
    assert page.sync_button.isEnabled() and not page.progress.isVisible()


def test_the_drives_are_polled_only_while_the_page_is_shown(qtbot, offices) -> None:  # noqa: ANN001
    _hub, unit, stick = offices
    page = _page(qtbot, unit, stick)
    assert page.timer.isActive()
    page.hide()
    assert not page.timer.isActive()
