"""The sync page's screenshots, on both sides of a real stick (ui.shots calls `shoot_sync`).

Contract: `shoot_sync(hub_db, user, password, font, out, folder, shots)` (`shots`: the
ui.shots module, handed in so this module does not import it back: its `settle`,
`grab` and `SHOT_SIZE`) copies the hub
database into `folder` (the given database is never changed), enrolls the demo's
first township from the copy (core.sync.enroll), makes the
township's REAL unit database from the enrollment file (`init_from_enrollment`,
its administrator signs in with `password`), records the township's claims and
reports on a few of its open items, and lets the township write its first bundle
into a folder that stands for the stick. Then it saves, into `out`:
`sync-hub.png` (the hub's page on the stick: the township's bundle in the inbox,
a second township just enrolled on screen with its code and fingerprint, the
units' table with that township red — never heard from),
`sync-hub-report.png` (after the hub's 同步: the import report and
"可以拔出U盘"), `sync-unit.png` (the township's page with the hub's bundle on the
stick) and `sync-unit-report.png` (after the township's round). Returns True when
every shot was drawn and saved. GUI thread; a QApplication exists.
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any


def _copy(src: Path, dst: Path) -> None:
    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _unit_work(session: Any) -> None:
    """The township's own actions on up to three of its open items: claims and progress reports."""
    from core.errors import ClerkError
    from core.work.actions import Action, record

    rows = session.db.execute(
        "SELECT t.task_no, s.state FROM assignment a JOIN task t ON t.id = a.task_id "
        "JOIN assignment_status s ON s.assignment_id = a.id WHERE a.unit_id = ? "
        "AND s.state IN ('assigned', 'claimed', 'in_progress') ORDER BY s.due LIMIT 3",
        [session.office.unit_id]).fetchall()
    for task_no, state in rows:
        ref = f"{task_no}/{session.office.code}"
        action = Action("claim", session.today) if state == "assigned" else Action(
            "report", session.today, text="已召开专题会部署，正在按计划推进，预计本周内完成现场整改。")
        try:
            record(session, ref, action)
        except ClerkError as err:
            print(f"ui.shots: {ref}: {err}", file=sys.stderr)


def _prepare(hub_db: Path, user: str, password: str, folder: Path) -> tuple[Path, Path, Path]:
    """(hub copy, the township's database, the stick), as the module contract says."""
    from core.directory import list_units
    from core.office import open_session
    from core.sync.enroll import enroll_export, init_from_enrollment
    from core.sync.round import sync_folder

    hub, stick, unit_db = folder / "sync-hub.db", folder / "stick", folder / "township" / "office.db"
    stick.mkdir(parents=True)
    unit_db.parent.mkdir(parents=True)
    _copy(hub_db, hub)
    s = open_session(hub, user, password)
    try:
        townships = [u for u in list_units(s.db) if u.kind == "township" and u.active]
        first = enroll_export(s, townships[0].code, stick)
    finally:
        s.db.conn.close()
    unit, _fingerprint = init_from_enrollment(unit_db, first.path, admin=user, password=password, code=first.code)
    try:
        _unit_work(unit)
        sync_folder(unit, stick)
    finally:
        unit.db.conn.close()
    first.path.unlink()  # the enrollment file went to the township
    return hub, unit_db, stick


def _page_shots(ctx: Any, font: Any, stick: Path, out: Path, name: str, shots: Any) -> bool:
    from ui.shell.main_window import MainWindow

    settle, grab = shots.settle, shots.grab
    window = MainWindow(ctx, font=font)
    window.resize(*shots.SHOT_SIZE)
    window.show()
    try:
        page = window.show_page("sync")
        if page is None:
            return False
        page.set_folder(stick)
        ok = settle(ctx)
        if page.hub_panel is not None:  # the hub enrolls a second township on screen: code and fingerprint shown
            from core.directory import list_units

            second = [u for u in list_units(ctx.reader) if u.kind == "township" and u.active][1]
            page.hub_panel.unit_edit.setText(second.name)
            page.hub_panel.start_enroll()
            ok = settle(ctx) and page.hub_panel.enrollment is not None and ok
        ok = ok and grab(window, out / f"{name}.png")
        page.start_round()
        ok = settle(ctx) and page.report is not None and grab(window, out / f"{name}-report.png") and ok
        return bool(ok)
    finally:
        window.close()


def shoot_sync(hub_db: Path, user: str, password: str, font: Any, out: Path, folder: Path, shots: Any) -> bool:
    """The four sync shots (see the module contract)."""
    from core.auth import sign_in
    from core.db.connection import connect
    from core.office import self_office
    from ui.shell.context import AppContext

    hub, unit_db, stick = _prepare(hub_db, user, password, folder)
    ok = True
    for path, name in ((hub, "sync-hub"), (unit_db, "sync-unit")):
        db = connect(path)
        try:
            office, signed = self_office(db), sign_in(db, user, password)
        finally:
            db.conn.close()
        ok = _page_shots(AppContext(path, office, signed), font, stick, out, name, shots) and ok  # the window closes it
    return ok
