"""`export-xlsx` and `import-xlsx`: the ledger and rankings in Excel (issue 5).

Contract: `add_parsers(cmds, sub)` adds the commands to the CLI; `HANDLERS` maps
each command name to `handler(session, args) -> exit code`.

    export-xlsx ledger [--unit C] [--leader N] [--state S] [--light L] [--search T] [--as-of D] [--sort K] --out F
    export-xlsx ranking YYYY-MM|YYYY-Qn [--as-of D] --out F
    import-xlsx F.xlsx [--mapping F.toml] [--dry-run]
    import-xlsx --template OUT.xlsx

`import-xlsx` prints every row it would create and every refused row with its
reasons; without --dry-run it then imports all the rows in one transaction, or,
when any row is refused, nothing (exit 1, saying how many rows were refused).
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core import directory
from core.cli import terminal as out
from core.cli.cli_parser import CliParser, add_ledger_filters, ledger_filter
from core.dates import parse_date
from core.errors import Refusal, UsageError
from core.format import number
from core.i18n import _, ngettext
from core.office import Session


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add this module's commands under `cmds`; `sub(parent, name, help)` makes one."""
    exp = sub(cmds, "export-xlsx", _("export the ledger or a ranking to Excel")).add_subparsers(
        dest="what", metavar="WHAT", parser_class=CliParser, required=True)
    c = sub(exp, "ledger", _("the ledger (task list filters apply)"))
    add_ledger_filters(c, limit=False)
    c.add_argument("--out", required=True, metavar="F.xlsx")
    c = sub(exp, "ranking", _("a month's or quarter's ranking"))
    c.add_argument("period", metavar="YYYY-MM|YYYY-Qn")
    c.add_argument("--as-of", dest="as_of")
    c.add_argument("--out", required=True, metavar="F.xlsx")

    c = sub(cmds, "import-xlsx", _("import a ledger from Excel (see docs/ledger-import.md)"))
    c.add_argument("file", nargs="?", metavar="F.xlsx")
    c.add_argument("--mapping", metavar="F.toml")
    c.add_argument("--dry-run", dest="dry_run", action="store_true")
    c.add_argument("--template", metavar="OUT.xlsx")


def _check_out(path: str, *inputs: str | None) -> Path:
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise UsageError(_("--out must name an .xlsx file, e.g. --out 台账.xlsx."))
    for i in inputs:
        if i and Path(i).resolve() == p.resolve():
            raise UsageError(_("--out names the file being imported; choose another file name."))
    return p


def cmd_export(s: Session, a: argparse.Namespace) -> int:
    from core.reports.xlsx import export as xlsx_export

    target = _check_out(a.out)
    as_of = parse_date(a.as_of, what="--as-of") if a.as_of else s.today
    if a.what == "ranking":
        n = xlsx_export.export_ranking(s.db, target, a.period, as_of=as_of)
        out.say(ngettext("{n} unit written to {path}.", "{n} units written to {path}.", n).format(
            n=number(n), path=target))
        return 0
    if a.unit:
        directory.unit_by_code(s.db, a.unit)
    if a.leader:
        directory.leader_by_name(s.db, a.leader)
    flt = ledger_filter(a)
    n = xlsx_export.export_ledger(s.db, target, flt, sort=a.sort, as_of=as_of)
    out.say(ngettext("{n} assignment written to {path}.", "{n} assignments written to {path}.", n).format(
        n=number(n), path=target))
    return 0


def print_plan(plan: Any) -> None:
    """Every row the import would create and every refused row with its reasons."""
    cats = {"general": _("general"), "major": _("major")}
    sources = {"meeting": _("meeting"), "instruction": _("instruction"), "inspection": _("inspection"),
               "other": _("other")}
    if plan.rows:
        out.print_table(
            [_("Row"), _("Item"), _("Category"), _("Source"), _("Assigned"), _("Lead"), _("Co units"), _("Leader")],
            [(r.row, r.task.title, cats[r.task.category], sources[r.task.source], r.task.assigned_on.isoformat(),
              plan.unit(r.task.lead), _(", ").join(plan.unit(c) for c in r.task.co), r.task.leader or "")
             for r in plan.rows], max_width=30)
    for r in plan.refused:
        for reason in r.reasons:
            out.say(_("Row {row} refused: {reason}").format(row=r.row, reason=reason))
    out.say(_("Sheet “{sheet}”, header in row {header}: {ok} to create, {bad} refused.").format(
        sheet=plan.sheet, header=plan.header_row, ok=number(len(plan.rows)), bad=number(len(plan.refused))))


def cmd_import(s: Session, a: argparse.Namespace) -> int:
    from core.reports.xlsx import importing as xlsx_import
    from core.reports.xlsx.mapping import load_mapping

    if a.template:
        if a.file or a.mapping or a.dry_run:
            raise UsageError(_("--template writes the empty template only; give no file, --mapping or --dry-run "
                               "with it."))
        target = xlsx_import.write_template(_check_out(a.template))
        out.say(_("The import template is written to {path}.").format(path=target))
        return 0
    if not a.file:
        raise UsageError(_("Name the .xlsx file to import, or write the template with --template OUT.xlsx."))
    mapping = load_mapping(a.mapping) if a.mapping else None
    plan = xlsx_import.plan_import(s.db, a.file, mapping, today=s.today)
    print_plan(plan)
    if a.dry_run:
        out.say(_("Dry run: nothing was imported."))
        return 0
    if plan.refused:
        n = len(plan.refused)
        raise Refusal(ngettext("{n} row is refused, so nothing was imported; fix it and import the file again.",
                               "{n} rows are refused, so nothing was imported; fix them and import the file again.",
                               n).format(n=n))
    changes = xlsx_import.apply_import(s, plan)
    n = len(changes.tasks)
    out.say(ngettext("{n} task imported.", "{n} tasks imported.", n).format(n=number(n)))
    return 0


HANDLERS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "export-xlsx": cmd_export, "import-xlsx": cmd_import,
}
