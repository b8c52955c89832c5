"""CLI commands about the office database itself: init, demo, calendar, backup, restore."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from core import clock
from core.cli import output as out
from core.cli.auth import acting_password
from core.dates import check_year
from core.db.backup import backup_to, check_backup_file, restore_from
from core.db.connection import connect
from core.errors import Refusal, UsageError
from core.i18n import _, ngettext
from core.office import Session, init_office, open_session


def cmd_init(path: Path, a: argparse.Namespace) -> int:
    session = init_office(path, name=a.office, code=a.code, admin=a.admin, password=acting_password(a.admin),
                          role=a.role)
    session.db.conn.close()
    out.say(_("Hub office {name} ({code}) created in {path}; administrator: {admin}.").format(
        name=a.office, code=a.code, path=path, admin=a.admin))
    return 0


def cmd_demo(path: Path, a: argparse.Namespace) -> int:
    from core.demo import build_demo, is_demo_database

    today = dt.date.fromisoformat(a.today) if a.today and _is_iso(a.today) else None
    if a.today and today is None:
        raise UsageError(_("--today: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-08.")
                         .format(text=a.today))
    if not 1 <= a.scale <= 50:
        raise UsageError(_("--scale must be a whole number from 1 to 50."))
    if path.exists():
        if not a.force:
            raise Refusal(_("A database already exists at {path}; add --force to replace a demo database.")
                          .format(path=path))
        if not is_demo_database(path):
            raise Refusal(_("{path} holds a real office's data, not a demo; --force replaces only demo databases.")
                          .format(path=path))
    summary = build_demo(path, scale=a.scale, seed=a.seed, today=today or clock.today(), replace=a.force)
    out.say(summary)
    return 0


def _is_iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
        return len(text) == 10
    except ValueError:
        return False


def cmd_calendar(s: Session, a: argparse.Namespace) -> int:
    from core.rules import calendar

    if a.action == "show":
        check_year(a.year, what="calendar show")
        rows = s.db.execute("SELECT date, kind, name, source FROM holiday WHERE date LIKE ? ORDER BY date",
                            [f"{a.year:04d}-%"]).fetchall()
        imported = s.db.execute("SELECT 1 FROM holiday_year WHERE year = ?", [a.year]).fetchone() is not None
        if a.json:
            out.print_json({"year": a.year, "imported": imported,
                            "days": [{"date": r[0], "kind": r[1], "name": r[2], "source": r[3]} for r in rows]})
            return 0
        if not imported:
            out.say(_("The holiday arrangements for {year} are not imported; deadlines that year count "
                      "weekends only.").format(year=a.year))
        kinds = {"rest": _("rest day"), "work": _("make-up workday")}
        out.print_table([_("Date"), _("Kind"), _("Holiday")], [(r[0], kinds[r[1]], r[2]) for r in rows])
        return 0
    path = Path(a.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(_("Cannot read {path}: {detail}.").format(path=path, detail=err)) from err
    preview = calendar.parse_notice(text)
    from core.settings_ops import import_notice, preview_notice

    plan = preview_notice(s.db, preview)
    for line in preview.describe() + plan.describe():
        out.say(line)
    if not a.yes:
        if not (sys.stdin and sys.stdin.isatty()):
            out.say(_("Nothing saved; run again with --yes to save this arrangement."))
            return 0
        if input(_("Save this arrangement? [y/N] ")).strip().lower() not in ("y", "yes", "是"):
            out.say(_("Nothing saved."))
            return 0
    saved = import_notice(s, preview, f"{preview.title}（{path.name}）", expected=plan.changes)
    written, recomputed = saved.written, saved.recomputed
    out.say(ngettext("{year}: {n} days saved.", "{year}: {n} days saved.", written).format(
        year=preview.year, n=out.number(written)))
    out.say(ngettext("The deadlines of {m} assignment were recomputed.",
                     "The deadlines of {m} assignments were recomputed.", recomputed).format(m=out.number(recomputed)))
    return 0


def default_backup_path(db_path: Path) -> Path:
    """backups/<name>-YYYYmmdd-HHMMSS.db beside the database, with -2, -3… if taken."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_path.parent / "backups" / f"{db_path.stem}-{stamp}.db"
    n = 2
    while target.exists():
        target = target.with_name(f"{db_path.stem}-{stamp}-{n}.db")
        n += 1
    return target


def cmd_backup(s: Session, a: argparse.Namespace) -> int:
    target = Path(a.out) if a.out else default_backup_path(s.path)
    if target.exists():
        raise Refusal(_("{path} already exists; choose another --out.").format(path=target))
    backup_to(s.db, target)
    s.audit("backup", ref=str(target))
    out.say(_("Backed up to {path}.").format(path=target))
    return 0


def _opens(path: Path) -> bool:
    """Whether the database at `path` opens and passes SQLite's quick check (never creates it)."""
    if not path.is_file():
        return False
    try:
        db = connect(path)
        try:
            return db.execute("PRAGMA quick_check").fetchone()[0] == "ok" and "office" in db.table_names()
        finally:
            db.conn.close()
    except Exception:
        return False


def cmd_restore(db_path: Path, user: str, a: argparse.Namespace) -> int:
    """Restore: an administrator of the current database (or, if it cannot open, of the backup)."""
    source = Path(a.file)
    check_backup_file(source)
    if db_path.is_dir():
        raise Refusal(_("{path} is a folder, not a Closeloop database; give the database file.").format(path=db_path))
    password = acting_password(user)
    session: Session | None = None
    safety: Path | None
    if _opens(db_path):
        session = open_session(db_path, user, password)
    else:  # the current file is damaged or missing: an administrator of the backup may restore it
        probe = connect(source)
        try:
            from core.auth import sign_in

            if sign_in(probe, user, password).role != "admin":
                raise Refusal(_("Only an administrator may restore a backup."))
        finally:
            probe.conn.close()
    if session is not None:
        try:
            session.require_write(admin=True)
            safety = backup_to(session.db, default_backup_path(db_path).with_name(
                f"{db_path.stem}-before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}.db"))
            restore_from(session.db, source)
        finally:
            session.db.conn.close()
    else:
        stamp = f"{dt.datetime.now():%Y%m%d-%H%M%S}"
        safety = db_path.with_name(db_path.name + f".damaged-{stamp}") if db_path.exists() else None
        if safety is not None:
            os.replace(db_path, safety)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):  # never let an old journal replay into the restored file
            side = Path(str(db_path) + suffix)
            if side.exists():
                os.replace(side, Path(f"{db_path}.damaged-{stamp}{suffix}"))
        db = connect(db_path)
        try:
            restore_from(db, source)
        finally:
            db.conn.close()
    session = open_session(db_path, user, password)
    try:
        with session.db.atomic():
            session.audit("restore", ref=str(source), previous=str(safety) if safety else None)
    finally:
        session.db.conn.close()
    if safety is None:
        out.say(_("Restored from {source}; there was no database at {path} before.").format(
            source=source, path=db_path))
    else:
        out.say(_("Restored from {source}; the previous content was kept in {safety}.").format(
            source=source, safety=safety))
    return 0
