"""Screenshots of every page and dialog, rendered offscreen: `python -m ui.shots [--db PATH] [--out DIR] [--size WxH]`.

Without --db it builds the demo database (core.demo.build, fixed day 2026-11-27) in a
temporary folder. It signs in as the demo's admin, opens the main window and
saves, into DIR: one PNG per page of ui.pages.PAGES whose module exists
(`<key>.png`; the pages of a unit office — 我的事项, 我的评分 — in a window on the demo's
township with the most open items, enrolled from a copy of the hub, as `init --from-enrollment`
makes it; before that every ended month and quarter of the demo's year is published, so 我的评分
shows published scores, and `unit_dashboard-explained.png` the published month with the most
lines), the ledger filtered to open items sorted by light
(`ledger-open.png`) and to red items of one township (`ledger-red.png`), the
sign-in dialog (`sign-in.png`, and `sign-in-wrong.png` after a wrong password),
the first-run dialog (`first-run.png`, `first-run-demo.png`, and `join.png`: joining as a unit
office with an enrollment file written from a copy of the hub for its first township, the
fingerprint shown), the About box
(`about.png`), each settings section (`settings-<section>.png`), the explanation
of a score (`monthly-explained.png`, `quarterly-explained.png`), the bonus dialog
(`entry-bonus.png`), the preview of a weekly list (`preview.png`), the 督查 page's other tabs
(`supervision-nails.png`, `-red`, `-actions`, `-people`) and its finding dialog
(`supervision-finding.png`), the sync page on
both sides of a stick, before and after a round, from a copy of the database and a
real township database enrolled from it (ui.shots_sync: `sync-hub.png`,
`sync-hub-report.png`, `sync-unit.png`, `sync-unit-report.png`) and the first page of
each official document at 100 dpi (`document-notice.png`, `document-urge.png`,
`document-monthly.png`, `document-quarterly.png`, `document-supervision.png`; core.reports.document_shots). A page counts as drawn when the database worker has no job left
and the event queue is empty (every page loads through the worker). By default
the shipped font is used so shots look the same on every machine
(--system-font to use the system's). `--size WxH` sets the window size (default
1280x800; `dev.py shots` makes one set at the minimum 995x617 and one at 1920x1080).
`--lang en` draws the windows and documents in English (the demo database is built in
Chinese first, as an office keeps its data; `dev.py shots --lang en` writes shots/en/<size>/). The offscreen platform is the default here
(this is a tool, not the app); set QT_QPA_PLATFORM to override. Exit code 0 on
success, 1 if a page could not be drawn.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.shell.context import AppContext

DEMO_DAY = dt.date(2026, 11, 27)
TIMEOUT_S = 60.0
SHOT_SIZE = (1280, 800)
DEMO_USER, DEMO_PASSWORD = "admin", "demo"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui.shots", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing database (default: a fresh demo database)")
    parser.add_argument("--out", type=Path, default=Path("shots"), help="output folder (default: shots/)")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the day the window shows (YYYY-MM-DD)")
    parser.add_argument("--user", default=DEMO_USER, help="who signs in (default: admin)")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="their password (default: demo)")
    parser.add_argument("--system-font", action="store_true", help="use the system's Chinese font if any")
    parser.add_argument("--size", type=_size, default=SHOT_SIZE, help="the window size WxH (default: 1280x800)")
    parser.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN",
                        help="the language of the windows and documents (default: zh_CN; the demo's data "
                             "is built in Chinese either way, as a county office keeps it)")
    return parser.parse_args(argv)


def _size(text: str) -> tuple[int, int]:
    """"995x617" → (995, 617)."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size WxH such as 995x617") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"{text!r}: width and height must be 200 to 8000 pixels")
    return width, height


