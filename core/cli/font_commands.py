"""`fonts`: which font file serves each printing role (docs/design.md §9, issue 5).

Contract: `add_parsers(cmds, sub)` adds the commands to the CLI; `HANDLERS` maps
each command name to `handler(session, args) -> exit code`. `fonts [--json]` lists,
for each role, the file, the face index in it, the family, where it came from
(user | system | shipped) and whether it stands in for the role's own face; the
JSON is a list of objects with exactly those keys plus `role`.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from core.cli import terminal as out
from core.i18n import _
from core.office import Session


def cmd_fonts(s: Session, a: argparse.Namespace) -> int:
    from core.reports.fonts import ROLE_NAMES, font_choices

    choices = font_choices(s.db)
    if a.json:
        out.print_json([{"role": c.role, "file": str(c.path), "index": c.subfont_index, "family": c.family,
                         "source": c.source, "substituted": c.substituted} for c in choices.values()])
        return 0
    sources = {"user": _("chosen by the user"), "system": _("system"), "shipped": _("shipped with Closeloop")}
    out.print_table([_("Role"), _("Family"), _("Source"), _("Substituted"), _("File")],
                    [(_(ROLE_NAMES[c.role]), c.family, sources[c.source], _("yes") if c.substituted else _("no"),
                      f"{c.path}" + (f" #{c.subfont_index}" if c.subfont_index else ""))
                     for c in choices.values()], max_width=70)
    return 0


HANDLERS: dict[str, Callable[[Any, argparse.Namespace], int]] = {"fonts": cmd_fonts}


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add this module's commands under `cmds`; `sub(parent, name, help)` makes one."""
    c = sub(cmds, "fonts", _("show which font file prints each role"))
    c.add_argument("--json", action="store_true")
