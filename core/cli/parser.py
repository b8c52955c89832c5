"""The headless CLI's arguments (exactly the names of the core issue).

A usage error prints one translated line and exits 2 (`CliParser.error`, in
core/cli/cli_parser.py with the argument groups several commands share).
"""
from __future__ import annotations

import argparse

from core.cli.cli_parser import CliParser, add_ledger_filters
from core.cli.cli_parser import sub as _sub
from core.i18n import _


def build_parser() -> CliParser:
    p = CliParser(prog="main.py", description=_("Closeloop: the 13710 supervision work system."))
    p.add_argument("--db", help=_("the office database (default: CLOSELOOP_DB or the user data folder)"))
    p.add_argument("--user", help=_("the acting user (default: CLOSELOOP_USER or admin)"))
    p.add_argument("--version", action="store_true", help=_("print the version of Closeloop and exit"))
    # the installed app's self-check (packaging/check_package.py): open the window, quit after its first paint
    p.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    cmds = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=CliParser)

    c = _sub(cmds, "init", _("create a hub office database, or a unit office's from its enrollment file"))
    c.add_argument("--role", choices=["hub", "unit"])
    c.add_argument("--office")
    c.add_argument("--code")
    c.add_argument("--admin", required=True)
    c.add_argument("--from-enrollment", dest="from_enrollment", metavar="FILE")

    c = _sub(cmds, "demo", _("create a demo county database"))
    c.add_argument("--scale", type=int, default=1)
    c.add_argument("--seed", type=int, default=1)
    c.add_argument("--today")
    c.add_argument("--force", action="store_true")

    unit = _sub(cmds, "unit", _("units (townships and departments)")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(unit, "add", _("add a unit"))
    c.add_argument("--code", required=True)
    c.add_argument("--name", required=True)
    c.add_argument("--kind", required=True, choices=["township", "department"])
    c = _sub(unit, "list", _("list the units"))
    c.add_argument("--json", action="store_true")

    leader = _sub(cmds, "leader", _("county leaders")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(leader, "add", _("add a leader"))
    c.add_argument("--name", required=True)
    c.add_argument("--title", default="")
    c.add_argument("--units", default="")
    c = _sub(leader, "list", _("list the leaders"))
    c.add_argument("--json", action="store_true")

    user = _sub(cmds, "user", _("local users")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(user, "add", _("add a user"))
    c.add_argument("--name", required=True)
    c.add_argument("--role", required=True, choices=["admin", "clerk", "viewer"])
    c = _sub(user, "list", _("list the users"))
    c.add_argument("--json", action="store_true")

    meeting = _sub(cmds, "meeting", _("meetings")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(meeting, "add", _("add a meeting"))
    c.add_argument("--kind", required=True, choices=["weekly", "review", "assessment"])
    c.add_argument("--date", required=True)
    c.add_argument("--title", default="")
    c.add_argument("--new-meeting", action="store_true",
                   help=_("record a second weekly meeting on a day that already has one"))
    c.add_argument("--json", action="store_true")

    task = _sub(cmds, "task", _("tasks and the ledger")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(task, "add", _("assign a task"))
    c.add_argument("--title", required=True)
    c.add_argument("--category", required=True, choices=["general", "major"])
    c.add_argument("--date", required=True)
    c.add_argument("--lead", required=True)
    c.add_argument("--co", default="")
    c.add_argument("--leader")
    c.add_argument("--meeting", type=int)
    c.add_argument("--source", default="meeting", choices=["meeting", "instruction", "inspection", "other"])
    c.add_argument("--content", default="")
    c.add_argument("--json", action="store_true")
    c = _sub(task, "list", _("list assignments (the ledger)"))
    c.add_argument("--json", action="store_true")
    add_ledger_filters(c)
    c = _sub(task, "show", _("show a task or one assignment"))
    c.add_argument("ref", metavar="REF|TASKNO")
    c.add_argument("--json", action="store_true")

    def action(name: str, help_: str, *, text: bool = False, text_required: bool = False,
               reason: bool = False, attach: bool = False) -> argparse.ArgumentParser:
        a = _sub(cmds, name, help_)
        a.add_argument("ref", metavar="REF")
        a.add_argument("--on", required=True)
        if text:
            a.add_argument("--text", required=text_required, default="")
        if reason:
            a.add_argument("--reason", required=True)
        if attach:
            a.add_argument("--attach", nargs="+", default=[], metavar="FILE")
        return a

    action("claim", _("record the unit's claim (same-day deployment)"), text=True)
    action("report", _("record a progress report"), text=True, text_required=True, attach=True)
    c = action("extend", _("record an extension request"))
    c.add_argument("--until", required=True)
    c.add_argument("--plan", required=True)
    c.add_argument("--milestone", action="append", default=[], metavar="D:TEXT")
    c.add_argument("--attach", nargs="+", default=[], metavar="FILE")
    c = action("approve-extension", _("approve the pending extension request"))
    c.add_argument("--until")
    action("reject-extension", _("reject the pending extension request"), reason=True)
    action("complete", _("record the completion report"), text=True, text_required=True, attach=True)
    action("return", _("return a completion report"), reason=True)
    action("close", _("close (accept) a completed assignment"))
    c = action("urge", _("record an urge notice"), text=True)
    c.add_argument("--follow-up", dest="follow_up")
    action("cancel", _("cancel an assignment"), reason=True)

    c = _sub(cmds, "stats", _("completion and on-time rates"))
    c.add_argument("--json", action="store_true")
    c.add_argument("--from", dest="date_from")
    c.add_argument("--to", dest="date_to")
    c.add_argument("--as-of", dest="as_of")
    c.add_argument("--by", choices=["unit", "leader", "kind"])

    cal = _sub(cmds, "calendar", _("the holiday calendar")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(cal, "import-notice", _("import a year from the State Council notice text"))
    c.add_argument("file", metavar="FILE")
    c.add_argument("--yes", action="store_true")
    c = _sub(cal, "show", _("show a year's arrangement"))
    c.add_argument("year", type=int, metavar="YEAR")
    c.add_argument("--json", action="store_true")

    rules = _sub(cmds, "rules", _("the rule set")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    _sub(rules, "show", _("print the rule set in force"))
    c = _sub(rules, "import", _("import a rule set (TOML)"))
    c.add_argument("file", metavar="FILE.toml")

    c = _sub(cmds, "backup", _("back up the database"))
    c.add_argument("--out")
    c = _sub(cmds, "restore", _("restore the database from a backup"))
    c.add_argument("file", metavar="FILE")

    c = _sub(cmds, "audit", _("the audit log"))
    c.add_argument("--json", action="store_true")
    c.add_argument("--ref")
    c = _sub(cmds, "check", _("check that the database is as the app wrote it"))
    c.add_argument("--json", action="store_true")
    c.add_argument("--repair", action="store_true", help=_("rebuild the status cache from the events"))
    _scoring(cmds)
    from core.cli import (
        font_commands,
        key_commands,
        manual_commands,
        report_commands,
        settings_commands,
        supervision_commands,
        sync_commands,
        xlsx_commands,
    )
    font_commands.add_parsers(cmds, _sub)
    supervision_commands.add_parsers(cmds, _sub)
    settings_commands.add_parsers(cmds, _sub)
    key_commands.add_parsers(cmds, _sub)
    sync_commands.add_parsers(cmds, _sub)
    report_commands.add_parsers(cmds, _sub)
    xlsx_commands.add_parsers(cmds, _sub)
    manual_commands.add_parsers(cmds, _sub)
    return p


def _scoring(cmds: argparse._SubParsersAction) -> None:
    """score, bonus, criticism, finding and panel (docs/design.md §6)."""
    score = _sub(cmds, "score", _("monthly review and quarterly assessment scores")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(score, "month", _("a month's scores and ranks"))
    c.add_argument("period", metavar="YYYY-MM")
    c.add_argument("--json", action="store_true")
    c.add_argument("--publish", action="store_true")
    c.add_argument("--as-of", dest="as_of")
    c = _sub(score, "quarter", _("a quarter's scores, ranks and rewards"))
    c.add_argument("period", metavar="YYYY-Qn")
    c.add_argument("--json", action="store_true")
    c.add_argument("--publish", action="store_true")
    c = _sub(score, "explain", _("the events behind a unit's score"))
    c.add_argument("unit", metavar="UNITCODE")
    c.add_argument("period", metavar="YYYY-MM|YYYY-Qn")
    c.add_argument("--json", action="store_true")
    c = _sub(score, "reopen", _("reopen a published period"))
    c.add_argument("period", metavar="YYYY-MM|YYYY-Qn")
    c.add_argument("--reason", required=True)

    for command, help_, add_help in (
            ("bonus", _("bonus events (quarterly assessment)"), _("record a bonus event for a unit")),
            ("criticism", _("public criticism of units"), _("record a public criticism of a unit"))):
        entries = _sub(cmds, command, help_).add_subparsers(
            dest="action", metavar="ACTION", parser_class=CliParser, required=True)
        c = _sub(entries, "add", add_help)
        c.add_argument("--unit", required=True)
        if command == "bonus":
            c.add_argument("--kind", required=True,
                           choices=["approving_instruction", "commendation", "public_praise", "typical_speech"])
        c.add_argument("--on", required=True)
        c.add_argument("--text", required=True)
        c.add_argument("--person", default="")
        c.add_argument("--attach", nargs="+", default=[], metavar="FILE")

    panel = _sub(cmds, "panel", _("panel scores for the monthly review")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = _sub(panel, "set", _("set a leader's 0-10 score of a unit for a month"))
    c.add_argument("month", metavar="YYYY-MM")
    c.add_argument("--leader", required=True)
    c.add_argument("--unit", required=True)
    c.add_argument("--score", required=True, type=float)

