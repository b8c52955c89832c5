"""The hub's part of the sync page: enroll, export for all, units not heard from, revoke; a full round trip.

The hub is a copy of the shared small hub (tests/ui/conftest.py, units TGZ, XCZ,
JTJ); a tmp folder stands for the stick. Units join through the CLI in process
(`init --from-enrollment`), as their clerks would, in folders of their own.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _shared_fixtures import open_page, signed_in
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from test_sync_page import PASSWORD, cli

from core.i18n import _
from ui.pages.sync import SyncPage
from ui.pages.sync_hub import STALE_BACKGROUND
from ui.shell.context import AppContext

T = dt.date(2026, 11, 27)
REF = "2026-5/TGZ"


@pytest.fixture
def hub(db_path: Path) -> Iterator[AppContext]:
    ctx = signed_in(db_path, "admin", PASSWORD)
    yield ctx
    ctx.close()


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


def _page(qtbot, ctx: AppContext, stick: Path) -> SyncPage:  # noqa: ANN001
    page = open_page(qtbot, SyncPage, ctx, wait=None)
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.set_folder(stick)
    if page.hub_panel is not None:
        qtbot.waitUntil(lambda: page.ctx.worker.pending == 0, timeout=10_000)
    return page


def _join(monkeypatch, capsys, hub_db: Path, stick: Path, tmp_path: Path, unit: str) -> Path:  # noqa: ANN001
    """Enroll `unit` (CLI), make its database from the file, send its first bundle and import it at the hub."""
    enrolled = json.loads(cli(monkeypatch, capsys, hub_db, "enroll", "export", "--unit", unit, "--out", str(stick),
                              "--json"))
    unit_db = tmp_path / unit / "office.db"
    unit_db.parent.mkdir()
    cli(monkeypatch, capsys, unit_db, "init", "--from-enrollment", enrolled["file"], "--admin", "admin",
        env={"CLOSELOOP_ENROLL_CODE": enrolled["code"]})
    Path(enrolled["file"]).unlink()
    sent = json.loads(cli(monkeypatch, capsys, unit_db, "bundle", "export", "--to", "HUB", "--out", str(stick),
                          "--json"))
    cli(monkeypatch, capsys, hub_db, "bundle", "import", sent["written"][0]["file"])
    Path(sent["written"][0]["file"]).unlink()
    return unit_db


def _row(page: SyncPage, code: str) -> int:
    table = page.hub_panel.units_table
    return next(r for r in range(table.rowCount()) if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == code)


def _is_red(page: SyncPage, code: str) -> bool:
    item = page.hub_panel.units_table.item(_row(page, code), 0)
    return item.background().color() == QColor(STALE_BACKGROUND)


def test_the_panel_is_the_hubs_only(qtbot, hub, stick, monkeypatch, capsys, tmp_path) -> None:  # noqa: ANN001
    page = _page(qtbot, hub, stick)
    assert page.hub_panel is not None and page.hub_panel.enroll_button.isVisible()
    unit_db = _join(monkeypatch, capsys, hub.db_path, stick, tmp_path, "TGZ")
    unit = signed_in(unit_db, "admin", PASSWORD)
    try:
        assert _page(qtbot, unit, stick).hub_panel is None
    finally:
        unit.close()


def test_enroll_writes_the_file_and_shows_code_and_fingerprint(qtbot, hub, stick, monkeypatch,  # noqa: ANN001
                                                               capsys, tmp_path) -> None:  # noqa: ANN001
    from ui.printing.preview import open_windows

    page = _page(qtbot, hub, stick)
    panel = page.hub_panel
    qtbot.keyClicks(panel.unit_edit, "tgz")  # pinyin initials of 太公镇
    with qtbot.waitSignal(panel.enrolled, timeout=30_000) as got:
        qtbot.mouseClick(panel.enroll_button, Qt.MouseButton.LeftButton)
    e = got.args[0]
    assert e.unit_code == "TGZ" and e.path.parent == stick and e.path.is_file()
    assert list(stick.glob("*.closeloop")) == [e.path]
    assert e.code in panel.code_label.text() and e.fingerprint in panel.fingerprint_label.text()
    assert panel.code_label.isVisible() and panel.fingerprint_label.isVisible()
    assert e.code not in e.path.read_bytes().decode("latin-1")  # the code is not on the stick
    # the file and the code on the screen make the unit's database
    unit_db = tmp_path / "tgz" / "office.db"
    unit_db.parent.mkdir()
    out = cli(monkeypatch, capsys, unit_db, "init", "--from-enrollment", str(e.path), "--admin", "admin",
              env={"CLOSELOOP_ENROLL_CODE": e.code})
    assert e.fingerprint in out
    # the enrollment sheet is previewed, one page
    task = panel.print_sheet()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert task.outcome == "done" and open_windows() and open_windows()[-1].page_count == 1
    for window in open_windows():
        window.close()


def test_enroll_without_a_unit_is_refused_in_a_sentence(qtbot, hub, stick) -> None:  # noqa: ANN001
    panel = _page(qtbot, hub, stick).hub_panel
    panel.unit_edit.setText("无此单位")  # (QTest types Latin-1 only)
    with qtbot.waitSignal(panel.enrolled, timeout=10_000) as got:
        qtbot.mouseClick(panel.enroll_button, Qt.MouseButton.LeftButton)
    assert isinstance(got.args[0], str) and panel.enroll_error.isVisible()
    assert list(stick.iterdir()) == []


def test_export_all_writes_the_bundles_to_the_stick(qtbot, hub, stick, monkeypatch, capsys,  # noqa: ANN001
                                                    tmp_path) -> None:  # noqa: ANN001
    _join(monkeypatch, capsys, hub.db_path, stick, tmp_path, "TGZ")
    cli(monkeypatch, capsys, hub.db_path, "enroll", "export", "--unit", "XCZ", "--out", str(tmp_path))
    page = _page(qtbot, hub, stick)
    panel = page.hub_panel
    with qtbot.waitSignal(panel.exported, timeout=30_000) as got:
        qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
        assert panel.export_progress.isVisible() and not panel.export_button.isEnabled()
    made, skipped = got.args[0]
    assert [e.peer.code for e in made] == ["TGZ"] and [p.code for p, _why in skipped] == ["XCZ"]
    assert [p.name for p in stick.glob("*.closeloop")] == [made[0].path.name]
    text = panel.export_result.text()
    assert _("Bundle for {office} written: {file}.").format(office="太公镇", file=made[0].path.name) in text
    assert _("No bundle for {office}: {why}.").format(office="兴城镇", why=skipped[0][1]) in text
    assert not panel.export_progress.isVisible() and panel.export_button.isEnabled()


def test_export_all_without_a_stick_is_refused(qtbot, hub, tmp_path) -> None:  # noqa: ANN001
    panel = _page(qtbot, hub, tmp_path / "gone").hub_panel
    with qtbot.waitSignal(panel.exported, timeout=10_000) as got:
        qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert str(tmp_path / "gone") in got.args[0] and panel.export_error.isVisible()


def test_a_unit_not_synced_for_eight_days_is_red(qtbot, hub, stick, monkeypatch, capsys,  # noqa: ANN001
                                                 tmp_path) -> None:  # noqa: ANN001
    _join(monkeypatch, capsys, hub.db_path, stick, tmp_path, "TGZ")  # its bundle arrives on T
    cli(monkeypatch, capsys, hub.db_path, "enroll", "export", "--unit", "XCZ", "--out", str(tmp_path))
    monkeypatch.setenv("CLOSELOOP_TODAY", (T + dt.timedelta(days=6)).isoformat())
    page = _page(qtbot, hub, stick)
    table = page.hub_panel.units_table
    assert table.rowCount() == 2
    assert table.item(_row(page, "TGZ"), 2).text() == "6" and not _is_red(page, "TGZ")
    assert table.item(_row(page, "XCZ"), 1).text() == _("never") and _is_red(page, "XCZ")
    monkeypatch.setenv("CLOSELOOP_TODAY", (T + dt.timedelta(days=8)).isoformat())
    with qtbot.waitSignal(page.hub_panel.contacts_loaded, timeout=10_000):
        page.hub_panel.reload()
    assert table.item(_row(page, "TGZ"), 2).text() == "8" and _is_red(page, "TGZ")


def test_revoke_asks_for_a_reason_and_revokes(qtbot, hub, stick, monkeypatch, capsys,  # noqa: ANN001
                                              tmp_path) -> None:  # noqa: ANN001
    _join(monkeypatch, capsys, hub.db_path, stick, tmp_path, "TGZ")
    page = _page(qtbot, hub, stick)
    panel = page.hub_panel
    assert not panel.revoke_button.isEnabled()
    panel.units_table.selectRow(_row(page, "TGZ"))
    assert panel.revoke_button.isEnabled()
    qtbot.mouseClick(panel.revoke_button, Qt.MouseButton.LeftButton)
    from ui.pages.sync_revoke import RevokeDialog

    dialog = next(w for w in panel.children() if isinstance(w, RevokeDialog))
    assert dialog.isVisible() and "太公镇" in dialog.windowTitle()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no reason: refused, nothing changed
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert dialog.isVisible()
    keys = json.loads(cli(monkeypatch, capsys, hub.db_path, "keys", "show", "--json"))["keys"]
    assert [k["revoked_at"] for k in keys if k["office"] == "TGZ"] == [None]
    dialog.reason_edit.setText("U盘遗失")
    with qtbot.waitSignal(dialog.revoked, timeout=10_000) as got:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert got.args[0] == 1 and not dialog.isVisible()
    with qtbot.waitSignal(panel.contacts_loaded, timeout=10_000):
        pass
    assert panel.units_table.item(_row(page, "TGZ"), 3).text() == _("none valid")
    assert not panel.revoke_button.isEnabled()
    keys = json.loads(cli(monkeypatch, capsys, hub.db_path, "keys", "show", "--json"))["keys"]
    assert [k["revoked_reason"] for k in keys if k["office"] == "TGZ"] == ["U盘遗失"]


def test_a_viewer_sees_the_units_but_cannot_enroll_export_or_revoke(qtbot, db_path, stick, monkeypatch,  # noqa: ANN001
                                                                    capsys) -> None:  # noqa: ANN001
    cli(monkeypatch, capsys, db_path, "user", "add", "--name", "viewer", "--role", "viewer")
    viewer = signed_in(db_path, "viewer", PASSWORD)
    try:
        panel = _page(qtbot, viewer, stick).hub_panel
        assert panel.units_table.isVisible()
        for button in (panel.enroll_button, panel.export_button, panel.revoke_button, panel.print_button):
            assert not button.isVisible()
    finally:
        viewer.close()


def _round(qtbot, page: SyncPage) -> object:  # noqa: ANN001
    with qtbot.waitSignal(page.round_finished, timeout=60_000) as got:
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.ctx.worker.pending == 0, timeout=10_000)
    return got.args[0]


def test_the_sync_button_round_trip_hub_unit_hub_with_the_reports_words(qtbot, hub, stick, monkeypatch,  # noqa: ANN001
                                                                       capsys, tmp_path) -> None:  # noqa: ANN001
    unit_db = _join(monkeypatch, capsys, hub.db_path, stick, tmp_path, "TGZ")
    cli(monkeypatch, capsys, hub.db_path, "urge", REF, "--on", T.isoformat(), "--text", "请今日内签收")
    at_hub = _page(qtbot, hub, stick)
    first = _round(qtbot, at_hub)
    assert [e.peer.code for e in first.written] == ["TGZ"] and first.safe_to_remove and at_hub.safe.isVisible()
    for_unit = first.written[0].path

    unit = signed_in(unit_db, "admin", PASSWORD)
    try:
        at_unit = _page(qtbot, unit, stick)
        cli(monkeypatch, capsys, unit_db, "claim", REF, "--on", T.isoformat())
        back = _round(qtbot, at_unit)
        assert [(r.file, r.status) for r in back.imports] == [(for_unit.name, "applied")]
        text = at_unit.report_box.toPlainText()
        assert back.imports[0].sentences()[0] in text  # "Imported … : n rows applied."
        assert _("  applied: {n} × {what}").split("{")[0].strip() in text
        assert [e.peer.code for e in back.written] == ["HUB"] and at_unit.safe.isVisible()
        urged = json.loads(cli(monkeypatch, capsys, unit_db, "task", "show", REF, "--json"))
        assert "请今日内签收" in json.dumps(urged, ensure_ascii=False)  # the hub's urge reached the unit
    finally:
        unit.close()
    for_hub = back.written[0].path
    damaged = stick / "damaged.closeloop"
    data = bytearray(for_hub.read_bytes())
    data[-20] ^= 1
    damaged.write_bytes(bytes(data))

    again = _round(qtbot, at_hub)
    assert sorted((r.file, r.status) for r in again.imports) == [(for_hub.name, "applied")]
    assert [name for name, _why in again.refused] == ["damaged.closeloop"]
    text = at_hub.report_box.toPlainText()
    assert again.imports[0].sentences()[0] in text
    assert _("Refused {file}: {why}").format(file="damaged.closeloop", why=again.refused[0][1]) in text
    assert at_hub.safe.isVisible()
    shown = json.loads(cli(monkeypatch, capsys, hub.db_path, "task", "show", REF, "--json"))
    assert [a["state"] for a in shown["assignments"] if a["unit"] == "TGZ"] == ["claimed"]
    assert not _is_red(at_hub, "TGZ")  # it was just heard from
