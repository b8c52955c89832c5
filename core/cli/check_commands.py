"""`check [--json] [--repair]`: report what was changed outside the app (core.integrity).

Exit codes: 0 nothing found, 1 problems found (listed on stdout, one line each,
with a one-line summary on stderr; `--json` prints the report, README "check"). `--repair` (clerk or administrator)
rebuilds the status cache first and reports what remains.
"""
from __future__ import annotations

import argparse

from core import integrity
from core.cli import terminal as out
from core.errors import ClerkError
from core.format import number
from core.i18n import _, ngettext
from core.office import Session


class ProblemsFound(ClerkError):
    """The check found problems: they are on stdout, this one-line summary goes to stderr (exit 1)."""


def _summary(report: integrity.Report) -> str:
    return ngettext(
        "{n} problem found: the database was changed outside the app. Restore a backup from before the "
        "change, or run 'check --repair' to rebuild the status cache.",
        "{n} problems found: the database was changed outside the app. Restore a backup from before the "
        "change, or run 'check --repair' to rebuild the status cache.",
        len(report.problems)).format(n=number(len(report.problems)))


def cmd_check(s: Session, a: argparse.Namespace) -> int:
    report = integrity.repair(s) if a.repair else integrity.check(s.db)
    if a.json:
        out.print_json(report.to_json())
        if not report.ok:
            raise ProblemsFound(_summary(report))
        return 0
    if report.repaired is not None:
        out.say(_("The status cache of {n} assignments was rebuilt from the events.").format(
            n=number(report.repaired)))
    for p in report.problems:
        out.say(p.message)
    if report.ok:
        out.say(_("Checked {entries} audit entries, {rows} sealed rows and {assignments} assignments: "
                  "nothing was changed outside the app.").format(
            entries=number(report.audit_entries), rows=number(report.sealed_rows),
            assignments=number(report.assignments)))
        return 0
    raise ProblemsFound(_summary(report))