def settle(ctx: AppContext | None, timeout_s: float = TIMEOUT_S) -> bool:
    """Run the event loop until the worker has no job left and no event is pending (True), or time out."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    quiet = 0
    while time.monotonic() < deadline:
        if ctx is not None and ctx.worker.pending:
            loop = QEventLoop()
            ctx.worker.idle.connect(loop.quit)
            QTimer.singleShot(200, loop.quit)
            loop.exec()
            ctx.worker.idle.disconnect(loop.quit)
            quiet = 0
            continue
        QApplication.processEvents()
        quiet += 1
        if quiet >= 3:  # a callback may queue the next query: look three times
            return True
    return False


def grab(widget: QWidget, target: Path) -> bool:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    ok = bool(widget.grab().save(str(target)))
    print(f"ui.shots: {'wrote' if ok else 'could not write'} {target}", file=sys.stdout if ok else sys.stderr)
    return ok


def enrolled_unit(hub: Path, folder: Path, user: str, password: str) -> AppContext:
    """A unit office as a township's clerk makes it: the township with the most open items, enrolled from a copy of `hub`
    (`enroll_export`, then `init_from_enrollment`, as `enroll export` and `init --from-enrollment` do),
    signed in as `user`; `hub` itself is never written."""
    import sqlite3

    from core.auth import sign_in
    from core.db.connection import connect
    from core.office import open_session, self_office
    from core.sync.enroll import enroll_export, init_from_enrollment
    from ui.shell.context import AppContext

    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "hub.db"
    src, dst = sqlite3.connect(hub), sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    session = open_session(copy, user, password)
    try:
        code = session.db.execute(
            "SELECT u.code FROM unit u JOIN assignment a ON a.unit_id = u.id JOIN assignment_status s "
            "ON s.assignment_id = a.id WHERE u.kind = 'township' AND u.active = 1 AND s.state IN "
            "('assigned', 'claimed', 'in_progress', 'submitted') GROUP BY u.id ORDER BY COUNT(*) DESC, u.id "
            "LIMIT 1").fetchone()[0]
        enrollment = enroll_export(session, code, folder)
    finally:
        session.db.conn.close()
    target = folder / "unit" / "office.db"
    unit, _fingerprint = init_from_enrollment(target, enrollment.path, admin=user, password=password,
                                              code=enrollment.code)
    unit.db.conn.close()
    db = connect(target)
    try:
        return AppContext(target, self_office(db), sign_in(db, user, password))
    finally:
        db.conn.close()


def publish_year_so_far(db_path: Path) -> None:
    """Publish every ended month and quarter of the demo's year, after the hub's shots: the unit's
    我的评分 then shows published scores (its months with deductions among them)."""
    from core.clock import today
    from core.office import open_session
    from core.scoring.periods import default_period, parse_period
    from core.scoring.publish import publish

    day = today()
    s = open_session(db_path, DEMO_USER, DEMO_PASSWORD)
    try:
        for quarterly in (False, True):
            p = parse_period(default_period(day, quarterly))
            while p.first.year == day.year:
                publish(s, p.key)
                p = p.previous()
    finally:
        s.db.conn.close()


def shoot_window(ctx: AppContext, font: Any, out: Path, skip: set[str], *, about: bool = False
                 ) -> tuple[set[str], bool]:
    """Save each page of a window on `ctx` not in `skip`; returns (keys shot, all fine)."""
    from core.work.ledger import LedgerFilter
    from ui.shell.main_window import MainWindow

    window = MainWindow(ctx, font=font)
    window.resize(*SHOT_SIZE)
    window.show()
    done: set[str] = set()
    ok = True
    try:
        for key in window.page_keys():
            if key in skip:
                continue
            page = window.show_page(key)
            if page is None or not settle(ctx):
                print(f"ui.shots: the page {key} could not be drawn", file=sys.stderr)
                ok = False
                continue
            ok = grab(window, out / f"{key}.png") and ok
            done.add(key)
            ok = _extra_shots(ctx, window, key, page, out) and ok
            if key == "ledger":
                for name, flt, sort in (("ledger-open", LedgerFilter(state="open"), ("light", False)),
                                        ("ledger-red", LedgerFilter(kind="township", light="red"), ("due", False))):
                    window.show_page("ledger", {"filter": flt, "sort": sort})
                    ok = settle(ctx) and grab(window, out / f"{name}.png") and ok
        if about:
            from ui.about import AboutDialog

            about = AboutDialog.present(window, ctx)
            settle(None)
            ok = grab(about, out / "about.png") and ok
            about.close()
            from PySide6.QtCore import Qt

            from ui.help_window import HelpWindow

            manual = HelpWindow.present(window)
            manual.resize(1040, 720)
            settle(None)
            ok = grab(manual, out / "manual.png") and ok
            chapters = manual.contents.topLevelItemCount()
            if chapters > 2:  # a section further down, reached from the contents list
                manual.contents.setCurrentItem(manual.contents.topLevelItem(2))
                manual.go_to(manual.contents.topLevelItem(2).data(0, Qt.ItemDataRole.UserRole))
                settle(None)
                ok = grab(manual, out / "manual-section.png") and ok
            manual.close()
    finally:
        window.close()
    return done, ok


def _extra_shots(ctx: AppContext, window: Any, key: str, page: Any, out: Path) -> bool:
    """The parts of a page a plain shot does not show: each settings section, the explanation
    of the lowest township's score, the bonus dialog, the preview of a weekly list, and the 督查
    page's other tabs with its finding dialog."""
    ok = True
    if key == "settings":
        from ui.pages.settings.page import SECTIONS

        for name, _title in SECTIONS[1:]:
            window.show_page("settings", {"section": name})
            ok = settle(ctx) and grab(window, out / f"settings-{name}.png") and ok
        window.show_page("settings", {"section": SECTIONS[0][0]})
    elif key in ("monthly", "quarterly"):
        scores = [s for s in (page.score_of(code) for code in _township_codes(ctx)) if s is not None]
        if scores:
            page.show_unit(min(scores, key=lambda s: s.score).unit)
            ok = settle(ctx) and grab(window, out / f"{key}-explained.png") and ok
        if key == "quarterly":
            from ui.score_entries import open_entry_dialog

            dialog = open_entry_dialog(ctx, window, "bonus")
            settle(None)
            ok = grab(dialog, out / "entry-bonus.png") and ok
            dialog.reject()
    elif key == "weekly":
        ok = _shoot_preview(ctx, window, out) and ok
    elif key == "supervision":
        for index, name in ((1, "nails"), (2, "red"), (3, "actions"), (4, "people")):
            page.tabs.setCurrentIndex(index)
            if name == "people" and page.people.rowCount():
                page.people.selectRow(0)
            ok = settle(ctx) and grab(window, out / f"supervision-{name}.png") and ok
        page.tabs.setCurrentIndex(0)
        dialog = page.open_finding()
        if dialog is not None:
            settle(None)
            ok = grab(dialog, out / "supervision-finding.png") and ok
            dialog.reject()
    elif key == "unit_dashboard" and page.data is not None and page.data.published:
        most = max(page.data.published, key=lambda p: (not p.is_quarter, len(p.lines)))
        page.period_combo.setCurrentIndex(page.period_combo.findData(most.period))
        ok = settle(ctx) and grab(window, out / "unit_dashboard-explained.png") and ok
    return ok


