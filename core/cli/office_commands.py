"""CLI commands about the office database itself: init, demo, calendar, backup, restore."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from core import clock
from core.cli import terminal as out
from core.cli.auth import acting_password
from core.dates import check_year
from core.errors import Refusal, UsageError
from core.format import number
from core.i18n import _, ngettext
from core.office import Session, init_office


def cmd_init(path: Path, a: argparse.Namespace) -> int:
    if a.from_enrollment:
        from core.cli.sync_commands import cmd_init_unit

        return cmd_init_unit(path, a)
    if a.role == "unit":
        raise Refusal(_("A unit office's database is made from the enrollment file the county office writes for "
                        "it: init --from-enrollment FILE --admin NAME."))
    if not (a.role and a.office and a.code):
        raise UsageError(_("init needs --role hub --office NAME --code CODE --admin NAME, or "
                           "--from-enrollment FILE --admin NAME for a unit office."))
    session = init_office(path, name=a.office, code=a.code, admin=a.admin, password=acting_password(a.admin),
                          role=a.role)
    session.db.conn.close()
    out.say(_("Hub office {name} ({code}) created in {path}; administrator: {admin}.").format(
        name=a.office, code=a.code, path=path, admin=a.admin))
    return 0


def cmd_demo(path: Path, a: argparse.Namespace) -> int:
    from core.demo.build import build_demo, is_demo_database

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
    from core.office_settings import import_notice, preview_notice

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
        year=preview.year, n=number(written)))
    out.say(ngettext("The deadlines of {m} assignment were recomputed.",
                     "The deadlines of {m} assignments were recomputed.", recomputed).format(m=number(recomputed)))
    return 0


def default_backup_path(db_path: Path) -> Path:
    """backups/<name>-YYYYmmdd-HHMMSS.clbak beside the database, with -2, -3… if taken."""
    from core.backup.format import unique_name

    return unique_name(db_path.parent / "backups", f"{db_path.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}")


def cmd_backup(s: Session, a: argparse.Namespace) -> int:
    """A backup by a clerk or administrator (core.backup_policy.back_up: the app's rule and file)."""
    from core.backup_policy import back_up

    target = back_up(s, Path(a.out) if a.out else default_backup_path(s.path))
    out.say(_("Backed up to {path}.").format(path=target))
    return 0


def cmd_restore(db_path: Path, user: str, a: argparse.Namespace) -> int:
    """Restore through core.backup.restore: the same checks, credentials and one-step swap as the app."""
    from core.backup.restore import restore

    source = Path(a.file)
    if db_path.is_dir():
        raise Refusal(_("{path} is a folder, not a Closeloop database; give the database file.").format(path=db_path))
    if not source.is_file():
        raise Refusal(_("The backup file {path} does not exist.").format(path=source))
    result = restore(db_path, source, user, acting_password(user))
    for line in result.sentences():
        out.say(line)
    return 0
