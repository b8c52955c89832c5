"""`report …`: the printed materials of docs/design.md §9 (issue 5).

Contract: `add_parsers(cmds, sub)` adds the commands to the CLI; `HANDLERS` maps
each command name to `handler(session, args) -> exit code`.

    report weekly --meeting ID --out F.pdf
    report notice REF --out F.pdf [--contact NAME] [--phone NUMBER]
    report urge REF --out F.pdf [--contact NAME] [--phone NUMBER]
    report monthly YYYY-MM --out F.pdf [--requirements FILE]
    report quarterly YYYY-Qn --out F.pdf
    report ledger [--unit C] [--leader N] [--state S] [--light L] [--search T] [--as-of D] [--sort K]
                  [--limit N] --out F.pdf
    report unit C [--as-of D] --out F.pdf
    report supervision --from D --to D --out F.pdf

Each prints one line: the file written and its pages. `--out` is checked first
(its folder must exist and it must not be a folder); a refusal leaves no file.
`--contact` and `--phone` are kept in the printed-materials settings before the notice
is printed (asked for once); while either is unset a notice is refused with the sentence
that says how to set them. The ledger's filters are those of `task list` (core.cli.cli_parser.add_ledger_filters),
so both accept and select exactly the same.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.cli import terminal as out
from core.cli.cli_parser import CliParser, add_ledger_filters, ledger_filter
from core.dates import parse_date
from core.errors import Refusal
from core.format import number
from core.i18n import _, ngettext
from core.office import Session
from core.reports.atomic_file import check_out

DOCUMENTS = ("weekly", "notice", "urge", "monthly", "quarterly", "ledger", "unit", "supervision")


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add this module's commands under `cmds`; `sub(parent, name, help)` makes one.

    `report REF --on D --text T` (a unit's progress report) already exists: `report` becomes a
    parser that sends `report <document> …` to the printing commands and anything else (a REF
    such as 2026-12/TGZ, never one of the document words) to the progress-report action.
    """
    action = cmds.choices["report"]
    printer = CliParser(prog=action.prog, description=_("print meeting materials and lists to PDF"))
    rep = printer.add_subparsers(dest="what", metavar="WHAT", parser_class=CliParser, required=True)
    dispatch = _ReportParser(action, printer)
    cmds.choices["report"] = dispatch  # the same dict as the parser map argparse looks names up in
    for choice in cmds._choices_actions:
        if choice.dest == "report":
            choice.help = _("record a progress report (report REF), or print a document to PDF "
                            "(report weekly|notice|urge|monthly|quarterly|ledger|unit|supervision)")

    def doc(name: str, help_: str) -> argparse.ArgumentParser:
        c = sub(rep, name, help_)
        c.add_argument("--out", required=True, metavar="F.pdf")
        return c

    c = doc("weekly", _("a weekly meeting's list of items"))
    c.add_argument("--meeting", required=True, type=int, metavar="ID")
    for name, help_ in (("notice", _("the supervision notice of one assignment")),
                        ("urge", _("the urge notice of one assignment"))):
        c = doc(name, help_)
        c.add_argument("ref", metavar="REF")
        c.add_argument("--contact", metavar="NAME", help=_("the contact person printed on the notices (kept)"))
        c.add_argument("--phone", metavar="NUMBER", help=_("the contact phone printed on the notices (kept)"))
    c = doc("monthly", _("the monthly review bulletin"))
    c.add_argument("period", metavar="YYYY-MM")
    c.add_argument("--requirements", metavar="FILE")
    c = doc("quarterly", _("the quarterly assessment result"))
    c.add_argument("period", metavar="YYYY-Qn")
    c = doc("ledger", _("the ledger (task list filters apply)"))
    add_ledger_filters(c)
    c = doc("unit", _("a unit's open assignments, most urgent first"))
    c.add_argument("unit", metavar="C")
    c.add_argument("--as-of", dest="as_of")
    c = doc("supervision", _("the supervision bulletin of a period"))
    c.add_argument("--from", dest="date_from", required=True, metavar="D")
    c.add_argument("--to", dest="date_to", required=True, metavar="D")