def _township_codes(ctx: AppContext) -> list[str]:
    from core.directory import list_units

    return [u.code for u in list_units(ctx.reader) if u.kind == "township" and u.active]


def _shoot_preview(ctx: AppContext, window: Any, out: Path) -> bool:
    """The preview window on the weekly list of the demo's latest meeting."""
    from core.reports.weekly_list import render_weekly_list
    from ui.printing.preview import PreviewWindow

    row = ctx.reader.execute("SELECT MAX(id) FROM meeting").fetchone()
    if not row or row[0] is None:
        return True
    folder = Path(tempfile.mkdtemp(prefix="closeloop-shot-"))
    pdf = folder / "weekly.pdf"
    render_weekly_list(ctx.reader, pdf, int(row[0]))
    preview = PreviewWindow(pdf, folder, "weekly", window)
    preview.resize(*SHOT_SIZE)
    preview.show()
    from PySide6.QtTest import QTest

    QTest.qWait(1500)  # QPdfView renders its pages on threads of its own
    ok = grab(preview, out / "preview.png")
    preview.close()
    return ok


def shoot_dialogs(ctx: AppContext, out: Path, folder: Path) -> bool:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from core.auth import list_users, sign_in
    from ui.first_run import FirstRunDialog
    from ui.sign_in import SignInDialog

    db = ctx.reader
    dialog = SignInDialog(ctx.office, [u for u in list_users(db) if u.active], lambda n, p: sign_in(db, n, p),
                          note=_demo_note())
    dialog.show()
    settle(None)
    ok = grab(dialog, out / "sign-in.png")
    QTest.keyClicks(dialog.password, "wrong")
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    settle(None)
    ok = grab(dialog, out / "sign-in-wrong.png") and ok
    dialog.close()

    first = FirstRunDialog(folder / "new" / "closeloop.db")
    first.show()
    settle(None)
    ok = grab(first, out / "first-run.png") and ok
    first.choose("demo")
    settle(None)
    ok = grab(first, out / "first-run-demo.png") and ok
    first.close()
    return _shoot_join(ctx, out, folder) and ok


