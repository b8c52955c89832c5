"""`settings`: the printed-materials settings from the command line (docs/design.md §9).

Contract: `add_parsers(cmds, sub)` adds the commands; `HANDLERS` maps the command name
to `handler(session, args) -> exit code`.

    settings show [--json]
    settings print [--office T] [--prefix T] [--contact T] [--phone T] [--copy-to T]
    settings decisions [--by admin_or_other|admin|any] [--json]

`show` lists the issuing office, the 机关代字 (document-number prefix), the contact
person and phone of the notices and the 抄送 list of the 版记; `--json` gives an object
with the keys `office`, `prefix`, `contact`, `phone`, `copy_to`. `print` changes the
fields given (an empty value clears one) through `save_print_settings` (a viewer is
refused; a bad value is refused with its sentence and nothing changes) and prints the
settings as saved. `decisions` shows who may approve or reject extensions, close and
return (`core.work.decisions`); `--by` changes it (administrators only). `update_contact(s, contact, phone)` is what `report notice|urge
--contact --phone` call to keep the contact before printing.
"""
from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from typing import Any

from core.cli import terminal as out
from core.errors import UsageError
from core.i18n import _
from core.office import Session
from core.reports.settings import PrintSettings, print_settings, save_print_settings

FIELDS = ("office", "prefix", "contact", "phone", "copy_to")


def _show(ps: PrintSettings, as_json: bool) -> None:
    if as_json:
        out.print_json(dataclasses.asdict(ps))
        return
    labels = {"office": _("Issuing office"), "prefix": _("Document-number prefix"),
              "contact": _("Contact person"), "phone": _("Contact phone"), "copy_to": _("Copy to")}
    out.print_table([_("Setting"), _("Value")], [(labels[f], getattr(ps, f) or "—") for f in FIELDS], max_width=70)


def update_contact(s: Session, contact: str | None, phone: str | None) -> None:
    """Keep the contact person and phone given on a `report` command in the settings."""
    if contact is None and phone is None:
        return
    ps = print_settings(s.db)
    save_print_settings(s, dataclasses.replace(ps, contact=ps.contact if contact is None else contact,
                                               phone=ps.phone if phone is None else phone))


def _decisions(s: Session, a: argparse.Namespace) -> int:
    from core.work.decisions import POLICY_LABELS, decision_policy, save_decision_policy

    if a.by is not None:
        save_decision_policy(s, a.by)
    policy = decision_policy(s.db)
    if a.json:
        out.print_json({"decisions_by": policy})
    else:
        out.say(_("Extensions are approved or rejected, and items closed or returned, by: {rule} ({key}).").format(
            rule=_(POLICY_LABELS[policy]), key=policy))
    return 0


def cmd_settings(s: Session, a: argparse.Namespace) -> int:
    if a.action == "decisions":
        return _decisions(s, a)
    if a.action == "show":
        _show(print_settings(s.db), a.json)
        return 0
    given = {f: getattr(a, f) for f in FIELDS if getattr(a, f) is not None}
    if not given:
        raise UsageError(_("Give at least one of --office, --prefix, --contact, --phone and --copy-to."))
    save_print_settings(s, dataclasses.replace(print_settings(s.db), **given))
    _show(print_settings(s.db), False)
    return 0


HANDLERS: dict[str, Callable[[Any, argparse.Namespace], int]] = {"settings": cmd_settings}


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add this module's commands under `cmds`; `sub(parent, name, help)` makes one."""
    from core.cli.cli_parser import CliParser

    settings = sub(cmds, "settings", _("the office's settings for printed documents")).add_subparsers(
        dest="action", metavar="ACTION", parser_class=CliParser, required=True)
    c = sub(settings, "show", _("show the printed-materials settings"))
    c.add_argument("--json", action="store_true")
    c = sub(settings, "print", _("change the printed-materials settings"))
    c.add_argument("--office", help=_("the issuing office printed on the documents"))
    c.add_argument("--prefix", help=_("the abbreviation before the document number, e.g. 示督"))
    c.add_argument("--contact", help=_("the contact person printed on the notices"))
    c.add_argument("--phone", help=_("the contact phone printed on the notices"))
    c.add_argument("--copy-to", dest="copy_to", help=_("the copy-to list of the closing block, e.g. 县委、县政府领导"))
    c = sub(settings, "decisions", _("show or change who approves extensions, closes and returns items"))
    c.add_argument("--by", choices=["admin_or_other", "admin", "any"],
                   help=_("admin_or_other: an administrator or another clerk than the one who recorded the request "
                          "or completion (default); admin: administrators only; any: every clerk"))
    c.add_argument("--json", action="store_true")