class _ReportParser(argparse.ArgumentParser):
    """`report`: the printing commands for `report <document>`, else the progress-report action."""

    def __init__(self, action: argparse.ArgumentParser, printer: argparse.ArgumentParser) -> None:
        super().__init__(prog=action.prog, add_help=False)
        self.action, self.printer = action, printer

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:  # type: ignore[override]
        args = list(args or [])
        if args[:1] in (["-h"], ["--help"]):  # both faces of `report`
            self.print_help()
            self.exit()
        target = self.printer if args and args[0] in DOCUMENTS else self.action
        return target.parse_known_args(args, namespace)

    def format_help(self) -> str:
        return self.action.format_help() + "\n" + self.printer.format_help()


def _done(path: Path, pages: int) -> int:
    out.say(ngettext("Wrote {path} ({n} page).", "Wrote {path} ({n} pages).", pages).format(
        path=path, n=number(pages)))
    return 0


def _requirements(path: str | None) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8-sig").strip()
    except FileNotFoundError as err:
        raise Refusal(_("There is no file {path}; give the text file of the next-step requirements.")
                      .format(path=path)) from err
    except (OSError, UnicodeDecodeError) as err:
        raise Refusal(_("Cannot read {path} as UTF-8 text; save the requirements as a UTF-8 text file.")
                      .format(path=path)) from err


def _notice(s: Session, a: argparse.Namespace, target: Path) -> int:
    """A notice or urge notice; a contact given with it is kept in the same transaction (a refusal undoes it)."""
    from contextlib import nullcontext

    from core.cli.settings_commands import update_contact
    from core.reports.notice import render_notice
    from core.reports.urge import render_urge

    render = render_notice if a.what == "notice" else render_urge
    given = a.contact is not None or a.phone is not None
    with s.write() if given else nullcontext():
        update_contact(s, a.contact, a.phone)
        return render(s.db, target, a.ref)


def cmd_report(s: Session, a: argparse.Namespace) -> int:
    if getattr(a, "what", None) is None:  # `report REF --on D --text T`: the progress-report action
        from core.cli.commands import cmd_action

        return cmd_action(s, a)
    target = Path(a.out)
    check_out(target)
    as_of = parse_date(a.as_of, what="--as-of") if getattr(a, "as_of", None) else s.today
    if a.what == "weekly":
        from core.reports.weekly_list import render_weekly_list

        return _done(target, render_weekly_list(s.db, target, a.meeting))
    if a.what == "ledger":
        from core.cli.commands import check_limit
        from core.reports.ledger_pdf import render_ledger

        check_limit(a.limit)
        return _done(target, render_ledger(s.db, target, ledger_filter(a), sort=a.sort, as_of=as_of, limit=a.limit))
    if a.what == "unit":
        from core.reports.unit_list import render_unit_list

        return _done(target, render_unit_list(s.db, target, a.unit, as_of=as_of))
    if a.what in ("notice", "urge"):
        return _done(target, _notice(s, a, target))
    if a.what == "supervision":
        from core.reports.supervision_bulletin import render_supervision_bulletin

        return _done(target, render_supervision_bulletin(s.db, target, parse_date(a.date_from, what="--from"),
                                                         parse_date(a.date_to, what="--to"), as_of=s.today))
    if a.what == "monthly":
        from core.reports.bulletin import render_monthly_bulletin
        from core.scoring.periods import month_period

        month = month_period(a.period).key
        return _done(target, render_monthly_bulletin(s.db, target, month, requirements=_requirements(a.requirements)))
    from core.reports.quarterly_result import render_quarterly_result
    from core.scoring.periods import quarter_period

    return _done(target, render_quarterly_result(s.db, target, quarter_period(a.period).key))


HANDLERS: dict[str, Callable[[Any, argparse.Namespace], int]] = {"report": cmd_report}