def _shoot_join(ctx: AppContext, out: Path, folder: Path) -> bool:
    """The join form filled with a real enrollment file (from a copy of the hub: the hub itself is untouched)."""
    import sqlite3

    from core.db.connection import open_database
    from core.office import Session
    from core.sync.enroll import enroll_export
    from ui.first_run import FirstRunDialog

    copy = folder / "enroll-hub.db"
    plain = sqlite3.connect(copy)
    ctx.reader.conn.backup(plain)
    plain.close()
    target = open_database(copy)
    try:
        session = Session(target, copy, ctx.office, ctx.user, DEMO_DAY)
        enrollment = enroll_export(session, _township_codes(ctx)[0], folder)
    finally:
        target.conn.close()
    first = FirstRunDialog(folder / "town" / "closeloop.db")
    first.choose("unit")
    form = first.join_form
    form.file.setText(str(enrollment.path))
    form.code.setText(enrollment.code)
    form.password.setText(DEMO_PASSWORD)
    form.repeat.setText(DEMO_PASSWORD)
    first.show()
    form.peek_button.click()
    deadline = time.monotonic() + TIMEOUT_S
    while first.task is not None and time.monotonic() < deadline:
        settle(None, 1.0)
    settle(None)
    ok = form.panel.isVisible() and grab(first, out / "join.png")
    first.close()
    return ok


def _demo_note() -> str:
    from core.i18n import _

    return _("This is the demo county: sign in as {users} with the password {password}.").format(
        users="admin / clerk", password=DEMO_PASSWORD)


def main(argv: list[str] | None = None) -> int:
    global SHOT_SIZE
    args = _parse(argv)
    SHOT_SIZE = args.size
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="closeloop-shots-") as tmp:
        if args.db is None:
            day = args.today or DEMO_DAY
            os.environ["CLOSELOOP_TODAY"] = day.isoformat()
            from core.demo.build import build_demo

            db_path = Path(tmp) / "demo.db"
            build_demo(db_path, scale=1, seed=1, today=day)
        else:
            db_path = args.db
            if args.today:
                os.environ["CLOSELOOP_TODAY"] = args.today.isoformat()
        from core.i18n import set_language
        from core.reports.document_shots import document_shots

        os.environ["CLOSELOOP_LANG"] = args.lang  # prepare_app reads it too (before the stored choice)
        set_language(args.lang)

        args.out.mkdir(parents=True, exist_ok=True)
        if not args.system_font:
            os.environ["CLOSELOOP_FONTS"] = "shipped"   # the documents too look the same on every machine
        for png in document_shots(db_path, args.out, args.today or DEMO_DAY):
            print(f"ui.shots: {png.name}")
        from PySide6.QtCore import QSettings, QStandardPaths

        from core.auth import sign_in
        from core.db.connection import connect
        from ui.pages import PAGES
        from ui.shell.app import open_office, prepare_app
        from ui.shell.context import AppContext

        QStandardPaths.setTestModeEnabled(True)  # never read or write the user's settings
        app, font = prepare_app(force_bundled_font=not args.system_font)
        QSettings().clear()
        office = open_office(db_path)
        db = connect(db_path)
        try:
            user = sign_in(db, args.user, args.password)
        finally:
            db.conn.close()
        args.out.mkdir(parents=True, exist_ok=True)
        ctx = AppContext(db_path, office, user)  # the window closes it
        shot, ok = shoot_window(ctx, font, args.out, set(), about=True)
        if args.db is None:  # never write to the user's database
            publish_year_so_far(db_path)
        unit_ctx = enrolled_unit(db_path, Path(tmp) / "unit-office", args.user, args.password)
        unit_shot, unit_ok = shoot_window(unit_ctx, font, args.out, shot)
        dialogs_ctx = AppContext(db_path, office, user)
        try:
            ok = shoot_dialogs(dialogs_ctx, args.out, Path(tmp)) and ok and unit_ok
        finally:
            dialogs_ctx.close()
        from ui.shots_sync import shoot_sync

        ok = shoot_sync(db_path, args.user, args.password, font, args.out, Path(tmp) / "sync", sys.modules[__name__]) and ok
        from ui.shell.main_window import page_available

        missing = [p.key for p in PAGES if page_available(p) and p.key not in shot | unit_shot]
        if missing:
            print(f"ui.shots: pages not drawn: {', '.join(missing)}", file=sys.stderr)
            ok = False
        print(f"ui.shots: font {font.family}{' (shipped)' if font.bundled else ''}")
        del app
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
