"""`enroll …`, `bundle …` and `sync status`: carrying the loop between offices (docs/sync.md).

Contract: `add_parsers(cmds, sub)` adds the commands; `HANDLERS` maps each to
`handler(session, args) -> exit code`; `cmd_init_unit(path, args)` serves
`init --from-enrollment`, which has no session yet.

    enroll export --unit C --out DIR [--sheet FILE.pdf] [--json]  (hub)
    init --from-enrollment FILE --admin NAME                       (unit; code from CLOSELOOP_ENROLL_CODE)
    bundle export --to C|all --out DIR [--snapshot] [--json]
    bundle import FILE [--dry-run] [--json]
    bundle verify FILE [--json]
    sync status [--json]
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from core.cli import terminal as out
from core.cli.auth import new_password
from core.errors import UsageError
from core.i18n import _
from core.office import Session


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    from core.cli.cli_parser import CliParser

    enroll = sub(cmds, "enroll", _("enroll a unit office (hub)")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = sub(enroll, "export", _("write a unit office's enrollment file and print its one-time code"))
    c.add_argument("--unit", required=True)
    c.add_argument("--out", required=True, metavar="DIR")
    c.add_argument("--sheet", metavar="FILE.pdf")
    c.add_argument("--json", action="store_true")

    bundle = sub(cmds, "bundle", _("bundles carried on a USB stick between offices")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = sub(bundle, "export", _("write a bundle of what another office has not received yet"))
    c.add_argument("--to", required=True, metavar="CODE|all")
    c.add_argument("--out", required=True, metavar="DIR")
    c.add_argument("--snapshot", action="store_true")
    c.add_argument("--json", action="store_true")
    c = sub(bundle, "import", _("check a bundle and apply what it carries"))
    c.add_argument("file", metavar="FILE")
    c.add_argument("--dry-run", dest="dry_run", action="store_true")
    c.add_argument("--json", action="store_true")
    c = sub(bundle, "verify", _("check a bundle without importing it"))
    c.add_argument("file", metavar="FILE")
    c.add_argument("--json", action="store_true")

    status = sub(cmds, "sync", _("what each office has received, the outbox and held bundles")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = sub(status, "status", _("show the sync state"))
    c.add_argument("--json", action="store_true")


def enrollment_code() -> str:
    value = os.environ.get("CLOSELOOP_ENROLL_CODE")
    if value is not None:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(_("No enrollment code given: set CLOSELOOP_ENROLL_CODE or run the command in a terminal "
                           "to type the code from the printed sheet."))
    return getpass.getpass(_("Enrollment code (from the printed sheet): "))


def cmd_init_unit(path: Path, a: argparse.Namespace) -> int:
    from core.sync.enroll import init_from_enrollment

    code = enrollment_code()
    session, fingerprint = init_from_enrollment(path, a.from_enrollment, admin=a.admin,
                                                password=new_password(a.admin), code=code)
    name = session.office.name
    session.db.conn.close()
    out.say(_("Unit office {name} created in {path}; administrator: {admin}.").format(
        name=name, path=path, admin=a.admin))
    out.say(_("County office key fingerprint: {fp} — compare it with the printed enrollment sheet; if they "
              "differ, do not use this database and call the county office.").format(fp=fingerprint))
    return 0


def _say_code(e) -> None:  # noqa: ANN001  (core.sync.enroll.Enrollment)
    out.say(_("One-time code: {code} (give it on paper, never on the stick; valid until {date})").format(
        code=e.code, date=e.expires_on.isoformat()))


def cmd_enroll(s: Session, a: argparse.Namespace) -> int:
    from core.reports.atomic_file import check_out
    from core.sync.enroll import enroll_export

    if a.sheet:
        check_out(a.sheet)
        if Path(a.sheet).resolve().parent == Path(a.out).resolve():
            raise UsageError(_("--sheet must not be written to the stick (--out): the code travels on paper only."))
    e = enroll_export(s, a.unit, Path(a.out))
    if a.sheet:
        from core.reports.enroll_sheet import render_enroll_sheet

        try:
            render_enroll_sheet(s.db, a.sheet, e, on=s.today)
        except Exception:
            _say_code(e)  # the enrollment is made: the clerk must still see its code
            raise
    if a.json:
        out.print_json({"file": str(e.path), "unit": e.unit_code, "code": e.code, "fingerprint": e.fingerprint,
                        "expires_on": e.expires_on.isoformat(), "sheet": a.sheet})
        return 0
    if a.sheet:
        out.say(_("Enrollment sheet printed to {path}; hand it over on paper.").format(path=a.sheet))
    out.say(_("Enrollment file for {unit} written: {path}").format(unit=e.unit_name, path=e.path))
    _say_code(e)
    out.say(_("County office key fingerprint: {fp}").format(fp=e.fingerprint))
    return 0


def cmd_bundle(s: Session, a: argparse.Namespace) -> int:
    from core.sync import exporter, importer

    if a.action == "export":
        if a.to == "all":
            made, skipped = exporter.export_all(s, Path(a.out))
        else:
            made, skipped = [exporter.export_bundle(s, exporter.find_peer(s.db.conn, a.to), Path(a.out),
                                                    snapshot=a.snapshot)], []
        if a.json:
            out.print_json({"written": [{"to": e.peer.code, "file": str(e.path), "size": e.size, "rows": e.counts,
                                         "evidence": e.evidence} for e in made],
                            "skipped": [{"to": p.code, "reason": why} for p, why in skipped]})
            return 0
        for e in made:
            out.say(_("Bundle for {office} written: {path} ({rows} rows, {files} evidence files); it was read back "
                      "and checked, the stick may be removed.").format(
                          office=e.peer.name, path=e.path, rows=sum(e.counts.values()), files=e.evidence))
        for peer, why in skipped:
            out.say(_("No bundle for {office}: {why}.").format(office=peer.name, why=why))
        return 0
    report = importer.import_bundle(s, Path(a.file), dry_run=getattr(a, "dry_run", False) or a.action == "verify")
    if a.json:
        out.print_json(report.to_json())
    else:
        for line in report.sentences():
            out.say(line)
    return 0


def cmd_sync(s: Session, a: argparse.Namespace) -> int:
    from core.sync.status import sync_status

    st = sync_status(s)
    if a.json:
        out.print_json(st)
        return 0
    for line in st["lines"]:
        out.say(line)
    return 0


HANDLERS = {"enroll": cmd_enroll, "bundle": cmd_bundle, "sync": cmd_sync}
__all__ = ["add_parsers", "HANDLERS", "cmd_init_unit"]
