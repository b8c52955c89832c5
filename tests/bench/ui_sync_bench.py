"""The sync page's benchmark for tests/bench/ui_run.py: one round with 20 records, click to "可以拔出U盘".

Contract:
- `prepare(db, folder, today)` (the parent, once): from a copy of the demo hub `db`,
  enrolls the township with the most open items, makes its REAL unit database
  from the enrollment file (administrator `admin`, password `demo`), records
  `RECORDS` of the township's own actions (claims, then progress reports) and
  keeps a copy of that database as it is before its round (`unit.db`); then the
  township's round writes its bundle for the hub into `stick/`. Returns
  `{"hub": (hub.db, stick/), "unit": (unit.db, empty/)}`: for each side, the
  database before its round and the folder that stands for the stick.
- `child(db, stick)` (a fresh process per run): copies both into a temporary
  folder, opens the app on the copy as ui_run's start-up does, shows the sync
  page on the stick, then clicks 同步 and times from the click to the
  "可以拔出U盘" label shown (the round's import, its bundle written, read back and
  checked). Prints `JSON {"ms": …, "imported": …, "written": …}`.
The hub's side imports the township's 20 records and writes its bundle back; the
township's side writes its 20 records for the hub.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

RECORDS = 20
PASSWORD = "demo"
REPORT = "已召开专题会部署，正在按计划推进，预计本周内完成现场整改。"


def _copy_db(src: Path, dst: Path) -> None:
    from tests._shared.db_copy import copy_database

    copy_database(src, dst)


def _record_twenty(session) -> int:  # noqa: ANN001  (core.office.Session)
    from core.errors import ClerkError
    from core.work.actions import Action, record

    done = 0
    for _pass in range(RECORDS):
        rows = session.db.execute(
            "SELECT t.task_no, s.state FROM assignment a JOIN task t ON t.id = a.task_id "
            "JOIN assignment_status s ON s.assignment_id = a.id WHERE a.unit_id = ? "
            "AND s.state IN ('assigned', 'claimed', 'in_progress') ORDER BY s.due",
            [session.office.unit_id]).fetchall()
        for task_no, state in rows:
            if done >= RECORDS:
                return done
            action = Action("claim", session.today) if state == "assigned" else Action(
                "report", session.today, text=REPORT)
            try:
                record(session, f"{task_no}/{session.office.code}", action)
                done += 1
            except ClerkError:
                continue
    return done


def prepare(db: Path, folder: Path, today: dt.date) -> dict[str, tuple[Path, Path]]:
    """The two sides' databases before their rounds, and their sticks (see the module contract)."""
    from core.office import open_session
    from core.sync.enroll import enroll_export, init_from_enrollment
    from core.sync.round import sync_folder

    hub, unit_db, unit_before = folder / "hub.db", folder / "township" / "office.db", folder / "unit.db"
    stick, empty, enroll_dir = folder / "stick", folder / "empty", folder / "enroll"
    for d in (stick, empty, enroll_dir, unit_db.parent):
        d.mkdir(parents=True)
    _copy_db(db, hub)
    s = open_session(hub, "admin", PASSWORD, today=today)
    try:
        code = s.db.execute(
            "SELECT u.code FROM unit u JOIN assignment a ON a.unit_id = u.id JOIN assignment_status s "
            "ON s.assignment_id = a.id WHERE u.kind = 'township' AND u.active AND s.state IN "
            "('assigned', 'claimed', 'in_progress') GROUP BY u.id ORDER BY count(*) DESC, u.code LIMIT 1"
        ).fetchone()[0]
        e = enroll_export(s, code, enroll_dir)
    finally:
        s.db.conn.close()
    unit, _fingerprint = init_from_enrollment(unit_db, e.path, admin="admin", password=PASSWORD, code=e.code,
                                              today=today)
    try:
        made = _record_twenty(unit)
    finally:
        unit.db.conn.close()
    if made < RECORDS:
        sys.exit(f"ui bench: the township recorded only {made} of {RECORDS} actions")
    _copy_db(unit_db, unit_before)
    unit = open_session(unit_db, "admin", PASSWORD, today=today)
    try:
        sync_folder(unit, stick)
    finally:
        unit.db.conn.close()
    return {"hub": (hub, stick), "unit": (unit_before, empty)}


def child(db: Path, stick: Path) -> None:
    """One timed round in this fresh process (see the module contract)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.shell import app as app_module
    from ui.shots import settle

    tmp = Path(tempfile.mkdtemp(prefix="closeloop-sync-bench-"))
    try:
        work, folder = tmp / "office.db", tmp / "stick"
        _copy_db(db, work)
        shutil.copytree(stick, folder)
        app, font = app_module.prepare_app()
        window = app_module.open_window(work, font)
        if isinstance(window, int):
            sys.exit(f"ui bench: the app did not open (exit {window})")
        window.resize(1280, 760)
        window.show()
        page = window.show_page("sync")
        page.set_folder(folder)  # type: ignore[union-attr]
        if not settle(window.ctx, 60):
            sys.exit("ui bench: the sync page did not load")
        start = time.perf_counter()
        QTest.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
        deadline = start + 60
        while not page.safe.isVisible() and time.perf_counter() < deadline:  # type: ignore[union-attr]
            QApplication.processEvents()
        ms = (time.perf_counter() - start) * 1000
        report = page.report  # type: ignore[union-attr]
        if not page.safe.isVisible() or report is None:  # type: ignore[union-attr]
            sys.exit(f"ui bench: the round did not end safe to remove: {page.report_box.toPlainText()}")  # type: ignore[union-attr]
        imported = sum(sum(r.applied.values()) for r in report.imports)
        print("JSON " + json.dumps({"ms": ms, "imported": imported, "written": len(report.written)}), flush=True)
        window.close()
        del app
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
